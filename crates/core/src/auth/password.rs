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

/// `verify` on a blocking thread: argon2 takes tens of milliseconds of CPU, which would stall
/// every other request on the async workers.
pub async fn verify_off_thread(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &stored))
        .await
        .unwrap_or(false)
}

/// `hash` on a blocking thread (see `verify_off_thread`).
pub async fn hash_off_thread(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| Error::PasswordPolicy(format!("无法处理该密码：{e}")))?
}

/// A hash of a random password, verified against when the user name is unknown, so that a
/// wrong user name costs as long as a wrong password and does not reveal which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&random_hex(16)).unwrap_or_default())
}

/// Passwords people choose most often (shipped as data, `data/common-passwords.txt`).
fn common() -> &'static std::collections::HashSet<&'static str> {
    static LIST: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether a password is a common one or a common word dressed up: compared in lower case, also
/// with trailing digits and symbols removed and with the usual letter-for-digit swaps undone
/// (`Password1`, `P@ssw0rd!`, `Abc12345`, `woaini1314`).
pub fn is_common(password: &str) -> bool {
    let unleet = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '@' | '4' => 'a',
                '0' => 'o',
                '1' | '!' => 'i',
                '3' => 'e',
                '$' | '5' => 's',
                '7' => 't',
                c => c,
            })
            .collect()
    };
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let list = common();
    let whole = [lower.clone(), unleet(&lower)];
    // A stem shorter than 3 letters (`ab` of `ab12345678xy`) says nothing.
    let stems = [stem.to_string(), unleet(stem)];
    whole.iter().any(|p| list.contains(p.as_str()))
        || stems
            .iter()
            .any(|p| p.chars().count() >= 3 && list.contains(p.as_str()))
}

/// Checks a new password against the policy. The message says every rule that failed.
pub fn check(policy: &PasswordPolicy, username: &str, password: &str) -> Result<()> {
    let mut problems = Vec::new();
    let length = password.chars().count();
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|x| *x)
    .count();
    let long_enough = length >= policy.min_length;
    let varied_enough = length >= policy.min_length_with_classes && classes >= policy.min_classes;
    if !long_enough && !varied_enough {
        problems.push(format!(
            "至少 {} 个字符，或至少 {} 个字符并包含大写字母、小写字母、数字、符号中的至少 {} 类",
            policy.min_length, policy.min_length_with_classes, policy.min_classes
        ));
    }
    if length > 128 {
        problems.push("不超过 128 个字符".to_string());
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        problems.push("不能包含用户名".to_string());
    }
    if is_common(password) {
        problems.push("不能是常见密码或其简单变形（如 Password1、Abc12345）".to_string());
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
        assert!(
            check(&p, "zhang", "Qiaoxia#2024").is_ok(),
            "10+ with three classes"
        );
        assert!(
            check(&p, "zhang", "qiaoxiaqiaoxia").is_ok(),
            "12+ of one class"
        );
        assert!(
            check(&p, "zhang", "qiaoxia2024").is_err(),
            "11 of two classes"
        );
        assert!(check(&p, "zhang", "Qx#20241").is_err(), "too short");
        assert!(
            check(&p, "zhang", "Zhang#2024xyz").is_err(),
            "contains the user name"
        );
        // The ones that got through before (issue 14), and common words dressed up.
        for common in [
            "Password1",
            "Abc12345",
            "P@ssw0rd2024!",
            "Woaini1314520",
            "Qwerty123456!",
            "Admin@123456",
        ] {
            let e = check(&p, "zhang", common).unwrap_err();
            assert!(e.message_zh().contains("常见密码"), "{common}");
        }
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
