//! The case list as people use it: search by number, cause or party, filters, a total,
//! pages back and forth, a score column, and an Excel export of exactly what is filtered.

use calamine::Reader;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::ingest::{json, write};

/// The case links on a list page, in order.
fn case_links(page: &str) -> Vec<String> {
    page.split("<a href=\"/enforcement/cases/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| id.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The href of the link with `rel`, unescaped.
fn rel_link(page: &str, rel: &str) -> Option<String> {
    let at = page.find(&format!("rel=\"{rel}\""))?;
    let start = page[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + page[start..].find('"')?;
    Some(page[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

#[tokio::test]
async fn the_case_list_searches_counts_pages_back_and_exports_what_it_shows() {
    let dir = std::env::temp_dir().join(format!("fazhi-lists-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let generated = TestApp::cli_stdin(&["generate", "cases", "--count", "70", "--seed", "5"], "");
    let lines: Vec<String> = String::from_utf8(generated.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // A party to search for, and how many cases name it — from the records.
    let party = records[3]["parties"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let naming = records
        .iter()
        .filter(|r| {
            r["parties"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"].as_str().unwrap().contains(&party))
        })
        .count();
    for db in backends() {
        let app = spawn_app(db).await;
        fazhi_core::demo::seed_catalog_if_empty(&app.store)
            .await
            .unwrap();
        let file = write(&dir, "cases.jsonl", &(lines.join("\n") + "\n"));
        let r = json(&app.cli(&["import", "cases", &file, "--json"]));
        assert_eq!(r["inserted"].as_u64(), Some(70), "{r}");
        json(&app.cli(&["evaluate", "--json"]));
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "liebiao", bureau, "supervisor")
            .await;

        // Pages of 20: a total, a next page, and back again to the same rows.
        let first = sup.text("/enforcement/cases?size=20").await;
        assert!(first.contains("共 70 件，本页 20 件"), "{first}");
        assert!(rel_link(&first, "prev").is_none());
        let next = rel_link(&first, "next").expect("a next page");
        let second = sup.text(&next).await;
        assert!(second.contains("共 70 件，本页 20 件"), "{second}");
        let ids1 = case_links(&first);
        let ids2 = case_links(&second);
        assert_eq!(ids1.len(), 20);
        assert!(
            ids1.iter().all(|i| !ids2.contains(i)),
            "pages overlap: {ids1:?} {ids2:?} {next}"
        );
        let back = sup
            .text(&rel_link(&second, "prev").expect("a previous page"))
            .await;
        assert_eq!(case_links(&back), ids1);
        // The score column shows each evaluated case's score and grade.
        let scored = app.count("SELECT COUNT(*) FROM case_evaluations").await;
        assert_eq!(scored, 70);
        assert!(
            first.contains("评查得分")
                && (first.contains("（优秀）")
                    || first.contains("（合格）")
                    || first.contains("（不合格）"))
        );

        // Search by party: exactly the cases that name it.
        let found = sup
            .text(&format!(
                "/enforcement/cases?size=100&q={}",
                urlencode(&party)
            ))
            .await;
        assert!(
            found.contains(&format!("共 {naming} 件")),
            "{party}: {found}"
        );
        assert_eq!(case_links(&found).len(), naming);
        // A grade filter agrees with the evaluations; a wrong one is refused in Chinese.
        let failing = app
            .count("SELECT COUNT(*) FROM case_evaluations WHERE grade = 'fail'")
            .await;
        let page = sup.text("/enforcement/cases?grade=fail").await;
        assert!(page.contains(&format!("共 {failing} 件")), "{page}");
        let r = sup.get("/enforcement/cases?grade=bad").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("评查等次“bad”应为"));

        // The export holds exactly the filtered cases and is audited with its filter.
        let r = sup
            .get(&format!(
                "/enforcement/cases/export.xlsx?q={}",
                urlencode(&party)
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range("行政处罚案件").unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0][..3], ["案号", "当事人", "案由"]);
        assert_eq!(rows.len() - 1, naming);
        let audited = app
            .count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_type = 'cases'",
            )
            .await;
        assert_eq!(audited, 1);
        // The dashboard of the busiest year: each month's count, from the records, opening
        // that month's cases; `fazhi figures` and the figures page give one number.
        let year = busiest_year(&records);
        let dash = sup.text(&format!("/dashboard?year={year}")).await;
        assert!(dash.contains("<svg") && dash.contains("各月立案"), "{dash}");
        for m in 1..=12u32 {
            let from = chrono::NaiveDate::from_ymd_opt(year, m, 1).unwrap();
            let until = chrono::NaiveDate::from_ymd_opt(year + i32::from(m == 12), m % 12 + 1, 1)
                .unwrap()
                .pred_opt()
                .unwrap();
            let n = records
                .iter()
                .filter(|r| {
                    let f = r["filed_on"].as_str().unwrap();
                    f >= from.to_string().as_str() && f <= until.to_string().as_str()
                })
                .count();
            let cell = format!(
                "<td>{m}月</td><td><a href=\"/enforcement/cases?filed_from={from}&#38;filed_until={until}\">{n} 件</a>"
            );
            assert!(dash.contains(&cell), "{cell}");
        }
        let filed_in_year = records
            .iter()
            .filter(|r| {
                r["filed_on"]
                    .as_str()
                    .unwrap()
                    .starts_with(&year.to_string())
            })
            .count();
        let f = json(&app.cli(&["figures", "--year", &year.to_string(), "--json"]));
        assert_eq!(f["year"], year, "{f}");
        assert_eq!(
            f["figures"]["supervision.files_evaluated"], filed_in_year as i64,
            "{f}"
        );
        let page = sup.text(&format!("/supervision/figures?year={year}")).await;
        assert!(page.contains(&format!(">{filed_in_year} 件</a>")), "{page}");
        assert!(
            dash.contains(&format!(">{filed_in_year} 件</a></td></tr>")),
            "{dash}"
        );
        let r = sup.get("/dashboard?year=abc").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let whole = sup.get("/enforcement/cases/export.xlsx").await;
        let bytes = whole.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(
            book.worksheet_range("行政处罚案件").unwrap().rows().count(),
            71
        );
    }
}

/// The year most records were filed in.
fn busiest_year(records: &[Value]) -> i32 {
    let mut by: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for r in records {
        let y: i32 = r["filed_on"].as_str().unwrap()[..4].parse().unwrap();
        *by.entry(y).or_default() += 1;
    }
    by.into_iter().max_by_key(|(_, n)| *n).unwrap().0
}

/// `s` percent-encoded for a query string.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
