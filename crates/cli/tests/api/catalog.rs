use calamine::Reader;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::*;

fn workbook(rows: &[[&str; 10]]) -> Vec<u8> {
    let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.to_vec()).collect();
    xlsx(&fazhi_core::enforcement::catalog::rules::HEADERS, &rows)
}

async fn upload(b: &Browser, bytes: Vec<u8>) -> (StatusCode, String) {
    upload_to(b, "/enforcement/catalog/import", bytes).await
}

const SMJ: &str = "诸暨市市场监督管理局";
const ZHZ: &str = "诸暨市综合行政执法局";

#[tokio::test]
async fn the_catalog_is_imported_versioned_delegated_and_exported() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, editor) = app
            .user_with_role(&sys, &sec, "catalog_editor", bureau, "supervisor")
            .await;

        // The template opens in Excel with the Chinese headers.
        let r = editor.get("/enforcement/catalog/template.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK);
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(
            r.bytes().await.unwrap().to_vec(),
        ))
        .unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.rows().next().unwrap()[0].to_string(), "事项编码");

        // A file with bad rows: nothing is written, every bad row is named.
        let bad = workbook(&[
            [
                "A001",
                "销售不合格产品",
                "行政处罚",
                "专业执法",
                SMJ,
                "《产品质量法》",
                "第四十九条",
                "……",
                "2024-01-01",
                "",
            ],
            [
                "A002",
                "",
                "处分",
                "专业执法",
                "没有这个局",
                "《产品质量法》",
                "第五十条",
                "……",
                "2024-01-01",
                "",
            ],
            [
                "A001",
                "重复",
                "行政处罚",
                "专业执法",
                SMJ,
                "《产品质量法》",
                "第四十九条",
                "……",
                "2024-01-01",
                "",
            ],
        ]);
        let (status, html) = upload(&editor, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains(">3<")
                && html.contains("处分")
                && html.contains("没有这个局")
                && html.contains("第 2 行"),
            "{html}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM enforcement_items").await, 0);

        let good = workbook(&[
            [
                "A001",
                "销售不合格产品",
                "行政处罚",
                "专业执法",
                SMJ,
                "《中华人民共和国产品质量法》",
                "第四十九条",
                "生产、销售不符合……",
                "2024-01-01",
                "",
            ],
            [
                "B001",
                "占道经营",
                "处罚",
                "综合执法",
                ZHZ,
                "《城市市容和环境卫生管理条例》",
                "第三十六条",
                "擅自占用城市道路……",
                "2024-01-01",
                "有效",
            ],
        ]);
        let (status, html) = upload(&editor, good.clone()).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("新增 2 个版本"));
        // The same file again changes nothing.
        let (_, html) = upload(&editor, good).await;
        assert!(
            html.contains("新增 0 个版本") && html.contains("未变 2 个"),
            "{html}"
        );

        // A new version from 2025 replaces the old one from then on; the old stays for 2024.
        let v2 = workbook(&[[
            "A001",
            "销售不合格产品（2025年修订）",
            "行政处罚",
            "专业执法",
            SMJ,
            "《中华人民共和国产品质量法》",
            "第四十九条",
            "修订后……",
            "2025-01-01",
            "",
        ]]);
        assert_eq!(upload(&editor, v2).await.0, StatusCode::OK);
        let list_2024 = editor.text("/enforcement/catalog?on=2024-06-01").await;
        assert!(
            list_2024.contains("销售不合格产品<") && !list_2024.contains("2025年修订"),
            "{list_2024}"
        );
        let list_2025 = editor.text("/enforcement/catalog?on=2025-06-01").await;
        assert!(list_2025.contains("2025年修订"));
        let prof = editor
            .text("/enforcement/catalog?on=2025-06-01&list=comprehensive")
            .await;
        assert!(prof.contains("占道经营") && !prof.contains("销售不合格产品"));

        // Delegate B001 to two towns from 2024-07-01; the town list of 店口镇 shows it from then.
        let town: i64 = sqlx::query_scalar("SELECT id FROM regions WHERE name = '店口镇'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let other: i64 = sqlx::query_scalar("SELECT id FROM regions WHERE name = '枫桥镇'")
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
                    ("town", other.to_string()),
                    ("from", "2024-07-01".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let before = editor
            .text(&format!(
                "/enforcement/catalog?list=town&town_id={town}&on=2024-06-30"
            ))
            .await;
        assert!(!before.contains("占道经营"));
        let after = editor
            .text(&format!(
                "/enforcement/catalog?list=town&town_id={town}&on=2024-07-01"
            ))
            .await;
        assert!(after.contains("占道经营"));
        // A town is needed, and an item not in force cannot be delegated.
        let r = editor
            .post(
                "/enforcement/catalog/items/B001",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "delegate".into()),
                    ("from", "2024-07-01".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = editor
            .post(
                "/enforcement/catalog/items/B001",
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "delegate".into()),
                    ("town", town.to_string()),
                    ("from", "2023-01-01".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Export: the filtered list round-trips in the template's columns, and is audited.
        let r = editor
            .get("/enforcement/catalog/export.xlsx?on=2025-06-01")
            .await;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(
            r.bytes().await.unwrap().to_vec(),
        ))
        .unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][0], "A001");
        assert_eq!(rows[1][1], "销售不合格产品（2025年修订）");
        assert_eq!(rows[2][3], "综合执法");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'enforcement_catalog' AND action = 'export'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'enforcement_catalog' AND action = 'import'").await, 2);

        // The JSON API gives the same lists.
        let v: serde_json::Value = sys
            .get("/api/v1/catalog?list=town&on=2024-07-01")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 1);
        assert_eq!(v["items"][0]["code"], "B001");
        let v: serde_json::Value = sys.get("/api/v1/catalog/A001").await.json().await.unwrap();
        assert_eq!(v["versions"].as_array().unwrap().len(), 2);
        let r = sys.get("/api/v1/catalog?list=everything").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            sys.get("/api/v1/catalog/NOPE").await.status(),
            StatusCode::NOT_FOUND
        );

        // Others read the catalog but cannot change it; an upload without the token is refused.
        assert_eq!(
            sys.get("/enforcement/catalog/import").await.status(),
            StatusCode::FORBIDDEN
        );
        let form = Form::new().part("file", Part::bytes(workbook(&[])).file_name("x.xlsx"));
        let r = editor
            .client
            .post(editor.url("/enforcement/catalog/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Not an Excel file: a clear message.
        let (status, html) = upload(&editor, b"not a workbook".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(".xlsx"));
    }
}
