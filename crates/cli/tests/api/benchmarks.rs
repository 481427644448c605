use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn benchmarks_are_imported_counted_exported_and_recommend_with_reasons() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, editor) = app
            .user_with_role(&sys, &sec, "bench_editor", bureau, "supervisor")
            .await;
        let catalog = xlsx(
            &fazhi_core::enforcement::catalog::rules::HEADERS,
            &[vec![
                "A001",
                "销售不合格产品",
                "行政处罚",
                "专业执法",
                "诸暨市市场监督管理局",
                "《中华人民共和国产品质量法》",
                "第四十九条",
                "……",
                "2023-01-01",
                "",
            ]],
        );
        assert_eq!(
            upload_to(&editor, "/enforcement/catalog/import", catalog)
                .await
                .0,
            StatusCode::OK
        );

        let headers = fazhi_core::enforcement::benchmarks::HEADERS;
        let basis = "《中华人民共和国产品质量法》第四十九条";
        // Bad rows: an unknown item, a reversed range; nothing is written.
        let bad = xlsx(
            &headers,
            &[
                vec![
                    "ZZZ",
                    "2023-01-01",
                    basis,
                    "裁量档次",
                    "一般",
                    "货值一万元以下",
                    "否",
                    "固定金额",
                    "2000",
                    "10000",
                ],
                vec![
                    "A001",
                    "2023-01-01",
                    basis,
                    "裁量档次",
                    "较重",
                    "货值较大",
                    "否",
                    "固定金额",
                    "9000",
                    "3000",
                ],
            ],
        );
        let (status, html) = upload_to(&editor, "/enforcement/discretion/import", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("ZZZ 不在执法事项目录中") && html.contains("下限不能高于上限"),
            "{html}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM discretion_benchmarks")
                .await,
            0
        );

        let rows = |from: &'static str, ordinary: [&'static str; 2]| {
            vec![
                vec![
                    "A001",
                    from,
                    basis,
                    "裁量档次",
                    "一般",
                    "货值一万元以下",
                    "否",
                    "固定金额",
                    ordinary[0],
                    ordinary[1],
                ],
                vec![
                    "A001",
                    from,
                    basis,
                    "裁量档次",
                    "较重",
                    "违法所得较大",
                    "否",
                    "违法所得倍数",
                    "1",
                    "3",
                ],
                vec![
                    "A001",
                    from,
                    basis,
                    "轻微违法告知承诺",
                    "",
                    "首次销售少量标识不全产品",
                    "否",
                    "无",
                    "",
                    "",
                ],
                vec![
                    "A001",
                    from,
                    basis,
                    "减轻处罚",
                    "",
                    "主动消除危害后果",
                    "否",
                    "固定金额",
                    "500",
                    "2000",
                ],
            ]
        };
        let mut all = rows("2023-01-01", ["2000", "10000"]);
        all.extend(rows("2025-01-01", ["1000", "5000"]));
        let (status, html) = upload_to(
            &editor,
            "/enforcement/discretion/import",
            xlsx(&headers, &all),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("新增 2 个版本"));
        let (_, html) = upload_to(
            &editor,
            "/enforcement/discretion/import",
            xlsx(&headers, &all),
        )
        .await;
        assert!(html.contains("未变 2 个"), "{html}");

        // The three lists, counted from the entries in force today.
        let page = editor.text("/enforcement/discretion").await;
        assert!(
            page.contains("轻微违法告知承诺清单") && page.contains("1 项"),
            "{page}"
        );

        // The calculator: an act in 2024 decided in 2025 gets the lighter 2025 range, and says why.
        let page = editor
            .text("/enforcement/discretion?item_code=A001&severity=一般&act_on=2024-06-01&decide_on=2025-03-01")
            .await;
        assert!(
            page.contains("罚款 1,000.00元 至 5,000.00元") && page.contains("从旧兼从轻"),
            "{page}"
        );
        let page = editor
            .text("/enforcement/discretion?item_code=A001&severity=轻微&corrected_in_time=1&no_harm=1&act_on=2024-06-01&decide_on=2024-07-01")
            .await;
        assert!(page.contains("不予行政处罚") && page.contains("第三十三条"));
        let page = editor
            .text("/enforcement/discretion?item_code=A001&severity=一般&illegal_gains=abc")
            .await;
        assert!(page.contains("违法所得金额无效"));

        // Export round-trips the versions in force (the 2025 one today), audited.
        let r = editor
            .get("/enforcement/discretion/export.xlsx?on=2025-06-01")
            .await;
        let bytes = r.bytes().await.unwrap().to_vec();
        let rows = fazhi_core::xlsx::read(&bytes, &headers).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].1[1], "2025-01-01");
        assert_eq!(rows[0].1[8], "1000.00");
        assert_eq!(rows[1].1[7], "违法所得倍数");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'discretion_benchmark'")
                .await,
            2
        );
        // Only catalog maintainers import.
        assert_eq!(
            sys.get("/enforcement/discretion/import").await.status(),
            StatusCode::FORBIDDEN
        );
    }
}
