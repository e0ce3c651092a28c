//! `daifuku encrypt | decrypt | rekey` and the database passphrase
//! (issue 18): the passphrase comes from the environment variable named by
//! the global `--passphrase-env VAR` (default `DAIFUKU_PASSPHRASE`), never
//! from the command line (it would show in `ps` and shell history).

use std::path::Path;

use clap::{Arg, ArgMatches, Command};
use daifuku::store::audit::AuditEntry;
use daifuku::store::crypto::{self, DbKey, Step, Zeroizing};
use daifuku::{ApiError, Store};

use crate::Output;

/// Shortest passphrase `encrypt` and `rekey` accept.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

pub fn passphrase_args() -> [Arg; 2] {
    [
        Arg::new("passphrase-env")
            .long("passphrase-env")
            .global(true)
            .value_name("VAR")
            // No clap default: `daifuku sync` has a `--passphrase-env` of its own (the workspace
            // passphrase), which a global default would fill; DAIFUKU_PASSPHRASE is applied below.
            .help("Environment variable holding the database passphrase (default DAIFUKU_PASSPHRASE)"),
        Arg::new("backup-passphrase-env")
            .long("backup-passphrase-env")
            .global(true)
            .value_name("VAR")
            .help("restore: variable holding an encrypted backup's passphrase, when not the database's (default DAIFUKU_BACKUP_PASSPHRASE)"),
    ]
}

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("encrypt").about(
            "Encrypt the database in place (SQLCipher) with the passphrase from --passphrase-env; \
             the plain file is overwritten and removed",
        ),
        Command::new("decrypt").about("Write the encrypted database back as a plain file"),
        Command::new("rekey").about("Change the database passphrase").arg(
            Arg::new("new-passphrase-env")
                .long("new-passphrase-env")
                .value_name("VAR")
                .default_value("DAIFUKU_NEW_PASSPHRASE")
                .help("Environment variable holding the new passphrase"),
        ),
    ]
}

fn env_passphrase(var: &str) -> Option<Zeroizing<String>> {
    std::env::var(var).ok().filter(|p| !p.is_empty()).map(Zeroizing::new)
}

fn passphrase(m: &ArgMatches) -> Option<Zeroizing<String>> {
    env_passphrase(m.get_one::<String>("passphrase-env").map(String::as_str).unwrap_or("DAIFUKU_PASSPHRASE"))
}

/// Unlocks `path` for this process when it is encrypted: the passphrase
/// from the environment, derived once; `wrong_passphrase` without it.
pub fn unlock(path: &Path, m: &ArgMatches) -> Result<(), ApiError> {
    // What a rewrite killed half-way left beside the database (a plain copy is wiped).
    crypto::finish_pending(path)?;
    if !crypto::is_encrypted(path)? || crypto::key_for(path).is_some() {
        return Ok(());
    }
    let pass = passphrase(m).ok_or_else(|| crypto::wrong_passphrase(path))?;
    crypto::unlock(path, &pass).map(|_| ())
}

/// Before a restore: an encrypted backup made under another passphrase (or
/// salt) than the database's is unlocked with the same passphrase variable.
pub fn unlock_backup(sub: &ArgMatches, m: &ArgMatches) -> Result<(), ApiError> {
    let Some(file) = sub.get_one::<String>("file") else { return Ok(()) };
    let file = Path::new(file);
    let var = m.get_one::<String>("backup-passphrase-env").map(String::as_str).unwrap_or("DAIFUKU_BACKUP_PASSPHRASE");
    if let Some(pass) = env_passphrase(var) {
        if crypto::is_encrypted(file)? && crypto::key_for(file).is_none() {
            return crypto::unlock(file, &pass).map(|_| ());
        }
    }
    unlock(file, m)
}

fn new_passphrase(var: &str) -> Result<Zeroizing<String>, ApiError> {
    let pass = env_passphrase(var).ok_or_else(|| {
        ApiError::field(
            "passphrase_required",
            "passphrase",
            format!("set the passphrase in the environment variable {var}"),
        )
    })?;
    if pass.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(ApiError::field(
            "passphrase_too_short",
            "passphrase",
            format!("a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"),
        ));
    }
    Ok(pass)
}

/// Test hook: `DAIFUKU_TEST_ABORT_AT=<step>` aborts the process right after
/// that step of a rewrite (tests/encryption.rs kills it at every step).
fn abort_hook() -> impl FnMut(Step) {
    let at = std::env::var("DAIFUKU_TEST_ABORT_AT").ok();
    move |step: Step| {
        if at.as_deref() == Some(step.name()) {
            std::process::abort();
        }
    }
}

pub fn run(path: &Path, name: &str, sub: &ArgMatches, m: &ArgMatches) -> Result<Output, ApiError> {
    let encrypted = crypto::is_encrypted(path)?;
    let (to, action) = match name {
        "encrypt" => {
            if encrypted {
                return Err(ApiError::new("already_encrypted", format!("{} is already encrypted", path.display())));
            }
            let var = m.get_one::<String>("passphrase-env").map(String::as_str).unwrap_or("DAIFUKU_PASSPHRASE");
            let pass = new_passphrase(var)?;
            // Created and migrated first when it is new: what is encrypted is a whole database.
            drop(Store::open(path)?);
            (Some(DbKey::fresh(&pass)), "encrypt")
        }
        "decrypt" | "rekey" => {
            if !encrypted {
                return Err(ApiError::new("not_encrypted", format!("{} is not encrypted", path.display())));
            }
            unlock(path, m)?;
            if name == "decrypt" {
                (None, "decrypt")
            } else {
                let var = sub.get_one::<String>("new-passphrase-env").unwrap();
                (Some(DbKey::fresh(&new_passphrase(var)?)), "rekey")
            }
        }
        _ => unreachable!("clap knows the subcommands"),
    };
    let done = crypto::rewrite(path, to.as_ref(), &mut abort_hook())?;
    let mut store = Store::open(path)?;
    let ctx = crate::now_ctx(&mut store)?;
    store.audit(&ctx, &AuditEntry { count: Some(done.rows), ..AuditEntry::new(action) })?;
    let text = match action {
        "encrypt" => "暗号化しました / encrypted",
        "decrypt" => "暗号化を解除しました / decrypted",
        _ => "パスフレーズを変更しました / passphrase changed",
    };
    Ok(Output::Both(
        format!("{text}: {} ({} tables, {} rows checked)", path.display(), done.tables, done.rows),
        serde_json::json!({ "db": path, "action": action, "tables": done.tables, "rows": done.rows,
                            "encrypted": action != "decrypt" }),
    ))
}
