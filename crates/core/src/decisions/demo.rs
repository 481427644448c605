//! Demo data: this year's catalogs named for the city's units (most issued), one town decision
//! whose consultation is open on the portal, and one city decision whose period has ended with
//! one comment still to answer — so each page has something to show and the next step to take.
//! Dates are relative to the day the demo is prepared.

use chrono::{Duration, NaiveDate};
use fazhi_store::audit::{self, AuditActor, AuditEvent};
use fazhi_store::{Store, Tx, now_ms};
use serde_json::json;

use crate::Result;

const TOWN_DRAFT: &str = "第一条 为规范集镇公共停车秩序，方便群众出行，制定本办法。\n第二条 本办法适用于店口镇集镇范围内的公共停车场和道路停车泊位。\n第三条 公共停车泊位实行分时段收费，具体标准由镇人民政府另行公布。\n第四条 本办法自公布之日起施行。";
const CITY_DRAFT: &str = "第一条 为提升城区公共自行车服务水平，制定本方案。\n第二条 城区公共自行车站点按照需求调整布局。\n第三条 公共自行车首一小时免费。\n第四条 本方案自公布之日起实施。";

async fn department(tx: &mut Tx, name: &str) -> Result<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT id, region_id FROM departments WHERE name = $1")
            .bind(name)
            .fetch_optional(tx.conn())
            .await?,
    )
}

/// (article, text, disposition and reason once answered).
type DemoComment<'a> = (i64, &'a str, Option<(&'a str, &'a str)>);

struct Demo<'a> {
    unit: &'a str,
    title: &'a str,
    summary: &'a str,
    draft: &'a str,
    opens: NaiveDate,
    closes: NaiveDate,
    expert_on: Option<NaiveDate>,
    comments: &'a [DemoComment<'a>],
}

async fn decision(tx: &mut Tx, d: &Demo<'_>) -> Result<()> {
    let Some((unit, region)) = department(tx, d.unit).await? else {
        return Ok(());
    };
    let now = now_ms();
    let year = d
        .opens
        .format("%Y")
        .to_string()
        .parse::<i64>()
        .unwrap_or(2026);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO major_decisions (year, title, summary, stage, risk_exempt, expert_on, expert_note,
            region_id, department_id, created_at, updated_at)
         VALUES ($1, $2, $3, 'drafting', '不涉及社会稳定和公共安全风险。', $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(year)
    .bind(d.title)
    .bind(d.summary)
    .bind(d.expert_on.map(|o| o.to_string()))
    .bind(d.expert_on.map(|_| "邀请交通、法律专家 3 名论证，同意方案。".to_string()))
    .bind(region)
    .bind(unit)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO decision_consultations (decision_id, draft, opens_on, closes_on) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(d.draft)
    .bind(d.opens.to_string())
    .bind(d.closes.to_string())
    .execute(tx.conn())
    .await?;
    for (i, (article, body, disposed)) in d.comments.iter().enumerate() {
        let (shown, kinds) = super::consultation::screen(body);
        sqlx::query(
            "INSERT INTO decision_comments (decision_id, article, body, shown, redactions, device, origin,
                disposition, reason, disposed_by, disposed_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'demo', 'demo', $6, $7, $8, $9, $10, $10)",
        )
        .bind(id)
        .bind(*article)
        .bind(*body)
        .bind(&shown)
        .bind(kinds.join(","))
        .bind(disposed.map(|(code, _)| code.to_string()))
        .bind(disposed.map(|(_, reason)| reason.to_string()))
        .bind(disposed.map(|_| "演示数据".to_string()))
        .bind(disposed.map(|_| d.closes.to_string()))
        .bind(now + i as i64)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

async fn catalogs(tx: &mut Tx, year: i64, today: NaiveDate) -> Result<()> {
    let units: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT d.id, d.region_id, d.name, r.kind FROM departments d JOIN regions r ON r.id = d.region_id
         ORDER BY d.path, d.id",
    )
    .fetch_all(tx.conn())
    .await?;
    let issued = (today - Duration::days(60)).to_string();
    let published = (today - Duration::days(55)).to_string();
    let now = now_ms();
    for (n, (id, region, name, kind)) in units.iter().enumerate() {
        // Every unit keeps a catalog of its major decisions; towns one of review matters too.
        // Two units have not issued theirs yet, and one issued but has not published or filed.
        let late = n % 13 == 5;
        let partial = n % 17 == 3;
        let mut kinds = vec!["major_decision"];
        if kind == "town" {
            kinds.push("legality_review");
        }
        for k in kinds {
            sqlx::query(
                "INSERT INTO unit_catalogs (kind, year, department_id, region_id, issued_on, published_on,
                    filed_on, items, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING",
            )
            .bind(k)
            .bind(year)
            .bind(*id)
            .bind(*region)
            .bind((!late).then(|| issued.clone()))
            .bind((!late && !partial && k == "major_decision").then(|| published.clone()))
            .bind((!late && !partial && k == "legality_review").then(|| published.clone()))
            .bind(if late {
                String::new()
            } else {
                format!("{name}{year}年度事项（演示）")
            })
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
    }
    Ok(())
}

/// Seeds the demo once: nothing is added when any decision or catalog is held.
pub async fn seed_demo(store: &Store) -> Result<()> {
    let held: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM major_decisions) + (SELECT COUNT(*) FROM unit_catalogs)",
    )
    .fetch_one(store.pool())
    .await?;
    if held > 0 {
        return Ok(());
    }
    let today = crate::deadlines::china_today();
    let year = today
        .format("%Y")
        .to_string()
        .parse::<i64>()
        .unwrap_or(2026);
    let mut tx = store.begin().await?;
    catalogs(&mut tx, year, today).await?;
    decision(
        &mut tx,
        &Demo {
            unit: "店口镇人民政府",
            title: "店口镇集镇公共停车管理办法",
            summary: "规范集镇公共停车秩序，实行分时段收费。",
            draft: TOWN_DRAFT,
            opens: today - Duration::days(5),
            closes: today + Duration::days(24),
            expert_on: None,
            comments: &[
                (3, "建议夜间 22 时后免费停车，方便回家晚的职工。", None),
                (0, "建议在集镇周边增加停车场，而不是只收费。", None),
            ],
        },
    )
    .await?;
    decision(
        &mut tx,
        &Demo {
            unit: "诸暨市人民政府",
            title: "诸暨市城区公共自行车运营调整方案",
            summary: "调整城区公共自行车站点布局和收费。",
            draft: CITY_DRAFT,
            opens: today - Duration::days(40),
            closes: today - Duration::days(2),
            expert_on: Some(today - Duration::days(20)),
            comments: &[
                (
                    3,
                    "首一小时免费很好，建议延长到两小时。",
                    Some(("partly_adopted", "高峰时段以外延长至两小时，已修改第三条。")),
                ),
                (
                    2,
                    "火车站附近的站点太少，建议增加。",
                    Some(("adopted", "已在火车站东、西广场各增设一个站点。")),
                ),
                (
                    0,
                    "我家住暨阳街道某小区，电话 13905751234，希望小区门口设站点。",
                    None,
                ),
            ],
        },
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditActor::system("demo"),
        &AuditEvent {
            action: "create",
            object_type: "major_decision",
            object_id: None,
            detail: json!({ "demo": true, "catalog_year": year }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
