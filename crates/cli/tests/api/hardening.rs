//! What an attacker, a careless upload and a slow client could break (issue 14), each tried from
//! outside over HTTP against the running app.
//!
//! Long because each attack of issue 14 is one test here, sharing the helpers at the end.

use reqwest::StatusCode;

use crate::helpers::*;

/// The hostile workbooks of `crates/upload/tests/data` (see make.py there).
fn hostile(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../upload/tests/data")
        .join(name);
    std::fs::read(path).unwrap()
}

#[tokio::test]
async fn hostile_workbooks_are_refused_in_chinese_on_every_import_and_the_server_stays_up() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dk = app.department_id("店口镇人民政府").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "dk_ledger", dk, "town_clerk")
            .await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "hard_sup", bureau, "supervisor")
            .await;
        let cases_before = app.count("SELECT COUNT(*) FROM cases").await;
        for (file, says) in [
            ("corners.xlsx", "1048576 行 × 16384 列"),
            ("corners-undeclared.xlsx", "第 1048576 行超出导入上限"),
            ("bomb.xlsx", "解压后过大"),
        ] {
            let (status, html) =
                upload_to(&clerk, "/enforcement/cases/import", hostile(file)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file}");
            assert!(html.contains(says), "{file}: {html}");
            // The supervisor's imports share the reader.
            for path in [
                "/enforcement/catalog/import",
                "/enforcement/discretion/import",
                "/inspection/scenarios/import",
                "/inspection/entities/import",
            ] {
                let (status, html) = upload_to(&sup, path, hostile(file)).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file} {path}");
                assert!(html.contains(says), "{file} {path}");
            }
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, cases_before);
        assert_eq!(
            clerk.get("/enforcement/cases").await.status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn a_slow_import_holds_up_no_sign_in_and_no_filing() {
    let generated = TestApp::cli_stdin(&["generate", "cases", "--count", "50", "--seed", "3"], "");
    let line = String::from_utf8(generated.stdout)
        .unwrap()
        .lines()
        .find(|l| l.contains("诸暨市综合行政执法局"))
        .unwrap()
        .to_string();
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dept = app.department_id("诸暨市综合行政执法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "slow_sender", dept, "department_clerk")
            .await;
        let (_, filer) = app
            .user_with_role(&sys, &sec, "quick_filer", dept, "department_clerk")
            .await;
        let csrf = csrf_of(&clerk.text("/enforcement/cases/new").await);
        // One record now, then nothing for 7 s (longer than SQLite's 5 s busy wait), then the end.
        let first = format!("{line}\n");
        let body = futures_util::stream::unfold(0u8, move |step| {
            let first = first.clone();
            async move {
                match step {
                    0 => Some((Ok::<_, std::io::Error>(first), 1)),
                    1 => {
                        tokio::time::sleep(std::time::Duration::from_secs(7)).await;
                        Some((String::new(), 2)).map(|(s, n)| (Ok(s), n))
                    }
                    _ => None,
                }
            }
        });
        let slow = clerk
            .client
            .post(clerk.url("/api/v1/cases/import"))
            .header("x-csrf-token", &csrf)
            .header("content-type", "application/x-ndjson")
            .body(reqwest::Body::wrap_stream(body))
            .send();
        let slow = tokio::spawn(slow);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let started = std::time::Instant::now();
        for n in 0..10 {
            let b = app.browser();
            let r = b.login("quick_filer", PASSWORD).await;
            assert!(r.status().is_redirection(), "sign-in {n}: {}", r.status());
            let page = filer.text("/enforcement/cases/new").await;
            let r = filer
                .post(
                    "/enforcement/cases",
                    &[
                        ("csrf", csrf_of(&page)),
                        ("department_id", dept.to_string()),
                        ("item_code", "ZH-004".into()),
                        ("cause", format!("擅自占用城市道路案{n}")),
                        ("act_ended_on", "2026-11-01".into()),
                        ("discovered_on", "2026-11-10".into()),
                        ("filed_on", "2026-11-12".into()),
                        ("party_kind", "person".into()),
                        ("party_name", "张三".into()),
                        ("origin", "监督检查".into()),
                        ("summary", "占道经营".into()),
                        ("approver", "李局长".into()),
                        ("party_code", resident_id("33068119850315123")),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "filing {n}");
        }
        // All twenty answered while the import was still being sent.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
        assert!(!slow.is_finished());
        let r = slow.await.unwrap().unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let report: serde_json::Value = r.json().await.unwrap();
        assert_eq!(report["inserted"], 1, "{report}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE cause LIKE '擅自占用城市道路案%'")
                .await,
            10
        );
    }
}

#[tokio::test]
async fn import_bodies_are_bounded_and_their_error_lists_capped() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dept = app.department_id("诸暨市综合行政执法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "bulk_sender", dept, "department_clerk")
            .await;
        let csrf = csrf_of(&clerk.text("/enforcement/cases/new").await);
        let post = |body: Vec<u8>| {
            clerk
                .client
                .post(clerk.url("/api/v1/cases/import"))
                .header("x-csrf-token", &csrf)
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
        };
        // 5,000 broken lines: every one counted, the first 1,000 listed.
        let r = post("{broken\n".repeat(5_000).into_bytes()).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let report: serde_json::Value = r.json().await.unwrap();
        assert_eq!(report["rejected"], 5_000);
        assert_eq!(report["errors"].as_array().unwrap().len(), 1_000);
        // A line over 1 MB is refused before anything is written.
        let mut long = vec![b'x'; (1 << 20) + 10];
        long.insert(0, b'\n');
        let r = post(long).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(
            e["message"].as_str().unwrap().contains("第 2 行超过 1 MB"),
            "{e}"
        );
        // A form body past the root limit is refused with 413 before the handler reads it.
        let r = clerk
            .client
            .post(clerk.url("/enforcement/cases"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![b'a'; 12 << 20])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
    }
}

#[tokio::test]
async fn no_administrator_resets_locks_or_disables_another_from_the_web() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dk = app.department_id("店口镇人民政府").await;
        let (clerk_id, _) = app
            .user_with_role(&sys, &sec, "dk_reset", dk, "town_clerk")
            .await;
        let sec_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'secadmin'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        for action in ["reset-password", "lock", "unlock"] {
            let csrf = sys.csrf().await;
            let r = sys
                .post(&format!("/org/users/{sec_id}/{action}"), &[("csrf", csrf)])
                .await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{action}");
            assert!(r.text().await.unwrap().contains("服务器控制台"), "{action}");
        }
        // The security administrator's password still works; nothing was changed.
        assert_eq!(
            app.browser().login("secadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'reset_password'")
                .await,
            0
        );
        // The console may, audited as the console.
        let out = app.cli(&["user", "reset-password", "secadmin"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'reset_password' AND actor_name LIKE 'cli:%'").await,
            1
        );
        // A business user is still reset from the web.
        let csrf = sys.csrf().await;
        let r = sys
            .post(
                &format!("/org/users/{clerk_id}/reset-password"),
                &[("csrf", csrf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_administrators_neither_see_nor_move_business_records() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let aud = app.admin("auditadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let dk = app.department_id("店口镇人民政府").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "perm_sup", bureau, "supervisor")
            .await;
        let (clerk_id, clerk) = app
            .user_with_role(&sys, &sec, "perm_clerk", dk, "town_clerk")
            .await;
        // A deadline on a case-like record of the town, due to the clerk.
        let cal = fazhi_core::calendar::load(&app.store).await.unwrap();
        let mut tx = app.store.begin().await.unwrap();
        let today = fazhi_core::deadlines::china_today();
        let deadline = fazhi_core::deadlines::create(
            &mut tx,
            &fazhi_core::Actor::operator(),
            &cal,
            fazhi_kernel::deadline::WarningPolicy::default(),
            &fazhi_core::deadlines::NewDeadline {
                subject_type: "case".into(),
                subject_id: "1".into(),
                purpose: "作出行政处罚决定".into(),
                law: "《中华人民共和国行政处罚法》".into(),
                article: "第六十条".into(),
                start_event: "立案".into(),
                start_on: today,
                period: fazhi_kernel::period::Period::CalendarDays(90),
                responsible_user_id: Some(clerk_id),
                department_id: dk,
                party_period: false,
            },
            today,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Before: every administrator and a read-only supervisor extended a case's legal time
        // limit, and the log said "approved by auditadmin".
        for (who, b) in [
            ("sysadmin", &sys),
            ("secadmin", &sec),
            ("auditadmin", &aud),
            ("read-only supervisor", &sup),
        ] {
            assert_eq!(
                extend(b, deadline, today).await,
                StatusCode::FORBIDDEN,
                "{who}"
            );
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM deadline_changes").await, 0);
        for (who, b) in [("sysadmin", &sys), ("secadmin", &sec), ("auditadmin", &aud)] {
            for path in [
                format!("/deadlines/{deadline}"),
                "/supervision/notices".into(),
                "/supervision/self-inspections".into(),
                "/enforcement/templates".into(),
                "/enforcement/templates/filing_approval/sample.docx".into(),
            ] {
                let status = b.get(&path).await.status();
                assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
            }
        }
        // The clerk who handles the town's cases extends it.
        assert_eq!(extend(&clerk, deadline, today).await, StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM deadline_changes").await, 1);
    }
}

#[tokio::test]
async fn a_password_change_refuses_the_last_five_and_ends_the_other_sessions() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dk = app.department_id("店口镇人民政府").await;
        let (_, desk) = app
            .user_with_role(&sys, &sec, "two_places", dk, "town_clerk")
            .await;
        let phone = app.browser();
        assert_eq!(
            phone.login("two_places", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(phone.get("/").await.status(), StatusCode::OK);
        let mut current = PASSWORD.to_string();
        for n in 1..=5 {
            let next = format!("Diankou#Town{n:02}x");
            assert_eq!(
                change(&desk, &current, &next).await.status(),
                StatusCode::OK,
                "{n}"
            );
            current = next;
        }
        // The phone's session ended with the first change; the desk's goes on.
        let r = phone.get("/").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        );
        assert_eq!(desk.get("/").await.status(), StatusCode::OK);
        // Each of the last five is refused; the one before them (the first) is free again.
        for n in 1..=4 {
            let r = change(&desk, &current, &format!("Diankou#Town{n:02}x")).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{n}");
            assert!(r.text().await.unwrap().contains("最近 5 次"), "{n}");
        }
        assert_eq!(
            change(&desk, &current, PASSWORD).await.status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn visits_store_nothing_and_operators_endpoints_are_closed_off_loopback() {
    for db in backends() {
        let app = spawn_app(db).await;
        let before = app.count("SELECT COUNT(*) FROM sessions").await;
        for _ in 0..50 {
            assert_eq!(app.browser().get("/login").await.status(), StatusCode::OK);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, before);
        // The sign-in form still carries a working token without a stored session.
        assert_eq!(
            app.browser()
                .login("sysadmin", &app.one_time["sysadmin"])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        let closed = spawn_app_ops(
            db,
            std::time::Duration::from_secs(600),
            fazhi_web::OpsAccess::Closed,
        )
        .await;
        let token = spawn_app_ops(
            db,
            std::time::Duration::from_secs(600),
            fazhi_web::OpsAccess::Token("ops-secret-1".into()),
        )
        .await;
        for path in ["/metrics", "/api/openapi.json"] {
            assert_eq!(
                app.browser().get(path).await.status(),
                StatusCode::OK,
                "{path} on loopback"
            );
            assert_eq!(
                closed.browser().get(path).await.status(),
                StatusCode::NOT_FOUND,
                "{path} closed"
            );
            let b = token.browser();
            assert_eq!(
                b.get(path).await.status(),
                StatusCode::NOT_FOUND,
                "{path} without the token"
            );
            let r = b
                .client
                .get(b.url(path))
                .bearer_auth("ops-secret-1")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path} with the token");
        }
        assert_eq!(
            fazhi_web::OpsAccess::for_listen("0.0.0.0:8080".parse().unwrap(), None),
            fazhi_web::OpsAccess::Closed
        );
        assert_eq!(
            fazhi_web::OpsAccess::for_listen("127.0.0.1:8080".parse().unwrap(), None),
            fazhi_web::OpsAccess::Open
        );
    }
}

async fn extend(b: &Browser, deadline: i64, today: chrono::NaiveDate) -> StatusCode {
    let csrf = b.csrf().await;
    b.post(
        &format!("/deadlines/{deadline}"),
        &[
            ("csrf", csrf),
            ("kind", "extend".into()),
            ("on", today.to_string()),
            ("period", "30日".into()),
            ("reason", "案情复杂".into()),
            ("approver", "auditadmin".into()),
        ],
    )
    .await
    .status()
}

async fn change(b: &Browser, current: &str, new: &str) -> reqwest::Response {
    let page = b.text("/account/password").await;
    b.post(
        "/account/password",
        &[
            ("csrf", csrf_of(&page)),
            ("current", current.to_string()),
            ("new", new.to_string()),
            ("confirm", new.to_string()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_template_that_loops_without_end_is_refused_when_saved() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "tpl_sup", bureau, "supervisor")
            .await;
        let path = "/enforcement/templates/filing_approval";
        let before: i64 = sqlx::query_scalar(
            "SELECT version FROM document_templates WHERE code = 'filing_approval'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let nest = |depth: usize, inner: &str| {
            let open: String = (0..depth)
                .map(|n| format!("{{% for e{n} in evidence %}}"))
                .collect();
            format!(
                "# 立案审批表\n{open}{inner}{}",
                "{% endfor %}".repeat(depth)
            )
        };
        for (body, says) in [
            // What the attack found: one step building gigabytes, and calls beyond the filters.
            (
                "# 立案审批表\n{% set a = 'x' * 100000000 %}{{ a|length }}".to_string(),
                "模板只能使用",
            ),
            (
                "# 立案审批表\n{{ (cause|replace('a', 'aaaaaaaaaa'))|length }}".to_string(),
                "模板只能使用",
            ),
            (nest(9, "{% if e0 == e1 %}{% endif %}"), "运行步骤超出上限"),
            (nest(4, &"甲".repeat(1_000)), "超过 256 KB"),
        ] {
            let page = sup.text(path).await;
            let started = std::time::Instant::now();
            let r = sup
                .post(
                    path,
                    &[
                        ("csrf", csrf_of(&page)),
                        ("version", before.to_string()),
                        ("body", body),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text().await.unwrap().contains(says), "{says}");
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
        }
        let after: i64 = sqlx::query_scalar(
            "SELECT version FROM document_templates WHERE code = 'filing_approval'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(after, before);
    }
}

#[test]
fn the_data_directory_and_database_are_private_to_the_server_account() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("fazhi_perm_{}", std::process::id()));
    let out = TestApp::cli_stdin(&["migrate", "--data-dir", dir.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    assert!(dir.join("fazhi.db").exists());
    // An existing installation is tightened on the next start.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(dir.join("fazhi.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = TestApp::cli_stdin(&["migrate", "--data-dir", dir.to_str().unwrap()], "");
    assert!(out.status.success());
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("fazhi.db")), 0o600);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_write_that_waits_too_long_for_the_database_answers_503_with_retry_after() {
    // SQLite has one writer; PostgreSQL has no such wait.
    let app = spawn_app(Db::Sqlite).await;
    let sys = app.admin("sysadmin").await;
    let sec = app.admin("secadmin").await;
    let dk = app.department_id("店口镇人民政府").await;
    let (_, clerk) = app
        .user_with_role(&sys, &sec, "busy_clerk", dk, "town_clerk")
        .await;
    let csrf = clerk.csrf().await;
    // Another writer holds the database (as a long import did before it was spooled).
    let mut holder = app.store.begin().await.unwrap();
    sqlx::query("UPDATE settings SET updated_at = updated_at")
        .execute(holder.conn())
        .await
        .unwrap();
    let r = clerk
        .post("/messages/read", &[("csrf", csrf.clone())])
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "2");
    assert!(r.text().await.unwrap().contains("系统繁忙"));
    let r = clerk
        .client
        .post(clerk.url("/api/v1/cases/import"))
        .header("x-csrf-token", &csrf)
        .body("{}\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "busy");
    holder.commit().await.unwrap();
    // Once the other writer is done, the same request goes through.
    assert_eq!(
        clerk
            .post("/messages/read", &[("csrf", csrf)])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn administrator_roles_are_granted_and_taken_only_at_the_console() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let _aud = app.admin("auditadmin").await;
        let id = |name: &'static str| {
            let store = app.store.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE username = $1")
                    .bind(name)
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
            }
        };
        let role = |code: &'static str| {
            let store = app.store.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM roles WHERE code = $1")
                    .bind(code)
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
                    .to_string()
            }
        };
        let dk = app.department_id("店口镇人民政府").await;
        let (clerk_id, _) = app
            .user_with_role(&sys, &sec, "plain_clerk", dk, "town_clerk")
            .await;
        // The attack chain: strip the audit administrator's role, reset the account as a
        // business user, give the role back. And: turn the system administrator into a
        // supervisor; make a clerk a second system administrator.
        for (user, roles) in [
            (id("auditadmin").await, vec![]),
            (id("sysadmin").await, vec![role("supervisor").await]),
            (clerk_id, vec![role("system_admin").await]),
        ] {
            let page = sec.text(&format!("/org/users/{user}/roles")).await;
            let mut form = vec![("csrf", csrf_of(&page))];
            form.extend(roles.into_iter().map(|r| ("role", r)));
            let r = sec.post(&format!("/org/users/{user}/roles"), &form).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "user {user}");
            assert!(r.text().await.unwrap().contains("服务器控制台"));
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.admin_kind IS NOT NULL").await,
            3
        );
        // Nor does the system administrator edit another administrator's account.
        let aud = id("auditadmin").await;
        let page = sys.text(&format!("/org/users/{aud}")).await;
        let version: i64 = sqlx::query_scalar("SELECT version FROM users WHERE id = $1")
            .bind(aud)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let r = sys
            .post(
                &format!("/org/users/{aud}"),
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", version.to_string()),
                    ("display_name", "改名".into()),
                    ("department_id", dk.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // An administrator holds no enforcement certificate.
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "cert_sup", bureau, "supervisor")
            .await;
        let page = sup.text("/inspection/certificates").await;
        let r = sup
            .post(
                "/inspection/certificates",
                &[
                    ("csrf", csrf_of(&page)),
                    ("user_id", id("sysadmin").await.to_string()),
                    ("number", "ZJ-ADMIN-0001".into()),
                    ("valid_from", "2024-01-01".into()),
                    ("valid_until", "2030-12-31".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM enforcement_certificates")
                .await,
            0
        );
    }
}

/// Signs in as `user` from `client`, as the reverse proxy (127.0.0.1, trusted in the tests)
/// reports it in X-Forwarded-For.
async fn login_from(app: &TestApp, client: &str, user: &str, password: &str) -> StatusCode {
    let b = app.browser();
    let page = b
        .client
        .get(b.url("/login"))
        .header("x-forwarded-for", client)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    b.client
        .post(b.url("/login"))
        .header("x-forwarded-for", client)
        .form(&[
            ("csrf", csrf_of(&page)),
            ("username", user.to_string()),
            ("password", password.to_string()),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_limited_on_its_own() {
    for db in backends() {
        let app = spawn_app(db).await;
        let otp = app.one_time["auditadmin"].clone();
        for _ in 0..5 {
            login_from(&app, "10.1.1.1", "auditadmin", "Wrong#Pass1").await;
            sqlx::query("UPDATE sign_in_throttle SET blocked_until = 0 WHERE failures < 5")
                .execute(app.store.pool())
                .await
                .unwrap();
        }
        // Locked for the guessing client only — not for the proxy's address, which every user
        // of the city would share, nor for the administrator's own desk.
        assert_eq!(
            login_from(&app, "10.1.1.1", "auditadmin", &otp).await,
            StatusCode::LOCKED
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sign_in_throttle WHERE key = 'p:auditadmin@10.1.1.1' AND failures = 5").await,
            1
        );
        assert_eq!(
            login_from(&app, "10.1.1.2", "auditadmin", &otp).await,
            StatusCode::SEE_OTHER
        );
        // The audit log names the client the proxy reported.
        assert!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE ip = '10.1.1.1'")
                .await
                >= 5
        );
        // The operators' endpoints are open to this machine, not to whoever comes through the
        // proxy on it.
        let b = app.browser();
        for path in ["/metrics", "/api/openapi.json"] {
            assert_eq!(b.get(path).await.status(), StatusCode::OK);
            let r = b
                .client
                .get(b.url(path))
                .header("x-forwarded-for", "203.0.113.7")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app(Db::Sqlite).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: fazhi\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    // One header line every 4 s, as the attack did every 9 s: the server stops waiting for the
    // head after 15 s in all.
    let mut closed = false;
    for n in 0..8 {
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        if slow
            .write_all(format!("X-Slow-{n}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(std::time::Duration::from_millis(10), slow.read(&mut buf)).await
        {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => {
                closed = true; // an error response (408) before the head was complete
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "still open after {:?}", started.elapsed());
    assert!(started.elapsed() < std::time::Duration::from_secs(25));
    // Everyone else is served meanwhile and after.
    assert_eq!(app.browser().get("/login").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn odd_urls_and_oversized_bodies_are_answered_in_chinese() {
    let app = spawn_app(Db::Sqlite).await;
    let sys = app.admin("sysadmin").await;
    let r = sys.get("/org/users/abc").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("网址中的编号") && !html.contains("Cannot parse"),
        "{html}"
    );
    // The API's own id extractor: a JSON "not found", never English text.
    let r = sys.get("/api/v1/users/abc").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    let r = sys
        .client
        .post(sys.url("/api/v1/regions"))
        .header("content-length", (600u64 << 20).to_string())
        .body("x")
        .send()
        .await;
    // Refused on its declared length before any of it is read, as JSON on the API.
    if let Ok(r) = r {
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["code"], "body_too_large");
    }
}
