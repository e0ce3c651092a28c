//! SQLite allocates through mimalloc, like the app's Rust code (the binaries
//! set mimalloc as their global allocator).
//!
//! A bulk write (an import, a sync round) makes millions of short-lived
//! allocations on both sides of the FFI boundary; glibc's malloc showed as
//! 12–15% of a merge's time in profiles, mimalloc as a fraction of that.
//! SQLite's `SQLITE_CONFIG_MALLOC` takes the allocator before the library is
//! initialized, so [`install`] runs before the first connection is opened.

use std::os::raw::{c_int, c_void};
use std::sync::Once;

use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_usable_size};
use rusqlite::ffi;

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    unsafe { mi_malloc(n.max(0) as usize) }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    unsafe { mi_free(p) }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    unsafe { mi_realloc(p, n.max(0) as usize) }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    unsafe { mi_usable_size(p).min(c_int::MAX as usize) as c_int }
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    n.saturating_add(7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// Hands SQLite mimalloc's functions, once per process. When SQLite was
/// already initialized (a connection opened elsewhere first), SQLite refuses
/// with `SQLITE_MISUSE` and keeps its default allocator — still correct.
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: SQLite copies the struct; the functions live for the whole
        // process and follow the sqlite3_mem_methods contract (xSize gives the
        // usable size of a block xMalloc/xRealloc returned).
        let _ = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const ffi::sqlite3_mem_methods) };
    });
}
