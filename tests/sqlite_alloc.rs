//! SQLite allocates through mimalloc once a store is opened (crates/daifuku-core/src/store/alloc.rs).
//! Its own test binary: the first connection of the process decides.

use daifuku::{Ctx, Kind, Store};

#[test]
fn sqlite_memory_comes_from_mimalloc() {
    let mut store = Store::open_in_memory().unwrap();
    let p = unsafe { rusqlite::ffi::sqlite3_malloc(1000) };
    assert!(!p.is_null());
    let in_mimalloc = unsafe { libmimalloc_sys::mi_is_in_heap_region(p as *const _) };
    unsafe { rusqlite::ffi::sqlite3_free(p) };
    assert!(in_mimalloc, "sqlite3_malloc did not allocate from mimalloc");
    // And SQLite works on it: a write with its derived data, read back.
    let ctx = Ctx::new(1_790_000_000_000, "dev");
    let id = store
        .create_fields(&ctx, Kind::Company, serde_json::json!({"name": "株式会社テスト"}).as_object().unwrap().clone())
        .unwrap();
    assert_eq!(store.get(Kind::Company, &id.id).unwrap().display_name, "株式会社テスト");
}
