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
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
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
            ("short1A", "至少 12"),
            ("lowercase12", "至少 3 类"),
            ("Secadmin#2024", "用户名"),
            ("Password1", "常见密码"),
            ("Abc12345", "常见密码"),
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
        let_the_delay_pass(&app).await;
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

/// Lets the delay after a failure pass at once (the clock of the throttle is its rows).
async fn let_the_delay_pass(app: &TestApp) {
    sqlx::query("UPDATE sign_in_throttle SET blocked_until = 0 WHERE failures < 5")
        .execute(app.store.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn failures_slow_down_then_lock_the_account_for_that_address_only() {
    for db in backends() {
        let app = spawn_app(db).await;
        let b = app.browser();
        for i in 1..=4 {
            let r = b.login("auditadmin", "Wrong#Pass1").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
            // The next attempt must wait, longer each time (n² seconds).
            let r = b.login("auditadmin", "Wrong#Pass1").await;
            assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "attempt {i}");
            assert!(
                r.text()
                    .await
                    .unwrap()
                    .contains(&format!("{} 秒后再试", i * i))
            );
            let_the_delay_pass(&app).await;
        }
        let r = b.login("auditadmin", "Wrong#Pass1").await;
        assert_eq!(r.status(), StatusCode::LOCKED);
        assert!(r.text().await.unwrap().contains("锁定"));
        // Even the right password is refused while locked, from this address.
        let otp = app.one_time["auditadmin"].clone();
        assert_eq!(
            b.login("auditadmin", &otp).await.status(),
            StatusCode::LOCKED
        );
        let until: i64 = sqlx::query_scalar(
            "SELECT blocked_until FROM sign_in_throttle WHERE key = 'p:auditadmin@127.0.0.1'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let minutes = (until - fazhi_store::now_ms()) as f64 / 60_000.0;
        assert!(
            (14.0..=15.0).contains(&minutes),
            "locked for {minutes} minutes"
        );
        // 5 wrong passwords, 4 attempts during the delays, the right one while locked.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND object_id = 'auditadmin'").await,
            10
        );
        // The administrator at their own desk (another address) is not locked out by whoever
        // guessed from here.
        let id = fazhi_core::auth::sign_in(&app.store, "auditadmin", &otp, Some("10.1.2.3")).await;
        assert!(id.is_ok(), "{id:?}");
        // Unknown users fail the same way and are audited too.
        assert_eq!(
            b.login("nobody", "Wrong#Pass1").await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            b.login("nobody", "Wrong#Pass1").await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_id = 'nobody'")
                .await,
            2
        );
        // The console unlocks it; time would too.
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
async fn forty_wrong_passwords_sent_at_once_are_checked_once() {
    for db in backends() {
        let app = spawn_app(db).await;
        let mut attempts = Vec::new();
        for _ in 0..40 {
            let b = app.browser();
            let page = b.text("/login").await;
            attempts.push(tokio::spawn(async move {
                b.post(
                    "/login",
                    &[
                        ("csrf", csrf_of(&page)),
                        ("username", "sysadmin".into()),
                        ("password", "Wrong#Pass1".into()),
                    ],
                )
                .await
                .status()
            }));
        }
        let mut statuses = Vec::new();
        for a in attempts {
            statuses.push(a.await.unwrap());
        }
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        assert_eq!(checked, 1, "{statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS)
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_id = 'sysadmin' AND detail LIKE '%wrong_password%'").await,
            1
        );
        // And the administrator can still sign in (after the delay).
        let_the_delay_pass(&app).await;
        let otp = app.one_time["sysadmin"].clone();
        assert_eq!(
            app.browser().login("sysadmin", &otp).await.status(),
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
