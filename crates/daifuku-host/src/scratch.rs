//! Crash litter (issue 19): a sync round that joins from a snapshot (or
//! writes one) keeps a scratch image beside the database
//! (`.daifuku-join-*.db`, `.daifuku-snapshot-*.db`, made by the core's
//! `sync::round`), which can be hundreds of megabytes. A round that is killed
//! leaves it behind. This module removes such leftovers at start (opening the
//! store from the host or the CLI) and at the start and end of every round,
//! without ever touching the file of a round that is still running.
//!
//! How it knows: every round holds a *shared* advisory lock on
//! `.daifuku-scratch.lock` in the scratch folder for as long as it runs (the
//! operating system drops it when the process dies, even on SIGKILL). The
//! cleanup takes the *exclusive* lock without waiting; it gets it only when no
//! round of any process (nor of this one: each round opens the lock file
//! itself, and `flock`/`LockFileEx` locks of two opens conflict in one
//! process too) uses the folder, and only then removes files by the core's
//! name patterns. When a round runs, the cleanup is skipped: the next start or
//! round does it. Locks are the standard library's (`File::try_lock`, flock on
//! Unix, LockFileEx on Windows); no lock crate needed.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use daifuku::store::Store;

/// The lock file beside the scratch files.
pub const LOCK_NAME: &str = ".daifuku-scratch.lock";

/// Prefixes of the core's scratch files (`sync::round::scratch_file`).
const PREFIXES: [&str; 2] = [".daifuku-join-", ".daifuku-snapshot-"];
/// Their endings: the image and the files SQLite keeps beside a database it writes.
const SUFFIXES: [&str; 4] = [".db", ".db-journal", ".db-wal", ".db-shm"];

/// Whether `name` is one of the core's scratch files.
pub fn is_scratch_name(name: &str) -> bool {
    PREFIXES.iter().any(|p| name.starts_with(p)) && SUFFIXES.iter().any(|s| name.ends_with(s))
}

fn open_lock(dir: &Path) -> Option<File> {
    OpenOptions::new().create(true).truncate(false).read(true).write(true).open(dir.join(LOCK_NAME)).ok()
}

/// Removes the scratch files in `dir` when no round uses it; answers how many
/// bytes were freed (`None`: a round is running, nothing removed).
pub fn clean_dir(dir: &Path) -> Option<u64> {
    let lock = open_lock(dir)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return None,
        // A file system without locks: the files cannot be told apart, leave them.
        Err(TryLockError::Error(_)) => return None,
    }
    let mut freed = 0u64;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_str().is_some_and(is_scratch_name) {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if std::fs::remove_file(entry.path()).is_ok() {
                freed += size;
            }
        }
    }
    let _ = lock.unlock();
    Some(freed)
}

/// Removes what rounds that did not finish left beside `store`'s database
/// (nothing for a database in memory: its scratch folder is the system's,
/// shared with others).
pub fn clean_leftovers(store: &Store) -> Option<u64> {
    if !store.is_file_backed() {
        return Some(0);
    }
    clean_dir(&store.scratch_dir())
}

/// Held for the length of one round: the shared lock that keeps other
/// cleanups off its scratch file. Dropping it (the round finished, failed or
/// was cancelled) releases the lock and removes what is left, the round's
/// own file included, when no other round runs.
pub struct RoundScratch {
    dir: Option<PathBuf>,
    lock: Option<File>,
}

impl RoundScratch {
    /// Cleans leftovers, then takes the shared lock for the round.
    pub fn begin(store: &Store) -> RoundScratch {
        if !store.is_file_backed() {
            return RoundScratch { dir: None, lock: None };
        }
        let dir = store.scratch_dir();
        clean_dir(&dir);
        let lock = open_lock(&dir).filter(|f| f.lock_shared().is_ok());
        RoundScratch { dir: Some(dir), lock }
    }
}

impl Drop for RoundScratch {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            let _ = lock.unlock();
        }
        if let Some(dir) = &self.dir {
            clean_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_cores_scratch_files_only() {
        for (name, ours) in [
            (".daifuku-join-a1B2c3.db", true),
            (".daifuku-snapshot-Zz9.db", true),
            (".daifuku-join-a1B2c3.db-journal", true),
            (".daifuku-join-a1B2c3.db-wal", true),
            ("daifuku.db", false),
            ("daifuku.db-wal", false),
            (".daifuku-join-notes.txt", false),
            (LOCK_NAME, false),
            ("顧客.db", false),
        ] {
            assert_eq!(is_scratch_name(name), ours, "{name}");
        }
    }

    #[test]
    fn a_running_round_keeps_its_file_and_the_next_cleanup_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.db");
        let store = Store::open(&db).unwrap();
        let other = dir.path().join("顧客メモ.db");
        std::fs::write(&other, b"not ours").unwrap();
        let round = RoundScratch::begin(&store);
        let image = dir.path().join(".daifuku-join-x7Q.db");
        std::fs::write(&image, vec![0u8; 4096]).unwrap();
        assert_eq!(clean_leftovers(&store), None, "a round holds the folder");
        assert!(image.exists());
        drop(round);
        assert!(!image.exists(), "the round's end removed its own file");
        std::fs::write(&image, vec![0u8; 4096]).unwrap();
        assert_eq!(clean_leftovers(&store), Some(4096));
        assert!(!image.exists());
        assert_eq!(std::fs::read(&other).unwrap(), b"not ours", "other files are left alone");
        assert!(db.exists());
    }
}
