//! The one way fazhi reads a date: `YYYY-MM-DD`, as stored, typed into forms and carried in the
//! import formats. Surrounding spaces are ignored; anything else is not a date.

use chrono::NaiveDate;

/// The format every stored and exchanged date has.
pub const FORMAT: &str = "%Y-%m-%d";

/// `s` as a date, or `None`.
pub fn parse(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), FORMAT).ok()
}

/// An optional stored date: `None` stays `None`, an unreadable one too (callers that must tell
/// the two apart use `parse`).
pub fn parse_opt(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_dates_only() {
        assert_eq!(parse(" 2024-02-29 "), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2023-02-29", "2024/02/01", "20240201", "", "2024-2-1x"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse_opt(None), None);
    }
}
