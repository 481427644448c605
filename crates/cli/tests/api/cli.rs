use reqwest::StatusCode;

use crate::helpers::*;

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[tokio::test]
async fn the_console_creates_resets_locks_and_unlocks_users_and_migrates_idempotently() {
    for db in backends() {
        let app = spawn_app(db).await;
        let out = stdout(&app.cli(&["migrate"]));
        assert!(out.contains("applied 0 migration(s)"), "{out}");
        let dept = app.department_id("诸暨市市场监督管理局").await;
        let out = stdout(&app.cli(&[
            "user",
            "create",
            "--username",
            "shijian",
            "--display-name",
            "市监执法员",
            "--department-id",
            &dept.to_string(),
            "--role",
            "department_clerk",
        ]));
        let otp = out.rsplit(' ').next().unwrap().trim().to_string();
        let b = app.browser();
        assert_eq!(
            b.login("shijian", &otp).await.status(),
            StatusCode::SEE_OTHER
        );
        b.change_password(&otp, PASSWORD).await;
        assert!(b.text("/").await.contains("本部门及下级"));

        stdout(&app.cli(&["user", "lock", "shijian"]));
        // Locking signs the user out everywhere and keeps them out.
        assert_eq!(b.get("/").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.browser().login("shijian", PASSWORD).await.status(),
            StatusCode::LOCKED
        );
        stdout(&app.cli(&["user", "unlock", "shijian"]));
        let out = stdout(&app.cli(&["user", "reset-password", "shijian"]));
        let otp = out.rsplit(' ').next().unwrap().trim().to_string();
        assert_eq!(
            app.browser().login("shijian", PASSWORD).await.status(),
            StatusCode::UNAUTHORIZED
        );
        // A failed sign-in makes the next one from this address wait a second.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(
            app.browser().login("shijian", &otp).await.status(),
            StatusCode::SEE_OTHER
        );
        // The console's actions are on the audit log under its own name.
        assert!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE actor_name LIKE 'cli:%'")
                .await
                >= 5
        );
        // Bad input at the console: a clear message and a non-zero exit.
        let out = app.cli(&[
            "user",
            "create",
            "--username",
            "x",
            "--display-name",
            "某",
            "--department-id",
            "1",
        ]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("username"));
    }
}
