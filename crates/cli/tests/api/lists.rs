//! The case list as people use it: search by number, cause or party, filters, a total,
//! pages back and forth, a score column, and an Excel export of exactly what is filtered.

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
        let (_, bytes) = exported(
            &sup,
            &format!("/enforcement/cases/export.xlsx?q={}", urlencode(&party)),
        )
        .await;
        let rows = sheet_rows(&bytes, "行政处罚案件");
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
        assert!(dash.contains("按镇乡街道") && dash.contains("年度报告数字"));
        // A town's office gets its own, smaller dashboard: no towns chart, no city figures.
        let dk = app.department_id("店口镇人民政府").await;
        let (_, clerk) = app
            .user_with_role(&sys, &sec, "dk_dash", dk, "town_clerk")
            .await;
        let own = clerk.text(&format!("/dashboard?year={year}")).await;
        assert!(
            own.contains("本单位驾驶舱") && own.contains("各月立案"),
            "{own}"
        );
        assert!(
            !own.contains("按镇乡街道") && !own.contains("年度报告数字"),
            "{own}"
        );
        // Its filters offer its own town, not the city's others.
        let list = clerk.text("/enforcement/cases").await;
        assert!(list.contains(">店口镇</option>"), "{list}");
        assert!(!list.contains(">枫桥镇</option>"), "{list}");
        let r = sup.get("/dashboard?year=abc").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let (_, whole) = exported(&sup, "/enforcement/cases/export.xlsx").await;
        assert_eq!(sheet_rows(&whole, "行政处罚案件").len(), 71);
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

/// The names in the first column's links of a list page, in order.
fn first_column(page: &str, prefix: &str) -> Vec<String> {
    page.split(&format!("<a href=\"{prefix}"))
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(_, t)| t))
        .filter_map(|t| t.split('<').next())
        .map(str::to_string)
        .collect()
}

/// Every page of a list from `first`, following `rel` links, and the pages' rows.
async fn walk(b: &Browser, first: &str, rel: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut at = Some(first.to_string());
    while let Some(path) = at {
        let page = b.text(&path).await;
        pages.push(first_column(&page, prefix));
        at = rel_link(&page, rel);
        assert!(pages.len() < 20, "the pages never end: {path}");
    }
    pages
}

#[tokio::test]
async fn other_lists_sort_page_both_ways_search_and_export_through_a_job() {
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let town = app.department_id("店口镇人民政府").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "paixu", bureau, "supervisor")
            .await;
        let (_, other) = app
            .user_with_role(&sys, &sec, "pangren", bureau, "supervisor")
            .await;
        let region: i64 = sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
            .bind(town)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        // 45 inspections on 9 days (5 a day: the sort's ties), names in another order.
        let mut expected: Vec<(String, String, i64)> = Vec::new();
        for n in 0..45i64 {
            let day = format!("2024-03-{:02}", 1 + (n * 7) % 9);
            let name = format!(
                "检查对象{:02}号{}",
                (n * 11) % 45,
                if n % 3 == 0 { "餐饮店" } else { "商行" }
            );
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO inspections (entity_uscc, entity_name, department_id, region_id,
                    inspected_on, items, outcome, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'ZH-001', 'no_problem', 0) RETURNING id",
            )
            .bind(company_uscc(n as usize))
            .bind(&name)
            .bind(town)
            .bind(region)
            .bind(&day)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
            expected.push((day, name, id));
        }
        let label = |(_, name, _): &(String, String, i64)| name.clone();

        // By day, oldest first, ties by id: every row once, in that order, 20 a page.
        expected.sort_by(|a, b| (&a.0, a.2).cmp(&(&b.0, b.2)));
        let base = "/inspection/inspections?size=20&sort=inspected_on&dir=asc";
        let forward = walk(&sup, base, "next", "/inspection/inspections/").await;
        assert_eq!(
            forward.iter().map(Vec::len).collect::<Vec<_>>(),
            [20, 20, 5]
        );
        let names: Vec<String> = forward
            .concat()
            .iter()
            .map(|n| n.split('（').next().unwrap().to_string())
            .collect();
        assert_eq!(names, expected.iter().map(label).collect::<Vec<_>>());
        // Back from the last page, the same pages in reverse.
        let mut at = base.to_string();
        for _ in 0..2 {
            at = rel_link(&sup.text(&at).await, "next").unwrap();
        }
        let backward = walk(&sup, &at, "prev", "/inspection/inspections/").await;
        assert_eq!(backward.into_iter().rev().collect::<Vec<_>>(), forward);
        // The header says how the list is sorted and links to the other way round.
        let page = sup.text(base).await;
        assert!(page.contains("aria-sort=\"ascending\""), "{page}");
        assert!(page.contains("sort=inspected_on&#38;dir=desc"), "{page}");
        // By name, descending.
        let by_name = walk(
            &sup,
            "/inspection/inspections?size=20&sort=entity",
            "next",
            "/inspection/inspections/",
        )
        .await
        .concat();
        let mut names: Vec<String> = expected.iter().map(label).collect();
        names.sort_by(|a, b| b.cmp(a));
        assert_eq!(
            by_name
                .iter()
                .map(|n| n.split('（').next().unwrap().to_string())
                .collect::<Vec<_>>(),
            names
        );

        // Words and days narrow the list, with its total; a reversed range is refused.
        let diners = expected
            .iter()
            .filter(|(d, n, _)| n.contains("餐饮店") && d.as_str() <= "2024-03-05")
            .count();
        let found = sup
            .text(&format!(
                "/inspection/inspections?q={}&until=2024-03-05",
                urlencode("餐饮店")
            ))
            .await;
        assert!(
            found.contains(&format!("共 {diners} 次")),
            "{diners}: {found}"
        );
        let r = sup
            .get("/inspection/inspections?from=2024-03-05&until=2024-03-01")
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Said above the list, its filters kept as typed: not a page of its own.
        let refused = r.text().await.unwrap();
        assert!(
            refused.contains("截止日期 2024-03-01 早于起始日期 2024-03-05")
                && refused.contains("value=\"2024-03-05\"")
                && refused.contains("<table>"),
            "{refused}"
        );

        // The export is a job: its page shows the rows done; the file holds what the list
        // shows, in its order; nobody else sees the job; the export is audited.
        let (job, bytes) = exported(
            &sup,
            &format!(
                "/inspection/inspections/export.xlsx?q={}&sort=inspected_on&dir=asc",
                urlencode("餐饮店")
            ),
        )
        .await;
        let diners: Vec<String> = expected
            .iter()
            .filter(|(_, n, _)| n.contains("餐饮店"))
            .map(label)
            .collect();
        assert!(job.contains(&format!("共 {} 行", diners.len())), "{job}");
        let rows = sheet_rows(&bytes, "行政检查记录");
        assert_eq!(rows[0][0], "被检查对象");
        assert_eq!(
            rows[1..].iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
            diners
        );
        let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM long_jobs")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(
            other.get(&format!("/jobs/{id}")).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.get(&format!("/jobs/{id}/file")).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_type = 'inspections'").await,
            1
        );
        // An export refused for its filter is refused at once, before any job.
        let r = sup
            .get("/inspection/inspections/export.xlsx?from=2024-13-01")
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The other lists take the same query: total, search, sorted headers, export link.
        for (list, export) in [
            ("/supervision/notices", "/supervision/notices/export.xlsx"),
            ("/inspection/draws", "/inspection/draws/export.xlsx"),
            (
                "/supervision/leads?model=L01",
                "/supervision/leads/export.xlsx?model=L01",
            ),
        ] {
            let page = sup.text(list).await;
            assert!(
                page.contains("共 0 ") && page.contains("aria-sort=\"none\""),
                "{list}: {page}"
            );
            assert!(page.contains(&export.replace('&', "&#38;")), "{list}");
            let (_, bytes) = exported(&sup, export).await;
            assert!(!bytes.is_empty(), "{export}");
        }
    }
}
