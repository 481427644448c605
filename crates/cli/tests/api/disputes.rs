//! The one window walked through its pages: a dispute routed by the rules with the rule named,
//! seen by its town and not by another, re-routed after a change of kind, escalated when its
//! level's limit lapses (人民调解工作若干规定 art. 33), overridden only by the window, agreed and
//! judicially confirmed within 30 days (人民调解法 art. 33), followed up; the 12345 import
//! idempotent with line-numbered errors; online intake after a verified identity; the figures
//! counted again from the rows.

use reqwest::StatusCode;

use crate::helpers::*;

fn id_of(r: &reqwest::Response) -> i64 {
    let location = r.headers()["location"].to_str().unwrap();
    location
        .trim_start_matches("/disputes/")
        .trim_start_matches("/public/disputes/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{location}"))
}

fn intake(
    kind: &str,
    town: i64,
    amount: &str,
    received: chrono::NaiveDate,
) -> Vec<(&'static str, String)> {
    vec![
        ("applicant", "王小明".into()),
        ("applicant_phone", "13812345678".into()),
        ("respondent", "李大强".into()),
        ("respondent_phone", String::new()),
        ("kind", kind.into()),
        ("town_id", town.to_string()),
        ("village", "湄池村".into()),
        ("description", "相邻宅基地通行纠纷，请求调解".into()),
        ("amount", amount.into()),
        ("party_count", String::new()),
        ("received_on", received.to_string()),
    ]
}

#[tokio::test]
async fn disputes_are_routed_escalated_agreed_and_counted() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let dk = app.department_id("店口镇人民政府").await;
        let fq = app.department_id("枫桥镇人民政府").await;
        let (_, window) = app
            .user_with_role(&sys, &sec, "chuangkou", bureau, "supervisor")
            .await;
        let (_, dk_clerk) = app
            .user_with_role(&sys, &sec, "dk_tiaojie", dk, "town_clerk")
            .await;
        let (_, fq_clerk) = app
            .user_with_role(&sys, &sec, "fq_tiaojie", fq, "town_clerk")
            .await;
        let keyring =
            fazhi_core::vault::Keyring::parse(&app.data_keys, None, &app.index_key).unwrap();
        let today = fazhi_core::deadlines::china_today();
        let days = |n: i64| today - chrono::Duration::days(n);

        // Bad input: every refusal said, nothing written.
        let mut bad = intake("wages", dk, "两万", today + chrono::Duration::days(1));
        bad[0].1 = String::new();
        bad[1].1 = "1381234".into();
        let r = submit(&window, "/disputes/new", "/disputes", &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains("涉及金额“两万”应为整数"), "{page}");
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("wages", dk, "", today + chrono::Duration::days(1))
                .into_iter()
                .map(|(k, v)| match k {
                    "applicant" => (k, String::new()),
                    "applicant_phone" => (k, "1381234".into()),
                    _ => (k, v),
                })
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("请填写申请人")
                && page.contains("手机号码“1381234”")
                && page.contains("受理日期在今天之后"),
            "{page}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM disputes").await, 0);

        // Wages under 20,000 in 店口镇: rule 12, the town's centre, the simple track.
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("wages", dk, "18000", today),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let wages = id_of(&r);
        let path = format!("/disputes/{wages}");
        let page = window.text(&path).await;
        assert!(
            page.contains("规则 12：劳动报酬；金额 ≤ 20000 元 → 店口镇矛盾纠纷调解中心（简易）"),
            "{page}"
        );
        assert!(page.contains("138****5678") && !page.contains("13812345678"));
        assert!(
            page.contains("简案快调"),
            "the simple track's limit: {page}"
        );
        // Its town sees it; another town does not.
        assert!(
            dk_clerk
                .text("/disputes")
                .await
                .contains(&format!("/disputes/{wages}"))
        );
        assert_eq!(fq_clerk.get(&path).await.status(), StatusCode::NOT_FOUND);
        assert!(
            !fq_clerk
                .text("/disputes")
                .await
                .contains(&format!("/disputes/{wages}"))
        );

        // Only the window overrides the rules; with a reason.
        let hrss = app.department_id("诸暨市人力资源和社会保障局").await;
        let reroute = |reason: &str| {
            vec![
                ("action", "reroute".to_string()),
                ("on", today.to_string()),
                ("handler", "department".into()),
                ("department_id", hrss.to_string()),
                ("track", "complex".into()),
                ("reason", reason.to_string()),
            ]
        };
        let (status, _) = versioned_step(&dk_clerk, &path, &reroute("欠薪涉及劳动监察")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, page) = versioned_step(&window, &path, &reroute("")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("请填写理由"), "{page}");
        let (status, page) = versioned_step(&window, &path, &reroute("欠薪涉及劳动监察")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let page = window.text(&path).await;
        assert!(
            page.contains("人工改派 → 行业主管部门（诸暨市人力资源和社会保障局）（复杂）")
                && page.contains("理由：欠薪涉及劳动监察"),
            "{page}"
        );
        // The town no longer holds it.
        assert_eq!(dk_clerk.get(&path).await.status(), StatusCode::NOT_FOUND);

        // A neighbours' quarrel goes to its village; its kind corrected to land, the rules send
        // it to the town (rule 31) and the re-routing is recorded beside the first.
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("neighbour", fq, "", today),
        )
        .await;
        let village = id_of(&r);
        let vpath = format!("/disputes/{village}");
        assert!(window.text(&vpath).await.contains("规则 30"));
        let (status, page) = versioned_step(
            &fq_clerk,
            &vpath,
            &[
                ("action", "change_kind".to_string()),
                ("on", today.to_string()),
                ("kind", "land".into()),
                ("reason", "实为宅基地使用权纠纷".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let page = fq_clerk.text(&vpath).await;
        assert!(
            page.contains("分流 1：按规则分流")
                && page.contains("分流 2：纠纷类型变更后重新分流")
                && page
                    .contains("规则 31：土地山林宅基地、物业房屋 → 枫桥镇矛盾纠纷调解中心（复杂）"),
            "{page}"
        );

        // The lapse of a level's limit: received 16 days ago on the simple track (15 days),
        // the village committee's limit ran out yesterday; the job takes it up to the town,
        // and a complex one at the town 31 days old up to the city.
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("family", fq, "3000", days(16)),
        )
        .await;
        let lapsed = id_of(&r);
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("land", fq, "", days(31)),
        )
        .await;
        let lapsed_town = id_of(&r);
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("family", fq, "3000", days(14)),
        )
        .await;
        let in_time = id_of(&r);
        let overdue = window.text("/disputes?stage=open&overdue=1").await;
        assert!(
            overdue.contains(&format!("/disputes/{lapsed}\""))
                && overdue.contains(&format!("/disputes/{lapsed_town}\""))
                && !overdue.contains(&format!("/disputes/{in_time}\"")),
            "{overdue}"
        );
        let moved = fazhi_core::disputes::escalate_overdue(&app.store, &keyring, today)
            .await
            .unwrap();
        assert_eq!(moved, 2);
        let page = window.text(&format!("/disputes/{lapsed}")).await;
        assert!(
            page.contains("分流 2：逐级升级")
                && page.contains("枫桥镇湄池村人民调解委员会未化解 → 枫桥镇矛盾纠纷调解中心")
                && page.contains("自动升级"),
            "{page}"
        );
        let page = window.text(&format!("/disputes/{lapsed_town}")).await;
        assert!(page.contains("→ 诸暨市社会矛盾纠纷调处化解中心"), "{page}");
        // Run again: nothing more is due.
        assert_eq!(
            fazhi_core::disputes::escalate_overdue(&app.store, &keyring, today)
                .await
                .unwrap(),
            0
        );
        // The city is the top level.
        let (status, page) = versioned_step(
            &window,
            &format!("/disputes/{lapsed_town}"),
            &[
                ("action", "escalate".to_string()),
                ("on", today.to_string()),
                ("reason", "市级仍未化解".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        // The town escalates its own by hand; the dispute then leaves its desk, and the page
        // says where it went.
        let (status, page) = versioned_step(
            &fq_clerk,
            &format!("/disputes/{lapsed}"),
            &[
                ("action", "escalate".to_string()),
                ("on", today.to_string()),
                ("reason", "镇级调解未果，申请市级调处".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("现由诸暨市社会矛盾纠纷调处化解中心办理")
                && page.contains("不在本单位的纠纷工作台中"),
            "{page}"
        );

        // Agreement at the village, judicial confirmation: 31 days after is refused (art. 33).
        let agreed_on = days(40);
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("neighbour", fq, "800", days(45)),
        )
        .await;
        let agreed = id_of(&r);
        let apath = format!("/disputes/{agreed}");
        let (status, page) = versioned_step(
            &fq_clerk,
            &apath,
            &[
                ("action", "agree".to_string()),
                ("on", agreed_on.to_string()),
                ("terms", "李大强于十日内拆除围墙，恢复通行".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let confirm = |applied: chrono::NaiveDate| {
            vec![
                ("action", "confirm".to_string()),
                ("applied_on", applied.to_string()),
                ("on", today.to_string()),
                ("court_ref", "（2026）浙0681民特88号".into()),
            ]
        };
        let (status, page) = versioned_step(
            &fq_clerk,
            &apath,
            &confirm(agreed_on + chrono::Duration::days(31)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("第三十三条"), "{page}");
        let (status, _) = versioned_step(
            &fq_clerk,
            &apath,
            &confirm(agreed_on + chrono::Duration::days(30)),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = versioned_step(
            &fq_clerk,
            &apath,
            &[
                ("action", "follow_up".to_string()),
                ("on", today.to_string()),
                ("satisfaction", "satisfied".into()),
                ("note", "围墙已拆除，双方满意".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = fq_clerk.text(&apath).await;
        assert!(
            page.contains("达成调解协议（已司法确认）") && page.contains("满意：围墙已拆除"),
            "{page}"
        );
        // A referral (art. 26).
        let (status, _) = versioned_step(
            &fq_clerk,
            &format!("/disputes/{in_time}"),
            &[
                ("action", "refer".to_string()),
                ("on", today.to_string()),
                ("to", "向人民法院提起诉讼".into()),
                ("reason", "双方分歧较大，调解不成".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        // The window's rules, edited: a department not in the directory is refused; a save
        // over a newer one (409) shows what is in force and keeps the person's text beside it;
        // a saved change routes the next dispute.
        let page = window.text("/disputes/routing").await;
        let version = |page: &str| {
            page.split("name=\"version\" value=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string()
        };
        let builtin = fazhi_core::disputes::routing::BUILT_IN;
        let save = |text: String, version: String, csrf: String| {
            let window = &window;
            async move {
                window
                    .post(
                        "/disputes/routing",
                        &[("csrf", csrf), ("version", version), ("rules", text)],
                    )
                    .await
            }
        };
        let r = save(
            builtin.replace("诸暨市卫生健康局", "诸暨市不存在局"),
            version(&page),
            csrf_of(&page),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("部门“诸暨市不存在局”不在组织机构中")
        );
        let raised = builtin.replace("amount_max = 20000", "amount_max = 30000");
        let r = save(raised.clone(), version(&page), csrf_of(&page)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = save(
            builtin.replace("amount_max = 20000", "amount_max = 10000"),
            version(&page),
            csrf_of(&page),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let stale = r.text().await.unwrap();
        assert!(
            stale.contains("已被他人修改") && stale.contains("您未保存的修改"),
            "{stale}"
        );
        assert!(stale.contains("amount_max = 30000") && stale.contains("amount_max = 10000"));
        let r = submit(
            &window,
            "/disputes/new",
            "/disputes",
            &intake("wages", dk, "25000", today),
        )
        .await;
        let page = window.text(&format!("/disputes/{}", id_of(&r))).await;
        assert!(
            page.contains("规则 12：劳动报酬；金额 ≤ 30000 元"),
            "{page}"
        );

        // The 12345 import: idempotent by work order, bad lines named by number.
        let file =
            std::env::temp_dir().join(format!("fazhi-12345-{}-{:?}.jsonl", std::process::id(), db));
        let line = |reference: &str, kind: &str, town: &str| {
            format!(
                r#"{{"ref":"{reference}","received_on":"{today}","kind":"{kind}","town":"{town}","village":"新桥村","description":"拖欠工资","amount":6000,"party_count":3,"applicant":{{"name":"赵六","phone":"13900001111"}},"respondent":{{"name":"某建筑公司"}}}}"#
            )
        };
        let text = [
            line("ZJ12345-1", "劳动报酬", "店口镇"),
            String::new(),
            line("ZJ12345-2", "wages", "不存在镇"),
            "{not json".into(),
            line("ZJ12345-3", "邻里纠纷", "枫桥镇"),
            line("ZJ12345-1", "劳动报酬", "店口镇"),
        ]
        .join("\n");
        std::fs::write(&file, &text).unwrap();
        let out = app.cli(&["import", "disputes", file.to_str().unwrap(), "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["inserted"], 2, "{report}");
        assert_eq!(report["unchanged"], 1, "{report}");
        assert_eq!(report["rejected"], 2, "{report}");
        assert_eq!(report["errors"][0]["line"], 3, "{report}");
        assert!(
            report["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("不存在镇")
        );
        assert_eq!(report["errors"][1]["line"], 4, "{report}");
        let again = app.cli(&["import", "disputes", file.to_str().unwrap(), "--json"]);
        let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(
            (report["inserted"].clone(), report["unchanged"].clone()),
            (0.into(), 3.into())
        );
        std::fs::remove_file(&file).ok();
        let explanation: String = sqlx::query_scalar(
            "SELECT r.explanation FROM dispute_routings r JOIN disputes d ON d.id = r.dispute_id
             WHERE d.hotline_ref = 'ZJ12345-1' AND d.channel = 'hotline'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(explanation.starts_with("规则 12："), "{explanation}");
        // The figures, counted again from the rows.
        let year: i32 = today.format("%Y").to_string().parse().unwrap();
        let actor = fazhi_core::Actor::operator();
        let f = fazhi_core::disputes::figures(&app.store, &actor, year)
            .await
            .unwrap();
        let count = |sql: &'static str| app.count(sql);
        let received_this_year =
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM disputes WHERE received_on >= $1")
                .bind(format!("{year}-01-01"))
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(f.total.received, received_this_year);
        if days(45).format("%Y").to_string() == year.to_string() {
            assert_eq!(
                f.total.received,
                count("SELECT COUNT(*) FROM disputes").await
            );
            assert_eq!(
                f.total.agreed,
                count("SELECT COUNT(*) FROM disputes WHERE stage = 'agreed'").await
            );
            assert_eq!(
                f.total.escalated,
                count("SELECT COUNT(*) FROM disputes WHERE escalations > 0").await
            );
            assert_eq!(f.total.escalated, 2);
            assert_eq!(f.total.resolution_rate(), Some(0.5), "1 agreed, 1 referred");
            assert_eq!(f.total.satisfaction_rate(), Some(1.0));
        }
        let by_kind: i64 = f.by_kind.iter().map(|(_, t)| t.received).sum();
        let by_town: i64 = f.by_town.iter().map(|(_, t)| t.received).sum();
        let by_level: i64 = f.by_handler.iter().map(|(_, t)| t.received).sum();
        assert_eq!(
            (by_kind, by_town, by_level),
            (f.total.received, f.total.received, f.total.received)
        );
        let page = window.text(&format!("/disputes/figures?year={year}")).await;
        assert!(
            page.contains("<svg") && page.contains(&format!("受理 {} 件", f.total.received)),
            "{page}"
        );
        // A town clerk's figures are their town's.
        let dk_page = dk_clerk
            .text(&format!("/disputes/figures?year={year}"))
            .await;
        assert!(!dk_page.contains("枫桥镇"), "{dk_page}");
    }
}

#[tokio::test]
async fn a_citizen_verifies_their_identity_applies_online_and_sees_only_their_own() {
    for db in backends() {
        let app = spawn_app(db).await;
        let dk = app.department_id("店口镇人民政府").await;
        let citizen = app.browser();
        // Unverified, the portal asks who they are first.
        let page = citizen.text("/public/disputes/new").await;
        assert!(
            page.contains("实名核验") && page.contains("公民身份号码"),
            "{page}"
        );
        // A wrong check digit is refused, saying so.
        let good = resident_id("33068119850315123");
        let wrong_digit = format!(
            "{}{}",
            &good[..17],
            if good.ends_with('0') { '1' } else { '0' }
        );
        let (status, page) = verify(&citizen, wrong_digit).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("公民身份号码有误（校验码不符）"), "{page}");
        assert!(
            !page.contains("校验码应为"),
            "the right check character is not told"
        );
        let (status, page) = verify(&citizen, good.clone()).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        // The stand-in second factor says what it is.
        assert!(
            page.contains("演示环境没有接入短信网关") && page.contains("138****5678"),
            "{page}"
        );
        let code: String = page
            .split("的验证码是 ")
            .nth(1)
            .unwrap()
            .chars()
            .take(6)
            .collect();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = confirm(&citizen, &page, wrong.into()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("还可尝试 4 次"));
        let r = confirm(&citizen, &page, code).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/public/disputes/new");

        let page = citizen.text("/public/disputes/new").await;
        assert!(page.contains("申请人：王小明（330681"), "{page}");
        let mut form = intake("wages", dk, "9000", fazhi_core::deadlines::china_today());
        form.retain(|(k, _)| !["applicant", "applicant_phone", "received_on"].contains(k));
        let mut all = vec![("csrf", csrf_of(&page))];
        all.extend(form);
        let r = citizen.post("/public/disputes", &all).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = id_of(&r);
        let page = citizen.text(&format!("/public/disputes/{id}?sent=1")).await;
        assert!(
            page.contains("已转店口镇矛盾纠纷调解中心办理") && page.contains("规则 12"),
            "{page}"
        );
        assert!(
            citizen
                .text("/public/disputes")
                .await
                .contains(&format!("/public/disputes/{id}"))
        );
        let (channel, applicant): (String, String) = sqlx::query_as(
            "SELECT d.channel, p.name FROM disputes d JOIN dispute_parties p ON p.dispute_id = d.id
             WHERE d.id = $1 AND p.side = 'applicant'",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((channel.as_str(), applicant.as_str()), ("portal", "王小明"));

        // Someone who knows the ID number but verifies another phone does not see it.
        let other = app.browser();
        let (_, page) = verify_as(&other, good.clone(), "13900009999").await;
        let code: String = page
            .split("的验证码是 ")
            .nth(1)
            .unwrap()
            .chars()
            .take(6)
            .collect();
        let r = other
            .post(
                "/public/identity/confirm",
                &[
                    ("csrf", csrf_of(&page)),
                    ("next", "/public/disputes".into()),
                    ("code", code),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            other.get(&format!("/public/disputes/{id}")).await.status(),
            StatusCode::NOT_FOUND
        );
        assert!(
            !other
                .text("/public/disputes")
                .await
                .contains(&format!("/public/disputes/{id}"))
        );
        // Codes to one phone are limited however many IDs and browsers ask (no SMS flooding).
        for n in 0..6 {
            let b = app.browser();
            let (status, _) = verify_as(
                &b,
                resident_id(&format!("3306811990010100{n}")),
                "13600006666",
            )
            .await;
            let expected = if n < 5 {
                StatusCode::OK
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(status, expected, "code {n} to one phone");
        }
        // Signing out of the identity ends it.
        let page = citizen.text("/public/identity/out").await;
        assert!(page.contains("实名核验"));
        assert!(
            citizen
                .text(&format!("/public/disputes/{id}"))
                .await
                .contains("获取验证码")
        );
    }
}

/// The portal's identity form filled in by `b`: (status, page).
async fn verify(b: &Browser, id: String) -> (StatusCode, String) {
    verify_as(b, id, "13812345678").await
}

async fn verify_as(b: &Browser, id: String, mobile: &str) -> (StatusCode, String) {
    let page = b.text("/public/identity?next=/public/disputes/new").await;
    let r = b
        .post(
            "/public/identity",
            &[
                ("csrf", csrf_of(&page)),
                ("next", "/public/disputes/new".into()),
                ("name", "王小明".into()),
                ("id_number", id),
                ("mobile", mobile.into()),
            ],
        )
        .await;
    (r.status(), r.text().await.unwrap())
}

async fn confirm(b: &Browser, page: &str, code: String) -> reqwest::Response {
    b.post(
        "/public/identity/confirm",
        &[
            ("csrf", csrf_of(page)),
            ("next", "/public/disputes/new".into()),
            ("code", code),
        ],
    )
    .await
}
