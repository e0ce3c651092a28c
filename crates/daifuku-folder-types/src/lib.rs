//! The one error type of Daifuku's sync folder, shared by the sync core
//! (`daifuku::sync::SyncFolder`) and the storage crate (`daifuku-folder`,
//! object_store). It lives in a crate of its own because neither of them may
//! depend on the other: the core stays free of object_store and tokio, and
//! the storage crate knows nothing of the core. No dependencies.

/// What can go wrong with the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderError {
    NotFound,
    /// `create` of a name that exists.
    AlreadyExists,
    /// No permission to write (read-only share, permissions).
    ReadOnly,
    /// The disk or the quota is full.
    Full,
    /// Anything else (offline share, network), in words.
    Other(String),
}

impl std::fmt::Display for FolderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FolderError::NotFound => write!(f, "not found"),
            FolderError::AlreadyExists => write!(f, "already exists"),
            FolderError::ReadOnly => write!(f, "the folder is read-only"),
            FolderError::Full => write!(f, "the disk is full"),
            FolderError::Other(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for FolderError {}
