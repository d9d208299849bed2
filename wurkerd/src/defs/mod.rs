//! The rules for each kind of definition: which fields a client may send, which are required,
//! and what values they may hold. Handlers apply these before anything is written.

pub mod args;
pub mod bee;
pub mod command;
pub mod cron;

use protocol::ErrorReply;
use uuid::Uuid;

use crate::input::Fields;

/// Accepts an `app_id` field only when it names this node: definitions of other nodes are
/// never written through this one.
fn check_app_id(fields: &Fields, kind: &str, ours: Uuid) -> Result<(), ErrorReply> {
    let Some(given) = fields.optional_str("app_id")? else {
        return Ok(());
    };
    match Uuid::parse_str(&given) {
        Ok(id) if id == ours => Ok(()),
        Ok(_) => Err(ErrorReply::invalid(format!(
            "{kind} field 'app_id' names another node ({given}); this node is {ours}"
        ))),
        Err(_) => Err(ErrorReply::invalid(format!(
            "{kind} field 'app_id' is not a UUID: {given}"
        ))),
    }
}
