use chrono::NaiveDate;
use fazhi_core::deadlines::{self, NewDeadline};
use fazhi_kernel::deadline::WarningPolicy;
use fazhi_kernel::period::Period;
use reqwest::StatusCode;

use crate::helpers::*;

fn d(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap()
}

async fn start(app: &TestApp, purpose: &str, on: &str, responsible: i64, department: i64) -> i64 {
    let cal = fazhi_core::calendar::load(&app.store).await.unwrap();
    let mut tx = app.store.begin().await.unwrap();
    let id = deadlines::create(
        &mut tx,
        &fazhi_core::Actor::operator(),
        &cal,
        WarningPolicy::default(),
        &NewDeadline {
            subject_type: "licence".into(),
            subject_id: purpose.into(),
            purpose: purpose.into(),
            law: "《中华人民共和国行政许可法》".into(),
            article: "第四十二条".into(),
            start_event: "受理".into(),
            start_on: d(on),
            period: Period::WorkingDays(20),
            responsible_user_id: Some(responsible),
            department_id: department,
            party_period: false,
        },
        d(on),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn due(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT due_on FROM deadlines WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn warnings_are_raised_once_in_bulk_and_reach_the_responsible_clerk() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town = app.department_id("店口镇人民政府").await;
        let other = app.department_id("枫桥镇人民政府").await;
        let (clerk_id, clerk) = app
            .user_with_role(&sys, &sec, "dk_clerk", town, "town_clerk")
            .await;
        let (_, stranger) = app
            .user_with_role(&sys, &sec, "fq_clerk", other, "town_clerk")
            .await;
        // 20 WD from Mon 4 Mar 2024 → due 1 Apr, yellow from 26 Mar; from Wed 20 Mar → due 18 Apr.
        let a = start(&app, "甲许可决定", "2024-03-04", clerk_id, town).await;
        let b = start(&app, "乙许可决定", "2024-03-20", clerk_id, town).await;
        assert_eq!(due(&app, a).await, "2024-04-01");
        assert_eq!(due(&app, b).await, "2024-04-18");

        let r = deadlines::scan(&app.store, d("2024-03-27")).await.unwrap();
        assert_eq!((r.yellow, r.red), (1, 0));
        let again = deadlines::scan(&app.store, d("2024-03-27")).await.unwrap();
        assert_eq!(
            (again.yellow, again.red),
            (0, 0),
            "a warning is raised once"
        );
        let r = deadlines::scan(&app.store, d("2024-04-02")).await.unwrap();
        assert_eq!((r.yellow, r.red), (0, 1));
        assert_eq!(
            deadlines::warnings_raised(&app.store, 2024).await.unwrap(),
            2
        );
        assert_eq!(
            deadlines::warnings_raised(&app.store, 2025).await.unwrap(),
            0
        );

        // The clerk's workbench shows the red light first and the message centre has both notices.
        let home = clerk.text("/").await;
        assert!(
            home.contains("红灯") && home.contains("甲许可决定") && home.contains("2 条未读消息"),
            "{home}"
        );
        let inbox = clerk.text("/messages").await;
        assert!(
            inbox.contains("红灯：甲许可决定已超期") && inbox.contains("黄灯：甲许可决定即将到期")
        );
        let page = clerk.text("/messages/read").await;
        assert_eq!(
            clerk
                .post("/messages/read", &[("csrf", csrf_of(&page))])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert!(!clerk.text("/").await.contains("未读消息"));
        // Another town's clerk cannot open it.
        assert_eq!(
            stranger.get(&format!("/deadlines/{a}")).await.status(),
            StatusCode::NOT_FOUND
        );

        // Suspension (expert review 25–27 Mar) and an extension, each with reason and approver.
        let path = format!("/deadlines/{b}");
        let post = |kind: &str, on: &str, period: &str| {
            let kind = kind.to_string();
            let on = on.to_string();
            let period = period.to_string();
            let clerk = &clerk;
            let path = path.clone();
            async move {
                let page = clerk.text(&path).await;
                clerk
                    .post(
                        &path,
                        &[
                            ("csrf", csrf_of(&page)),
                            ("kind", kind),
                            ("on", on),
                            ("period", period),
                            ("reason", "专家评审".into()),
                            ("approver", "王局长".into()),
                        ],
                    )
                    .await
            }
        };
        let r = post("resume", "2024-03-28", "").await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "nothing to resume"
        );
        assert_eq!(
            post("suspend", "2024-03-25", "").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            post("resume", "2024-03-28", "").await.status(),
            StatusCode::SEE_OTHER
        );
        // 3 working days stopped: 18 Apr → 19, 22, 23 Apr.
        assert_eq!(due(&app, b).await, "2024-04-23");
        let r = post("extend", "2024-04-10", "ten days").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("延长的期间"));
        assert_eq!(
            post("extend", "2024-04-10", "10个工作日").await.status(),
            StatusCode::SEE_OTHER
        );
        // 23 Apr + 10 WD: 24, 25, 26, Sun 28 (make-up), 29, 30 Apr, May Day 1–5, 6, 7, 8, 9 May.
        assert_eq!(due(&app, b).await, "2024-05-09");
        let page = clerk.text(&path).await;
        assert!(page.contains("王局长") && page.contains("延长期限 2024-04-10"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'deadline' AND action = 'update'").await, 3);

        // A local non-working day inside the period moves the due date (recomputed automatically).
        let page = sys.text("/admin/calendar").await;
        assert!(page.contains("2026年") && page.contains("国办发明电〔2024〕12号"));
        let r = sys
            .post(
                "/admin/calendar",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "local".into()),
                    ("day", "2024-04-19".into()),
                    ("reason", "防台风停工".into()),
                    ("version", "0".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(due(&app, b).await, "2024-05-10");
        // A malformed import is refused with its line; a good one makes 2027 confirmed.
        let page = sys.text("/admin/calendar").await;
        let r = sys
            .post(
                "/admin/calendar",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "import".into()),
                    ("body", "[2027] 通知\nrest 2027-13-01".into()),
                    ("version", "0".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("line 2"));
        let r = sys
            .post("/admin/calendar", &[("csrf", csrf_of(&page)), ("action", "import".into()), ("body", "[2027] 国务院办公厅关于2027年部分节假日安排的通知\nrest 2027-01-01\nwork 2027-01-02".into()), ("version", "0".into())])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            fazhi_core::calendar::load(&app.store)
                .await
                .unwrap()
                .day(d("2027-01-01"))
                .confirmed
        );
        // The warning policy is a setting with its own version.
        let page = sys.text("/admin/calendar").await;
        let r = sys
            .post(
                "/admin/calendar",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "warning".into()),
                    ("share_percent", "150".into()),
                    ("working_days_left", "3".into()),
                    ("version", "0".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = sys
            .post(
                "/admin/calendar",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "warning".into()),
                    ("share_percent", "70".into()),
                    ("working_days_left", "5".into()),
                    ("version", "0".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            fazhi_core::settings::warning_policy(&app.store)
                .await
                .unwrap()
                .0,
            WarningPolicy {
                share_percent: 70,
                working_days_left: 5
            }
        );
        // The clerk may not administer the calendar.
        assert_eq!(
            clerk.get("/admin/calendar").await.status(),
            StatusCode::FORBIDDEN
        );
    }
}
