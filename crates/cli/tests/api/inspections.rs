//! Inspection records (行政检查记录) and enforcement certificates (执法证): an inspection needs two
//! officers each certified that day, a valid entity, known items and, when a case was filed, that
//! case; every refusal names what was wrong and writes nothing; another town cannot see it.

use reqwest::StatusCode;

use crate::cases::COMPANY;
use crate::helpers::*;

#[tokio::test]
async fn an_inspection_needs_two_officers_certified_that_day() {
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let town = app.department_id("店口镇人民政府").await;
        let elsewhere = app.department_id("枫桥镇人民政府").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "zhengjian", bureau, "supervisor")
            .await;
        let (a, clerk) = app
            .user_with_role(&sys, &sec, "jiancha_a", town, "town_clerk")
            .await;
        let (b, _) = app
            .user_with_role(&sys, &sec, "jiancha_b", town, "town_clerk")
            .await;
        let (c, _) = app
            .user_with_role(&sys, &sec, "jiancha_c", town, "town_clerk")
            .await;
        let (_, stranger) = app
            .user_with_role(&sys, &sec, "fengqiao", elsewhere, "town_clerk")
            .await;

        let certify = |user: i64, number: &str, from: &str, until: &str| {
            vec![
                ("user_id", user.to_string()),
                ("number", number.to_string()),
                ("valid_from", from.to_string()),
                ("valid_until", until.to_string()),
            ]
        };
        let path = "/inspection/certificates";
        for (form, says) in [
            (certify(a, "x", "2024-01-01", "2030-12-31"), "执法证号应为"),
            (
                certify(a, "ZJ-0001", "2030-12-31", "2024-01-01"),
                "有效期止应晚于有效期起",
            ),
        ] {
            let r = submit(&sup, path, path, &form).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        for (user, number, from, until) in [
            (a, "ZJ-0001", "2024-01-01", "2030-12-31"),
            (b, "ZJ-0002", "2024-01-01", "2030-12-31"),
            (c, "ZJ-0003", "2020-01-01", "2023-12-31"),
        ] {
            let r = submit(&sup, path, path, &certify(user, number, from, until)).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        let r = submit(
            &sup,
            path,
            path,
            &certify(b, "zj-0001", "2024-01-01", "2030-12-31"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("该执法证号已登记"));

        let items: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT code FROM enforcement_items ORDER BY code LIMIT 2")
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        let inspect = |officers: &[i64], uscc: &str, item: &str, outcome: &str| {
            let mut f = vec![
                ("entity_uscc", uscc.to_string()),
                ("entity_name", COMPANY[1].to_string()),
                ("department_id", town.to_string()),
                ("on", "2024-06-03".to_string()),
                ("items", item.to_string()),
                ("outcome", outcome.to_string()),
                ("joint", "1".to_string()),
            ];
            f.extend(officers.iter().map(|o| ("officers", o.to_string())));
            f
        };
        let both = format!("{}，{}", items[0], items[1]);
        let new = "/inspection/inspections/new";
        let post = "/inspection/inspections";
        for (form, says) in [
            (inspect(&[a], COMPANY[2], &both, "no_problem"), "两名以上"),
            (
                inspect(&[a, c], COMPANY[2], &both, "no_problem"),
                "测试jiancha_c 在 2024-06-03 没有有效的执法证",
            ),
            (
                inspect(&[a, b], "91330100799655058X", &both, "no_problem"),
                "统一社会信用代码无效",
            ),
            (
                inspect(&[a, b], COMPANY[2], "NO-SUCH", "no_problem"),
                "执法事项目录中没有事项“NO-SUCH”",
            ),
            (
                inspect(&[a, b], COMPANY[2], &both, "case_filed"),
                "请关联案件",
            ),
        ] {
            let r = submit(&clerk, new, post, &form).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM inspections").await, 0);

        let r = submit(
            &clerk,
            new,
            post,
            &inspect(&[a, b], COMPANY[2], &both, "no_problem"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = created_id(&r);
        let page = clerk.text(&format!("/inspection/inspections/{id}")).await;
        for text in [
            "执法证 ZJ-0001",
            "执法证 ZJ-0002",
            "未发现问题",
            items[0].as_str(),
            items[1].as_str(),
        ] {
            assert!(page.contains(text), "{text}");
        }
        assert_eq!(
            stranger
                .get(&format!("/inspection/inspections/{id}"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert!(
            !stranger
                .text("/inspection/inspections")
                .await
                .contains(COMPANY[1])
        );
        assert!(
            sup.text(&format!("/inspection/inspections?entity={}", COMPANY[2]))
                .await
                .contains(COMPANY[1])
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type IN ('inspection', 'enforcement_certificate')")
                .await,
            4
        );
    }
}

#[tokio::test]
async fn joint_visits_and_inspections_that_only_disturb_are_counted_from_the_records() {
    const OTHER: &str = "9233068170GJYYGB8B";
    assert!(fazhi_kernel::ids::Uscc::parse(OTHER).is_ok());
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let town = app.department_id("店口镇人民政府").await;
        let market = app.department_id("诸暨市市场监督管理局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "tongji", bureau, "supervisor")
            .await;
        let (a, town_clerk) = app
            .user_with_role(&sys, &sec, "zhen_a", town, "town_clerk")
            .await;
        let (b, _) = app
            .user_with_role(&sys, &sec, "zhen_b", town, "town_clerk")
            .await;
        let (c, market_clerk) = app
            .user_with_role(&sys, &sec, "shi_c", market, "department_clerk")
            .await;
        let (d, _) = app
            .user_with_role(&sys, &sec, "shi_d", market, "department_clerk")
            .await;
        for (n, user) in [a, b, c, d].into_iter().enumerate() {
            let form = [
                ("user_id", user.to_string()),
                ("number", format!("ZJ-10{n}")),
                ("valid_from", "2024-01-01".to_string()),
                ("valid_until", "2030-12-31".to_string()),
            ];
            let path = "/inspection/certificates";
            assert_eq!(
                submit(&sup, path, path, &form).await.status(),
                StatusCode::SEE_OTHER
            );
        }
        let item: String = sqlx::query_scalar("SELECT MIN(code) FROM enforcement_items")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        // COMPANY: four inspections by two departments, nothing found, one joint visit on
        // 06-03; OTHER: one inspection that ordered rectification.
        // (clerk, department, officers, entity, day, joint, outcome)
        let plan = [
            (
                &town_clerk,
                town,
                [a, b],
                COMPANY[2],
                "2024-06-03",
                "1",
                "no_problem",
            ),
            (
                &market_clerk,
                market,
                [c, d],
                COMPANY[2],
                "2024-06-03",
                "1",
                "no_problem",
            ),
            (
                &town_clerk,
                town,
                [a, b],
                COMPANY[2],
                "2024-07-01",
                "0",
                "no_problem",
            ),
            (
                &market_clerk,
                market,
                [c, d],
                COMPANY[2],
                "2024-08-01",
                "0",
                "no_problem",
            ),
            (
                &town_clerk,
                town,
                [a, b],
                OTHER,
                "2024-09-02",
                "0",
                "rectification",
            ),
        ];
        for (clerk, department, officers, uscc, on, joint, outcome) in plan {
            let form = [
                ("entity_uscc", uscc.to_string()),
                ("entity_name", "被检查单位".to_string()),
                ("department_id", department.to_string()),
                ("on", on.to_string()),
                ("items", item.clone()),
                ("outcome", outcome.to_string()),
                ("joint", joint.to_string()),
                ("officers", officers[0].to_string()),
                ("officers", officers[1].to_string()),
            ];
            let r = submit(
                clerk,
                "/inspection/inspections/new",
                "/inspection/inspections",
                &form,
            )
            .await;
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "{}",
                r.text().await.unwrap()
            );
        }

        let figures = sup.text("/inspection/figures?year=2024").await;
        for text in [
            "<td>5 次</td>",
            "<td>2 次</td>",
            "占全部检查 40.00%",
            "<td>1 户次</td><td>2 个执法单位参与</td>",
        ] {
            assert!(figures.contains(text), "{text}");
        }
        assert!(figures.contains("减少扰企户次</td><td>1 户次"));
        // No inspections the year before: no rate; the year after, a fall of all of them.
        assert!(figures.contains("现场检查同比</td><td>—</td><td>上年同期 0 次"));
        let next_year = sup.text("/inspection/figures?year=2025").await;
        assert!(next_year.contains("下降 100.00%") && next_year.contains("上年同期 5 次"));
        let page = sup
            .text("/inspection/disturbance?from=2024-01-01&until=2024-12-31&more_than=3")
            .await;
        assert!(page.contains(COMPANY[2]) && page.contains("<td>4 次</td>"));
        assert!(!page.contains(OTHER));
        // Four is not more than four.
        let page = sup
            .text("/inspection/disturbance?from=2024-01-01&until=2024-12-31&more_than=4")
            .await;
        assert!(!page.contains(COMPANY[2]));
    }
}

#[tokio::test]
async fn joint_inspection_scenarios_are_imported_published_exported_and_counted() {
    use fazhi_core::inspection::scenarios::HEADERS;
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "qingdan", bureau, "supervisor")
            .await;
        let codes: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT code FROM enforcement_items ORDER BY code LIMIT 3")
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        let both = format!("{}、{}", codes[0], codes[1]);
        let all3 = format!("{}、{}、{}", codes[0], codes[1], codes[2]);
        let units = "诸暨市市场监督管理局、诸暨市应急管理局";
        let path = "/inspection/scenarios/import";
        // Every bad row named; nothing written.
        let bad = xlsx(
            &HEADERS,
            &[
                vec!["大型商超", "超市、商场", &both, units],
                vec!["道路运输", "客运站", "NO-SUCH", units],
                vec!["加油站", "加油站", &both, "诸暨市应急管理局"],
                vec!["学校食堂", "学校", &both, "诸暨市应急管理局、不存在的局"],
                vec!["大型商超", "商场", &both, units],
            ],
        );
        let (status, body) = upload_to(&sup, path, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        for says in [
            "事项编码 NO-SUCH 不在执法事项目录中",
            "联合检查至少需要两家执法单位",
            "没有名为“不存在的局”的部门",
            "清单名称与第 2 行重复",
        ] {
            assert!(body.contains(says), "{says}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM joint_scenarios").await, 0);

        let good = xlsx(
            &HEADERS,
            &[
                vec!["大型商超", "超市、商场", &both, units],
                vec![
                    "道路运输",
                    "客运站、货运企业",
                    &all3,
                    "诸暨市交通运输局、诸暨市应急管理局",
                ],
            ],
        );
        let (status, _) = upload_to(&sup, path, good.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.count("SELECT COUNT(*) FROM joint_scenarios").await, 2);
        // Imported again: replaced by name, not duplicated.
        upload_to(&sup, path, good).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM joint_scenarios").await, 2);

        // The public list needs no sign-in.
        let public = app.browser().text("/public/scenarios").await;
        assert!(public.contains("大型商超") && public.contains("诸暨市交通运输局"));
        // 2 lists, 3 distinct items, 3 distinct units.
        let figures = sup.text("/inspection/figures?year=2024").await;
        assert!(figures.contains("2 张") && figures.contains("涉及检查事项 3 项、执法单位 3 家"));
        // The export opens back with the same rows.
        let r = sup.get("/inspection/scenarios/export.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK);
        let rows = fazhi_core::xlsx::read(&r.bytes().await.unwrap(), &HEADERS).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1[0], "大型商超");
        assert_eq!(rows[0].1[2], both);
        assert_eq!(rows[1].1[3], "诸暨市交通运输局、诸暨市应急管理局");
    }
}
