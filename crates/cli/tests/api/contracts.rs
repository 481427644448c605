//! An administrative contract walked through its page: a major one cannot be signed until a
//! concluded legality review of its own unit's contract is linked; signed with milestones that
//! run on the deadline engine; filed; each milestone done; completed.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_major_contract_is_signed_only_after_its_review_and_its_milestones_are_kept() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town = app.department_id("店口镇人民政府").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "hetong", town, "town_clerk")
            .await;
        let (reviewer_id, reviewer) = app
            .user_with_role(&sys, &sec, "hetongshencha", bureau, "supervisor")
            .await;

        let page = clerk.text("/contracts/new").await;
        let bad = clerk
            .post(
                "/contracts",
                &[
                    ("csrf", csrf_of(&page)),
                    ("title", "".into()),
                    ("counterparty", "".into()),
                    ("amount", "十万".into()),
                ],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = bad.text().await.unwrap();
        assert!(
            body.contains("请填写合同名称")
                && body.contains("请填写合同相对方")
                && body.contains("合同金额“十万”不是以元为单位的金额"),
            "{body}"
        );
        // 150万元 is major whatever the form says.
        let r = clerk
            .post(
                "/contracts",
                &[
                    ("csrf", csrf_of(&page)),
                    ("title", "店口镇垃圾清运服务合同".into()),
                    ("counterparty", "诸暨市某某环境服务有限公司".into()),
                    ("amount", "1500000".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = created_id(&r);
        let path = format!("/contracts/{id}");
        let sign = vec![
            ("action", "sign".to_string()),
            ("on", "2026-01-10".into()),
            (
                "milestones",
                "首期服务验收 2026-06-30\n年度考核 2026-12-31".into(),
            ),
        ];
        let (status, body) = versioned_step(&clerk, &path, &sign).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("重大行政合同须经合法性审查"), "{body}");

        // The town sends the contract for review; the centre concludes it.
        let review = conclude_review(
            &clerk,
            &reviewer,
            reviewer_id,
            "contract",
            "店口镇垃圾清运服务合同",
            &["draft", "background"],
        )
        .await;
        assert_eq!(
            versioned_step(
                &clerk,
                &path,
                &[
                    ("action", "link_review".into()),
                    ("review_id", review.to_string())
                ]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let (status, body) = versioned_step(
            &clerk,
            &path,
            &[
                ("action", "sign".into()),
                ("on", "2026-01-10".into()),
                ("milestones", "首期服务验收 2025-06-30".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("早于签订日期"), "{body}");
        assert_eq!(
            versioned_step(&clerk, &path, &sign).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'contract_milestone' AND due_on = '2026-06-30'").await, 1);
        assert_eq!(
            versioned_step(
                &clerk,
                &path,
                &[("action", "file".into()), ("on", "2026-01-15".into())]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let (status, _) = versioned_step(
            &clerk,
            &path,
            &[("action", "complete".into()), ("on", "2026-02-01".into())],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "milestones still open"
        );
        for seq in ["1", "2"] {
            let (status, body) = versioned_step(
                &clerk,
                &path,
                &[
                    ("action", "milestone_done".into()),
                    ("seq", seq.into()),
                    ("on", "2026-06-20".into()),
                    ("note", "已验收".into()),
                ],
            )
            .await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'contract_milestone' AND state = 'met'").await, 2);
        assert_eq!(
            versioned_step(
                &clerk,
                &path,
                &[("action", "complete".into()), ("on", "2026-06-21".into())]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let page = clerk.text(&path).await;
        assert!(
            page.contains("履行完毕") && page.contains("：合法") && page.contains("壹佰伍拾万元整"),
            "{page}"
        );
        // The supervisor reads it; he cannot change it.
        assert_eq!(reviewer.get(&path).await.status(), StatusCode::OK);
        assert_eq!(
            versioned_step(
                &reviewer,
                &path,
                &[("action", "file".into()), ("on", "2026-01-15".into())]
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
    }
}
