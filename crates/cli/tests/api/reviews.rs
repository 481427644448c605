//! A legality review request walked by its people: a town submits a normative document, provides
//! each stage's required materials (a missing one blocks the stage and is named), the centre
//! accepts (the limit starts), names a reviewer who is not of the town and declares no conflict,
//! returns it for revision, the town resubmits, and the named reviewer alone signs the opinion
//! (the limit met), downloadable as .docx.

use reqwest::StatusCode;

use crate::helpers::*;

async fn step(b: &Browser, id: i64, form: &[(&str, String)]) -> (StatusCode, String) {
    versioned_step(b, &format!("/review/requests/{id}"), form).await
}

fn provide(material: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "provide".into()),
        ("material", material.into()),
        ("note", format!("{material} 见附件")),
    ]
}

fn advance() -> Vec<(&'static str, String)> {
    vec![("action", "advance".into())]
}

#[tokio::test]
async fn a_request_goes_from_the_town_through_the_centre_to_a_signed_opinion() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town = app.department_id("店口镇人民政府").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "songshen", town, "town_clerk")
            .await;
        let (reviewer_id, reviewer) = app
            .user_with_role(&sys, &sec, "shenchayuan", bureau, "supervisor")
            .await;
        let (_, other) = app
            .user_with_role(&sys, &sec, "lingyiwei", bureau, "supervisor")
            .await;

        let page = clerk.text("/review/requests/new").await;
        let bad = clerk
            .post(
                "/review/requests",
                &[
                    ("csrf", csrf_of(&page)),
                    ("kind", "nothing".into()),
                    ("title", " ".into()),
                    ("draft", "".into()),
                ],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = bad.text().await.unwrap();
        assert!(
            body.contains("审查事项类别“nothing”不存在")
                && body.contains("请填写送审事项名称")
                && body.contains("请填写或粘贴送审稿"),
            "{body}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM legality_reviews").await, 0);
        let r = clerk
            .post(
                "/review/requests",
                &[("csrf", csrf_of(&page)), ("kind", "normative".into()), ("title", "店口镇村庄环境卫生管理办法".into()),
                  ("draft", "第一条 为了改善村庄环境，制定本办法。\n第五条 村民乱倒垃圾的，处二百元罚款。".into())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = created_id(&r);

        // The stage needs its three required materials; the page names what is missing.
        let (status, body) = step(&clerk, id, &advance()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("还缺少必需的材料：文件送审稿及起草说明、制定依据、征求意见及采纳情况"),
            "{body}"
        );
        for m in ["draft", "basis", "opinions"] {
            assert_eq!(step(&clerk, id, &provide(m)).await.0, StatusCode::SEE_OTHER);
        }
        assert_eq!(step(&clerk, id, &advance()).await.0, StatusCode::SEE_OTHER);
        // Acceptance is the centre's: the town cannot accept its own request.
        assert_eq!(
            step(&clerk, id, &provide("complete")).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            step(&reviewer, id, &provide("complete")).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(&reviewer, id, &advance()).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'legality_review' AND period = '10 working days' AND state = 'running'").await,
            1,
            "the limit starts at acceptance: {:?}",
            sqlx::query_scalar::<_, String>("SELECT period FROM deadlines").fetch_all(app.store.pool()).await.unwrap()
        );

        // The reviewer declares no conflict; without it the assignment is refused.
        let assign = |declared: bool| {
            let mut f = vec![
                ("action", "assign".to_string()),
                ("reviewer_id", reviewer_id.to_string()),
            ];
            if declared {
                f.push(("no_conflict", "1".into()));
            }
            f
        };
        let (status, body) = step(&reviewer, id, &assign(false)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("无利害关系"));
        assert_eq!(
            step(&reviewer, id, &assign(true)).await.0,
            StatusCode::SEE_OTHER
        );

        // Returned for revision; the town resubmits and starts the stages again.
        let (status, _) = step(
            &reviewer,
            id,
            &[
                ("action", "return".into()),
                ("reason", "第五条设定罚款，没有上位法依据，请删除。".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = clerk.text(&format!("/review/requests/{id}")).await;
        assert!(
            page.contains("退回修改") && page.contains("第五条设定罚款"),
            "{page}"
        );
        let (status, _) = step(
            &clerk,
            id,
            &[
                ("action", "resubmit".into()),
                ("draft", "第一条 为了改善村庄环境，制定本办法。".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for m in ["draft", "basis", "opinions"] {
            step(&clerk, id, &provide(m)).await;
        }
        step(&clerk, id, &advance()).await;
        step(&reviewer, id, &provide("complete")).await;
        step(&reviewer, id, &advance()).await;
        step(&reviewer, id, &provide("worksheet")).await;
        assert_eq!(
            step(&reviewer, id, &advance()).await.0,
            StatusCode::SEE_OTHER
        );

        // Only the named reviewer signs.
        let opinion = vec![
            ("action", "opinion".to_string()),
            ("conclusion", "lawful".into()),
            ("opinion", "经审查，修改后的送审稿未发现违法内容。".into()),
        ];
        assert_eq!(step(&other, id, &opinion).await.0, StatusCode::FORBIDDEN);
        let page = reviewer.text(&format!("/review/requests/{id}")).await;
        assert!(
            page.contains("出具审查意见（签署）") && page.contains("审查意见（初稿）"),
            "a first-round draft is offered"
        );
        assert_eq!(step(&reviewer, id, &opinion).await.0, StatusCode::SEE_OTHER);
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM legality_reviews WHERE state = 'concluded' AND returns = 1"
            )
            .await,
            1
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM deadlines WHERE subject_type = 'legality_review' AND state = 'met'").await, 2);
        let docx = clerk
            .get(&format!("/review/requests/{id}/opinion.docx"))
            .await;
        assert_eq!(docx.status(), StatusCode::OK);
        let xml = document_xml(&docx.bytes().await.unwrap());
        assert!(
            // The normative kind's own template (procedures.toml).
            xml.contains("行政规范性文件合法性审核意见书")
                && xml.contains("经合法性审核，现提出如下审核意见")
                && xml.contains("店口镇村庄环境卫生管理办法")
                && xml.contains("审查结论：合法"),
            "{xml}"
        );
        // Registered as published: the reviewed text enters the register, its filing limit runs.
        let register = |number: &str| {
            vec![
                ("action", "register".to_string()),
                ("number", number.to_string()),
                ("issued_on", "2026-01-05".into()),
                ("published_on", "2026-01-06".into()),
            ]
        };
        assert_eq!(
            step(&clerk, id, &register("店政发〔2026〕3号")).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, body) = step(&reviewer, id, &register("第三号")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("文号“第三号”应形如"), "{body}");
        let page = reviewer.text(&format!("/review/requests/{id}")).await;
        let r = reviewer
            .post(
                &format!("/review/requests/{id}"),
                &[
                    vec![("csrf", csrf_of(&page)), ("version", "0".into())],
                    register("店政发[2026]3号"),
                ]
                .concat(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let doc = created_id(&r);
        let page = reviewer.text(&format!("/normative/documents/{doc}")).await;
        assert!(
            page.contains("店政发〔2026〕3号")
                && page.contains("店口镇人民政府")
                && page.contains("合法性审查记录")
                && page.contains("规范性文件报送备案"),
            "{page}"
        );
        let (status, body) = step(&reviewer, id, &register("店政发〔2026〕4号")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("本事项已登记为 店政发〔2026〕3号"), "{body}");
        // The report counts it among the documents reviewed this year.
        let year = fazhi_core::deadlines::china_today()
            .format("%Y")
            .to_string();
        let out = app.cli(&["figures", "--year", &year, "--json"]);
        let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            f["figures"]["review.documents_reviewed"],
            serde_json::json!(1),
            "{f}"
        );
        assert_eq!(
            f["figures"]["review.contracts_reviewed"],
            serde_json::json!(0)
        );
        // A stale version is a conflict, not a second change.
        let page = reviewer.text(&format!("/review/requests/{id}")).await;
        let stale = reviewer
            .post(
                &format!("/review/requests/{id}"),
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", "1".into()),
                    ("action", "advance".into()),
                ],
            )
            .await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);

        // The year's statistics by kind and conclusion, each count one click from its requests.
        let stats = reviewer
            .text(&format!("/review/statistics?year={year}"))
            .await;
        let concluded = format!(
            "/review/requests?kind=normative&#38;concluded={year}&#38;conclusion=lawful\">1</a>"
        );
        assert!(stats.contains(&concluded), "{stats}");
        assert!(stats.contains("<svg"), "a chart");
        let listed = reviewer
            .text(&format!(
                "/review/requests?kind=normative&concluded={year}&conclusion=lawful"
            ))
            .await;
        assert!(
            listed.contains(&format!("/review/requests/{id}\"")),
            "{listed}"
        );
        let none = reviewer
            .text("/review/requests?kind=normative&conclusion=unlawful")
            .await;
        assert!(
            !none.contains(&format!("/review/requests/{id}\"")),
            "{none}"
        );
        let bad = reviewer.get("/review/statistics?year=20x4").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn a_legal_review_of_a_major_enforcement_decision_names_its_case_and_the_case_waits_for_it() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, case_path) = crate::cases::filed_case(
            &app,
            ["person", "王小明", &resident_id("33068119850315123")],
        )
        .await;
        let case: i64 = case_path.rsplit('/').next().unwrap().parse().unwrap();
        // `filed_case` signed the administrators in first: their passwords are set now.
        let (sys, sec) = (app.browser(), app.browser());
        assert_eq!(
            sys.login("sysadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            sec.login("secadmin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let bureau = app.department_id("诸暨市司法局").await;
        let (reviewer_id, reviewer) = app
            .user_with_role(&sys, &sec, "fazhishenhe", bureau, "supervisor")
            .await;

        // Art. 58's review names its case.
        let page = clerk.text("/review/requests/new").await;
        assert!(page.contains(&format!("案件 {case}：占道经营案")), "{page}");
        let r = clerk
            .post(
                "/review/requests",
                &[
                    ("csrf", csrf_of(&page)),
                    ("kind", "enforcement".into()),
                    ("title", "占道经营案法制审核".into()),
                    ("draft", "拟给予警告。".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("须选择所审核的案件"));
        let review = submit_review(&clerk, "enforcement", "占道经营案法制审核", Some(case)).await;
        let legal_review = |on: String| vec![("action", "legal_review".to_string()), ("on", on)];
        let today = fazhi_core::deadlines::china_today();

        // The case waits for the review, then is not dated before its opinion.
        let (status, body) =
            versioned_step(&clerk, &case_path, &legal_review(today.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains(&format!("合法性审查 {review}）尚未办结")),
            "{body}"
        );
        conclude_submitted(
            &clerk,
            &reviewer,
            reviewer_id,
            review,
            &["report", "evidence"],
        )
        .await;
        let (status, body) =
            versioned_step(&clerk, &case_path, &legal_review("2024-06-06".into())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("早于审核意见签署日期"), "{body}");
        let (status, body) =
            versioned_step(&clerk, &case_path, &legal_review(today.to_string())).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let page = clerk.text(&case_path).await;
        assert!(
            page.contains(&format!("/review/requests/{review}")) && page.contains("已办结"),
            "{page}"
        );
        let page = clerk.text(&format!("/review/requests/{review}")).await;
        assert!(
            page.contains(&format!("/enforcement/cases/{case}")),
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_centre_edits_the_procedures_but_not_under_a_request_under_way() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let town = app.department_id("店口镇人民政府").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "liucheng", town, "town_clerk")
            .await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "liuchengsup", bureau, "supervisor")
            .await;
        assert_eq!(
            clerk.get("/review/procedures").await.status(),
            StatusCode::FORBIDDEN
        );
        let page = sup.text("/review/procedures").await;
        assert!(
            page.contains("[[kind]]") && page.contains("当前为系统内置流程"),
            "{page}"
        );
        let save = |text: String, version: &str| {
            let sup = &sup;
            let version = version.to_string();
            async move {
                let page = sup.text("/review/procedures").await;
                let r = sup
                    .post(
                        "/review/procedures",
                        &[
                            ("csrf", csrf_of(&page)),
                            ("version", version),
                            ("procedures", text),
                        ],
                    )
                    .await;
                let status = r.status();
                (status, r.text().await.unwrap())
            }
        };
        let built = fazhi_core::review::procedure::BUILT_IN;
        let (status, body) = save("[[kind]]\ncode = ".into(), "0").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("审查流程配置格式有误"), "{body}");

        // A town request under way: its kind's stages stay as they are.
        submit_review(&clerk, "town", "店口镇集体资产出租方案", None).await;
        let renamed = built.replace(
            "{ code = \"review\", step = \"合法性审查\", name = \"审查（1+3+N）\"",
            "{ code = \"review2\", step = \"合法性审查\", name = \"审查（1+3+N）\"",
        );
        assert_ne!(renamed, built);
        let (status, body) = save(renamed, "0").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("镇乡（街道）合法性审查事项") && body.contains("正在办理"),
            "{body}"
        );

        // A longer limit for contracts is taken, and new requests see it.
        let longer = built.replace(
            "limit_days = 7\nlimit_source = \"诸暨市合法性审查工作指引（本市规定，可配置）\"",
            "limit_days = 9\nlimit_source = \"诸暨市合法性审查工作指引（本市规定，可配置）\"",
        );
        assert_ne!(longer, built);
        let (status, body) = save(longer.clone(), "0").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let form = clerk.text("/review/requests/new").await;
        assert!(form.contains("行政合同（审查期限 9 个工作日）"), "{form}");
        let (status, _) = save(longer, "0").await;
        assert_eq!(status, StatusCode::CONFLICT, "a stale version");
    }
}
