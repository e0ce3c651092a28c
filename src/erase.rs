//! 消去 and the trash's 完全に削除 / 空にする on the command line (issue 18):
//! `daifuku contact erase ID --yes`, `daifuku contact erase-backups ID
//! --rewrite|--delete [PATH…]`, `daifuku trash purge KIND ID --yes`,
//! `daifuku trash empty --yes`. Without `--yes` they print what would go and
//! exit non-zero, erasing nothing.

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::model::Kind;
use daifuku::store::erase::{BackupErase, ErasePlan};
use daifuku::{ApiError, Store};

use crate::{now_ctx, say, Output};

fn yes() -> Arg {
    Arg::new("yes").long("yes").action(ArgAction::SetTrue).help("Really erase (without it: only show what would go)")
}

/// The contact subcommands (added to `daifuku contact`).
pub fn contact_commands() -> Vec<Command> {
    vec![
        Command::new("erase")
            .about("消去: erase a person everywhere (this database, backups listed, every synced device)")
            .arg(Arg::new("id").required(true))
            .arg(yes()),
        Command::new("erase-backups")
            .about("Erase an erased person in the backups made before too, or delete those backups")
            .arg(Arg::new("id").required(true))
            .arg(Arg::new("rewrite").long("rewrite").action(ArgAction::SetTrue).conflicts_with("delete"))
            .arg(Arg::new("delete").long("delete").action(ArgAction::SetTrue))
            .arg(Arg::new("paths").num_args(0..).value_name("BACKUP").help("Backup files (default: every one listed)")),
    ]
}

/// The trash subcommands (added to `daifuku trash`).
pub fn trash_commands() -> Vec<Command> {
    vec![
        Command::new("purge")
            .about("完全に削除: erase one record of the trash (a company with its group)")
            .arg(Arg::new("id").required(true))
            .arg(Arg::new("kind").long("kind").value_name("KIND").help("Its kind (default: looked up)"))
            .arg(yes()),
        Command::new("empty").about("空にする: erase everything in the trash").arg(yes()),
    ]
}

fn describe(plan: &ErasePlan) -> String {
    let mut lines = Vec::new();
    let head = if plan.done { "消去しました / erased" } else { "消去されるもの / will be erased" };
    lines.push(format!("{head}: {}件 / {} records", plan.records.len(), plan.records.len()));
    for r in plan.records.iter().take(50) {
        lines.push(format!("  {:<16} {}  {}", r.kind.as_str(), r.id, r.display_name));
    }
    if plan.records.len() > 50 {
        lines.push(format!("  … {} more", plan.records.len() - 50));
    }
    let c = &plan.counts;
    lines.push(format!(
        "変更履歴 {}件・同期の値 {}件・添付ファイル {}件 / change-log entries {}, synced values {}, attachments {}",
        c.changes, c.versions, c.attachments, c.changes, c.versions, c.attachments
    ));
    if plan.synced {
        lines.push(
            "同期フォルダーと他のPCからも、次の同期で消去されます / other devices erase it on their next sync".into(),
        );
    }
    if !plan.backups.is_empty() {
        lines.push("この人を含むバックアップ / backups made before that hold it:".into());
        for b in &plan.backups {
            let unchecked = if b.checked { "" } else { "  (確認できません / could not be checked)" };
            lines.push(format!("  {} ({} bytes){unchecked}", b.path, b.bytes));
        }
        if let Some(id) = plan.records.first().map(|r| &r.id).filter(|_| plan.done) {
            lines.push(format!(
                "→ daifuku contact erase-backups {id} --rewrite (バックアップからも消去) | --delete (バックアップを削除)"
            ));
        }
    }
    lines.join("\n")
}

fn answer(r: Response, confirmed: bool) -> Result<Output, ApiError> {
    let Response::Erased(plan) = r else { unreachable!("erase commands answer Erased") };
    let text = describe(&plan);
    if !confirmed {
        say(&text);
        return Err(ApiError::new("usage", "nothing was erased: run again with --yes to erase"));
    }
    Ok(Output::Both(text, serde_json::to_value(&plan)?))
}

pub fn run_contact(store: &mut Store, action: &str, m: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    let id = m.get_one::<String>("id").cloned().unwrap_or_default();
    if action == "erase-backups" {
        let action = match (m.get_flag("rewrite"), m.get_flag("delete")) {
            (true, _) => BackupErase::Rewrite,
            (_, true) => BackupErase::Delete,
            _ => return Err(ApiError::new("usage", "give --rewrite or --delete")),
        };
        let mut paths: Vec<String> = m.get_many::<String>("paths").into_iter().flatten().cloned().collect();
        if paths.is_empty() {
            paths = store.backups_holding(std::slice::from_ref(&id))?.into_iter().map(|b| b.path).collect();
        }
        let r = api::execute(store, &ctx, api::Command::EraseInBackups { ids: vec![id], paths, action })?;
        let Response::BackupsErased(done) = r else { unreachable!() };
        let mut text: Vec<String> =
            done.rewritten.iter().map(|p| format!("消去済みに書き換え / rewritten: {p}")).collect();
        text.extend(done.deleted.iter().map(|p| format!("削除 / deleted: {p}")));
        if text.is_empty() {
            text.push("該当するバックアップはありません / no backup holds it".into());
        }
        return Ok(Output::Both(text.join("\n"), serde_json::to_value(&done)?));
    }
    let confirmed = m.get_flag("yes");
    let r = api::execute(store, &ctx, api::Command::EraseContact { id, dry_run: Some(!confirmed) })?;
    answer(r, confirmed)
}

pub fn run_trash(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    let (action, sub) = m.subcommand().expect("a trash subcommand");
    let confirmed = sub.get_flag("yes");
    let cmd = match action {
        "purge" => {
            let id = sub.get_one::<String>("id").cloned().unwrap_or_default();
            let kind = match sub.get_one::<String>("kind") {
                Some(k) => Kind::parse(&k.replace('-', "_"))
                    .ok_or_else(|| ApiError::new("usage", format!("unknown kind {k}")))?,
                None => trashed_kind(store, &id)?,
            };
            api::Command::TrashPurge { kind, id, dry_run: Some(!confirmed) }
        }
        _ => api::Command::TrashEmpty { dry_run: Some(!confirmed) },
    };
    let r = api::execute(store, &ctx, cmd)?;
    answer(r, confirmed)
}

/// The kind of a record in the trash, by its id.
fn trashed_kind(store: &Store, id: &str) -> Result<Kind, ApiError> {
    let mut offset = 0;
    loop {
        let page = store.trash_groups(offset, 1000)?;
        for g in &page.groups {
            if g.item.id == id {
                return Ok(g.item.kind);
            }
            if let Some(m) = g.members.iter().find(|m| m.id == id) {
                return Ok(m.kind);
            }
        }
        offset += page.groups.len() as u32;
        if page.groups.is_empty() || offset as u64 >= page.total {
            return Err(ApiError::not_found("record in the trash", id));
        }
    }
}
