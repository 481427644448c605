//! 公民身份号码 (GB 11643-1999): six-digit division code at issue, birth date, sequence, and an
//! ISO 7064 MOD 11-2 check character.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::division;
use super::{DateProblem, IdError};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

/// The check character of the first 17 digits.
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in first17.iter().zip(WEIGHTS) {
        sum += u32::from(b.checked_sub(b'0').filter(|d| *d <= 9)?) * w;
    }
    CHECK.get(usize::try_from(sum % 11).ok()?).copied()
}

impl ResidentId {
    pub fn parse(input: &str) -> Result<ResidentId, IdError> {
        let s = input.trim().to_ascii_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(IdError::Length {
                expected: "18",
                got: n,
            });
        }
        for (i, c) in s.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
            if !ok {
                return Err(IdError::Character {
                    position: i + 1,
                    ch: c,
                });
            }
        }
        let b = s.as_bytes();
        let expected = check_character(&b[..17]).unwrap_or('?');
        let got = char::from(b[17]);
        if expected != got {
            return Err(IdError::CheckCharacter { expected, got });
        }
        let date = &s[6..14];
        let birth = NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| {
            IdError::ImpossibleDate(date.to_string(), DateProblem::NotACalendarDate)
        })?;
        if birth < NaiveDate::from_ymd_opt(1880, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(IdError::ImpossibleDate(
                birth.to_string(),
                DateProblem::Before1880,
            ));
        }
        if !division::is_known(&s[..6]) {
            return Err(IdError::UnknownDivision(s[..6].to_string()));
        }
        Ok(ResidentId(s))
    }

    /// Also refuses a birth date after `today`.
    pub fn parse_on(input: &str, today: NaiveDate) -> Result<ResidentId, IdError> {
        let id = ResidentId::parse(input)?;
        if id.birth_date() > today {
            return Err(IdError::ImpossibleDate(
                id.birth_date().to_string(),
                DateProblem::InTheFuture,
            ));
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn division(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or(NaiveDate::MIN)
    }

    /// Display mask: 330681********1234.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl FromStr for ResidentId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        ResidentId::parse(s)
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(first17: &str) -> String {
        format!("{first17}{}", check_character(first17.as_bytes()).unwrap())
    }

    #[test]
    fn the_standards_example_and_each_rule() {
        // GB 11643-1999's own example number.
        assert_eq!(
            ResidentId::parse("11010519491231002x").unwrap().masked(),
            "110105********002X"
        );
        let id = ResidentId::parse(&make("33068119850315123")).unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()
        );
        assert!(matches!(
            ResidentId::parse("3306811985031512"),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            ResidentId::parse("33068119850315123A"),
            Err(IdError::Character { position: 18, .. })
        ));
        assert!(matches!(
            ResidentId::parse("11010519491231002Y"),
            Err(IdError::Character { .. })
        ));
        assert!(matches!(
            ResidentId::parse("110105194912310021"),
            Err(IdError::CheckCharacter {
                expected: 'X',
                got: '1'
            })
        ));
        let e = ResidentId::parse(&make("33068119850230123")).unwrap_err();
        assert!(matches!(e, IdError::ImpossibleDate(..)));
        assert_eq!(e.message_zh(), "出生日期 19850230 不是日历上存在的日期");
        assert!(matches!(
            ResidentId::parse(&make("99068119850315123")),
            Err(IdError::UnknownDivision(_))
        ));
        // An abolished county's code (诸暨县 until 1989) is still a valid place of issue.
        assert!(ResidentId::parse(&make("33062519650101123")).is_ok());
        assert!(
            ResidentId::parse_on(
                &make("33068120300101123"),
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            )
            .is_err()
        );
    }
}
