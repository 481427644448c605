//! The review centre's advisers: a legal adviser with a recorded conflict, a town's "1+3+N"
//! member and an expert, each consulted (or refused) on a town's request.

use reqwest::StatusCode;

use crate::helpers::*;

async fn add(sup: &Browser, form: &[(&str, String)]) -> reqwest::Response {
    let page = sup.text("/review/advisers/new").await;
    let mut all = vec![("csrf", csrf_of(&page))];
    all.extend(form.iter().cloned());
    sup.post("/review/advisers", &all).await
}

#[tokio::test]
async fn an_adviser_with_a_conflict_or_of_another_town_is_refused_and_an_expert_is_heard() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town = app.department_id("店口镇人民政府").await;
        let other_town = app.department_id("枫桥镇人民政府").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "gwclerk", town, "town_clerk")
            .await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "gwsup", bureau, "supervisor")
            .await;

        let r = add(&sup, &[("kind", "town_team".into())]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("请填写姓名")
                && body.contains("请填写所在单位")
                && body.contains("须选择所属镇乡"),
            "{body}"
        );
        let r = add(
            &sup,
            &[
                ("name", "周律师".into()),
                ("kind", "legal_adviser".into()),
                ("organisation", "浙江某律师事务所".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let lawyer = created_id(&r);
        let page = sup.text(&format!("/review/advisers/{lawyer}")).await;
        let r = sup
            .post(
                &format!("/review/advisers/{lawyer}/conflicts"),
                &[
                    ("csrf", csrf_of(&page)),
                    ("department_id", town.to_string()),
                    ("reason", "担任店口镇人民政府常年法律顾问".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = add(
            &sup,
            &[
                ("name", "陈所长".into()),
                ("kind", "town_team".into()),
                ("organisation", "枫桥司法所".into()),
                ("town_id", other_town.to_string()),
            ],
        )
        .await;
        let member = created_id(&r);
        // A "1+3+N" team is a town's: a city bureau is refused.
        let r = add(
            &sup,
            &[
                ("name", "冒名成员".into()),
                ("kind", "town_team".into()),
                ("organisation", "某局".into()),
                (
                    "town_id",
                    app.department_id("诸暨市市场监督管理局").await.to_string(),
                ),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("请选择镇乡（街道）"));
        let r = add(
            &sup,
            &[
                ("name", "长".repeat(51)),
                ("kind", "expert".into()),
                ("organisation", "某大学".into()),
            ],
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the form's limit, on the server too"
        );
        let r = add(
            &sup,
            &[
                ("name", "王教授".into()),
                ("kind", "expert".into()),
                ("organisation", "某大学法学院".into()),
                ("specialty", "行政法".into()),
            ],
        )
        .await;
        let expert = created_id(&r);
        let list = clerk.text("/review/advisers").await;
        assert!(
            list.contains("店口镇人民政府") && list.contains("王教授"),
            "{list}"
        );

        // The town's request, accepted by the centre.
        let page = clerk.text("/review/requests/new").await;
        let r = clerk
            .post(
                "/review/requests",
                &[
                    ("csrf", csrf_of(&page)),
                    ("kind", "town".into()),
                    ("title", "店口镇集体资产出租方案".into()),
                    ("draft", "第一条 出租方案。".into()),
                ],
            )
            .await;
        let path = format!("/review/requests/{}", created_id(&r));
        for (who, form) in [
            (
                &clerk,
                vec![
                    ("action", "provide".to_string()),
                    ("material", "draft".into()),
                    ("note", "方案".into()),
                ],
            ),
            (&clerk, vec![("action", "advance".to_string())]),
            (
                &sup,
                vec![
                    ("action", "provide".to_string()),
                    ("material", "complete".into()),
                    ("note", "齐全".into()),
                ],
            ),
            (&sup, vec![("action", "advance".to_string())]),
        ] {
            let (status, body) = versioned_step(who, &path, &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{form:?}: {body}");
        }
        let consult = |adviser: i64, declared: bool| {
            let mut f = vec![
                ("action", "consult".to_string()),
                ("adviser_id", adviser.to_string()),
                ("opinion", "建议明确租金调整机制。".into()),
            ];
            if declared {
                f.push(("no_conflict", "1".into()));
            }
            f
        };
        let (status, body) = versioned_step(&sup, &path, &consult(lawyer, true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("周律师应当回避店口镇人民政府的事项：担任店口镇人民政府常年法律顾问"),
            "{body}"
        );
        let (status, body) = versioned_step(&sup, &path, &consult(member, true)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("只参与本镇乡（街道）事项"), "{body}");
        let (status, body) = versioned_step(&sup, &path, &consult(expert, false)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("须声明与本事项无利害关系"), "{body}");
        let (status, body) = versioned_step(&sup, &path, &consult(expert, true)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let page = sup.text(&path).await;
        assert!(
            page.contains("专家库专家意见：王教授") && page.contains("建议明确租金调整机制"),
            "{page}"
        );
        // The requester cannot consult: that is the centre's.
        let (status, _) = versioned_step(&clerk, &path, &consult(expert, true)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
