//! Issue 18 item 4, 消去 (erase everywhere), and the trash's 完全に削除 /
//! 空にする. Two laptops share a sync folder; a person with a name, e-mail
//! and phone (and a card exchange, a position, a business-card vCard
//! attached) is erased on one of them. Every claim that a value is gone is
//! checked on the bytes of the files, after first finding it there.

mod common;

use std::path::{Path, PathBuf};

use common::bytes::{contains, db_bytes, files_under, sync_file_bytes};
use common::{cli, configure, run, sync_now, T0};
use daifuku::api::{Command, Response};
use daifuku::model::Kind;
use daifuku::store::erase::{BackupErase, ErasePlan};
use daifuku::store::Store;
use daifuku::sync::format;
use daifuku::sync::SnapshotPolicy;
use daifuku_host::{RoundRequest, SyncHost, SyncTarget};
use serde_json::{json, Map, Value};

const FAMILY: &str = "唐沢";
const GIVEN: &str = "菜々子";
const EMAIL: &str = "nanako.karasawa@hokuto-seiki.example.jp";
const MOBILE: &str = "090-4821-7730";
/// The e-mail laptop B gives her just before A erases her (A has not seen it).
const EMAIL_B: &str = "karasawa.n@hokuto-shinsha.example.jp";

fn needles() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let forms = |s: &'static str| -> (&'static str, Vec<Vec<u8>>) {
        let mut v = vec![s.as_bytes().to_vec()];
        if s == MOBILE {
            // The match key's E.164 form and the bare digits.
            v.push(b"+819048217730".to_vec());
            v.push(b"09048217730".to_vec());
        }
        (s, v)
    };
    vec![forms(FAMILY), forms(GIVEN), forms(EMAIL), forms(MOBILE), forms(EMAIL_B)]
}

/// Which of the person's values occur in `bytes` (any of their forms).
fn found(bytes: &[u8]) -> Vec<&'static str> {
    needles().into_iter().filter(|(_, forms)| forms.iter().any(|n| contains(bytes, n))).map(|(s, _)| s).collect()
}

/// Every value found in the sync folder, with the file it was in.
fn found_in_folder(folder: &Path) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for f in files_under(folder) {
        for v in found(&sync_file_bytes(folder, &f)) {
            out.push((f.strip_prefix(folder).unwrap().display().to_string(), v));
        }
    }
    out
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, now: i64, kind: Kind, v: Value) -> String {
    match run(store, now, Command::Add { kind, fields: fields(v) }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

fn erased(r: Response) -> ErasePlan {
    match r {
        Response::Erased(p) => p,
        other => panic!("{other:?}"),
    }
}

/// The business card as the phone exported it: a vCard 3.0.
fn vcard() -> Vec<u8> {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{FAMILY};{GIVEN};;;\r\nFN:{FAMILY} {GIVEN}\r\nORG:株式会社北斗精機\r\n\
         TEL;TYPE=CELL:{MOBILE}\r\nTEL;TYPE=WORK:03-5412-8800\r\nEMAIL:{EMAIL}\r\nEND:VCARD\r\n"
    )
    .into_bytes()
}

/// Laptop A's company and the person, with what lives inside her record.
fn seed(store: &mut Store) -> (String, String) {
    let company = add(
        store,
        T0,
        Kind::Company,
        json!({"name": "株式会社北斗精機", "phone": "03-5412-8800（代）", "prefecture": "東京都", "city": "港区"}),
    );
    let contact = add(
        store,
        T0,
        Kind::Contact,
        json!({"company_id": company, "family_name": FAMILY, "given_name": GIVEN, "family_reading": "カラサワ",
               "given_reading": "ナナコ", "department": "購買部", "title": "課長", "email": EMAIL,
               "phone": "03-5412-8800 内線 214", "mobile": MOBILE}),
    );
    add(
        store,
        T0,
        Kind::CardExchange,
        json!({"contact_id": contact, "exchanged_on": "2026-11-20", "place": "国際ロボット展", "context": "ブースで名刺交換"}),
    );
    let ctx = store.context(T0).unwrap();
    store.attach_file(&ctx, Kind::Contact, &contact, "名刺.vcf", Some("text/vcard"), &vcard()).unwrap();
    (company, contact)
}

fn round(host: &mut SyncHost, store: &mut Store, folder: &Path, now: i64, snapshot: SnapshotPolicy) {
    let mut req = RoundRequest::new(SyncTarget::Folder { path: folder.to_path_buf(), create: false }, now);
    req.snapshot = snapshot;
    let report = host.round(store, &req).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let codes: Vec<&str> = report.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(!codes.contains(&"changes_skipped"), "placeholders are not unknown changes: {codes:?}");
}

#[test]
fn an_erased_person_is_gone_from_both_laptops_their_wal_backups_and_the_sync_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("shared"));
    std::fs::create_dir_all(&folder).unwrap();
    let mut store_a = Store::open(&a).unwrap();
    let mut store_b = Store::open(&b).unwrap();
    let (company, contact) = seed(&mut store_a);
    configure(&mut store_a, &folder, None, "営業部のPC");
    configure(&mut store_b, &folder, None, "社長のノート");
    let (mut host_a, mut host_b) = (SyncHost::new(), SyncHost::new());
    // A's first round writes a snapshot too: an image holding her.
    round(&mut host_a, &mut store_a, &folder, T0 + 1000, SnapshotPolicy::Always);
    sync_now(&mut host_b, &mut store_b, T0 + 2000).unwrap();
    // B gives her a new e-mail; A erases before it syncs again.
    run(
        &mut store_b,
        T0 + 3000,
        Command::Patch {
            kind: Kind::Contact,
            id: contact.clone(),
            version: None,
            fields: fields(json!({"email": EMAIL_B})),
        },
    )
    .unwrap();
    sync_now(&mut host_b, &mut store_b, T0 + 4000).unwrap();
    // Before: every value is where it should be, so the searches below can find them.
    let before_a = found(&db_bytes(&a));
    assert_eq!(before_a, vec![FAMILY, GIVEN, EMAIL, MOBILE], "laptop A's database and WAL");
    assert_eq!(found(&db_bytes(&b)), vec![FAMILY, GIVEN, EMAIL, MOBILE, EMAIL_B], "laptop B's database and WAL");
    let in_folder = found_in_folder(&folder);
    assert!(in_folder.iter().any(|(f, x)| *x == EMAIL_B && f.starts_with("d/")), "B's change: {in_folder:?}");
    for v in [FAMILY, GIVEN, EMAIL, MOBILE] {
        assert!(in_folder.iter().any(|(f, x)| *x == v && f.starts_with("d/")), "{v} in a change file: {in_folder:?}");
        assert!(in_folder.iter().any(|(f, x)| *x == v && f.starts_with("s/")), "{v} in a snapshot: {in_folder:?}");
        assert!(in_folder.iter().any(|(f, x)| *x == v && f.starts_with("a/")), "{v} in the vCard: {in_folder:?}");
    }
    // Backups made before the erase.
    let old_backup = dir.path().join("backups-manual").join("before.db");
    let old_backup2 = dir.path().join("backups-manual").join("before2.db");
    for p in [&old_backup, &old_backup2] {
        run(&mut store_a, T0 + 5000, Command::Backup { path: p.to_str().unwrap().into() }).unwrap();
        assert_eq!(found(&std::fs::read(p).unwrap()), vec![FAMILY, GIVEN, EMAIL, MOBILE]);
    }

    // The confirmation: what will go, nothing gone yet.
    let preview = erased(
        run(&mut store_a, T0 + 6000, Command::EraseContact { id: contact.clone(), dry_run: Some(true) }).unwrap(),
    );
    assert!(!preview.done);
    let kinds: Vec<Kind> = preview.records.iter().map(|r| r.kind).collect();
    assert_eq!(kinds[0], Kind::Contact);
    assert_eq!(preview.records[0].display_name, format!("{FAMILY} {GIVEN}"));
    for k in [Kind::ContactPosition, Kind::CardExchange, Kind::Attachment] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
    assert_eq!((preview.counts.attachments, preview.counts.blobs), (1, 1));
    assert!(preview.counts.changes >= 4, "{:?}", preview.counts);
    assert!(preview.synced);
    let held: Vec<&str> = preview.backups.iter().map(|b| b.path.as_str()).collect();
    assert!(
        held.iter().any(|p| p.ends_with("before.db")) && held.iter().any(|p| p.ends_with("before2.db")),
        "{held:?}"
    );
    assert!(run(&mut store_a, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).is_ok());

    // Erase on A.
    let done =
        erased(run(&mut store_a, T0 + 7000, Command::EraseContact { id: contact.clone(), dry_run: None }).unwrap());
    assert!(done.done && done.records.iter().all(|r| r.display_name.is_empty()));
    assert_eq!(done.records.len(), preview.records.len());
    let err = run(&mut store_a, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).unwrap_err();
    assert_eq!(err.code, "not_found");
    assert_eq!(found(&db_bytes(&a)), Vec::<&str>::new(), "A right after the erase");
    // The backups: one rewritten without her, one deleted.
    let ids: Vec<String> = done.records.iter().map(|r| r.id.clone()).collect();
    for (p, action) in [(&old_backup, BackupErase::Rewrite), (&old_backup2, BackupErase::Delete)] {
        run(
            &mut store_a,
            T0 + 7500,
            Command::EraseInBackups { ids: ids.clone(), paths: vec![p.to_str().unwrap().into()], action },
        )
        .unwrap();
    }
    assert!(!old_backup2.exists());
    let rewritten = std::fs::read(&old_backup).unwrap();
    assert_eq!(found(&rewritten), Vec::<&str>::new(), "the rewritten backup");
    assert!(contains(&rewritten, "株式会社北斗精機".as_bytes()), "the rest of the backup is kept");

    // One round on each laptop. A's applies B's edit of her: nothing of it stays.
    round(&mut host_a, &mut store_a, &folder, T0 + 8000, SnapshotPolicy::After(20_000));
    assert_eq!(
        run(&mut store_a, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).unwrap_err().code,
        "not_found",
        "B's change does not bring her back"
    );
    round(&mut host_b, &mut store_b, &folder, T0 + 10_000, SnapshotPolicy::After(20_000));
    assert_eq!(
        run(&mut store_b, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).unwrap_err().code,
        "not_found"
    );
    // The company stays, on both.
    for s in [&mut store_a, &mut store_b] {
        let Response::Record(c) = run(s, T0, Command::Get { kind: Kind::Company, id: company.clone() }).unwrap() else {
            panic!()
        };
        assert_eq!(c.record.to_fields()["name"], json!("株式会社北斗精機"));
    }
    // Backups made since.
    let since_a = dir.path().join("since-a.db");
    let since_b = dir.path().join("since-b.db");
    run(&mut store_a, T0 + 11_000, Command::Backup { path: since_a.to_str().unwrap().into() }).unwrap();
    run(&mut store_b, T0 + 11_000, Command::Backup { path: since_b.to_str().unwrap().into() }).unwrap();

    // After: nothing anywhere.
    assert_eq!(found(&db_bytes(&a)), Vec::<&str>::new(), "laptop A");
    assert_eq!(found(&db_bytes(&b)), Vec::<&str>::new(), "laptop B");
    for p in [&since_a, &since_b] {
        assert_eq!(found(&std::fs::read(p).unwrap()), Vec::<&str>::new(), "{}", p.display());
    }
    assert_eq!(found_in_folder(&folder), vec![], "the sync folder");
    // The folder still works: a third laptop joins and gets the company, not her.
    let c = dir.path().join("c.db");
    let mut store_c = Store::open(&c).unwrap();
    configure(&mut store_c, &folder, None, "新人のPC");
    sync_now(&mut SyncHost::new(), &mut store_c, T0 + 12_000).unwrap();
    assert!(run(&mut store_c, T0, Command::Get { kind: Kind::Company, id: company.clone() }).is_ok());
    assert!(run(&mut store_c, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).is_err());
    assert_eq!(found(&db_bytes(&c)), Vec::<&str>::new(), "laptop C");

    // The audit trail says who erased which record, not what it held.
    let Response::AuditEntries(entries) =
        run(&mut store_a, T0, Command::AuditList { query: Default::default() }).unwrap()
    else {
        panic!()
    };
    let erase = entries.iter().find(|e| e.entry.action == "erase").expect("an erase entry");
    assert_eq!(erase.entry.detail.as_deref(), Some(contact.as_str()));
    assert_eq!(erase.entry.kind.as_deref(), Some("contact"));
    assert_eq!(erase.entry.count, Some(done.records.len() as i64));
    assert_eq!(found(serde_json::to_string(&entries).unwrap().as_bytes()), Vec::<&str>::new());
}

/// B made the person; A erases her; laptop C gets A's erase marker before
/// B's change file with her (its cloud client was slow). The file arriving
/// later creates nothing, and neither does a card exchange B added before
/// it heard of the erase.
#[test]
fn a_change_file_delivered_after_the_erase_does_not_bring_the_person_back() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    let (a, b, c) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("c.db"));
    let (mut store_a, mut store_b, mut store_c) =
        (Store::open(&a).unwrap(), Store::open(&b).unwrap(), Store::open(&c).unwrap());
    configure(&mut store_a, &folder, None, "営業部のPC");
    configure(&mut store_b, &folder, None, "社長のノート");
    configure(&mut store_c, &folder, None, "新人のPC");
    let (mut host_a, mut host_b, mut host_c) = (SyncHost::new(), SyncHost::new(), SyncHost::new());
    let company =
        add(&mut store_b, T0, Kind::Company, json!({"name": "株式会社北斗精機", "phone": "03-5412-8800（代）"}));
    let contact = add(
        &mut store_b,
        T0,
        Kind::Contact,
        json!({"company_id": company, "family_name": FAMILY, "given_name": GIVEN, "email": EMAIL, "mobile": MOBILE}),
    );
    sync_now(&mut host_b, &mut store_b, T0 + 1000).unwrap();
    sync_now(&mut host_a, &mut store_a, T0 + 2000).unwrap();
    // B adds a card exchange to her: in B's next file, after A's erase.
    add(
        &mut store_b,
        T0 + 2500,
        Kind::CardExchange,
        json!({"contact_id": contact, "exchanged_on": "2026-11-20", "place": "展示会"}),
    );
    let b_files: Vec<PathBuf> = files_under(&folder.join("d"))
        .into_iter()
        .filter(|p| p.to_str().unwrap().contains("/c-") && found(&sync_file_bytes(&folder, p)).contains(&FAMILY))
        .collect();
    assert_eq!(b_files.len(), 1, "B's change file holds her");
    let aside = dir.path().join("aside.dfk");
    std::fs::rename(&b_files[0], &aside).unwrap();

    erased(run(&mut store_a, T0 + 3000, Command::EraseContact { id: contact.clone(), dry_run: None }).unwrap());
    sync_now(&mut host_a, &mut store_a, T0 + 4000).unwrap();
    sync_now(&mut host_c, &mut store_c, T0 + 5000).unwrap();
    // B's round before it reads the marker? B reads markers first: send its
    // card exchange from a round that does not see the marker yet.
    let marker: Vec<PathBuf> = files_under(&folder.join("d"))
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("e-"))
        .collect();
    assert_eq!(marker.len(), 1, "A's erase marker");
    let marker_aside = dir.path().join("marker.dfk");
    std::fs::rename(&marker[0], &marker_aside).unwrap();
    sync_now(&mut host_b, &mut store_b, T0 + 5500).unwrap();
    std::fs::rename(&marker_aside, &marker[0]).unwrap();
    // The slow cloud client delivers B's first file at last.
    std::fs::rename(&aside, &b_files[0]).unwrap();
    assert!(found(&sync_file_bytes(&folder, &b_files[0])).contains(&EMAIL), "the late file still holds her");
    let mut req = RoundRequest::new(SyncTarget::Folder { path: folder.clone(), create: false }, T0 + 6000);
    req.snapshot = SnapshotPolicy::Never;
    let report = host_c.round(&mut store_c, &req).unwrap();
    assert!(report.changes_applied >= 3, "C applied B's files: {report:?}");
    assert!(!report.warnings.iter().any(|w| w.code == "changes_skipped"), "{:?}", report.warnings);
    for (store, name) in [(&mut store_c, "C"), (&mut store_a, "A")] {
        let err = run(store, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).unwrap_err();
        assert_eq!(err.code, "not_found", "{name}");
        let Response::Page(p) =
            run(store, T0, Command::List { kind: Kind::CardExchange, query: Default::default() }).unwrap()
        else {
            panic!()
        };
        assert_eq!(p.items.len(), 0, "{name}: no card exchange of hers");
        let Response::Record(co) = run(store, T0, Command::Get { kind: Kind::Company, id: company.clone() }).unwrap()
        else {
            panic!()
        };
        assert_eq!(co.record.to_fields()["name"], json!("株式会社北斗精機"), "{name}");
    }
    sync_now(&mut host_a, &mut store_a, T0 + 7000).unwrap();
    sync_now(&mut host_b, &mut store_b, T0 + 8000).unwrap();
    drop((store_a, store_b, store_c));
    for db in [&a, &b, &c] {
        assert_eq!(found(&db_bytes(db)), Vec::<&str>::new(), "{}", db.display());
    }
    assert_eq!(found_in_folder(&folder), vec![], "the sync folder");
}

/// `daifuku contact erase ID` shows what would go and erases only with
/// `--yes`; `daifuku trash purge` and `trash empty` likewise.
#[test]
fn the_command_line_asks_for_yes_before_erasing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let mut store = Store::open(&db).unwrap();
    let (company, contact) = seed(&mut store);
    let other =
        add(&mut store, T0, Kind::Contact, json!({"company_id": company, "family_name": "三好", "given_name": "玲奈"}));
    let deal =
        add(&mut store, T0, Kind::Deal, json!({"company_id": company, "title": "検査装置の更新", "stage": "proposal"}));
    drop(store);
    let text =
        |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);

    let asked = cli(&db, T0, &["contact", "erase", &contact]);
    assert!(!asked.status.success());
    let said = text(&asked);
    assert!(
        said.contains("消去されるもの") && said.contains("唐沢 菜々子") && said.contains("card_exchange"),
        "{said}"
    );
    assert!(said.contains("--yes"), "{said}");
    assert!(found(&db_bytes(&db)).contains(&EMAIL), "nothing erased without --yes");

    let done = cli(&db, T0, &["--json", "contact", "erase", &contact, "--yes"]);
    assert!(done.status.success(), "{}", text(&done));
    let v: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(v["done"], json!(true));
    assert_eq!(v["records"][0]["id"], json!(contact));
    assert_eq!(found(&db_bytes(&db)), Vec::<&str>::new());
    let shown = cli(&db, T0, &["contact", "show", &contact]);
    assert!(!shown.status.success());

    // The trash: a live record is refused; one purged; the rest emptied.
    let refused = cli(&db, T0, &["trash", "purge", &other, "--kind", "contact", "--yes"]);
    assert!(!refused.status.success() && text(&refused).contains("not_in_trash"), "{}", text(&refused));
    for (kind, id) in [("contact", &other), ("deal", &deal)] {
        assert!(cli(&db, T0, &[kind, "delete", id]).status.success());
    }
    let purged = cli(&db, T0, &["trash", "purge", &other, "--yes"]);
    assert!(purged.status.success(), "{}", text(&purged));
    assert!(text(&purged).contains("消去しました"));
    let asked = cli(&db, T0, &["trash", "empty"]);
    assert!(!asked.status.success() && text(&asked).contains("検査装置の更新"), "{}", text(&asked));
    assert!(cli(&db, T0, &["deal", "show", &deal]).status.success(), "still there without --yes");
    assert!(cli(&db, T0, &["trash", "empty", "--yes"]).status.success());
    assert!(!cli(&db, T0, &["deal", "show", &deal]).status.success());
    let listed = cli(&db, T0, &["--json", "trash"]);
    let v: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(v["total"], json!(0));
    let store = Store::open(&db).unwrap();
    let db_text = db_bytes(&db);
    assert!(!contains(&db_text, "三好".as_bytes()) && !contains(&db_text, "検査装置の更新".as_bytes()));
    let Response::Record(co) = run(&mut { store }, T0, Command::Get { kind: Kind::Company, id: company }).unwrap()
    else {
        panic!()
    };
    assert_eq!(co.record.to_fields()["name"], json!("株式会社北斗精機"));
}

/// 完全に削除 of a company in the trash takes its group (the contacts,
/// deals… deleted with it) and what lives inside them; a record deleted on
/// its own earlier stays in the trash.
#[test]
fn purging_a_company_erases_its_trash_group_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("group.db");
    let mut store = Store::open(&db).unwrap();
    let (company, contact) = seed(&mut store);
    let deal =
        add(&mut store, T0, Kind::Deal, json!({"company_id": company, "title": "検査装置の更新", "stage": "proposal"}));
    let earlier =
        add(&mut store, T0, Kind::Contact, json!({"company_id": company, "family_name": "三好", "given_name": "玲奈"}));
    run(&mut store, T0 + 100, Command::Delete { kind: Kind::Contact, id: earlier.clone() }).unwrap();
    run(&mut store, T0 + 200, Command::Delete { kind: Kind::Company, id: company.clone() }).unwrap();
    let preview = erased(
        run(
            &mut store,
            T0 + 300,
            Command::TrashPurge { kind: Kind::Company, id: company.clone(), dry_run: Some(true) },
        )
        .unwrap(),
    );
    let ids: Vec<&str> = preview.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids[0], company);
    assert!(ids.contains(&contact.as_str()) && ids.contains(&deal.as_str()), "{ids:?}");
    assert!(!ids.contains(&earlier.as_str()), "deleted on its own before: not in the group");
    assert!(preview.records.iter().any(|r| r.kind == Kind::CardExchange), "inside the contact");
    assert!(found(&db_bytes(&db)).contains(&EMAIL));
    erased(
        run(&mut store, T0 + 400, Command::TrashPurge { kind: Kind::Company, id: company.clone(), dry_run: None })
            .unwrap(),
    );
    for (kind, id) in [(Kind::Company, &company), (Kind::Contact, &contact), (Kind::Deal, &deal)] {
        assert_eq!(run(&mut store, T0, Command::Get { kind, id: id.clone() }).unwrap_err().code, "not_found");
    }
    let Response::TrashGroups(left) = run(&mut store, T0, Command::TrashGroups { offset: 0, limit: 10 }).unwrap()
    else {
        panic!()
    };
    let left: Vec<&str> = left.groups.iter().map(|g| g.item.id.as_str()).collect();
    assert_eq!(left, vec![earlier.as_str()]);
    let bytes = db_bytes(&db);
    assert_eq!(found(&bytes), Vec::<&str>::new());
    assert!(!contains(&bytes, "株式会社北斗精機".as_bytes()) && !contains(&bytes, "検査装置の更新".as_bytes()));
    assert!(contains(&bytes, "三好".as_bytes()), "the record left in the trash is kept");
}

/// In an encrypted workspace the erase marker is sealed with the workspace
/// key like every file: the other laptop opens it and erases her.
#[test]
fn the_erase_marker_of_an_encrypted_workspace_is_read_by_the_other_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (mut store_a, mut store_b) = (Store::open(&a).unwrap(), Store::open(&b).unwrap());
    let pass = Some("北斗の合言葉2026");
    configure(&mut store_a, &folder, pass, "営業部のPC");
    configure(&mut store_b, &folder, pass, "社長のノート");
    let (mut host_a, mut host_b) = (SyncHost::new(), SyncHost::new());
    let (_, contact) = seed(&mut store_a);
    sync_now(&mut host_a, &mut store_a, T0 + 1000).unwrap();
    sync_now(&mut host_b, &mut store_b, T0 + 2000).unwrap();
    assert!(run(&mut store_b, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).is_ok());
    erased(run(&mut store_a, T0 + 3000, Command::EraseContact { id: contact.clone(), dry_run: None }).unwrap());
    sync_now(&mut host_a, &mut store_a, T0 + 4000).unwrap();
    let markers: Vec<PathBuf> = files_under(&folder.join("d"))
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("e-"))
        .collect();
    assert_eq!(markers.len(), 1);
    let sealed = std::fs::read(&markers[0]).unwrap();
    assert!(format::is_encrypted(&sealed), "the marker is encrypted like every file");
    assert!(!contains(&sealed, contact.as_bytes()), "not even the id shows");
    sync_now(&mut host_b, &mut store_b, T0 + 5000).unwrap();
    assert_eq!(
        run(&mut store_b, T0, Command::Get { kind: Kind::Contact, id: contact.clone() }).unwrap_err().code,
        "not_found"
    );
    drop(store_b);
    assert_eq!(found(&db_bytes(&b)), Vec::<&str>::new());
}

/// Three laptops edit several people in random order while one of them
/// erases her (seeded, reproducible): whichever laptop edited her before it
/// heard of the erase, and whatever snapshots were written, after two full
/// rounds of rounds every laptop has the others the same and nothing of her
/// is in any database, WAL or file of the folder. (Compaction removes many
/// change files here too; the rewrite of a device's own files is proven by
/// the other tests, where nothing is compacted.)
#[test]
fn three_laptops_editing_in_any_order_converge_without_her() {
    // Edits of her made after the erase by a laptop that had not heard of it.
    let mut unaware_edits = 0;
    for run_seed in 1..=4u64 {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("shared");
        std::fs::create_dir_all(&folder).unwrap();
        let paths: Vec<PathBuf> = ["a", "b", "c"].iter().map(|n| dir.path().join(format!("{n}.db"))).collect();
        let mut stores: Vec<Store> = paths.iter().map(|p| Store::open(p).unwrap()).collect();
        let mut hosts: Vec<SyncHost> = (0..3).map(|_| SyncHost::new()).collect();
        for (i, s) in stores.iter_mut().enumerate() {
            configure(s, &folder, None, ["営業部のPC", "社長のノート", "新人のPC"][i]);
        }
        let (company, target) = seed(&mut stores[0]);
        let mut others = Vec::new();
        for (f, g) in [("杉浦", "一樹"), ("三好", "玲奈"), ("大野", "翔太")] {
            others.push(add(
                &mut stores[0],
                T0,
                Kind::Contact,
                json!({"company_id": company, "family_name": f, "given_name": g}),
            ));
        }
        let mut now = T0 + 1000;
        let mut tick = || {
            now += 1000;
            now
        };
        for i in 0..3 {
            let t = tick();
            round(&mut hosts[i], &mut stores[i], &folder, t, SnapshotPolicy::Never);
        }
        // A small LCG: the same order on every run of the test.
        let mut state = run_seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let eraser = (run_seed % 3) as usize;
        for step in 0..24u64 {
            let d = next(3) as usize;
            let t = tick();
            if step == 8 {
                erased(
                    run(&mut stores[eraser], t, Command::EraseContact { id: target.clone(), dry_run: None }).unwrap(),
                );
                continue;
            }
            match next(4) {
                0 => {
                    // An edit of her: refused where she is erased already.
                    let email = format!("karasawa{step}@hokuto-seiki.example.jp");
                    let fields = fields(json!({"email": email}));
                    let r = run(
                        &mut stores[d],
                        t,
                        Command::Patch { kind: Kind::Contact, id: target.clone(), version: None, fields },
                    );
                    if let Err(e) = r {
                        assert_eq!(e.code, "not_found", "seed {run_seed} step {step}");
                    } else if step > 8 {
                        unaware_edits += 1;
                    }
                }
                1 => {
                    let who = &others[next(3) as usize];
                    let fields = fields(json!({"memos": format!("打合せメモ {step}")}));
                    run(
                        &mut stores[d],
                        t,
                        Command::Patch { kind: Kind::Contact, id: who.clone(), version: None, fields },
                    )
                    .unwrap();
                }
                2 => round(&mut hosts[d], &mut stores[d], &folder, t, SnapshotPolicy::Always),
                _ => round(&mut hosts[d], &mut stores[d], &folder, t, SnapshotPolicy::Never),
            }
        }
        for _ in 0..2 {
            for i in 0..3 {
                let t = tick();
                round(&mut hosts[i], &mut stores[i], &folder, t, SnapshotPolicy::After(20_000));
            }
        }
        let memos = |s: &mut Store, id: &str| match run(s, T0, Command::Get { kind: Kind::Contact, id: id.into() }) {
            Ok(Response::Record(r)) => r.record.to_fields()["memos"].clone(),
            other => panic!("seed {run_seed}: {other:?}"),
        };
        for (i, s) in stores.iter_mut().enumerate() {
            let err = run(s, T0, Command::Get { kind: Kind::Contact, id: target.clone() }).unwrap_err();
            assert_eq!(err.code, "not_found", "seed {run_seed}: laptop {i}");
        }
        for o in &others {
            let first = memos(&mut stores[0], o);
            for i in 1..3 {
                assert_eq!(memos(&mut stores[i], o), first, "seed {run_seed}: laptop {i} converged");
            }
        }
        drop(stores);
        let hers = |bytes: &[u8]| {
            let mut v = found(bytes);
            if contains(bytes, b"karasawa") {
                v.push("karasawa…");
            }
            v
        };
        for p in &paths {
            assert_eq!(hers(&db_bytes(p)), Vec::<&str>::new(), "seed {run_seed}: {}", p.display());
        }
        for f in files_under(&folder) {
            assert_eq!(hers(&sync_file_bytes(&folder, &f)), Vec::<&str>::new(), "seed {run_seed}: {}", f.display());
        }
    }
    assert!(unaware_edits > 0, "some laptop edited her before it heard of the erase");
}

/// On an encrypted laptop the backups are encrypted with the database's key:
/// the erase still finds the person in a backup made before and rewrites it
/// without her (checked inside the decrypted backup, since its bytes are
/// ciphertext either way).
#[test]
fn an_erase_on_an_encrypted_laptop_reaches_its_encrypted_backups() {
    const PASS: &str = "桜の咲く頃に会いましょう";
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("enc.db");
    let (company, contact) = {
        let mut store = Store::open(&db).unwrap();
        let company = add(&mut store, T0, Kind::Company, json!({"name": "株式会社北斗精機"}));
        let contact = add(
            &mut store,
            T0 + 1,
            Kind::Contact,
            json!({"company_id": company, "family_name": FAMILY, "given_name": GIVEN, "email": EMAIL, "mobile": MOBILE}),
        );
        (company, contact)
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(&db)
        .args(["encrypt", "--json"])
        .env_remove("DAIFUKU_DB")
        .env("DAIFUKU_PASSPHRASE", PASS)
        .env("DAIFUKU_NOW", (T0 + 2).to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    daifuku::store::crypto::unlock(&db, PASS).unwrap();
    let mut store = Store::open(&db).unwrap();
    let backup = dir.path().join("daifuku-before.db");
    run(&mut store, T0 + 3, Command::Backup { path: backup.to_str().unwrap().into() }).unwrap();
    assert!(daifuku::store::crypto::is_encrypted(&backup).unwrap(), "the backup is encrypted too");

    let done = erased(run(&mut store, T0 + 4, Command::EraseContact { id: contact.clone(), dry_run: None }).unwrap());
    assert!(done.done);
    let held: Vec<&str> = done.backups.iter().map(|b| b.path.as_str()).collect();
    assert_eq!(held, vec![backup.to_str().unwrap()], "the encrypted backup is found to hold her: {:?}", done.backups);
    let ids: Vec<String> = done.records.iter().map(|r| r.id.clone()).collect();
    run(
        &mut store,
        T0 + 5,
        Command::EraseInBackups { ids, paths: vec![backup.to_str().unwrap().into()], action: BackupErase::Rewrite },
    )
    .unwrap();
    // Inside the backup (opened with the same key): she is gone, the company stays.
    let inside = Store::open(&backup).unwrap();
    assert_eq!(inside.get(Kind::Contact, &contact).unwrap_err().code, "not_found");
    assert_eq!(inside.get(Kind::Company, &company).unwrap().display_name, "株式会社北斗精機");
    let dump: String = inside
        .conn()
        .prepare("SELECT group_concat(COALESCE(fields, ''), ' ') FROM changes")
        .unwrap()
        .query_row([], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .unwrap_or_default();
    assert!(!dump.contains(EMAIL) && !dump.contains(FAMILY), "her change-log entries went too");
    assert!(daifuku::store::crypto::is_encrypted(&backup).unwrap(), "still encrypted after the rewrite");
}
