//! A suit defended, through its pages: registered with the answer's 15-day limit (行政诉讼法
//! art. 67), rated and taken by a leader, heard with the responsible person (a lawyer alone
//! refused without a reason), lost and followed by accountability; the report's figures
//! counted again from the rows.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_suit_is_answered_heard_with_its_responsible_person_and_a_loss_is_followed_up() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let defendant = app.department_id("诸暨市市场监督管理局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "yingsu", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "yingsuclerk", defendant, "department_clerk")
            .await;
        assert_eq!(
            clerk.get("/litigations").await.status(),
            StatusCode::FORBIDDEN
        );
        let today = fazhi_core::deadlines::china_today();
        let year = today.format("%Y").to_string();
        let register = |number: &str| {
            let sup = &sup;
            let number = number.to_string();
            async move {
                let page = sup.text("/litigations/new").await;
                sup.post(
                    "/litigations",
                    &[
                        ("csrf", csrf_of(&page)),
                        ("court", "诸暨市人民法院".into()),
                        ("court_number", number),
                        ("plaintiff", "诸暨市某某贸易有限公司".into()),
                        ("defendant_id", defendant.to_string()),
                        ("act", "诸市监罚〔2026〕17号行政处罚决定".into()),
                        ("claim", "撤销该行政处罚决定".into()),
                        ("served_on", today.to_string()),
                    ],
                )
                .await
            }
        };
        let r = register("（2026）浙0681行初12号").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let path = format!("/litigations/{}", created_id(&r));
        let r = register("(2026)浙0681行初 12号").await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a court number once, however typed"
        );
        let page = sup.text(&path).await;
        let due = today + chrono::Duration::days(15);
        assert!(page.contains("第六十七条"), "{page}");
        let (due_on,): (String,) = sqlx::query_as(
            "SELECT due_on FROM deadlines WHERE subject_type = 'litigation' AND article = '第六十七条'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(
            due_on >= due.to_string(),
            "15 days, moved past a rest day: {due_on}"
        );

        let step = |form: Vec<(&'static str, String)>| {
            let sup = &sup;
            let path = path.clone();
            async move { versioned_step(sup, &path, &form).await }
        };
        for form in [
            vec![("action", "answer"), ("on", &today.to_string())],
            vec![
                ("action", "rate_risk"),
                ("risk", "high"),
                ("reason", "程序存在瑕疵"),
            ],
            vec![("action", "assign_leader"), ("leader", "李市长（副市长）")],
        ] {
            let form = form.into_iter().map(|(k, v)| (k, v.to_string())).collect();
            let (status, body) = step(form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        }
        // A lawyer alone, with no reason for the head's absence: refused.
        let (status, body) = step(vec![
            ("action", "hearing".into()),
            ("on", today.to_string()),
            ("appearance", "lawyer_only".into()),
            ("name", String::new()),
            ("title", String::new()),
            ("absence_reason", String::new()),
        ])
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("负责人不能出庭的正当理由"), "{body}");
        let (status, body) = step(vec![
            ("action", "hearing".into()),
            ("on", today.to_string()),
            ("appearance", "responsible".into()),
            ("name", "赵局长".into()),
            ("title", "正职负责人".into()),
            ("absence_reason", String::new()),
        ])
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let (status, body) = step(vec![
            ("action", "judge".into()),
            ("on", today.to_string()),
            ("judgment", "lost".into()),
            (
                "note",
                "（2026）浙0681行初12号判决：撤销被诉处罚决定".into(),
            ),
        ])
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(
            sup.text(&path).await.contains("败诉责任追究"),
            "a loss asks for it"
        );
        let (status, body) = step(vec![
            ("action", "accountability".into()),
            ("on", today.to_string()),
            ("text", "对承办人员进行约谈，并纳入年度考核。".into()),
        ])
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

        // The figures, counted again from the rows.
        let out = app.cli(&["figures", "--year", &year, "--json"]);
        let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let heard = app
            .count("SELECT COUNT(*) FROM litigations WHERE hearing_on IS NOT NULL")
            .await as f64;
        let responsible = app
            .count("SELECT COUNT(*) FROM litigations WHERE appearance = 'responsible'")
            .await as f64;
        assert_eq!(
            f["figures"]["litigation.appearance_rate"],
            serde_json::json!(responsible / heard),
            "{f}"
        );
        assert_eq!(
            f["figures"]["litigation.accountability"],
            serde_json::json!(1)
        );
        assert_eq!(
            f["figures"]["litigation.leader_cases"],
            serde_json::json!(1)
        );
        assert_eq!(
            f["figures"]["litigation.risk_resolved"],
            serde_json::json!(0),
            "lost"
        );
        let listed = sup.text(&format!("/litigations?heard={year}")).await;
        assert!(listed.contains("一审出庭应诉率 100.00%"), "{listed}");
    }
}
