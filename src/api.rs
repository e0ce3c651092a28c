//! The one command API. The desktop shell, the CLI and the HTTP bridge all
//! send a [`Command`] to [`execute`] and get a [`Response`] or an
//! [`ApiError`] back; nothing else of the core is called by a front end.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::error::Result;
use crate::model::{Kind, KindMeta, Record};
use crate::store::{Ctx, Home, ListQuery, Page, Store, Stored, TimelineEntry, TimelineOwner, TrashItem};

/// Everything a front end can ask of the core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// The field tables of every record kind (labels, types, choices), for generic forms.
    Schema,
    /// Creates a record.
    Create { record: Record },
    /// Creates a record of `kind` from loosely typed fields (form inputs, CLI
    /// flags): numbers may come as text ("1,200"), lists as comma-separated
    /// text; every problem comes back as a field error.
    Add {
        kind: Kind,
        #[ts(type = "{ [field in string]?: unknown }")]
        fields: Map<String, Value>,
    },
    /// One record, live or in the trash.
    Get { kind: Kind, id: String },
    /// Replaces a record's fields (a whole form). With `version`, fails with
    /// `stale` if someone else saved since.
    Update {
        id: String,
        #[ts(type = "number | null")]
        version: Option<i64>,
        record: Record,
    },
    /// Changes some fields of a record (null clears a field).
    Patch {
        kind: Kind,
        id: String,
        #[ts(type = "number | null")]
        version: Option<i64>,
        #[ts(type = "{ [field in string]?: unknown }")]
        fields: Map<String, Value>,
    },
    /// Moves a record to the trash.
    Delete { kind: Kind, id: String },
    /// Brings a record back from the trash.
    Restore { kind: Kind, id: String },
    /// A page of live records of one kind.
    List { kind: Kind, query: ListQuery },
    /// Records in the trash, newest first.
    Trash { offset: u32, limit: u32 },
    /// A company's or a contact's history, newest first.
    Timeline { owner: TimelineOwner, offset: u32, limit: u32 },
    /// The Home screen: tasks due, contracts up for renewal, recent activities.
    /// With `mine`, only the current user's tasks.
    Home { mine: bool },
    /// This database's settings.
    GetSettings,
    /// Chooses who is using the app (their writes carry this user).
    SetCurrentUser { user_id: Option<String> },
}

/// What a command returns.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Response {
    Schema(Vec<KindMeta>),
    Record(Stored),
    Page(Page),
    Trash(Vec<TrashItem>),
    Timeline(Vec<TimelineEntry>),
    Settings(Settings),
    Home(Home),
}

/// Per-database settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    pub device_id: String,
    pub current_user_id: Option<String>,
    #[ts(type = "number")]
    pub schema_version: i64,
}

/// Runs one command.
pub fn execute(store: &mut Store, ctx: &Ctx, cmd: Command) -> Result<Response> {
    Ok(match cmd {
        Command::Schema => Response::Schema(Kind::ALL.iter().map(|k| *k.meta()).collect()),
        Command::Create { record } => Response::Record(store.create(ctx, record)?),
        Command::Add { kind, fields } => Response::Record(store.create_fields(ctx, kind, fields)?),
        Command::Get { kind, id } => Response::Record(store.get(kind, &id)?),
        Command::Update { id, version, record } => Response::Record(store.replace(ctx, &id, version, record)?),
        Command::Patch { kind, id, version, fields } => {
            Response::Record(store.update(ctx, kind, &id, version, fields)?)
        }
        Command::Delete { kind, id } => Response::Record(store.delete(ctx, kind, &id)?),
        Command::Restore { kind, id } => Response::Record(store.restore(ctx, kind, &id)?),
        Command::List { kind, query } => Response::Page(store.list(kind, &query)?),
        Command::Trash { offset, limit } => Response::Trash(store.trash(offset, limit)?),
        Command::Timeline { owner, offset, limit } => Response::Timeline(store.timeline(&owner, offset, limit)?),
        Command::Home { mine } => {
            let user = if mine { store.current_user()? } else { None };
            Response::Home(store.home(&ctx.today(), user.as_deref())?)
        }
        Command::GetSettings => Response::Settings(settings(store)?),
        Command::SetCurrentUser { user_id } => {
            store.set_current_user(user_id.as_deref())?;
            Response::Settings(settings(store)?)
        }
    })
}

fn settings(store: &mut Store) -> Result<Settings> {
    Ok(Settings {
        device_id: store.device_id()?,
        current_user_id: store.current_user()?,
        schema_version: store.schema_version()?,
    })
}

/// Runs a command given as JSON and answers JSON: the shape every front end
/// (Tauri IPC, the HTTP bridge) uses on the wire.
pub fn execute_json(store: &mut Store, ctx: &Ctx, cmd: Value) -> Result<Value> {
    let cmd: Command = serde_json::from_value(cmd)?;
    Ok(serde_json::to_value(execute(store, ctx, cmd)?)?)
}
