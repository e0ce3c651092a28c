//! Daifuku core: the record model, the SQLite store, import/export, the sync
//! protocol and the command API ([`api::Command`], answered by [`api::execute`]).
//!
//! The core never imports Tauri, an HTTP library, an async runtime or a
//! command-line parser, and never reads the clock or the environment: callers
//! pass `now`, paths and the acting user/device in a [`store::Ctx`], and reach
//! the sync folder through the [`sync::folder::SyncFolder`] trait. The host
//! layer (`daifuku-host`) runs the commands that need threads, the folder or
//! randomness beyond ids (sync rounds, background imports, demo data).

pub mod api;
pub mod codes;
pub mod error;
pub mod export;
pub mod file_name;
pub mod import;
pub mod model;
pub mod normalize;
pub mod phone;
pub mod reading;
pub mod report;
pub mod schema;

pub use error::{ApiError, Result};
pub use model::{Kind, Record};
pub mod keys;
pub mod store;
pub mod sync;
pub mod validate;

pub use store::{Ctx, Store, Stored};

/// The allocator every Daifuku binary sets as its global allocator, the same
/// one SQLite allocates through (src/store/alloc.rs):
/// `#[global_allocator] static A: daifuku::Allocator = daifuku::Allocator;`
pub use mimalloc::MiMalloc as Allocator;
