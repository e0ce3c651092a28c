//! Daifuku's sync folder on real storage, through the `object_store` crate:
//! a local, network (SMB/NAS) or cloud-drive folder ([`ObjectFolder::local`])
//! or an S3-compatible bucket ([`ObjectFolder::s3`]). The same file layout
//! works on both; the sync core only sees the [`SyncFolder`] trait.
//!
//! `object_store`'s `LocalFileSystem` writes a `name#N` staging file and
//! hard-links it to the final name for `PutMode::Create`, but never fsyncs,
//! and fails on file systems without hard links (FAT/exFAT, some SMB
//! mounts). Local creates here therefore stage to a temporary name, fsync,
//! hard-link (or, where links are unsupported, rename after checking the
//! name is free) to the final name, remove the temporary file and fsync the
//! directory. Listing, reading and deleting go through `object_store`.
//!
//! The crate does not depend on the Daifuku core (the core's package owns
//! the CLI, which uses this crate): front ends wrap [`ObjectFolder`] in a
//! newtype implementing `daifuku::sync::SyncFolder`; both speak the one
//! [`FolderError`] of `daifuku-folder-types`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};

/// What can go wrong: the one type the core's `SyncFolder` speaks too.
pub use daifuku_folder_types::FolderError;

/// How to reach an S3-compatible bucket.
#[derive(Debug, Clone, Default)]
pub struct S3Config {
    /// e.g. `http://127.0.0.1:9000`; empty for AWS itself.
    pub endpoint: String,
    pub bucket: String,
    /// A folder inside the bucket ("" for the root).
    pub prefix: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// A sync folder backed by an object store.
pub struct ObjectFolder {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// For local folders: the directory, for atomic creates with fsync.
    local_root: Option<PathBuf>,
    rt: tokio::runtime::Runtime,
    temp_counter: u64,
}

fn runtime() -> Result<tokio::runtime::Runtime, FolderError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FolderError::Other(format!("cannot start I/O runtime: {e}")))
}

fn io_error(e: &std::io::Error) -> FolderError {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => FolderError::NotFound,
        AlreadyExists => FolderError::AlreadyExists,
        PermissionDenied | ReadOnlyFilesystem => FolderError::ReadOnly,
        StorageFull | QuotaExceeded => FolderError::Full,
        _ => match e.raw_os_error() {
            Some(28) | Some(122) => FolderError::Full,
            Some(30) | Some(13) | Some(1) => FolderError::ReadOnly,
            _ => FolderError::Other(e.to_string()),
        },
    }
}

fn store_error(e: object_store::Error) -> FolderError {
    match e {
        object_store::Error::NotFound { .. } => FolderError::NotFound,
        object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. } => {
            FolderError::AlreadyExists
        }
        other => {
            // Find an I/O cause (local folders) to tell "read-only" and "full" apart.
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&other);
            while let Some(s) = source {
                if let Some(io) = s.downcast_ref::<std::io::Error>() {
                    return io_error(io);
                }
                source = s.source();
            }
            let text = other.to_string();
            if text.contains("403") || text.contains("AccessDenied") {
                FolderError::ReadOnly
            } else {
                FolderError::Other(text)
            }
        }
    }
}

impl ObjectFolder {
    /// A local or mounted folder (created if missing).
    pub fn local(dir: &Path) -> Result<ObjectFolder, FolderError> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(&e))?;
        let dir = dir.canonicalize().map_err(|e| io_error(&e))?;
        let store = LocalFileSystem::new_with_prefix(&dir).map_err(store_error)?;
        Ok(ObjectFolder {
            store: Arc::new(store),
            prefix: String::new(),
            local_root: Some(dir),
            rt: runtime()?,
            temp_counter: 0,
        })
    }

    /// An S3-compatible bucket.
    pub fn s3(cfg: &S3Config) -> Result<ObjectFolder, FolderError> {
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(&cfg.bucket)
            .with_region(if cfg.region.is_empty() { "us-east-1" } else { &cfg.region })
            .with_access_key_id(&cfg.access_key_id)
            .with_secret_access_key(&cfg.secret_access_key)
            .with_conditional_put(object_store::aws::S3ConditionalPut::ETagMatch);
        if !cfg.endpoint.is_empty() {
            b = b
                .with_endpoint(&cfg.endpoint)
                .with_virtual_hosted_style_request(false)
                .with_allow_http(cfg.endpoint.starts_with("http://"));
        }
        let store = b.build().map_err(store_error)?;
        let prefix = cfg.prefix.trim_matches('/').to_string();
        Ok(ObjectFolder {
            store: Arc::new(store),
            prefix: if prefix.is_empty() { prefix } else { format!("{prefix}/") },
            local_root: None,
            rt: runtime()?,
            temp_counter: 0,
        })
    }

    fn path(&self, name: &str) -> Result<ObjectPath, FolderError> {
        ObjectPath::parse(format!("{}{name}", self.prefix))
            .map_err(|e| FolderError::Other(format!("bad file name {name}: {e}")))
    }

    /// Stage, fsync, link without overwriting, fsync the directory.
    fn create_local(&mut self, root: &Path, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        let target = root.join(name);
        let dir = target.parent().expect("names have a parent").to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&e))?;
        if target.exists() {
            return Err(FolderError::AlreadyExists);
        }
        self.temp_counter += 1;
        let tmp = dir.join(format!(
            ".{}.{}-{}.tmp",
            target.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
            std::process::id(),
            self.temp_counter
        ));
        let result = (|| {
            let mut f =
                std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).map_err(|e| io_error(&e))?;
            f.write_all(bytes).map_err(|e| io_error(&e))?;
            f.sync_all().map_err(|e| io_error(&e))?;
            drop(f);
            match std::fs::hard_link(&tmp, &target) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(FolderError::AlreadyExists),
                Err(_) => {
                    // No hard links here: rename, the name having been free just now
                    // (only this device ever writes names of its own).
                    if target.exists() {
                        return Err(FolderError::AlreadyExists);
                    }
                    std::fs::rename(&tmp, &target).map_err(|e| io_error(&e))
                }
            }
        })();
        let _ = std::fs::remove_file(&tmp);
        result?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl ObjectFolder {
    pub fn list(&mut self, prefix: &str) -> Result<Vec<String>, FolderError> {
        let base = format!("{}{prefix}", self.prefix);
        let list_prefix = if base.is_empty() { None } else { Some(ObjectPath::from(base.trim_end_matches('/'))) };
        let store = self.store.clone();
        let metas: Vec<object_store::ObjectMeta> = self
            .rt
            .block_on(async move { store.list(list_prefix.as_ref()).try_collect().await })
            .map_err(store_error)?;
        Ok(metas
            .into_iter()
            .filter_map(|m| m.location.as_ref().strip_prefix(self.prefix.as_str()).map(String::from))
            .filter(|n| n.starts_with(prefix))
            .collect())
    }

    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, FolderError> {
        let path = self.path(name)?;
        let store = self.store.clone();
        let bytes = self.rt.block_on(async move { store.get(&path).await?.bytes().await }).map_err(store_error)?;
        Ok(bytes.to_vec())
    }

    pub fn create(&mut self, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        if let Some(root) = self.local_root.clone() {
            return self.create_local(&root, name, bytes);
        }
        let path = self.path(name)?;
        let store = self.store.clone();
        let payload = PutPayload::from(bytes.to_vec());
        self.rt
            .block_on(async move {
                store.put_opts(&path, payload, PutOptions { mode: PutMode::Create, ..Default::default() }).await
            })
            .map_err(store_error)?;
        Ok(())
    }

    pub fn delete(&mut self, name: &str) -> Result<(), FolderError> {
        let path = self.path(name)?;
        let store = self.store.clone();
        match self.rt.block_on(async move { store.delete(&path).await }) {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_folder_creates_once_lists_reads_and_deletes() {
        let dir = tempfile_dir();
        let mut f = ObjectFolder::local(&dir).unwrap();
        f.create("d/dev1/c-000000000001-000000000001.dfk", b"one").unwrap();
        assert_eq!(f.create("d/dev1/c-000000000001-000000000001.dfk", b"two"), Err(FolderError::AlreadyExists));
        std::fs::write(dir.join("d/dev1/c-000000000001-000000000001 (conflicted copy).dfk"), b"x").unwrap();
        let mut names = f.list("").unwrap();
        names.sort();
        assert!(names.contains(&"d/dev1/c-000000000001-000000000001.dfk".to_string()), "{names:?}");
        assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
        assert_eq!(f.read("d/dev1/c-000000000001-000000000001.dfk").unwrap(), b"one");
        assert_eq!(f.read("d/dev1/nope.dfk"), Err(FolderError::NotFound));
        f.delete("d/dev1/c-000000000001-000000000001.dfk").unwrap();
        f.delete("d/dev1/c-000000000001-000000000001.dfk").unwrap();
        assert_eq!(f.read("d/dev1/c-000000000001-000000000001.dfk"), Err(FolderError::NotFound));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("daifuku-folder-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }
}
