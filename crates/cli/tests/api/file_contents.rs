//! The case file's contents (卷内文件): each step's documents enter the file themselves, the
//! handler completes what only paper knows in one table, and the sheet checks the file in the
//! request that changed it.

use reqwest::StatusCode;

use crate::cases::{COMPANY, COMPANY_DETAILS, filed_case, filed_case_with, step};
use crate::helpers::*;
use crate::ingest::json;

/// Registers one document on the case at `path`; returns the status and the page.
async fn register(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let form: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let r = submit(b, path, &format!("{path}/file-documents"), &form).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

/// The ids of the documents in the paper table of the case page.
fn table_ids(page: &str) -> Vec<String> {
    let at = page
        .find("name=\"documents\" value=\"")
        .expect("the paper table");
    let rest = &page[at + "name=\"documents\" value=\"".len()..];
    rest[..rest.find('"').unwrap()]
        .split(',')
        .map(str::to_string)
        .collect()
}

/// Posts the paper table with every document signed by two certified officers, signed by the
/// party and sealed — except `but`, whose (field, value) pairs override.
async fn complete_paper(b: &Browser, path: &str, but: &[(String, String)]) -> (StatusCode, String) {
    let page = b.text(path).await;
    let ids = table_ids(&page);
    let mut form: Vec<(String, String)> = vec![("documents".into(), ids.join(","))];
    for id in &ids {
        for (name, value) in [
            ("officers", "2"),
            ("certified", "2"),
            ("party_signed", "1"),
            ("sealed", "1"),
            ("pages", "2"),
        ] {
            let key = format!("{name}_{id}");
            if let Some((_, v)) = but.iter().find(|(k, _)| *k == key) {
                form.push((key, v.clone()));
            } else {
                form.push((key, value.into()));
            }
        }
    }
    let form: Vec<(&str, String)> = form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let r = submit(b, path, &format!("{path}/file-documents/paper"), &form).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn each_step_s_documents_enter_the_file_and_the_handler_completes_the_paper() {
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
        // Filing, investigation (its record, evidence and report), notice, decision and the
        // record that the defence window passed: each in the file without a form of its own.
        let kinds: Vec<String> =
            sqlx::query_scalar("SELECT kind FROM case_file_documents ORDER BY id")
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        assert_eq!(
            kinds,
            [
                "filing_approval",
                "inspection_record",
                "evidence",
                "investigation_report",
                "prior_notice",
                "penalty_decision",
                "statement_record"
            ],
        );
        let page = clerk.text(&path).await;
        assert!(
            page.contains("行政处罚事先告知书，店口镇罚告〔2024〕1号，2024-05-20，当事人 诸暨市某某贸易有限公司，金额 5,000.00 元")
                && page.contains("行政处罚决定书，店口镇罚〔2024〕1号，2024-05-28")
                && !page.contains("已完成："),
            "{page}"
        );
        // After a step the page says once what was done and that its documents are filed.
        let after = clerk.text(&format!("{path}?done=decide")).await;
        assert!(
            after.contains("已完成：作出决定。本步骤的文书已自动登记入卷"),
            "{after}"
        );
        // Evaluated in the request: the paper not yet completed is what is left to put right.
        assert!(
            page.contains("办案中预警")
                && page.contains("F50 行政处罚决定书加盖作出决定的行政机关的印章"),
            "{page}"
        );
        for rule in [
            "F10", "F11", "F12", "F13", "F17", "F18", "F22", "F44", "F45", "F47", "F48",
        ] {
            assert!(
                !page.contains(&format!("（{rule} ")),
                "{rule} is found though its document is in the file: {page}"
            );
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
                &[("kind", "evidence"), ("dated_on", "2099-01-01")][..],
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
                    ("kind", "evidence"),
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
        assert_eq!((app.count(docs).await, app.count(audits).await), (7, 0));
        let (status, html) = complete_paper(
            &clerk,
            &path,
            &[(format!("certified_{}", table_ids(&page)[1]), "3".into())],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("现场检查（勘验）笔录（2024-05-20）：载明执法证号的人数不能多于"),
            "{html}"
        );
        // The table comes back as typed, the bad cell included.
        let bad = format!("name=\"certified_{}\" value=\"3\"", table_ids(&page)[1]);
        assert!(html.contains(&bad), "{bad}: {html}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_file_documents WHERE sealed = 1")
                .await,
            0
        );

        // A second decision naming another party, registered by hand, is found at once.
        let (status, html) = register(
            &clerk,
            &path,
            &[
                ("kind", "penalty_decision"),
                ("dated_on", "2024-05-28"),
                ("party", "诸暨市另一家有限公司"),
                ("amount", "500"),
                ("sealed", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let page = clerk.text(&path).await;
        assert!(
            page.contains("“诸暨市另一家有限公司”与案件当事人（诸暨市某某贸易有限公司）不一致")
                && page.contains("卷内有 2 份行政处罚决定书"),
            "{page}"
        );
        let wrong: i64 = sqlx::query_scalar(
            "SELECT id FROM case_file_documents WHERE kind = 'penalty_decision' AND step IS NULL",
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

        // The paper completed in one table: the seal and signature findings go.
        let (status, html) = complete_paper(&clerk, &path, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let page = clerk.text(&path).await;
        for rule in ["F41", "H06", "F49", "F50", "B06", "B08", "B10"] {
            assert!(!page.contains(&format!("（{rule} ")), "{rule}: {page}");
        }
        assert_eq!((app.count(docs).await, app.count(audits).await), (7, 3));

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
        for (to, form) in [
            (
                format!("{path}/file-documents"),
                vec![
                    ("csrf", csrf_of(&home)),
                    ("kind", "evidence".to_string()),
                    ("dated_on", "2024-05-15".into()),
                ],
            ),
            (
                format!("{path}/file-documents/paper"),
                vec![
                    ("csrf", csrf_of(&home)),
                    ("documents", wrong.to_string()),
                    (
                        Box::leak(format!("sealed_{wrong}").into_boxed_str()),
                        "1".into(),
                    ),
                ],
            ),
        ] {
            let r = other.post(&to, &form).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{to}");
        }
        assert_eq!(app.count(docs).await, 7);
    }
}

/// The goal of the workbench: a case walked lawfully through fazhi's own forms, from filing
/// through the hearing path to archiving, leaves no machine finding on the sheet — only the
/// reviewer's manual items remain.
#[tokio::test]
async fn a_case_walked_lawfully_through_the_forms_has_no_machine_finding() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case_with(&app, COMPANY, &COMPANY_DETAILS).await;
        let walk: &[&[(&str, &str)]] = &[
            &[
                ("action", "investigate"),
                ("on", "2024-05-15"),
                (
                    "facts",
                    "经查，当事人于 2024 年 5 月 1 日在店铺门前占道经营",
                ),
                ("evidence", "现场照片 3 张\n询问笔录 1 份"),
                ("records", "inspection_record"),
                ("records", "inquiry_record"),
                ("concluded", "1"),
            ],
            &[
                ("action", "prior_notice"),
                ("on", "2024-05-20"),
                ("hearing_right", "1"),
                ("proposed", "fine"),
                ("proposed_fine", "500"),
            ],
            &[("action", "hearing_requested"), ("on", "2024-05-22")],
            &[
                ("action", "hearing_notice"),
                ("on", "2024-05-23"),
                ("hearing_on", "2024-06-05"),
            ],
            &[("action", "hearing_held"), ("on", "2024-06-05")],
            &[
                ("action", "decide"),
                ("on", "2024-06-07"),
                ("outcome", "fine"),
                ("fine", "500"),
            ],
            &[
                ("action", "deliver"),
                ("on", "2024-06-11"),
                ("method", "direct"),
                ("place", "当事人经营场所"),
            ],
            &[("action", "pay"), ("on", "2024-06-20")],
            &[
                ("action", "close"),
                ("on", "2024-06-21"),
                ("approver", "李局长"),
            ],
        ];
        for fields in walk {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{fields:?}: {html}");
        }
        let (status, html) = complete_paper(&clerk, &path, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        // The documents this case had a use for are offered — the hearing's among them, the
        // summary procedure's and the reminder to pay (催告书) not — and none of them has a
        // blank once the department's settings are made.
        crate::cases::dianko_document_settings(&app).await;
        let page = clerk.text(&path).await;
        for (code, offered) in [
            ("hearing_notice", true),
            ("hearing_record", true),
            ("hearing_report", true),
            ("investigation_report", true),
            ("prior_notice", true),
            ("penalty_decision", true),
            ("payment_notice", true),
            ("delivery_receipt", true),
            ("closure_approval", true),
            ("summary_decision", false),
            ("no_penalty_decision", false),
            ("demand_notice", false),
            ("rectification_order", false),
        ] {
            let href = format!("{path}/documents/{code}.docx");
            assert_eq!(page.contains(&href), offered, "{code}");
            if offered {
                let r = clerk.get(&href).await;
                assert_eq!(r.status(), StatusCode::OK, "{code}");
                let xml = document_xml(&r.bytes().await.unwrap());
                assert!(!xml.contains("（待填写）"), "{code}: {xml}");
                assert!(
                    !xml.contains("。。") && !xml.contains("经查，经查"),
                    "{code}: {xml}"
                );
            }
        }
        let notice = document_xml(
            &clerk
                .get(&format!("{path}/documents/prior_notice.docx"))
                .await
                .bytes()
                .await
                .unwrap(),
        );
        assert!(
            notice.contains("拟对你（单位）作出如下行政处罚：罚款人民币500.00元（大写：伍佰元整）"),
            "{notice}"
        );
        let receipt = document_xml(
            &clerk
                .get(&format!("{path}/documents/delivery_receipt.docx"))
                .await
                .bytes()
                .await
                .unwrap(),
        );
        assert!(
            receipt.contains("送达文书：行政处罚决定书（店口镇罚〔2024〕1号）"),
            "{receipt}"
        );
        // Nothing open before archiving: archived without a reason.
        let (status, html) = step(
            &clerk,
            &path,
            &[("action", "archive"), ("on", "2024-06-24")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let findings: Vec<(String, String)> =
            sqlx::query_as("SELECT rule_code, detail FROM case_findings ORDER BY rule_code")
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        assert_eq!(findings, Vec::<(String, String)>::new());
        let (score, grade): (i64, String) =
            sqlx::query_as("SELECT score, grade FROM case_evaluations")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!((score, grade.as_str()), (100, "excellent"));
        let r = json(&app.cli(&["evaluate", "--json"]));
        assert_eq!(r["evaluated"], 0, "evaluated in the requests already: {r}");
    }
}

#[tokio::test]
async fn archiving_with_open_findings_needs_a_written_reason() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        for fields in [
            &[("action", "prior_notice"), ("on", "2024-05-20")][..],
            &[("action", "waive"), ("on", "2024-05-21")][..],
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "warning"),
            ][..],
            &[
                ("action", "deliver"),
                ("on", "2024-05-23"),
                ("method", "post"),
            ][..],
            &[("action", "close"), ("on", "2024-05-24")][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{fields:?}: {html}");
        }
        // Before the step the page says what the file lacks for it.
        let page = clerk.text(&path).await;
        assert!(
            page.contains("下一步：归档") && page.contains("待纠正"),
            "{page}"
        );
        let (status, html) = step(
            &clerk,
            &path,
            &[("action", "archive"), ("on", "2024-05-27")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("个问题未纠正") && html.contains("写明归档的理由"),
            "{html}"
        );
        // The refused form comes back first with what was typed, next to the error.
        let first_step = html
            .split("name=\"action\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split("</form>").next())
            .unwrap_or("");
        assert!(
            first_step.starts_with("archive\"")
                && first_step.contains("value=\"2024-05-27\"")
                && first_step.contains("name=\"reason\" aria-invalid=\"true\"")
                && first_step.contains("此项有误：案卷评查仍有"),
            "{first_step}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE stage = 'archived'")
                .await,
            0
        );
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "archive"),
                ("on", "2024-05-27"),
                ("reason", "当事人拒绝签收，邮寄回执已附卷"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let page = clerk.text(&path).await;
        assert!(
            page.contains("未纠正：当事人拒绝签收，邮寄回执已附卷"),
            "{page}"
        );
    }
}
