//! Where SQLite's own memory comes from. SQLite copies every bound text (sqlx binds with
//! `SQLITE_TRANSIENT`) and allocates each page of its cache; a million-case import makes tens
//! of millions of such allocations on sqlx's one worker thread, which is the import's
//! bottleneck. By default they go to the C library's malloc behind a global mutex that keeps
//! memory statistics (perf: a fifth of that thread's time). Here they go to mimalloc, as the
//! binary's own allocations do, and the statistics (which fazhi never reads) are off.

use std::ffi::{c_int, c_void};
use std::sync::Once;

use libsqlite3_sys as ffi;

/// Each block starts with its size (SQLite asks for it back), as SQLite's own allocator does
/// where the C library cannot tell; 8 bytes keep the 8-byte alignment SQLite requires.
const HEADER: usize = 8;

unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
    let Ok(n) = usize::try_from(n) else {
        return std::ptr::null_mut();
    };
    // SAFETY: mi_malloc returns null or a 16-byte aligned block of n + HEADER bytes, whose
    // first 8 bytes hold the size.
    unsafe {
        let p = libmimalloc_sys::mi_malloc(n + HEADER).cast::<u64>();
        if p.is_null() {
            return std::ptr::null_mut();
        }
        p.write(n as u64);
        p.cast::<u8>().add(HEADER).cast()
    }
}

unsafe extern "C" fn free(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: p came from `malloc`/`realloc` above, HEADER bytes into a mimalloc block.
        unsafe { libmimalloc_sys::mi_free(p.cast::<u8>().sub(HEADER).cast()) }
    }
}

unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    if p.is_null() {
        // SAFETY: as `malloc`.
        return unsafe { malloc(n) };
    }
    let Ok(n) = usize::try_from(n) else {
        return std::ptr::null_mut();
    };
    // SAFETY: p came from this allocator; mi_realloc keeps the header's bytes and returns null
    // (leaving the old block) or a block of n + HEADER bytes.
    unsafe {
        let q = libmimalloc_sys::mi_realloc(p.cast::<u8>().sub(HEADER).cast(), n + HEADER)
            .cast::<u64>();
        if q.is_null() {
            return std::ptr::null_mut();
        }
        q.write(n as u64);
        q.cast::<u8>().add(HEADER).cast()
    }
}

unsafe extern "C" fn size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: p came from this allocator, so the header before it holds the size.
    let n = unsafe { p.cast::<u8>().sub(HEADER).cast::<u64>().read() };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn roundup(n: c_int) -> c_int {
    n.saturating_add(7) & !7
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}

/// Configures SQLite's memory once, before the first connection opens (SQLite refuses it
/// afterwards, and then keeps its defaults — correct, only slower).
pub(crate) fn configure() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(malloc),
            xFree: Some(free),
            xRealloc: Some(realloc),
            xSize: Some(size),
            xRoundup: Some(roundup),
            xInit: Some(init),
            xShutdown: Some(shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: sqlite3_config runs before any other SQLite call of this process (every
        // connection is opened by `Store::connect`, which calls this first, and `Once` makes
        // the others wait); SQLite copies `methods`.
        let (stats, memory) = unsafe {
            (
                ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int),
                ffi::sqlite3_config(
                    ffi::SQLITE_CONFIG_MALLOC,
                    &methods as *const ffi::sqlite3_mem_methods,
                ),
            )
        };
        if stats != ffi::SQLITE_OK || memory != ffi::SQLITE_OK {
            tracing::debug!(stats, memory, "SQLite kept its default memory settings");
        }
    });
}
