//! What an attacker, a careless upload and a slow client could break (issue 14), each tried from
//! outside over HTTP against the running app.

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

/// A resident ID with its check character, from its first 17.
fn resident_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        fazhi_kernel::ids::resident_id::check_character(first17.as_bytes()).unwrap()
    )
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
