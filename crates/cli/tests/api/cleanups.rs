//! A cleanup of normative documents walked through its pages: the range chosen, a verdict with
//! its reason for each document, the review ended only when all are judged (the register takes
//! the verdicts), each verdict to repeal or revise followed until done (a revision only once
//! its new text is registered), the campaign closed, and its figures in `fazhi figures`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::ingest::{json as report, write};

fn doc(number: &str, title: &str, issued: &str, status: &str, text: &str) -> Value {
    json!({ "number": number, "title": title, "issuer": "诸暨市人民政府", "issued_on": issued,
            "published_on": issued, "status": status, "filed_on": issued, "text": text })
}

async fn import(app: &TestApp, docs: &[Value], tag: &str) {
    let text: String = docs.iter().map(|d| d.to_string() + "\n").collect();
    let file = write(
        &std::env::temp_dir(),
        &format!(
            "fazhi-cleanup-{tag}-{}-{:?}.jsonl",
            std::process::id(),
            app.db
        ),
        &text,
    );
    let index = std::env::temp_dir().join(format!("fazhi-cleanup-idx-{}", std::process::id()));
    let index = index.display().to_string();
    let mut args = vec!["import", "normative-documents", file.as_str(), "--json"];
    if matches!(app.db, Db::Postgres) {
        args.extend_from_slice(&["--data-dir", &index]);
    }
    let r = report(&app.cli(&args));
    assert_eq!(r["rejected"].as_u64(), Some(0), "{r}");
}

async fn step(b: &Browser, id: i64, form: &[(&str, String)]) -> (StatusCode, String) {
    versioned_step(b, &format!("/normative/cleanups/{id}"), form).await
}

#[tokio::test]
async fn a_cleanup_judges_every_document_applies_its_verdicts_and_follows_them_until_done() {
    for db in backends() {
        let app = spawn_app(db).await;
        let docs = vec![
            doc(
                "诸政发〔2019〕1号",
                "诸暨市城市绿化管理办法",
                "2019-03-01",
                "in_force",
                "第一条 绿化。",
            ),
            doc(
                "诸政发〔2019〕2号",
                "诸暨市户外广告设置管理办法",
                "2019-05-01",
                "in_force",
                "第一条 广告。",
            ),
            doc(
                "诸政发〔2020〕3号",
                "诸暨市停车管理暂行办法",
                "2020-02-01",
                "in_force",
                "第一条 停车。",
            ),
            doc(
                "诸政发〔2021〕4号",
                "诸暨市渣土运输管理规定",
                "2021-06-01",
                "in_force",
                "第一条 渣土。",
            ),
            doc(
                "诸政发〔2020〕5号",
                "诸暨市早已废止的办法",
                "2020-07-01",
                "repealed",
                "第一条 旧。",
            ),
            doc(
                "诸政发〔2023〕6号",
                "诸暨市范围之外的办法",
                "2023-01-01",
                "in_force",
                "第一条 新。",
            ),
        ];
        import(&app, &docs, "a").await;
        let id_of = |n: &'static str| {
            let store = app.store.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM normative_documents WHERE number = $1")
                    .bind(n)
                    .fetch_one(store.pool())
                    .await
                    .unwrap()
            }
        };
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "qingli", bureau, "supervisor")
            .await;

        // Refused ranges write nothing and say why, on the fields.
        let page = sup.text("/normative/cleanups/new").await;
        let create = |title: &str, from: &str, until: &str| {
            vec![
                ("csrf", csrf_of(&page)),
                ("title", title.to_string()),
                ("issued_from", from.to_string()),
                ("issued_until", until.to_string()),
                ("issuer", String::new()),
            ]
        };
        let r = sup
            .post(
                "/normative/cleanups",
                &create("", "2022-12-31", "2019-01-01"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("请填写清理名称") && body.contains("早于起始日期"),
            "{body}"
        );
        let r = sup
            .post(
                "/normative/cleanups",
                &create("空清理", "1990-01-01", "1990-12-31"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("无需清理"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM normative_cleanups").await,
            0
        );

        let r = sup
            .post(
                "/normative/cleanups",
                &create("2019—2022年行政规范性文件清理", "2019-01-01", "2022-12-31"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = created_id(&r);
        let page = sup.text(&format!("/normative/cleanups/{id}")).await;
        assert!(
            page.contains("逐件清理情况（4 件）"),
            "the repealed one and the one out of range are not in it"
        );
        assert!(page.contains("逐件清理（未定 4 件）"));
        assert!(
            !page.contains("100.00%"),
            "no reduction while nothing is decided"
        );

        let (status, body) = step(&sup, id, &[("action", "end_review".into())]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("还有 4 件文件未作出清理结论"), "{body}");
        let judge = |doc: i64, verdict: &str, reason: &str| {
            vec![
                ("action", "judge".to_string()),
                ("document_id", doc.to_string()),
                ("verdict", verdict.to_string()),
                ("reason", reason.to_string()),
            ]
        };
        let (a, b, c, d) = (
            id_of("诸政发〔2019〕1号").await,
            id_of("诸政发〔2019〕2号").await,
            id_of("诸政发〔2020〕3号").await,
            id_of("诸政发〔2021〕4号").await,
        );
        let (status, body) = step(&sup, id, &judge(a, "retain", " ")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("请填写清理理由"));
        for (doc, verdict, reason) in [
            (a, "retain", "仍需适用"),
            (b, "to_repeal", "上位法已修改"),
            (c, "to_revise", "收费标准需调整"),
            (d, "repealed", "已被诸政发〔2022〕8号废止"),
        ] {
            let (status, body) = step(&sup, id, &judge(doc, verdict, reason)).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        }
        // A step on a version the user did not see is refused.
        let page = sup.text(&format!("/normative/cleanups/{id}")).await;
        let stale = sup
            .post(
                &format!("/normative/cleanups/{id}"),
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", "1".into()),
                    ("action", "end_review".into()),
                ],
            )
            .await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let (status, _) = step(&sup, id, &[("action", "end_review".into())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let statuses: Vec<(String, String)> =
            sqlx::query_as("SELECT number, status FROM normative_documents ORDER BY number")
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        let status_of = |n: &str| {
            statuses
                .iter()
                .find(|(x, _)| x == n)
                .map(|(_, s)| s.clone())
                .unwrap()
        };
        assert_eq!(
            [
                status_of("诸政发〔2019〕1号"),
                status_of("诸政发〔2019〕2号"),
                status_of("诸政发〔2020〕3号"),
                status_of("诸政发〔2021〕4号")
            ],
            ["in_force", "to_repeal", "to_revise", "repealed"].map(String::from)
        );
        // The public library follows the register: the document to repeal is listed so.
        let library = app
            .browser()
            .text("/public/documents?status=to_repeal")
            .await;
        assert!(
            library.contains("诸暨市户外广告设置管理办法") && library.contains("共 1 件"),
            "{library}"
        );

        let (status, body) = step(&sup, id, &[("action", "close".into())]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let today = fazhi_core::deadlines::china_today().to_string();
        let done = |doc: i64, note: &str| {
            vec![
                ("action", "done".to_string()),
                ("document_id", doc.to_string()),
                ("on", today.clone()),
                ("note", note.to_string()),
            ]
        };
        let early = vec![
            ("action", "done".to_string()),
            ("document_id", b.to_string()),
            ("on", "2020-01-01".into()),
            ("note", "废止".into()),
        ];
        let (status, body) = step(&sup, id, &early).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("早于作出清理结论的日期"), "{body}");
        let (status, body) = step(&sup, id, &done(c, "修改")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("请先登记修改后的文本"), "{body}");
        let mut revised = docs[2].clone();
        revised["text"] = Value::from("第一条 停车（修改后）。");
        revised["status"] = Value::from("to_revise");
        import(&app, &[revised], "b").await;
        let (status, body) = step(&sup, id, &done(c, "已登记修改后的文本（第 2 版）")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let (status, _) = step(&sup, id, &done(b, "诸政发〔2026〕1号 决定废止")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = step(&sup, id, &[("action", "close".into())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM normative_documents WHERE status = 'repealed'")
                .await,
            3
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'normative_cleanup'")
                .await,
            1 + 4 + 1 + 2 + 1
        );
        let page = sup.text(&format!("/normative/cleanups/{id}")).await;
        assert!(
            page.contains("已完成") && page.contains("75.00%") && page.contains("<svg"),
            "{page}"
        );
        assert!(
            !page.contains("<button type=\"submit\">"),
            "a closed cleanup offers no step"
        );

        // The report's figures, from the records.
        let year = &today[..4];
        let out = app.cli(&["figures", "--year", year, "--json"]);
        let f: Value = serde_json::from_slice(&out.stdout).unwrap();
        let f = &f["figures"];
        assert_eq!(
            [
                &f["normative.cleanup_reviewed"],
                &f["normative.cleanup_retained"],
                &f["normative.cleanup_repealed"],
                &f["normative.cleanup_to_repeal"],
                &f["normative.cleanup_to_revise"]
            ],
            [&json!(4), &json!(1), &json!(1), &json!(1), &json!(1)],
            "{f}"
        );
        assert_eq!(f["normative.cleanup_reduction_rate"], json!(0.75));

        // A town clerk neither sees nor runs cleanups.
        let town = app.department_id("店口镇人民政府").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "zhenqing", town, "town_clerk")
            .await;
        assert_eq!(
            clerk.get("/normative/cleanups").await.status(),
            StatusCode::FORBIDDEN
        );
    }
}
