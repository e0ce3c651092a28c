//! Daifuku core: the record model, the SQLite store and the command API.
//!
//! The core never imports Tauri or an HTTP library and never reads the clock,
//! the environment or the sync folder on its own: callers pass `now`, paths and
//! the acting user/device in a [`store::Ctx`].

pub mod api;
pub mod codes;
pub mod error;
pub mod export;
pub mod gen;
/// Shared by the front ends: folder sync on real storage (the one module that opens the sync folder).
pub mod host;
pub mod import;
pub mod jobs;
pub mod model;
pub mod normalize;
pub mod phone;
pub mod reading;
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
