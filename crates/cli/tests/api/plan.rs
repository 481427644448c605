//! `fazhi plan joint-visits` and `fazhi generate inspection-tasks` as scripts run them.

use std::collections::HashMap;

use serde_json::Value;

use crate::helpers::*;

fn run(args: &[&str]) -> std::process::Output {
    TestApp::cli_stdin(args, "")
}

#[test]
fn generated_tasks_are_planned_within_windows_and_capacity_with_the_documented_output() {
    let dir = std::env::temp_dir().join(format!("fazhi-plan-{}", std::process::id()));
    let d = dir.to_str().unwrap();
    let out = run(&[
        "generate",
        "inspection-tasks",
        "--entities",
        "3000",
        "--tasks",
        "9000",
        "--seed",
        "5",
        "--out-dir",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (tasks, capacity, plan) = (
        format!("{d}/tasks.jsonl"),
        format!("{d}/capacity.json"),
        format!("{d}/plan.jsonl"),
    );
    let out = run(&[
        "plan",
        "joint-visits",
        "--tasks",
        &tasks,
        "--capacity",
        &capacity,
        "--out",
        &plan,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in ["tasks", "visits", "lower_bound", "visits_saved", "seconds"] {
        assert!(report.get(field).is_some(), "{report}");
    }
    assert_eq!(report["tasks"], 9000);

    // Recount from the files: every task dated once, on a working day in its window, no
    // department over its officers, and the visits and bound the report gives.
    let capacity: HashMap<String, u64> =
        serde_json::from_str(&std::fs::read_to_string(&capacity).unwrap()).unwrap();
    let tasks: HashMap<String, Value> = std::fs::read_to_string(&tasks)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let lines: Vec<Value> = std::fs::read_to_string(&plan)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), tasks.len());
    assert!(
        std::fs::read_to_string(&plan)
            .unwrap()
            .starts_with("{\"task\":")
    );
    let cal = fazhi_kernel::calendar::Calendar::embedded();
    let mut load: HashMap<(String, String), u64> = HashMap::new();
    let mut visits: std::collections::HashSet<(String, String)> = Default::default();
    for l in &lines {
        let t = &tasks[l["task"].as_str().unwrap()];
        let date = l["date"].as_str().unwrap();
        let day = fazhi_kernel::date::parse(date).unwrap();
        assert!(cal.is_workday(day), "{l}");
        assert!(t["from"].as_str().unwrap() <= date && date <= t["to"].as_str().unwrap());
        *load
            .entry((t["department"].as_str().unwrap().into(), date.into()))
            .or_default() += t["officers"].as_u64().unwrap();
        visits.insert((t["entity"].as_str().unwrap().into(), date.into()));
    }
    for ((dept, date), n) in load {
        assert!(n <= capacity[&dept], "{dept} {date} {n}");
    }
    assert_eq!(report["visits"].as_u64().unwrap() as usize, visits.len());
    let (v, bound) = (
        report["visits"].as_f64().unwrap(),
        report["lower_bound"].as_f64().unwrap(),
    );
    assert!(bound <= v && v <= bound * 1.02, "{report}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_task_lines_are_each_named_and_no_plan_is_written() {
    let dir = std::env::temp_dir().join(format!("fazhi-plan-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    std::fs::write(format!("{d}/capacity.json"), r#"{"SJ": 4}"#).unwrap();
    std::fs::write(
        format!("{d}/tasks.jsonl"),
        [
            r#"{"id":"t1","entity":"91330100799655058B","department":"SJ","items":["SJ-001"],"from":"2024-03-01","to":"2024-03-29","officers":2}"#,
            r#"{"id":"t2","entity":"91330100799655058B","department":"XF","items":["XF-001"],"from":"2024-03-01","to":"2024-03-29","officers":2}"#,
            r#"{"id":"t3","entity":"91330100799655058B","department":"SJ","items":["SJ-001"],"from":"2024-03-29","to":"2024-03-01"}"#,
            r#"{"id":"t1","entity":"91330100799655058B","department":"SJ","items":["SJ-001"],"from":"2024-03-01","to":"2024-03-29"}"#,
            r#"{"id":"t5","entity":"91330100799655058B","department":"SJ","items":["SJ-001"],"from":"2024-03-01","to":"2024-03-29","colour":"red"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let plan = format!("{d}/plan.jsonl");
    let out = run(&[
        "plan",
        "joint-visits",
        "--tasks",
        &format!("{d}/tasks.jsonl"),
        "--capacity",
        &format!("{d}/capacity.json"),
        "--out",
        &plan,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rejected"], 4, "{report}");
    let reasons: Vec<(u64, String)> = report["errors"]
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
    assert!(
        reasons[0].0 == 2 && reasons[0].1.contains("department“XF”不在能力文件中"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].0 == 3 && reasons[1].1.contains("早于"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].0 == 4 && reasons[2].1.contains("任务编号 t1 重复"),
        "{reasons:?}"
    );
    assert!(
        reasons[3].0 == 5 && reasons[3].1.contains("未知字段 colour"),
        "{reasons:?}"
    );
    assert!(!std::path::Path::new(&plan).exists());
    std::fs::remove_dir_all(&dir).ok();
}
