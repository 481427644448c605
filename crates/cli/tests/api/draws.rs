//! 双随机一公开: the register and its lists, a draw with its conflicts, the public re-check,
//! the inspections it links and the publication of results.

use reqwest::StatusCode;

use crate::helpers::*;

fn company(n: usize) -> String {
    company_uscc(n)
}

fn count_of(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn a_draw_leaves_the_leave_alone_list_out_respects_relations_and_can_be_checked_by_anyone() {
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let item: String =
            sqlx::query_scalar("SELECT code FROM enforcement_items ORDER BY code LIMIT 1")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let market = app.department_id("诸暨市市场监督管理局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "shuangsui", bureau, "supervisor")
            .await;
        // Three certified officers of the market regulator.
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .date_naive();
        let mut officers = Vec::new();
        let mut clerks = Vec::new();
        for n in 0..3 {
            let (id, clerk) = app
                .user_with_role(
                    &sys,
                    &sec,
                    &format!("jianguan{n}"),
                    market,
                    "department_clerk",
                )
                .await;
            certify(&sup, id, &format!("ZJ-SJ-{n:04}")).await;
            officers.push(id);
            clerks.push(clerk);
        }

        // The register: 12 entities in 店口镇, three of each class; one row wrong at first.
        let classes = ["A", "B", "C", "D"];
        let other_item: String = sqlx::query_scalar(
            "SELECT code FROM enforcement_items WHERE code <> $1 ORDER BY code LIMIT 1",
        )
        .bind(&item)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let mut rows: Vec<Vec<String>> = (0..12)
            .map(|n| {
                vec![
                    company(n),
                    format!("诸暨市样本{n}号有限公司"),
                    "店口镇".into(),
                    "五金制造".into(),
                    classes[n % 4].into(),
                ]
            })
            .collect();
        // A 13th entity falls under another item only: a draw of `item` never picks it.
        rows.push(vec![
            company(12),
            "诸暨市样本12号有限公司".into(),
            "店口镇".into(),
            "五金制造".into(),
            "C".into(),
            other_item.clone(),
        ]);
        let as_refs = |rows: &[Vec<String>]| -> Vec<u8> {
            let r: Vec<Vec<&str>> = rows
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            xlsx(&fazhi_core::inspection::entities::HEADERS, &r)
        };
        let mut bad = rows.clone();
        bad[3][4] = "E".into();
        bad[5][2] = "不存在镇".into();
        let (status, html) = upload_to(&sup, "/inspection/entities/import", as_refs(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("信用风险分类应为 A、B、C 或 D")
                && html.contains("没有名为“不存在镇”的镇乡（街道）"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM inspection_entities").await,
            0
        );
        let (status, _) = upload_to(&sup, "/inspection/entities/import", as_refs(&rows)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM inspection_entities").await,
            13
        );

        // Class A entities with a clean record are left alone (3); one of them found wanting
        // by an inspection moves to random checks.
        let (a_clean, a_found) = (company(0), company(4));
        let inspect = |outcome: &'static str| {
            let (clerk, entity, market, item) = (&clerks[0], a_found.clone(), market, item.clone());
            let pair = [officers[0].to_string(), officers[1].to_string()];
            async move {
                let r = submit(
                    clerk,
                    "/inspection/inspections/new",
                    "/inspection/inspections",
                    &[
                        ("entity_uscc", entity),
                        ("entity_name", "诸暨市样本4号有限公司".into()),
                        ("department_id", market.to_string()),
                        ("on", today.to_string()),
                        ("items", item),
                        ("officers", pair[0].clone()),
                        ("officers", pair[1].clone()),
                        ("outcome", outcome.into()),
                    ],
                )
                .await;
                assert_eq!(
                    r.status(),
                    StatusCode::SEE_OTHER,
                    "{}",
                    r.text().await.unwrap()
                );
            }
        };
        inspect("rectification").await;
        let lists = sup.text("/inspection/lists?list=leave_alone").await;
        assert!(
            lists.contains("无事不扰清单 2 户") && lists.contains("重点监管清单 3 户"),
            "{lists}"
        );
        assert!(lists.contains(&a_clean) && !lists.contains(&a_found));

        // Officer 0 is the brother-in-law of entity 1's manager.
        let related = company(1);
        let r = submit(
            &sup,
            "/inspection/entities",
            "/inspection/conflicts",
            &[
                ("user_id", officers[0].to_string()),
                ("entity_uscc", related.clone()),
                ("relation", "近亲属在该企业任职".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        let draw = |rates: [&str; 4], from: String, seed: &str| {
            vec![
                ("title", "2026 年五金制造双随机抽查".to_string()),
                ("items", item.clone()),
                ("departments", market.to_string()),
                ("town_id", String::new()),
                ("industry", "五金制造".into()),
                ("rate_a", rates[0].into()),
                ("rate_b", rates[1].into()),
                ("rate_c", rates[2].into()),
                ("rate_d", rates[3].into()),
                ("inspect_from", from.clone()),
                ("inspect_until", from),
                ("publication_days", "20".into()),
                ("seed", seed.into()),
            ]
        };
        // Refused, nothing written: no rate, a window in the past, a department no one of
        // which holds a certificate.
        let yesterday = today.pred_opt().unwrap().to_string();
        for (form, says) in [
            (
                draw(["0", "0", "0", "0"], today.to_string(), "7"),
                "至少一类大于 0",
            ),
            (
                draw(["100", "100", "100", "100"], yesterday.clone(), "7"),
                "检查期间应从今天或以后开始",
            ),
        ] {
            let r = submit(&sup, "/inspection/draws/new", "/inspection/draws", &form).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        let mut uncertified = draw(["100", "100", "100", "100"], today.to_string(), "7");
        uncertified[2].1 = app.department_id("诸暨市综合行政执法局").await.to_string();
        let r = submit(
            &sup,
            "/inspection/draws/new",
            "/inspection/draws",
            &uncertified,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("执法人员不足"));
        assert_eq!(app.count("SELECT COUNT(*) FROM random_draws").await, 0);

        // Every class in full: the 10 entities not left alone, two officers each, officer 0
        // never at entity 1.
        let r = submit(
            &sup,
            "/inspection/draws/new",
            "/inspection/draws",
            &draw(["100", "100", "100", "100"], today.to_string(), "20261127"),
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
        let id = created_id(&r);
        let tasks: Vec<(String, String)> = sqlx::query_as(
            "SELECT entity_uscc, officers FROM random_draw_tasks WHERE draw_id = $1 ORDER BY ordinal",
        )
        .bind(id)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(tasks.len(), 10);
        assert!(
            !tasks
                .iter()
                .any(|(u, _)| *u == a_clean || *u == company(8) || *u == company(12))
        );
        for (uscc, staff) in &tasks {
            let ids: Vec<i64> = staff
                .split(';')
                .map(|o| o.split(':').next().unwrap().parse().unwrap())
                .collect();
            assert_eq!(ids.len(), 2);
            assert_ne!(ids[0], ids[1]);
            assert!(ids.iter().all(|i| officers.contains(i)));
            if *uscc == related {
                assert!(!ids.contains(&officers[0]), "a related officer drawn");
            }
        }
        // The public page: seed, the re-check, the pool to download with its SM3; no results yet.
        let public = app.browser().text(&format!("/public/draws/{id}")).await;
        assert!(
            public.contains("20261127")
                && public.contains("结果与公布的一致")
                && public.contains("待公开"),
            "{public}"
        );
        let pool = app
            .browser()
            .text(&format!("/public/draws/{id}/pool.txt"))
            .await;
        assert_eq!(pool.lines().count(), 10);
        assert!(public.contains(&fazhi_store::sm3_hex(pool.as_bytes())));
        // The roster as published: three certificates of the regulator, no relations.
        let roster = app
            .browser()
            .text(&format!("/public/draws/{id}/roster.txt"))
            .await;
        assert_eq!(
            roster,
            format!("ZJ-SJ-0000 {market}\nZJ-SJ-0001 {market}\nZJ-SJ-0002 {market}\n")
        );
        // The same inputs and seed draw the same again.
        let r = submit(
            &sup,
            "/inspection/draws/new",
            "/inspection/draws",
            &draw(["100", "100", "100", "100"], today.to_string(), "20261127"),
        )
        .await;
        let again: Vec<(String, String)> = sqlx::query_as(
            "SELECT entity_uscc, officers FROM random_draw_tasks WHERE draw_id = $1 ORDER BY ordinal",
        )
        .bind(created_id(&r))
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(again, tasks);

        // A drawn inspection recorded as such is linked to the first open task of its entity.
        let (first, staff) = &tasks[0];
        let pair: Vec<String> = staff
            .split(';')
            .map(|o| o.split(':').next().unwrap().to_string())
            .collect();
        let r = submit(
            &clerks[0],
            "/inspection/inspections/new",
            "/inspection/inspections",
            &[
                ("entity_uscc", first.clone()),
                ("entity_name", "抽中的对象".into()),
                ("department_id", market.to_string()),
                ("on", today.to_string()),
                ("items", item.clone()),
                ("officers", pair[0].clone()),
                ("officers", pair[1].clone()),
                ("outcome", "no_problem".into()),
                ("random_draw", "1".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM random_draw_tasks WHERE inspection_id IS NOT NULL")
                .await,
            1
        );
        // Each drawn task got its act code; the drawn inspection took its task's code, the
        // earlier inspection had its own: 1 + 2 × 10 codes, two of them inspected.
        assert_eq!(app.count("SELECT COUNT(*) FROM act_codes").await, 21);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM act_codes WHERE inspection_id IS NOT NULL AND draw_task_id IS NOT NULL").await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM act_codes WHERE inspection_id IS NOT NULL")
                .await,
            2
        );
        // Results wait for the window's end; then they are published and the deadline met.
        let page = format!("/inspection/draws/{id}");
        let r = submit(&sup, &page, &format!("{page}/publish"), &[]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("结束后方可公开结果"));
        sqlx::query("UPDATE random_draws SET inspect_from = $1, inspect_until = $1")
            .bind(&yesterday)
            .execute(app.store.pool())
            .await
            .unwrap();
        let r = submit(&sup, &page, &format!("{page}/publish"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'random_draw' AND state = 'met'").await,
            1
        );
        let public = app.browser().text(&format!("/public/draws/{id}")).await;
        assert_eq!(count_of(&public, "检查，未发现问题"), 1, "{public}");
        assert_eq!(count_of(&public, "；未检查"), 9, "{public}");
        // The year's rates: the regulator took part in a draw and inspected; 1 of 20 drawn
        // inspections done in the two ended windows; 1 of 1 published on time.
        let desk = sup.text("/inspection/draws").await;
        assert!(
            desk.contains("抽查计划制定率 100.00%（1/1）")
                && desk.contains("抽查任务完成率 5.00%（1/20）")
                && desk.contains("结果公开率 100.00%（1/1）"),
            "{desk}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'random_draw'")
                .await,
            3
        );

        // Class A entity 4, inspected twice more on the same item: more often in a year than
        // its class calls for (once).
        for _ in 0..2 {
            inspect("no_problem").await;
        }
        let beyond = sup.text("/inspection/beyond-class").await;
        assert!(
            beyond.contains(&a_found) && beyond.contains("1 项"),
            "{beyond}"
        );
        // Three inspections, four when the draw sent its officers there too ("1 项": nothing
        // else is listed, the drawn entity inspected once included).
        let times = if *first == a_found { 4 } else { 3 };
        assert!(
            beyond.contains(&format!(
                "<td>A</td><td>{item}</td><td>{times}</td><td>1</td>"
            )),
            "{beyond}"
        );
        // A class that calls for five a year keeps it off the list.
        let relaxed = sup.text("/inspection/beyond-class?a=5").await;
        assert!(relaxed.contains("0 项"), "{relaxed}");
    }
}
