use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn the_three_administrators_are_kept_apart() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let aud = app.admin("auditadmin").await;

        // Each reaches their own pages and none of the others'.
        for (b, allowed, denied) in [
            (
                &sys,
                vec!["/org/users/new", "/admin/tokens"],
                vec!["/admin/roles", "/admin/policy", "/audit"],
            ),
            (
                &sec,
                vec!["/admin/roles", "/admin/policy"],
                vec!["/org/users/new", "/admin/tokens", "/audit"],
            ),
            (
                &aud,
                vec!["/audit"],
                vec![
                    "/org/users",
                    "/admin/roles",
                    "/admin/policy",
                    "/admin/tokens",
                    "/m/review",
                ],
            ),
        ] {
            for p in allowed {
                assert_eq!(b.get(p).await.status(), StatusCode::OK, "{p}");
            }
            for p in denied {
                assert_eq!(b.get(p).await.status(), StatusCode::FORBIDDEN, "{p}");
            }
        }

        // No account holds two administrator roles, nor an administrator role with another.
        let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'auditadmin'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let store = app.store.clone();
        let role = |code: &'static str| {
            let store = store.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM roles WHERE code = $1")
                    .bind(code)
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
            }
        };
        let (audit_role, sys_role, clerk_role) = (
            role("audit_admin").await,
            role("system_admin").await,
            role("town_clerk").await,
        );
        for combo in [vec![audit_role, sys_role], vec![audit_role, clerk_role]] {
            let page = sec.text(&format!("/org/users/{user}/roles")).await;
            let mut form = vec![("csrf", csrf_of(&page))];
            form.extend(combo.iter().map(|r| ("role", r.to_string())));
            let r = sec.post(&format!("/org/users/{user}/roles"), &form).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text().await.unwrap().contains("三员分立"));
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE u.username = 'auditadmin'").await, 1);

        // The security administrator cannot change their own roles.
        let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'secadmin'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let page = sec.text(&format!("/org/users/{me}/roles")).await;
        let r = sec
            .post(
                &format!("/org/users/{me}/roles"),
                &[("csrf", csrf_of(&page)), ("role", audit_role.to_string())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // No business role may carry an administrator's permission.
        let page = sec.text("/admin/roles/new").await;
        let r = sec
            .post(
                "/admin/roles",
                &[
                    ("csrf", csrf_of(&page)),
                    ("code", "snoop".into()),
                    ("name", "窥探".into()),
                    ("description", String::new()),
                    ("data_scope", "all".into()),
                    ("permissions", "audit.read".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM roles WHERE code = 'snoop'")
                .await,
            0
        );

        // The permission change the security administrator may make is audited.
        let page = sec.text("/admin/roles/new").await;
        let r = sec
            .post(
                "/admin/roles",
                &[
                    ("csrf", csrf_of(&page)),
                    ("code", "reader".into()),
                    ("name", "通讯录查询".into()),
                    ("description", String::new()),
                    ("data_scope", "department".into()),
                    ("permissions", "org.read".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'role' AND actor_name = 'secadmin'").await, 1);
    }
}

#[tokio::test]
async fn two_people_editing_one_record_cannot_overwrite_each_other() {
    for db in backends() {
        let app = spawn_app(db).await;
        let first = app.admin("sysadmin").await;
        // A second session of the system administrator, e.g. a colleague at another desk.
        let second = app.browser();
        assert_eq!(
            second.login("sysadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let id = app.department_id("诸暨市商务局").await;
        let path = format!("/org/departments/{id}");
        let page_1 = first.text(&path).await;
        let page_2 = second.text(&path).await;
        let version = |html: &str| {
            let m = "name=\"version\" value=\"";
            html[html.find(m).unwrap() + m.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect::<String>()
        };
        let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let form = |html: &str, name: &str| {
            vec![
                ("csrf", csrf_of(html)),
                ("version", version(html)),
                ("name", name.to_string()),
                ("issuer_abbr", "诸商".to_string()),
                ("region_id", region.to_string()),
                ("parent_id", String::new()),
            ]
        };
        let r = first
            .post(&path, &form(&page_1, "诸暨市商务局（甲改）"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = second
            .post(&path, &form(&page_2, "诸暨市商务局（乙改）"))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("已被他人修改"));
        let name: String = sqlx::query_scalar("SELECT name FROM departments WHERE id = $1")
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(name, "诸暨市商务局（甲改）");
    }
}
