//! Self-inspection (部门自查) and supervisory inspection (执法检查): one task per agency per month,
//! planned once however often it is asked for, due on the deadline engine; the agency records
//! what it found and rectified (bad counts refused, nothing written), the supervisor records an
//! inspection; the year's figures count them.

use chrono::Datelike;
use reqwest::StatusCode;
use std::collections::BTreeSet;

use crate::helpers::*;

/// `submit` with borrowed values.
async fn submit_pairs(
    b: &Browser,
    page: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let owned: Vec<(&str, String)> = form.iter().map(|(k, v)| (*k, v.to_string())).collect();
    submit(b, page, path, &owned).await
}

#[tokio::test]
async fn every_agency_inspects_itself_monthly_and_the_year_counts_what_was_rectified() {
    let (file, _) = generated_cases("selfinsp", 120, 12);
    let today = fazhi_core::deadlines::china_today();
    let year = chrono::Datelike::year(&today);

    for db in backends() {
        let app = app_with_cases(db, &file, false).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "ducha", bureau, "supervisor")
            .await;
        // An agency with a clerk and no cases yet, and another agency's clerk.
        let agency = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "zicha", agency, "department_clerk")
            .await;
        let holder: i64 = sqlx::query_scalar("SELECT department_id FROM cases ORDER BY id LIMIT 1")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_ne!(holder, agency);
        let (_, stranger) = app
            .user_with_role(&sys, &sec, "waiguan", holder, "department_clerk")
            .await;
        // The agencies, counted here: departments holding cases, and the clerks' departments.
        let mut expected: BTreeSet<i64> =
            sqlx::query_scalar("SELECT DISTINCT department_id FROM cases")
                .fetch_all(app.store.pool())
                .await
                .unwrap()
                .into_iter()
                .collect();
        expected.insert(agency);
        expected.insert(holder);

        let plan = "/supervision/self-inspections/plan";
        // A town's own supervisor plans for the agencies of that town only.
        town_supervisor_role(&sec).await;
        let (town_office, own_region): (i64, i64) = sqlx::query_as(
            "SELECT d.id, d.region_id FROM departments d JOIN regions r ON r.id = d.region_id
             WHERE r.kind = 'town' AND EXISTS (SELECT 1 FROM cases c WHERE c.department_id = d.id)
             ORDER BY d.id LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let (_, town_sup) = app
            .user_with_role(&sys, &sec, "zhenjian", town_office, "town_supervisor")
            .await;
        assert_eq!(
            submit_pairs(&town_sup, plan, plan, &[]).await.status(),
            StatusCode::SEE_OTHER
        );
        let outside: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM self_inspections s JOIN regions r ON r.id = s.region_id
             JOIN regions own ON own.id = $1 WHERE r.path NOT LIKE own.path || '%'",
        )
        .bind(own_region)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(
            outside, 0,
            "planned only within the town supervisor's region"
        );
        assert!(app.count("SELECT COUNT(*) FROM self_inspections").await >= 1);
        sqlx::query("DELETE FROM deadlines WHERE subject_type = 'self_inspection'")
            .execute(app.store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM self_inspections")
            .execute(app.store.pool())
            .await
            .unwrap();
        assert_eq!(
            submit_pairs(&clerk, "/supervision/self-inspections", plan, &[])
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        for _ in 0..2 {
            let r = submit_pairs(&sup, plan, plan, &[]).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        let planned: BTreeSet<i64> =
            sqlx::query_scalar("SELECT department_id FROM self_inspections WHERE kind = 'self'")
                .fetch_all(app.store.pool())
                .await
                .unwrap()
                .into_iter()
                .collect();
        assert_eq!(planned, expected, "one task per agency, planned once");
        let task: i64 = sqlx::query_scalar(
            "SELECT id FROM self_inspections WHERE kind = 'self' AND department_id = $1",
        )
        .bind(agency)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let (due, engine_due): (String, String) = (
            sqlx::query_scalar("SELECT due_on FROM self_inspections WHERE id = $1")
                .bind(task)
                .fetch_one(app.store.pool())
                .await
                .unwrap(),
            sqlx::query_scalar(
                "SELECT due_on FROM deadlines WHERE subject_type = 'self_inspection' AND subject_id = CAST($1 AS TEXT)",
            )
            .bind(task)
            .fetch_one(app.store.pool())
            .await
            .unwrap(),
        );
        assert_eq!(due, engine_due);
        let month_end = today
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .unwrap();
        assert!(due >= month_end.to_string() && due[..7] >= month_end.to_string()[..7]);
        let path = format!("/supervision/self-inspections/{task}");
        assert_eq!(stranger.get(&path).await.status(), StatusCode::NOT_FOUND);

        let version = "1";
        let on = today.to_string();
        for (found, rectified, summary, says) in [
            ("3", "4", "查阅本月案卷", "整改问题数不能多于发现问题数"),
            ("-1", "0", "查阅本月案卷", "发现问题数应为 0 至 100000"),
            ("3", "2", " ", "请填写检查情况"),
        ] {
            let r = submit_pairs(
                &clerk,
                &path,
                &path,
                &[
                    ("version", version),
                    ("on", &on),
                    ("files_checked", "12"),
                    ("problems_found", found),
                    ("problems_rectified", rectified),
                    ("summary", summary),
                ],
            )
            .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM self_inspections WHERE state = 'done'")
                .await,
            0
        );
        let record = [
            ("version", version),
            ("on", on.as_str()),
            ("files_checked", "12"),
            ("problems_found", "3"),
            ("problems_rectified", "2"),
            (
                "summary",
                "查阅本月案卷 12 件\n文书用语不规范 3 处，已改正 2 处",
            ),
        ];
        assert_eq!(
            submit_pairs(&clerk, &path, &path, &record).await.status(),
            StatusCode::SEE_OTHER
        );
        let r = submit_pairs(
            &clerk,
            &path,
            &path,
            &[
                ("version", "2"),
                ("on", &on),
                ("files_checked", "1"),
                ("problems_found", "0"),
                ("problems_rectified", "0"),
                ("summary", "再次登记"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("已登记"));
        let met: String = sqlx::query_scalar(
            "SELECT state FROM deadlines WHERE subject_type = 'self_inspection' AND subject_id = CAST($1 AS TEXT)",
        )
        .bind(task)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(met, "met");

        let sup_path = "/supervision/self-inspections/supervisory";
        let r = submit_pairs(
            &sup,
            sup_path,
            sup_path,
            &[
                ("department_id", &holder.to_string()),
                ("on", &on),
                ("files_checked", "30"),
                ("problems_found", "5"),
                ("problems_rectified", "1"),
                ("summary", "抽查执法案卷 30 件"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        let figures = sup.text(&format!("/supervision/figures?year={year}")).await;
        assert!(
            figures.contains("1 次 / 2 个"),
            "self-inspections done / rectified"
        );
        assert!(figures.contains("另有执法检查 1 次"));
        let list = clerk.text("/supervision/self-inspections").await;
        assert!(list.contains("部门自查完成 1 次"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'self_inspection'")
                .await,
            4,
            "the town's plan, the city's plan (its second created nothing), one record, one supervisory inspection"
        );
    }
}
