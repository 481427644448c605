use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn mobile_numbers_are_sealed_masked_found_by_blind_index_and_survive_key_rotation() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let dept = app.department_id("诸暨市司法局").await;
        let page = sys.text("/org/users/new").await;
        let form = |mobile: &str| {
            vec![
                ("csrf", csrf_of(&page)),
                ("username", "wanger".to_string()),
                ("display_name", "王二".to_string()),
                ("department_id", dept.to_string()),
                ("mobile", mobile.to_string()),
            ]
        };
        let r = sys.post("/org/users", &form("1381234567")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("手机号码无效"));
        assert_eq!(
            sys.post("/org/users", &form("138 1234 5678"))
                .await
                .status(),
            StatusCode::OK
        );

        // Stored sealed: the number appears nowhere in the row.
        let (sealed, index, masked): (String, String, String) =
            sqlx::query_as("SELECT mobile_sealed, mobile_index, mobile_masked FROM users WHERE username = 'wanger'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert!(sealed.starts_with("sm4gcm:1:") && !sealed.contains("13812345678"));
        assert!(!index.contains("13812345678"));
        assert_eq!(masked, "138****5678");
        // On screen: masked in the list, found by exact number, full only in the manager's form.
        let list = sys.text("/org/users").await;
        assert!(list.contains("138****5678") && !list.contains("13812345678"));
        let found = sys.text("/org/users?mobile=13812345678").await;
        assert!(found.contains("wanger") && !found.contains("sysadmin"));
        assert!(
            !sys.text("/org/users?mobile=13812345679")
                .await
                .contains("wanger")
        );
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'wanger'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(
            sys.text(&format!("/org/users/{id}"))
                .await
                .contains("value=\"13812345678\"")
        );
        // Opening the number in clear is on the audit log.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND object_type = 'user_mobile'")
                .await,
            1
        );

        // Rotation: add key 2, rotate, and the value is re-sealed under it.
        let (new_keys, _) = fazhi_core::vault::Keyring::generate();
        let new_key = new_keys.trim_start_matches("1:").to_string();
        let both = format!("{},2:{new_key}", app.data_keys);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"));
        let o = cmd
            .args(["keys", "rotate"])
            .args(&app.cli_db)
            .env("FAZHI_DATA_KEYS", &both)
            .env("FAZHI_INDEX_KEY", &app.index_key)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("re-sealed 1 value"));
        let sealed: String =
            sqlx::query_scalar("SELECT mobile_sealed FROM users WHERE username = 'wanger'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert!(sealed.starts_with("sm4gcm:2:"), "{sealed}");
        // The old key can go: the new one alone reads it, and the blind index still finds it.
        let new_only =
            fazhi_core::vault::Keyring::parse(&format!("2:{new_key}"), None, &app.index_key)
                .unwrap();
        assert_eq!(
            new_only.open("users.mobile", &sealed).unwrap(),
            "13812345678"
        );
        assert_eq!(new_only.blind_index("users.mobile", "13812345678"), index);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'rotate_key'")
                .await,
            1
        );
    }
}
