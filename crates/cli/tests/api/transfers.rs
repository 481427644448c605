//! Administrative-to-criminal transfer (行刑衔接): an item's threshold flags exactly the cases
//! whose illegal gains reach it (recounted from the records), a transfer takes one off the list
//! with its review deadline on the engine, public security's decision is recorded (a refusal
//! only with its reason), a case goes once, and another agency cannot see it.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn cases_over_the_threshold_are_flagged_until_transferred_and_decided() {
    let (file, _) = generated_cases("transfers", 400, 15);
    let today = fazhi_core::deadlines::china_today();

    for db in backends() {
        let app = app_with_cases(db, &file, false).await;
        // The item with most cases that have illegal gains, and a threshold at their median.
        let item: String = sqlx::query_scalar(
            "SELECT item_code FROM cases WHERE illegal_gains_fen > 0 GROUP BY item_code
             ORDER BY COUNT(*) DESC, item_code LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let mut gains: Vec<i64> = sqlx::query_scalar(
            "SELECT illegal_gains_fen FROM cases WHERE item_code = $1 AND illegal_gains_fen > 0 ORDER BY illegal_gains_fen",
        )
        .bind(&item)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        let threshold = gains[gains.len() / 2];
        gains.retain(|g| *g >= threshold);
        let over = gains.len();
        assert!(over > 1);

        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "xingxian", bureau, "supervisor")
            .await;
        let thresholds = "/supervision/transfers/thresholds";
        let yuan = format!("{}.{:02}", threshold / 100, threshold % 100);
        for (code, amount, says) in [
            ("NO-SUCH", yuan.as_str(), "执法事项目录中没有事项"),
            (item.as_str(), "abc", "金额应为元"),
            (item.as_str(), "0", "追诉标准金额应大于零"),
        ] {
            let r = submit(
                &sup,
                thresholds,
                thresholds,
                &[
                    ("item_code", code.into()),
                    ("illegal_gains", amount.into()),
                    ("basis", "立案追诉标准第某条".into()),
                ],
            )
            .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM criminal_thresholds").await,
            0
        );
        let r = submit(
            &sup,
            thresholds,
            thresholds,
            &[
                ("item_code", item.clone()),
                ("illegal_gains", yuan.clone()),
                ("basis", "立案追诉标准第某条".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let flagged = sup.text("/supervision/transfers/unreferred").await;
        assert!(
            flagged.contains(&format!("尚未移送公安机关的案件共 {over} 件")),
            "{over}"
        );

        // The agency of one flagged case transfers it.
        let (case_id, agency): (i64, i64) = sqlx::query_as(
            "SELECT id, department_id FROM cases WHERE item_code = $1 AND illegal_gains_fen >= $2 ORDER BY id LIMIT 1",
        )
        .bind(&item)
        .bind(threshold)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let other: i64 = sqlx::query_scalar(
            "SELECT id FROM departments WHERE id <> $1 AND parent_id IS NOT NULL ORDER BY id LIMIT 1",
        )
        .bind(agency)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "yisong", agency, "department_clerk")
            .await;
        let (_, stranger) = app
            .user_with_role(&sys, &sec, "biecu", other, "department_clerk")
            .await;
        let new = format!("/supervision/transfers/new?case_id={case_id}");
        let send = |evidence: &str| {
            vec![
                ("case_id", case_id.to_string()),
                ("on", today.to_string()),
                ("reported_on", today.to_string()),
                ("approved_on", today.to_string()),
                ("approver", "王局长".to_string()),
                ("receiver", "诸暨市公安局".to_string()),
                ("suspected_crime", "非法经营罪".to_string()),
                ("evidence", evidence.to_string()),
                // 非法经营罪 is an economic crime: reviewed within 10 days, not 3.
                ("economic", "1".to_string()),
            ]
        };
        let r = submit(&clerk, &new, "/supervision/transfers", &send(" ")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("请填写移送的证据材料清单"));
        // Art. 5: the head approves after the report and before the sending.
        let mut backwards = send("涉嫌犯罪案件移送书");
        backwards[3].1 = (today - chrono::Days::new(1)).to_string();
        let r = submit(&clerk, &new, "/supervision/transfers", &backwards).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("第五条"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM criminal_transfers").await,
            0
        );
        let r = submit(
            &clerk,
            &new,
            "/supervision/transfers",
            &send("涉嫌犯罪案件移送书\n调查报告\n涉案物品清单"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id: i64 = created_id(&r);
        let r = submit(&clerk, &new, "/supervision/transfers", &send("再次移送")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("该案件已移送公安机关"));
        let flagged = sup.text("/supervision/transfers/unreferred").await;
        assert!(flagged.contains(&format!("尚未移送公安机关的案件共 {} 件", over - 1)));
        // Art. 5's two limits, started and met with the record's dates.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'criminal_transfer' AND article = '第五条' AND state = 'met'").await,
            2
        );
        assert!(
            clerk
                .text(&format!("/supervision/transfers/{id}"))
                .await
                .contains("均在期限内")
        );
        let due: String = sqlx::query_scalar(
            "SELECT due_on FROM deadlines WHERE subject_type = 'criminal_transfer' AND subject_id = CAST($1 AS TEXT) AND article = '第十六条'",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        // 《公安机关办理经济犯罪案件的若干规定》第十六条: 10 days (not the general 3 of art. 8).
        assert!(due >= (today + chrono::Days::new(10)).to_string(), "{due}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'criminal_transfer' AND article = '第十六条' AND law LIKE '%经济犯罪%'").await,
            1
        );
        let path = format!("/supervision/transfers/{id}");
        assert_eq!(stranger.get(&path).await.status(), StatusCode::NOT_FOUND);
        let case_page = clerk.text(&format!("/enforcement/cases/{case_id}")).await;
        assert!(case_page.contains("涉嫌非法经营罪"));
        // The timeline names the event; the case links to its transfer instead of a second one.
        assert!(case_page.contains("移送公安机关") && !case_page.contains("阶段数据有误"));
        assert!(case_page.contains(&format!("/supervision/transfers/{id}")));
        assert!(!case_page.contains("/supervision/transfers/new?case_id"));

        // A refusal needs its reason; then the deadline is met.
        let decide = |decision: &str, note: &str| {
            vec![
                ("version", "1".to_string()),
                ("on", today.to_string()),
                ("decision", decision.to_string()),
                ("note", note.to_string()),
            ]
        };
        let r = submit(&clerk, &path, &path, &decide("returned", "")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("不予立案的理由"));
        let r = submit(
            &clerk,
            &path,
            &path,
            &decide("returned", "证据不足，退回补充调查"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let state: String =
            sqlx::query_scalar("SELECT state FROM criminal_transfers WHERE id = $1")
                .bind(id)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(state, "returned");
        let met: String = sqlx::query_scalar(
            "SELECT state FROM deadlines WHERE subject_type = 'criminal_transfer' AND subject_id = CAST($1 AS TEXT) AND article = '第十六条'",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(met, "met");
        // Art. 9: the agency now has 3 days to ask public security to reconsider the refusal.
        let (purpose, running): (String, String) = sqlx::query_as(
            "SELECT purpose, state FROM deadlines WHERE subject_type = 'criminal_transfer' AND subject_id = CAST($1 AS TEXT) AND article = '第九条'",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(purpose.contains("提请公安机关复议"), "{purpose}");
        assert_ne!(running, "met");
        assert!(
            sup.text("/supervision/transfers")
                .await
                .contains("公安机关不予立案")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type IN ('criminal_threshold', 'criminal_transfer')")
                .await,
            3
        );
    }
}
