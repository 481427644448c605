//! A major decision walked through its pages and the portal: no required procedure skipped,
//! a public consultation whose comments are screened for personal data and limited per
//! address, a disposition with a reason for every comment before it closes, the legality
//! review before the collective decision, the dispositions published with the decision, a
//! post-evaluation; and the units' catalogs with the report's rates.

use reqwest::StatusCode;

use crate::helpers::*;

async fn comment(visitor: &Browser, id: i64, article: &str, body: &str) -> (StatusCode, String) {
    let page = visitor.text(&format!("/public/consultations/{id}")).await;
    let r = visitor
        .post(
            &format!("/public/consultations/{id}"),
            &[
                ("csrf", csrf_of(&page)),
                ("article", article.into()),
                ("body", body.into()),
                ("author", "王小明".into()),
            ],
        )
        .await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

fn figures(app: &TestApp, year: &str) -> serde_json::Value {
    let out = app.cli(&["figures", "--year", year, "--json"]);
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["figures"].clone()
}

#[tokio::test]
async fn a_decision_goes_through_every_procedure_and_answers_every_public_comment() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town = app.department_id("店口镇人民政府").await;
        let other_town = app.department_id("大唐街道办事处").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "juece", town, "town_clerk")
            .await;
        let (_, stranger) = app
            .user_with_role(&sys, &sec, "juece2", other_town, "town_clerk")
            .await;
        let (reviewer_id, reviewer) = app
            .user_with_role(&sys, &sec, "juecesc", bureau, "supervisor")
            .await;
        let today = fazhi_core::deadlines::china_today();
        let year = today.format("%Y").to_string();

        // Registering: every missing field named at once.
        let page = clerk.text("/decisions/new").await;
        let r = clerk
            .post(
                "/decisions",
                &[
                    ("csrf", csrf_of(&page)),
                    ("year", "24".into()),
                    ("title", "".into()),
                    ("summary", " ".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("请填写决策所属年度")
                && body.contains("请填写决策事项名称")
                && body.contains("请填写决策事项的简要说明"),
            "{body}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM major_decisions").await, 0);
        let r = clerk
            .post(
                "/decisions",
                &[
                    ("csrf", csrf_of(&page)),
                    ("year", year.clone()),
                    ("title", "店口镇集镇停车收费管理办法".into()),
                    ("summary", "规范集镇公共停车收费。".into()),
                    ("risk_exempt", "不涉及社会稳定和公共安全。".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = created_id(&r);
        let path = format!("/decisions/{id}");
        assert_eq!(stranger.get(&path).await.status(), StatusCode::NOT_FOUND);

        // The legality review cannot come before the procedures of chapter 2.
        let review = conclude_review(
            &clerk,
            &reviewer,
            reviewer_id,
            "major_decision",
            "店口镇集镇停车收费管理办法",
            &["draft", "participation"],
        )
        .await;
        let link = vec![
            ("action", "link_review".to_string()),
            ("review_id", review.to_string()),
        ];
        let (status, body) = versioned_step(&clerk, &path, &link).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("尚未完成法定程序")
                && body.contains("公众参与")
                && body.contains("专家论证"),
            "{body}"
        );

        // A period under 30 days needs its reason (art. 15).
        let draft = "第一条 为规范集镇停车秩序，制定本办法。\n第二条 停车收费按时段计算。\n第三条 本办法自公布之日起施行。";
        let open = |closes: chrono::NaiveDate, reason: &str| {
            vec![
                ("action", "open_consultation".to_string()),
                ("draft", draft.to_string()),
                ("opens_on", today.to_string()),
                ("closes_on", closes.to_string()),
                ("short_reason", reason.to_string()),
            ]
        };
        let (status, body) =
            versioned_step(&clerk, &path, &open(today + chrono::Duration::days(9), "")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("须说明缩短的理由"), "{body}");
        let (status, body) =
            versioned_step(&clerk, &path, &open(today + chrono::Duration::days(29), "")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

        // The portal: listed, the draft by article, comments screened and limited.
        let visitor = app.browser();
        let list = visitor.text("/public/consultations").await;
        assert!(
            list.contains("店口镇集镇停车收费管理办法") && list.contains("正在征求意见"),
            "{list}"
        );
        let page = visitor.text(&format!("/public/consultations/{id}")).await;
        assert!(
            page.contains("第二条") && page.contains("停车收费按时段计算"),
            "{page}"
        );
        let no_csrf = visitor
            .post(
                &format!("/public/consultations/{id}"),
                &[("article", "1".into()), ("body", "没有令牌的意见。".into())],
            )
            .await;
        assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
        let (status, body) = comment(&visitor, id, "2", "太短").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("意见为 5 至 2000 字，现为 2 字"), "{body}");
        let (status, body) = comment(&visitor, id, "9", "条文编号不存在的意见。").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("请选择草案的条文"), "{body}");
        let phone = "13905751234";
        let (status, _) = comment(
            &visitor,
            id,
            "2",
            &format!("建议夜间免费停车。我的电话 {phone}，身份证330681199001011234。"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for n in 0..4 {
            let (status, _) = comment(&visitor, id, "0", &format!("第 {n} 条对整体的意见。")).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        // A sixth from the same address within the hour is refused, and nothing is written.
        let (status, body) = comment(&visitor, id, "1", "第六条意见，应被限制。").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(body.contains("每小时最多提交 5 条意见"), "{body}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decision_comments").await, 5);
        let page = visitor.text(&format!("/public/consultations/{id}")).await;
        assert!(
            page.contains("建议夜间免费停车")
                && !page.contains(phone)
                && !page.contains("330681199001011234"),
            "{page}"
        );
        assert!(page.contains("王某") && !page.contains("王小明"), "{page}");
        assert!(
            !page.contains("处理结果："),
            "dispositions wait for the decision"
        );

        // Closing: not before the period ends, and not while a comment lacks its disposition.
        let close = vec![
            ("action", "close_consultation".to_string()),
            ("on", today.to_string()),
        ];
        let (status, body) = versioned_step(&clerk, &path, &close).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("期满后方可结束"), "{body}");
        // The period passes: the consultation is moved back in time as the days would move it.
        sqlx::query("UPDATE decision_consultations SET opens_on = $1, closes_on = $2")
            .bind((today - chrono::Duration::days(40)).to_string())
            .bind((today - chrono::Duration::days(1)).to_string())
            .execute(app.store.pool())
            .await
            .unwrap();
        let (status, body) = versioned_step(&clerk, &path, &close).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("还有 5 条意见未作出处理"), "{body}");
        let comments = format!("/decisions/{id}/comments");
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM decision_comments ORDER BY id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
        let page = clerk.text(&comments).await;
        assert!(
            page.contains("已隐去个人信息：电话") && !page.contains(phone),
            "{page}"
        );
        let dispose = |c: i64, disposition: &str, reason: &str| {
            let comments = comments.clone();
            let clerk = &clerk;
            let (disposition, reason) = (disposition.to_string(), reason.to_string());
            async move {
                let page = clerk.text(&comments).await;
                let version = page
                    .split(&format!("/comments/{c}\""))
                    .nth(1)
                    .and_then(|s| s.split("name=\"version\" value=\"").nth(1))
                    .and_then(|s| s.split('"').next())
                    .unwrap_or("0")
                    .to_string();
                let r = clerk
                    .post(
                        &format!("{comments}/{c}"),
                        &[
                            ("csrf", csrf_of(&page)),
                            ("version", version),
                            ("disposition", disposition),
                            ("reason", reason),
                        ],
                    )
                    .await;
                let status = r.status();
                (status, r.text().await.unwrap())
            }
        };
        let (status, body) = dispose(ids[0], "adopted", " ").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("每条意见都须说明处理的理由"), "{body}");
        assert_eq!(
            stranger
                .post(
                    &format!("{comments}/{}", ids[0]),
                    &[
                        ("csrf", stranger.csrf().await),
                        ("version", "1".into()),
                        ("disposition", "adopted".into()),
                        ("reason", "越权".into())
                    ]
                )
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        let (status, _) = dispose(
            ids[0],
            "partly_adopted",
            "夜间 22 时后免费停车已写入第二条。",
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for c in &ids[1..] {
            let (status, body) = dispose(*c, "not_adopted", "与上位法规定不一致，不予采纳。").await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        }
        let (status, body) = versioned_step(&clerk, &path, &close).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let (status, _) = dispose(ids[1], "adopted", "改为采纳。").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "closed");

        // Expert review, then the review, then the collective decision and its publication.
        let (status, body) = versioned_step(
            &clerk,
            &path,
            &[
                ("action", "expert_review".into()),
                ("on", today.to_string()),
                ("note", "邀请交通、法律专家 3 名论证，同意。".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let (status, body) = versioned_step(&clerk, &path, &link).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        // One review answers for one record.
        let page = clerk.text("/decisions/new").await;
        let r = clerk
            .post(
                "/decisions",
                &[
                    ("csrf", csrf_of(&page)),
                    ("year", year.clone()),
                    ("title", "另一项决策".into()),
                    ("summary", "说明。".into()),
                    ("participation_exempt", "依法不予公开。".into()),
                    ("expert_exempt", "不涉及专业问题。".into()),
                    ("risk_exempt", "无风险。".into()),
                ],
            )
            .await;
        let other = format!("/decisions/{}", created_id(&r));
        let (status, body) = versioned_step(&clerk, &other, &link).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("已关联到重大行政决策“店口镇集镇停车收费管理办法”"),
            "{body}"
        );
        let (status, body) = versioned_step(
            &clerk,
            &path,
            &[
                ("action", "decide".to_string()),
                ("on", (today - chrono::Duration::days(1)).to_string()),
                ("meeting", "店口镇党政联席会议".into()),
                ("adopted", "1".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("早于"), "{body}");
        assert!(
            body.contains("value=\"店口镇党政联席会议\""),
            "the refused form keeps what was typed"
        );
        for form in [
            vec![
                ("action", "decide".to_string()),
                ("on", today.to_string()),
                ("meeting", "店口镇党政联席会议".into()),
                ("adopted", "1".into()),
            ],
            vec![("action", "publish".to_string()), ("on", today.to_string())],
            vec![
                ("action", "start_evaluation".to_string()),
                ("on", today.to_string()),
                ("reason", "群众意见较多".into()),
            ],
            vec![
                ("action", "complete_evaluation".to_string()),
                ("on", today.to_string()),
                ("report", "基本达到预期效果。".into()),
                ("follow_up", "继续实施。".into()),
            ],
        ] {
            let (status, body) = versioned_step(&clerk, &path, &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{form:?}: {body}");
        }
        let page = visitor.text(&format!("/public/consultations/{id}")).await;
        assert!(
            page.contains("处理结果：部分采纳")
                && page.contains("夜间 22 时后免费停车已写入第二条"),
            "{page}"
        );
        assert_eq!(
            page.matches("处理结果：").count(),
            5,
            "every comment's disposition is published"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'decision_comment'")
                .await,
            10,
            "5 comments and 5 dispositions"
        );

        // Catalogs: the bureau names two towns; one issues, files and uses the system.
        let page = reviewer
            .text(&format!(
                "/decisions/catalogs/require?kind=legality_review&year={year}"
            ))
            .await;
        let r = reviewer
            .post(
                "/decisions/catalogs/require",
                &[
                    ("csrf", csrf_of(&page)),
                    ("kind", "legality_review".into()),
                    ("year", year.clone()),
                    ("department_id", town.to_string()),
                    ("department_id", other_town.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = reviewer
            .post(
                "/decisions/catalogs/require",
                &[
                    ("csrf", csrf_of(&page)),
                    ("kind", "major_decision".into()),
                    ("year", year.clone()),
                    ("department_id", town.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let own: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, kind FROM unit_catalogs WHERE department_id = $1 ORDER BY kind",
        )
        .bind(town)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        for (catalog, kind) in &own {
            let at = format!("/decisions/catalogs/{catalog}");
            let page = clerk.text(&at).await;
            let mut form = vec![
                ("csrf", csrf_of(&page)),
                ("version", "1".to_string()),
                ("issued_on", today.to_string()),
                ("items", "集镇管理规定\n重大项目合同".into()),
            ];
            if kind == "legality_review" {
                // Filed without an issue date first: refused.
                let r = clerk
                    .post(
                        &at,
                        &[
                            ("csrf", csrf_of(&page)),
                            ("version", "1".into()),
                            ("filed_on", today.to_string()),
                        ],
                    )
                    .await;
                assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
                assert!(r.text().await.unwrap().contains("请先填写印发日期"));
                form.push(("filed_on", today.to_string()));
            } else {
                form.push(("published_on", today.to_string()));
            }
            let r = clerk.post(&at, &form).await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "{}",
                r.text().await.unwrap()
            );
        }
        let (catalog, _) = &own[0];
        let r = reviewer
            .post(
                &format!("/decisions/catalogs/{catalog}"),
                &[
                    ("csrf", reviewer.csrf().await),
                    ("version", "2".into()),
                    ("issued_on", today.to_string()),
                    ("items", "代填".into()),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "the unit keeps its own catalog"
        );
        let page = reviewer
            .text(&format!(
                "/decisions/catalogs?kind=legality_review&year={year}"
            ))
            .await;
        assert!(
            page.contains("制发率 50.00%") && page.contains("数字应用率 50.00%"),
            "{page}"
        );

        // The report's figures, counted again here from the rows.
        let f = figures(&app, &year);
        let towns = app
            .count("SELECT COUNT(*) FROM unit_catalogs WHERE kind = 'legality_review'")
            .await as f64;
        let filed = app.count("SELECT COUNT(*) FROM unit_catalogs WHERE kind = 'legality_review' AND filed_on IS NOT NULL").await as f64;
        assert_eq!(
            f["review.town_catalog_filing_rate"],
            serde_json::json!(filed / towns),
            "{f}"
        );
        assert_eq!(f["review.town_catalog_issue_rate"], serde_json::json!(0.5));
        assert_eq!(
            f["review.town_catalog_digital_rate"],
            serde_json::json!(0.5)
        );
        assert_eq!(f["decision.catalog_issue_rate"], serde_json::json!(1.0));
        assert_eq!(
            f["decision.catalog_publication_rate"],
            serde_json::json!(1.0)
        );
        assert_eq!(
            f["decision.post_evaluations"],
            serde_json::json!(
                app.count("SELECT COUNT(*) FROM major_decisions WHERE evaluated_on IS NOT NULL")
                    .await
            )
        );
        assert_eq!(f["decision.post_evaluations"], serde_json::json!(1));
    }
}
