//! Manual evaluation on a drawn sample (人工评查抽样): the same inputs and seed draw the same
//! files, bad input draws nothing, and a reviewer scores a file on the sheet pre-filled with the
//! automatic findings — confirming, removing with a reason, adding — with the score recomputed.

use reqwest::StatusCode;
use sqlx::Row;

use crate::helpers::*;

async fn draw(b: &Browser, form: &[(&str, &str)]) -> reqwest::Response {
    let page = b.text("/supervision/samples/new").await;
    let mut f: Vec<(&str, String)> = vec![("csrf", csrf_of(&page))];
    f.extend(form.iter().map(|(k, v)| (*k, v.to_string())));
    b.post("/supervision/samples", &f).await
}

async fn drawn(app: &TestApp, sample: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT case_id FROM evaluation_sample_cases WHERE sample_id = $1 ORDER BY ordinal",
    )
    .bind(sample)
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_drawn_sample_is_reproducible_and_scored_on_the_prefilled_sheet() {
    let (file, _) = generated_cases("samples", 200, 9);
    let until = "2030-12-31";

    for db in backends() {
        let app = app_with_cases(db, &file, true).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "pingcha", bureau, "supervisor")
            .await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "banan", bureau, "department_clerk")
            .await;
        assert_eq!(
            clerk.get("/supervision/samples").await.status(),
            StatusCode::FORBIDDEN
        );

        // Bad input is refused with its reason and draws nothing.
        for (size, from, to, seed, says) in [
            ("0", "2000-01-01", until, "", "抽取数量应为 1 至 500 件"),
            ("501", "2000-01-01", until, "", "抽取数量应为 1 至 500 件"),
            ("5", "2020-01-01", "2019-01-01", "", "立案日期止不能早于起"),
            ("5", "2000-01-01", until, "abc", "随机种子应为"),
            (
                "5",
                "1990-01-01",
                "1990-12-31",
                "",
                "没有可抽取的已评查案卷",
            ),
        ] {
            let r = draw(
                &sup,
                &[
                    ("size", size),
                    ("filed_from", from),
                    ("filed_until", to),
                    ("seed", seed),
                ],
            )
            .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM evaluation_samples").await,
            0
        );

        // The same inputs and seed draw the same files, in the same order; the published
        // procedure over the evaluated files of the period gives them too.
        let inputs = [
            ("size", "15"),
            ("filed_from", "2000-01-01"),
            ("filed_until", until),
        ];
        let with = |seed: &'static str| {
            let mut f = inputs.to_vec();
            f.push(("seed", seed));
            f
        };
        let a = created_id(&draw(&sup, &with("42")).await);
        let b = created_id(&draw(&sup, &with("42")).await);
        let c = created_id(&draw(&sup, &with("43")).await);
        assert_eq!(drawn(&app, a).await.len(), 15);
        assert_eq!(drawn(&app, a).await, drawn(&app, b).await);
        assert_ne!(drawn(&app, a).await, drawn(&app, c).await);
        let candidates: Vec<i64> = sqlx::query_scalar(
            "SELECT c.id FROM cases c JOIN case_evaluations e ON e.case_id = c.id ORDER BY c.id",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(
            drawn(&app, a).await,
            fazhi_core::supervision::sampling::pick(&candidates, 15, 42)
        );
        let page = sup.text(&format!("/supervision/samples/{a}")).await;
        assert!(page.contains("随机种子 42") && page.contains("可抽案卷 200 件"));

        // Everything, to find a file with automatic findings.
        let all = created_id(
            &draw(
                &sup,
                &[
                    ("size", "500"),
                    ("filed_from", "2000-01-01"),
                    ("filed_until", until),
                ],
            )
            .await,
        );
        assert_eq!(drawn(&app, all).await.len(), 200);
        let row = sqlx::query(
            "SELECT f.case_id, COUNT(*) AS n FROM case_findings f GROUP BY f.case_id
             ORDER BY COUNT(*) DESC, f.case_id LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let case_id: i64 = row.try_get("case_id").unwrap();
        let auto: Vec<String> = sqlx::query_scalar(
            "SELECT rule_code FROM case_findings WHERE case_id = $1 ORDER BY rule_code",
        )
        .bind(case_id)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        let sheet_path = format!("/supervision/samples/{all}/cases/{case_id}");
        let sheet = sup.text(&sheet_path).await;
        assert!(sheet.contains("系统发现") && sheet.contains(&auto[0]));
        let added = fazhi_core::supervision::sheet::rules()
            .find(|r| !auto.iter().any(|a| a == r.code) && !r.veto)
            .unwrap();
        let post = |marks: Vec<(String, String)>| {
            let sup = &sup;
            let sheet_path = &sheet_path;
            async move {
                let page = sup.text(sheet_path).await;
                let mut f: Vec<(String, String)> = vec![("csrf".into(), csrf_of(&page))];
                f.extend(marks);
                let f: Vec<(&str, String)> =
                    f.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                sup.post(sheet_path, &f).await
            }
        };
        // Removing the machine's finding needs a reason.
        let mut marks: Vec<(String, String)> = vec![(auto[0].clone(), "remove".into())];
        marks.extend(auto[1..].iter().map(|c| (c.clone(), "confirm".to_string())));
        let r = post(marks.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("不成立的理由"));
        // Adding a problem needs what was found.
        let mut adding = marks.clone();
        adding.push((format!("{}_note", auto[0]), "当事人已提交书面放弃".into()));
        adding.push((added.code.to_string(), "add".into()));
        let r = post(adding.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("发现的问题"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM evaluation_sample_findings")
                .await,
            0
        );
        adding.push((
            format!("{}_note", added.code),
            "卷内目录与文书不一致".into(),
        ));
        let r = post(adding).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // The score counts the confirmed and added findings, not the removed one.
        let expected: u32 = auto[1..]
            .iter()
            .map(|c| fazhi_core::supervision::sheet::rule(c).unwrap().deduction)
            .sum::<u32>()
            + added.deduction;
        let veto = auto[1..]
            .iter()
            .any(|c| fazhi_core::supervision::sheet::rule(c).unwrap().veto);
        let r = sqlx::query(
            "SELECT score, grade FROM evaluation_sample_cases WHERE sample_id = $1 AND case_id = $2",
        )
        .bind(all)
        .bind(case_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let score: i64 = r.try_get("score").unwrap();
        let grade: String = r.try_get("grade").unwrap();
        assert_eq!(score, i64::from(100u32.saturating_sub(expected)));
        let want = if veto || score < 60 {
            "fail"
        } else if score >= 90 {
            "excellent"
        } else {
            "pass"
        };
        assert_eq!(grade, want);
        let verdicts: Vec<String> = sqlx::query_scalar(
            "SELECT rule_code || ':' || verdict FROM evaluation_sample_findings WHERE sample_id = $1 ORDER BY rule_code",
        )
        .bind(all)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert!(verdicts.contains(&format!("{}:removed", auto[0])));
        assert!(verdicts.contains(&format!("{}:added", added.code)));
        assert_eq!(verdicts.len(), auto.len() + 1);
        assert!(
            sup.text(&format!("/supervision/samples/{all}"))
                .await
                .contains("已人工评查 1 件")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'evaluation_sample'")
                .await,
            5,
            "four draws and one scoring"
        );
    }
}
