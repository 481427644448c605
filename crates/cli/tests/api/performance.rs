//! Performance evaluation (效能评价): each agency's four dimensions counted from its records and
//! the score the page prints, recomputed here from the formula.

use crate::helpers::*;

fn row_of<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page.find(&format!("<td>{name}</td>")).expect("agency row");
    let end = page[start..]
        .find("</tr>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[tokio::test]
async fn agencies_are_scored_on_staff_mechanisms_coordination_and_conformity() {
    let (file, _) = generated_cases("performance", 200, 17);
    let today = fazhi_core::deadlines::china_today();
    let year = chrono::Datelike::year(&today);

    for db in backends() {
        let app = app_with_cases(db, &file, true).await;
        let (holder, name): (i64, String) = sqlx::query_as(
            "SELECT c.department_id, d.name FROM cases c JOIN departments d ON d.id = c.department_id
             GROUP BY c.department_id, d.name ORDER BY COUNT(*) DESC, c.department_id LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "xiaoneng", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "banshi", holder, "department_clerk")
            .await;

        // This year: one self-inspection done on time, one notice replied to on time.
        let plan = "/supervision/self-inspections/plan";
        assert_eq!(
            submit(&sup, plan, plan, &[]).await.status(),
            reqwest::StatusCode::SEE_OTHER
        );
        let task: i64 = sqlx::query_scalar(
            "SELECT id FROM self_inspections WHERE department_id = $1 AND kind = 'self'",
        )
        .bind(holder)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let path = format!("/supervision/self-inspections/{task}");
        let done = [
            ("version", "1".to_string()),
            ("on", today.to_string()),
            ("files_checked", "5".to_string()),
            ("problems_found", "1".to_string()),
            ("problems_rectified", "1".to_string()),
            ("summary", "本月自查".to_string()),
        ];
        assert_eq!(
            submit(&clerk, &path, &path, &done).await.status(),
            reqwest::StatusCode::SEE_OTHER
        );
        let issue = [
            ("department_id", holder.to_string()),
            ("subject", "整改通知".to_string()),
            ("problems", "文书不规范".to_string()),
            ("rectify_days", "30".to_string()),
            ("issued_on", today.to_string()),
        ];
        let new = "/supervision/notices/new";
        assert_eq!(
            submit(&sup, new, "/supervision/notices", &issue)
                .await
                .status(),
            reqwest::StatusCode::SEE_OTHER
        );
        let notice: i64 = sqlx::query_scalar("SELECT MAX(id) FROM supervision_notices")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let npath = format!("/supervision/notices/{notice}");
        let reply = [
            ("version", "1".to_string()),
            ("action", "reply".to_string()),
            ("on", today.to_string()),
            ("reply", "已整改".to_string()),
        ];
        assert_eq!(
            submit(&clerk, &npath, &npath, &reply).await.status(),
            reqwest::StatusCode::SEE_OTHER
        );

        // One handler of two (0.5), self-inspection 1/1, notices 1/1; no files filed this year.
        let page = sup
            .text(&format!("/supervision/performance?year={year}"))
            .await;
        assert!(page.contains("得分 = 100 × 适用维度得分率的平均值"));
        let row = row_of(&page, &name);
        assert!(row.contains("<td>1 人</td>"), "{row}");
        assert!(row.contains("1 / 1（100.00%）"), "{row}");
        assert!(row.contains("—（不计入）"), "{row}");
        assert!(row.contains("<td>83.33</td>"), "{row}");

        // The busiest filing year: conformity counted from the evaluations.
        let busiest: String = sqlx::query_scalar(
            "SELECT SUBSTR(filed_on, 1, 4) FROM cases WHERE department_id = $1
             GROUP BY SUBSTR(filed_on, 1, 4) ORDER BY COUNT(*) DESC LIMIT 1",
        )
        .bind(holder)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let (files, passed): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN e.grade <> 'fail' THEN 1 ELSE 0 END), 0)
             FROM cases c JOIN case_evaluations e ON e.case_id = c.id
             WHERE c.department_id = $1 AND SUBSTR(c.filed_on, 1, 4) = $2",
        )
        .bind(holder)
        .bind(&busiest)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let page = sup
            .text(&format!("/supervision/performance?year={busiest}"))
            .await;
        let row = row_of(&page, &name);
        assert!(row.contains(&format!("{passed} / {files}")), "{row}");
        let expected = 100.0 * (0.5 + passed as f64 / files as f64) / 2.0;
        let shown = (expected * 100.0 + 0.5).floor() / 100.0;
        assert!(
            row.contains(&format!("<td>{shown:.2}</td>")),
            "{row} vs {shown:.2}"
        );
    }
}
