//! Long because it walks every step of the penalty case with the law each checks; to be split by stage with the case aggregate (issue 15).
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
        catalog_with_b001_delegated_to_dianko(&app, &editor).await;

        let first17 = "33068119850315123";
        let id = resident_id(first17);
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
                            ("origin", "监督检查".into()),
                            ("summary", "占道经营".into()),
                            ("approver", "李局长".into()),
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
        let html = r.text().await.unwrap();
        assert!(html.contains("公民身份号码无效：校验码应为"), "{html}");
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

pub(crate) const COMPANY: [&str; 3] = [
    "organisation",
    "诸暨市某某贸易有限公司",
    "91330100799655058B",
];

/// Imports A001 (market regulation) and B001 (comprehensive enforcement) and delegates B001 to
/// 店口镇 from 2024-01-01, as the catalog maintainer `editor`.
async fn catalog_with_b001_delegated_to_dianko(app: &TestApp, editor: &Browser) {
    let row = |code, name, dept, law, article| {
        vec![
            code,
            name,
            "行政处罚",
            if code == "A001" {
                "专业执法"
            } else {
                "综合执法"
            },
            dept,
            law,
            article,
            "……",
            "2023-01-01",
            "",
        ]
    };
    let catalog = xlsx(
        &fazhi_core::enforcement::catalog::rules::HEADERS,
        &[
            row(
                "A001",
                "销售不合格产品",
                "诸暨市市场监督管理局",
                "《中华人民共和国产品质量法》",
                "第四十九条",
            ),
            row(
                "B001",
                "占道经营",
                "诸暨市综合行政执法局",
                "《城市市容和环境卫生管理条例》",
                "第三十六条",
            ),
        ],
    );
    assert_eq!(
        upload_to(editor, "/enforcement/catalog/import", catalog)
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
}

/// Sets up a town clerk of 店口镇 with B001 delegated and files one case; returns the clerk and
/// the case's path.
pub(crate) async fn filed_case(app: &TestApp, party: [&str; 3]) -> (Browser, String) {
    filed_case_with(app, party, &[]).await
}

/// As `filed_case`, with further fields of the filing form.
pub(crate) async fn filed_case_with(
    app: &TestApp,
    party: [&str; 3],
    extra: &[(&str, &str)],
) -> (Browser, String) {
    let sys = app.admin("sysadmin").await;
    let sec = app.admin("secadmin").await;
    let bureau = app.department_id("诸暨市司法局").await;
    let dk = app.department_id("店口镇人民政府").await;
    let (_, editor) = app
        .user_with_role(&sys, &sec, "case_sup2", bureau, "supervisor")
        .await;
    let (_, clerk) = app
        .user_with_role(&sys, &sec, "dk_officer2", dk, "town_clerk")
        .await;
    catalog_with_b001_delegated_to_dianko(app, &editor).await;
    let page = clerk.text("/enforcement/cases/new").await;
    let r = clerk
        .post(
            "/enforcement/cases",
            &[
                ("csrf", csrf_of(&page)),
                ("department_id", dk.to_string()),
                ("item_code", "B001".into()),
                ("cause", "占道经营案".into()),
                ("act_ended_on", "2024-05-01".into()),
                ("discovered_on", "2024-05-10".into()),
                ("filed_on", "2024-05-12".into()),
                ("party_kind", party[0].into()),
                ("party_name", party[1].into()),
                ("party_code", party[2].into()),
            ]
            .into_iter()
            .chain(extra.iter().map(|(k, v)| (*k, v.to_string())))
            // The filing form's required source, summary and approver, unless given.
            .chain(
                FILING_DEFAULTS
                    .iter()
                    .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
                    .map(|(k, v)| (*k, v.to_string())),
            )
            .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let path = r.headers()["location"].to_str().unwrap().to_string();
    (clerk, path)
}

/// Another clerk of 店口镇: approves what the first prepared (a decision's publication).
pub(crate) async fn second_dianko_clerk(app: &TestApp, username: &str) -> Browser {
    // The administrators set their passwords when the case was filed: signed in again.
    let again = |user: &'static str| async move {
        let b = app.browser();
        assert_eq!(
            b.login(user, PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        b
    };
    let (sys, sec) = (again("sysadmin").await, again("secadmin").await);
    let dk = app.department_id("店口镇人民政府").await;
    app.user_with_role(&sys, &sec, username, dk, "town_clerk")
        .await
        .1
}

/// 店口镇's document settings: where fines are paid, the reconsideration body, the court — a
/// decision without them holds （待填写） and is not published.
pub(crate) async fn dianko_document_settings(app: &TestApp) {
    let dk = app.department_id("店口镇人民政府").await;
    fazhi_core::enforcement::documents::set_settings(
        &app.store,
        &fazhi_core::access::Actor::operator(),
        dk,
        &fazhi_core::enforcement::documents::DocumentSettings {
            payment_bank: Some("中国农业银行诸暨店口支行".into()),
            payment_account: Some("1922 0101 0400 12345".into()),
            reconsideration_body: Some("诸暨市人民政府".into()),
            court: Some("诸暨市人民法院".into()),
            contact_phone: Some("0575-87051234".into()),
            contact_address: Some("诸暨市店口镇中央路1号".into()),
        },
    )
    .await
    .unwrap();
}

/// `COMPANY`'s legal representative and seat, which its decision states.
pub(crate) const COMPANY_DETAILS: [(&str, &str); 2] = [
    ("party_legal_representative", "王五"),
    ("party_address", "诸暨市店口镇解放路 1 号"),
];

/// What every filing states (行政处罚法 art. 54 ¶2): source, summary, approver.
pub(crate) const FILING_DEFAULTS: [(&str, &str); 3] = [
    ("origin", "监督检查"),
    ("summary", "当事人在店铺门前占道经营"),
    ("approver", "李局长"),
];

/// A case of `COMPANY` filed by 店口镇, its prior notice delivered on 20 May 2024 and the
/// party's written waiver on 21 May: ready for a decision.
pub(crate) async fn waived_case(app: &TestApp) -> (Browser, String) {
    let (clerk, path) = filed_case_with(app, COMPANY, &COMPANY_DETAILS).await;
    for fields in [
        &[("action", "prior_notice"), ("on", "2024-05-20")][..],
        &[("action", "waive"), ("on", "2024-05-21")][..],
    ] {
        let (status, html) = step(&clerk, &path, fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    }
    (clerk, path)
}

pub(crate) async fn step(b: &Browser, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let mut page = b.text(path).await;
    let action = fields.iter().find(|(k, _)| *k == "action").map(|(_, v)| *v);
    let mut fields = fields.to_vec();
    if action == Some("prior_notice") {
        // As a clerk does it: facts found and recorded before the party is told (art. 54, 44),
        // and the notice states the penalty proposed.
        if !page.contains("name=\"action\" value=\"prior_notice\"")
            && page.contains("name=\"action\" value=\"investigate\"")
        {
            let on = fields
                .iter()
                .find(|(k, _)| *k == "on")
                .map_or("", |(_, v)| *v);
            let (status, html) = Box::pin(step(
                b,
                path,
                &[
                    ("action", "investigate"),
                    ("on", on),
                    ("facts", "经查，当事人在店铺门前占道经营"),
                    ("evidence", "现场照片"),
                    ("records", "inspection_record"),
                    ("concluded", "1"),
                ],
            ))
            .await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
            page = b.text(path).await;
        }
        if !fields.iter().any(|(k, _)| *k == "proposed") {
            fields.push(("proposed", "fine"));
            fields.push(("proposed_fine", "5000"));
        }
    }
    if action == Some("close") && !fields.iter().any(|(k, _)| *k == "approver") {
        // A general-procedure closure names its approver (F08).
        fields.push(("approver", "李局长"));
    }
    let mut form = vec![("csrf", csrf_of(&page))];
    // Posted as the page's forms post it: with the version of the case they were shown with.
    if !fields.iter().any(|(k, _)| *k == "version")
        && let Some(at) = page.find("name=\"version\" value=\"")
    {
        let rest = &page[at + "name=\"version\" value=\"".len()..];
        form.push((
            "version",
            rest.chars().take_while(char::is_ascii_digit).collect(),
        ));
    }
    form.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let r = b.post(path, &form).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn the_stages_follow_the_order_and_the_time_limits_of_the_law() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        // Several step forms share field names; each field's id is still unique, so a label
        // focuses its own field.
        let page = clerk.text(&path).await;
        let ids: Vec<&str> = page
            .split(" id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        assert!(page.contains("for=\"s1-on\"") && page.contains("id=\"s2-on\""));
        // No decision before the prior notice.
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-15"),
                ("outcome", "fine"),
                ("fine", "500"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("不能作出决定"));
        // Prior notice delivered Mon 20 May 2024 with the hearing right: 5 WD → Mon 27 May.
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "prior_notice"),
                ("on", "2024-05-20"),
                ("hearing_right", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-27"),
                ("outcome", "fine"),
                ("fine", "500"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("期限至 2024-05-27 届满"), "{html}");
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-28"),
                ("outcome", "fine"),
                ("fine", "abc"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("罚款金额无效"));
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-28"),
                ("outcome", "fine"),
                ("fine", "500"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let record = clerk.text(&path).await;
        // Numbered per issuer and year; the 90-day limit met; delivery due in 7 WD (6 Jun).
        assert!(record.contains("店口镇罚〔2024〕1号"), "{record}");
        assert!(
            record.contains("作出处罚决定：占道经营案：2024-08-12 届满（已完成）"),
            "{record}"
        );
        assert!(
            record.contains("送达处罚决定书：占道经营案：2024-06-06 届满"),
            "{record}"
        );
        // The decision as a document, filled from the case record.
        let r = clerk
            .get(&format!("{path}/documents/penalty_decision.docx"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        for needle in [
            "店口镇罚〔2024〕1号",
            "诸暨市某某贸易有限公司",
            "91330100799655058B",
            "罚款人民币500.00元（大写：伍佰元整）",
            "2024年5月28日",
            "《城市市容和环境卫生管理条例》第三十六条",
        ] {
            assert!(xml.contains(needle), "{needle} not in the decision");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'case_document'")
                .await,
            1
        );
        assert_eq!(
            clerk
                .get(&format!("{path}/documents/no_such.docx"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        // Delivered Thu 30 May: the fine is due 15 CD later, Fri 14 Jun.
        assert_eq!(
            step(
                &clerk,
                &path,
                &[
                    ("action", "deliver"),
                    ("on", "2024-05-30"),
                    ("method", "post"),
                    ("place", "")
                ]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let record = clerk.text(&path).await;
        assert!(
            record.contains("缴纳罚款：占道经营案：2024-06-14 届满"),
            "{record}"
        );
        assert!(record.contains("送达处罚决定书：占道经营案：2024-06-06 届满（已完成）"));
        // A fine must be paid before closing; paid 4 days late (due 14 Jun): 500 × 3 % × 4 = 60 yuan.
        let (status, html) =
            step(&clerk, &path, &[("action", "close"), ("on", "2024-06-20")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("罚款须先执行完毕"));
        assert_eq!(
            step(&clerk, &path, &[("action", "pay"), ("on", "2024-06-18")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let record = clerk.text(&path).await;
        assert!(record.contains("逾期 4 日加处罚款 60.00元"), "{record}");
        let (paid, surcharge): (i64, i64) =
            sqlx::query_as("SELECT paid_fen, surcharge_fen FROM cases")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!((paid, surcharge), (56_000, 6_000));
        assert_eq!(
            step(&clerk, &path, &[("action", "close"), ("on", "2024-06-20")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(
                &clerk,
                &path,
                &[
                    ("action", "archive"),
                    ("on", "2024-06-25"),
                    ("reason", "纸质案卷的签名和印章另行核对")
                ]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let record = clerk.text(&path).await;
        assert!(
            record.contains("已归档") && record.contains("2024-06-20 已结案"),
            "{record}"
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM deadlines WHERE subject_type = 'case' AND state = 'met'"
            )
            .await,
            4
        );
        assert!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'case'")
                .await
                >= 5
        );
    }
}

#[tokio::test]
async fn a_requested_hearing_and_article_58_review_come_before_the_decision() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "prior_notice"),
                ("on", "2024-05-20"),
                ("hearing_right", "1"),
                ("triggers", "major_rights"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            step(
                &clerk,
                &path,
                &[("action", "hearing_requested"), ("on", "2024-05-22")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-06-03"),
                ("outcome", "warning"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("已要求听证"));
        // No hearing without its notice, and the notice 7 working days before (art. 64):
        // delivered Wed 29 May, the hearing may be held from Fri 7 June, not Wed 5 June.
        let (status, html) = step(
            &clerk,
            &path,
            &[("action", "hearing_held"), ("on", "2024-06-05")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("尚未送达听证通知"), "{html}");
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "hearing_notice"),
                ("on", "2024-05-29"),
                ("hearing_on", "2024-06-05"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("听证最早于 2024-06-07 举行"), "{html}");
        // Delivered Thu 23 May: seven working days end Mon 3 June.
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "hearing_notice"),
                ("on", "2024-05-23"),
                ("hearing_on", "2024-06-05"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            step(
                &clerk,
                &path,
                &[("action", "hearing_held"), ("on", "2024-06-05")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-06-07"),
                ("outcome", "warning"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("须经法制审核"));
        assert_eq!(
            step(
                &clerk,
                &path,
                &[("action", "legal_review"), ("on", "2024-06-06")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        // Not dated before the hearing it rests on (art. 65) nor before the review (art. 58).
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-06-04"),
                ("outcome", "warning"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("早于听证日 2024-06-05")
                && html.contains("第六十五条")
                && html.contains("早于法制审核完成日 2024-06-06"),
            "{html}"
        );
        assert_eq!(
            step(
                &clerk,
                &path,
                &[
                    ("action", "decide"),
                    ("on", "2024-06-07"),
                    ("outcome", "warning")
                ]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        assert!(clerk.text(&path).await.contains("警告"));
    }
}

#[tokio::test]
async fn a_decision_is_reviewed_redacted_published_and_withdrawn_with_its_reason() {
    for db in backends() {
        let app = spawn_app(db).await;
        let first17 = "33068119850315123";
        let id = resident_id(first17);
        let (clerk, path) = filed_case_with(
            &app,
            ["person", "王小明", &id],
            &[("party_address", "诸暨市暨阳街道某某路12号")],
        )
        .await;
        assert_eq!(
            step(
                &clerk,
                &path,
                &[("action", "prior_notice"), ("on", "2024-05-20")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(&clerk, &path, &[("action", "waive"), ("on", "2024-05-21")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(
                &clerk,
                &path,
                &[
                    ("action", "decide"),
                    ("on", "2024-05-22"),
                    ("outcome", "fine"),
                    ("fine", "200")
                ]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let disclosure = format!("{path}/disclosure");
        // Publishing before the review is refused; the review removes the person's data.
        let (status, html) = step(
            &clerk,
            &disclosure,
            &[("action", "publish"), ("on", "2024-05-24")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请先进行公开前审查"));
        // A decision that would print （待填写） is not published; the page says where to set it.
        let (status, html) = step(&clerk, &disclosure, &[("action", "review")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("决定书中仍有待填写的内容，不能公开")
                && html.contains("/enforcement/document-settings"),
            "{html}"
        );
        assert!(
            clerk
                .text(&path)
                .await
                .contains("本部门尚未设置缴款银行和账号、行政复议机关、人民法院")
        );
        dianko_document_settings(&app).await;
        assert_eq!(
            step(&clerk, &disclosure, &[("action", "review")]).await.0,
            StatusCode::SEE_OTHER
        );
        let review = clerk.text(&disclosure).await;
        assert!(
            review.contains("已去除：公民身份号码") && review.contains("已去除：自然人姓名"),
            "{review}"
        );
        // The reviewer sees the removed ID masked, as on the case page; the database holds the
        // removed data sealed, never in clear beside the redacted text (issue 14).
        assert!(
            review.contains("330681********") && !review.contains(&id),
            "{review}"
        );
        let stored: String = sqlx::query_scalar("SELECT findings FROM disclosures")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(
            stored.starts_with("sm4gcm:") && !stored.contains(&id) && !stored.contains("王小明"),
            "{stored}"
        );

        let text: String = sqlx::query_scalar("SELECT redacted_text FROM disclosures")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(
            text.contains("王某") && !text.contains("王小明") && !text.contains(&id),
            "{text}"
        );
        assert!(text.contains("店口镇罚〔2024〕1号"));
        // Who generated the text does not approve it; another clerk of the town does.
        let (status, html) = step(
            &clerk,
            &disclosure,
            &[("action", "publish"), ("on", "2024-05-24")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("须由本单位另一名工作人员"), "{html}");
        let reviewer = second_dianko_clerk(&app, "dk_shenhe").await;
        assert_eq!(
            step(
                &reviewer,
                &disclosure,
                &[("action", "publish"), ("on", "2024-05-24")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        // 7 WD from 22 May: met on 24 May.
        assert!(
            clerk
                .text(&path)
                .await
                .contains("公开处罚决定：占道经营案：2024-05-31 届满（已完成）")
        );
        // The public, without signing in, sees only the redacted decision.
        let public = reqwest::Client::new();
        let list = public
            .get(format!("{}/public/decisions?q=王某", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            list.contains("店口镇罚〔2024〕1号") && !list.contains("王小明"),
            "{list}"
        );
        let pid: i64 = sqlx::query_scalar("SELECT id FROM disclosures")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let page = public
            .get(format!("{}/public/decisions/{pid}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("王某") && !page.contains(&id));
        // The decision is revoked on Tue 18 June 2024: withdrawal is due within 3 working days,
        // Fri 21 June (art. 48), on the deadline engine.
        let (status, _) = step(
            &clerk,
            &disclosure,
            &[
                ("action", "decision_changed"),
                ("on", "2024-06-18"),
                ("reason", "复议决定撤销原处罚决定"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let due: (String, String) = sqlx::query_as(
            "SELECT due_on, state FROM deadlines WHERE article = '第四十八条第二款'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(due.0, "2024-06-21");
        assert_ne!(due.1, "met");
        // Withdrawn after the decision was revoked: the reason is shown to the public.
        let (status, _) = step(
            &clerk,
            &disclosure,
            &[("action", "withdraw"), ("on", "2024-06-20"), ("reason", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = step(
            &clerk,
            &disclosure,
            &[
                ("action", "withdraw"),
                ("on", "2024-06-20"),
                ("reason", "复议决定撤销原处罚决定"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = public
            .get(format!("{}/public/decisions/{pid}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("已于 2024-06-20 撤回") && page.contains("复议决定撤销原处罚决定"));
        let state: String =
            sqlx::query_scalar("SELECT state FROM deadlines WHERE article = '第四十八条第二款'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(state, "met");
        assert_eq!(
            public
                .get(format!("{}/public/decisions/999", app.base))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        // Key rotation covers it: re-sealed under the new key.
        let (new_keys, _) = fazhi_core::vault::Keyring::generate();
        let both = format!("{},2:{}", app.data_keys, new_keys.trim_start_matches("1:"));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args(["keys", "rotate"])
            .args(&app.cli_db)
            .env("FAZHI_DATA_KEYS", &both)
            .env("FAZHI_INDEX_KEY", &app.index_key)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stored: String = sqlx::query_scalar("SELECT findings FROM disclosures")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(stored.starts_with("sm4gcm:2:"), "{stored}");
    }
}

#[tokio::test]
async fn a_decision_outside_the_benchmark_needs_a_written_reason_and_is_flagged() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let row = |grade: &str, min: &str, max: &str| -> Vec<String> {
            [
                "B001",
                "2023-01-01",
                "《城市市容和环境卫生管理条例》第三十六条",
                "裁量档次",
                grade,
                "占道",
                "否",
                "固定金额",
                min,
                max,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        };
        let report = fazhi_core::enforcement::benchmarks::import(
            &app.store,
            &fazhi_core::access::Actor::operator(),
            &[
                (2, row("一般", "500", "2000")),
                (3, row("较重", "2000", "5000")),
            ],
        )
        .await
        .unwrap();
        assert_eq!(report.inserted, 1, "{report:?}");
        let (status, _) = step(
            &clerk,
            &path,
            &[("action", "prior_notice"), ("on", "2024-05-20")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = step(&clerk, &path, &[("action", "waive"), ("on", "2024-05-21")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let decide = |fine: &'static str, reason: &'static str| {
            let clerk = &clerk;
            let path = path.clone();
            async move {
                step(
                    clerk,
                    &path,
                    &[
                        ("action", "decide"),
                        ("on", "2024-05-22"),
                        ("outcome", "fine"),
                        ("fine", fine),
                        ("severity", "一般"),
                        ("deviation_reason", reason),
                    ],
                )
                .await
            }
        };
        // 5,000 yuan for an ordinary case: the benchmark says 500 to 2,000.
        let (status, html) = decide("5000", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("偏离裁量基准") && html.contains("须填写书面理由"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE decided_on IS NOT NULL")
                .await,
            0
        );
        let (status, _) = decide("5000", "当事人多次占道，经劝导仍拒不改正").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = clerk.text(&path).await;
        assert!(
            page.contains("偏离裁量基准：建议罚款") && page.contains("经劝导仍拒不改正"),
            "{page}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE discretion = 'outside' AND deviation_reason IS NOT NULL").await,
            1
        );
        // The decision itself states the benchmark's recommendation and the reason for leaving it.
        let xml = decision_xml(&clerk, &path).await;
        assert!(
            xml.contains("对照本机关的行政处罚裁量基准：建议罚款")
                && xml.contains("本决定未按该基准作出，理由是：当事人多次占道，经劝导仍拒不改正"),
            "{xml}"
        );
    }
}

#[tokio::test]
async fn the_summary_procedure_decides_on_the_spot_within_article_51() {
    for db in backends() {
        let app = spawn_app(db).await;
        // A company, filed 2024-05-12.
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let spot = |on: &'static str, fine: &'static str| {
            let clerk = &clerk;
            let path = path.clone();
            async move {
                step(
                    clerk,
                    &path,
                    &[
                        ("action", "on_the_spot"),
                        ("on", on),
                        ("outcome", "fine"),
                        ("fine", fine),
                    ],
                )
                .await
            }
        };
        let (status, html) = spot("2024-05-13", "2000").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("决定日应为立案当日"), "{html}");
        let (status, html) = spot("2024-05-12", "5000").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("超过当场处罚的上限") && html.contains("第五十一条"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE procedure = 'summary'")
                .await,
            0
        );
        let (status, _) = spot("2024-05-12", "2000").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = clerk.text(&path).await;
        assert!(
            page.contains("简易程序当场作出处罚决定并交付") && page.contains("店口镇罚〔2024〕1号"),
            "{page}"
        );
        // Payment within 15 days of handing over (art. 67): due Mon 27 May 2024.
        let due: String =
            sqlx::query_scalar("SELECT due_on FROM deadlines WHERE article = '第六十七条'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(due, "2024-05-27");
        let (status, _) = step(&clerk, &path, &[("action", "pay"), ("on", "2024-05-20")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn each_department_publishes_within_its_own_limit_in_force_on_the_decision_day() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let bureau = app.department_id("诸暨市司法局").await;
        let dk = app.department_id("店口镇人民政府").await;
        // The administrators are signed in by `filed_case`; this supervisor comes from the console.
        let out = app.cli(&[
            "user",
            "create",
            "--username",
            "gongkai",
            "--display-name",
            "公开审核",
            "--department-id",
            &bureau.to_string(),
            "--role",
            "supervisor",
        ]);
        let otp = String::from_utf8_lossy(&out.stdout)
            .rsplit(' ')
            .next()
            .unwrap()
            .trim()
            .to_string();
        let sup = app.browser();
        assert_eq!(
            sup.login("gongkai", &otp).await.status(),
            StatusCode::SEE_OTHER
        );
        sup.change_password(&otp, PASSWORD).await;
        let set = |days: &'static str, warnings: &'static str, from: &'static str| {
            let sup = &sup;
            async move {
                step(
                    sup,
                    "/enforcement/publication-limits",
                    &[
                        ("department_id", &dk.to_string()),
                        ("days", days),
                        ("publish_warnings", warnings),
                        ("from", from),
                    ],
                )
                .await
            }
        };
        let (status, html) = set("0", "", "2024-01-01").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("1 至 60 个工作日"), "{html}");
        // This town publishes warnings too (by default a warning alone is not published).
        assert_eq!(set("20", "1", "2024-01-01").await.0, StatusCode::SEE_OTHER);
        // A later value applies only to decisions from its date.
        assert_eq!(set("10", "", "2024-06-01").await.0, StatusCode::SEE_OTHER);
        // The clerk may not change limits.
        assert_eq!(
            clerk
                .post(
                    "/enforcement/publication-limits",
                    &[("csrf", csrf_of(&clerk.text(&path).await))]
                )
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        for (action, on) in [("prior_notice", "2024-05-20"), ("waive", "2024-05-21")] {
            assert_eq!(
                step(&clerk, &path, &[("action", action), ("on", on)])
                    .await
                    .0,
                StatusCode::SEE_OTHER
            );
        }
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "warning"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // 20 working days from Wed 22 May 2024, the Dragon Boat holiday (10 June) not counted.
        let due: String =
            sqlx::query_scalar("SELECT due_on FROM deadlines WHERE article = '第四十八条'")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(due, "2024-06-20");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'publication_limit'")
                .await,
            2
        );
    }
}

#[tokio::test]
async fn the_investigation_records_facts_and_evidence_that_the_documents_state() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "investigate"),
                ("on", "2024-05-14"),
                ("facts", ""),
                ("evidence", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("查明的事实"), "{html}");
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "investigate"),
                ("on", "2024-05-14"),
                ("facts", "于2024年5月1日在店口镇解放路占用人行道经营"),
                ("evidence", "现场检查笔录\r\n现场照片3张\r\n"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "investigate"),
                ("on", "2024-05-15"),
                ("facts", "于2024年5月1日至10日在店口镇解放路占用人行道经营"),
                ("evidence", "询问笔录"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let page = clerk.text(&path).await;
        assert!(
            page.contains("调查取证：现场检查笔录、现场照片3张") && page.contains("调查取证"),
            "{page}"
        );
        // A document of a step the case has not reached is not made; the investigation's
        // report states the facts found and the evidence.
        let r = clerk
            .get(&format!("{path}/documents/prior_notice.docx"))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = clerk
            .get(&format!("{path}/documents/investigation_report.docx"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        assert!(
            xml.contains("于2024年5月1日至10日在店口镇解放路占用人行道经营")
                && xml.contains("现场检查笔录、现场照片3张、询问笔录"),
            "{xml}"
        );
    }
}

#[tokio::test]
async fn the_party_legal_representative_address_and_phone_reach_the_decision_sealed() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case_with(
            &app,
            COMPANY,
            &[
                ("party_legal_representative", "王建国"),
                ("party_address", "诸暨市店口镇解放路88号"),
                ("party_phone", "13857512345"),
                ("origin", "投诉举报"),
                ("summary", "群众投诉当事人在解放路占道经营，经现场检查属实"),
            ],
        )
        .await;
        let page = clerk.text(&path).await;
        assert!(
            page.contains("王建国") && page.contains("138****2345"),
            "{page}"
        );
        assert!(
            !page.contains("13857512345") && !page.contains("解放路88号"),
            "the page shows neither the number nor the address: {page}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_parties WHERE address_sealed IS NOT NULL AND phone_sealed IS NOT NULL AND address_sealed NOT LIKE '%解放路%' AND phone_sealed NOT LIKE '%13857512345%'")
                .await,
            1,
            "stored sealed"
        );
        decide_fine(&clerk, &path).await;
        let r = clerk
            .get(&format!("{path}/documents/penalty_decision.docx"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        assert!(
            xml.contains("法定代表人：王建国") && xml.contains("住所：诸暨市店口镇解放路88号"),
            "{xml}"
        );
        let r = clerk
            .get(&format!("{path}/documents/filing_approval.docx"))
            .await;
        let filing = document_xml(&r.bytes().await.unwrap());
        assert!(
            filing.contains("案件来源：投诉举报")
                && filing.contains("简要案情：群众投诉当事人在解放路占道经营，经现场检查属实"),
            "{filing}"
        );
        // Bad details are refused with what was wrong, and nothing is filed.
        let dk = app.department_id("店口镇人民政府").await;
        for (fields, expected) in [
            (
                [
                    ("party_kind", "person"),
                    ("party_code", "11010519491231002X"),
                    ("party_legal_representative", "王建国"),
                    ("party_phone", ""),
                ],
                "没有法定代表人",
            ),
            (
                [
                    ("party_kind", "organisation"),
                    ("party_code", COMPANY[2]),
                    ("party_legal_representative", ""),
                    ("party_phone", "12345"),
                ],
                "联系电话“12345”应为",
            ),
            (
                [
                    ("party_kind", "organisation"),
                    ("party_code", COMPANY[2]),
                    ("party_legal_representative", ""),
                    ("origin", "路上看到"),
                ],
                "案件来源“路上看到”应为",
            ),
        ] {
            let form = clerk.text("/enforcement/cases/new").await;
            let mut post = vec![
                ("csrf", csrf_of(&form)),
                ("department_id", dk.to_string()),
                ("item_code", "B001".into()),
                ("cause", "占道经营案".into()),
                ("act_ended_on", "2024-05-01".into()),
                ("discovered_on", "2024-05-10".into()),
                ("filed_on", "2024-05-12".into()),
                ("party_name", "张三".into()),
            ];
            post.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
            let r = clerk.post("/enforcement/cases", &post).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = r.text().await.unwrap();
            assert!(html.contains(expected), "{expected} in {html}");
        }
        // Several faults in one submit: every one is said and its field marked, at once.
        let form = clerk.text("/enforcement/cases/new").await;
        let r = clerk
            .post(
                "/enforcement/cases",
                &[
                    ("csrf", csrf_of(&form)),
                    ("department_id", dk.to_string()),
                    ("item_code", "B001".into()),
                    ("cause", "".into()),
                    ("act_ended_on", "2024-05-11".into()),
                    ("discovered_on", "2024-05-10".into()),
                    ("filed_on", "2024-05-12".into()),
                    ("party_kind", "organisation".into()),
                    ("party_name", COMPANY[1].into()),
                    ("party_code", COMPANY[2].into()),
                    ("origin", "".into()),
                    ("summary", "".into()),
                    ("approver", "".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        for (field, says) in [
            ("cause", "案由"),
            ("filed_on", "日期顺序应为"),
            ("origin", "请选择案件来源"),
            ("summary", "请填写简要案情"),
            ("approver", "请填写立案审批人"),
        ] {
            assert!(html.contains(says), "{says}: {html}");
            assert!(
                html.contains(&format!("name=\"{field}\" aria-invalid=\"true\"")),
                "{field} marked: {html}"
            );
        }
        // Missing days are refused together with the rest, each day marked.
        let form = clerk.text("/enforcement/cases/new").await;
        let r = clerk
            .post(
                "/enforcement/cases",
                &[
                    ("csrf", csrf_of(&form)),
                    ("department_id", dk.to_string()),
                    ("item_code", "B001".into()),
                    ("cause", "占道经营案".into()),
                    ("party_kind", "organisation".into()),
                    ("party_name", COMPANY[1].into()),
                    ("party_code", COMPANY[2].into()),
                    ("summary", "".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        for field in ["act_ended_on", "discovered_on", "filed_on", "summary"] {
            assert!(
                html.contains(&format!("name=\"{field}\" aria-invalid=\"true\"")),
                "{field} marked: {html}"
            );
        }
        assert!(html.contains("请填写违法行为终了日（YYYY-MM-DD）。"));
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 1);
        // The item picker takes the item's name, or its code and name as its list shows them.
        for typed in ["占道经营", "B001 占道经营"] {
            let form = clerk.text("/enforcement/cases/new").await;
            let mut post = vec![
                ("csrf", csrf_of(&form)),
                ("department_id", dk.to_string()),
                ("item_code", typed.to_string()),
                ("cause", "占道经营案".into()),
                ("act_ended_on", "2024-05-01".into()),
                ("discovered_on", "2024-05-10".into()),
                ("filed_on", "2024-05-12".into()),
                ("party_kind", "organisation".into()),
                ("party_name", COMPANY[1].into()),
                ("party_code", COMPANY[2].into()),
            ];
            post.extend(FILING_DEFAULTS.iter().map(|(k, v)| (*k, v.to_string())));
            let r = clerk.post("/enforcement/cases", &post).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{typed}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE item_code = 'B001'")
                .await,
            3
        );
    }
}

#[tokio::test]
async fn the_decision_names_the_department_s_account_reconsideration_body_and_court() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        decide_fine(&clerk, &path).await;
        let before = decision_xml(&clerk, &path).await;
        assert!(
            before.contains("向（待填写）申请行政复议"),
            "unset settings print as to be filled: {before}"
        );
        let bureau = app.department_id("诸暨市司法局").await;
        let dk = app.department_id("店口镇人民政府").await;
        let out = app.cli(&[
            "user",
            "create",
            "--username",
            "wenshu",
            "--display-name",
            "文书管理",
            "--department-id",
            &bureau.to_string(),
            "--role",
            "supervisor",
        ]);
        let otp = String::from_utf8_lossy(&out.stdout)
            .rsplit(' ')
            .next()
            .unwrap()
            .trim()
            .to_string();
        let sup = app.browser();
        assert_eq!(
            sup.login("wenshu", &otp).await.status(),
            StatusCode::SEE_OTHER
        );
        sup.change_password(&otp, PASSWORD).await;
        let settings_page = format!("/enforcement/document-settings?department_id={dk}");
        // A clerk may not change them; a malformed account is refused and nothing is saved.
        assert_eq!(
            clerk.get(&settings_page).await.status(),
            StatusCode::FORBIDDEN
        );
        let dk_s = dk.to_string();
        let fields = |account: &'static str| {
            [
                ("department_id", dk_s.clone()),
                ("payment_bank", "中国农业银行诸暨店口支行".to_string()),
                ("payment_account", account.to_string()),
                ("reconsideration_body", "诸暨市人民政府".to_string()),
                ("court", "绍兴市越城区人民法院".to_string()),
                ("contact_phone", "0575-87051234".to_string()),
                ("contact_address", "诸暨市店口镇中央路1号".to_string()),
            ]
        };
        let bad = post_settings(&sup, &settings_page, fields("ABC-123")).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("只应包含数字"));
        assert!(
            decision_xml(&clerk, &path)
                .await
                .contains("向（待填写）申请行政复议")
        );
        let mut phone = fields("1922 0101 0400 12345");
        phone[5].1 = "abc".into();
        let bad = post_settings(&sup, &settings_page, phone).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("联系电话只应包含数字"));
        let ok = post_settings(&sup, &settings_page, fields("1922 0101 0400 12345")).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let shown = sup.text(&settings_page).await;
        assert!(shown.contains("绍兴市越城区人民法院"), "{shown}");
        // The saved page says so; another department is its own page, with its own values.
        assert!(
            ok.headers()["location"]
                .to_str()
                .unwrap()
                .ends_with("&saved=1")
        );
        let after = decision_xml(&clerk, &path).await;
        assert!(
            after.contains("向诸暨市人民政府申请行政复议")
                && after.contains("向绍兴市越城区人民法院提起行政诉讼"),
            "{after}"
        );
        let r = clerk
            .get(&format!("{path}/documents/prior_notice.docx"))
            .await;
        let notice = document_xml(&r.bytes().await.unwrap());
        assert!(
            notice.contains("联系电话：0575-87051234")
                && notice.contains("地址：诸暨市店口镇中央路1号"),
            "{notice}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'document_settings'")
                .await,
            1
        );
    }
}

/// The case at `path` noticed on 20 May 2024, waived on the 21st and fined 500 yuan on the 22nd.
async fn decide_fine(clerk: &Browser, path: &str) {
    for fields in [
        &[("action", "prior_notice"), ("on", "2024-05-20")][..],
        &[("action", "waive"), ("on", "2024-05-21")][..],
        &[
            ("action", "decide"),
            ("on", "2024-05-22"),
            ("outcome", "fine"),
            ("fine", "500"),
        ][..],
    ] {
        let (status, html) = step(clerk, path, fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    }
}

async fn decision_xml(b: &Browser, path: &str) -> String {
    document_of(b, path, "penalty_decision").await
}

/// The text of document `code` of the case at `path`, as the .docx holds it.
async fn document_of(b: &Browser, path: &str, code: &str) -> String {
    let r = b.get(&format!("{path}/documents/{code}.docx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    document_xml(&r.bytes().await.unwrap())
}

async fn post_settings(
    sup: &Browser,
    page: &str,
    form: [(&'static str, String); 7],
) -> reqwest::Response {
    let html = sup.text(page).await;
    let mut all = vec![("csrf", csrf_of(&html))];
    all.extend(form);
    sup.post("/enforcement/document-settings", &all).await
}

#[tokio::test]
async fn delivery_states_its_method_and_place_and_no_penalty_its_reason() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let notice = [
            ("action", "prior_notice"),
            ("on", "2024-05-20"),
            ("hearing_right", "1"),
        ];
        assert_eq!(step(&clerk, &path, &notice).await.0, StatusCode::SEE_OTHER);
        let decide = [
            ("action", "decide"),
            ("on", "2024-05-28"),
            ("outcome", "no_penalty"),
        ];
        let (status, html) = step(&clerk, &path, &decide).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("不予行政处罚须写明理由"), "{html}");
        let reasoned = [
            &decide[..],
            &[(
                "no_penalty_reason",
                "违法行为轻微并及时改正，没有造成危害后果。",
            )],
        ]
        .concat();
        assert_eq!(
            step(&clerk, &path, &reasoned).await.0,
            StatusCode::SEE_OTHER
        );

        let deliver = [("action", "deliver"), ("on", "2024-05-29")];
        let (status, html) = step(
            &clerk,
            &path,
            &[&deliver[..], &[("method", "pigeon")]].concat(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("请选择送达方式：直接送达、留置送达"),
            "{html}"
        );
        let (status, html) = step(
            &clerk,
            &path,
            &[&deliver[..], &[("method", "direct")]].concat(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("直接送达、留置送达须填写送达地点"), "{html}");
        let delivered = [
            &deliver[..],
            &[
                ("method", "direct"),
                ("place", "店口镇解放路88号当事人经营场所"),
            ],
        ]
        .concat();
        assert_eq!(
            step(&clerk, &path, &delivered).await.0,
            StatusCode::SEE_OTHER
        );

        let decision = document_of(&clerk, &path, "no_penalty_decision").await;
        assert!(
            decision.contains("但违法行为轻微并及时改正，没有造成危害后果。依据"),
            "{decision}"
        );
        let receipt = document_of(&clerk, &path, "delivery_receipt").await;
        assert!(
            receipt.contains("送达方式：直接送达")
                && receipt.contains("送达地点：店口镇解放路88号当事人经营场所"),
            "{receipt}"
        );
        assert!(!receipt.contains("（待填写）"), "{receipt}");
    }
}

#[tokio::test]
async fn the_prior_notice_and_the_rectification_order_carry_their_own_numbers_and_dates() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "rectify"),
                ("on", "2024-05-13"),
                ("rectify_by", "2024-05-10"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("改正期限 2024-05-10 早于责令改正之日 2024-05-13"),
            "{html}"
        );
        let rectify = [
            ("action", "rectify"),
            ("on", "2024-05-13"),
            ("rectify_by", "2024-05-20"),
        ];
        assert_eq!(step(&clerk, &path, &rectify).await.0, StatusCode::SEE_OTHER);
        let (status, html) = step(&clerk, &path, &rectify).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("本案已责令改正（店口镇责改〔2024〕1号）"),
            "{html}"
        );
        let notice = [
            ("action", "prior_notice"),
            ("on", "2024-05-20"),
            ("hearing_right", "1"),
        ];
        assert_eq!(step(&clerk, &path, &notice).await.0, StatusCode::SEE_OTHER);

        let order = document_of(&clerk, &path, "rectification_order").await;
        assert!(
            order.contains("店口镇责改〔2024〕1号")
                && order.contains("于2024年5月20日前改正")
                && order.contains("2024年5月13日"),
            "{order}"
        );
        assert!(!order.contains("（待填写）号"), "{order}");
        let notice = document_of(&clerk, &path, "prior_notice").await;
        assert!(notice.contains("店口镇罚告〔2024〕1号"), "{notice}");
        // The timeline records the order.
        let page = clerk.text(&path).await;
        assert!(
            page.contains("责令改正（店口镇责改〔2024〕1号），限 2024-05-20 前改正"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_filing_and_closure_approvals_name_their_approvers() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) =
            crate::cases::filed_case_with(&app, COMPANY, &[("approver", "陈立案")]).await;
        for fields in [
            &[
                ("action", "prior_notice"),
                ("on", "2024-05-20"),
                ("hearing_right", "1"),
            ][..],
            &[
                ("action", "decide"),
                ("on", "2024-05-28"),
                ("outcome", "warning"),
            ][..],
            &[
                ("action", "deliver"),
                ("on", "2024-05-29"),
                ("method", "direct"),
                ("place", "当事人经营场所"),
            ][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        let long = "长".repeat(51);
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "close"),
                ("on", "2024-05-30"),
                ("approver", &long),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("结案审批人"), "{html}");
        let (status, _) = step(
            &clerk,
            &path,
            &[
                ("action", "close"),
                ("on", "2024-05-30"),
                ("approver", "周结案"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        for (code, name) in [
            ("filing_approval", "审批人：陈立案"),
            ("closure_approval", "审批人：周结案"),
        ] {
            let xml = document_of(&clerk, &path, code).await;
            assert!(xml.contains(name), "{code}: {xml}");
        }
    }
}

#[tokio::test]
async fn the_database_refuses_a_stage_fazhi_does_not_know() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (_, path) = filed_case(&app, COMPANY).await;
        let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let wrong = sqlx::query("UPDATE cases SET stage = 'legal_reviewed' WHERE id = $1")
            .bind(id)
            .execute(app.store.pool())
            .await;
        assert!(wrong.is_err(), "{db:?}");
        for stage in fazhi_core::enforcement::stage::Stage::ALL {
            sqlx::query("UPDATE cases SET stage = $1 WHERE id = $2")
                .bind(stage.code())
                .bind(id)
                .execute(app.store.pool())
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn delivery_by_public_notice_counts_thirty_days_and_payment_runs_from_then() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        for fields in [
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "fine"),
                ("fine", "500"),
            ][..],
            // 公告送达: the notice goes out on 23 May.
            &[
                ("action", "deliver"),
                ("on", "2024-05-23"),
                ("method", "public_notice"),
            ][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        // 民事诉讼法第九十五条: deemed delivered when 30 days have passed — 22 June.
        let delivered: String = sqlx::query_scalar("SELECT delivered_on FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(delivered, "2024-06-22");
        // Art. 67: 15 days to pay from delivery — from 22 June, ending Sun 7 July → Mon 8 July.
        let (start, due): (String, String) = sqlx::query_as(
            "SELECT start_on, due_on FROM deadlines WHERE subject_type = 'case' AND subject_id = $1 AND article = '第六十七条'",
        )
        .bind(id.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((start.as_str(), due.as_str()), ("2024-06-22", "2024-07-08"));
        assert!(clerk.text(&path).await.contains("2024-06-22 视为送达"));
    }
}

#[tokio::test]
async fn days_under_reconsideration_count_towards_no_surcharge() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        for fields in [
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "fine"),
                ("fine", "500"),
            ][..],
            &[
                ("action", "deliver"),
                ("on", "2024-05-23"),
                ("method", "direct"),
                ("place", "店口镇解放路88号"),
            ][..],
        ] {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        // Concluding what was never applied for is refused.
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "dispute_concluded"),
                ("on", "2024-06-01"),
                ("outcome", "maintained"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有待审结的复议或诉讼"));
        // Art. 73 ¶3: reconsideration applied for on 30 May, maintained on 15 July — 47 days
        // that do not count. The 15 days to pay (art. 67) from 23 May ended 7 June; with the
        // 47 days added they end Wed 24 July.
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "dispute"),
                ("on", "2024-05-30"),
                ("kind", "reconsideration"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        // While it is pending the case reads 复议中, on its page and in the list, which finds it
        // by that stage.
        let case_id = path.rsplit('/').next().unwrap();
        assert!(clerk.text(&path).await.contains("已送达（行政复议中）"));
        let pending = clerk.text("/enforcement/cases?stage=disputing").await;
        assert!(
            pending.contains(&format!("/enforcement/cases/{case_id}\""))
                && pending.contains("已送达（行政复议中）"),
            "{pending}"
        );
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "dispute_concluded"),
                ("on", "2024-07-15"),
                ("outcome", "maintained"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        assert!(!clerk.text(&path).await.contains("行政复议中"));
        assert!(
            !clerk
                .text("/enforcement/cases?stage=disputing")
                .await
                .contains(&format!("/enforcement/cases/{case_id}\""))
        );
        let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let due: String = sqlx::query_scalar(
            "SELECT due_on FROM deadlines WHERE subject_type = 'case' AND subject_id = $1 AND article = '第六十七条'",
        )
        .bind(id.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(due, "2024-07-24");
        // The timeline names the dispute's steps, not the stage they left as it was.
        let page = clerk.text(&path).await;
        assert!(
            page.contains("<dt>2024-05-30 复议或诉讼</dt>")
                && page.contains("<dt>2024-07-15 复议或诉讼审结</dt>"),
            "{page}"
        );
        // Paid on the last day: no surcharge (without the pause it would be 3% a day since 8 June).
        let (status, html) = step(&clerk, &path, &[("action", "pay"), ("on", "2024-07-24")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let surcharge: i64 = sqlx::query_scalar("SELECT surcharge_fen FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(surcharge, 0);
        // The evaluation sheet counts the same days: no finding on the surcharge (G01).
        let out = app.cli(&["evaluate", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_findings WHERE rule_code IN ('G01', 'G09')")
                .await,
            0
        );
    }
}

#[tokio::test]
async fn a_warning_alone_is_not_published_unless_the_department_s_rule_says_so() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        for fields in [&[
            ("action", "decide"),
            ("on", "2024-05-22"),
            ("outcome", "warning"),
        ][..]]
        {
            let (status, html) = step(&clerk, &path, fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        }
        // 《市场监督管理行政处罚信息公示规定》第二条 (the default rule): no publication limit
        // starts, and the review says why it will not publish.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM deadlines WHERE article = '第四十八条'")
                .await,
            0
        );
        let (status, html) = step(
            &clerk,
            &format!("{path}/disclosure"),
            &[("action", "review")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("仅给予警告的决定不公开"), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM disclosures").await, 0);
    }
}

#[tokio::test]
async fn the_party_s_defence_window_ends_without_a_red_light() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = filed_case(&app, COMPANY).await;
        let today = fazhi_core::deadlines::china_today();
        let on = today.to_string();
        let (status, html) = step(
            &clerk,
            &path,
            &[("action", "prior_notice"), ("on", on.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let id = path.rsplit('/').next().unwrap().to_string();
        // Art. 64: the party's period, started by the notice's delivery.
        let (party, event): (i64, String) = sqlx::query_as(
            "SELECT party_period, start_event FROM deadlines WHERE subject_id = $1 AND article = '第六十四条'",
        )
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((party, event.as_str()), (1, "事先告知书送达"));
        // On the clerk's list while it runs, without a light.
        let home = clerk.text("/").await;
        let row = home
            .split("<tr>")
            .find(|r| r.contains("陈述、申辩和要求听证"))
            .expect("the window is on the clerk's list");
        assert!(
            row.contains("light none") && row.contains("当事人期间内"),
            "{row}"
        );
        // The scan ends it: no light is raised, nobody is told it is overdue.
        let report = fazhi_core::deadlines::scan(&app.store, today + chrono::Days::new(60))
            .await
            .unwrap();
        let (state, warning): (String, String) = sqlx::query_as(
            "SELECT state, warning FROM deadlines WHERE subject_id = $1 AND article = '第六十四条'",
        )
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!((state.as_str(), warning.as_str()), ("met", "none"));
        assert!(report.red > 0, "the case's own duties lit red meanwhile");
        let page = clerk.text(&path).await;
        assert!(page.contains("当事人期间已结束"), "{page}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM messages WHERE title LIKE '%陈述、申辩%'")
                .await,
            0
        );
    }
}

#[tokio::test]
async fn a_step_form_shows_every_fault_at_once() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        // No day and a fine that is not an amount: both said, both marked, in the decision form.
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", ""),
                ("outcome", "fine"),
                ("fine", "两千"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("请填写日期（YYYY-MM-DD）。") && html.contains("罚款金额无效"),
            "{html}"
        );
        for field in ["on", "fine"] {
            assert!(
                html.contains(&format!("name=\"{field}\" aria-invalid=\"true\"")),
                "{field} marked: {html}"
            );
        }
        // The decision's own rules, all at once: a warning with a fine, and no reason where one
        // is needed, are refused together.
        let (status, html) = step(
            &clerk,
            &path,
            &[
                ("action", "decide"),
                ("on", "2024-05-22"),
                ("outcome", "no_penalty"),
                ("fine", "100"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("不予行政处罚须写明理由") && html.contains("的决定不含罚款"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM cases WHERE decided_on IS NOT NULL")
                .await,
            0
        );
    }
}
