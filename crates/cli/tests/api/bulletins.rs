//! Bulletins (工作通报) and the figures of 一(三)2: written up from the records of a period —
//! every number recounted here straight from the tables — numbered, kept as issued, given as a
//! page and a .docx; bad input writes nothing.

use reqwest::StatusCode;
use sqlx::Row;

use crate::helpers::*;

async fn issue(b: &Browser, title: &str, from: &str, until: &str) -> reqwest::Response {
    let page = b.text("/supervision/evaluation").await;
    b.post(
        "/supervision/bulletins",
        &[
            ("csrf", csrf_of(&page)),
            ("title", title.to_string()),
            ("from", from.to_string()),
            ("until", until.to_string()),
            (
                "requirements",
                "各单位对照问题清单逐件整改。\n下季度开展交叉评查。".into(),
            ),
        ],
    )
    .await
}

#[tokio::test]
async fn a_bulletin_and_the_year_s_figures_are_counted_from_the_records() {
    let (file, _) = generated_cases("bulletins", 250, 10);
    let today = fazhi_core::deadlines::china_today();
    let year = chrono::Datelike::year(&today);

    for db in backends() {
        let app = app_with_cases(db, &file, true).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "tongbao", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "keyuan", bureau, "department_clerk")
            .await;
        // One notice in the period, not yet replied to.
        let page = sup.text("/supervision/notices/new").await;
        let r = sup
            .post(
                "/supervision/notices",
                &[
                    ("csrf", csrf_of(&page)),
                    ("department_id", bureau.to_string()),
                    ("subject", "关于案卷归档不及时的整改通知".into()),
                    ("problems", "结案后未及时归档".into()),
                    ("rectify_days", "30".into()),
                    ("issued_on", today.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        let r = issue(&sup, "通报", "2024-06-30", "2024-01-01").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("通报期间止不能早于起"));
        let r = issue(&sup, "通报", "2000-01-01", "2099-12-31").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("不能晚于今天"));
        let r = issue(&sup, " ", "2000-01-01", &today.to_string()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("请填写标题"));
        let r = issue(&clerk, "通报", "2000-01-01", &today.to_string()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM bulletins").await, 0);

        let r = issue(
            &sup,
            "行政执法监督工作通报",
            "2000-01-01",
            &today.to_string(),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id: i64 = created_id(&r);
        // Recounted from the tables.
        let files = app
            .count("SELECT COUNT(*) FROM cases c JOIN case_evaluations e ON e.case_id = c.id")
            .await;
        let failed = app
            .count("SELECT COUNT(*) FROM case_evaluations WHERE grade = 'fail'")
            .await;
        let findings = app.count("SELECT COUNT(*) FROM case_findings").await;
        let top = sqlx::query(
            "SELECT rule_code, COUNT(*) AS n FROM case_findings GROUP BY rule_code
             ORDER BY COUNT(*) DESC, rule_code LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let top_code: String = top.try_get("rule_code").unwrap();
        let top_n: i64 = top.try_get("n").unwrap();
        let top_rule = fazhi_core::supervision::sheet::rule(&top_code).unwrap();
        let page = sup.text(&format!("/supervision/bulletins/{id}")).await;
        for text in [
            format!("诸司执通〔{year}〕1号"),
            format!("系统自动评查 {files} 件"),
            format!("评定为不合格的 {failed} 件"),
            format!("共发现问题 {findings} 个"),
            format!(
                "（1）{}：{top_n} 件（评查项 {top_code}",
                top_rule.description
            ),
            "本期发出行政执法监督通知书 1 份".into(),
            "监督回复整改率 0.00%".into(),
            "下季度开展交叉评查。".into(),
        ] {
            assert!(page.contains(&text), "{text}");
        }
        let r = sup
            .get(&format!("/supervision/bulletins/{id}/bulletin.docx"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        assert!(xml.contains("一、总体情况") && xml.contains(&format!("诸司执通〔{year}〕1号")));

        // The year's figures, each number recounted and opening to its records.
        let busiest: String = sqlx::query_scalar(
            "SELECT substr(filed_on, 1, 4) FROM cases GROUP BY substr(filed_on, 1, 4)
             ORDER BY COUNT(*) DESC LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let in_year: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases c JOIN case_evaluations e ON e.case_id = c.id
             WHERE c.filed_on >= $1 AND c.filed_on <= $2",
        )
        .bind(format!("{busiest}-01-01"))
        .bind(format!("{busiest}-12-31"))
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let figures = sup
            .text(&format!("/supervision/figures?year={busiest}"))
            .await;
        assert!(figures.contains(&format!("{in_year} 件")), "{in_year}");
        assert!(figures.contains(&format!(
            "/enforcement/cases?filed_from={busiest}-01-01&#38;filed_until={busiest}-12-31"
        )));
        let this_year = sup.text(&format!("/supervision/figures?year={year}")).await;
        assert!(this_year.contains("1 期") && this_year.contains("1 份"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'bulletin'")
                .await,
            1
        );
    }
}
