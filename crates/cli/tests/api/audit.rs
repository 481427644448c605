use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn audit_verify_finds_the_first_edited_or_deleted_entry() {
    for db in backends() {
        let app = spawn_app(db).await;
        // Some history: sign-ins, a password change, a failed sign-in.
        let _sys = app.admin("sysadmin").await;
        let _ = app.browser().login("sysadmin", "Wrong#Pass1").await;
        let out = app.cli(&["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("intact"), "{stdout}");
        let total = app.count("SELECT COUNT(*) FROM audit_log").await;
        assert!(total >= 5);

        // The database itself refuses to change the log…
        let refused = sqlx::query("UPDATE audit_log SET actor_name = 'x' WHERE seq = 2")
            .execute(app.store.pool())
            .await;
        assert!(refused.is_err());
        // …so a tamperer first drops the guard, then edits entry 3.
        let drop = match app.db {
            Db::Sqlite => "DROP TRIGGER audit_log_no_update",
            Db::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
        };
        sqlx::query(drop).execute(app.store.pool()).await.unwrap();
        let original: String = sqlx::query_scalar("SELECT actor_name FROM audit_log WHERE seq = 3")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor_name = 'somebody_else' WHERE seq = 3")
            .execute(app.store.pool())
            .await
            .unwrap();
        let out = app.cli(&["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stdout}");
        assert!(
            stdout.contains("seq 3") && stdout.contains("altered"),
            "{stdout}"
        );
        // Restoring the content heals the chain…
        sqlx::query("UPDATE audit_log SET actor_name = $1 WHERE seq = 3")
            .bind(&original)
            .execute(app.store.pool())
            .await
            .unwrap();
        assert!(app.cli(&["audit", "verify"]).status.success());
        // …and a deleted entry is found as well.
        if let Db::Sqlite = app.db {
            sqlx::query("DROP TRIGGER audit_log_no_delete")
                .execute(app.store.pool())
                .await
                .unwrap();
        }
        sqlx::query("DELETE FROM audit_log WHERE seq = 4")
            .execute(app.store.pool())
            .await
            .unwrap();
        let out = app.cli(&["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stdout}");
        assert!(stdout.contains("seq 4 is missing"), "{stdout}");
    }
}

#[tokio::test]
async fn audit_administrator_searches_and_exports_and_the_export_is_audited() {
    for db in backends() {
        let app = spawn_app(db).await;
        let _sys = app.admin("sysadmin").await;
        let aud = app.admin("auditadmin").await;
        let page = aud.text("/audit?actor=sysadmin&action=sign_in").await;
        assert!(page.contains("sysadmin") && page.contains("登录"));
        assert!(!page.contains("修改密码</td>"), "filtered to sign-ins only");
        let r = aud.get("/audit/export.xlsx?actor=sysadmin").await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        use calamine::Reader;
        let sheet = book.worksheet_range("审计日志").unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0][0], "序号");
        let expected = app
            .count("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'sysadmin'")
            .await;
        assert_eq!(rows.len() as i64 - 1, expected);
        assert!(rows[1..].iter().all(|r| r[2] == "sysadmin"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND actor_name = 'auditadmin'").await, 1);
        // Bad dates are named, not a 500.
        let r = aud.get("/audit?from=2024-13-45").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // The audit administrator's API view, keyset-paged.
        let p1: serde_json::Value = aud.get("/api/v1/audit?limit=2").await.json().await.unwrap();
        let next = p1["next"].as_i64().unwrap();
        let p2: serde_json::Value = aud
            .get(&format!("/api/v1/audit?limit=2&after={next}"))
            .await
            .json()
            .await
            .unwrap();
        let last_1 = p1["items"][1]["seq"].as_i64().unwrap();
        let first_2 = p2["items"][0]["seq"].as_i64().unwrap();
        assert_eq!(first_2, last_1 - 1);
    }
}
