//! Money (金额): an integer number of fen. Amounts are parsed from what people type in yuan and
//! shown as people read them, in figures (1,234.56) and in capitals as decisions write them
//! (壹仟贰佰叁拾肆元伍角陆分).

use std::fmt;

use thiserror::Error;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MoneyError {
    #[error("`{0}` is not an amount in yuan (e.g. 1234.56)")]
    Format(String),
    #[error("`{0}` has more than two decimals")]
    Precision(String),
    #[error("`{0}` is negative")]
    Negative(String),
    #[error("`{0}` is too large")]
    Overflow(String),
}

impl MoneyError {
    /// What was wrong with the amount, in Chinese, for the people who typed it.
    pub fn message_zh(&self) -> String {
        match self {
            MoneyError::Format(s) => format!("“{s}”不是以元为单位的金额（如 1234.56）"),
            MoneyError::Precision(s) => format!("“{s}”超过两位小数（金额最小到分）"),
            MoneyError::Negative(s) => format!("“{s}”是负数"),
            MoneyError::Overflow(s) => format!("“{s}”超出可记录的金额"),
        }
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn from_yuan_whole(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// Parses yuan as typed: `1234`, `1234.5`, `1,234.56`, `￥1234.56`, `1234.56元`.
    pub fn parse_yuan(input: &str) -> Result<Fen, MoneyError> {
        let raw = input.trim();
        let s: String = raw
            .trim_start_matches(['￥', '¥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        if s.starts_with('-') {
            return Err(MoneyError::Negative(raw.to_string()));
        }
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::Format(raw.to_string()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::Precision(raw.to_string()));
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| MoneyError::Overflow(raw.to_string()))?;
        let frac: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| MoneyError::Format(raw.to_string()))?;
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .map(Fen)
            .ok_or_else(|| MoneyError::Overflow(raw.to_string()))
    }

    /// In yuan with two decimals and thousands separators: 1,234.56.
    pub fn yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}.{:02}", abs % 100)
    }

    /// In Chinese capitals (大写), as decisions write amounts: 壹仟贰佰叁拾肆元伍角陆分;
    /// whole yuan end in 整.
    pub fn capital_zh(self) -> String {
        const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
        const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
        const SECTIONS: [&str; 4] = ["", "万", "亿", "万亿"];
        let abs = self.0.unsigned_abs();
        let yuan = abs / 100;
        let (jiao, fen) = ((abs / 10) % 10, abs % 10);
        let mut out = String::new();
        if self.0 < 0 {
            out.push('负');
        }
        if yuan > 0 {
            let digits: Vec<u64> = yuan
                .to_string()
                .bytes()
                .map(|b| u64::from(b - b'0'))
                .collect();
            let n = digits.len();
            let mut zero = false;
            let mut section_has = false;
            for (i, d) in digits.iter().enumerate() {
                let p = n - 1 - i;
                if *d == 0 {
                    zero = true;
                } else {
                    // A run of zeros between digits reads as one 零, across 万 and 亿 too.
                    if zero && !out.is_empty() && !out.ends_with('负') {
                        out.push('零');
                    }
                    zero = false;
                    out.push(DIGITS[*d as usize]);
                    out.push_str(UNITS[p % 4]);
                    section_has = true;
                }
                if p.is_multiple_of(4) && p > 0 {
                    if section_has {
                        out.push_str(SECTIONS[(p / 4).min(3)]);
                    }
                    section_has = false;
                }
            }
            out.push('元');
        }
        match (jiao, fen) {
            (0, 0) => out.push_str(if yuan > 0 { "整" } else { "零元整" }),
            (j, 0) => {
                out.push(DIGITS[j as usize]);
                out.push_str("角整");
            }
            (0, f) => {
                if yuan > 0 {
                    out.push('零');
                }
                out.push(DIGITS[f as usize]);
                out.push('分');
            }
            (j, f) => {
                out.push(DIGITS[j as usize]);
                out.push('角');
                out.push(DIGITS[f as usize]);
                out.push('分');
            }
        }
        out
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}元", self.yuan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_amount_error_is_said_in_chinese() {
        for bad in ["abc", "1.234", "-5", "99999999999999999999"] {
            let e = Fen::parse_yuan(bad).unwrap_err();
            let zh = e.message_zh();
            assert!(zh.contains(bad) && !zh.is_ascii(), "{zh}");
            assert!(!zh.contains(" is "), "{zh}");
        }
    }

    #[test]
    fn parsing_what_people_type() {
        assert_eq!(Fen::parse_yuan("1234.56"), Ok(Fen(123_456)));
        assert_eq!(Fen::parse_yuan("1,234.5"), Ok(Fen(123_450)));
        assert_eq!(Fen::parse_yuan("￥200"), Ok(Fen(20_000)));
        assert_eq!(Fen::parse_yuan("3000元"), Ok(Fen(300_000)));
        assert!(matches!(
            Fen::parse_yuan("12.345"),
            Err(MoneyError::Precision(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("-5"),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("五百"),
            Err(MoneyError::Format(_))
        ));
        assert!(matches!(Fen::parse_yuan(".5"), Err(MoneyError::Format(_))));
        assert!(matches!(
            Fen::parse_yuan("99999999999999999999"),
            Err(MoneyError::Overflow(_))
        ));
    }

    #[test]
    fn showing_amounts() {
        assert_eq!(Fen(123_456_789).yuan(), "1,234,567.89");
        assert_eq!(Fen(5).yuan(), "0.05");
        assert_eq!(Fen(20_000).to_string(), "200.00元");
    }

    #[test]
    fn capitals_as_decisions_write_them() {
        for (fen, text) in [
            (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
            (500_000, "伍仟元整"),
            (1_000_500, "壹万零伍元整"),
            (100_010_000, "壹佰万零壹佰元整"),
            (2_000_000_000, "贰仟万元整"),
            (10_000_000_000, "壹亿元整"),
            (30, "叁角整"),
            (5, "伍分"),
            (10_005, "壹佰元零伍分"),
            (0, "零元整"),
        ] {
            assert_eq!(Fen(fen).capital_zh(), text, "{fen} fen");
        }
    }
}
