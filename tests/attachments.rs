//! Attachments (issue 5): files attached to records, stored by content, and
//! carried between devices through the sync folder as `a/<sha256>.dfk`.

use daifuku::api::{Command, Response};
use daifuku::store::{AttachmentData, AttachmentItem, Store};
use daifuku::sync::crypto::Keyring;
use daifuku::sync::{sync_round, MemoryFolder, SyncOptions};
use daifuku::{ApiError, Kind};
use daifuku_host::SyncHost;
use serde_json::{json, Map, Value};

mod common;
use common::{configure, run, sync_now, T0};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn b64(bytes: &[u8]) -> String {
    daifuku::import::encode_base64(bytes)
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, f: Value) -> String {
    match run(store, T0, Command::Add { kind, fields: fields(f) }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

static CLOCK: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Attaches at T0 + 5 and later: one millisecond apart, so lists have one order.
fn attach(store: &mut Store, kind: Kind, owner: &str, name: &str, bytes: &[u8]) -> Result<AttachmentItem, ApiError> {
    let now = T0 + 5 + CLOCK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match run(
        store,
        now,
        Command::AttachFile {
            owner_kind: kind,
            owner_id: owner.into(),
            name: name.into(),
            mime: None,
            base64: b64(bytes),
        },
    )? {
        Response::Attachment(a) => Ok(a),
        other => panic!("{other:?}"),
    }
}

fn list(store: &mut Store, kind: Kind, owner: &str) -> Vec<AttachmentItem> {
    match run(store, T0, Command::Attachments { owner_kind: kind, owner_id: owner.into() }).unwrap() {
        Response::Attachments(a) => a,
        other => panic!("{other:?}"),
    }
}

fn data(store: &mut Store, sha: &str) -> Result<AttachmentData, ApiError> {
    match run(store, T0, Command::AttachmentData { sha256: sha.into() })? {
        Response::AttachmentData(d) => Ok(d),
        other => panic!("{other:?}"),
    }
}

fn decode(s: &str) -> Vec<u8> {
    daifuku::import::decode_base64(s).unwrap()
}

#[test]
fn attach_list_read_back_and_trash() {
    let mut s = Store::open_in_memory().unwrap();
    let company = add(&mut s, Kind::Company, json!({"name": "株式会社 山田商事"}));
    let contact = add(&mut s, Kind::Contact, json!({"company_id": company, "family_name": "山田"}));

    let card = attach(&mut s, Kind::Contact, &contact, r"C:\Users\yamada\名刺.png", PNG).unwrap();
    assert_eq!(card.name, "名刺.png", "only the base name is kept");
    assert_eq!(card.mime.as_deref(), Some("image/png"));
    assert_eq!(card.size, PNG.len() as i64);
    assert_eq!(card.sha256, daifuku::sync::format::sha256_hex(PNG));
    assert!(card.available);
    assert!(card.created_at >= T0 + 5);
    let doc = attach(&mut s, Kind::Contact, &contact, "見積書.pdf", b"%PDF-1.4 quote").unwrap();
    assert_eq!(doc.mime.as_deref(), Some("application/pdf"));
    // The same content twice is stored once, listed twice.
    attach(&mut s, Kind::Company, &company, "copy.png", PNG).unwrap();
    let blobs: i64 = s.conn().query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0)).unwrap();
    assert_eq!(blobs, 2);

    let got = list(&mut s, Kind::Contact, &contact);
    assert_eq!(got.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["名刺.png", "見積書.pdf"]);
    assert_eq!(list(&mut s, Kind::Company, &company).len(), 1);
    let d = data(&mut s, &card.sha256).unwrap();
    assert_eq!(decode(&d.base64), PNG);
    assert_eq!(d.mime.as_deref(), Some("image/png"));

    // An attachment is a record: it is in the change log, and goes to the trash.
    let logged: i64 =
        s.conn().query_row("SELECT COUNT(*) FROM changes WHERE kind = 'attachment'", [], |r| r.get(0)).unwrap();
    assert_eq!(logged, 3);
    match run(&mut s, T0 + 1000, Command::DeleteAttachment { id: card.id.clone() }).unwrap() {
        Response::Record(r) => assert!(r.deleted_at.is_some()),
        other => panic!("{other:?}"),
    }
    assert_eq!(list(&mut s, Kind::Contact, &contact).len(), 1);
    let trash = match run(&mut s, T0, Command::Trash { offset: 0, limit: 10 }).unwrap() {
        Response::Trash(t) => t,
        other => panic!("{other:?}"),
    };
    assert!(trash.iter().any(|t| t.id == card.id && t.display_name == "名刺.png"), "{trash:?}");
    run(&mut s, T0 + 1001, Command::Restore { kind: Kind::Attachment, id: card.id.clone() }).unwrap();
    assert_eq!(list(&mut s, Kind::Contact, &contact).len(), 2);
}

#[test]
fn attach_errors_name_the_field() {
    let mut s = Store::open_in_memory().unwrap();
    let company = add(&mut s, Kind::Company, json!({"name": "大福商事"}));
    let big = vec![0u8; 20 * 1024 * 1024 + 1];
    let e = attach(&mut s, Kind::Company, &company, "big.bin", &big).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("too_large", Some("file")), "{e:?}");
    let e = attach(&mut s, Kind::Company, "nope", "a.txt", b"x").unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("unknown_reference", Some("owner_id")));
    let e = attach(&mut s, Kind::Company, &company, "  ", b"x").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("name"), "{e:?}");
    let user = add(&mut s, Kind::User, json!({"name": "佐藤"}));
    let e = attach(&mut s, Kind::User, &user, "a.txt", b"x").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("owner_kind"));
    let e = run(
        &mut s,
        T0,
        Command::AttachFile {
            owner_kind: Kind::Company,
            owner_id: company.clone(),
            name: "a.txt".into(),
            mime: None,
            base64: "***".into(),
        },
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("invalid_file", Some("file")));
    // A bare attachment record (no bytes) cannot be made through the generic commands.
    let bare = json!({"owner_kind": "company", "owner_id": company, "name": "x.png", "sha256": "ab".repeat(32)});
    let e = run(&mut s, T0, Command::Add { kind: Kind::Attachment, fields: fields(bare) }).unwrap_err();
    assert_eq!(e.code, "use_attach_file");
    // Nothing was written by the failed attempts.
    let n: i64 = s.conn().query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
    assert_eq!(data(&mut s, &"0".repeat(64)).unwrap_err().code, "not_found");
}

#[test]
fn two_devices_share_an_attachment_through_an_encrypted_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let mut a = Store::open(&dir.path().join("a.db")).unwrap();
    let mut b = Store::open(&dir.path().join("b.db")).unwrap();
    let (mut host_a, mut host_b) = (SyncHost::new(), SyncHost::new());
    configure(&mut a, &folder, Some("名刺の合言葉"), "A");
    configure(&mut b, &folder, Some("名刺の合言葉"), "B");

    let company = add(&mut a, Kind::Company, json!({"name": "株式会社 山田商事"}));
    let secret = b"TOP-SECRET business card text: 03-1234-5678".repeat(4);
    let att = attach(&mut a, Kind::Company, &company, "card.txt", &secret).unwrap();
    let s = sync_now(&mut host_a, &mut a, T0 + 10).unwrap();
    let report = s.last_report.unwrap();
    assert_eq!(report.attachments_written, 1, "{report:?}");

    let blob = folder.join("a").join(format!("{}.dfk", att.sha256));
    let bytes = std::fs::read(&blob).expect("the blob file is in the folder");
    assert!(!bytes.windows(10).any(|w| w == b"TOP-SECRET"), "the blob file is encrypted");
    assert!(daifuku::sync::format::is_encrypted(&bytes));

    let s = sync_now(&mut host_b, &mut b, T0 + 20).unwrap();
    assert_eq!(s.last_report.as_ref().unwrap().attachments_read, 1);
    let got = list(&mut b, Kind::Company, &company);
    assert_eq!(got.len(), 1);
    assert!(got[0].available);
    assert_eq!(decode(&data(&mut b, &att.sha256).unwrap().base64), secret);

    // A trash on B reaches A.
    run(&mut b, T0 + 30, Command::DeleteAttachment { id: att.id.clone() }).unwrap();
    sync_now(&mut host_b, &mut b, T0 + 40).unwrap();
    sync_now(&mut host_a, &mut a, T0 + 50).unwrap();
    assert!(list(&mut a, Kind::Company, &company).is_empty());
    assert_eq!(a.export_json().unwrap(), b.export_json().unwrap());
}

#[test]
fn a_missing_blob_leaves_the_record_synced_and_the_bytes_pending() {
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    let mut folder = MemoryFolder::new();
    let mut keys = Keyring::default();
    let company = add(&mut a, Kind::Company, json!({"name": "大福商事"}));
    let att = attach(&mut a, Kind::Company, &company, "名刺.png", PNG).unwrap();
    sync_round(&mut a, &mut folder, &mut keys, &SyncOptions::new(T0 + 10)).unwrap();
    let path = format!("a/{}.dfk", att.sha256);
    // The sync service has not copied the blob yet.
    let held = folder.files.remove(&path).expect("written");

    let r = sync_round(&mut b, &mut folder, &mut keys, &SyncOptions::new(T0 + 20)).unwrap();
    assert!(r.ok, "{r:?}");
    assert_eq!(r.attachments_pending, 1);
    let got = list(&mut b, Kind::Company, &company);
    assert_eq!(got.len(), 1, "the record arrived");
    assert!(!got[0].available);
    assert_eq!(data(&mut b, &att.sha256).unwrap_err().code, "attachment_pending");

    // A partial copy is retried, not taken.
    folder.files.insert(path.clone(), held[..held.len() / 2].to_vec());
    let r = sync_round(&mut b, &mut folder, &mut keys, &SyncOptions::new(T0 + 30)).unwrap();
    assert_eq!(r.attachments_pending, 1);
    assert!(r.warnings.iter().any(|w| w.code == "file_incomplete"), "{r:?}");
    // B never writes a blob it does not have.
    assert_eq!(r.attachments_written, 0);

    folder.files.insert(path.clone(), held.clone());
    let r = sync_round(&mut b, &mut folder, &mut keys, &SyncOptions::new(T0 + 40)).unwrap();
    assert_eq!((r.attachments_read, r.attachments_pending), (1, 0), "{r:?}");
    assert!(list(&mut b, Kind::Company, &company)[0].available);
    assert_eq!(decode(&data(&mut b, &att.sha256).unwrap().base64), PNG);

    // A blob file whose content is not its name is refused.
    let mut c = Store::open_in_memory().unwrap();
    let other = daifuku::sync::format::seal(&path, b"not the png", None, daifuku::sync::format::Packing::Raw);
    folder.files.insert(path.clone(), other);
    let r = sync_round(&mut c, &mut folder, &mut keys, &SyncOptions::new(T0 + 50)).unwrap();
    assert_eq!(r.attachments_pending, 1);
    assert_eq!(data(&mut c, &att.sha256).unwrap_err().code, "attachment_pending");
}

#[test]
fn compaction_and_snapshots_keep_blob_files() {
    let mut a = Store::open_in_memory().unwrap();
    let mut folder = MemoryFolder::new();
    let mut keys = Keyring::default();
    let company = add(&mut a, Kind::Company, json!({"name": "大福商事"}));
    let att = attach(&mut a, Kind::Company, &company, "名刺.png", PNG).unwrap();
    let mut opts = SyncOptions::new(T0 + 10);
    opts.snapshot = daifuku::sync::SnapshotPolicy::Always;
    sync_round(&mut a, &mut folder, &mut keys, &opts).unwrap();
    opts.now_ms += 10;
    let r = sync_round(&mut a, &mut folder, &mut keys, &opts).unwrap();
    assert!(r.ok);
    let path = format!("a/{}.dfk", att.sha256);
    assert!(folder.files.contains_key(&path));
    // A new device joins from the snapshot and still gets the bytes.
    let mut n = Store::open_in_memory().unwrap();
    let r = sync_round(&mut n, &mut folder, &mut keys, &SyncOptions::new(T0 + 100)).unwrap();
    assert!(r.snapshot_loaded.is_some(), "{r:?}");
    assert_eq!(r.attachments_read, 1);
    assert_eq!(decode(&data(&mut n, &att.sha256).unwrap().base64), PNG);
}

#[test]
fn merging_duplicates_moves_attachments_and_undo_moves_them_back() {
    let mut s = Store::open_in_memory().unwrap();
    let keep = add(&mut s, Kind::Company, json!({"name": "山田商事"}));
    let dup = add(&mut s, Kind::Company, json!({"name": "㈱山田商事"}));
    attach(&mut s, Kind::Company, &dup, "会社案内.pdf", b"%PDF-1.4 brochure").unwrap();
    let merge = match run(
        &mut s,
        T0 + 2000,
        Command::Merge {
            kind: Kind::Company,
            survivor_id: keep.clone(),
            loser_id: dup.clone(),
            choices: Default::default(),
        },
    )
    .unwrap()
    {
        Response::Merge(m) => m,
        other => panic!("{other:?}"),
    };
    assert_eq!(list(&mut s, Kind::Company, &keep).len(), 1);
    assert!(list(&mut s, Kind::Company, &dup).is_empty());
    run(&mut s, T0 + 3000, Command::UndoMerge { merge_id: merge.id }).unwrap();
    assert!(list(&mut s, Kind::Company, &keep).is_empty());
    assert_eq!(list(&mut s, Kind::Company, &dup)[0].name, "会社案内.pdf");
}
