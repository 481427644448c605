use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_town_clerk_never_sees_another_towns_records() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town_a = app.department_id("店口镇人民政府").await;
        let town_b = app.department_id("枫桥镇人民政府").await;
        let (a_id, clerk_a) = app
            .user_with_role(&sys, &sec, "clerk_a", town_a, "town_clerk")
            .await;
        let (b_id, _clerk_b) = app
            .user_with_role(&sys, &sec, "clerk_b", town_b, "town_clerk")
            .await;

        // Own town: visible.
        assert_eq!(
            clerk_a.get(&format!("/org/users/{a_id}")).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            clerk_a
                .get(&format!("/org/departments/{town_a}"))
                .await
                .status(),
            StatusCode::OK
        );
        // Another town, even by guessing the id: not found, exactly as an id that does not exist.
        for path in [
            format!("/org/users/{b_id}"),
            format!("/org/departments/{town_b}"),
            "/org/users/999999".into(),
        ] {
            let r = clerk_a.get(&path).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path} {db:?}");
        }
        let list = clerk_a.text("/org/users").await;
        assert!(
            list.contains("clerk_a") && !list.contains("clerk_b") && !list.contains("sysadmin")
        );
        let depts = clerk_a.text("/org/departments").await;
        assert!(depts.contains("店口镇人民政府") && !depts.contains("枫桥镇人民政府"));

        // The JSON API applies the same scope.
        let r = clerk_a.get(&format!("/api/v1/users/{b_id}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
        let users: serde_json::Value = clerk_a.get("/api/v1/users").await.json().await.unwrap();
        let names: Vec<&str> = users["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["clerk_a"]);

        // A clerk cannot manage: the forms answer 403 and nothing is written.
        let before = app.count("SELECT COUNT(*) FROM users").await;
        let csrf = clerk_a.csrf().await;
        let r = clerk_a
            .post(
                "/org/users",
                &[
                    ("csrf", csrf),
                    ("username", "sneaky".into()),
                    ("display_name", "x".into()),
                    ("department_id", town_b.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
    }
}

#[tokio::test]
async fn an_api_token_acts_for_its_holder_within_their_permissions_and_can_be_revoked() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town_a = app.department_id("店口镇人民政府").await;
        let (holder_id, _) = app
            .user_with_role(&sys, &sec, "dk_api", town_a, "town_clerk")
            .await;
        let (holder_id, holder) = (holder_id, app.browser());
        assert_eq!(
            holder.login("dk_api", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        // No administrator issues a token — for anybody, themselves included (the system
        // administrator's business powers would come in through it, and the secret would be
        // theirs); a holder issues their own, never beyond what they may do.
        assert_eq!(
            sys.get("/account/tokens").await.status(),
            StatusCode::FORBIDDEN
        );
        let page = sys.text("/admin/tokens").await;
        let r = sys
            .post(
                "/account/tokens",
                &[
                    ("csrf", csrf_of(&page)),
                    ("name", "x".into()),
                    ("permissions", "case.read".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("管理员不能"));
        let r = issue_own_token(&holder, "supervision.manage").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("不能超出持有人本人的权限"));
        assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
        let r = issue_own_token(&holder, "org.read").await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        let secret: String = html
            .split("<code>")
            .nth(1)
            .unwrap()
            .split("</code>")
            .next()
            .unwrap()
            .to_string();
        assert!(secret.starts_with("fz_"));
        // Only a digest is stored.
        assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 1);
        let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_ne!(stored, secret);

        let api = reqwest::Client::new();
        let get = |path: &str| {
            api.get(format!("{}{path}", app.base))
                .bearer_auth(&secret)
                .send()
        };
        let me: serde_json::Value = get("/api/v1/me").await.unwrap().json().await.unwrap();
        // The holder's scope (a town clerk's: the town).
        assert_eq!(me["data_scope"], "region");
        let depts: serde_json::Value = get("/api/v1/departments")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = depts["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["店口镇人民政府"]);
        let other = app.department_id("诸暨市司法局").await;
        assert_eq!(
            get(&format!("/api/v1/departments/{other}"))
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        // Without the permission: 403. With a wrong token: 401.
        assert_eq!(
            get("/api/v1/audit").await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let r = api
            .get(format!("{}/api/v1/me", app.base))
            .bearer_auth("fz_wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        // Each read through the token is on the audit log.
        assert!(
            app.count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND object_type = 'api'"
            )
            .await
                >= 3
        );
        // The holder locked: the token stops working with them; unlocked, it works again.
        let csrf = sys.csrf().await;
        sys.post(&format!("/org/users/{holder_id}/lock"), &[("csrf", csrf)])
            .await;
        assert_eq!(
            get("/api/v1/me").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        let csrf = sys.csrf().await;
        sys.post(&format!("/org/users/{holder_id}/unlock"), &[("csrf", csrf)])
            .await;
        assert_eq!(get("/api/v1/me").await.unwrap().status(), StatusCode::OK);
        // Revoked: 401.
        let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let csrf = sys.csrf().await;
        assert_eq!(
            sys.post(&format!("/admin/tokens/{id}/revoke"), &[("csrf", csrf)])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            get("/api/v1/me").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

/// The signed-in holder issues a token for themselves with one permission.
async fn issue_own_token(b: &Browser, permission: &str) -> reqwest::Response {
    let page = b.text("/account/tokens").await;
    b.post(
        "/account/tokens",
        &[
            ("csrf", csrf_of(&page)),
            ("name", "统一处罚办案系统".into()),
            ("permissions", permission.into()),
        ],
    )
    .await
}
