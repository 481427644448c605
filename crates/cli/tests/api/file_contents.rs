//! The case file's contents (卷内文件): registered by the handler, checked by the sheet.

use reqwest::StatusCode;

use crate::cases::{COMPANY, filed_case, step};
use crate::helpers::*;
use crate::ingest::json;

/// Registers one document on the case at `path`; returns the status and the page.
async fn register(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let form: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let r = submit(b, path, &format!("{path}/file-documents"), &form).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn registered_documents_are_checked_against_the_case_record() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        for fields in [
            &[("action", "prior_notice"), ("on", "2024-05-20")][..],
            &[
                ("action", "decide"),
                ("on", "2024-05-28"),
                ("outcome", "fine"),
                ("fine", "500"),
            ][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        // Nothing registered on an open case: no finding about the file's contents yet.
        let r = json(&app.cli(&["evaluate", "--json"]));
        for rule in ["F10", "F17", "F22", "H02"] {
            assert!(r["by_rule"].get(rule).is_none(), "{rule}: {r}");
        }

        let docs = "SELECT COUNT(*) FROM case_file_documents";
        let audits = "SELECT COUNT(*) FROM audit_log WHERE object_type = 'case_file_document'";
        // Bad input is refused, field by field, and writes nothing.
        for (fields, says) in [
            (
                &[("kind", "memo"), ("dated_on", "2024-05-20")][..],
                "请选择文书种类",
            ),
            (
                &[("kind", "prior_notice"), ("dated_on", "2099-01-01")][..],
                "文书日期不能晚于今天",
            ),
            (
                &[
                    ("kind", "inquiry_record"),
                    ("dated_on", "2024-05-15"),
                    ("officers", "1"),
                    ("certified", "2"),
                ][..],
                "载明执法证号的人数不能多于",
            ),
            (
                &[
                    ("kind", "prior_notice"),
                    ("dated_on", "2024-05-20"),
                    ("amount", "三百"),
                ][..],
                "金额应为",
            ),
        ] {
            let (status, html) = register(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            assert!(html.contains(says), "{says}: {html}");
        }
        assert_eq!((app.count(docs).await, app.count(audits).await), (0, 0));

        // The notice proposed 300 yuan under another number; the decision names another party;
        // the inquiry was signed by one officer.
        let registered = [
            &[
                ("kind", "prior_notice"),
                ("number", "店口镇罚告〔2024〕99号"),
                ("dated_on", "2024-05-20"),
                ("party", COMPANY[1]),
                ("amount", "300"),
                ("sealed", "1"),
            ][..],
            &[
                ("kind", "penalty_decision"),
                ("dated_on", "2024-05-28"),
                ("party", "诸暨市另一家有限公司"),
                ("amount", "500"),
                ("sealed", "1"),
            ][..],
            &[
                ("kind", "inquiry_record"),
                ("dated_on", "2024-05-15"),
                ("officers", "1"),
                ("certified", "1"),
                ("party_signed", "1"),
            ][..],
        ];
        for fields in registered {
            let (status, html) = register(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        let page = clerk.text(&path).await;
        assert!(
            page.contains("卷内文件 1")
                && page.contains("行政处罚事先告知书，店口镇罚告〔2024〕99号，2024-05-20")
                && page.contains("金额 300.00 元"),
            "{page}"
        );
        // The case changed, so it is evaluated again with its contents.
        let r = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(r["evaluated"], 1, "{r}");
        for rule in ["E04", "F41", "B07", "F10", "F45", "F12", "F13", "F18"] {
            assert_eq!(r["by_rule"][rule], 1, "{rule}: {r}");
        }
        // What is right is not found: the decision's date, amount and seal agree.
        for rule in ["F33", "F47", "F50", "F39", "B09", "B11", "F22", "F17"] {
            assert!(r["by_rule"].get(rule).is_none(), "{rule}: {r}");
        }
        let page = clerk.text(&path).await;
        assert!(
            page.contains("评查发现 E04")
                && page.contains("决定罚款 500.00 高于事先告知的 300.00")
                && page
                    .contains("“诸暨市另一家有限公司”与案件当事人（诸暨市某某贸易有限公司）不一致"),
            "{page}"
        );

        // The wrong decision is taken out and registered again, right this time.
        let wrong: i64 = sqlx::query_scalar(
            "SELECT id FROM case_file_documents WHERE kind = 'penalty_decision'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let r = submit(
            &clerk,
            &path,
            &format!("{path}/file-documents/remove"),
            &[("document", wrong.to_string())],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (status, _) = register(
            &clerk,
            &path,
            &[
                ("kind", "penalty_decision"),
                ("dated_on", "2024-05-28"),
                ("party", COMPANY[1]),
                ("amount", "500"),
                ("sealed", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let r = json(&app.cli(&["evaluate", "--json"]));
        assert!(r["by_rule"].get("F41").is_none(), "{r}");
        assert_eq!(r["by_rule"]["E04"], 1, "{r}");
        assert_eq!((app.count(docs).await, app.count(audits).await), (3, 5));

        // Another town's clerk neither sees nor files into this case.
        // (filed_case signed the administrators in once; their password is set now)
        let sys = app.browser();
        sys.login("sysadmin", PASSWORD).await;
        let sec = app.browser();
        sec.login("secadmin", PASSWORD).await;
        let fq = app.department_id("枫桥镇人民政府").await;
        let (_, other) = app
            .user_with_role(&sys, &sec, "fq_clerk9", fq, "town_clerk")
            .await;
        let home = other.text("/").await;
        let r = other
            .post(
                &format!("{path}/file-documents"),
                &[
                    ("csrf", csrf_of(&home)),
                    ("kind", "evidence".into()),
                    ("dated_on", "2024-05-15".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count(docs).await, 3);
    }
}
