//! Violation leads (线索): every model runs over the records; counts recomputed from the generated
//! records; a second run adds nothing; a lead the model no longer finds is resolved, a dismissed
//! one stays dismissed (only with its reason); the desk opens each model's leads.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::ingest::json;

#[tokio::test]
async fn lead_models_find_recount_resolve_and_route_their_leads() {
    let (file, text) = generated_cases("leads", 800, 16);
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let today = fazhi_core::deadlines::china_today();
    let year_ago = (today - chrono::Days::new(365)).to_string();
    // Recounted from the generated records: fines closed unpaid (L10), general cases open for
    // over a year (L21).
    let closed_unpaid = records
        .iter()
        .filter(|r| {
            r["outcome"] == "fine" && r["closed_on"].is_string() && !r["paid_on"].is_string()
        })
        .count() as u64;
    let long_open = records
        .iter()
        .filter(|r| {
            r["procedure"] == "general"
                && !r["closed_on"].is_string()
                && !r["archived_on"].is_string()
                && r["filed_on"].as_str().unwrap() < year_ago.as_str()
        })
        .count() as u64;
    assert!(closed_unpaid > 0 && long_open > 0);

    for db in backends() {
        let app = app_with_cases(db, &file, true).await;
        // A criminal threshold that some cases reach (set as the supervisor would).
        let (item, gains): (String, i64) = sqlx::query_as(
            "SELECT item_code, MAX(illegal_gains_fen) FROM cases WHERE illegal_gains_fen > 0
             GROUP BY item_code ORDER BY COUNT(*) DESC, item_code LIMIT 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        sqlx::query("INSERT INTO criminal_thresholds (item_code, illegal_gains_fen, basis, updated_at) VALUES ($1, $2, '测试', 0)")
            .bind(&item)
            .bind(gains)
            .execute(app.store.pool())
            .await
            .unwrap();
        let reaching = app
            .count("SELECT COUNT(*) FROM cases c JOIN criminal_thresholds t ON t.item_code = c.item_code WHERE c.illegal_gains_fen >= t.illegal_gains_fen")
            .await as u64;

        let first = json(&app.cli(&["leads", "--json"]));
        assert!(first["open"].as_object().unwrap().len() >= 22, "{first}");
        assert_eq!(
            first["open"]["L10"].as_u64(),
            Some(closed_unpaid),
            "{first}"
        );
        assert_eq!(first["open"]["L21"].as_u64(), Some(long_open), "{first}");
        assert_eq!(first["open"]["L18"].as_u64(), Some(reaching), "{first}");
        let total: u64 = first["open"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(first["new"].as_u64(), Some(total));
        assert_eq!(app.count("SELECT COUNT(*) FROM leads").await as u64, total);

        let second = json(&app.cli(&["leads", "--json"]));
        assert_eq!(second["new"], 0, "{second}");
        assert_eq!(second["open"], first["open"]);

        // The supervisor's desk opens each model's leads; a dismissal needs its reason.
        let sys = app.admin("sysadmin").await;
        let sec = app.admin("secadmin").await;
        let bureau = app.department_id("诸暨市司法局").await;
        let (_, sup) = app
            .user_with_role(&sys, &sec, "xiansuo", bureau, "supervisor")
            .await;
        let desk = sup.text("/supervision/leads").await;
        assert!(
            desk.contains(&format!("{closed_unpaid} 条"))
                && desk.contains("/supervision/leads?model=L10")
        );
        let listed = sup.text("/supervision/leads?model=L10").await;
        assert_eq!(
            listed.matches("/enforcement/cases/").count() as u64,
            closed_unpaid.min(50)
        );
        let lead: i64 = sqlx::query_scalar("SELECT MIN(id) FROM leads WHERE model = 'L10'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let path = format!("/supervision/leads/{lead}");
        let page = sup.text(&path).await;
        let r = sup
            .post(
                &path,
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "dismissed".into()),
                    ("note", " ".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("请填写不予处理的理由"));
        let r = sup
            .post(
                &path,
                &[
                    ("csrf", csrf_of(&page)),
                    ("action", "dismissed".into()),
                    ("note", "已由原办案单位补缴".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            sup.get("/supervision/leads?model=L99").await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );

        // Raising the threshold past every case resolves its leads; the dismissed one stays.
        sqlx::query("UPDATE criminal_thresholds SET illegal_gains_fen = illegal_gains_fen + 1")
            .execute(app.store.pool())
            .await
            .unwrap();
        let third = json(&app.cli(&["leads", "--json"]));
        assert_eq!(third["resolved"].as_u64(), Some(reaching), "{third}");
        assert_eq!(third["open"]["L18"], 0);
        assert_eq!(
            third["open"]["L10"].as_u64(),
            Some(closed_unpaid - 1),
            "{third}"
        );
        assert_eq!(third["new"], 0);
        let states: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM leads WHERE model = 'L18' AND state = 'resolved'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(states as u64, reaching);
    }
}
