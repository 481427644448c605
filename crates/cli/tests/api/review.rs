//! The assisted legality review through its page: a draft's clauses flagged with their words,
//! its citations checked on the draft's day against the known laws and the register, similar
//! documents of the register, and a first-round opinion; bad input refused on its fields.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::ingest::{json, write};

#[tokio::test]
async fn a_draft_is_split_flagged_checked_and_given_a_first_opinion() {
    for db in backends() {
        let app = spawn_app(db).await;
        let doc = serde_json::json!({ "number": "诸政发〔2018〕3号", "title": "诸暨市养犬管理规定", "issuer": "诸暨市人民政府",
            "issued_on": "2018-03-01", "published_on": "2018-03-01", "status": "repealed", "filed_on": "2018-03-10",
            "text": "第一条 为了规范养犬，制定本规定。" });
        let file = write(
            &std::env::temp_dir(),
            &format!("fazhi-assist-{}-{db:?}.jsonl", std::process::id()),
            &format!("{doc}\n"),
        );
        let idx = std::env::temp_dir()
            .join(format!("fazhi-assist-idx-{}", std::process::id()))
            .display()
            .to_string();
        let mut args = vec!["import", "normative-documents", file.as_str(), "--json"];
        if matches!(db, Db::Postgres) {
            args.extend_from_slice(&["--data-dir", &idx]);
        }
        json(&app.cli(&args));
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "shencha", bureau, "supervisor")
            .await;
        let page = sup.text("/review/assist").await;
        let csrf = csrf_of(&page);
        let draft = "诸暨市养犬管理办法（草案）\n第一章 总则\n第一条 为了规范养犬行为，根据《中华人民共和国食品卫生法》和《诸暨市养犬管理规定》，制定本办法。\n第二条 公安机关负责养犬登记工作。\n第三条 养犬人未办理登记的，处五百元罚款。\n第四条 养犬人应当每年缴纳犬只管理费。";
        let r = sup
            .post(
                "/review/assist",
                &[
                    ("csrf", csrf.clone()),
                    ("title", "诸暨市养犬管理办法".into()),
                    ("day", "2024-05-01".into()),
                    ("text", draft.into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let body = r.text().await.unwrap();
        assert!(body.contains("提示（2 处，共 4 条）"), "{body}");
        assert!(
            body.contains("<td>第三条</td><td>设定行政处罚</td><td>罚款</td>"),
            "{body}"
        );
        assert!(body.contains("设定收费"));
        assert!(
            body.contains("已于 2009-06-01 废止"),
            "a repealed law is said so"
        );
        assert!(
            body.contains("文件库 诸政发〔2018〕3号，已废止"),
            "a register document with its status"
        );
        assert!(body.contains("审查意见（初稿"));
        assert!(body.contains("建议删除该内容"));
        // Refused: no text, a malformed day — each on its field, the title kept.
        let r = sup
            .post(
                "/review/assist",
                &[
                    ("csrf", csrf),
                    ("title", "某办法".into()),
                    ("day", "2024-13-01".into()),
                    ("text", " ".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("草案日期“2024-13-01”") && body.contains("value=\"某办法\""),
            "{body}"
        );
    }
}
