//! Supervision notices (执法监督通知书): the justice bureau's supervisor issues one to an agency
//! with the case files its evaluation failed, the agency's clerk replies, the supervisor returns
//! it and later accepts it; the rectification period runs on the deadline engine, another
//! agency cannot see it, bad input changes nothing, and the rate counts what was accepted.

use reqwest::StatusCode;
use sqlx::Row;

use crate::helpers::*;
use crate::ingest::json;

async fn scalar(app: &TestApp, sql: &'static str, id: i64) -> String {
    sqlx::query(sql)
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .try_get::<String, _>(0)
        .unwrap()
}

async fn notice_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM supervision_notices").await
}

/// Posts one of the notice page's forms at the notice's current version.
async fn act(app: &TestApp, b: &Browser, id: i64, form: &[(&str, &str)]) -> (StatusCode, String) {
    let page = b.text(&format!("/supervision/notices/{id}")).await;
    let version: i64 = sqlx::query_scalar("SELECT version FROM supervision_notices WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let mut f: Vec<(&str, String)> =
        vec![("csrf", csrf_of(&page)), ("version", version.to_string())];
    f.extend(form.iter().map(|(k, v)| (*k, v.to_string())));
    let r = b.post(&format!("/supervision/notices/{id}"), &f).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

/// The version the page's forms carry.
fn version_on(page: &str) -> i64 {
    page.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_notice_is_replied_to_returned_and_accepted_within_the_agency_s_scope() {
    let (file, _) = generated_cases("notices", 300, 8);
    let today = fazhi_core::deadlines::china_today();
    let year = chrono::Datelike::year(&today);

    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        assert_eq!(
            json(&app.cli(&["import", "cases", &file, "--json"]))["inserted"].as_u64(),
            Some(300)
        );
        json(&app.cli(&["evaluate", "--json"]));
        // The agency whose files the evaluation found most problems in, and how many files.
        let row = sqlx::query(
            "SELECT c.department_id, COUNT(DISTINCT c.id) AS n FROM cases c
             JOIN case_findings f ON f.case_id = c.id GROUP BY c.department_id
             ORDER BY COUNT(DISTINCT c.id) DESC, c.department_id LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let agency: i64 = row.try_get("department_id").unwrap();
        let failed_files: i64 = row.try_get("n").unwrap();
        assert!(failed_files > 0);
        let other: i64 = sqlx::query_scalar(
            "SELECT id FROM departments WHERE id <> $1 AND parent_id IS NOT NULL ORDER BY id LIMIT 1",
        )
        .bind(agency)
        .fetch_one(app.store.pool())
        .await
        .unwrap();

        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "jiandu", bureau, "supervisor")
            .await;
        let (clerk_id, clerk) = app
            .user_with_role(&sys, &sec, "zhenggai", agency, "department_clerk")
            .await;
        let (_, stranger) = app
            .user_with_role(&sys, &sec, "pangren", other, "department_clerk")
            .await;

        // Bad input is refused with its reason and writes nothing.
        let issue = |days: &'static str, department: String| {
            let sup = &sup;
            async move {
                let page = sup.text("/supervision/notices/new").await;
                sup.post(
                    "/supervision/notices",
                    &[
                        ("csrf", csrf_of(&page)),
                        ("department_id", department),
                        ("subject", "关于行政处罚案卷评查发现问题的整改通知".into()),
                        ("problems", "案卷装订不规范\n部分案件超期作出决定".into()),
                        ("rectify_days", days.into()),
                        ("issued_on", today.to_string()),
                        ("cases_from", "2000-01-01".into()),
                        ("cases_until", today.to_string()),
                    ],
                )
                .await
            }
        };
        let r = issue("0", agency.to_string()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("整改期限应为 1 至 180 日"));
        let r = issue("30", "999999".into()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("监督范围内的执法部门"));
        assert_eq!(notice_count(&app).await, 0);
        // A clerk cannot issue one.
        let page = clerk.text("/supervision/evaluation").await;
        let r = clerk
            .post(
                "/supervision/notices",
                &[
                    ("csrf", csrf_of(&page)),
                    ("department_id", agency.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let r = issue("30", agency.to_string()).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id: i64 = created_id(&r);
        let number = scalar(
            &app,
            "SELECT number FROM supervision_notices WHERE id = $1",
            id,
        )
        .await;
        assert_eq!(number, format!("诸司监通〔{year}〕1号"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM supervision_notice_cases")
                .await,
            failed_files
        );
        // The period is on the deadline engine, at least 30 days on, and the notice shows it.
        let due = scalar(
            &app,
            "SELECT due_on FROM deadlines WHERE subject_type = 'supervision_notice' AND subject_id = CAST($1 AS TEXT)",
            id,
        )
        .await;
        let rectify_by = scalar(
            &app,
            "SELECT rectify_by FROM supervision_notices WHERE id = $1",
            id,
        )
        .await;
        assert_eq!(due, rectify_by);
        assert!(due >= (today + chrono::Days::new(30)).to_string());
        // The agency's clerk is told, and sees it; another agency's clerk does not.
        let told: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE user_id = $1 AND link = $2")
                .bind(clerk_id)
                .bind(format!("/supervision/notices/{id}"))
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(told, 1);
        assert!(clerk.text("/supervision/notices").await.contains(&number));
        assert!(
            !stranger
                .text("/supervision/notices")
                .await
                .contains(&number)
        );
        assert_eq!(
            stranger
                .get(&format!("/supervision/notices/{id}"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );

        // Acceptance before any reply, and a reply without its account, are refused.
        let (status, body) = act(
            &app,
            &sup,
            id,
            &[("action", "accept"), ("on", &today.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("只能验收已回复的通知书"));
        let (status, body) = act(
            &app,
            &clerk,
            id,
            &[
                ("action", "reply"),
                ("on", &today.to_string()),
                ("reply", " "),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("整改情况"));
        assert_eq!(
            scalar(
                &app,
                "SELECT state FROM supervision_notices WHERE id = $1",
                id
            )
            .await,
            "issued"
        );

        let (status, _) = act(
            &app,
            &clerk,
            id,
            &[
                ("action", "reply"),
                ("on", &today.to_string()),
                ("reply", "已重新装订案卷，超期案件已追究责任"),
                ("evidence", "整改报告一份"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            scalar(&app, "SELECT state FROM deadlines WHERE subject_type = 'supervision_notice' AND subject_id = CAST($1 AS TEXT)", id).await,
            "met"
        );
        // The clerk cannot accept their own rectification.
        let (status, _) = act(
            &app,
            &clerk,
            id,
            &[("action", "accept"), ("on", &today.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = act(
            &app,
            &sup,
            id,
            &[
                ("action", "return"),
                ("on", &today.to_string()),
                ("reason", "未附超期案件的追责材料"),
                ("rectify_days", "15"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deadlines WHERE subject_type = 'supervision_notice' AND subject_id = CAST($1 AS TEXT) AND state <> 'met'",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(open, 1, "a return starts a new period");
        let (status, _) = act(
            &app,
            &clerk,
            id,
            &[
                ("action", "reply"),
                ("on", &today.to_string()),
                ("reply", "已补充追责材料"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // A form from before the reply is stale.
        let stale = sup.text(&format!("/supervision/notices/{id}")).await;
        // Eight identical acceptances at once (issue 15's race test): one is taken, the rest
        // are told the notice moved on, and it is accepted once.
        let accepts_before = app
            .count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'supervision_notice' AND action = 'review' AND detail LIKE '%accept%'")
            .await;
        let page = sup.text(&format!("/supervision/notices/{id}")).await;
        let form = [
            ("csrf", csrf_of(&page)),
            ("version", version_on(&page).to_string()),
            ("action", "accept".to_string()),
            ("on", today.to_string()),
        ];
        one_through_rest_conflict(
            &concurrently(&sup, &format!("/supervision/notices/{id}"), &form, 8).await,
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'supervision_notice' AND action = 'review' AND detail LIKE '%accept%'")
                .await,
            accepts_before + 1
        );
        let r = sup
            .post(
                &format!("/supervision/notices/{id}"),
                &[
                    ("csrf", csrf_of(&stale)),
                    ("version", version_on(&stale).to_string()),
                    ("action", "accept".into()),
                    ("on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            scalar(
                &app,
                "SELECT state FROM supervision_notices WHERE id = $1",
                id
            )
            .await,
            "accepted"
        );

        // One accepted of one issued, then of two.
        assert!(
            sup.text("/supervision/notices")
                .await
                .contains("监督回复整改率 100.00%")
        );
        let page = sup.text("/supervision/notices/new").await;
        let r = sup
            .post(
                "/supervision/notices",
                &[
                    ("csrf", csrf_of(&page)),
                    ("department_id", other.to_string()),
                    ("subject", "关于执法公示不及时的整改通知".into()),
                    ("problems", "行政处罚决定未在七个工作日内公开".into()),
                    ("rectify_days", "20".into()),
                    ("issued_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            sup.text("/supervision/notices")
                .await
                .contains("监督回复整改率 50.00%")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'supervision_notice'")
                .await,
            6,
            "two issues, two replies, two reviews"
        );

        // The notice as a document names the agency, its problems and the failed files.
        let r = sup
            .get(&format!("/supervision/notices/{id}/notice.docx"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        let agency_name = scalar(&app, "SELECT name FROM departments WHERE id = $1", agency).await;
        let a_failed_cause: String = sqlx::query_scalar(
            "SELECT c.cause FROM supervision_notice_cases nc JOIN cases c ON c.id = nc.case_id WHERE nc.notice_id = $1 ORDER BY nc.case_id LIMIT 1",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        for text in [
            number.as_str(),
            agency_name.as_str(),
            "部分案件超期作出决定",
            a_failed_cause.as_str(),
            "30 日内",
        ] {
            assert!(xml.contains(text), "{text} in the notice");
        }
    }
}
