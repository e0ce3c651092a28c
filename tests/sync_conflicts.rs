//! Shared conflicts and clock honesty (issue 19): the conflict list is the
//! same on every laptop once everything is delivered, resolving on any
//! laptop resolves everywhere, and a laptop whose clock is off is told.

mod common;

use std::path::Path;

use daifuku::store::Store;
use daifuku::sync::crypto::Keyring;
use daifuku::sync::{sync_round, ConflictChoice, ConflictReason, MemoryFolder, SyncConflict, SyncOptions};
use daifuku::{Ctx, Kind};
use serde_json::{json, Map, Value};

const T0: i64 = 1_790_000_000_000;
const MIN: i64 = 60_000;
const YEAR: i64 = 365 * 24 * 60 * MIN;

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn laptop(seed: u64) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.seed_ids(seed);
    s
}

fn ctx(s: &mut Store, now: i64, user: &str) -> Ctx {
    let mut c = s.context(now).unwrap();
    c.user_id = Some(user.into());
    c
}

fn round(s: &mut Store, f: &mut MemoryFolder, now: i64) -> daifuku::sync::SyncReport {
    let r = sync_round(s, f, &mut Keyring::default(), &SyncOptions::new(now)).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r
}

/// A laptop's view of the cloud folder that received only some devices'
/// files so far (a cloud drive delivers each laptop's uploads on its own time).
fn deliver(from: &MemoryFolder, to: &mut MemoryFolder, device: &str) {
    for (name, bytes) in &from.files {
        if name.contains(&format!("/{device}/")) || !name.starts_with("d/") {
            to.files.entry(name.clone()).or_insert_with(|| bytes.clone());
        }
    }
}

/// What must be equal on every device: id, key, reason, current version and
/// every losing value with its author and device.
fn shape(list: &[SyncConflict]) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .map(|c| {
            let losers: Vec<String> = c
                .losers
                .iter()
                .map(|l| format!("{}:{}:{:?}:{}:{:?}", l.version, l.value, l.author, l.device, l.reason))
                .collect();
            format!("{} {} {:?} {} {} {:?}", c.id, c.key, c.reason, c.kept_version, c.kept_value, losers)
        })
        .collect();
    v.sort();
    v
}

/// Three laptops edit the main phone number of one company at once; the
/// cloud folder delivers the files in a different order to each. Every
/// laptop ends with one entry for the field listing both losing values
/// (author, device, time), the live current value, and the same id. The
/// order that once left a stale extra entry on one laptop is among them:
/// B overwrote A's value knowingly, and C gets B's file before A's.
#[test]
fn three_laptops_list_the_same_conflicts_whatever_the_delivery_order() {
    let mut shared = MemoryFolder::new();
    let (mut a, mut b, mut c) = (laptop(1), laptop(2), laptop(3));
    let ca = ctx(&mut a, T0, "山田");
    let id = a
        .create_fields(&ca, Kind::Company, fields(json!({"name": "株式会社 青葉商事", "phone": "03-1234-5678（代）"})))
        .unwrap()
        .id;
    round(&mut a, &mut shared, T0 + 1);
    round(&mut b, &mut shared, T0 + 2);
    round(&mut c, &mut shared, T0 + 3);
    let (da, db, dc) = (a.device_id().unwrap(), b.device_id().unwrap(), c.device_id().unwrap());
    // A edits; B sees A's edit and overwrites it (not a conflict); C edits
    // without seeing either.
    let ca = ctx(&mut a, T0 + 10 * MIN, "山田");
    a.update(&ca, Kind::Company, &id, None, fields(json!({"phone": "03-1234-5678 内線12"}))).unwrap();
    let mut ab = MemoryFolder::new();
    round(&mut a, &mut ab, T0 + 10 * MIN + 1);
    deliver(&shared, &mut ab, &db);
    round(&mut b, &mut ab, T0 + 11 * MIN);
    let cb = ctx(&mut b, T0 + 12 * MIN, "鈴木");
    b.update(&cb, Kind::Company, &id, None, fields(json!({"phone": "03-9999-0000（代）"}))).unwrap();
    round(&mut b, &mut ab, T0 + 12 * MIN + 1);
    let cc = ctx(&mut c, T0 + 13 * MIN, "高橋");
    c.update(&cc, Kind::Company, &id, None, fields(json!({"phone": "06-5555-1111"}))).unwrap();
    // C gets B's file first, then A's; A and B get C's.
    let mut cview = std::mem::take(&mut shared);
    round(&mut c, &mut cview, T0 + 14 * MIN);
    deliver(&ab, &mut cview, &db);
    round(&mut c, &mut cview, T0 + 15 * MIN);
    deliver(&ab, &mut cview, &da);
    round(&mut c, &mut cview, T0 + 16 * MIN);
    deliver(&cview, &mut ab, &dc);
    round(&mut a, &mut ab, T0 + 17 * MIN);
    round(&mut b, &mut ab, T0 + 17 * MIN + 1);
    let lists: Vec<Vec<SyncConflict>> = [&a, &b, &c].iter().map(|s| s.sync_conflicts(100).unwrap()).collect();
    // C's clock is the latest: its value is current; only B's is a loser
    // (A's was knowingly overwritten by B).
    for (l, s) in lists.iter().zip([&a, &b, &c]) {
        assert_eq!(l.len(), 1, "{l:#?}");
        let e = &l[0];
        assert_eq!(e.key, format!("{id}/phone"));
        assert_eq!(e.reason, ConflictReason::ConcurrentEdit);
        assert_eq!(e.kept_value, json!("06-5555-1111"));
        assert_eq!(s.get(Kind::Company, &id).unwrap().record.to_fields()["phone"], e.kept_value);
        assert_eq!(e.losers.len(), 1, "{e:#?}");
        assert_eq!(e.losers[0].value, json!("03-9999-0000 (代表)"));
        assert_eq!(e.losers[0].author.as_deref(), Some("鈴木"));
        assert_eq!(e.losers[0].device, db);
        assert_eq!(e.losers[0].at, T0 + 12 * MIN);
    }
    assert_eq!(shape(&lists[0]), shape(&lists[1]));
    assert_eq!(shape(&lists[0]), shape(&lists[2]));
}

/// A three-way edit leaves one entry with two losing values on every laptop;
/// an edit after that shows the new current value (never a stale copy).
/// Resolving on one laptop (taking one of the losing values) resolves it on
/// all, with who resolved it.
#[test]
fn a_three_way_edit_is_one_entry_and_resolving_anywhere_resolves_everywhere() {
    let mut f = MemoryFolder::new();
    let (mut a, mut b, mut c) = (laptop(1), laptop(2), laptop(3));
    let ca = ctx(&mut a, T0, "山田");
    let id = a.create_fields(&ca, Kind::Company, fields(json!({"name": "東都精機株式会社"}))).unwrap().id;
    for (s, t) in [(&mut a, 1), (&mut b, 2), (&mut c, 3)] {
        round(s, &mut f, T0 + t);
    }
    for (s, user, phone, t) in [
        (&mut a, "山田", "03-1111-2222（代）", 10),
        (&mut b, "鈴木", "03-3333-4444 内線5", 11),
        (&mut c, "高橋", "048-555-6666", 12),
    ] {
        let cx = ctx(s, T0 + t * MIN, user);
        s.update(&cx, Kind::Company, &id, None, fields(json!({ "phone": phone }))).unwrap();
    }
    for t in 0..2 {
        for (s, k) in [(&mut a, 1), (&mut b, 2), (&mut c, 3)] {
            round(s, &mut f, T0 + 20 * MIN + t * 10 + k);
        }
    }
    let la = a.sync_conflicts(100).unwrap();
    assert_eq!(la.len(), 1, "{la:#?}");
    let e = &la[0];
    assert_eq!(e.kept_value, json!("048-555-6666"));
    let mut losers: Vec<(Value, Option<String>)> =
        e.losers.iter().map(|l| (l.value.clone(), l.author.clone())).collect();
    losers.sort_by_key(|l| l.0.to_string());
    assert_eq!(
        losers,
        vec![(json!("03-1111-2222 (代表)"), Some("山田".into())), (json!("03-3333-4444 内線 5"), Some("鈴木".into()))]
    );
    for s in [&b, &c] {
        assert_eq!(shape(&s.sync_conflicts(100).unwrap()), shape(&la));
    }
    // A later edit that saw everything: the entry's current value is live.
    let cc = ctx(&mut c, T0 + 30 * MIN, "高橋");
    c.update(&cc, Kind::Company, &id, None, fields(json!({"phone": "048-555-7777"}))).unwrap();
    let now = c.sync_conflicts(100).unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].kept_value, json!("048-555-7777"));
    // B takes 山田's value; A and C learn it from the folder.
    for (s, k) in [(&mut c, 1), (&mut b, 2)] {
        round(s, &mut f, T0 + 31 * MIN + k);
    }
    let entry = b.sync_conflicts(100).unwrap().remove(0);
    assert_eq!(entry.id, e.id, "ids are stable across laptops and edits");
    let yamada = entry.losers.iter().find(|l| l.author.as_deref() == Some("山田")).unwrap().version.clone();
    let cb = ctx(&mut b, T0 + 32 * MIN, "鈴木");
    b.resolve_conflict(&cb, entry.id, ConflictChoice::Other, Some(&yamada)).unwrap();
    for t in 0..2 {
        for (s, k) in [(&mut b, 1), (&mut a, 2), (&mut c, 3)] {
            round(s, &mut f, T0 + 33 * MIN + t * 10 + k);
        }
    }
    for s in [&a, &b, &c] {
        assert_eq!(s.get(Kind::Company, &id).unwrap().record.to_fields()["phone"], json!("03-1111-2222 (代表)"));
        assert!(s.sync_conflicts(100).unwrap().is_empty(), "{:#?}", s.sync_conflicts(100).unwrap());
        let by: Vec<(Option<String>, i64)> = s
            .conn()
            .prepare("SELECT resolved_by, resolved_at FROM sync_resolved")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(by.iter().all(|(who, _)| who.as_deref() == Some("鈴木")), "{by:?}");
        assert_eq!(by.len(), 2, "both losing values marked resolved: {by:?}");
    }
    assert_eq!(a.export_json().unwrap(), b.export_json().unwrap());
    assert_eq!(a.export_json().unwrap(), c.export_json().unwrap());
}

/// Two laptops resolve the same conflict differently without seeing each
/// other: they converge by the ordinary rule (the later write wins) and no
/// laptop shows the old entry.
#[test]
fn two_different_resolutions_converge() {
    let mut f = MemoryFolder::new();
    let (mut a, mut b) = (laptop(1), laptop(2));
    let ca = ctx(&mut a, T0, "山田");
    let id = a.create_fields(&ca, Kind::Company, fields(json!({"name": "北星物産"}))).unwrap().id;
    round(&mut a, &mut f, T0 + 1);
    round(&mut b, &mut f, T0 + 2);
    let ca = ctx(&mut a, T0 + MIN, "山田");
    a.update(&ca, Kind::Company, &id, None, fields(json!({"rank": "A"}))).unwrap();
    let cb = ctx(&mut b, T0 + 2 * MIN, "鈴木");
    b.update(&cb, Kind::Company, &id, None, fields(json!({"rank": "C"}))).unwrap();
    round(&mut a, &mut f, T0 + 3 * MIN);
    round(&mut b, &mut f, T0 + 3 * MIN + 1);
    round(&mut a, &mut f, T0 + 3 * MIN + 2);
    let ea = a.sync_conflicts(10).unwrap();
    let eb = b.sync_conflicts(10).unwrap();
    assert_eq!(shape(&ea), shape(&eb));
    assert_eq!(ea.len(), 1);
    // A keeps the current value (C); B, later, takes the other (A).
    let ca = ctx(&mut a, T0 + 4 * MIN, "山田");
    a.resolve_conflict(&ca, ea[0].id, ConflictChoice::Current, None).unwrap();
    let cb = ctx(&mut b, T0 + 5 * MIN, "鈴木");
    b.resolve_conflict(&cb, eb[0].id, ConflictChoice::Other, None).unwrap();
    for t in 0..2 {
        round(&mut a, &mut f, T0 + 6 * MIN + t * 10);
        round(&mut b, &mut f, T0 + 6 * MIN + t * 10 + 1);
    }
    for s in [&a, &b] {
        assert_eq!(s.get(Kind::Company, &id).unwrap().record.to_fields()["rank"], json!("A"));
        assert_eq!(s.sync_conflicts(10).unwrap(), vec![]);
    }
}

/// An edit made while another laptop deleted the company: the same entry on
/// both, with the edit as the losing value; keeping it deleted on one laptop
/// settles it on the other.
#[test]
fn an_edit_while_deleted_is_shared_and_settled_everywhere() {
    let mut f = MemoryFolder::new();
    let (mut a, mut b) = (laptop(1), laptop(2));
    let ca = ctx(&mut a, T0, "山田");
    let id = a.create_fields(&ca, Kind::Company, fields(json!({"name": "あおば有限会社"}))).unwrap().id;
    round(&mut a, &mut f, T0 + 1);
    round(&mut b, &mut f, T0 + 2);
    let ca = ctx(&mut a, T0 + MIN, "山田");
    a.delete(&ca, Kind::Company, &id).unwrap();
    let cb = ctx(&mut b, T0 + 2 * MIN, "鈴木");
    b.update(&cb, Kind::Company, &id, None, fields(json!({"phone": "0120-123-456"}))).unwrap();
    round(&mut b, &mut f, T0 + 3 * MIN);
    round(&mut a, &mut f, T0 + 3 * MIN + 1);
    round(&mut b, &mut f, T0 + 3 * MIN + 2);
    let ea = a.sync_conflicts(10).unwrap();
    assert_eq!(shape(&ea), shape(&b.sync_conflicts(10).unwrap()));
    assert_eq!(ea.len(), 1, "{ea:#?}");
    assert_eq!(ea[0].reason, ConflictReason::EditedWhileDeleted);
    assert!(ea[0].record_deleted);
    assert_eq!(ea[0].losers[0].value, json!("0120-123-456"));
    assert_eq!(ea[0].losers[0].author.as_deref(), Some("鈴木"));
    let ca = ctx(&mut a, T0 + 4 * MIN, "山田");
    a.resolve_conflict(&ca, ea[0].id, ConflictChoice::Current, None).unwrap();
    round(&mut a, &mut f, T0 + 5 * MIN);
    round(&mut b, &mut f, T0 + 5 * MIN + 1);
    for s in [&a, &b] {
        assert!(s.get(Kind::Company, &id).unwrap().deleted_at.is_some());
        assert_eq!(s.sync_conflicts(10).unwrap(), vec![]);
    }
}

fn cli_json(db: &Path, now: i64, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = common::cli(db, now, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The command line: `conflicts --json` lists the shared entries with the
/// same id on both databases; `conflicts resolve ID --take other` on the
/// other laptop syncs back.
#[test]
fn the_cli_lists_shared_entries_and_resolves_on_any_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("shared"));
    let folder = folder.to_str().unwrap();
    let c = cli_json(&a, T0, &["company", "add", "--name", "株式会社 山田商事", "--phone", "03-1234-5678"]);
    let id = c["id"].as_str().unwrap().to_string();
    cli_json(&a, T0 + 1, &["sync", "--folder", folder, "--device-name", "営業部のPC"]);
    cli_json(&b, T0 + 2, &["sync", "--folder", folder, "--device-name", "社長のノート"]);
    cli_json(&a, T0 + MIN, &["company", "update", &id, "--phone", "03-1111-1111（代）"]);
    cli_json(&b, T0 + 2 * MIN, &["company", "update", &id, "--phone", "03-2222-2222 内線3"]);
    cli_json(&a, T0 + 3 * MIN, &["sync", "--folder", folder]);
    cli_json(&b, T0 + 3 * MIN + 1, &["sync", "--folder", folder]);
    cli_json(&a, T0 + 3 * MIN + 2, &["sync", "--folder", folder]);
    let la = cli_json(&a, T0 + 4 * MIN, &["conflicts"]);
    let lb = cli_json(&b, T0 + 4 * MIN, &["conflicts"]);
    assert_eq!(la.as_array().unwrap().len(), 1, "{la}");
    assert_eq!(la[0]["id"], lb[0]["id"]);
    assert_eq!(la[0]["key"], json!(format!("{id}/phone")));
    assert_eq!(la[0]["kept_value"], json!("03-2222-2222 内線 3"));
    assert_eq!(la[0]["losers"][0]["value"], json!("03-1111-1111 (代表)"));
    let cid = la[0]["id"].to_string();
    // Resolved on B, the laptop whose value won: take A's value.
    cli_json(&b, T0 + 5 * MIN, &["conflicts", "resolve", &cid, "--take", "other"]);
    cli_json(&b, T0 + 6 * MIN, &["sync", "--folder", folder]);
    cli_json(&a, T0 + 6 * MIN + 1, &["sync", "--folder", folder]);
    for db in [&a, &b] {
        assert_eq!(cli_json(db, T0 + 7 * MIN, &["conflicts"]), json!([]));
        let shown = cli_json(db, T0 + 7 * MIN, &["company", "show", &id]);
        assert_eq!(shown["data"]["phone"], json!("03-1111-1111 (代表)"), "{shown}");
    }
}

/// A laptop whose clock is a year ahead learns it from the folder at the
/// start of its next round (warning `sync_clock_skew`, `clock_off_ms`); the
/// others name it in their device list and list the edits it made under the
/// wrong clock; the laptops with right clocks are not told theirs is off.
#[test]
fn a_laptop_a_year_ahead_is_told_and_named_and_its_edits_are_listed() {
    let mut f = MemoryFolder::new();
    let (mut a, mut b, mut c) = (laptop(1), laptop(2), laptop(3));
    let ca = ctx(&mut a, T0, "山田");
    let id = a.create_fields(&ca, Kind::Company, fields(json!({"name": "株式会社 ミドリ"}))).unwrap().id;
    let future = T0 + YEAR;
    let r = round(&mut a, &mut f, T0 + 1);
    assert_eq!(r.clock_off_ms, None);
    round(&mut b, &mut f, T0 + 2);
    let r = round(&mut c, &mut f, future + 3);
    assert!(r.warnings.iter().all(|w| w.code != "sync_clock_skew"), "nothing read of C yet: {:?}", r.warnings);
    let cc = ctx(&mut c, future + 10, "高橋");
    c.update(&cc, Kind::Company, &id, None, fields(json!({"rank": "A"}))).unwrap();
    round(&mut c, &mut f, future + 11);
    // A and B read C's info: they are right, C is ahead.
    for (s, t) in [(&mut a, 20), (&mut b, 21)] {
        let r = round(s, &mut f, T0 + t);
        assert!(r.warnings.iter().all(|w| w.code != "sync_clock_skew"), "{:?}", r.warnings);
        assert_eq!(r.clock_off_ms, None);
    }
    // C's next round: told at once.
    let r = round(&mut c, &mut f, future + 30);
    let w = r.warnings.iter().find(|w| w.code == "sync_clock_skew").expect("C is told");
    assert!(w.message.contains("about 1 year ahead"), "{}", w.message);
    let off = r.clock_off_ms.expect("C's offset");
    assert!((off - YEAR).abs() < 60_000, "{off}");
    let status = c.sync_status().unwrap();
    assert!(status.last_report.unwrap().warnings.iter().any(|w| w.code == "sync_clock_skew"));
    // The office view on A names C.
    let dc = c.device_id().unwrap();
    let status = a.sync_status().unwrap();
    let named: Vec<(String, Option<i64>)> = status
        .devices
        .iter()
        .filter(|d| d.clock_off_ms.is_some())
        .map(|d| (d.device_id.clone(), d.clock_off_ms))
        .collect();
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(named[0].0, dc);
    assert!((named[0].1.unwrap() - YEAR).abs() < 60_000);
    // C's edit under the wrong clock is listed on A.
    let skewed = a.sync_skewed_edits(10).unwrap();
    assert_eq!(skewed.len(), 1, "{skewed:?}");
    assert_eq!((skewed[0].record_id.as_str(), skewed[0].field.as_str()), (id.as_str(), "rank"));
    assert_eq!(skewed[0].value, json!("A"));
    assert_eq!(skewed[0].device, dc);
    assert_eq!(skewed[0].author.as_deref(), Some("高橋"));
    assert_eq!(skewed[0].display_name, "株式会社 ミドリ");
    // A's own edits are not.
    let ca = ctx(&mut a, T0 + 40, "山田");
    a.update(&ca, Kind::Company, &id, None, fields(json!({"phone": "03-1234-5678"}))).unwrap();
    assert_eq!(a.sync_skewed_edits(10).unwrap().len(), 1);
}

/// Once the clock is fixed, the warning goes away after the others have read
/// a fresh reading (within a few rounds, not an hour).
#[test]
fn the_warning_ends_soon_after_the_clock_is_fixed() {
    let mut f = MemoryFolder::new();
    let (mut a, mut b, mut c) = (laptop(1), laptop(2), laptop(3));
    let future = T0 + YEAR;
    round(&mut a, &mut f, T0);
    round(&mut b, &mut f, T0 + 1);
    round(&mut c, &mut f, future);
    round(&mut a, &mut f, T0 + 10);
    round(&mut b, &mut f, T0 + 11);
    assert!(round(&mut c, &mut f, future + 20).clock_off_ms.is_some());
    // Fixed: C's next round still hears the old readings, then the others
    // read C's fresh one.
    round(&mut c, &mut f, T0 + 30);
    round(&mut a, &mut f, T0 + 40);
    round(&mut b, &mut f, T0 + 41);
    let r = round(&mut c, &mut f, T0 + 50);
    assert_eq!(r.clock_off_ms, None, "{:?}", r.warnings);
    assert!(r.warnings.iter().all(|w| w.code != "sync_clock_skew"));
    assert!(a.sync_status().unwrap().devices.iter().all(|d| d.clock_off_ms.is_none()));
}
