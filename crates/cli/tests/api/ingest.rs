//! Cases from other systems: `fazhi generate cases` piped into `fazhi import cases`, idempotent
//! re-import, updates, rejections with line numbers, discretion checks, and a batch that fails
//! part-way leaving nothing behind.

use serde_json::Value;

use crate::helpers::*;

pub(crate) fn json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

pub(crate) fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn generated_cases_import_once_update_reject_by_line_and_never_half_import() {
    let dir = std::env::temp_dir().join(format!("fazhi-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let generated = TestApp::cli_stdin(&["generate", "cases", "--count", "600", "--seed", "5"], "");
    assert!(generated.status.success());
    let lines: Vec<String> = String::from_utf8(generated.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 600);
    // Deterministic for a seed.
    let again = TestApp::cli_stdin(&["generate", "cases", "--count", "600", "--seed", "5"], "");
    assert_eq!(
        String::from_utf8(again.stdout).unwrap(),
        lines.join("\n") + "\n"
    );

    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let file = write(&dir, "cases.jsonl", &(lines.join("\n") + "\n"));
        let r = json(&app.cli(&["import", "cases", &file, "--json"]));
        assert_eq!(
            (r["inserted"].as_u64(), r["rejected"].as_u64()),
            (Some(600), Some(0)),
            "{r}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 600);
        assert_eq!(app.count("SELECT COUNT(*) FROM case_parties").await, 600);
        // Identity numbers arrive sealed, never in clear.
        let first: Value =
            serde_json::from_str(lines.iter().find(|l| l.contains("\"person\"")).unwrap()).unwrap();
        let id = first["parties"][0]["resident_id"].as_str().unwrap();
        let clear: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_parties WHERE resident_id_sealed LIKE $1 OR resident_id_masked = $2")
            .bind(format!("%{id}%"))
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(clear, 0);
        // Most fines keep to the benchmark; the generator's out-of-range ones are flagged.
        let within = app
            .count("SELECT COUNT(*) FROM cases WHERE discretion = 'within'")
            .await;
        let outside = app
            .count("SELECT COUNT(*) FROM cases WHERE discretion = 'outside'")
            .await;
        assert!(
            within > 300 && outside > 0 && outside < 60,
            "within {within} outside {outside}"
        );

        // The same file again changes nothing.
        let r = json(&app.cli(&["import", "cases", &file, "--json"]));
        assert_eq!(
            (
                r["inserted"].as_u64(),
                r["updated"].as_u64(),
                r["unchanged"].as_u64()
            ),
            (Some(0), Some(0), Some(600)),
            "{r}"
        );

        // One case changed, one new and within the benchmark, one far above it, five bad lines.
        let mut changed: Value = serde_json::from_str(&lines[3]).unwrap();
        changed["cause"] = Value::from("更正后的案由");
        let mut fresh: Value = serde_json::from_str(
            lines
                .iter()
                .find(|l| {
                    l.contains("\"ZH-001\"")
                        && l.contains("\"一般\"")
                        && l.contains("\"fine\"")
                        && !l.contains("不罚")
                })
                .unwrap(),
        )
        .unwrap();
        fresh["source_id"] = Value::from("NEW-1");
        fresh["fine_fen"] = Value::from(1_000_000); // 10,000 yuan: inside 5,000–15,000
        let mut high = fresh.clone();
        high["source_id"] = Value::from("NEW-2");
        high["fine_fen"] = Value::from(4_000_000); // 40,000 yuan: above the 一般 grade
        let mut bad_item = fresh.clone();
        bad_item["source_id"] = Value::from("BAD-1");
        bad_item["item_code"] = Value::from("NOPE");
        let mut bad_id = fresh.clone();
        bad_id["source_id"] = Value::from("BAD-2");
        bad_id["parties"] = serde_json::json!([{ "kind": "person", "name": "张三", "resident_id": "330681199001011235" }]);
        let mut bad_dates = fresh.clone();
        bad_dates["source_id"] = Value::from("BAD-3");
        bad_dates["delivered_on"] = Value::from("2020-01-01");
        let text = [
            changed.to_string(),
            fresh.to_string(),
            high.to_string(),
            "{not json".to_string(),
            bad_item.to_string(),
            String::new(),
            bad_id.to_string(),
            bad_dates.to_string(),
            r#"{"source_system":"x","source_id":"y","colour":"red"}"#.to_string(),
        ]
        .join("\n");
        let file2 = write(&dir, "changes.jsonl", &text);
        let r = json(&app.cli(&["import", "cases", &file2, "--json"]));
        assert_eq!(
            (
                r["inserted"].as_u64(),
                r["updated"].as_u64(),
                r["rejected"].as_u64()
            ),
            (Some(2), Some(1), Some(5)),
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
        let lines_rejected: Vec<u64> = errors.iter().map(|e| e.0).collect();
        assert_eq!(lines_rejected, vec![4, 5, 7, 8, 9], "{errors:?}");
        assert!(errors[0].1.contains("JSON"), "{errors:?}");
        assert!(
            errors[1].1.contains("NOPE 不在执法事项目录中"),
            "{errors:?}"
        );
        assert!(errors[2].1.contains("公民身份号码无效"), "{errors:?}");
        assert!(
            errors[3].1.contains("delivered_on 早于决定日"),
            "{errors:?}"
        );
        assert!(errors[4].1.contains("未知字段 colour"), "{errors:?}");
        let verdict = |sid: &'static str| {
            let store = app.store.clone();
            async move {
                sqlx::query_scalar::<_, String>("SELECT discretion FROM cases WHERE source_id = $1")
                    .bind(sid)
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
            }
        };
        assert_eq!(verdict("NEW-1").await, "within");
        assert_eq!(verdict("NEW-2").await, "outside");
        let cause: String = sqlx::query_scalar("SELECT cause FROM cases WHERE source_id = $1")
            .bind(changed["source_id"].as_str().unwrap())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(cause, "更正后的案由");
        assert_eq!(app.count("SELECT COUNT(*) FROM case_parties").await, 602);
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_log WHERE object_type = 'cases' AND action = 'import'"
            )
            .await,
            2
        );

        // A failure after the first written chunk (2,000 records) rolls the whole batch back.
        let trigger = match app.store.backend() {
            fazhi_store::Backend::Sqlite => vec![
                "CREATE TRIGGER boom BEFORE INSERT ON cases WHEN NEW.source_id = 'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END",
            ],
            fazhi_store::Backend::Postgres => vec![
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.source_id = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER boom BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION boom()",
                // The bulk write runs as a replica (no per-row reference triggers); this one
                // must fire all the same.
                "ALTER TABLE cases ENABLE ALWAYS TRIGGER boom",
            ],
        };
        for t in trigger {
            sqlx::query(t).execute(app.store.pool()).await.unwrap();
        }
        let batch: Vec<String> = (0..2100)
            .map(|n| {
                let mut v = fresh.clone();
                v["source_id"] = Value::from(if n == 2050 {
                    "BOOM".to_string()
                } else {
                    format!("HALF-{n}")
                });
                v.to_string()
            })
            .collect();
        let file3 = write(&dir, "half.jsonl", &batch.join("\n"));
        let out = app.cli(&["import", "cases", &file3, "--json"]);
        assert!(!out.status.success());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE source_id LIKE 'HALF-%'")
                .await,
            0
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn another_system_posts_json_lines_within_its_scope() {
    let generated = TestApp::cli_stdin(&["generate", "cases", "--count", "200", "--seed", "9"], "");
    let lines: Vec<Value> = String::from_utf8(generated.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let own = lines
        .iter()
        .find(|l| l["department"] == "诸暨市综合行政执法局")
        .unwrap()
        .clone();
    let other = lines
        .iter()
        .find(|l| l["department"] == "诸暨市市场监督管理局")
        .unwrap()
        .clone();
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dept = app.department_id("诸暨市综合行政执法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "zongzhi", dept, "department_clerk")
            .await;
        let csrf = csrf_of(&clerk.text("/enforcement/cases/new").await);
        // CRLF line ends, a blank line and no final newline are all accepted.
        let body = format!("{own}\r\n\r\n{other}\r\n{{broken");
        let post = |body: String| {
            clerk
                .client
                .post(clerk.url("/api/v1/cases/import"))
                .header("x-csrf-token", &csrf)
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
        };
        let r = post(body.clone()).await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        let report: Value = r.json().await.unwrap();
        assert_eq!(
            (report["inserted"].as_u64(), report["rejected"].as_u64()),
            (Some(1), Some(2)),
            "{report}"
        );
        assert_eq!(report["errors"][0]["line"], 3);
        assert!(
            report["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("不在您的数据权限范围内"),
            "{report}"
        );
        assert_eq!(report["errors"][1]["line"], 4);
        // Posting the same again changes nothing; the clerk's list shows their one case.
        let again: Value = post(body).await.unwrap().json().await.unwrap();
        assert_eq!(
            (again["inserted"].as_u64(), again["unchanged"].as_u64()),
            (Some(0), Some(1))
        );
        let list: Value = clerk
            .client
            .get(clerk.url("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list["items"][0]["source_system"], "zj-xzzf");
        // Without the CSRF header a cookie session may not write.
        let r = clerk
            .client
            .post(clerk.url("/api/v1/cases/import"))
            .body(own.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_enforcement_figures_are_counted_from_the_imported_records() {
    let generated = TestApp::cli_stdin(
        &["generate", "cases", "--count", "3000", "--seed", "11"],
        "",
    );
    let text = String::from_utf8(generated.stdout).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The report's rules worked out here from the records themselves: a town office's
    // general-procedure cases filed in 2024 (the demo delegates its four items to every town
    // from 2022, and the generator gives towns only delegated items).
    let by_town: Vec<&Value> = records
        .iter()
        .filter(|r| {
            let d = r["department"].as_str().unwrap();
            (d.ends_with("办事处") || (d.ends_with("人民政府") && d != "诸暨市人民政府"))
                && r["procedure"] == "general"
                && r["filed_on"].as_str().unwrap().starts_with("2024")
        })
        .collect();
    let mut items: Vec<&str> = by_town
        .iter()
        .map(|r| r["item_code"].as_str().unwrap())
        .collect();
    items.sort();
    items.dedup();
    let towns = fazhi_kernel::ids::division::zhuji_towns();
    let mean = towns
        .iter()
        .map(|(_, name)| {
            let mut used: Vec<&str> = by_town
                .iter()
                .filter(|r| r["department"].as_str().unwrap().starts_with(name))
                .map(|r| r["item_code"].as_str().unwrap())
                .collect();
            used.sort();
            used.dedup();
            used.len() as f64 / 4.0
        })
        .sum::<f64>()
        / towns.len() as f64;
    let expected_mean = fazhi_core::enforcement::figures::percent(Some(mean));
    assert!(by_town.len() > 50, "the sample should hold town cases");

    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let dir = std::env::temp_dir().join(format!("fazhi-figures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = write(&dir, "cases.jsonl", &text);
        json(&app.cli(&["import", "cases", &file, "--json"]));
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, supervisor) = app
            .user_with_role(&sys, &sec, "jiandu", bureau, "supervisor")
            .await;
        let page = supervisor.text("/enforcement/figures?year=2024").await;
        let behind = "/enforcement/cases?procedure=general&#38;filed_from=2024-01-01&#38;filed_until=2024-12-31&#38;delegated=1";
        assert!(
            page.contains(&format!(
                "<dd><a href=\"{behind}\">{} 件</a></dd>",
                by_town.len()
            )),
            "{page}"
        );
        assert!(
            page.contains(&format!(
                "<dd><a href=\"#items\">{} 项</a></dd>",
                items.len()
            )),
            "{page}"
        );
        assert!(
            page.contains(&format!("<dd><a href=\"#towns\">{expected_mean}</a></dd>")),
            "{expected_mean} in {page}"
        );
        // Each figure opens exactly its records: the list behind it holds as many cases.
        let listed = |query: String| {
            let supervisor = &supervisor;
            async move {
                let mut n = 0;
                let mut after = String::new();
                loop {
                    let page: Value = supervisor
                        .get(&format!("/api/v1/cases?limit=500&{query}{after}"))
                        .await
                        .json()
                        .await
                        .unwrap();
                    n += page["items"].as_array().unwrap().len();
                    match page["next"].as_i64() {
                        Some(next) => after = format!("&after={next}"),
                        None => return n,
                    }
                }
            }
        };
        let base = "procedure=general&filed_from=2024-01-01&filed_until=2024-12-31&delegated=true";
        assert_eq!(listed(base.to_string()).await, by_town.len());
        for item in &items {
            let n = by_town.iter().filter(|r| r["item_code"] == *item).count();
            assert!(
                page.contains(&format!("{behind}&#38;item_code={item}\">{n}</a>")),
                "{item}: {n} in {page}"
            );
            assert_eq!(listed(format!("{base}&item_code={item}")).await, n);
        }
        let (town_id, town_name) = (
            app.count("SELECT id FROM regions WHERE name = '店口镇'")
                .await,
            "店口镇",
        );
        let in_town = by_town
            .iter()
            .filter(|r| r["department"].as_str().unwrap().starts_with(town_name))
            .count();
        assert!(
            page.contains(&format!(
                "{behind}&#38;filing_town={town_id}\">{in_town}</a>"
            )),
            "{page}"
        );
        assert_eq!(
            listed(format!("{base}&filing_town={town_id}")).await,
            in_town
        );
        // The page a person follows shows the same records and keeps the filters when paging.
        let html = supervisor
            .text(&format!("/enforcement/cases?{}", base.replace("true", "1")))
            .await;
        assert!(html.contains("value=\"2024-01-01\""), "{html}");
        assert!(
            html.contains("delegated=1") && html.contains("after="),
            "a next page keeps the filters: {html}"
        );
        // A malformed day is refused with what was wrong, not read as "no cases".
        let bad = supervisor.get("/api/v1/cases?filed_from=2024-13-01").await;
        assert_eq!(bad.status(), 422);
        let body: Value = bad.json().await.unwrap();
        assert_eq!(body["field"], "filed_from", "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("YYYY-MM-DD"),
            "{body}"
        );
        assert!(
            page.contains("<svg") && page.contains("赋权事项实施率"),
            "{page}"
        );

        // A year without records says so with a dash, not 0% or 100%.
        let empty = supervisor.text("/enforcement/figures?year=2019").await;
        assert!(
            empty.contains("<dd>0 件</dd>") || empty.contains(">0 件<"),
            "{empty}"
        );
        assert!(empty.contains("<a href=\"#towns\">—</a></dd>"), "{empty}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[tokio::test]
async fn a_hand_kept_ledger_imports_from_excel_with_each_bad_row_named() {
    use fazhi_core::enforcement::ledger::HEADERS;
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let dept = app.department_id("诸暨市综合行政执法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "taizhang", dept, "department_clerk")
            .await;
        // The downloaded template's example row is itself a valid case.
        let r = clerk
            .client
            .get(clerk.url("/enforcement/cases/import/template.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        let template = r.bytes().await.unwrap().to_vec();
        let (status, html) =
            import_job(&clerk, "/enforcement/cases/import", template.clone()).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(html.contains("新增 1 件"), "{html}");
        let (_, html) = import_job(&clerk, "/enforcement/cases/import", template).await;
        assert!(
            html.contains("新增 0 件") && html.contains("未变 1 件"),
            "{html}"
        );

        let good = vec![
            "ledger-诸综执",
            "2024-0002",
            "普通程序",
            "ZH-004",
            "擅自占用城市道路案",
            "诸暨市综合行政执法局",
            "330681104",
            "2024-02-01",
            "2024-02-02",
            "2024-02-03",
            "公民",
            "张三",
            "330681199001011237",
            "2024-02-20",
            "2024-03-01",
            "罚款",
            "诸综执罚〔2024〕20号",
            "2000",
            "",
            "",
            "",
            "",
            "",
        ];
        let mut bad_id = good.clone();
        bad_id[1] = "2024-0003";
        bad_id[12] = "330681199001011235";
        let mut bad_money = good.clone();
        bad_money[1] = "2024-0004";
        bad_money[17] = "两千";
        bad_money[10] = "路人";
        let book = xlsx(&HEADERS, &[good.clone(), bad_id, bad_money]);
        let (status, html) = import_job(&clerk, "/enforcement/cases/import", book).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(
            html.contains("新增 1 件") && html.contains("有误 2 行"),
            "{html}"
        );
        // The job's page counts what it did: 3 rows read, 2 refused.
        assert!(
            html.contains("<dt>已处理</dt><dd>3 行</dd>")
                && html.contains("<dt>发现错误</dt><dd>2 行</dd>"),
            "{html}"
        );
        assert!(
            html.contains("<td>3</td>") && html.contains("公民身份号码无效"),
            "{html}"
        );
        assert!(
            html.contains("<td>4</td>")
                && html.contains("罚款（元）无效：“两千”不是以元为单位的金额")
                && html.contains("当事人类型“路人”"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE source_system = 'ledger-诸综执'")
                .await,
            2
        );

        // The optional last columns carry the party's details, the origin and the summary:
        // address and phone sealed, the phone shown masked.
        let mut detailed = good.clone();
        detailed[1] = "2024-0005";
        detailed.extend([
            "诸暨市暨阳街道望云路 9 号",
            "13857512345",
            "",
            "其他机关移送",
            "公安机关移送。",
        ]);
        let mut bad_origin = detailed.clone();
        bad_origin[1] = "2024-0006";
        bad_origin[26] = "路过看到";
        let (_, html) = import_job(
            &clerk,
            "/enforcement/cases/import",
            xlsx(&HEADERS, &[detailed, bad_origin]),
        )
        .await;
        assert!(
            html.contains("新增 1 件")
                && html.contains("<td>3</td>")
                && html.contains("“案件来源”“路过看到”"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases c JOIN case_parties p ON p.case_id = c.id WHERE c.source_id = '2024-0005' AND c.origin = '其他机关移送' AND c.summary = '公安机关移送。' AND p.phone_masked = '138****2345' AND p.address_sealed NOT LIKE '%望云路%'")
                .await,
            1
        );
        // A ledger from the older template, without those columns, still imports; a sheet
        // whose columns are out of order does not.
        let mut old = good.clone();
        old[1] = "2024-0007";
        let (_, html) = import_job(
            &clerk,
            "/enforcement/cases/import",
            xlsx(&HEADERS[..23], &[old.clone()]),
        )
        .await;
        assert!(html.contains("新增 1 件"), "{html}");
        let mut swapped = HEADERS;
        swapped.swap(23, 24);
        let (_, html) =
            import_job(&clerk, "/enforcement/cases/import", xlsx(&swapped, &[old])).await;
        assert!(html.contains("第 1 行第 24 列应为“当事人住所”"), "{html}");
    }
}

#[tokio::test]
async fn the_documented_example_imports_with_a_party_s_sealed_details() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/cases.jsonl"
    );
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let r = json(&app.cli(&["import", "cases", example, "--json"]));
        assert_eq!(
            (r["inserted"].as_u64(), r["rejected"].as_u64()),
            (Some(4), Some(0)),
            "{r}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_parties WHERE legal_representative = '王建国' AND phone_masked = '*********2345' AND address_sealed NOT LIKE '%解放路%' AND phone_sealed NOT LIKE '%87012345%'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE origin = '投诉举报' AND summary LIKE '群众投诉该公司%'")
                .await,
            1
        );
        // An origin outside the fixed list is refused with the list.
        let dir = std::env::temp_dir().join(format!("fazhi-origin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.jsonl");
        let line = std::fs::read_to_string(example)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .replace("S1-HAND-0001", "S1-HAND-0002")
            .replace("投诉举报", "路过看到");
        std::fs::write(&bad, line).unwrap();
        let r = json(&app.cli(&["import", "cases", bad.to_str().unwrap(), "--json"]));
        assert_eq!(r["rejected"].as_u64(), Some(1), "{r}");
        assert!(
            r["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("origin“路过看到”应为：监督检查"),
            "{r}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
