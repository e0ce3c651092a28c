//! The shared folder as the sync core sees it: list, read, create-once and
//! delete. The core never touches a real folder; front ends pass an
//! implementation (`daifuku-folder` for local folders and S3-compatible
//! storage, [`MemoryFolder`] for tests).

use std::collections::BTreeMap;

/// What can go wrong with the folder: one type, shared with the storage
/// crate (`daifuku-folder`) through `daifuku-folder-types`.
pub use daifuku_folder_types::FolderError;

/// A place to share files: a local or network folder, a cloud-drive folder,
/// or an object store bucket.
pub trait SyncFolder {
    /// Every file name under `prefix` ("" for all), relative to the root,
    /// with `/` separators, in any order.
    fn list(&mut self, prefix: &str) -> Result<Vec<String>, FolderError>;
    /// A file's bytes (which may be partial or damaged: the caller checks).
    fn read(&mut self, name: &str) -> Result<Vec<u8>, FolderError>;
    /// Creates a new file with `bytes`, atomically (readers on this machine
    /// never see it partial); `AlreadyExists` when the name is taken.
    fn create(&mut self, name: &str, bytes: &[u8]) -> Result<(), FolderError>;
    /// Deletes a file (compaction only); deleting a missing file is fine.
    fn delete(&mut self, name: &str) -> Result<(), FolderError>;
}

/// A folder in memory (tests, benchmarks, previews).
#[derive(Debug, Clone, Default)]
pub struct MemoryFolder {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFolder {
    pub fn new() -> MemoryFolder {
        MemoryFolder::default()
    }
    /// Total bytes stored.
    pub fn size(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

impl SyncFolder for MemoryFolder {
    fn list(&mut self, prefix: &str) -> Result<Vec<String>, FolderError> {
        Ok(self.files.keys().filter(|k| k.starts_with(prefix)).cloned().collect())
    }
    fn read(&mut self, name: &str) -> Result<Vec<u8>, FolderError> {
        self.files.get(name).cloned().ok_or(FolderError::NotFound)
    }
    fn create(&mut self, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        if self.files.contains_key(name) {
            return Err(FolderError::AlreadyExists);
        }
        self.files.insert(name.to_string(), bytes.to_vec());
        Ok(())
    }
    fn delete(&mut self, name: &str) -> Result<(), FolderError> {
        self.files.remove(name);
        Ok(())
    }
}
