#![no_main]
//! Any bytes through the upload reader: never a panic, and never more than the limits allow
//! (libFuzzer's -rss_limit_mb catches a reader that expands what it should refuse).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = fazhi_upload::Limits::default();
    if let Ok(rows) = fazhi_upload::read_first_sheet(data, 8, &limits) {
        assert!(rows.len() <= limits.rows as usize + 1);
        assert!(rows.iter().all(|(_, cells)| cells.len() == 8));
    }
});
