//! `daifuku orphans`: records left live under a company in the trash (added
//! or edited on another laptop while the company was deleted there), and
//! `daifuku orphans resolve KIND ID --restore-company | --move-to COMPANY | --delete`.

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use daifuku::store::{Orphan, OrphanAction, OrphanChange};
use daifuku::{ApiError, Kind, Store};

use crate::Output;

pub fn command() -> Command {
    Command::new("orphans").about("Records left under a company deleted on another computer").subcommand(
        Command::new("resolve")
            .about("Settle one: restore the company, move the record to another company, or delete it too")
            .arg(Arg::new("kind").required(true).help("contact, deal, task or activity"))
            .arg(Arg::new("id").required(true))
            .arg(Arg::new("restore-company").long("restore-company").action(ArgAction::SetTrue))
            .arg(Arg::new("move-to").long("move-to").value_name("COMPANY_ID"))
            .arg(Arg::new("delete").long("delete").action(ArgAction::SetTrue))
            .group(ArgGroup::new("how").args(["restore-company", "move-to", "delete"]).required(true)),
    )
}

/// 「担当者 田中 一郎 は 株式会社X に追加されましたが、その会社は 山田 が 営業部のPC で削除しました」
pub fn sentence(o: &Orphan) -> String {
    let what = match o.change {
        OrphanChange::Added => "に追加されましたが",
        OrphanChange::Edited => "の下で編集されましたが",
    };
    let device =
        if o.deleted_here { "このパソコン" } else { o.deleted_on.as_deref().unwrap_or("ほかのパソコン") };
    format!(
        "{} {} は {} {what}、その会社は {} が {device} で削除しました",
        o.kind.meta().label_ja,
        o.display_name,
        o.company_name,
        o.deleted_by.as_deref().unwrap_or("誰か")
    )
}

pub fn run(store: &mut Store, sub: &ArgMatches) -> Result<Output, ApiError> {
    if let Some(("resolve", m)) = sub.subcommand() {
        let kind_name = m.get_one::<String>("kind").unwrap();
        let kind = Kind::parse(&kind_name.replace('-', "_"))
            .ok_or_else(|| ApiError::new("usage", format!("unknown kind {kind_name}")))?;
        let action = if m.get_flag("restore-company") {
            OrphanAction::RestoreParent
        } else if let Some(c) = m.get_one::<String>("move-to") {
            OrphanAction::MoveTo { company_id: c.clone() }
        } else {
            OrphanAction::Delete
        };
        let ctx = crate::now_ctx(store)?;
        let r = store.resolve_orphan(&ctx, kind, m.get_one::<String>("id").unwrap(), action)?;
        return Ok(Output::Both(
            format!("対応しました / settled: {} {}", r.id, r.display_name),
            serde_json::to_value(&r)?,
        ));
    }
    let list = store.orphans()?;
    let mut lines: Vec<String> =
        list.iter().map(|o| format!("{}  {:<8} {}", o.id, o.kind.as_str(), sentence(o))).collect();
    lines.push(format!("{} 件", list.len()));
    Ok(Output::Both(lines.join("\n"), serde_json::to_value(&list)?))
}
