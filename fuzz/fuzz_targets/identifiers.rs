//! Every identifier parser on arbitrary input: no panic, and whatever parses re-parses to itself.
#![no_main]

use fazhi_kernel::ids::{BankCard, Mobile, ResidentId, Uscc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(u) = Uscc::parse(s) {
        assert_eq!(Uscc::parse(u.as_str()).as_ref(), Ok(&u));
        assert_eq!(u.division().len(), 6);
    }
    if let Ok(id) = ResidentId::parse(s) {
        assert_eq!(ResidentId::parse(id.as_str()).as_ref(), Ok(&id));
        assert_eq!(id.masked().chars().count(), 18);
    }
    if let Ok(m) = Mobile::parse(s) {
        assert_eq!(m.masked().len(), 11);
    }
    if let Ok(c) = BankCard::parse(s) {
        assert_eq!(c.masked().len(), c.as_str().len());
    }
});
