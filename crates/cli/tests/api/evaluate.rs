//! `fazhi evaluate`: every generated case file evaluated, the counts a script reads recomputed
//! from the records, only changed cases evaluated again, `--all` for every case.

use std::collections::BTreeMap;

use serde_json::Value;
use sqlx::Row;

use crate::helpers::*;
use crate::ingest::{json, write};

#[tokio::test]
async fn every_case_file_is_evaluated_once_and_again_when_it_changes() {
    let dir = std::env::temp_dir().join(format!("fazhi-evaluate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let generated = TestApp::cli_stdin(
        &["generate", "cases", "--count", "1500", "--seed", "11"],
        "",
    );
    let lines: Vec<String> = String::from_utf8(generated.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Two rules recounted straight from the generated records: a summary procedure above art.
    // 51's caps (D09), and a fine closed unpaid (G03).
    let over_summary = records
        .iter()
        .filter(|r| {
            let cap = if r["parties"][0]["kind"] == "organisation" {
                300_000
            } else {
                20_000
            };
            r["procedure"] == "summary"
                && r["decided_on"].is_string()
                && r["outcome"] == "fine"
                && r["fine_fen"].as_i64().unwrap() > cap
        })
        .count();
    let closed_unpaid = records
        .iter()
        .filter(|r| {
            r["outcome"] == "fine" && r["closed_on"].is_string() && !r["paid_on"].is_string()
        })
        .count();
    assert!(over_summary > 0 && closed_unpaid > 0);

    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let file = write(&dir, "cases.jsonl", &(lines.join("\n") + "\n"));
        let r = json(&app.cli(&["import", "cases", &file, "--json"]));
        assert_eq!(r["inserted"].as_u64(), Some(1500), "{r}");

        let first = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(first["evaluated"], 1500, "{first}");
        assert_eq!(
            first["by_rule"]["D09"].as_u64(),
            Some(over_summary as u64),
            "{first}"
        );
        assert_eq!(
            first["by_rule"]["G03"].as_u64(),
            Some(closed_unpaid as u64),
            "{first}"
        );
        // The report is what the database holds.
        let mut stored: BTreeMap<String, u64> = BTreeMap::new();
        for r in
            sqlx::query("SELECT rule_code, COUNT(*) AS n FROM case_findings GROUP BY rule_code")
                .fetch_all(app.store.pool())
                .await
                .unwrap()
        {
            stored.insert(r.get("rule_code"), r.get::<i64, _>("n") as u64);
        }
        let reported: BTreeMap<String, u64> = first["by_rule"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(reported, stored);
        assert_eq!(
            first["findings"].as_u64().unwrap(),
            stored.values().sum::<u64>()
        );
        // A veto item fails the file; a file without findings scores 100.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_evaluations WHERE veto = 1 AND grade <> 'fail'")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_evaluations WHERE findings = 0 AND score <> 100")
                .await,
            0
        );
        assert!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'evaluate'")
                .await
                >= 1
        );

        // The supervisor's desk shows each rule's files, opening exactly those cases; the case
        // page shows its score and findings.
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, supervisor) = app
            .user_with_role(&sys, &sec, "pingcha", bureau, "supervisor")
            .await;
        let desk = supervisor.text("/supervision/evaluation").await;
        assert!(
            desk.contains(&format!(
                "不合格 {} 件",
                app.count("SELECT COUNT(*) FROM case_evaluations WHERE grade = 'fail'")
                    .await
            )) && desk.contains("/enforcement/cases?finding=G03"),
            "{desk}"
        );
        assert!(desk.contains(&format!(">{closed_unpaid} 件</a>")), "{desk}");
        let listed = supervisor.text("/enforcement/cases?finding=G03").await;
        let on_page = listed.matches("<a href=\"/enforcement/cases/").count();
        assert_eq!(on_page, closed_unpaid.min(50), "{listed}");
        let r = supervisor.get("/enforcement/cases?finding=Z99").await;
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("评查项“Z99”不在评查表中"));
        let id = app
            .count("SELECT MIN(case_id) FROM case_findings WHERE rule_code = 'G03'")
            .await;
        let page = supervisor.text(&format!("/enforcement/cases/{id}")).await;
        assert!(
            page.contains("评查发现 G03") && page.contains("（G03 罚款执行完毕方可结案"),
            "{page}"
        );

        // Nothing changed: nothing to evaluate.
        let again = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(
            (again["evaluated"].as_u64(), again["findings"].as_u64()),
            (Some(0), Some(0))
        );

        // One record re-sent with the fine left unpaid at closure: only it is evaluated, and
        // its findings replace the old ones.
        let (n, changed) = records
            .iter()
            .enumerate()
            .find(|(_, r)| {
                r["outcome"] == "fine"
                    && r["closed_on"].is_string()
                    && r["paid_on"].is_string()
                    && r["procedure"] == "general"
            })
            .unwrap();
        let mut changed = changed.clone();
        let source_id = changed["source_id"].as_str().unwrap().to_string();
        changed.as_object_mut().unwrap().remove("paid_on");
        changed["paid_fen"] = Value::from(0);
        changed["surcharge_fen"] = Value::from(0);
        let one = write(&dir, "one.jsonl", &changed.to_string());
        let r = json(&app.cli(&["import", "cases", &one, "--json"]));
        assert_eq!(r["updated"], 1, "{r} line {n}");
        let third = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(third["evaluated"], 1, "{third}");
        assert_eq!(third["by_rule"]["G03"], 1, "{third}");
        let rules: Vec<String> = sqlx::query_scalar(
            "SELECT f.rule_code FROM case_findings f JOIN cases c ON c.id = f.case_id WHERE c.source_id = $1 ORDER BY f.rule_code",
        )
        .bind(&source_id)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert!(rules.contains(&"G03".to_string()), "{rules:?}");
        assert_eq!(rules.len() as u64, third["findings"].as_u64().unwrap());

        // --all evaluates every case again and finds the same as before plus the change.
        let all = json(&app.cli(&["evaluate", "--all", "--json"]));
        assert_eq!(all["evaluated"], 1500);
        assert_eq!(
            all["by_rule"]["G03"].as_u64(),
            Some(closed_unpaid as u64 + 1)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_handler_of_an_open_case_is_told_each_new_finding_once() {
    use crate::cases::{COMPANY, filed_case, step};
    for db in backends() {
        let app = spawn_app(db).await;
        // A company fined without its legal representative or its address on record.
        let (clerk, path) = filed_case(&app, COMPANY).await;
        for fields in [
            &[
                ("action", "prior_notice"),
                ("on", "2024-05-20"),
                ("hearing_right", "1"),
            ][..],
            &[
                ("action", "decide"),
                ("on", "2024-05-28"),
                ("outcome", "fine"),
                ("fine", "500"),
            ][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, reqwest::StatusCode::SEE_OTHER, "{html}");
        }
        // Evaluated in the request that changed the case, not by a later run: the handler is
        // told at once.
        let told = |rule: &str| -> &'static str {
            Box::leak(
                format!("SELECT COUNT(*) FROM messages WHERE title LIKE '案卷评查提示：{rule} %'")
                    .into_boxed_str(),
            )
        };
        for rule in ["B05", "F03"] {
            assert_eq!(app.count(told(rule)).await, 1, "{rule}");
        }
        let r = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(r["evaluated"], 0, "{r}");
        let inbox = clerk.text("/messages").await;
        assert!(
            inbox.contains("案卷评查提示：F03 当事人为单位的，载明法定代表人（负责人）")
                && inbox.contains("1 个单位当事人未载明法定代表人。案件尚未结案"),
            "{inbox}"
        );
        let page = clerk.text(&path).await;
        assert!(
            page.contains("办案中预警")
                && page.contains("待纠正")
                && page.contains("F03 当事人为单位的"),
            "{page}"
        );

        // The case moves on with the same defects: evaluated again, nobody told twice.
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "deliver"),
                ("on", "2024-05-29"),
                ("method", "electronic"),
            ],
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::SEE_OTHER);
        for rule in ["B05", "F03"] {
            assert_eq!(app.count(told(rule)).await, 1, "{rule}");
        }
        let r = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(r["evaluated"], 0, "{r}");
    }
}

#[tokio::test]
async fn a_town_s_case_on_an_item_never_delegated_to_it_fails_for_want_of_authority() {
    let generated = TestApp::cli_stdin(&["generate", "cases", "--count", "60", "--seed", "3"], "");
    let records: Vec<Value> = String::from_utf8(generated.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Two cases moved to a town office: one on a public-security item (never delegated to
    // towns), one on an item the demo catalog delegates to every town from 2022.
    let on_item = |code: &str, id: &str| {
        let mut r = records
            .iter()
            .find(|r| r["item_code"] == code && r["filed_on"].as_str().unwrap() >= "2022-01-01")
            .unwrap()
            .clone();
        r["department"] = Value::from("店口镇人民政府");
        r.as_object_mut().unwrap().remove("town");
        r["source_id"] = Value::from(id);
        r.to_string()
    };
    let dir = std::env::temp_dir().join(format!("fazhi-authority-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = write(
        &dir,
        "town.jsonl",
        &[on_item("GA-001", "TOWN-GA"), on_item("ZH-002", "TOWN-ZH")].join("\n"),
    );
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let r = json(&app.cli(&["import", "cases", &file, "--json"]));
        assert_eq!(r["inserted"], 2, "{r}");
        let r = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(r["by_rule"]["A02"], 1, "{r}");
        let failed: Vec<String> = sqlx::query_scalar(
            "SELECT c.source_id FROM case_findings f JOIN cases c ON c.id = f.case_id JOIN case_evaluations e ON e.case_id = c.id
             WHERE f.rule_code = 'A02' AND e.grade = 'fail'",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(failed, vec!["TOWN-GA".to_string()]);
    }
    std::fs::remove_dir_all(&dir).ok();
}

async fn save_settings(b: &Browser, form: &[(String, String)]) -> reqwest::Response {
    let page = b.text("/supervision/evaluation/settings/new").await;
    let mut f: Vec<(&str, String)> = vec![("csrf", csrf_of(&page))];
    f.extend(form.iter().map(|(k, v)| (k.as_str(), v.clone())));
    b.post("/supervision/evaluation/settings", &f).await
}

#[tokio::test]
async fn the_sheet_as_configured_applies_from_its_effective_date() {
    let dir = std::env::temp_dir().join(format!("fazhi-sheet-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let generated =
        TestApp::cli_stdin(&["generate", "cases", "--count", "600", "--seed", "14"], "");
    let file = write(
        &dir,
        "cases.jsonl",
        &String::from_utf8(generated.stdout).unwrap(),
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        json(&app.cli(&["import", "cases", &file, "--json"]));
        let first = json(&app.cli(&["evaluate", "--json"]));
        // The two rules that found most: one to switch off, one to re-weigh.
        let mut counts: Vec<(String, u64)> = first["by_rule"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        assert!(counts.len() >= 2, "{first}");
        let (off, reweighed) = (counts[0].0.clone(), counts[1].0.clone());

        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "peizhi", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "zhiyuan", bureau, "department_clerk")
            .await;
        let version = |from: String, excellent: &str, pass: &str, weight: &str| {
            vec![
                ("effective_from".to_string(), from),
                ("excellent".to_string(), excellent.to_string()),
                ("pass".to_string(), pass.to_string()),
                (format!("{off}_on"), "0".to_string()),
                (format!("{reweighed}_deduction"), weight.to_string()),
            ]
        };
        let yesterday = today.pred_opt().unwrap().to_string();
        let tomorrow = today.succ_opt().unwrap().to_string();
        for (form, says) in [
            (version(yesterday, "95", "70", "1"), "生效日期不能早于今天"),
            (
                version(tomorrow.clone(), "90", "90", "1"),
                "等次分数线应满足",
            ),
            (
                version(tomorrow.clone(), "95", "70", "0"),
                "的扣分应为 1 至 100 分",
            ),
        ] {
            let r = save_settings(&sup, &form).await;
            assert_eq!(
                r.status(),
                reqwest::StatusCode::UNPROCESSABLE_ENTITY,
                "{says}"
            );
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        let r = save_settings(&clerk, &version(tomorrow.clone(), "95", "70", "1")).await;
        assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
        // A supervisor whose data scope is one town does not set the city's sheet.
        town_supervisor_role(&sec).await;
        let town = app.department_id("店口镇人民政府").await;
        let (_, town_sup) = app
            .user_with_role(&sys, &sec, "zhenjian2", town, "town_supervisor")
            .await;
        let home = town_sup.text("/").await;
        let mut form = vec![("csrf", csrf_of(&home))];
        let v = version(tomorrow.clone(), "95", "70", "1");
        form.extend(v.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let r = town_sup
            .post("/supervision/evaluation/settings", &form)
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM evaluation_settings").await,
            0
        );

        // A version that takes effect tomorrow changes nothing today.
        let r = save_settings(&sup, &version(tomorrow, "95", "70", "1")).await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        assert_eq!(json(&app.cli(&["evaluate", "--json"]))["evaluated"], 0);
        // One in force today re-evaluates every file once, under its rules.
        let r = save_settings(&sup, &version(today.to_string(), "95", "70", "1")).await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        let again = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(again["evaluated"], 600, "{again}");
        assert!(again["by_rule"].get(&off).is_none(), "{again}");
        assert_eq!(
            again["by_rule"][&reweighed].as_u64(),
            Some(counts[1].1),
            "{again}"
        );
        assert_eq!(json(&app.cli(&["evaluate", "--json"]))["evaluated"], 0);
        let stored_off: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM case_findings WHERE rule_code = $1")
                .bind(&off)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(stored_off, 0);
        let weights: Vec<i64> =
            sqlx::query_scalar("SELECT DISTINCT deduction FROM case_findings WHERE rule_code = $1")
                .bind(&reweighed)
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        assert_eq!(weights, vec![1]);
        // Every file's score and grade follow from its findings under the new thresholds.
        for r in sqlx::query(
            "SELECT e.case_id, e.score, e.grade, e.veto,
                CAST((SELECT COALESCE(SUM(f.deduction), 0) FROM case_findings f WHERE f.case_id = e.case_id) AS BIGINT) AS off
             FROM case_evaluations e",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap()
        {
            let score: i64 = r.get("score");
            let off_points: i64 = r.get("off");
            assert_eq!(score, (100 - off_points).max(0));
            let grade: String = r.get("grade");
            let want = if r.get::<i64, _>("veto") == 1 || score < 70 {
                "fail"
            } else if score >= 95 {
                "excellent"
            } else {
                "pass"
            };
            assert_eq!(grade, want);
        }
        let page = sup.text("/supervision/evaluation/settings").await;
        assert!(
            page.contains("现行")
                && page.contains("待生效")
                && page.contains(&format!("{off} 停用"))
        );
    }
}
