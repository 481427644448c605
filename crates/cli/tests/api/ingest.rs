//! Cases from other systems: `fazhi generate cases` piped into `fazhi import cases`, idempotent
//! re-import, updates, rejections with line numbers, discretion checks, and a batch that fails
//! part-way leaving nothing behind.

use serde_json::Value;

use crate::helpers::*;

fn json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
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

        // A failure after the first written chunk (400 records) rolls the whole batch back.
        let trigger = match app.store.backend() {
            fazhi_store::Backend::Sqlite => vec![
                "CREATE TRIGGER boom BEFORE INSERT ON cases WHEN NEW.source_id = 'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END",
            ],
            fazhi_store::Backend::Postgres => vec![
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.source_id = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER boom BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION boom()",
            ],
        };
        for t in trigger {
            sqlx::query(t).execute(app.store.pool()).await.unwrap();
        }
        let batch: Vec<String> = (0..500)
            .map(|n| {
                let mut v = fresh.clone();
                v["source_id"] = Value::from(if n == 450 {
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
