//! Simultaneous requests for the same step of a workflow record (issue 15): exactly one goes
//! through, the rest are told the record moved on (409), and nothing is done twice. Run on
//! PostgreSQL too, where READ COMMITTED let two "decide" requests both pass the stage check
//! before the row was locked.

use reqwest::StatusCode;

use crate::cases::{COMPANY, filed_case, step, waived_case};
use crate::helpers::*;

/// The `version` a form on `html` carries.
fn version_of(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let at = html.find(marker).expect("a form with the version") + marker.len();
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn eight_identical_decisions_on_one_case_make_one_decision_and_take_one_number() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        let page = clerk.text(&path).await;
        let (csrf, version) = (csrf_of(&page), version_of(&page));
        let form = [
            ("csrf", csrf.clone()),
            ("version", version.clone()),
            ("action", "decide".to_string()),
            ("on", "2024-05-22".to_string()),
            ("outcome", "fine".to_string()),
            ("fine", "500".to_string()),
        ];
        one_through_rest_conflict(&concurrently(&clerk, &path, &form, 8).await);
        let case_id = path.rsplit('/').next().unwrap();
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_events WHERE stage = 'decided'")
                .await,
            1
        );
        let number: String = sqlx::query_scalar("SELECT decision_number FROM cases WHERE id = $1")
            .bind(case_id.parse::<i64>().unwrap())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        // One number taken: the next decision of the town will be 2.
        assert_eq!(number, "店口镇罚〔2024〕1号");
        // A form from before the decision is refused too, with the reason.
        let r = clerk
            .post(
                &path,
                &[
                    ("csrf", csrf.clone()),
                    ("version", version.clone()),
                    ("action", "deliver".to_string()),
                    ("on", "2024-05-23".to_string()),
                    ("method", "direct".to_string()),
                    ("place", "当事人经营场所".to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("已被他人修改"));
    }
}

/// As `concurrently`, with each answer's body: (status, page), in the order sent.
async fn concurrently_read(
    b: &Browser,
    path: &str,
    form: &[(&str, String)],
    n: usize,
) -> Vec<(StatusCode, String)> {
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut sent = Vec::new();
    for _ in 0..n {
        let (client, url, form) = (b.client.clone(), b.url(path), form.clone());
        sent.push(tokio::spawn(async move {
            let r = client.post(url).form(&form).send().await.expect("post");
            let status = r.status();
            (status, r.text().await.expect("body"))
        }));
    }
    let mut answers = Vec::new();
    for s in sent {
        answers.push(s.await.expect("request task"));
    }
    answers
}

/// Exactly one of `answers` went through (303); every other was refused as already done (422,
/// saying `says`). For the steps whose form carries no version: the state is checked again
/// under the row's lock.
fn one_through_rest_already_done(answers: &[(StatusCode, String)], says: &str) {
    let statuses: Vec<StatusCode> = answers.iter().map(|(s, _)| *s).collect();
    let through = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let done = answers
        .iter()
        .filter(|(s, html)| *s == StatusCode::UNPROCESSABLE_ENTITY && html.contains(says))
        .count();
    assert_eq!((through, done), (1, answers.len() - 1), "{statuses:?}");
}

/// The one integer `sql` selects with one bound id (a count, a version).
async fn count_of(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

/// The times a deadline of the subject was met (one `met` change per meeting).
async fn times_met(app: &TestApp, subject_type: &'static str, subject_id: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM deadline_changes ch JOIN deadlines d ON d.id = ch.deadline_id
         WHERE ch.kind = 'met' AND d.subject_type = $1 AND d.subject_id = CAST($2 AS TEXT)",
    )
    .bind(subject_type)
    .bind(subject_id)
    .fetch_one(app.store.pool())
    .await
    .expect("met")
}

#[tokio::test]
async fn eight_identical_decisions_of_public_security_on_one_transfer_record_it_once() {
    let today = fazhi_core::deadlines::china_today();
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, case_path) = filed_case(&app, COMPANY).await;
        let case_id: i64 = case_path.rsplit('/').next().unwrap().parse().unwrap();
        let r = submit(
            &clerk,
            &format!("/supervision/transfers/new?case_id={case_id}"),
            "/supervision/transfers",
            &[
                ("case_id", case_id.to_string()),
                ("on", today.to_string()),
                ("reported_on", today.to_string()),
                ("approved_on", today.to_string()),
                ("approver", "王局长".to_string()),
                ("receiver", "诸暨市公安局".to_string()),
                ("suspected_crime", "非法经营罪".to_string()),
                ("evidence", "涉嫌犯罪案件移送书\n调查报告".to_string()),
                ("economic", "1".to_string()),
            ],
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let id = created_id(&r);
        let path = format!("/supervision/transfers/{id}");
        let page = clerk.text(&path).await;
        let form = [
            ("csrf", csrf_of(&page)),
            ("version", version_of(&page)),
            ("on", today.to_string()),
            ("decision", "accepted".to_string()),
            ("note", "已立案侦查".to_string()),
        ];
        one_through_rest_conflict(&concurrently(&clerk, &path, &form, 8).await);
        // Decided once: one audit entry, the review limit met once, one handover limit (art. 12)
        // started.
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE object_type = 'criminal_transfer' AND action = 'decide' AND object_id = CAST($1 AS TEXT)",
                id
            )
            .await,
            1
        );
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM deadline_changes ch JOIN deadlines d ON d.id = ch.deadline_id
                 WHERE ch.kind = 'met' AND d.subject_type = 'criminal_transfer'
                   AND d.subject_id = CAST($1 AS TEXT) AND d.article = '第十六条'",
                id
            )
            .await,
            1
        );
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM deadlines WHERE subject_type = 'criminal_transfer' AND subject_id = CAST($1 AS TEXT) AND article = '第十二条'",
                id
            )
            .await,
            1
        );
        let state: String =
            sqlx::query_scalar("SELECT state FROM criminal_transfers WHERE id = $1")
                .bind(id)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(state, "accepted");
    }
}

#[tokio::test]
async fn eight_identical_self_inspection_records_on_one_task_record_it_once() {
    let today = fazhi_core::deadlines::china_today();
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let agency = app.department_id("诸暨市市场监督管理局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "race_ducha", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "race_zicha", agency, "department_clerk")
            .await;
        let plan = "/supervision/self-inspections/plan";
        assert_eq!(
            submit(&sup, plan, plan, &[]).await.status(),
            StatusCode::SEE_OTHER
        );
        let task: i64 = sqlx::query_scalar(
            "SELECT id FROM self_inspections WHERE kind = 'self' AND department_id = $1",
        )
        .bind(agency)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let path = format!("/supervision/self-inspections/{task}");
        let page = clerk.text(&path).await;
        let form = [
            ("csrf", csrf_of(&page)),
            ("version", version_of(&page)),
            ("on", today.to_string()),
            ("files_checked", "12".to_string()),
            ("problems_found", "3".to_string()),
            ("problems_rectified", "2".to_string()),
            ("summary", "查阅本月案卷 12 件".to_string()),
        ];
        one_through_rest_conflict(&concurrently(&clerk, &path, &form, 8).await);
        // Recorded once: one audit entry, the task's deadline met once, one done task.
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE object_type = 'self_inspection' AND action = 'record' AND object_id = CAST($1 AS TEXT)",
                task
            )
            .await,
            1
        );
        assert_eq!(times_met(&app, "self_inspection", task).await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM self_inspections WHERE state = 'done'")
                .await,
            1
        );
    }
}

#[tokio::test]
async fn eight_identical_publications_of_one_decision_publish_it_once() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "fine"),
                ("fine", "200"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        crate::cases::dianko_document_settings(&app).await;
        let disclosure = format!("{path}/disclosure");
        let (status, html) = step(&clerk, &disclosure, &[("action", "review")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let case_id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let before: i64 = sqlx::query_scalar("SELECT version FROM disclosures WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        // The publish form carries no version: the others are told it is done (422). Another
        // clerk approves it: who generated the text may not.
        let clerk = crate::cases::second_dianko_clerk(&app, "dk_shenhe").await;
        let page = clerk.text(&disclosure).await;
        let form = [
            ("csrf", csrf_of(&page)),
            ("action", "publish".to_string()),
            ("on", "2024-05-24".to_string()),
        ];
        one_through_rest_already_done(
            &concurrently_read(&clerk, &disclosure, &form, 8).await,
            "该决定已公开或已撤回",
        );
        // Published once: one audit entry, the publication limit (art. 48) met once.
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE object_type = 'disclosure' AND action = 'publish' AND object_id = CAST($1 AS TEXT)",
                case_id
            )
            .await,
            1
        );
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM deadline_changes ch JOIN deadlines d ON d.id = ch.deadline_id
                 WHERE ch.kind = 'met' AND d.subject_type = 'case'
                   AND d.subject_id = CAST($1 AS TEXT) AND d.article = '第四十八条'",
                case_id
            )
            .await,
            1
        );
        let (state, after): (String, i64) =
            sqlx::query_as("SELECT state, version FROM disclosures WHERE case_id = $1")
                .bind(case_id)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!((state.as_str(), after), ("published", before + 1));
    }
}

#[tokio::test]
async fn eight_identical_publications_of_a_draw_s_results_publish_them_once() {
    let today = fazhi_core::deadlines::china_today();
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let item: String =
            sqlx::query_scalar("SELECT code FROM enforcement_items ORDER BY code LIMIT 1")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let market = app.department_id("诸暨市市场监督管理局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "race_suiji", bureau, "supervisor")
            .await;
        for n in 0..2 {
            let (id, _) = app
                .user_with_role(
                    &sys,
                    &sec,
                    &format!("race_jg{n}"),
                    market,
                    "department_clerk",
                )
                .await;
            certify(&sup, id, &format!("ZJ-RC-{n:04}")).await;
        }
        let rows: Vec<Vec<String>> = (0..3)
            .map(|n| {
                vec![
                    company_uscc(700 + n),
                    format!("诸暨市竞态{n}号有限公司"),
                    "店口镇".into(),
                    "五金制造".into(),
                    "B".into(),
                ]
            })
            .collect();
        let r: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let (status, html) = upload_to(
            &sup,
            "/inspection/entities/import",
            xlsx(&fazhi_core::inspection::entities::HEADERS, &r),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let r = submit(
            &sup,
            "/inspection/draws/new",
            "/inspection/draws",
            &[
                ("title", "竞态测试双随机抽查".to_string()),
                ("items", item.clone()),
                ("departments", market.to_string()),
                ("town_id", String::new()),
                ("industry", "五金制造".into()),
                ("rate_a", "100".into()),
                ("rate_b", "100".into()),
                ("rate_c", "100".into()),
                ("rate_d", "100".into()),
                ("inspect_from", today.to_string()),
                ("inspect_until", today.to_string()),
                ("publication_days", "20".into()),
                ("seed", "15".into()),
            ],
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let id = created_id(&r);
        // The window over, the results may be published.
        sqlx::query("UPDATE random_draws SET inspect_from = $1, inspect_until = $1 WHERE id = $2")
            .bind(today.pred_opt().unwrap().to_string())
            .bind(id)
            .execute(app.store.pool())
            .await
            .unwrap();
        let before = count_of(&app, "SELECT version FROM random_draws WHERE id = $1", id).await;
        let path = format!("/inspection/draws/{id}");
        let page = sup.text(&path).await;
        // The publish form carries no version: the others are told it is done (422).
        one_through_rest_already_done(
            &concurrently_read(
                &sup,
                &format!("{path}/publish"),
                &[("csrf", csrf_of(&page))],
                8,
            )
            .await,
            "该抽查结果已经公开",
        );
        // Published once: one audit entry, the publication deadline met once.
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE object_type = 'random_draw' AND action = 'publish' AND object_id = CAST($1 AS TEXT)",
                id
            )
            .await,
            1
        );
        assert_eq!(times_met(&app, "random_draw", id).await, 1);
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM random_draws WHERE id = $1 AND results_published_on IS NOT NULL",
                id
            )
            .await,
            1
        );
        assert_eq!(
            count_of(&app, "SELECT version FROM random_draws WHERE id = $1", id).await,
            before + 1
        );
    }
}

#[tokio::test]
async fn eight_identical_publications_of_a_joint_plan_publish_it_once() {
    let today = fazhi_core::deadlines::china_today();
    let day = |n: u64| (today + chrono::Days::new(n)).to_string();
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let item: String =
            sqlx::query_scalar("SELECT code FROM enforcement_items ORDER BY code LIMIT 1")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let market = app.department_id("诸暨市市场监督管理局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "race_bianpai", bureau, "supervisor")
            .await;
        let (_, m_clerk) = app
            .user_with_role(&sys, &sec, "race_shichang", market, "department_clerk")
            .await;
        // Two tasks of the regulator, each with a two-week window in the plan's period.
        let rows: Vec<Vec<String>> = (0..2)
            .map(|n| {
                vec![
                    company_uscc(800 + n),
                    format!("诸暨市竞态{n}号有限公司"),
                    item.clone(),
                    day(7),
                    day(21),
                    "2".into(),
                ]
            })
            .collect();
        let r: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let (status, html) = upload_to(
            &m_clerk,
            "/inspection/tasks/import",
            xlsx(&fazhi_core::inspection::joint_plans::HEADERS, &r),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let (from, to) = (day(7), day(37));
        let cap = format!("cap_{market}");
        let r = submit(
            &sup,
            &format!("/inspection/joint-plans/new?from={from}&to={to}"),
            "/inspection/joint-plans",
            &[
                ("from", from.clone()),
                ("to", to.clone()),
                (cap.as_str(), "4".to_string()),
            ],
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let id = created_id(&r);
        let before = count_of(&app, "SELECT version FROM joint_plans WHERE id = $1", id).await;
        let path = format!("/inspection/joint-plans/{id}");
        let page = sup.text(&path).await;
        // The publish form carries no version: the others are told it is done (422).
        one_through_rest_already_done(
            &concurrently_read(
                &sup,
                &format!("{path}/publish"),
                &[("csrf", csrf_of(&page))],
                8,
            )
            .await,
            "该计划已经发布",
        );
        // Published once: one audit entry, the one clerk told once, one act code per task.
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE object_type = 'joint_plan' AND action = 'publish' AND object_id = CAST($1 AS TEXT)",
                id
            )
            .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM messages WHERE title LIKE '综合查一次计划%'")
                .await,
            1
        );
        assert_eq!(
            count_of(
                &app,
                "SELECT COUNT(*) FROM act_codes WHERE plan_task_id IN (SELECT id FROM inspection_tasks WHERE plan_id = $1)",
                id
            )
            .await,
            2
        );
        assert_eq!(
            count_of(&app, "SELECT version FROM joint_plans WHERE id = $1", id).await,
            before + 1
        );
    }
}
