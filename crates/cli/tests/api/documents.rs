use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn document_templates_render_official_docx_and_are_edited_without_a_rebuild() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, editor) = app
            .user_with_role(&sys, &sec, "doc_editor", bureau, "supervisor")
            .await;

        let list = editor.text("/enforcement/templates").await;
        for name in [
            "立案审批表",
            "责令改正通知书",
            "行政处罚事先告知书",
            "行政处罚决定书",
            "不予行政处罚决定书",
            "送达回证",
            "结案审批表",
        ] {
            assert!(list.contains(name), "{name} missing");
        }
        let r = editor
            .get("/enforcement/templates/penalty_decision/sample.docx")
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = document_xml(&r.bytes().await.unwrap());
        // GB/T 9704: A4, margins 37/35/28/26 mm, 方正小标宋 title, 仿宋 body at 16 pt, exact 28.95 pt lines.
        for needle in [
            "w:w=\"11906\"",
            "w:top=\"2098\"",
            "w:bottom=\"1984\"",
            "w:left=\"1587\"",
            "w:right=\"1474\"",
            "方正小标宋简体",
            "仿宋_GB2312",
            "w:val=\"32\"",
            "w:line=\"579\"",
            "行政处罚决定书",
            "诸市监罚〔2024〕17号",
            "申请行政复议",
        ] {
            assert!(xml.contains(needle), "{needle} not in document.xml");
        }

        // An edit that names a fact the case does not have is refused, nothing saved.
        let page = editor.text("/enforcement/templates/penalty_decision").await;
        let version = |html: &str| {
            let m = "name=\"version\" value=\"";
            html[html.find(m).unwrap() + m.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect::<String>()
        };
        let r = editor
            .post(
                "/enforcement/templates/penalty_decision",
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", version(&page)),
                    ("body", "# {{ department }}\n{{ no_such_fact }}".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("无法填充"));
        let body = "# {{ department }}\n## 行政处罚决定书\n>> {{ case_number }}\n本决定书经修改。{{ facts }}。";
        let r = editor
            .post(
                "/enforcement/templates/penalty_decision",
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", version(&page)),
                    ("body", body.into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let xml = document_xml(
            &editor
                .get("/enforcement/templates/penalty_decision/sample.docx")
                .await
                .bytes()
                .await
                .unwrap(),
        );
        assert!(xml.contains("本决定书经修改"));
        // The same stale version again is a conflict, and the change is on the audit log.
        let r = editor
            .post(
                "/enforcement/templates/penalty_decision",
                &[
                    ("csrf", csrf_of(&page)),
                    ("version", version(&page)),
                    ("body", body.into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'document_template'")
                .await,
            1
        );
        // Only the catalog maintainers edit templates.
        assert_eq!(
            sys.get("/enforcement/templates/penalty_decision")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
}
