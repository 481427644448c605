//! GB/T 2260 division codes (provinces, cities, counties), current and abolished, and Zhuji's
//! towns with their statistical codes.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../data/divisions.tsv");
const ZHUJI_TOWNS: &str = include_str!("../../data/zhuji-towns.csv");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub code: u32,
    pub name: &'static str,
    /// First and last year the code had this name, when known.
    pub from: Option<u16>,
    pub until: Option<u16>,
}

impl Division {
    pub fn is_current(&self) -> bool {
        self.until.is_none()
    }
}

fn table() -> &'static HashMap<u32, Vec<Division>> {
    static T: OnceLock<HashMap<u32, Vec<Division>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map: HashMap<u32, Vec<Division>> = HashMap::new();
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cols = line.split('\t');
            let (Some(code), Some(name)) = (cols.next(), cols.next()) else {
                continue;
            };
            let Ok(code) = code.parse::<u32>() else {
                continue;
            };
            let year = |s: Option<&str>| s.and_then(|v| v.parse::<u16>().ok());
            let from = year(cols.next());
            let until = year(cols.next());
            map.entry(code).or_default().push(Division {
                code,
                name,
                from,
                until,
            });
        }
        map
    })
}

/// Every name a six-digit code has had.
pub fn lookup(code: &str) -> &'static [Division] {
    code.parse::<u32>()
        .ok()
        .filter(|_| code.len() == 6)
        .and_then(|c| table().get(&c))
        .map_or(&[], Vec::as_slice)
}

pub fn is_known(code: &str) -> bool {
    !lookup(code).is_empty()
}

/// Number of distinct codes in the table.
pub fn count() -> usize {
    table().len()
}

/// Zhuji's 23 towns and streets: (9-digit statistical code, name).
pub fn zhuji_towns() -> Vec<(&'static str, &'static str)> {
    ZHUJI_TOWNS
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split(',');
            Some((cols.next()?, cols.next()?.trim_matches('"')))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_and_abolished_codes_are_known() {
        assert_eq!(lookup("330681")[0].name, "诸暨市");
        assert!(lookup("330681")[0].is_current());
        // 诸暨县 became 诸暨市 in 1989; old ID numbers still carry 330625.
        assert_eq!(lookup("330625")[0].name, "诸暨县");
        assert!(!lookup("330625")[0].is_current());
        assert!(is_known("110103"), "崇文区, abolished 2010");
        assert!(!is_known("999999"));
        assert!(!is_known("33068"));
        assert!(count() > 6000);
        let towns = zhuji_towns();
        assert_eq!(towns.len(), 23);
        assert!(
            towns
                .iter()
                .all(|(c, _)| c.len() == 9 && c.starts_with("330681"))
        );
    }
}
