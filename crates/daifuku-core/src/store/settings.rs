//! Per-database settings: this device's id and the current user.

use rusqlite::{params, OptionalExtension};

use super::{new_id, Ctx, Store};
use crate::error::{ApiError, Result};
use crate::model::Kind;

impl Store {
    /// A per-database setting (`settings` table), if set.
    pub(super) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a per-database setting; `None` removes it.
    pub(super) fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                params![key, v],
            )?,
            None => self.conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }

    /// This database's device id, made on first use.
    pub fn device_id(&mut self) -> Result<String> {
        if let Some(id) = self.setting("device_id")? {
            return Ok(id);
        }
        let id = new_id(&mut self.ids, 0).replace('-', "")[16..].to_string();
        self.set_setting("device_id", Some(&id))?;
        Ok(id)
    }

    pub fn current_user(&self) -> Result<Option<String>> {
        self.setting("current_user_id")
    }

    pub fn set_current_user(&mut self, user_id: Option<&str>) -> Result<()> {
        if let Some(id) = user_id {
            let user = self.get(Kind::User, id)?;
            if user.deleted_at.is_some() {
                return Err(ApiError::field("deleted_reference", "user_id", "that user is in the trash"));
            }
        }
        self.set_setting("current_user_id", user_id)
    }

    /// The context of a write made on this device now, by the current user.
    pub fn context(&mut self, now_ms: i64) -> Result<Ctx> {
        let mut ctx = Ctx::new(now_ms, self.device_id()?);
        ctx.user_id = self.current_user()?;
        Ok(ctx)
    }
}
