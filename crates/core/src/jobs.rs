//! The background jobs the foundation registers. Later modules add theirs to the same registry.

use std::time::Duration;

use fazhi_store::audit::{self, AuditActor, AuditEvent};
use fazhi_store::jobs::Registry;
use serde_json::json;

use crate::auth::session;

pub const SESSION_CLEANUP: &str = "sessions.cleanup";
pub const AUDIT_VERIFY: &str = "audit.verify";
pub const DEADLINE_SCAN: &str = "deadlines.scan";
pub const CASE_EVALUATION: &str = "cases.evaluate";
pub const SELF_INSPECTIONS: &str = "supervision.self_inspections";
pub const LEADS: &str = "supervision.leads";
pub const NORMATIVE_EXPIRY: &str = "normative.expire";
pub const DISPUTE_ESCALATION: &str = "disputes.escalate";

pub fn registry(idle_timeout: Duration, keyring: crate::vault::Keyring) -> Registry {
    let idle_ms = i64::try_from(idle_timeout.as_millis()).unwrap_or(i64::MAX);
    let mut r = Registry::default();
    r.handle(SESSION_CLEANUP, move |store, _| async move {
        session::cleanup(&store, idle_ms)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .every(SESSION_CLEANUP, Duration::from_secs(15 * 60));
    // Daily self-check of the audit chain; the result is itself on the record.
    r.handle(AUDIT_VERIFY, |store, _| async move {
        let report = audit::verify(&store, |_| {})
            .await
            .map_err(|e| e.to_string())?;
        if let Some(b) = &report.first_break {
            tracing::error!(%b, "audit chain broken");
        }
        let mut tx = store.begin().await.map_err(|e| e.to_string())?;
        audit::append(
            &mut tx,
            &AuditActor::system("system:audit.verify"),
            &AuditEvent {
                action: "verify",
                object_type: "audit_log",
                object_id: None,
                detail: json!({
                    "checked": report.checked,
                    "intact": report.first_break.is_none(),
                    "first_break": report.first_break.as_ref().map(ToString::to_string),
                }),
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())
    })
    .every(AUDIT_VERIFY, Duration::from_secs(24 * 3600));
    // Warning lights: hourly, so a deadline turning yellow or red today is told today.
    r.handle(DEADLINE_SCAN, |store, _| async move {
        let report = crate::deadlines::scan(&store, crate::deadlines::china_today())
            .await
            .map_err(|e| e.to_string())?;
        if report.yellow + report.red == 0 {
            return Ok(());
        }
        let mut tx = store.begin().await.map_err(|e| e.to_string())?;
        audit::append(
            &mut tx,
            &AuditActor::system("system:deadlines.scan"),
            &AuditEvent {
                action: "warn",
                object_type: "deadline",
                object_id: None,
                detail: json!({ "yellow": report.yellow, "red": report.red }),
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())
    })
    .every(DEADLINE_SCAN, Duration::from_secs(3600));
    // Case files changed since their last evaluation are evaluated again within minutes.
    r.handle(CASE_EVALUATION, |store, _| async move {
        let actor = crate::Actor::system(CASE_EVALUATION, &[crate::Permission::CaseRead]);
        crate::supervision::evaluation::run(&store, &actor, false, &|_| {})
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .every(CASE_EVALUATION, Duration::from_secs(10 * 60));
    // Each agency's self-inspection task for the month, on its first run of the month.
    r.handle(SELF_INSPECTIONS, |store, _| async move {
        let actor = crate::Actor::system(SELF_INSPECTIONS, &[crate::Permission::SupervisionManage]);
        let (cal, policy) = crate::deadlines::in_force(&store)
            .await
            .map_err(|e| e.to_string())?;
        let today = crate::deadlines::china_today();
        let clock = crate::deadlines::Clock {
            cal: &cal,
            policy,
            today,
        };
        crate::supervision::self_inspection::plan_month(&store, &actor, clock, today)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .every(SELF_INSPECTIONS, Duration::from_secs(6 * 3600));
    // The lead models over every record, hourly.
    r.handle(LEADS, |store, _| async move {
        let actor = crate::Actor::system(
            LEADS,
            &[
                crate::Permission::SupervisionManage,
                crate::Permission::CaseRead,
            ],
        );
        crate::supervision::leads::run(&store, &actor, crate::deadlines::china_today())
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .every(LEADS, Duration::from_secs(3600));
    // Documents past their validity lapse (已失效), so neither the register nor the public
    // library calls them in force; hourly, so the day a document lapses is never missed long.
    r.handle(NORMATIVE_EXPIRY, |store, _| async move {
        let today = crate::deadlines::china_today();
        crate::normative::expire(&store, today)
            .await
            .map_err(|e| e.to_string())?;
        crate::normative::warn_expiring(&store, today)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .every(NORMATIVE_EXPIRY, Duration::from_secs(3600));
    // A mediation whose level's limit ran out goes up a level (village → town → city) on the
    // hour it is found, as the system, with the lapsed limit as its reason.
    let keyring = std::sync::Arc::new(keyring);
    r.handle(DISPUTE_ESCALATION, move |store, _| {
        let keyring = keyring.clone();
        async move {
            crate::disputes::escalate_overdue(&store, &keyring, crate::deadlines::china_today())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    })
    .every(DISPUTE_ESCALATION, Duration::from_secs(3600));
    r
}
