//! 行政行为码: issued with the inspection, verified before anything is shown, following the
//! matter into its case, and carrying the entity's rating and complaint to the supervisor.

use reqwest::StatusCode;

use crate::cases::{COMPANY, filed_case, step};
use crate::helpers::*;

#[tokio::test]
async fn an_inspection_s_code_shows_who_and_why_follows_into_the_case_and_carries_complaints() {
    for db in backends() {
        let app = spawn_app(db).await;
        // A case on B001 filed by 店口镇 against COMPANY, then decided.
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let case_id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        for fields in [
            &[("action", "prior_notice"), ("on", "2024-05-20")][..],
            &[
                ("action", "decide"),
                ("on", "2024-05-28"),
                ("outcome", "fine"),
                ("fine", "500"),
            ][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        // Two certified officers of 店口镇 (filed_case's clerk and one more).
        let sys = app.browser();
        sys.login("sysadmin", PASSWORD).await;
        let sec = app.browser();
        sec.login("secadmin", PASSWORD).await;
        let sup = app.browser();
        sup.login("case_sup2", PASSWORD).await;
        let dk = app.department_id("店口镇人民政府").await;
        let (second, _) = app
            .user_with_role(&sys, &sec, "dk_officer3", dk, "town_clerk")
            .await;
        let first: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'dk_officer2'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        for (n, user) in [first, second].into_iter().enumerate() {
            certify(&sup, user, &format!("ZJ-DK-{n:04}")).await;
        }
        let r = submit(
            &clerk,
            "/inspection/inspections/new",
            "/inspection/inspections",
            &[
                ("entity_uscc", COMPANY[2].to_string()),
                ("entity_name", COMPANY[1].to_string()),
                ("department_id", dk.to_string()),
                ("on", "2024-05-10".into()),
                ("items", "B001".into()),
                ("officers", first.to_string()),
                ("officers", second.to_string()),
                ("outcome", "case_filed".into()),
                ("case_id", case_id.to_string()),
            ],
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let inspection = created_id(&r);
        let code: String =
            sqlx::query_scalar("SELECT code FROM act_codes WHERE inspection_id = $1")
                .bind(inspection)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert!(
            clerk
                .text(&format!("/inspection/inspections/{inspection}"))
                .await
                .contains(&format!("/public/acts/{code}"))
        );

        // The code follows the matter into the case.
        assert!(
            clerk
                .text(&path)
                .await
                .contains(&format!("/public/acts/{code}"))
        );
        // Anyone who scans it sees who inspected, on what basis, the result and the case.
        let entity = app.browser();
        let page = entity.text(&format!("/public/acts/{code}")).await;
        assert!(
            page.contains("验签通过")
                && page.contains("ZJ-DK-0000")
                && page.contains("ZJ-DK-0001")
                && page.contains("占道经营；依据 《城市市容和环境卫生管理条例》第三十六条")
                && page.contains("2024-05-10 检查，立案查处")
                && page.contains("后续案件")
                && page.contains("店口镇罚〔2024〕"),
            "{page}"
        );
        assert!(
            page.matches("width=\"1\" height=\"1\"").count() > 100,
            "QR code drawn"
        );
        // A forged or altered code shows nothing but the warning.
        // Another entity's USCC under this signature, and a malformed code.
        let forged = code.replacen(COMPANY[2], "91330100799655066X", 1);
        for bad in [forged, "1-abc".to_string()] {
            let r = entity.get(&format!("/public/acts/{bad}")).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            assert!(
                html.contains("验签失败") && !html.contains(COMPANY[1]),
                "{html}"
            );
        }

        // The entity rates and complains; bad input is refused and writes nothing.
        let feedback = format!("/public/acts/{code}/feedback");
        let page_path = format!("/public/acts/{code}");
        for (form, says) in [
            (vec![("stars", "9".to_string())], "评价为 1 至 5 星"),
            (
                vec![("complaint", "差".to_string())],
                "投诉内容为 5 至 500 字",
            ),
            (
                vec![("stars", String::new())],
                "请选择评价星级或填写投诉内容",
            ),
        ] {
            let r = submit(&entity, &page_path, &feedback, &form).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM act_feedback").await, 0);
        let r = submit(
            &entity,
            &page_path,
            &feedback,
            &[
                ("stars", "1".into()),
                ("complaint", "执法人员检查时没有出示执法证件".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = entity.text(&format!("{page_path}?thanks=1")).await;
        assert!(
            page.contains("已收到") && page.contains("评价 1 次（平均 1.0 星），投诉 1 次"),
            "{page}"
        );
        // Without the form's token, nothing is taken.
        let r = app
            .browser()
            .post(&feedback, &[("stars", "5".into())])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM act_feedback").await, 1);
        // One rating per device and inspection; at most 5 submissions an hour from one address
        // (issue 14: 60 one-star ratings in a second were all counted).
        let r = submit(&entity, &page_path, &feedback, &[("stars", "1".into())]).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().await.unwrap().contains("已评价过"));
        for n in 0..6 {
            let device = app.browser();
            let r = submit(&device, &page_path, &feedback, &[("stars", "1".into())]).await;
            let expected = if n < 4 {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(r.status(), expected, "device {n}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM act_feedback").await, 5);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM act_feedback_refusals")
                .await,
            3
        );
        // On the supervisor's desk, opening to the inspection, with the refused attempts counted.
        let desk = sup.text("/inspection/acts").await;
        assert!(
            desk.contains("重复评价 1 次") && desk.contains("同一地址过于频繁 2 次"),
            "{desk}"
        );
        assert!(
            desk.contains("执法人员检查时没有出示执法证件")
                && desk.contains("1 星")
                && desk.contains(&format!("/inspection/inspections/{inspection}")),
            "{desk}"
        );
        // The public key verifies the code offline.
        let key = app.browser().text("/public/acts/key.txt").await;
        let hex_key = key.lines().nth(1).unwrap().trim();
        let public: Vec<u8> = (0..hex_key.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex_key[i..i + 2], 16).unwrap())
            .collect();
        assert!(fazhi_core::inspection::acts::verify(&public, &code).is_some());
    }
}
