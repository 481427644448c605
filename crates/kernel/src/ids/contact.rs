//! Mainland mobile numbers and bank card numbers.

use super::IdError;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    /// Eleven digits starting 13–19; a leading +86 or 86 is dropped, spaces and dashes ignored.
    pub fn parse(input: &str) -> Result<Mobile, IdError> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let s = cleaned
            .strip_prefix("+86")
            .or_else(|| cleaned.strip_prefix("86").filter(|r| r.len() == 11))
            .unwrap_or(&cleaned);
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::Character {
                position: i + 1,
                ch: c,
            });
        }
        if s.len() != 11 {
            return Err(IdError::Length {
                expected: "11",
                got: s.len(),
            });
        }
        if !(s.starts_with('1') && matches!(s.as_bytes()[1], b'3'..=b'9')) {
            return Err(IdError::Prefix(
                "a mainland mobile number starts with 13–19".into(),
            ));
        }
        Ok(Mobile(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Display mask: 138****5678.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BankCard(String);

/// Luhn (ISO/IEC 7812) over ASCII digits.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.iter().rev().enumerate() {
        let Some(d) = b.checked_sub(b'0').filter(|d| *d <= 9) else {
            return false;
        };
        let mut d = u32::from(d);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

impl BankCard {
    /// 12–19 digits passing the Luhn check; spaces ignored.
    pub fn parse(input: &str) -> Result<BankCard, IdError> {
        let s: String = input.trim().chars().filter(|c| *c != ' ').collect();
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::Character {
                position: i + 1,
                ch: c,
            });
        }
        if !(12..=19).contains(&s.len()) {
            return Err(IdError::Length {
                expected: "12–19",
                got: s.len(),
            });
        }
        if !luhn_valid(s.as_bytes()) {
            return Err(IdError::CheckCharacter {
                expected: '?',
                got: s.chars().last().unwrap_or('?'),
            });
        }
        Ok(BankCard(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Display mask: first 4 and last 4 digits.
    pub fn masked(&self) -> String {
        format!(
            "{}{}{}",
            &self.0[..4],
            "*".repeat(self.0.len() - 8),
            &self.0[self.0.len() - 4..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles() {
        assert_eq!(
            Mobile::parse("+86 138-1234-5678").unwrap().masked(),
            "138****5678"
        );
        assert!(matches!(
            Mobile::parse("12812345678"),
            Err(IdError::Prefix(_))
        ));
        assert!(matches!(
            Mobile::parse("1381234567"),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            Mobile::parse("1381234567a"),
            Err(IdError::Character { position: 11, .. })
        ));
    }

    #[test]
    fn bank_cards() {
        // A standard Luhn test number.
        assert_eq!(
            BankCard::parse("4111 1111 1111 1111").unwrap().masked(),
            "4111********1111"
        );
        assert!(BankCard::parse("4111111111111112").is_err());
        assert!(BankCard::parse("41111").is_err());
    }
}
