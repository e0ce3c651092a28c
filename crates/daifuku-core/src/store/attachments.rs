//! Attachments (issue 5): files (business-card images, documents) attached to
//! a record. An attachment is a record of kind `attachment` (it syncs through
//! the change log and goes to the trash like any other); its bytes are kept
//! once per content in `blobs`, keyed by their SHA-256, and travel through the
//! sync folder on their own as `a/<sha256>.dfk` (see `sync::round`). A record
//! whose bytes have not arrived yet is *pending*, never an error.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ts_rs::TS;

use super::{read, write, Ctx, Store, Stored};
use crate::error::{ApiError, Result};
use crate::model::{Kind, Record, ATTACHMENT_OWNERS, MAX_ATTACHMENT_BYTES};
use crate::sync::format::sha256_hex;

/// An attachment as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentItem {
    pub id: String,
    #[ts(type = "number")]
    pub version: i64,
    pub owner_kind: String,
    pub owner_id: String,
    pub name: String,
    pub mime: Option<String>,
    #[ts(type = "number")]
    pub size: i64,
    pub sha256: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub created_by: Option<String>,
    /// The bytes are on this computer; false while they still come through sync.
    pub available: bool,
}

/// An attachment's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentData {
    pub sha256: String,
    pub mime: Option<String>,
    #[ts(type = "number")]
    pub size: i64,
    pub base64: String,
}

/// A MIME type from a file name (and the first bytes, for images).
pub fn guess_mime(name: &str, bytes: &[u8]) -> Option<String> {
    let sniffed = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    };
    if let Some(m) = sniffed {
        return Some(m.into());
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let m = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xls" => "application/vnd.ms-excel",
        "doc" => "application/msword",
        "zip" => "application/zip",
        _ => return None,
    };
    Some(m.into())
}

fn too_large(size: usize) -> ApiError {
    ApiError::field(
        "too_large",
        "file",
        format!(
            "the file is {:.1} MB; attachments can be at most {} MB",
            size as f64 / 1_048_576.0,
            MAX_ATTACHMENT_BYTES / 1_048_576
        ),
    )
}

/// Decodes an attachment's base64, refusing files over the limit before decoding.
pub fn decode_attachment(base64: &str) -> Result<Vec<u8>> {
    let approx = base64.trim().len() / 4 * 3;
    if approx > MAX_ATTACHMENT_BYTES as usize + 3 {
        return Err(too_large(approx));
    }
    let bytes = crate::import::decode_base64(base64).map_err(|e| ApiError::field("invalid_file", "file", e.message))?;
    if bytes.len() > MAX_ATTACHMENT_BYTES as usize {
        return Err(too_large(bytes.len()));
    }
    Ok(bytes)
}

fn item(s: Stored, available: bool) -> Result<AttachmentItem> {
    let Record::Attachment(a) = s.record else {
        return Err(ApiError::new("not_found", format!("{} is not an attachment", s.id)));
    };
    Ok(AttachmentItem {
        id: s.id,
        version: s.version,
        owner_kind: a.owner_kind,
        owner_id: a.owner_id,
        name: a.name,
        mime: a.mime,
        size: a.size.unwrap_or(0),
        sha256: a.sha256,
        created_at: s.created_at,
        created_by: s.created_by,
        available,
    })
}

impl Store {
    /// Attaches `bytes` as a file named `name` to a live record; stores the
    /// bytes by content and the attachment record in one transaction.
    pub fn attach_file(
        &mut self,
        ctx: &Ctx,
        owner_kind: Kind,
        owner_id: &str,
        name: &str,
        mime: Option<&str>,
        bytes: &[u8],
    ) -> Result<AttachmentItem> {
        if bytes.len() > MAX_ATTACHMENT_BYTES as usize {
            return Err(too_large(bytes.len()));
        }
        if !ATTACHMENT_OWNERS.contains(&owner_kind.as_str()) {
            return Err(ApiError::field(
                "invalid_choice",
                "owner_kind",
                format!("files cannot be attached to a {}", owner_kind.as_str()),
            ));
        }
        let owner = read::get(&self.conn, owner_kind, owner_id).map_err(|_| {
            ApiError::field("unknown_reference", "owner_id", format!("no {} {owner_id}", owner_kind.as_str()))
        })?;
        if owner.deleted_at.is_some() {
            return Err(ApiError::field(
                "unknown_reference",
                "owner_id",
                "the record is in the trash; restore it to attach files",
            ));
        }
        // Keep the base name only ("C:\\Users\\…\\名刺.png" → "名刺.png").
        let name = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
        // And safe to save anywhere (no `..`, NUL, device names, endless length; issue 18).
        let safe = if name.is_empty() { String::new() } else { crate::file_name::safe_file_name(name) };
        let name = safe.as_str();
        let mime = mime
            .map(str::trim)
            .filter(|m| !m.is_empty() && *m != "application/octet-stream")
            .map(str::to_string)
            .or_else(|| guess_mime(name, bytes))
            .or_else(|| mime.map(str::trim).filter(|m| !m.is_empty()).map(str::to_string));
        let sha = sha256_hex(bytes);
        let mut fields = Map::new();
        fields.insert("owner_kind".into(), json!(owner_kind.as_str()));
        fields.insert("owner_id".into(), json!(owner_id));
        fields.insert("name".into(), json!(name));
        fields.insert("mime".into(), mime.clone().map(Value::String).unwrap_or(Value::Null));
        fields.insert("size".into(), json!(bytes.len() as i64));
        fields.insert("sha256".into(), json!(sha));
        let tx = self.conn.transaction()?;
        tx.prepare_cached("INSERT OR IGNORE INTO blobs (sha256, bytes, size, mime) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![sha, bytes, bytes.len() as i64, mime])?;
        let id = write::insert(&tx, &mut self.ids, ctx, Kind::Attachment, &fields)?;
        let stored = read::get(&tx, Kind::Attachment, &id)?;
        tx.commit()?;
        item(stored, true)
    }

    /// The live attachments of a record, oldest first.
    pub fn attachments(&self, owner_kind: Kind, owner_id: &str) -> Result<Vec<AttachmentItem>> {
        let rows: Vec<(String, bool)> = self
            .conn
            .prepare_cached(
                "SELECT a.id, EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = a.sha256) FROM attachments a \
                 WHERE a.owner_id = ?1 AND a.owner_kind = ?2 AND a.deleted_at IS NULL ORDER BY a.created_at, a.id",
            )?
            .query_map(params![owner_id, owner_kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|(id, available)| item(read::get(&self.conn, Kind::Attachment, &id)?, available)).collect()
    }

    /// The bytes of an attachment by content; `attachment_pending` while
    /// they are still on their way from another computer.
    pub fn attachment_data(&self, sha256: &str) -> Result<AttachmentData> {
        let sha = sha256.trim().to_ascii_lowercase();
        let row: Option<(Vec<u8>, Option<String>)> = self
            .conn
            .prepare_cached("SELECT bytes, mime FROM blobs WHERE sha256 = ?1")?
            .query_row([&sha], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((bytes, mime)) => Ok(AttachmentData {
                sha256: sha,
                mime,
                size: bytes.len() as i64,
                base64: crate::import::encode_base64(&bytes),
            }),
            None => {
                let referenced: bool = self
                    .conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?1)")?
                    .query_row([&sha], |r| r.get(0))?;
                if referenced {
                    Err(ApiError::new(
                        "attachment_pending",
                        "this file has not arrived from the other computers yet; it comes with a later sync",
                    ))
                } else {
                    Err(ApiError::new("not_found", format!("no file {sha}")))
                }
            }
        }
    }

    /// Moves an attachment to the trash (its bytes stay until it is purged).
    pub fn delete_attachment(&mut self, ctx: &Ctx, id: &str) -> Result<Stored> {
        self.delete(ctx, Kind::Attachment, id)
    }

    // ---- sync (used by `sync::round`) ----

    /// Contents some attachment (live or trashed) names that this database
    /// does not have yet.
    pub fn sync_blobs_missing(&self) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT DISTINCT a.sha256 FROM attachments a \
                 WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = a.sha256) ORDER BY a.sha256",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Contents this database has that some attachment names.
    pub fn sync_blobs_held(&self) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT b.sha256 FROM blobs b WHERE EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256) \
                 ORDER BY b.sha256",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// One blob's bytes.
    pub fn sync_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .prepare_cached("SELECT bytes FROM blobs WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?)
    }

    /// Stores bytes that arrived through sync; the caller checked their hash.
    pub fn sync_put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let mime: Option<String> = self
            .conn
            .prepare_cached("SELECT mime FROM attachments WHERE sha256 = ?1 AND mime IS NOT NULL LIMIT 1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?;
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO blobs (sha256, bytes, size, mime) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![sha256, bytes, bytes.len() as i64, mime])?;
        Ok(())
    }
}
