//! The evaluation sheet as configured (评查表配置): grade thresholds, which rules apply and what
//! each deducts, saved as versions with an effective date. The version in force on a day is the
//! latest that took effect on or before it; before any, the sheet as written. A version takes
//! effect today or later, never in the past: what was evaluated stays as it was evaluated.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use fazhi_store::{Row, Store, now_ms};
use serde_json::{Value, json};

use super::sheet::{self, Settings, Thresholds};
use crate::access::{Actor, Permission};
use crate::org::rules::optional_text;
use crate::{Error, Result};

/// A saved version.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    pub id: i64,
    pub effective_from: String,
    pub settings: Settings,
    pub note: Option<String>,
}

/// What a supervisor saves.
#[derive(Clone, Debug)]
pub struct NewVersion {
    pub effective_from: NaiveDate,
    pub excellent: i64,
    pub pass: i64,
    /// Codes of rules that do not apply.
    pub disabled: Vec<String>,
    /// (code, deduction) for every rule whose deduction is set.
    pub deductions: Vec<(String, i64)>,
    pub note: Option<String>,
}

fn settings_of(excellent: i64, pass: i64, rules: &str) -> Settings {
    let rules: Value = serde_json::from_str(rules).unwrap_or(Value::Null);
    let mut s = Settings {
        thresholds: Thresholds {
            excellent: u32::try_from(excellent).unwrap_or(90),
            pass: u32::try_from(pass).unwrap_or(60),
        },
        ..Settings::default()
    };
    if let Some(map) = rules.as_object() {
        for (code, r) in map {
            if r.get("enabled") == Some(&Value::Bool(false)) {
                s.disabled.insert(code.clone());
            }
            if let Some(d) = r.get("deduction").and_then(Value::as_u64) {
                s.deductions
                    .insert(code.clone(), u32::try_from(d).unwrap_or(u32::MAX));
            }
        }
    }
    s
}

/// Every saved version, newest effective date first.
pub async fn versions(store: &Store) -> Result<Vec<Version>> {
    sqlx::query(
        "SELECT id, effective_from, excellent, pass, rules, note FROM evaluation_settings
         ORDER BY effective_from DESC",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Version {
            id: r.try_get("id")?,
            effective_from: r.try_get("effective_from")?,
            settings: settings_of(
                r.try_get("excellent")?,
                r.try_get("pass")?,
                &r.try_get::<String, _>("rules")?,
            ),
            note: r.try_get("note")?,
        })
    })
    .collect()
}

/// The version in force on `day`: its id (0 for the sheet as written) and settings.
pub async fn in_force(store: &Store, day: NaiveDate) -> Result<(i64, Settings)> {
    let day = day.to_string();
    Ok(versions(store)
        .await?
        .into_iter()
        .find(|v| v.effective_from <= day)
        .map_or((0, Settings::default()), |v| (v.id, v.settings)))
}

/// Saves a version after checking it.
pub async fn save(
    store: &Store,
    actor: &Actor,
    input: &NewVersion,
    today: NaiveDate,
) -> Result<i64> {
    actor.require(Permission::SupervisionManage)?;
    // The sheet applies to every file of the city: a supervisor whose data scope is one town
    // or one department does not set it for the others.
    if actor.scope.kind != fazhi_store::DataScope::All {
        return Err(Error::Forbidden);
    }
    if input.effective_from < today {
        return Err(Error::invalid(
            "effective_from",
            format!("生效日期不能早于今天（{today}）：已评查的案卷按当时的评查表评定。"),
        ));
    }
    if !(1..=100).contains(&input.excellent) || !(1..input.excellent).contains(&input.pass) {
        return Err(Error::invalid(
            "pass",
            "等次分数线应满足：0 < 合格线 < 优秀线 ≤ 100。",
        ));
    }
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let disabled: BTreeSet<&str> = input.disabled.iter().map(String::as_str).collect();
    for code in &disabled {
        sheet::rule(code)
            .ok_or_else(|| Error::invalid("disabled", format!("评查表中没有评查项 {code}。")))?;
        rules.insert((*code).to_string(), json!({ "enabled": false }));
    }
    for (code, deduction) in &input.deductions {
        let rule = sheet::rule(code)
            .ok_or_else(|| Error::invalid("deductions", format!("评查表中没有评查项 {code}。")))?;
        if !(1..=100).contains(deduction) {
            return Err(Error::invalid(
                "deductions",
                format!("{code} 的扣分应为 1 至 100 分。"),
            ));
        }
        if *deduction != i64::from(rule.deduction) && !disabled.contains(code.as_str()) {
            rules.insert(code.clone(), json!({ "deduction": deduction }));
        }
    }
    let note = optional_text("note", "说明", input.note.as_deref(), 500)?;
    let rules = serde_json::to_string(&rules).unwrap_or_else(|_| "{}".into());
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO evaluation_settings (effective_from, excellent, pass, rules, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(input.effective_from.to_string())
    .bind(input.excellent)
    .bind(input.pass)
    .bind(&rules)
    .bind(&note)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match fazhi_store::StoreError::from(e) {
        e if e.is_unique_violation() => Error::invalid(
            "effective_from",
            "该生效日期已有一版评查表配置，请换一个日期。",
        ),
        e => e.into(),
    })?;
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "evaluation_settings",
        Some(id.to_string()),
        json!({ "effective_from": input.effective_from.to_string(), "excellent": input.excellent,
                "pass": input.pass, "rules": rules }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_rules_become_settings() {
        let s = settings_of(
            85,
            70,
            r#"{"D10": {"enabled": false}, "E01": {"deduction": 20}}"#,
        );
        assert_eq!(
            s.thresholds,
            Thresholds {
                excellent: 85,
                pass: 70
            }
        );
        let d10 = sheet::rule("D10").unwrap();
        let e01 = sheet::rule("E01").unwrap();
        let a01 = sheet::rule("A01").unwrap();
        assert_eq!(s.deduction(d10), None);
        assert_eq!(s.deduction(e01), Some(20));
        assert_eq!(s.deduction(a01), Some(a01.deduction));
    }
}
