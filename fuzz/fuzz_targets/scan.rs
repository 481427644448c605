//! The personal-data scanner and redaction on arbitrary text: no panic, findings in bounds, on
//! character boundaries and in order, and redaction leaves no found number behind.
#![no_main]

use fazhi_kernel::personal::{Party, PartyKind, PiiKind, mask, redact, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let parties = [
        Party {
            name: "张三",
            kind: PartyKind::Person,
        },
        Party {
            name: "某某公司",
            kind: PartyKind::Organisation,
        },
    ];
    let found = scan(s, &parties);
    let mut end = 0;
    for f in &found {
        assert!(f.start >= end && f.start < f.end && f.end <= s.len());
        assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end));
        end = f.end;
    }
    let r = redact(s, &parties);
    for f in &found {
        if matches!(
            f.kind,
            PiiKind::ResidentId | PiiKind::Mobile | PiiKind::BankCard
        ) {
            assert!(scan(&r.text, &parties).iter().all(|g| g.text != f.text));
        }
    }
    let _ = mask(s);
});
