//! A citizen's verified identity on the public portal (实名核验): a name, a resident ID whose
//! check digit and birth date hold (GB 11643), and a mobile number that answers a one-time
//! code. The code's delivery is a pluggable step (`CodeSender`); fazhi ships no SMS gateway, so
//! the demo's sender shows the code on the page and says so.
//!
//! The identity is bound to the browser's anonymous visit nonce for two hours; only blind
//! indexes of the nonce, the identity and the code are stored, the mobile number sealed, the
//! ID masked for the screen. A citizen's records are found by the identity's index — ID, name
//! and mobile together — so knowing someone's ID number is not enough: the code must reach
//! the phone the records were filed with.

use fazhi_kernel::ids::contact::Mobile;
use fazhi_kernel::ids::resident_id::ResidentId;
use fazhi_store::audit::{self, AuditActor, AuditEvent};
use fazhi_store::{Row, Store, now_ms};
use serde_json::json;

use crate::vault::Keyring;
use crate::{Error, Refusals, Result};

/// How long a code answers, and how long a verified identity lasts.
const CODE_MS: i64 = 10 * 60 * 1000;
const VERIFIED_MS: i64 = 2 * 3600 * 1000;
/// Wrong codes allowed before the code is void.
const ATTEMPTS: i64 = 5;
/// Codes asked for one ID, one mobile number or from one browser per hour; from one network
/// address (a household or an office behind one address) a few more.
const STARTS_PER_HOUR: i64 = 5;
const STARTS_PER_ADDRESS_PER_HOUR: i64 = 20;

/// How the code reached the citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Sent by a real gateway to the number (masked here).
    Sent { to: String },
    /// Not sent: the demo shows it on the page, and the page says it is a stand-in.
    ShownOnPage { code: String, to: String },
}

/// The second factor: how a one-time code reaches the mobile number.
pub trait CodeSender: Send + Sync {
    fn send(&self, to: &Mobile, code: &str) -> Result<Delivery>;
}

/// The demo's stand-in for an SMS gateway: it sends nothing and hands the code back to show.
pub struct DemoSender;

impl CodeSender for DemoSender {
    fn send(&self, to: &Mobile, code: &str) -> Result<Delivery> {
        Ok(Delivery::ShownOnPage {
            code: code.to_string(),
            to: to.masked(),
        })
    }
}

/// A verified identity, as the portal's pages use it.
#[derive(Clone, Debug)]
pub struct Verified {
    pub name: String,
    /// The blind index of the identity (ID, name, mobile): finds the citizen's own records.
    pub index: String,
    pub id_masked: String,
    /// The verified mobile number, the citizen's contact on what they file.
    pub mobile: String,
}

fn index_of(keyring: &Keyring, id: &ResidentId, name: &str, mobile: &Mobile) -> String {
    keyring.blind_index(
        "portal-identity",
        &format!("{}|{name}|{}", id.as_str(), mobile.as_str()),
    )
}

/// Who asks for a code: their browser's visit nonce and their network address.
pub struct Asker<'a> {
    pub visit: &'a str,
    pub address: &'a str,
}

/// Checks the name, ID and mobile number, and sends a code.
pub async fn start(
    store: &Store,
    keyring: &Keyring,
    sender: &dyn CodeSender,
    asker: &Asker<'_>,
    (name, id, mobile): (&str, &str, &str),
    today: chrono::NaiveDate,
) -> Result<Delivery> {
    let mut r = Refusals::default();
    let name = name.trim();
    let n = name.chars().count();
    if !(2..=20).contains(&n)
        || !name
            .chars()
            .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·')
    {
        r.push(Error::invalid(
            "name",
            "请填写与身份证一致的中文姓名（2 至 20 字）。",
        ));
    }
    let id = match ResidentId::parse_on(id.trim(), today) {
        Ok(id) => Some(id),
        Err(e) => {
            // The right check character is not said: it would turn any typo into a valid
            // number.
            let why = match e {
                fazhi_kernel::ids::IdError::CheckCharacter { .. } => {
                    "有误（校验码不符），请逐位核对".to_string()
                }
                e => e.message_zh(),
            };
            r.push(Error::invalid("id_number", format!("公民身份号码{why}。")));
            None
        }
    };
    let mobile = match Mobile::parse(mobile) {
        Ok(m) => Some(m),
        Err(e) => {
            r.push(Error::invalid(
                "mobile",
                format!("手机号码{}。", e.message_zh()),
            ));
            None
        }
    };
    r.finish()?;
    let (Some(id), Some(mobile)) = (id, mobile) else {
        return Err(Error::NotFound);
    };
    let visit_index = keyring.blind_index("portal-visit", asker.visit);
    let id_index = keyring.blind_index("portal-resident-id", id.as_str());
    let mobile_index = keyring.blind_index("portal-mobile", mobile.as_str());
    let origin_index = keyring.blind_index("portal-origin", asker.address);
    let identity_index = index_of(keyring, &id, name, &mobile);
    let now = now_ms();
    let counts = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN id_index = $1 THEN 1 ELSE 0 END), 0) AS by_id,
                COALESCE(SUM(CASE WHEN visit_index = $2 THEN 1 ELSE 0 END), 0) AS by_visit,
                COALESCE(SUM(CASE WHEN mobile_index = $3 THEN 1 ELSE 0 END), 0) AS by_mobile,
                COALESCE(SUM(CASE WHEN origin_index = $4 THEN 1 ELSE 0 END), 0) AS by_origin
         FROM portal_identity_starts WHERE created_at > $5
           AND (id_index = $1 OR visit_index = $2 OR mobile_index = $3 OR origin_index = $4)",
    )
    .bind(&id_index)
    .bind(&visit_index)
    .bind(&mobile_index)
    .bind(&origin_index)
    .bind(now - 3600 * 1000)
    .fetch_one(store.pool())
    .await?;
    let count = |c: &str| -> Result<i64> { Ok(counts.try_get::<i64, _>(c)?) };
    if count("by_id")? >= STARTS_PER_HOUR
        || count("by_visit")? >= STARTS_PER_HOUR
        || count("by_mobile")? >= STARTS_PER_HOUR
        || count("by_origin")? >= STARTS_PER_ADDRESS_PER_HOUR
    {
        return Err(Error::NotAllowed {
            code: "identity_limited",
            message: format!("每小时最多获取 {STARTS_PER_HOUR} 次验证码，请稍后再试。"),
        });
    }
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let delivery = sender.send(&mobile, &code)?;
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM portal_identities WHERE visit_index = $1")
        .bind(&visit_index)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO portal_identities (visit_index, identity_index, name, id_masked,
            mobile_sealed, code_index, attempts, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
    )
    .bind(&visit_index)
    .bind(&identity_index)
    .bind(name)
    .bind(id.masked())
    .bind(keyring.seal("portal-mobile", mobile.as_str())?)
    .bind(keyring.blind_index("portal-code", &code))
    .bind(now + CODE_MS)
    .bind(now)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO portal_identity_starts (id_index, visit_index, mobile_index, origin_index,
            created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id_index)
    .bind(&visit_index)
    .bind(&mobile_index)
    .bind(&origin_index)
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(delivery)
}

/// The code the citizen typed: right, the identity is verified for two hours; wrong, one
/// attempt fewer; after five, or ten minutes, the code is void.
pub async fn confirm(store: &Store, keyring: &Keyring, visit: &str, code: &str) -> Result<()> {
    let visit_index = keyring.blind_index("portal-visit", visit);
    let now = now_ms();
    let mut tx = store.begin().await?;
    let row: Option<(i64, String, i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, code_index, attempts, expires_at, verified_at, id_masked
         FROM portal_identities WHERE visit_index = $1",
    )
    .bind(&visit_index)
    .fetch_optional(tx.conn())
    .await?;
    let Some((id, code_index, attempts, expires_at, verified_at, masked)) = row else {
        return Err(Error::refused(
            "identity_no_code",
            "code",
            "请先填写身份信息获取验证码。",
        ));
    };
    if verified_at.is_some() {
        return Ok(());
    }
    if expires_at < now || attempts >= ATTEMPTS {
        return Err(Error::refused(
            "identity_code_void",
            "code",
            "验证码已失效（十分钟内有效，最多尝试五次），请重新获取。",
        ));
    }
    if keyring.blind_index("portal-code", code.trim()) != code_index {
        sqlx::query("UPDATE portal_identities SET attempts = attempts + 1 WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        let left = ATTEMPTS - attempts - 1;
        return Err(Error::refused(
            "identity_code_wrong",
            "code",
            if left > 0 {
                format!("验证码不正确，还可尝试 {left} 次。")
            } else {
                "验证码不正确，已尝试五次，验证码已失效，请重新获取。".to_string()
            },
        ));
    }
    sqlx::query("UPDATE portal_identities SET verified_at = $1, expires_at = $2 WHERE id = $3")
        .bind(now)
        .bind(now + VERIFIED_MS)
        .bind(id)
        .execute(tx.conn())
        .await?;
    audit::append(
        &mut tx,
        &AuditActor::system("公众（门户网站）"),
        &AuditEvent {
            action: "verify_identity",
            object_type: "portal_identity",
            object_id: Some(id.to_string()),
            detail: json!({ "id_number": masked, "second_factor": "mobile_code" }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The identity verified in this browser, if it has not lapsed.
pub async fn current(store: &Store, keyring: &Keyring, visit: &str) -> Result<Option<Verified>> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT name, identity_index, id_masked, mobile_sealed FROM portal_identities
         WHERE visit_index = $1 AND verified_at IS NOT NULL AND expires_at > $2",
    )
    .bind(keyring.blind_index("portal-visit", visit))
    .bind(now_ms())
    .fetch_optional(store.pool())
    .await?;
    row.map(|(name, index, id_masked, mobile)| {
        Ok(Verified {
            name,
            index,
            id_masked,
            mobile: keyring.open("portal-mobile", &mobile)?,
        })
    })
    .transpose()
}

pub async fn sign_out(store: &Store, keyring: &Keyring, visit: &str) -> Result<()> {
    sqlx::query("DELETE FROM portal_identities WHERE visit_index = $1")
        .bind(keyring.blind_index("portal-visit", visit))
        .execute(store.pool())
        .await?;
    Ok(())
}
