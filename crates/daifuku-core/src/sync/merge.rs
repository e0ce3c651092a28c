//! The merge plan: a pure function from a record's local state and one
//! incoming change to what to write. Field by field, the write with the
//! higher version wins (versions are hybrid logical clocks ending in the
//! device id, so ties cannot happen and every device picks the same winner in
//! any order). A write is *concurrent* with the local value when its writer
//! had not seen that value (its `prev` differs from the local version); the
//! losing side of a concurrent write with a different value is kept as a
//! conflict. Deletes are the pseudo-field `_deleted`, merged the same way; an
//! edit concurrent with a delete becomes an `edited_while_deleted` conflict.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::hlc;
use crate::model::Kind;

/// The trash state, merged like a field.
pub const DELETED: &str = "_deleted";
/// Conflicts a change marks as resolved: `[[field, loser_version, reason], …]`.
pub const RESOLVED: &str = "_resolved";

/// Per-field versions of one record: `""` holds the version of every field
/// not named (the create's), `"@"`/`"@field"` the author of those values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Clocks(pub BTreeMap<String, String>);

impl Clocks {
    pub fn created(version: &str, author: Option<&str>) -> Clocks {
        let mut m = BTreeMap::new();
        m.insert(String::new(), version.to_string());
        if let Some(a) = author {
            m.insert("@".into(), a.to_string());
        }
        Clocks(m)
    }
    /// The version of `field`'s value ("" when unknown).
    pub fn version(&self, field: &str) -> &str {
        self.0.get(field).or_else(|| self.0.get("")).map(String::as_str).unwrap_or("")
    }
    pub fn author(&self, field: &str) -> Option<&str> {
        self.0.get(&format!("@{field}")).or_else(|| self.0.get("@")).map(String::as_str)
    }
    pub fn set(&mut self, field: &str, version: String, author: Option<&str>) {
        self.0.insert(field.to_string(), version);
        let key = format!("@{field}");
        match author {
            Some(a) if self.0.get("@").map(String::as_str) != Some(a) => {
                self.0.insert(key, a.to_string());
            }
            Some(_) => {
                self.0.remove(&key);
            }
            None => {
                if self.0.contains_key("@") {
                    self.0.insert(key, String::new());
                } else {
                    self.0.remove(&key);
                }
            }
        }
    }
    /// Fields with their own version (not the create's).
    pub fn named_fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter(|(k, _)| !k.is_empty() && !k.starts_with('@')).map(|(k, v)| (k.as_str(), v.as_str()))
    }
    pub fn from_json(s: &str) -> Clocks {
        serde_json::from_str(s).unwrap_or_default()
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("strings serialize")
    }
}

/// One change as it travels between devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub hlc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub kind: String,
    pub id: String,
    pub op: String,
    pub fields: Map<String, Value>,
    /// What the writer saw: field → version of the value it replaced
    /// (`""` key: every other field). Absent for creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Map<String, Value>>,
}

impl Change {
    /// The version the writer saw for `field` ("" when none).
    pub fn prev_version(&self, field: &str) -> &str {
        self.prev.as_ref().and_then(|p| p.get(field).or_else(|| p.get(""))).and_then(Value::as_str).unwrap_or("")
    }
}

/// Why a value was kept aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictReason {
    /// Two devices changed the same field without seeing each other's edit.
    ConcurrentEdit,
    /// A field was edited on one device while another moved the record to the trash.
    EditedWhileDeleted,
}

impl ConflictReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictReason::ConcurrentEdit => "concurrent_edit",
            ConflictReason::EditedWhileDeleted => "edited_while_deleted",
        }
    }
    pub fn parse(s: &str) -> Option<ConflictReason> {
        match s {
            "concurrent_edit" => Some(ConflictReason::ConcurrentEdit),
            "edited_while_deleted" => Some(ConflictReason::EditedWhileDeleted),
            _ => None,
        }
    }
}

/// A value kept aside, with the value that won.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedConflict {
    pub field: String,
    pub reason: ConflictReason,
    pub loser_version: String,
    pub loser_value: Value,
    pub loser_author: Option<String>,
    pub winner_version: String,
    pub winner_value: Value,
    pub winner_author: Option<String>,
}

/// A record as the merge sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordState {
    pub fields: Map<String, Value>,
    pub clocks: Clocks,
    pub deleted: bool,
}

/// What applying one change to one record does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangePlan {
    /// The record does not exist yet and this change creates it.
    pub create: bool,
    /// The record does not exist and this change cannot create it.
    pub missing: bool,
    /// Field values to write (`_deleted` as a bool).
    pub set: Map<String, Value>,
    /// The record's clocks after the change.
    pub clocks: Clocks,
    pub conflicts: Vec<PlannedConflict>,
    /// Open conflicts whose losing value its own writer has since replaced:
    /// `(field, loser_version)`.
    pub superseded: Vec<(String, String)>,
    /// Conflicts the change marks resolved: `(field, loser_version, reason)`.
    pub resolved: Vec<(String, String, String)>,
    /// Fields whose incoming value won.
    pub applied: usize,
    /// Fields whose incoming value lost (kept as a conflict when different).
    pub lost: usize,
}

/// How one field's incoming write compares with the local value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOutcome {
    /// Already applied (same version).
    Duplicate,
    /// The incoming value wins; `conflict` when the local value was concurrent
    /// and different (it is kept as the loser).
    Win { conflict: bool },
    /// The local value wins; `conflict` when the incoming value differs.
    Lose { conflict: bool },
}

/// Last writer wins by version; concurrency decides whether the loser is kept.
pub fn decide(
    local_version: &str,
    local_value: &Value,
    incoming_prev: &str,
    incoming_version: &str,
    incoming_value: &Value,
) -> FieldOutcome {
    use std::cmp::Ordering::*;
    match incoming_version.cmp(local_version) {
        Equal => FieldOutcome::Duplicate,
        Greater => FieldOutcome::Win {
            conflict: incoming_prev != local_version && !local_version.is_empty() && local_value != incoming_value,
        },
        // A version below the local one cannot have seen it: concurrent.
        Less => FieldOutcome::Lose { conflict: local_value != incoming_value },
    }
}

/// The plan of applying `change` to a record in `state` (`None`: no such
/// record here).
pub fn plan(state: Option<&RecordState>, change: &Change) -> ChangePlan {
    let mut plan = ChangePlan::default();
    let device_of_hlc = hlc::Hlc::parse(&change.hlc).map(|h| h.device).unwrap_or_default();
    let device = device_of_hlc.as_str();
    let empty = RecordState::default();
    let state = match state {
        Some(s) => s,
        None if change.op == "create" => {
            plan.create = true;
            &empty
        }
        None => {
            plan.missing = true;
            return plan;
        }
    };
    let author = change.author.as_deref();
    if plan.create {
        plan.clocks = Clocks::created(&change.hlc, author);
        for (k, v) in &change.fields {
            if !k.starts_with('_') {
                plan.set.insert(k.clone(), v.clone());
                plan.applied += 1;
            }
        }
        return plan;
    }
    plan.clocks = state.clocks.clone();
    let mut deleted = state.deleted;
    let is_delete = change.fields.get(DELETED) == Some(&Value::Bool(true));
    for (field, value) in &change.fields {
        if field == RESOLVED {
            for item in value.as_array().into_iter().flatten() {
                if let Some([f, v, r]) = item.as_array().map(Vec::as_slice) {
                    if let (Some(f), Some(v), Some(r)) = (f.as_str(), v.as_str(), r.as_str()) {
                        plan.resolved.push((f.into(), v.into(), r.into()));
                    }
                }
            }
            continue;
        }
        if field.starts_with('_') && field != DELETED {
            continue; // a pseudo-field of a later format: nothing to merge
        }
        let local_version = state.clocks.version(field).to_string();
        let local_value = if field == DELETED {
            Value::Bool(state.deleted)
        } else {
            state.fields.get(field).cloned().unwrap_or(Value::Null)
        };
        let prev = change.prev_version(field);
        let version = hlc::version_of(&change.hlc, prev, device);
        if !prev.is_empty() {
            plan.superseded.push((field.clone(), prev.to_string()));
        }
        match decide(&local_version, &local_value, prev, &version, value) {
            FieldOutcome::Duplicate => {}
            FieldOutcome::Win { conflict } => {
                if conflict {
                    plan.conflicts.push(PlannedConflict {
                        field: field.clone(),
                        reason: ConflictReason::ConcurrentEdit,
                        loser_version: local_version.clone(),
                        loser_value: local_value,
                        loser_author: state.clocks.author(field).map(String::from),
                        winner_version: version.clone(),
                        winner_value: value.clone(),
                        winner_author: author.map(String::from),
                    });
                }
                plan.clocks.set(field, version, author);
                if field == DELETED {
                    deleted = value.as_bool().unwrap_or(false);
                }
                plan.set.insert(field.clone(), value.clone());
                plan.applied += 1;
            }
            FieldOutcome::Lose { conflict } => {
                if conflict {
                    plan.conflicts.push(PlannedConflict {
                        field: field.clone(),
                        reason: ConflictReason::ConcurrentEdit,
                        loser_version: version,
                        loser_value: value.clone(),
                        loser_author: author.map(String::from),
                        winner_version: local_version,
                        winner_value: local_value,
                        winner_author: state.clocks.author(field).map(String::from),
                    });
                }
                plan.lost += 1;
            }
        }
    }
    let deletion = || (plan_version(&plan.clocks, DELETED), plan.clocks.author(DELETED).map(String::from));
    if is_delete && deleted && !state.deleted {
        // The delete won: every local edit its writer had not seen was made
        // while (concurrently with) the record being deleted.
        let (del_version, del_author) = deletion();
        for (field, version) in state.clocks.named_fields() {
            if field == DELETED || change.fields.contains_key(field) {
                continue;
            }
            if version != change.prev_version(field) {
                plan.conflicts.push(PlannedConflict {
                    field: field.to_string(),
                    reason: ConflictReason::EditedWhileDeleted,
                    loser_version: version.to_string(),
                    loser_value: state.fields.get(field).cloned().unwrap_or(Value::Null),
                    loser_author: state.clocks.author(field).map(String::from),
                    winner_version: del_version.clone(),
                    winner_value: Value::Bool(true),
                    winner_author: del_author.clone(),
                });
            }
        }
    } else if !change.fields.contains_key(DELETED)
        && deleted
        && change.prev_version(DELETED) != state.clocks.version(DELETED)
    {
        // An edit made without seeing the delete: it is merged into the
        // trashed record and flagged, so restoring brings it back.
        let (del_version, del_author) = deletion();
        for (field, value) in &change.fields {
            if field.starts_with('_') {
                continue;
            }
            plan.conflicts.push(PlannedConflict {
                field: field.clone(),
                reason: ConflictReason::EditedWhileDeleted,
                loser_version: hlc::version_of(&change.hlc, change.prev_version(field), device),
                loser_value: value.clone(),
                loser_author: author.map(String::from),
                winner_version: del_version.clone(),
                winner_value: Value::Bool(true),
                winner_author: del_author.clone(),
            });
        }
    }
    plan
}

fn plan_version(clocks: &Clocks, field: &str) -> String {
    clocks.version(field).to_string()
}

/// One losing value of a shared conflict entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConflictLoser {
    #[ts(type = "unknown")]
    pub value: Value,
    /// Its version (hybrid logical clock); `--version` picks it when resolving.
    pub version: String,
    pub device: String,
    pub author: Option<String>,
    /// When it was written, by its device's clock (ms).
    #[ts(type = "number")]
    pub at: i64,
    pub reason: ConflictReason,
    /// When this device learned it (ms; differs per device).
    #[ts(type = "number")]
    pub known_at: i64,
}

/// An open conflict: one entry per record field, derived from the synced
/// history, so every device lists the same entries with the same ids
/// (`store/sync_conflicts.rs`). `kept_*` is the record's live value; `other_*`
/// the newest losing value; `losers` every losing value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncConflict {
    /// The same on every device (from record id and field).
    #[ts(type = "number")]
    pub id: i64,
    /// `record_id/field`.
    pub key: String,
    pub kind: Kind,
    pub record_id: String,
    pub display_name: String,
    /// The field, e.g. `phone` (for `edited_while_deleted`: the edited field).
    pub field: String,
    pub reason: ConflictReason,
    /// The value that is in the record now.
    #[ts(type = "unknown")]
    pub kept_value: Value,
    pub kept_device: String,
    pub kept_author: Option<String>,
    #[ts(type = "number")]
    pub kept_at: i64,
    /// The value that lost (for `edited_while_deleted`: the edit, which is
    /// in the trashed record and comes back when it is restored).
    #[ts(type = "unknown")]
    pub other_value: Value,
    pub other_device: String,
    pub other_author: Option<String>,
    #[ts(type = "number")]
    pub other_at: i64,
    pub other_version: String,
    pub kept_version: String,
    /// When this device first learned a losing value (ms; differs per device).
    #[ts(type = "number")]
    pub detected_at: i64,
    /// The record is in the trash now.
    pub record_deleted: bool,
    /// Every losing value, newest first.
    pub losers: Vec<ConflictLoser>,
}

/// How the user settles a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Keep the value the record has now (for a delete: keep it deleted).
    Current,
    /// Take the other value (for a delete: restore the record with the edit).
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(ms: i64, d: &str) -> String {
        hlc::Hlc { ms, counter: 0, device: d.into() }.format()
    }

    #[test]
    fn decide_table() {
        let (a1, b2, a3) = (v(1, "a"), v(2, "b"), v(3, "a"));
        let x = json!("x");
        let y = json!("y");
        use FieldOutcome::*;
        let cases = [
            // local version, local value, incoming prev, incoming version, incoming value
            ((&a1, &x, &a1, &b2, &y), Win { conflict: false }), // saw it: plain overwrite
            ((&a1, &x, &"".to_string(), &b2, &y), Win { conflict: true }),
            ((&a1, &x, &"".to_string(), &b2, &x), Win { conflict: false }), // same value
            ((&a3, &x, &a1, &b2, &y), Lose { conflict: true }),
            ((&a3, &x, &a1, &b2, &x), Lose { conflict: false }),
            ((&b2, &x, &a1, &b2, &x), Duplicate),
            ((&"".to_string(), &Value::Null, &"".to_string(), &b2, &y), Win { conflict: false }),
        ];
        for ((lv, lval, p, iv, ival), want) in cases {
            assert_eq!(decide(lv, lval, p, iv, ival), want, "{lv} {p} {iv}");
        }
    }

    fn change(hlc: &str, op: &str, fields: Value, prev: Option<Value>) -> Change {
        Change {
            hlc: hlc.into(),
            author: None,
            kind: "company".into(),
            id: "r".into(),
            op: op.into(),
            fields: fields.as_object().unwrap().clone(),
            prev: prev.map(|p| p.as_object().unwrap().clone()),
        }
    }

    #[test]
    fn edit_concurrent_with_delete_is_flagged_in_either_order() {
        let created = v(1, "a");
        let base = RecordState {
            fields: json!({"name": "A"}).as_object().unwrap().clone(),
            clocks: Clocks::created(&created, None),
            deleted: false,
        };
        let del = change(&v(5, "a"), "delete", json!({"_deleted": true}), Some(json!({"": created})));
        let edit =
            change(&v(4, "b"), "update", json!({"name": "B"}), Some(json!({"name": created, "_deleted": created})));
        // Delete first, then the edit.
        let p1 = plan(Some(&base), &del);
        assert!(p1.conflicts.is_empty());
        let mut after_delete = base.clone();
        after_delete.deleted = true;
        after_delete.clocks = p1.clocks.clone();
        let p2 = plan(Some(&after_delete), &edit);
        assert_eq!(p2.set.get("name"), Some(&json!("B")));
        assert_eq!(p2.conflicts.len(), 1);
        assert_eq!(p2.conflicts[0].reason, ConflictReason::EditedWhileDeleted);
        // Edit first, then the delete: the same conflict.
        let p3 = plan(Some(&base), &edit);
        let mut after_edit = base.clone();
        after_edit.fields.insert("name".into(), json!("B"));
        after_edit.clocks = p3.clocks.clone();
        let p4 = plan(Some(&after_edit), &del);
        assert_eq!(p4.conflicts.len(), 1);
        assert_eq!(p4.conflicts[0].loser_version, p2.conflicts[0].loser_version);
        assert_eq!(p4.conflicts[0].field, "name");
    }

    #[test]
    fn an_edit_after_a_far_future_value_still_wins() {
        let future = v(9_000_000_000_000, "x");
        let state = RecordState {
            fields: json!({"name": "future"}).as_object().unwrap().clone(),
            clocks: Clocks::created(&future, None),
            deleted: false,
        };
        let edit =
            change(&v(2, "b"), "update", json!({"name": "now"}), Some(json!({"name": future, "_deleted": future})));
        let p = plan(Some(&state), &edit);
        assert_eq!(p.applied, 1);
        assert!(p.conflicts.is_empty());
        assert!(p.clocks.version("name") > future.as_str());
    }
}
