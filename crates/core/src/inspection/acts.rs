//! The administrative-act code (行政行为码): every drawn inspection task and every recorded
//! inspection carries a code, shown as a QR code on the notice and the officer's screen. The
//! entity scans it to see who inspects (name, certificate, department), on what legal basis and
//! which items, and afterwards the result and any case that followed (inspection → penalty →
//! execution); it can rate the inspection and complain, which reaches the supervisor's desk.
//!
//! The code is signed with SM2 (GM/T 0003): `1-{nonce}-{USCC}-{department}-{YYYYMMDD}-{signature}`,
//! the signature (r‖s, hex) over everything before it, with the distinguishing identifier
//! `DISTID`. Anyone holding the published public key can tell a forged or altered code offline.
//! The signing key is derived from the personal-data index key (HMAC-SM3), so like every key it
//! lives in configuration, never in the database.

use chrono::NaiveDate;
use fazhi_store::page::Capped;
use fazhi_store::scope::RECORD_COLUMNS;
use fazhi_store::{Row, Sql, Store, Tx, now_ms};
use serde::Serialize;
use serde_json::json;
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};

use crate::access::{Actor, Permission};
use crate::vault::Keyring;
use crate::{Error, Result};

/// The SM2 distinguishing identifier of act codes.
pub const DISTID: &str = "fazhi-act-code";

/// What a code says, signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub nonce: String,
    pub uscc: String,
    pub department_id: i64,
    pub issued_on: NaiveDate,
}

impl Claim {
    fn payload(&self) -> String {
        format!(
            "1-{}-{}-{}-{}",
            self.nonce,
            self.uscc,
            self.department_id,
            self.issued_on.format("%Y%m%d")
        )
    }
}

/// The signing key: from the index key, the first derivation that is a valid SM2 secret.
pub fn signing_key(keyring: &Keyring) -> Result<SigningKey> {
    (1..=16)
        .find_map(|n| {
            let bytes =
                hex::decode(keyring.blind_index("act_code.signing_key", &n.to_string())).ok()?;
            SigningKey::from_slice(DISTID, &bytes).ok()
        })
        .ok_or_else(|| Error::invalid("keys", "无法由索引密钥导出行政行为码签名密钥。"))
}

/// The public key (SEC1, uncompressed, hex) that verifies codes offline.
pub fn public_key_hex(keyring: &Keyring) -> Result<String> {
    Ok(hex::encode(
        signing_key(keyring)?.verifying_key().to_sec1_bytes(),
    ))
}

/// The signed code of `claim`.
pub fn sign(key: &SigningKey, claim: &Claim) -> String {
    let payload = claim.payload();
    let signature: Signature = key.sign(payload.as_bytes());
    format!("{payload}-{}", hex::encode(signature.to_bytes()))
}

/// The claim of `code` when its signature verifies under `public_key` (SEC1 bytes); None for a
/// forged, altered or malformed code. Needs nothing but the public key.
pub fn verify(public_key: &[u8], code: &str) -> Option<Claim> {
    let (payload, signature) = code.trim().rsplit_once('-')?;
    let signature = Signature::from_slice(&hex::decode(signature).ok()?).ok()?;
    let key = VerifyingKey::from_sec1_bytes(DISTID, public_key).ok()?;
    key.verify(payload.as_bytes(), &signature).ok()?;
    let mut parts = payload.split('-');
    if parts.next()? != "1" {
        return None;
    }
    let claim = Claim {
        nonce: parts.next()?.to_string(),
        uscc: parts.next()?.to_string(),
        department_id: parts.next()?.parse().ok()?,
        issued_on: NaiveDate::parse_from_str(parts.next()?, "%Y%m%d").ok()?,
    };
    parts.next().is_none().then_some(claim)
}

/// A code to issue: the entity, the department, the items and the officers (name, certificate).
#[derive(Clone, Debug)]
pub struct NewAct {
    pub entity_uscc: String,
    pub entity_name: String,
    pub department_id: i64,
    pub region_id: i64,
    pub items: Vec<String>,
    pub officers: Vec<(String, String)>,
    pub issued_on: NaiveDate,
    pub draw_task_id: Option<i64>,
    pub plan_task_id: Option<i64>,
    pub inspection_id: Option<i64>,
}

/// Issues codes for `acts` in one multi-row statement; returns the codes in order.
pub async fn issue(
    tx: &mut Tx,
    key: &SigningKey,
    actor: &Actor,
    acts: &[NewAct],
) -> Result<Vec<String>> {
    let now = now_ms();
    let mut codes = Vec::with_capacity(acts.len());
    for chunk in acts.chunks(200) {
        let mut sql = Sql::new(
            "INSERT INTO act_codes (code, entity_uscc, entity_name, department_id, region_id, items,
                officers, issued_on, draw_task_id, plan_task_id, inspection_id, created_by, created_at) VALUES ",
        );
        for (n, a) in chunk.iter().enumerate() {
            let code = sign(
                key,
                &Claim {
                    nonce: crate::auth::password::random_hex(6),
                    uscc: a.entity_uscc.clone(),
                    department_id: a.department_id,
                    issued_on: a.issued_on,
                },
            );
            let officers: Vec<String> = a
                .officers
                .iter()
                .map(|(name, cert)| format!("{name}:{cert}"))
                .collect();
            sql.push(if n > 0 { ", (" } else { "(" })
                .bind(code.as_str())
                .push(", ")
                .bind(a.entity_uscc.as_str())
                .push(", ")
                .bind(a.entity_name.as_str())
                .push(", ")
                .bind(a.department_id)
                .push(", ")
                .bind(a.region_id)
                .push(", ")
                .bind(a.items.join(","))
                .push(", ")
                .bind(officers.join(";"))
                .push(", ")
                .bind(a.issued_on.to_string())
                .push(", ")
                .bind(a.draw_task_id)
                .push(", ")
                .bind(a.plan_task_id)
                .push(", ")
                .bind(a.inspection_id)
                .push(", ")
                .bind(actor.user_id)
                .push(", ")
                .bind(now)
                .push(")");
            codes.push(code);
        }
        sql.execute(tx.conn()).await?;
    }
    Ok(codes)
}

/// An inspection carried out on a drawn task, or on a published plan's task of its department,
/// entity and day, takes that task's code (and its officers are written on it); the caller
/// issues a new one when there is none. Returns whether a task's code was taken.
pub async fn attach_inspection(
    tx: &mut Tx,
    inspection_id: i64,
    officers: &[(String, String)],
) -> Result<bool> {
    let officers: Vec<String> = officers
        .iter()
        .map(|(name, cert)| format!("{name}:{cert}"))
        .collect();
    let n = sqlx::query(
        "UPDATE act_codes SET inspection_id = $1, officers = $2 WHERE id = (
            SELECT a.id FROM act_codes a, inspections i WHERE i.id = $1 AND a.inspection_id IS NULL
              AND (a.draw_task_id = (SELECT t.id FROM random_draw_tasks t WHERE t.inspection_id = i.id)
                OR a.plan_task_id IN (SELECT t.id FROM inspection_tasks t
                    WHERE t.entity_uscc = i.entity_uscc AND t.department_id = i.department_id
                      AND t.planned_on = i.inspected_on))
            ORDER BY a.id LIMIT 1)",
    )
    .bind(inspection_id)
    .bind(officers.join(";"))
    .execute(tx.conn())
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// What the entity sees when it scans a code.
#[derive(Clone, Debug, Serialize)]
pub struct ActView {
    pub code: String,
    pub entity_uscc: String,
    pub entity_name: String,
    pub department: String,
    pub officers: Vec<(String, String)>,
    /// (item code, name, legal basis)
    pub items: Vec<(String, String, String)>,
    pub issued_on: String,
    pub inspection_id: Option<i64>,
    /// The result and the day, once inspected.
    pub outcome: Option<(String, String)>,
    /// The case that followed: (decision number or 未决定, stage, executed)
    pub case: Option<(String, String, bool)>,
    /// (ratings, average stars ×100, complaints)
    pub feedback: (i64, i64, i64),
}

/// The code's record after its signature verified; a forged code is refused before any look-up.
pub async fn scan(store: &Store, keyring: &Keyring, code: &str) -> Result<ActView> {
    let public = signing_key(keyring)?.verifying_key().to_sec1_bytes();
    if verify(&public, code).is_none() {
        return Err(Error::invalid(
            "code",
            "行政行为码验签失败：该码不是本系统签发的，或已被改动。请勿配合，并向司法行政部门反映。",
        ));
    }
    let mut conn = store.conn().await?;
    let r = sqlx::query(
        "SELECT a.id, a.code, a.entity_uscc, a.entity_name, d.name AS department, a.items, a.officers,
            a.issued_on, a.inspection_id, i.outcome, i.inspected_on, i.case_id
         FROM act_codes a JOIN departments d ON d.id = a.department_id
         LEFT JOIN inspections i ON i.id = a.inspection_id WHERE a.code = $1",
    )
    .bind(code.trim())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::NotFound)?;
    let act_id: i64 = r.try_get("id")?;
    let codes: Vec<String> = r
        .try_get::<String, _>("items")?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let versions = crate::enforcement::catalog::repo::versions_of(&mut conn, &refs).await?;
    let items = codes
        .iter()
        .map(|c| {
            let v = versions
                .iter()
                .filter(|v| &v.code == c)
                .max_by(|a, b| a.effective_from.cmp(&b.effective_from));
            (
                c.clone(),
                v.map(|v| v.name.clone()).unwrap_or_default(),
                v.map(|v| format!("{}{}", v.law, v.article))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let outcome = match (
        r.try_get::<Option<String>, _>("outcome")?,
        r.try_get::<Option<String>, _>("inspected_on")?,
    ) {
        (Some(o), Some(on)) => {
            super::records::InspectionResult::parse(&o).map(|o| (o.label_zh().to_string(), on))
        }
        _ => None,
    };
    let case = match r.try_get::<Option<i64>, _>("case_id")? {
        Some(id) => sqlx::query(
            "SELECT decision_number, stage, paid_on, closed_on FROM cases WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|c| -> Result<(String, String, bool)> {
            Ok((
                c.try_get::<Option<String>, _>("decision_number")?
                    .unwrap_or_else(|| "尚未作出决定".into()),
                crate::enforcement::cases::stage_label(&c.try_get::<String, _>("stage")?)
                    .to_string(),
                c.try_get::<Option<String>, _>("paid_on")?.is_some()
                    || c.try_get::<Option<String>, _>("closed_on")?.is_some(),
            ))
        })
        .transpose()?,
        None => None,
    };
    let f = sqlx::query(
        "SELECT COUNT(stars) AS ratings, COALESCE(CAST(AVG(stars) * 100 AS BIGINT), 0) AS average,
            COUNT(complaint) AS complaints FROM act_feedback WHERE act_id = $1",
    )
    .bind(act_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(ActView {
        code: r.try_get("code")?,
        entity_uscc: r.try_get("entity_uscc")?,
        entity_name: r.try_get("entity_name")?,
        department: r.try_get("department")?,
        officers: r
            .try_get::<String, _>("officers")?
            .split(';')
            .filter_map(|o| {
                let (n, c) = o.split_once(':')?;
                Some((n.to_string(), c.to_string()))
            })
            .collect(),
        items,
        issued_on: r.try_get("issued_on")?,
        inspection_id: r.try_get("inspection_id")?,
        outcome,
        case,
        feedback: (
            f.try_get("ratings")?,
            f.try_get("average")?,
            f.try_get("complaints")?,
        ),
    })
}

/// The entity's rating (1–5 stars) and/or complaint through a verified code. At least one;
/// a complaint's text is 5–500 characters.
pub use crate::visitor::Sender;

/// At most this many ratings or complaints from one address in an hour, and ratings on one code.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;
pub const PER_CODE_PER_HOUR: i64 = 20;
const HOUR_MS: i64 = 3_600_000;

pub async fn feedback(
    store: &Store,
    keyring: &Keyring,
    code: &str,
    sender: &Sender<'_>,
    stars: Option<u32>,
    complaint: Option<&str>,
) -> Result<()> {
    let view = scan(store, keyring, code).await?;
    if stars.is_some_and(|s| !(1..=5).contains(&s)) {
        return Err(Error::invalid("stars", "评价为 1 至 5 星。"));
    }
    let complaint = complaint.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = complaint
        && !(5..=500).contains(&c.chars().count())
    {
        return Err(Error::invalid("complaint", "投诉内容为 5 至 500 字。"));
    }
    if stars.is_none() && complaint.is_none() {
        return Err(Error::invalid("stars", "请选择评价星级或填写投诉内容。"));
    }
    if view.inspection_id.is_none() && stars.is_some() {
        return Err(Error::invalid(
            "stars",
            "检查完成后才能评价；如有问题可以投诉。",
        ));
    }
    let device = keyring.blind_index("act-feedback-device", sender.device);
    let origin = keyring.blind_index("act-feedback-origin", sender.address);
    let now = now_ms();
    let act_id: i64 = sqlx::query_scalar("SELECT id FROM act_codes WHERE code = $1")
        .bind(code.trim())
        .fetch_one(store.pool())
        .await?;
    let counts = sqlx::query(
        "SELECT
            COALESCE(SUM(CASE WHEN origin = $1 AND created_at > $3 THEN 1 ELSE 0 END), 0) AS from_origin,
            COALESCE(SUM(CASE WHEN act_id = $2 AND created_at > $3 THEN 1 ELSE 0 END), 0) AS on_code,
            COALESCE(SUM(CASE WHEN act_id = $2 AND device = $4 AND stars IS NOT NULL THEN 1 ELSE 0 END), 0) AS rated
         FROM act_feedback WHERE (origin = $1 OR act_id = $2) AND (created_at > $3 OR device = $4)",
    )
    .bind(&origin)
    .bind(act_id)
    .bind(now - HOUR_MS)
    .bind(&device)
    .fetch_one(store.pool())
    .await?;
    let refusal = if stars.is_some() && counts.try_get::<i64, _>("rated")? > 0 {
        Some((
            "rated_already",
            "本次检查您已评价过，每台设备只能评价一次；如有问题可以投诉。".to_string(),
        ))
    } else if counts.try_get::<i64, _>("from_origin")? >= PER_ADDRESS_PER_HOUR {
        Some((
            "address_rate",
            format!("同一网络地址每小时最多提交 {PER_ADDRESS_PER_HOUR} 次评价或投诉，请稍后再试。"),
        ))
    } else if stars.is_some() && counts.try_get::<i64, _>("on_code")? >= PER_CODE_PER_HOUR {
        // Ratings only: a flood of ratings must not silence the party's complaint.
        Some((
            "code_rate",
            "该行政行为码收到的评价过于频繁，请稍后再试。".to_string(),
        ))
    } else {
        None
    };
    if let Some((reason, message)) = refusal {
        refuse(store, act_id, reason).await?;
        return Err(Error::NotAllowed {
            code: "feedback_limited",
            message,
        });
    }
    let mut tx = store.begin().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO act_feedback (act_id, stars, complaint, created_at, device, origin)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(act_id)
    .bind(stars.map(i64::from))
    .bind(complaint)
    .bind(now)
    .bind(&device)
    .bind(&origin)
    .fetch_optional(tx.conn())
    .await?;
    // Two ratings from one device at once: the unique index lets one through.
    let Some(id) = inserted else {
        drop(tx);
        refuse(store, act_id, "rated_already").await?;
        return Err(Error::NotAllowed {
            code: "feedback_limited",
            message: "本次检查您已评价过，每台设备只能评价一次。".into(),
        });
    };
    let anonymous = Actor::system("act_feedback", &[]);
    crate::audit::record(
        &mut tx,
        &anonymous,
        "create",
        "act_feedback",
        Some(id.to_string()),
        json!({ "stars": stars, "complaint": complaint.is_some() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn refuse(store: &Store, act_id: i64, reason: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO act_feedback_refusals (act_id, reason, created_at) VALUES ($1, $2, $3)",
    )
    .bind(act_id)
    .bind(reason)
    .bind(now_ms())
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Refused feedback attempts on codes in the actor's scope, by reason — shown on the desk so
/// that a flood of ratings is seen, not silently dropped.
pub async fn refusals(store: &Store, actor: &Actor) -> Result<Vec<(String, i64)>> {
    actor.require(Permission::SupervisionManage)?;
    let mut sql = Sql::new(
        "SELECT r.reason, COUNT(*) AS n FROM act_feedback_refusals r JOIN act_codes a ON a.id = r.act_id WHERE ",
    );
    sql.append(actor.scope.condition("a", RECORD_COLUMNS))
        .push(" GROUP BY r.reason ORDER BY r.reason");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("reason")?, r.try_get("n")?)))
        .collect()
}

/// Feedback for the supervisor's desk, complaints and low ratings first.
#[derive(Clone, Debug, Serialize)]
pub struct FeedbackRow {
    pub code: String,
    pub entity_name: String,
    pub department: String,
    pub stars: Option<i64>,
    pub complaint: Option<String>,
    pub inspection_id: Option<i64>,
    pub at: i64,
}

pub async fn desk(store: &Store, actor: &Actor) -> Result<Capped<FeedbackRow>> {
    actor.require(Permission::SupervisionManage)?;
    let mut sql = Sql::new(
        "SELECT a.code, a.entity_name, d.name AS department, f.stars, f.complaint, a.inspection_id, f.created_at
         FROM act_feedback f JOIN act_codes a ON a.id = f.act_id JOIN departments d ON d.id = a.department_id
         WHERE ",
    );
    sql.append(actor.scope.condition("a", RECORD_COLUMNS)).push(
        " ORDER BY CASE WHEN f.complaint IS NOT NULL THEN 0 WHEN f.stars <= 2 THEN 1 ELSE 2 END, f.id DESC LIMIT 501",
    );
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            Ok(FeedbackRow {
                code: r.try_get("code")?,
                entity_name: r.try_get("entity_name")?,
                department: r.try_get("department")?,
                stars: r.try_get("stars")?,
                complaint: r.try_get("complaint")?,
                inspection_id: r.try_get("inspection_id")?,
                at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 500))
}

/// The code of an inspection (for its page and the officer's screen), within the actor's scope.
pub async fn of_inspection(store: &Store, inspection_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT code FROM act_codes WHERE inspection_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(inspection_id)
    .fetch_optional(store.pool())
    .await?)
}

/// The codes of the inspections that led to case `case_id` (the matter's code follows it into
/// the case). Read after `cases::get`, which applies the data scope.
pub async fn of_case(store: &Store, case_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT a.code FROM act_codes a JOIN inspections i ON i.id = a.inspection_id
         WHERE i.case_id = $1 ORDER BY a.id",
    )
    .bind(case_id)
    .fetch_all(store.pool())
    .await?)
}

/// The codes of a published plan's tasks: (entity, date, department, code).
pub async fn of_plan(
    store: &Store,
    plan_id: i64,
) -> Result<Capped<(String, String, String, String)>> {
    sqlx::query(
        "SELECT t.entity_name, t.planned_on, d.name AS department, a.code FROM act_codes a
         JOIN inspection_tasks t ON t.id = a.plan_task_id JOIN departments d ON d.id = t.department_id
         WHERE t.plan_id = $1 ORDER BY t.planned_on, t.id LIMIT 1001",
    )
    .bind(plan_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("entity_name")?,
            r.try_get("planned_on")?,
            r.try_get("department")?,
            r.try_get("code")?,
        ))
    })
    .collect::<Result<Vec<_>>>()
        .map(|rows| Capped::new(rows, 1000))
}

/// The codes of a draw's tasks, by task ordinal.
pub async fn of_draw(store: &Store, draw_id: i64) -> Result<Vec<(i64, String)>> {
    sqlx::query(
        "SELECT t.ordinal, a.code FROM act_codes a JOIN random_draw_tasks t ON t.id = a.draw_task_id
         WHERE t.draw_id = $1 ORDER BY t.ordinal",
    )
    .bind(draw_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("ordinal")?, r.try_get("code")?)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring() -> Keyring {
        let (keys, index) = Keyring::generate();
        Keyring::parse(&keys, None, &index).unwrap()
    }

    #[test]
    fn a_code_verifies_offline_and_any_change_is_detected() {
        let k = keyring();
        let key = signing_key(&k).unwrap();
        let public = hex::decode(public_key_hex(&k).unwrap()).unwrap();
        let claim = Claim {
            nonce: "a1b2c3d4e5f6".into(),
            uscc: "91330681MA2D8XXX0X".into(),
            department_id: 7,
            issued_on: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        };
        let code = sign(&key, &claim);
        assert_eq!(verify(&public, &code), Some(claim.clone()));
        // Another entity, another department, another day: each fails.
        for (from, to) in [
            ("MA2D8XXX0X", "MA2D8XXX1X"),
            ("-7-", "-8-"),
            ("20261127", "20261128"),
        ] {
            assert_eq!(verify(&public, &code.replacen(from, to, 1)), None, "{to}");
        }
        // A code signed with another installation's key fails here.
        let other = sign(&signing_key(&keyring()).unwrap(), &claim);
        assert_eq!(verify(&public, &other), None);
        assert_eq!(verify(&public, "garbage"), None);
        // The key is stable for a keyring (derived, never stored).
        assert_eq!(public_key_hex(&k).unwrap(), hex::encode(&public));
    }
}
