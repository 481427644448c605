//! 统一社会信用代码 (GB 32100-2015), including the GB 11714 organisation code at positions
//! 9–17 with its own check character.

use std::fmt;
use std::str::FromStr;

use super::IdError;

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uscc(String);

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// GB 11714 character value: digits 0–9, letters A–Z as 10–35.
fn org_value(c: char) -> Option<u32> {
    c.to_digit(36)
}

/// The GB 32100 check character of the first 17 characters.
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CHARSET.chars().nth(usize::try_from(v).ok()?)
}

/// The GB 11714 check character of an organisation code's first 8 characters.
pub fn org_check_character(body: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in body.chars().zip(ORG_WEIGHTS) {
        sum += org_value(c)? * w;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        v => char::from_digit(v, 10),
    }
}

/// GB 32100 character values by byte (255: not allowed), so validation is table look-ups.
const VALUES: [u8; 256] = {
    let mut t = [255u8; 256];
    let cs = CHARSET.as_bytes();
    let mut i = 0;
    while i < cs.len() {
        t[cs[i] as usize] = i as u8;
        t[cs[i].to_ascii_lowercase() as usize] = i as u8;
        i += 1;
    }
    t
};

impl Uscc {
    pub fn parse(input: &str) -> Result<Uscc, IdError> {
        let s = input.trim();
        let b = s.as_bytes();
        if b.len() != 18 || !s.is_ascii() {
            return Err(slow_error(s));
        }
        let mut sum = 0u32;
        let mut org_sum = 0u32;
        for (i, &c) in b.iter().enumerate() {
            let v = VALUES[c as usize];
            if v == 255 || ((2..8).contains(&i) && !c.is_ascii_digit()) {
                return Err(IdError::Character {
                    position: i + 1,
                    ch: char::from(c),
                });
            }
            if i < 17 {
                sum += u32::from(v) * WEIGHTS[i];
            }
            if (8..16).contains(&i) {
                // GB 11714 values: digits, then A–Z as 10–35 (not the GB 32100 ordering).
                let ov = if c.is_ascii_digit() {
                    c - b'0'
                } else {
                    c.to_ascii_uppercase() - b'A' + 10
                };
                org_sum += u32::from(ov) * ORG_WEIGHTS[i - 8];
            }
        }
        let expected_org = match 11 - org_sum % 11 {
            10 => b'X',
            11 => b'0',
            v => b'0' + v as u8,
        };
        if b[16].to_ascii_uppercase() != expected_org {
            return Err(IdError::OrgCodeCheck {
                expected: char::from(expected_org),
                got: char::from(b[16].to_ascii_uppercase()),
            });
        }
        let expected = CHARSET.as_bytes()[((31 - sum % 31) % 31) as usize];
        if b[17].to_ascii_uppercase() != expected {
            return Err(IdError::CheckCharacter {
                expected: char::from(expected),
                got: char::from(b[17].to_ascii_uppercase()),
            });
        }
        Ok(Uscc(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 3–8: the division code of the registering authority.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the organisation code (GB 11714).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

/// The error for input that is not 18 ASCII characters, named by characters, not bytes.
fn slow_error(s: &str) -> IdError {
    let n = s.chars().count();
    if n != 18 {
        return IdError::Length {
            expected: "18",
            got: n,
        };
    }
    match s
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii() || VALUES[*c as usize] == 255)
    {
        Some((i, ch)) => IdError::Character {
            position: i + 1,
            ch,
        },
        None => IdError::Length {
            expected: "18",
            got: n,
        },
    }
}

impl FromStr for Uscc {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Uscc::parse(s)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid code from a 16-character prefix (positions 1–16 less the org check).
    fn make(prefix8: &str, org8: &str) -> String {
        let org = format!("{org8}{}", org_check_character(org8).unwrap());
        let first17 = format!("{prefix8}{org}");
        format!("{first17}{}", check_character(&first17).unwrap())
    }

    #[test]
    fn published_codes_validate() {
        // Codes printed on public business licences (Tencent, Alibaba, Huawei).
        for code in [
            "91440300708461136T",
            "91330100799655058B",
            "914403001922038216",
        ] {
            assert!(Uscc::parse(code).is_ok(), "{code}: {:?}", Uscc::parse(code));
        }
        assert_eq!(
            Uscc::parse(" 91330100799655058b ").unwrap().as_str(),
            "91330100799655058B"
        );
        let code = make("91330681", "MA2BG0XX");
        let u = Uscc::parse(&code).unwrap();
        assert_eq!(u.division(), "330681");
        assert_eq!(u.organisation_code().len(), 9);
    }

    #[test]
    fn each_rule_is_named() {
        let good = make("91330681", "14630032");
        assert!(Uscc::parse(&good).is_ok());
        assert!(matches!(
            Uscc::parse(&good[..17]),
            Err(IdError::Length { .. })
        ));
        let mut bad_char = good.clone();
        bad_char.replace_range(10..11, "I");
        assert!(matches!(
            Uscc::parse(&bad_char),
            Err(IdError::Character {
                position: 11,
                ch: 'I'
            })
        ));
        // Change the last character: the USCC check fails.
        let last = good.chars().last().unwrap();
        let other = CHARSET.chars().find(|c| *c != last).unwrap();
        let bad_check = format!("{}{other}", &good[..17]);
        assert!(matches!(
            Uscc::parse(&bad_check),
            Err(IdError::CheckCharacter { .. })
        ));
        // Change the organisation code's check character and recompute the USCC check: the
        // GB 11714 rule still catches it.
        let org_check = good.chars().nth(16).unwrap();
        let other = if org_check == '1' { '2' } else { '1' };
        let first17 = format!("{}{other}", &good[..16]);
        let forged = format!("{first17}{}", check_character(&first17).unwrap());
        assert!(matches!(
            Uscc::parse(&forged),
            Err(IdError::OrgCodeCheck { .. })
        ));
    }
}
