//! 综合查一次 in fazhi: departments' submissions, plans with and without the stored scenarios,
//! and publication to the departments.

use reqwest::StatusCode;

use crate::helpers::*;

/// The test's dates, written for the week of Monday 2026-12-07, moved by whole weeks past today
/// when that week has begun, so every window stays in the future and keeps its weekdays.
fn day(written: &str) -> String {
    let base = fazhi_kernel::date::parse("2026-12-07").unwrap();
    let today = fazhi_core::deadlines::china_today();
    let weeks = if today >= base {
        (today - base).num_days() / 7 + 1
    } else {
        0
    };
    let d = fazhi_kernel::date::parse(written).unwrap();
    (d + chrono::Duration::days(weeks * 7)).to_string()
}

fn company(n: usize) -> String {
    company_uscc(500 + n)
}

async fn make_plan(sup: &Browser, caps: &[(i64, &str)], scenarios: bool) -> reqwest::Response {
    let page = format!(
        "/inspection/joint-plans/new?from={}&to={}",
        day("2026-12-07"),
        day("2026-12-31")
    );
    let mut form: Vec<(&str, String)> =
        vec![("from", day("2026-12-07")), ("to", day("2026-12-31"))];
    let names: Vec<String> = caps.iter().map(|(id, _)| format!("cap_{id}")).collect();
    for ((_, cap), name) in caps.iter().zip(&names) {
        form.push((name.as_str(), cap.to_string()));
    }
    if scenarios {
        form.push(("with_scenarios", "1".into()));
    }
    submit(sup, &page, "/inspection/joint-plans", &form).await
}

#[tokio::test]
async fn submitted_tasks_are_planned_into_joint_visits_within_the_stored_scenarios() {
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
        let urban = app.department_id("诸暨市综合行政执法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "bianpai", bureau, "supervisor")
            .await;
        let (m_id, m_clerk) = app
            .user_with_role(&sys, &sec, "shichang1", market, "department_clerk")
            .await;
        let (_, u_clerk) = app
            .user_with_role(&sys, &sec, "zonghe1", urban, "department_clerk")
            .await;
        let row = |n: usize, from: &str, to: &str, officers: &str| {
            vec![
                company(n),
                format!("诸暨市样本{n}号有限公司"),
                item.clone(),
                from.to_string(),
                to.to_string(),
                officers.to_string(),
            ]
        };
        let book = |rows: Vec<Vec<String>>| {
            let r: Vec<Vec<&str>> = rows
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            xlsx(&fazhi_core::inspection::joint_plans::HEADERS, &r)
        };
        // One officer, a Sunday-only window and a bad code: refused, nothing written.
        let (status, html) = upload_to(
            &m_clerk,
            "/inspection/tasks/import",
            book(vec![
                row(1, &day("2026-12-07"), &day("2026-12-09"), "1"),
                row(2, &day("2026-12-13"), &day("2026-12-13"), "2"),
                vec![
                    "9133".into(),
                    "某公司".into(),
                    item.clone(),
                    day("2026-12-07"),
                    day("2026-12-09"),
                    "2".into(),
                ],
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("officers 至少为 2")
                && html.contains("之间没有工作日")
                && html.contains("不是有效的统一社会信用代码"),
            "{html}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM inspection_tasks").await, 0);

        // Both departments inspect entity 1 in overlapping windows; each has one more entity.
        let submit_all = || async {
            let (s1, h1) = upload_to(
                &m_clerk,
                "/inspection/tasks/import",
                book(vec![
                    row(1, &day("2026-12-07"), &day("2026-12-09"), "2"),
                    row(2, &day("2026-12-07"), &day("2026-12-11"), "2"),
                ]),
            )
            .await;
            let (s2, h2) = upload_to(
                &u_clerk,
                "/inspection/tasks/import",
                book(vec![
                    row(1, &day("2026-12-08"), &day("2026-12-11"), "2"),
                    row(3, &day("2026-12-07"), &day("2026-12-07"), "2"),
                ]),
            )
            .await;
            assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{h1}{h2}");
        };
        submit_all().await;
        // Entity 3 is in the register, class A with a clean record: on the leave-alone list,
        // so its task stays out of every plan.
        let register = xlsx(
            &fazhi_core::inspection::entities::HEADERS,
            &[vec![
                &company(3),
                "诸暨市样本3号有限公司",
                "店口镇",
                "五金制造",
                "A",
                "",
            ]],
        );
        let (status, _) = upload_to(&sup, "/inspection/entities/import", register).await;
        assert_eq!(status, StatusCode::OK);

        // A capacity below what a task needs is refused.
        let r = make_plan(&sup, &[(market, "1"), (urban, "4")], false).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("应不少于其任务所需的 2 名")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM joint_plans").await, 0);

        // The stored scenario pairs the market regulator with another department only: with
        // the scenarios, entity 1 gets two visits.
        let scenario = xlsx(
            &fazhi_core::inspection::scenarios::HEADERS,
            &[vec![
                "食品销售",
                "超市",
                &item,
                "诸暨市市场监督管理局、诸暨市商务局",
            ]],
        );
        let (status, _) = upload_to(&sup, "/inspection/scenarios/import", scenario).await;
        assert_eq!(status, StatusCode::OK);
        let r = make_plan(&sup, &[(market, "4"), (urban, "4")], true).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let scoped: (i64, i64, i64) =
            sqlx::query_as("SELECT visits, lower_bound, visits_saved FROM joint_plans")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(scoped, (3, 3, 0));

        // Without them, entity 1's two tasks share one day in both windows: 2 visits, 1 saved.
        submit_all().await;
        let r = make_plan(&sup, &[(market, "4"), (urban, "4")], false).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = created_id(&r);
        let (visits, bound, saved): (i64, i64, i64) = sqlx::query_as(
            "SELECT visits, lower_bound, visits_saved FROM joint_plans WHERE id = $1",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((visits, bound, saved), (2, 2, 1));
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT planned_on FROM inspection_tasks WHERE plan_id = $1 AND entity_uscc = $2",
        )
        .bind(id)
        .bind(company(1))
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert!(
            days.len() == 2
                && days[0] == days[1]
                && [day("2026-12-08"), day("2026-12-09")].contains(&days[0])
        );
        let page = sup.text(&format!("/inspection/joint-plans/{id}")).await;
        assert!(
            page.contains(&format!(
                "{} 诸暨市市场监督管理局、诸暨市综合行政执法局",
                days[0]
            )) && page.contains("4 个任务，2 户次")
                && page.contains("无事不扰 诸暨市样本3号有限公司")
                && page.contains("执法人员 2 / 4 名"),
            "{page}"
        );

        // Published: the clerks of both departments are told, once.
        let r = submit(
            &sup,
            &format!("/inspection/joint-plans/{id}"),
            &format!("/inspection/joint-plans/{id}/publish"),
            &[],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM messages WHERE title LIKE '综合查一次计划%'")
                .await,
            2
        );
        let again = submit(
            &sup,
            &format!("/inspection/joint-plans/{id}"),
            &format!("/inspection/joint-plans/{id}/publish"),
            &[],
        )
        .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Each planned task got its act code for the notice (entity 3's, left alone, none).
        let codes = "SELECT COUNT(*) FROM act_codes WHERE plan_task_id IS NOT NULL";
        assert_eq!(app.count(codes).await, 3);
        // The departments it was published to see it (in their list, and its page).
        assert!(
            m_clerk
                .text("/inspection/joint-plans")
                .await
                .contains(&format!("/inspection/joint-plans/{id}"))
        );
        let page = m_clerk.text(&format!("/inspection/joint-plans/{id}")).await;
        assert!(
            page.contains("检查 诸暨市样本2号有限公司 的行政行为码"),
            "{page}"
        );
        // When the day comes (moved to today here) the regulator inspects entity 2: the
        // inspection takes the task's code, with the officers who signed.
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .date_naive()
            .to_string();
        sqlx::query(
            "UPDATE inspection_tasks SET planned_on = $1 WHERE plan_id = $2 AND entity_uscc = $3",
        )
        .bind(&today)
        .bind(id)
        .bind(company(2))
        .execute(app.store.pool())
        .await
        .unwrap();
        let (second, _) = app
            .user_with_role(&sys, &sec, "shichang2", market, "department_clerk")
            .await;
        certify(&sup, m_id, "ZJ-JP-0001").await;
        certify(&sup, second, "ZJ-JP-0002").await;
        let r = submit(
            &m_clerk,
            "/inspection/inspections/new",
            "/inspection/inspections",
            &[
                ("entity_uscc", company(2)),
                ("entity_name", "诸暨市样本2号有限公司".into()),
                ("department_id", market.to_string()),
                ("on", today.clone()),
                ("items", item.clone()),
                ("officers", m_id.to_string()),
                ("officers", second.to_string()),
                ("outcome", "no_problem".into()),
                ("joint", "1".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let inspection = created_id(&r);
        let (code, officers): (String, String) = sqlx::query_as(
            "SELECT code, officers FROM act_codes WHERE inspection_id = $1 AND plan_task_id IS NOT NULL",
        )
        .bind(inspection)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(officers.contains("ZJ-JP-0001") && officers.contains("ZJ-JP-0002"));
        assert_eq!(app.count("SELECT COUNT(*) FROM act_codes").await, 3);
        let scanned = app.browser().text(&format!("/public/acts/{code}")).await;
        assert!(scanned.contains("检查，未发现问题"), "{scanned}");
    }
}
