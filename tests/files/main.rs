//! Files in and out as Japanese offices really have them (issue 20), in one
//! test binary (one link instead of five): phone numbers with their
//! annotations (`import_phones`), CSV and vCard readers that decode per card
//! and never store undecodable text (`import_files`), exports that cannot
//! hurt and fields with sizes (`export_hostile`), export → import into a
//! fresh database with missing users and kind guessing (`import_roundtrip`),
//! and readings stored as full-width katakana (`readings`).

#[path = "../common/mod.rs"]
mod common;

mod export_hostile;
mod import_files;
mod import_phones;
mod import_roundtrip;
mod readings;
