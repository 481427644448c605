//! The kernel's script interfaces: calendar, deadlines, identifier validation, redaction.

use crate::helpers::*;

fn out(o: &std::process::Output) -> (i32, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
    )
}

#[tokio::test]
async fn calendar_is_workday_and_a_newly_published_year_imported_without_a_rebuild() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (code, text) = out(&app.cli(&[
            "calendar",
            "is-workday",
            "2025-01-26",
            "2025-01-28",
            "2024-10-12",
        ]));
        assert_eq!(
            (code, text.as_str()),
            (
                0,
                "2025-01-26 workday\n2025-01-28 rest\n2024-10-12 workday\n"
            )
        );
        let (code, text) = out(&app.cli(&["calendar", "is-workday", "2027-02-08"]));
        assert_ne!(code, 0);
        assert_eq!(
            text,
            "2027-02-08 workday (unpublished year: weekends only, unconfirmed)\n"
        );
        let (code, text) = out(&app.cli(&["calendar", "is-workday", "2025-02-30"]));
        assert_ne!(code, 0);
        assert!(text.contains("invalid"));

        // A 2027 notice arrives: import it, and the year is confirmed, holidays included.
        let file = std::env::temp_dir().join(format!("fazhi-2027-{}.txt", std::process::id()));
        std::fs::write(&file, "[2027] 国务院办公厅关于2027年部分节假日安排的通知（测试）\nrest 2027-02-05 2027-02-06 2027-02-07 2027-02-08\nwork 2027-01-31\n").unwrap();
        let o = app.cli(&["calendar", "import", file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (code, text) = out(&app.cli(&["calendar", "is-workday", "2027-02-08", "2027-01-31"]));
        assert_eq!(
            (code, text.as_str()),
            (0, "2027-02-08 rest\n2027-01-31 workday\n")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'calendar_year'")
                .await,
            1
        );
        // A malformed file is refused with its line number; nothing is imported.
        std::fs::write(&file, "[2028] 通知\nrest 2028-02-31\n").unwrap();
        let o = app.cli(&["calendar", "import", file.to_str().unwrap()]);
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("line 2"));
        assert_eq!(app.count("SELECT COUNT(*) FROM calendar_years").await, 1);
        // Deadlines computed against the database's calendar see the imported year.
        let (code, text) = out(&app.cli(&[
            "deadline",
            "compute",
            "--start",
            "2027-02-04",
            "--period",
            "1 working days",
        ]));
        assert_eq!(code, 0, "{text}");
        assert!(text.starts_with("2027-02-09 "), "{text}");
        let _ = std::fs::remove_file(&file);
    }
}

#[test]
fn deadline_validate_and_redact_from_the_command_line() {
    let run = |args: &[&str]| out(&TestApp::cli_stdin(args, ""));
    let (code, text) = run(&[
        "deadline",
        "compute",
        "--start",
        "2024-07-05",
        "--period",
        "90 days",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.starts_with("2024-10-08 ") && text.contains("法定节假日"),
        "{text}"
    );
    let (code, text) = run(&[
        "deadline",
        "compute",
        "--start",
        "2025-09-26",
        "--period",
        "7 working days",
    ]);
    assert_eq!((code, text.split(' ').next().unwrap()), (0, "2025-10-13"));
    let (code, text) = run(&[
        "deadline",
        "compute",
        "--start",
        "2024-08-31",
        "--period",
        "6个月",
    ]);
    assert_eq!((code, text.split(' ').next().unwrap()), (0, "2025-02-28"));
    assert_ne!(
        run(&[
            "deadline",
            "compute",
            "--start",
            "2024-08-31",
            "--period",
            "6 weeks"
        ])
        .0,
        0
    );

    let (code, text) = run(&[
        "validate",
        "uscc",
        "91330100799655058B",
        "91330100799655058C",
    ]);
    assert_ne!(code, 0);
    assert_eq!(
        text,
        "91330100799655058B valid\n91330100799655058C invalid: check character: expected 'B', got 'C'\n"
    );
    let (code, text) = run(&["validate", "resident-id", "11010519491231002X"]);
    assert_eq!((code, text.as_str()), (0, "11010519491231002X valid\n"));
    let (_, text) = run(&[
        "validate",
        "resident-id",
        "99010519491231002X",
        "110105194902301234",
    ]);
    assert!(
        text.contains("unknown division") || text.contains("check character"),
        "{text}"
    );

    let o = TestApp::cli_stdin(
        &["redact", "--person", "李四"],
        "当事人李四，电话13812345678，身份证11010519491231002X。",
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "当事人李某，电话（略），身份证（略）。"
    );
    let o = TestApp::cli_stdin(&["redact", "--json"], "电话13812345678");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["kind"], "mobile");
    assert_eq!(v["findings"][0]["start"], 6);
    assert_eq!(v["text"], "电话（略）");
}
