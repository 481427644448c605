//! What each department publishes of its penalty decisions and how soon (行政处罚法第四十八条):
//! the rule in force on a day, by effective date. Read by the decision step (which starts the
//! publication limit) and by the pre-publication review; depends on neither.

use chrono::NaiveDate;
use fazhi_store::Row;

use crate::Result;

/// The default publication limit in working days (国办发〔2018〕118号).
pub const DEFAULT_PUBLICATION_DAYS: i64 = 7;

/// Whether a department publishes a decision that imposes only a warning, unless it says
/// otherwise: no (《市场监督管理行政处罚信息公示规定》第二条; 行政处罚法第四十八条 publishes
/// decisions "具有一定社会影响").
pub const DEFAULT_PUBLISH_WARNINGS: bool = false;

/// What a department publishes and how soon, as in force on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicationRule {
    /// Working days from the decision.
    pub days: i64,
    /// Whether a decision imposing only a warning is published.
    pub warnings: bool,
}

impl PublicationRule {
    /// Whether a decision with `outcome` is published at all (a no-penalty decision never is).
    pub fn publishes(&self, outcome: &str) -> bool {
        match outcome {
            "no_penalty" => false,
            "warning" => self.warnings,
            _ => true,
        }
    }
}

/// The publication rule of `department_id` in force on `on`.
pub async fn publication_rule(
    conn: &mut sqlx::AnyConnection,
    department_id: i64,
    on: NaiveDate,
) -> Result<PublicationRule> {
    let row = sqlx::query(
        "SELECT working_days, publish_warnings FROM publication_limits WHERE department_id = $1 AND effective_from <= $2
         ORDER BY effective_from DESC LIMIT 1",
    )
    .bind(department_id)
    .bind(on.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(r) => PublicationRule {
            days: r.try_get("working_days")?,
            warnings: r
                .try_get::<Option<i64>, _>("publish_warnings")?
                .map_or(DEFAULT_PUBLISH_WARNINGS, |w| w != 0),
        },
        None => PublicationRule {
            days: DEFAULT_PUBLICATION_DAYS,
            warnings: DEFAULT_PUBLISH_WARNINGS,
        },
    })
}
