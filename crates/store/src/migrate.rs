//! Migrations: one numbered list for both databases. A migration is common SQL with the
//! `{id}` token, plus optional SQL only one database understands (triggers, functions).
//! Each runs in its own transaction and is recorded in `schema_migrations`.

use sqlx::{AssertSqlSafe, Executor};

use crate::{Backend, Result, Store, StoreError, now_ms};

struct Migration {
    version: i64,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: include_str!("../migrations/0001_foundation.sql"),
        sqlite: include_str!("../migrations/0001_foundation.sqlite.sql"),
        postgres: include_str!("../migrations/0001_foundation.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "calendar",
        common: include_str!("../migrations/0002_calendar.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "user_mobile",
        common: include_str!("../migrations/0003_user_mobile.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "deadlines",
        common: include_str!("../migrations/0004_deadlines.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "enforcement_catalog",
        common: include_str!("../migrations/0005_enforcement_catalog.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "number_sequences",
        common: include_str!("../migrations/0006_number_sequences.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "document_templates",
        common: include_str!("../migrations/0007_document_templates.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "discretion_benchmarks",
        common: include_str!("../migrations/0008_discretion_benchmarks.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "cases",
        common: include_str!("../migrations/0009_cases.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "case_stages",
        common: include_str!("../migrations/0010_case_stages.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "case_execution",
        common: include_str!("../migrations/0011_case_execution.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "disclosures",
        common: include_str!("../migrations/0012_disclosures.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "case_ingest",
        common: include_str!("../migrations/0013_case_ingest.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "publication_limits",
        common: include_str!("../migrations/0014_publication_limits.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 15,
        name: "case_investigation",
        common: include_str!("../migrations/0015_case_investigation.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 16,
        name: "case_party_details",
        common: include_str!("../migrations/0016_case_party_details.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 17,
        name: "document_settings",
        common: include_str!("../migrations/0017_document_settings.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 18,
        name: "case_origin",
        common: include_str!("../migrations/0018_case_origin.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 19,
        name: "tree_parents",
        common: include_str!("../migrations/0019_tree_parents.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 20,
        name: "case_evaluations",
        common: include_str!("../migrations/0020_case_evaluations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 21,
        name: "evaluation_grades",
        common: include_str!("../migrations/0021_evaluation_grades.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 22,
        name: "case_delivery",
        common: include_str!("../migrations/0022_case_delivery.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 23,
        name: "case_notice_numbers",
        common: include_str!("../migrations/0023_case_notice_numbers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 24,
        name: "case_approvers",
        common: include_str!("../migrations/0024_case_approvers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 25,
        name: "supervision_notices",
        common: include_str!("../migrations/0025_supervision_notices.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 26,
        name: "evaluation_samples",
        common: include_str!("../migrations/0026_evaluation_samples.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 27,
        name: "bulletins",
        common: include_str!("../migrations/0027_bulletins.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 28,
        name: "self_inspections",
        common: include_str!("../migrations/0028_self_inspections.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 29,
        name: "evaluation_settings",
        common: include_str!("../migrations/0029_evaluation_settings.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 30,
        name: "criminal_transfers",
        common: include_str!("../migrations/0030_criminal_transfers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 31,
        name: "leads",
        common: include_str!("../migrations/0031_leads.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 32,
        name: "inspections",
        common: include_str!("../migrations/0032_inspections.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 33,
        name: "joint_scenarios",
        common: include_str!("../migrations/0033_joint_scenarios.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 34,
        name: "case_file_documents",
        common: include_str!("../migrations/0034_case_file_documents.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 35,
        name: "random_draws",
        common: include_str!("../migrations/0035_random_draws.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 36,
        name: "joint_plans",
        common: include_str!("../migrations/0036_joint_plans.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 37,
        name: "act_codes",
        common: include_str!("../migrations/0037_act_codes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 38,
        name: "entity_items",
        common: include_str!("../migrations/0038_entity_items.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 39,
        name: "hardening",
        common: include_str!("../migrations/0039_hardening.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 40,
        name: "case_waiver_date",
        common: include_str!("../migrations/0040_case_waiver_date.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 41,
        name: "workflow_versions",
        common: include_str!("../migrations/0041_workflow_versions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 42,
        name: "case_stage_check",
        common: "",
        sqlite: include_str!("../migrations/0042_case_stage_check.sqlite.sql"),
        postgres: include_str!("../migrations/0042_case_stage_check.postgres.sql"),
    },
    Migration {
        version: 43,
        name: "case_disputes",
        common: include_str!("../migrations/0043_case_disputes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 44,
        name: "publication_by_outcome",
        common: include_str!("../migrations/0044_publication_by_outcome.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 45,
        name: "transfer_economic",
        common: include_str!("../migrations/0045_transfer_economic.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 46,
        name: "transfer_approval",
        common: include_str!("../migrations/0046_transfer_approval.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 47,
        name: "case_file_by_steps",
        common: include_str!("../migrations/0047_case_file_by_steps.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 48,
        name: "long_jobs",
        common: include_str!("../migrations/0048_long_jobs.sql"),
        sqlite: include_str!("../migrations/0048_long_jobs.sqlite.sql"),
        postgres: include_str!("../migrations/0048_long_jobs.postgres.sql"),
    },
    Migration {
        version: 49,
        name: "case_investigated_on",
        common: include_str!("../migrations/0049_case_investigated_on.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 50,
        name: "party_periods",
        common: include_str!("../migrations/0050_party_periods.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 51,
        name: "normative_documents",
        common: include_str!("../migrations/0051_normative_documents.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 52,
        name: "normative_cleanups",
        common: include_str!("../migrations/0052_normative_cleanups.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 53,
        name: "legality_reviews",
        common: include_str!("../migrations/0053_legality_reviews.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 54,
        name: "administrative_contracts",
        common: include_str!("../migrations/0054_administrative_contracts.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 55,
        name: "major_decisions",
        common: include_str!("../migrations/0055_major_decisions.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 56,
        name: "review_advisers",
        common: include_str!("../migrations/0056_review_advisers.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 57,
        name: "normative_expiry_warnings",
        common: include_str!("../migrations/0057_normative_expiry_warnings.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 58,
        name: "review_case",
        common: include_str!("../migrations/0058_review_case.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 59,
        name: "reconsiderations",
        common: include_str!("../migrations/0059_reconsiderations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 60,
        name: "litigations",
        common: include_str!("../migrations/0060_litigations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 61,
        name: "disputes",
        common: include_str!("../migrations/0061_disputes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 62,
        name: "portal_identities",
        common: include_str!("../migrations/0062_portal_identities.sql"),
        sqlite: "",
        postgres: "",
    },
];

/// Arbitrary constant key for the PostgreSQL advisory lock that serialises concurrent
/// `fazhi serve` processes migrating the same database at start.
const MIGRATION_LOCK: i64 = 0x0066_617a_6869_0001;

fn render(sql: &str, backend: Backend) -> String {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGSERIAL PRIMARY KEY",
    };
    sql.replace("{id}", id)
}

/// Applies every pending migration; returns how many ran.
pub async fn run(store: &Store) -> Result<usize> {
    let mut tx = store.begin().await?;
    tx.lock(MIGRATION_LOCK).await?;
    tx.conn()
        .execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(tx.conn())
        .await?;
    let mut count = 0;
    for m in MIGRATIONS {
        if applied.contains(&m.version) {
            continue;
        }
        let specific = match store.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        for part in [m.common, specific] {
            let sql = render(part, store.backend());
            tx.conn()
                .execute(AssertSqlSafe(sql))
                .await
                .map_err(|e| StoreError::Migration {
                    version: m.version,
                    message: e.to_string(),
                })?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}

/// The highest migration this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
