use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::settings::PasswordPolicy;
use crate::{Error, Result};

pub fn hash(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::PasswordPolicy(format!("无法处理该密码：{e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash of a random password, verified against when the user name is unknown, so that a
/// wrong user name costs as long as a wrong password and does not reveal which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&random_hex(16)).unwrap_or_default())
}

/// Checks a new password against the policy. The message says every rule that failed.
pub fn check(policy: &PasswordPolicy, username: &str, password: &str) -> Result<()> {
    let mut problems = Vec::new();
    if password.chars().count() < policy.min_length {
        problems.push(format!("至少 {} 个字符", policy.min_length));
    }
    if password.chars().count() > 128 {
        problems.push("不超过 128 个字符".to_string());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|x| *x)
    .count();
    if classes < policy.min_classes {
        problems.push(format!(
            "包含大写字母、小写字母、数字、符号中的至少 {} 类",
            policy.min_classes
        ));
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        problems.push("不能包含用户名".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::PasswordPolicy(format!(
            "密码不符合要求：{}。",
            problems.join("；")
        )))
    }
}

/// Random bytes as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    for _ in 0..bytes {
        out.push_str(&format!("{:02x}", rand::random::<u8>()));
    }
    out
}

/// A one-time password of 16 characters with all four character classes, without the easily
/// confused 0/O, 1/l/I.
pub fn one_time_password() -> String {
    const SETS: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnpqrstuvwxyz",
        b"23456789",
        b"#%+=@",
    ];
    let mut chars: Vec<u8> = Vec::with_capacity(16);
    for i in 0..16 {
        let set = SETS[i % SETS.len()];
        chars.push(set[rand::random_range(0..set.len())]);
    }
    // Shuffle so the classes do not sit in a fixed pattern.
    for i in (1..chars.len()).rev() {
        chars.swap(i, rand::random_range(0..=i));
    }
    String::from_utf8(chars).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_counts_classes_and_refuses_the_user_name() {
        let p = PasswordPolicy::default();
        assert!(check(&p, "zhang", "Abcdefg1").is_ok());
        assert!(check(&p, "zhang", "abcdefg1").is_err(), "two classes only");
        assert!(check(&p, "zhang", "Ab1!").is_err(), "too short");
        assert!(
            check(&p, "zhang", "Zhang#2024x").is_err(),
            "contains the user name"
        );
    }

    #[test]
    fn one_time_passwords_meet_the_policy() {
        let p = PasswordPolicy::default();
        for _ in 0..50 {
            let otp = one_time_password();
            assert_eq!(otp.len(), 16);
            assert!(check(&p, "sysadmin", &otp).is_ok(), "{otp}");
        }
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("Correct#Horse9").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Correct#Horse9", &h));
        assert!(!verify("correct#horse9", &h));
        assert!(!verify("x", "not a hash"));
    }
}
