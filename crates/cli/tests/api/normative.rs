//! The register of normative documents: `fazhi generate normative-documents` into `fazhi import
//! normative-documents` (idempotent, versions, links, refusals by line, the filing limit), `fazhi
//! search documents` and the library's index following the register across edits, restarts and
//! a replaced database; the public library and the register's pages.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::ingest::{json, write};

fn generated(count: usize, seed: u64) -> Vec<Value> {
    let out = TestApp::cli_stdin(
        &[
            "generate",
            "normative-documents",
            "--count",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
        ],
        "",
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn lines(docs: &[Value]) -> String {
    docs.iter().map(|d| d.to_string() + "\n").collect()
}

#[tokio::test]
async fn documents_import_once_keep_versions_refuse_bad_lines_and_are_found_in_chinese() {
    let docs = generated(120, 11);
    assert_eq!(docs.len(), 120);
    let dir = TempDir(std::env::temp_dir().join(format!("fazhi-normative-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    for db in backends() {
        let app = spawn_app(db).await;
        let index_dir = dir.0.join(format!("{db:?}"));
        // The index lives beside the data; for PostgreSQL, under the data directory given.
        let data = ["--data-dir", index_dir.to_str().unwrap()];
        let cli = |args: &[&str]| {
            let mut all: Vec<&str> = args.to_vec();
            if matches!(db, Db::Postgres) {
                all.extend_from_slice(&data);
            }
            app.cli(&all)
        };
        let file = write(&dir.0, "docs.jsonl", &lines(&docs));
        let r = json(&cli(&["import", "normative-documents", &file, "--json"]));
        assert_eq!(
            (r["inserted"].as_u64(), r["rejected"].as_u64()),
            (Some(120), Some(0)),
            "{r}"
        );
        let r = json(&cli(&["import", "normative-documents", &file, "--json"]));
        assert_eq!(
            (r["unchanged"].as_u64(), r["inserted"].as_u64()),
            (Some(120), Some(0)),
            "{r}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM normative_document_versions")
                .await,
            120
        );
        let repeals = docs.iter().filter(|d| d.get("repeals").is_some()).count() as i64;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM normative_document_links WHERE kind = 'repeals'")
                .await,
            repeals
        );
        // Every published, unfiled document still applied has its filing limit; the rest none.
        let open = docs
            .iter()
            .filter(|d| {
                d.get("filed_on").is_none()
                    && ["in_force", "to_revise", "to_repeal"]
                        .contains(&d["status"].as_str().unwrap())
            })
            .count() as i64;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'normative_document'")
                .await,
            open
        );

        // A new text is a new version; the search finds the new words, not the old ones.
        let mut changed = docs[0].clone();
        changed["text"] = Value::from(
            "第一条 为了规范共享单车停放秩序，制定本办法。\n第二条 本办法自公布之日起施行。",
        );
        let bad = [
            r#"{"number":"诸政发2023","title":"","issuer":"诸暨市人民政府","issued_on":"2023-13-01","text":"x"}"#.to_string(),
            "not json".to_string(),
            r#"{"number":"诸政发〔2024〕1号","title":"某办法","issuer":"不存在的局","issued_on":"2024-01-01","text":"第一条"}"#.to_string(),
            r#"{"number":"诸政发〔2024〕2号","title":"某办法","issuer":"诸暨市人民政府","issued_on":"2024-01-01","text":"第一条","colour":"red"}"#.to_string(),
        ];
        let file = write(
            &dir.0,
            "edit.jsonl",
            &format!("{changed}\n\n{}\n", bad.join("\n")),
        );
        let r = json(&cli(&["import", "normative-documents", &file, "--json"]));
        assert_eq!(
            (r["updated"].as_u64(), r["rejected"].as_u64()),
            (Some(1), Some(4)),
            "{r}"
        );
        let errors: Vec<(u64, String)> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["line"].as_u64().unwrap(),
                    e["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            vec![3, 4, 5, 6]
        );
        assert!(
            errors[0].1.contains("文号“诸政发2023”")
                && errors[0].1.contains("标题")
                && errors[0].1.contains("2023-13-01"),
            "{}",
            errors[0].1
        );
        assert!(errors[1].1.contains("JSON"), "{}", errors[1].1);
        assert!(errors[2].1.contains("不存在的局"), "{}", errors[2].1);
        assert!(errors[3].1.contains("colour"), "{}", errors[3].1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM normative_documents").await,
            120,
            "nothing of a refused line"
        );
        assert_eq!(
            app.count("SELECT MAX(current_version) FROM normative_documents")
                .await,
            2
        );

        let search = |q: &str| json(&cli(&["search", "documents", q, "--limit", "5", "--json"]));
        let found = search("共享单车");
        assert_eq!(found["total"].as_u64(), Some(1), "{found}");
        assert_eq!(found["hits"][0]["number"], docs[0]["number"]);
        assert!(
            found["hits"][0]["snippet"]
                .as_str()
                .unwrap()
                .contains("共享单车")
        );
        assert!(found["ms"].as_f64().is_some());
        // The words of the first subject's title are found, best first with the title's words.
        let title = docs[1]["title"].as_str().unwrap().to_string();
        let found = search(&title);
        assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
        assert_eq!(
            found["hits"][0]["title"].as_str(),
            Some(title.as_str()),
            "{found}"
        );

        // The web's index (in memory, a second copy) answers from the same register.
        let page = app
            .browser()
            .text("/public/documents?q=%E5%85%B1%E4%BA%AB%E5%8D%95%E8%BD%A6&status=all")
            .await;
        assert!(page.contains("找到 1 件"), "{page}");
        assert!(page.contains("<b>共享"), "highlighted: {page}");
        let bad_year = app.browser().get("/public/documents?year=20x3").await;
        assert_eq!(bad_year.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad_year
                .text()
                .await
                .unwrap()
                .contains("年份“20x3”应为四位数字")
        );
    }
}

#[tokio::test]
async fn the_index_follows_the_register_across_restarts_and_a_replaced_database() {
    use fazhi_core::normative::library;
    let docs = generated(30, 4);
    for db in backends() {
        let app = spawn_app(db).await;
        let dir = TempDir(
            std::env::temp_dir().join(format!("fazhi-index-{}-{db:?}", std::process::id())),
        );
        let file = write(
            &std::env::temp_dir(),
            &format!("fazhi-index-{}-{db:?}.jsonl", std::process::id()),
            &lines(&docs),
        );
        let mut args = vec!["import", "normative-documents", file.as_str(), "--json"];
        let data = dir.0.display().to_string();
        if matches!(db, Db::Postgres) {
            args.extend_from_slice(&["--data-dir", &data]);
        }
        json(&app.cli(&args));
        let lib = fazhi_search::Library::open(&dir.0.join("own")).unwrap();
        let q = |w: &str| fazhi_search::Query {
            words: w.into(),
            limit: 50,
            status: None,
            ..Default::default()
        };
        let revision = library::register_revision(&app.store).await.unwrap();
        assert!(revision >= 1);
        let first = library::search(&app.store, &lib, &q("管理")).await.unwrap();
        assert_eq!(lib.revision().unwrap(), revision);
        assert_eq!(lib.len(), 30);
        let n = first.hits.total;
        assert!(n > 0);
        drop(lib);
        // A restart: the index opens at the revision it held and needs nothing from the register.
        let lib = fazhi_search::Library::open(&dir.0.join("own")).unwrap();
        assert_eq!(lib.revision().unwrap(), revision);
        assert_eq!(library::sync(&app.store, &lib, &|_| {}).await.unwrap(), 0);
        assert_eq!(
            library::search(&app.store, &lib, &q("管理"))
                .await
                .unwrap()
                .hits
                .total,
            n
        );
        // A replaced database (the register behind the index, here one document renamed): the
        // index starts again from the register rather than keep its stale copy.
        lib.apply(&[], revision + 5, false).unwrap();
        sqlx::query("UPDATE normative_documents SET title = '诸暨市共享单车停放管理办法' WHERE id = (SELECT MIN(id) FROM normative_documents)")
            .execute(app.store.pool())
            .await
            .unwrap();
        assert_eq!(
            library::sync(&app.store, &lib, &|_| {}).await.unwrap(),
            30,
            "rebuilt"
        );
        assert_eq!(lib.revision().unwrap(), revision);
        assert_eq!(lib.len(), 30);
        assert_eq!(
            library::search(&app.store, &lib, &q("共享单车"))
                .await
                .unwrap()
                .hits
                .total,
            1
        );
    }
}

#[tokio::test]
async fn the_register_lists_exports_imports_a_sheet_and_records_a_filing_that_meets_its_limit() {
    for db in backends() {
        let app = spawn_app(db).await;
        let today = fazhi_core::deadlines::china_today();
        let published = today - chrono::Days::new(3);
        let doc = serde_json::json!({
            "number": "诸政规〔2026〕7号", "title": "诸暨市公共场所控制吸烟管理办法", "issuer": "诸暨市人民政府",
            "issued_on": published.to_string(), "published_on": published.to_string(),
            "legal_basis": ["《公共场所卫生管理条例》"], "repeals": ["诸政规〔2019〕2号"],
            "text": "第一条 为了控制吸烟，制定本办法。\n第二条 本办法自公布之日起施行。"
        });
        let file = write(
            &std::env::temp_dir(),
            &format!("fazhi-register-{}-{db:?}.jsonl", std::process::id()),
            &format!("{doc}\n"),
        );
        let mut args = vec!["import", "normative-documents", file.as_str(), "--json"];
        let data = std::env::temp_dir()
            .join(format!("fazhi-register-idx-{}", std::process::id()))
            .display()
            .to_string();
        if matches!(db, Db::Postgres) {
            args.extend_from_slice(&["--data-dir", &data]);
        }
        json(&app.cli(&args));
        let id = app.count("SELECT MAX(id) FROM normative_documents").await;

        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "guifan", bureau, "supervisor")
            .await;
        let list = sup.text("/normative/documents?unfiled=1").await;
        assert!(
            list.contains("诸政规〔2026〕7号") && list.contains("未备案"),
            "{list}"
        );
        let (_, export) = exported(
            &sup,
            "/normative/documents/export.xlsx?q=%E5%90%B8%E7%83%9F",
        )
        .await;
        let rows = sheet_rows(&export, "规范性文件");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[1][0], "诸政规〔2026〕7号");

        let page = sup.text(&format!("/normative/documents/{id}")).await;
        assert!(
            page.contains("规范性文件报送备案") && page.contains("计时中"),
            "{page}"
        );
        assert!(
            page.contains("诸政规〔2019〕2号（未在文件库中）"),
            "a repealed number the register lacks is said so"
        );
        let csrf = csrf_of(&page);
        // A filing before publication, or one for a version the clerk did not see, is refused.
        let early = sup
            .post(
                &format!("/normative/documents/{id}/filing"),
                &[
                    ("csrf", csrf.clone()),
                    ("version", "1".into()),
                    ("filed_on", (published - chrono::Days::new(1)).to_string()),
                ],
            )
            .await;
        assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.text().await.unwrap().contains("早于公布日期"));
        let stale = sup
            .post(
                &format!("/normative/documents/{id}/filing"),
                &[
                    ("csrf", csrf.clone()),
                    ("version", "9".into()),
                    ("filed_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let ok = sup
            .post(
                &format!("/normative/documents/{id}/filing"),
                &[
                    ("csrf", csrf.clone()),
                    ("version", "1".into()),
                    ("filed_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'normative_document' AND state = 'met'").await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'record_filing' AND object_type = 'normative_document'").await,
            1
        );
        let again = sup
            .post(
                &format!("/normative/documents/{id}/filing"),
                &[
                    ("csrf", csrf),
                    ("version", "2".into()),
                    ("filed_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.text().await.unwrap().contains("已于"));

        // A document past its validity lapses: the job marks it 已失效 and the library follows.
        let lapsing = serde_json::json!({ "number": "诸政规〔2019〕9号", "title": "诸暨市临时占道管理暂行办法", "issuer": "诸暨市人民政府",
            "issued_on": "2019-01-01", "published_on": "2019-01-01", "filed_on": "2019-01-10", "text": "第一条 临时占道。" });
        let file = write(
            &std::env::temp_dir(),
            &format!("fazhi-lapse-{}-{db:?}.jsonl", std::process::id()),
            &format!("{lapsing}\n"),
        );
        let mut args = vec!["import", "normative-documents", file.as_str(), "--json"];
        if matches!(db, Db::Postgres) {
            args.extend_from_slice(&["--data-dir", &data]);
        }
        json(&app.cli(&args));
        let library = app
            .browser()
            .text("/public/documents?q=%E4%B8%B4%E6%97%B6%E5%8D%A0%E9%81%93")
            .await;
        assert!(
            library.contains("找到 1 件"),
            "in force until the job runs: {library}"
        );
        let n = fazhi_core::normative::expire(&app.store, today)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            fazhi_core::normative::expire(&app.store, today)
                .await
                .unwrap(),
            0,
            "once"
        );
        let library = app
            .browser()
            .text("/public/documents?q=%E4%B8%B4%E6%97%B6%E5%8D%A0%E9%81%93")
            .await;
        assert!(
            library.contains("没有同时含有全部关键词"),
            "no longer among the documents in force: {library}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'expire'")
                .await,
            1
        );

        // The register's sheet: the template's headers, good rows written, a bad row named.
        let template = sup.get("/normative/documents/template.xlsx").await;
        assert_eq!(template.status(), StatusCode::OK);
        let headers = sheet_rows(&template.bytes().await.unwrap(), "规范性文件登记表");
        assert_eq!(headers[0][0], "文号");
        assert_eq!(headers[0].len(), 13);
        let h: Vec<&str> = headers[0].iter().map(String::as_str).collect();
        let sheet = xlsx(
            &h,
            &[
                vec![
                    "诸政办发[2024]11号",
                    "诸暨市公共资源交易管理办法",
                    "诸暨市人民政府",
                    "2024-02-01",
                    "2024-02-02",
                    "",
                    "",
                    "现行有效",
                    "",
                    "《优化营商环境条例》",
                    "",
                    "诸政办发〔2019〕4号、诸政办发〔2020〕6号",
                    "第一条 为了规范公共资源交易，制定本办法。",
                ],
                vec![
                    "诸市监发〔2024〕2号",
                    "诸暨市食品摊贩管理暂行办法",
                    "诸暨市市场监督管理局",
                    "2024-03-01",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "第一条 食品摊贩。",
                ],
                vec![
                    "诸市监发〔2024〕3号",
                    "",
                    "诸暨市市场监督管理局",
                    "2024-02-30",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "第一条",
                ],
                // A date cell as Excel stores it (45413 = 2024-05-01), and 2024/5/1 as typed.
                vec![
                    "诸市监发〔2024〕4号",
                    "诸暨市农贸市场管理办法",
                    "诸暨市市场监督管理局",
                    "45413",
                    "2024/5/1",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "第一条 农贸市场。",
                ],
                // The same number again in one file: refused, the first row stands.
                vec![
                    "诸市监发〔2024〕2号",
                    "诸暨市食品摊贩管理办法",
                    "诸暨市市场监督管理局",
                    "2024-03-01",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "第一条 另一文本。",
                ],
            ],
        );
        let (status, body) = upload_to(&sup, "/normative/documents/import", sheet).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body.contains("新登记 3 件") && body.contains("有误未写入 2 行"),
            "{body}"
        );
        assert!(
            body.contains("<td>6</td>") && body.contains("与第 3 行重复"),
            "{body}"
        );
        assert_eq!(
            sqlx::query_scalar::<_, String>("SELECT issued_on || ' ' || published_on FROM normative_documents WHERE number = '诸市监发〔2024〕4号'")
                .fetch_one(app.store.pool())
                .await
                .unwrap(),
            "2024-05-01 2024-05-01"
        );
        assert!(
            body.contains("<td>4</td>")
                && body.contains("请填写文件标题")
                && body.contains("2024-02-30"),
            "{body}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM normative_document_links WHERE target_number = '诸政办发〔2020〕6号'").await, 1);
        assert_eq!(
            sqlx::query_scalar::<_, String>(
                "SELECT expires_on FROM normative_documents WHERE number = '诸市监发〔2024〕2号'"
            )
            .fetch_one(app.store.pool())
            .await
            .unwrap(),
            "2026-02-28",
            "暂行: two years"
        );

        // A town clerk reads cases but keeps no register: no filing form, and a post is refused.
        let town = app.department_id("店口镇人民政府").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "zhenli", town, "town_clerk")
            .await;
        let page = clerk.text(&format!("/normative/documents/{id}")).await;
        assert!(!page.contains("记录备案"));
        let r = clerk
            .post(
                &format!("/normative/documents/{id}/filing"),
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", "2".into()),
                    ("filed_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // The public page needs no sign-in.
        let public = app.browser().text(&format!("/public/documents/{id}")).await;
        assert!(public.contains("第一条 为了控制吸烟") && public.contains("现行文本"));
    }
}

#[tokio::test]
async fn the_keepers_are_told_once_of_a_document_lapsing_within_the_warning_window() {
    let dir = TempDir(std::env::temp_dir().join(format!("fazhi-expiry-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, keeper) = app
            .user_with_role(&sys, &sec, "daoqi", bureau, "supervisor")
            .await;
        let today = fazhi_core::deadlines::china_today();
        let doc = |n: u32, title: &str, days: i64| {
            serde_json::json!({
                "number": format!("诸政发〔2022〕{n}号"), "title": title, "issuer": "诸暨市人民政府",
                "issued_on": "2022-01-05", "published_on": "2022-01-06",
                "expires_on": (today + chrono::Duration::days(days)).to_string(),
                "text": "第一条 本办法。", "filed_on": "2022-01-20",
            })
        };
        let docs = [
            doc(1, "诸暨市即将到期的管理办法", 30),
            doc(2, "诸暨市尚早到期的管理办法", 200),
        ];
        let file = write(&dir.0, &format!("expiry-{db:?}.jsonl"), &lines(&docs));
        let mut args = vec!["import", "normative-documents", file.as_str(), "--json"];
        let data = dir.0.join(format!("idx-{db:?}"));
        if matches!(db, Db::Postgres) {
            args.extend_from_slice(&["--data-dir", data.to_str().unwrap()]);
        }
        let r = json(&app.cli(&args));
        assert_eq!(r["inserted"].as_u64(), Some(2), "{r}");

        // The hourly job's warning: one document, once, to the keeper.
        assert_eq!(
            fazhi_core::normative::warn_expiring(&app.store, today)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            fazhi_core::normative::warn_expiring(&app.store, today)
                .await
                .unwrap(),
            0,
            "told once"
        );
        let inbox = keeper.text("/messages").await;
        assert!(
            inbox.contains("规范性文件将于") && inbox.contains("诸暨市即将到期的管理办法"),
            "{inbox}"
        );
        assert!(!inbox.contains("尚早到期"), "{inbox}");
        let listed = keeper.text("/normative/documents?expiring=1").await;
        assert!(
            listed.contains("诸暨市即将到期的管理办法") && !listed.contains("尚早到期"),
            "{listed}"
        );
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM normative_documents WHERE number = '诸政发〔2022〕1号'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let page = keeper.text(&format!("/normative/documents/{id}")).await;
        assert!(page.contains("还有 30 日到期"), "{page}");
    }
}
