//! Administrative reconsideration walked through its pages: an application registered with its
//! acceptance limit (art. 30), a late one refused without a reason (art. 20), acceptance with
//! its number and limits (art. 48, 62), no decision before the respondent has the copy, the
//! decision as a .docx, every limit met; the report's figures counted again from the rows.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn an_application_is_accepted_heard_and_decided_within_its_limits() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let town = app.department_id("店口镇人民政府").await;
        let respondent = app.department_id("诸暨市市场监督管理局").await;
        let (_, body) = app
            .user_with_role(&sys, &sec, "fuyi", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "fuyiclerk", town, "town_clerk")
            .await;
        assert_eq!(
            clerk.get("/reconsiderations").await.status(),
            StatusCode::FORBIDDEN
        );
        let today = fazhi_core::deadlines::china_today();
        let year = today.format("%Y").to_string();

        let register = |applicant: &str, known: chrono::NaiveDate| {
            let body = &body;
            let applicant = applicant.to_string();
            async move {
                let page = body.text("/reconsiderations/new").await;
                body.post(
                    "/reconsiderations",
                    &[
                        ("csrf", csrf_of(&page)),
                        ("channel", "window".into()),
                        ("applicant", applicant),
                        ("respondent_id", respondent.to_string()),
                        ("act", "诸市监罚〔2026〕17号行政处罚决定".into()),
                        ("request", "撤销该行政处罚决定".into()),
                        ("known_on", known.to_string()),
                        ("right_explained", "1".into()),
                        ("received_on", today.to_string()),
                    ],
                )
                .await
            }
        };
        let page = body.text("/reconsiderations/new").await;
        let r = body
            .post(
                "/reconsiderations",
                &[
                    ("csrf", csrf_of(&page)),
                    ("channel", "window".into()),
                    ("known_on", (today + chrono::Duration::days(1)).to_string()),
                    ("received_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text().await.unwrap();
        assert!(
            text.contains("请填写申请人")
                && text.contains("请填写行政复议请求")
                && text.contains("知道行政行为的日期晚于收到申请的日期"),
            "{text}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM reconsiderations").await, 0);

        // Late: known 70 days ago, the right explained (art. 20: 60 days).
        let r = register("李四", today - chrono::Duration::days(70)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let late = format!("/reconsiderations/{}", created_id(&r));
        let accept = |reason: &str| {
            vec![
                ("action", "accept".to_string()),
                ("on", today.to_string()),
                ("procedure", "ordinary".into()),
                ("ground", String::new()),
                ("delay_reason", reason.to_string()),
            ]
        };
        let (status, page) = versioned_step(&body, &late, &accept("")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("已超过申请期限") && page.contains("第二十条"),
            "{page}"
        );
        let (status, _) = versioned_step(
            &body,
            &late,
            &[
                ("action", "withdraw".to_string()),
                ("on", today.to_string()),
                ("reason", "申请人撤回".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        // On time: accepted, numbered, the copy and the decision on the clock.
        let r = register("王小明", today - chrono::Duration::days(10)).await;
        let id = created_id(&r);
        let path = format!("/reconsiderations/{id}");
        let (status, page) = versioned_step(&body, &path, &accept("")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let page = body.text(&path).await;
        assert!(page.contains(&format!("诸政复〔{year}〕{id}号")), "{page}");
        assert!(
            page.contains("作出行政复议决定") && page.contains("第六十二条"),
            "{page}"
        );
        let decide = vec![
            ("action", "decide".to_string()),
            ("on", today.to_string()),
            ("outcome", "revoke".into()),
            ("text", "被申请人认定事实不清，证据不足。".into()),
        ];
        let (status, page) = versioned_step(&body, &path, &decide).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("尚未向被申请人发送申请书副本"), "{page}");
        let (status, _) = versioned_step(
            &body,
            &path,
            &[
                ("action", "send_copy".to_string()),
                ("on", today.to_string()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // Not before the respondent has answered (or its time has run out).
        let (status, page) = versioned_step(&body, &path, &decide).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("被申请人的答复期限至"), "{page}");
        let (status, _) = versioned_step(
            &body,
            &path,
            &[("action", "answer".to_string()), ("on", today.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, page) = versioned_step(&body, &path, &decide).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'reconsideration' AND state = 'met' AND met_on > due_on")
                .await,
            0,
            "met on the steps' own days, in time"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'reconsideration' AND state <> 'met'")
                .await,
            0,
            "every limit met at the close"
        );
        let r = body.get(&format!("{path}/decision.docx")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        assert!(
            xml.contains("行政复议决定书")
                && xml.contains("撤销")
                && xml.contains(&format!("诸政复〔{year}〕{id}号")),
            "{xml}"
        );

        // The figures, counted again from the rows.
        let out = app.cli(&["figures", "--year", &year, "--json"]);
        let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let concluded = app
            .count("SELECT COUNT(*) FROM reconsiderations WHERE stage IN ('decided', 'settled', 'withdrawn') AND accepted_on IS NOT NULL")
            .await;
        assert_eq!(
            f["figures"]["reconsideration.concluded"],
            serde_json::json!(concluded),
            "{f}"
        );
        assert_eq!(
            concluded, 1,
            "the one withdrawn before acceptance was never heard"
        );
        assert_eq!(
            f["figures"]["reconsideration.correction_rate"],
            serde_json::json!(1.0)
        );
        let listed = body
            .text(&format!("/reconsiderations?closed={year}&corrected=1"))
            .await;
        assert!(
            listed.contains(&format!("/reconsiderations/{id}\""))
                && listed.contains("纠错率 100.00%"),
            "{listed}"
        );
    }
}

#[tokio::test]
async fn a_reconsideration_of_a_fine_pauses_its_payment_limit_and_a_revocation_ends_it() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, case_path) = crate::cases::waived_case(&app).await;
        let case: i64 = case_path.rsplit('/').next().unwrap().parse().unwrap();
        for fields in [
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "fine"),
                ("fine", "500"),
            ][..],
            &[
                ("action", "deliver"),
                ("on", "2024-05-23"),
                ("method", "direct"),
                ("place", "店口镇解放路88号"),
            ][..],
        ] {
            let (status, html) = crate::cases::step(&clerk, &case_path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        // `waived_case` signed the administrators in first: their passwords are set now.
        let (sys, sec) = (app.browser(), app.browser());
        assert_eq!(
            sys.login("sysadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            sec.login("secadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, body) = app
            .user_with_role(&sys, &sec, "fuyi2", bureau, "supervisor")
            .await;
        let page = body.text("/reconsiderations/new").await;
        let r = body
            .post(
                "/reconsiderations",
                &[
                    ("csrf", csrf_of(&page)),
                    ("channel", "post".into()),
                    ("applicant", "诸暨市某某贸易有限公司".into()),
                    (
                        "respondent_id",
                        app.department_id("店口镇人民政府").await.to_string(),
                    ),
                    ("act", "罚款 500 元的行政处罚决定".into()),
                    ("case_id", case.to_string()),
                    ("request", "撤销该行政处罚决定".into()),
                    ("known_on", "2024-05-23".into()),
                    ("right_explained", "1".into()),
                    ("received_on", "2024-05-30".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let path = format!("/reconsiderations/{}", created_id(&r));
        for form in [
            vec![
                ("action", "accept".to_string()),
                ("on", "2024-06-03".into()),
                ("procedure", "ordinary".into()),
                ("ground", String::new()),
                ("delay_reason", String::new()),
            ],
            vec![
                ("action", "send_copy".to_string()),
                ("on", "2024-06-04".into()),
            ],
        ] {
            let (status, page) = versioned_step(&body, &path, &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        }
        // Accepted: the case is under reconsideration and its payment limit stands still.
        let (kind, suspended): (Option<String>, i64) = sqlx::query_as(
            "SELECT c.dispute_kind, (SELECT COUNT(*) FROM deadline_changes x JOIN deadlines d ON d.id = x.deadline_id
                WHERE d.subject_type = 'case' AND d.subject_id = $1 AND d.article = '第六十七条' AND x.kind = 'suspend')
             FROM cases c WHERE c.id = $2",
        )
        .bind(case.to_string())
        .bind(case)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((kind.as_deref(), suspended), (Some("reconsideration"), 1));
        let (status, page) = versioned_step(
            &body,
            &path,
            &[
                ("action", "decide".to_string()),
                ("on", "2024-07-01".into()),
                ("outcome", "revoke".into()),
                ("text", "未听取当事人陈述、申辩，违反法定程序。".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        // Revoked: nothing is left to pay; the case says so.
        let (outcome, open): (Option<String>, i64) = sqlx::query_as(
            "SELECT c.dispute_outcome, (SELECT COUNT(*) FROM deadlines d WHERE d.subject_type = 'case'
                AND d.subject_id = $1 AND d.article = '第六十七条' AND d.state <> 'met')
             FROM cases c WHERE c.id = $2",
        )
        .bind(case.to_string())
        .bind(case)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((outcome.as_deref(), open), (Some("revoked"), 0));
        assert!(clerk.text(&case_path).await.contains("处罚决定被撤销"));
    }
}
