//! Personal data at rest (个人信息加密存储): identity and phone numbers are stored encrypted with
//! SM4 (in GCM mode) under a numbered key, with an SM3-based keyed blind index (HMAC-SM3) for
//! exact look-up. Keys come from configuration or the environment, never from the database.
//!
//! Rotation: add a new key with a higher number, make it current, run `fazhi keys rotate` (which
//! re-encrypts every value sealed under an older key), then remove the old key. The blind-index
//! key is separate and stays, so look-ups keep working throughout.

use std::collections::BTreeMap;

use aes_gcm::AesGcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use hmac::{Mac, SimpleHmac};
use sm3::Sm3;
use sm4::Sm4;
use sm4::cipher::consts::U12;

use crate::{Error, Result};

type Sm4Gcm = AesGcm<Sm4, U12>;

const PREFIX: &str = "sm4gcm";

#[derive(Clone)]
pub struct Keyring {
    keys: BTreeMap<u32, [u8; 16]>,
    current: u32,
    index_key: Vec<u8>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        write!(
            f,
            "Keyring {{ keys: {:?}, current: {} }}",
            self.keys.keys().collect::<Vec<_>>(),
            self.current
        )
    }
}

fn bad(message: impl Into<String>) -> Error {
    Error::invalid("keys", message)
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    hex::decode(s.trim()).ok()
}

impl Keyring {
    /// `keys` is `ID:HEX,ID:HEX…` (each key 16 bytes = 32 hex digits); the highest id is current
    /// unless `current` names another. `index_key` is at least 16 bytes of hex.
    pub fn parse(keys: &str, current: Option<u32>, index_key: &str) -> Result<Keyring> {
        let mut map = BTreeMap::new();
        for part in keys.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, key) = part
                .split_once(':')
                .ok_or_else(|| bad("数据密钥应写成“编号:32位十六进制”，多个用逗号分隔。"))?;
            let id: u32 = id
                .trim()
                .parse()
                .map_err(|_| bad(format!("密钥编号“{id}”不是数字。")))?;
            let key: [u8; 16] = unhex(key).and_then(|k| k.try_into().ok()).ok_or_else(|| {
                bad(format!(
                    "密钥 {id} 应为 32 位十六进制（16 字节 SM4 密钥）。"
                ))
            })?;
            map.insert(id, key);
        }
        let current = current
            .or_else(|| map.keys().next_back().copied())
            .ok_or_else(|| bad("没有配置数据密钥。"))?;
        if !map.contains_key(&current) {
            return Err(bad(format!("当前密钥编号 {current} 不在已配置的密钥中。")));
        }
        let index_key = unhex(index_key)
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| bad("盲索引密钥应为至少 32 位十六进制。"))?;
        Ok(Keyring {
            keys: map,
            current,
            index_key,
        })
    }

    /// Fresh random keys in the configuration format: (keys, index key).
    pub fn generate() -> (String, String) {
        (
            format!("1:{}", crate::auth::password::random_hex(16)),
            crate::auth::password::random_hex(32),
        )
    }

    pub fn current(&self) -> u32 {
        self.current
    }

    /// Encrypts `plaintext` for the column `purpose` (bound in as associated data, so a value
    /// moved to another column fails to decrypt).
    pub fn seal(&self, purpose: &str, plaintext: &str) -> Result<String> {
        let key = self
            .keys
            .get(&self.current)
            .ok_or_else(|| bad("当前密钥缺失。"))?;
        let cipher = Sm4Gcm::new_from_slice(key).map_err(|_| bad("密钥长度错误。"))?;
        let nonce_bytes: [u8; 12] = rand::random();
        let nonce = aes_gcm::Nonce::<U12>::from(nonce_bytes);
        let ct = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| bad("加密失败。"))?;
        Ok(format!(
            "{PREFIX}:{}:{}{}",
            self.current,
            hex::encode(nonce_bytes),
            hex::encode(ct)
        ))
    }

    pub fn open(&self, purpose: &str, sealed: &str) -> Result<String> {
        let mut parts = sealed.splitn(3, ':');
        let (Some(PREFIX), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("密文格式错误。"));
        };
        let id: u32 = id.parse().map_err(|_| bad("密文的密钥编号错误。"))?;
        let key = self
            .keys
            .get(&id)
            .ok_or_else(|| bad(format!("密文使用的密钥 {id} 未配置。")))?;
        let bytes = unhex(body)
            .filter(|b| b.len() > 12)
            .ok_or_else(|| bad("密文格式错误。"))?;
        let (nonce, ct) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad("密文格式错误。"))?;
        let cipher = Sm4Gcm::new_from_slice(key).map_err(|_| bad("密钥长度错误。"))?;
        let pt = cipher
            .decrypt(
                &aes_gcm::Nonce::<U12>::from(nonce),
                Payload {
                    msg: ct,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| bad("密文校验失败：密钥不符或数据被改动。"))?;
        String::from_utf8(pt).map_err(|_| bad("解密结果不是文本。"))
    }

    /// Whether a stored value is sealed (rather than text stored before its column was sealed).
    pub fn is_sealed(value: &str) -> bool {
        value
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.starts_with(':'))
    }

    /// The key number a sealed value was encrypted under.
    pub fn key_of(sealed: &str) -> Option<u32> {
        sealed.split(':').nth(1)?.parse().ok()
    }

    /// HMAC-SM3 of the normalised value, for exact look-up without decrypting.
    pub fn blind_index(&self, purpose: &str, normalised: &str) -> String {
        match SimpleHmac::<Sm3>::new_from_slice(&self.index_key) {
            Ok(mut mac) => {
                mac.update(purpose.as_bytes());
                mac.update(&[0x1f]);
                mac.update(normalised.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }
}

/// Every sealed column: (table, id column, sealed column, purpose). Modules that store personal
/// data add theirs here, so that rotation covers them.
pub const SEALED_COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("users", "id", "mobile_sealed", "users.mobile"),
    (
        "case_parties",
        "id",
        "resident_id_sealed",
        "case_parties.resident_id",
    ),
    (
        "case_parties",
        "id",
        "address_sealed",
        "case_parties.address",
    ),
    ("case_parties", "id", "phone_sealed", "case_parties.phone"),
    (
        "disclosures",
        "id",
        "findings",
        crate::enforcement::disclosure::FINDINGS,
    ),
];

/// Re-encrypts every value sealed under a key other than the current one, in batches, and
/// records the rotation on the audit log. Returns how many values were re-sealed.
pub async fn rotate(
    store: &fazhi_store::Store,
    actor: &crate::Actor,
    keyring: &Keyring,
) -> Result<u64> {
    use fazhi_store::Row;
    const BATCH: i64 = 500;
    let current = format!("{PREFIX}:{}:%", keyring.current());
    let mut total = 0;
    for (table, id_col, col, purpose) in SEALED_COLUMNS {
        let mut after = i64::MIN;
        loop {
            let select = format!(
                "SELECT {id_col} AS id, {col} AS sealed FROM {table}
                 WHERE {col} IS NOT NULL AND {col} NOT LIKE $1 AND {id_col} > $2 ORDER BY {id_col} LIMIT $3"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(select))
                .bind(&current)
                .bind(after)
                .bind(BATCH)
                .fetch_all(store.pool())
                .await?;
            if rows.is_empty() {
                break;
            }
            let mut tx = store.begin().await?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let sealed: String = row.try_get("sealed")?;
                // A value stored in clear before its column was sealed is sealed now.
                let plain = if Keyring::is_sealed(&sealed) {
                    keyring.open(purpose, &sealed)?
                } else {
                    sealed
                };
                let update = format!("UPDATE {table} SET {col} = $1 WHERE {id_col} = $2");
                sqlx::query(sqlx::AssertSqlSafe(update))
                    .bind(keyring.seal(purpose, &plain)?)
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                after = id;
            }
            total += rows.len() as u64;
            fazhi_store::audit::append(
                &mut tx,
                &actor.audit(),
                &fazhi_store::audit::AuditEvent {
                    action: "rotate_key",
                    object_type: table,
                    object_id: None,
                    detail: serde_json::json!({ "column": col, "resealed": rows.len(), "key": keyring.current() }),
                },
            )
            .await?;
            tx.commit().await?;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(keys: &str) -> Keyring {
        Keyring::parse(keys, None, "00112233445566778899aabbccddeeff").unwrap()
    }

    #[test]
    fn seal_open_and_purpose_binding() {
        let k = ring("1:0123456789abcdef0123456789abcdef");
        let s = k.seal("users.mobile", "13812345678").unwrap();
        assert!(s.starts_with("sm4gcm:1:"));
        assert!(!s.contains("13812345678"));
        assert_eq!(k.open("users.mobile", &s).unwrap(), "13812345678");
        assert!(
            k.open("parties.resident_id", &s).is_err(),
            "moved to another column"
        );
        let mut tampered = s.clone();
        tampered.pop();
        tampered.push(if s.ends_with('0') { '1' } else { '0' });
        assert!(k.open("users.mobile", &tampered).is_err());
        // Two seals of one value differ (random nonce); their blind index does not.
        assert_ne!(k.seal("users.mobile", "13812345678").unwrap(), s);
        assert_eq!(
            k.blind_index("users.mobile", "13812345678"),
            k.blind_index("users.mobile", "13812345678")
        );
        assert_ne!(
            k.blind_index("users.mobile", "13812345678"),
            k.blind_index("users.mobile", "13812345679")
        );
        assert!(!format!("{k:?}").contains("0123456789abcdef"));
    }

    #[test]
    fn rotation_keeps_old_values_readable_until_resealed() {
        let old = ring("1:0123456789abcdef0123456789abcdef");
        let sealed = old.seal("users.mobile", "13900000000").unwrap();
        let both = ring("1:0123456789abcdef0123456789abcdef,2:fedcba9876543210fedcba9876543210");
        assert_eq!(both.current(), 2);
        assert_eq!(both.open("users.mobile", &sealed).unwrap(), "13900000000");
        let resealed = both
            .seal("users.mobile", &both.open("users.mobile", &sealed).unwrap())
            .unwrap();
        assert_eq!(Keyring::key_of(&resealed), Some(2));
        let new_only = ring("2:fedcba9876543210fedcba9876543210");
        assert!(new_only.open("users.mobile", &sealed).is_err());
        assert_eq!(
            new_only.open("users.mobile", &resealed).unwrap(),
            "13900000000"
        );
    }

    #[test]
    fn sm4_and_sm3_match_the_standards_test_vectors() {
        use sm3::Digest;
        use sm4::cipher::{BlockCipherEncrypt, KeyInit as _};
        // GB/T 32907-2016 appendix A.1.
        let key = hex::decode("0123456789abcdeffedcba9876543210").unwrap();
        let cipher = Sm4::new_from_slice(&key).unwrap();
        let mut block = sm4::cipher::Block::<Sm4>::try_from(&key[..]).unwrap();
        cipher.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
        // GB/T 32905-2016 appendix A.1.
        assert_eq!(
            hex::encode(Sm3::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn bad_configuration_is_explained() {
        assert!(Keyring::parse("", None, "00112233445566778899aabbccddeeff").is_err());
        assert!(Keyring::parse("1:abcd", None, "00112233445566778899aabbccddeeff").is_err());
        assert!(
            Keyring::parse(
                "x:0123456789abcdef0123456789abcdef",
                None,
                "00112233445566778899aabbccddeeff"
            )
            .is_err()
        );
        assert!(
            Keyring::parse(
                "1:0123456789abcdef0123456789abcdef",
                Some(2),
                "00112233445566778899aabbccddeeff"
            )
            .is_err()
        );
        assert!(Keyring::parse("1:0123456789abcdef0123456789abcdef", None, "00").is_err());
    }
}
