use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_town_files_a_case_on_a_delegated_item_and_the_law_is_checked_at_filing() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let dk = app.department_id("店口镇人民政府").await;
        let fq = app.department_id("枫桥镇人民政府").await;
        let (_, editor) = app
            .user_with_role(&sys, &sec, "case_sup", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "dk_officer", dk, "town_clerk")
            .await;
        let (_, other) = app
            .user_with_role(&sys, &sec, "fq_officer", fq, "town_clerk")
            .await;
        let catalog = xlsx(
            &fazhi_core::enforcement::catalog::rules::HEADERS,
            &[
                vec![
                    "A001",
                    "销售不合格产品",
                    "行政处罚",
                    "专业执法",
                    "诸暨市市场监督管理局",
                    "《中华人民共和国产品质量法》",
                    "第四十九条",
                    "……",
                    "2023-01-01",
                    "",
                ],
                vec![
                    "B001",
                    "占道经营",
                    "行政处罚",
                    "综合执法",
                    "诸暨市综合行政执法局",
                    "《城市市容和环境卫生管理条例》",
                    "第三十六条",
                    "……",
                    "2023-01-01",
                    "",
                ],
            ],
        );
        assert_eq!(
            upload_to(&editor, "/enforcement/catalog/import", catalog)
                .await
                .0,
            StatusCode::OK
        );
        let town: i64 = sqlx::query_scalar("SELECT id FROM regions WHERE name = '店口镇'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let page = editor.text("/enforcement/catalog/items/B001").await;
        let r = editor
            .post(
                "/enforcement/catalog/items/B001",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "delegate".into()),
                    ("town", town.to_string()),
                    ("from", "2024-01-01".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        let first17 = "33068119850315123";
        let id = format!(
            "{first17}{}",
            fazhi_kernel::ids::resident_id::check_character(first17.as_bytes()).unwrap()
        );
        let file = |item: &str, act: &str, code: &str| {
            let item = item.to_string();
            let act = act.to_string();
            let code = code.to_string();
            let clerk = &clerk;
            async move {
                let page = clerk.text("/enforcement/cases/new").await;
                clerk
                    .post(
                        "/enforcement/cases",
                        &[
                            ("csrf", csrf_of(&page)),
                            ("department_id", dk.to_string()),
                            ("item_code", item),
                            ("cause", "占用城市道路经营案".into()),
                            ("act_ended_on", act),
                            ("discovered_on", "2024-05-10".into()),
                            ("filed_on", "2024-05-12".into()),
                            ("party_kind", "person".into()),
                            ("party_name", "张三".into()),
                            ("party_code", code),
                        ],
                    )
                    .await
            }
        };
        // Not delegated to the town, past the limitation, a bad ID: each refused with the reason.
        let r = file("A001", "2024-05-01", &id).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("未赋权给店口镇"));
        let r = file("B001", "2021-01-01", &id).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("第三十六条"));
        let r = file("B001", "2024-05-01", "330681198503151230").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("公民身份号码无效"));
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);

        let r = file("B001", "2024-05-01", &id).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let path = r.headers()["location"].to_str().unwrap().to_string();
        let record = clerk.text(&path).await;
        // 90 CD from 12 May 2024 end Sat 10 Aug → Mon 12 Aug.
        assert!(
            record.contains("330681********") && !record.contains(&id),
            "ID masked"
        );
        assert!(
            record.contains("作出处罚决定：占用城市道路经营案：2024-08-12 届满"),
            "{record}"
        );
        assert!(record.contains("立案：占用城市道路经营案"));
        let sealed: String = sqlx::query_scalar("SELECT resident_id_sealed FROM case_parties")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(sealed.starts_with("sm4gcm:") && !sealed.contains(&id));
        assert!(clerk.text("/").await.contains("作出处罚决定"));
        // Scope: the supervisor sees it city-wide, another town does not even by id.
        assert!(
            editor
                .text("/enforcement/cases")
                .await
                .contains("占用城市道路经营案")
        );
        assert!(
            !other
                .text("/enforcement/cases")
                .await
                .contains("占用城市道路经营案")
        );
        assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
        // Reading is not handling.
        assert_eq!(
            editor.get("/enforcement/cases/new").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'case'")
                .await,
            1
        );
    }
}
