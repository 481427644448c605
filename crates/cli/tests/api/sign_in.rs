use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn health_login_page_and_csrf() {
    for db in backends() {
        let app = spawn_app(db).await;
        let b = app.browser();
        assert_eq!(b.get("/healthz").await.status(), StatusCode::OK);
        let r = b.get("/login").await;
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
        assert!(r.text().await.unwrap().contains("用户名"));
        // Behind an HTTPS proxy the cookie is Secure.
        let r = app
            .browser()
            .client
            .get(b.url("/login"))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .contains("; Secure")
        );
        // A forged or missing CSRF token is refused, and nothing is signed in.
        let otp = app.one_time["sysadmin"].clone();
        for token in ["", "0000"] {
            let r = b
                .post(
                    "/login",
                    &[
                        ("csrf", token.into()),
                        ("username", "sysadmin".into()),
                        ("password", otp.clone()),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{db:?}");
        }
        // A fresh client with no session at all is refused too.
        let r = app
            .browser()
            .post(
                "/login",
                &[("username", "sysadmin".into()), ("password", otp)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in'")
                .await,
            0
        );
        // Unknown pages answer 404 in Chinese.
        let r = b.get("/no/such/page").await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.text().await.unwrap().contains("不存在"));
    }
}

#[tokio::test]
async fn first_sign_in_forces_a_password_change_that_meets_the_policy() {
    for db in backends() {
        let app = spawn_app(db).await;
        let b = app.browser();
        let otp = app.one_time["secadmin"].clone();
        let r = b.login("secadmin", &otp).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // Every page leads to the password change first.
        for path in ["/", "/admin/roles", "/org/users"] {
            let r = b.get(path).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
            assert_eq!(r.headers()["location"], "/account/password");
        }
        let page = b.text("/account/password").await;
        for (new, why) in [
            ("short1A", "至少 8"),
            ("alllowercase1", "至少 3 类"),
            ("Secadmin#2024", "用户名"),
        ] {
            let r = b
                .post(
                    "/account/password",
                    &[
                        ("csrf", csrf_of(&page)),
                        ("current", otp.clone()),
                        ("new", new.into()),
                        ("confirm", new.into()),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{new}");
            assert!(
                r.text().await.unwrap().contains(why),
                "{new} should mention {why}"
            );
        }
        b.change_password(&otp, PASSWORD).await;
        let home = b.get("/").await;
        assert_eq!(home.status(), StatusCode::OK);
        assert!(home.text().await.unwrap().contains("工作台"));
        // The one-time password no longer works; the new one does.
        assert_eq!(
            app.browser().login("secadmin", &otp).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.browser().login("secadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let stored: String =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'secadmin'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert!(stored.starts_with("$argon2id$"));
    }
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    for db in backends() {
        let app = spawn_app(db).await;
        let b = app.browser();
        for i in 1..=4 {
            let r = b.login("auditadmin", "Wrong#Pass1").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        let r = b.login("auditadmin", "Wrong#Pass1").await;
        assert_eq!(r.status(), StatusCode::LOCKED);
        assert!(r.text().await.unwrap().contains("锁定"));
        // Even the right password is refused while locked.
        let otp = app.one_time["auditadmin"].clone();
        assert_eq!(
            b.login("auditadmin", &otp).await.status(),
            StatusCode::LOCKED
        );
        let until: i64 =
            sqlx::query_scalar("SELECT locked_until FROM users WHERE username = 'auditadmin'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        let minutes = (until - fazhi_store::now_ms()) as f64 / 60_000.0;
        assert!(
            (14.0..=15.0).contains(&minutes),
            "locked for {minutes} minutes"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND object_id = 'auditadmin'").await,
            6
        );
        // Unknown users fail the same way and are audited too.
        assert_eq!(
            b.login("nobody", "Wrong#Pass1").await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_id = 'nobody'")
                .await,
            1
        );
        // The console unlocks it.
        let out = app.cli(&["user", "unlock", "auditadmin"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            b.login("auditadmin", &otp).await.status(),
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn an_idle_session_is_signed_out() {
    for db in backends() {
        let app = spawn_app_with(db, Duration::from_millis(1500)).await;
        let b = app.admin("sysadmin").await;
        assert_eq!(b.get("/").await.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(800)).await;
        // Activity keeps the session alive past the timeout counted from sign-in...
        assert_eq!(b.get("/").await.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(b.get("/").await.status(), StatusCode::OK);
        // ...and idleness ends it.
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let r = b.get("/").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login?expired=1");
        assert!(b.text("/login?expired=1").await.contains("自动退出"));
    }
}

#[tokio::test]
async fn sign_out_ends_the_session_and_is_audited() {
    for db in backends() {
        let app = spawn_app(db).await;
        let b = app.admin("sysadmin").await;
        let csrf = b.csrf().await;
        let r = b.post("/logout", &[("csrf", csrf)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(b.get("/").await.headers()["location"], "/login");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_out'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in'")
                .await,
            1
        );
    }
}
