//! A Bee as the runtime plans it: its definition as stored, and what follows from it (when it
//! runs, what it executes).

use std::collections::HashMap;

use protocol::JsonText;
use uuid::Uuid;

use crate::hive::Program;
use crate::schedule::Schedule;
use crate::store::plans::{self, BeePlanRow};
use crate::store::{Conn, StoreError};

/// When a Bee runs by itself.
#[derive(Debug, Clone)]
pub enum When {
    /// No Cron: only ondemand or by hand.
    Never,
    /// A Cron without an expression: always.
    Supervised,
    /// A Cron with a valid expression.
    Scheduled(Schedule),
    /// A Cron whose expression no longer parses (written by other software); never fires.
    Broken(String),
}

/// One Bee's plan.
#[derive(Debug, Clone)]
pub struct BeePlan {
    pub row: BeePlanRow,
    pub when: When,
}

impl BeePlan {
    pub(super) fn new(row: BeePlanRow) -> Self {
        let when = match (&row.cron_slug, &row.cron) {
            (None, _) => When::Never,
            (Some(_), None) => When::Supervised,
            (Some(_), Some(expression)) => match Schedule::parse_shared(expression) {
                Ok(schedule) => When::Scheduled(schedule),
                Err(why) => When::Broken(why),
            },
        };
        Self { row, when }
    }

    /// Enabled and supervised: it should be running.
    pub fn is_supervised(&self) -> bool {
        self.row.enabled && matches!(self.when, When::Supervised)
    }

    /// Enabled and scheduled: its schedule, if it has one.
    pub fn schedule(&self) -> Option<&Schedule> {
        match &self.when {
            When::Scheduled(schedule) if self.row.enabled => Some(schedule),
            _ => None,
        }
    }

    /// What a run executes with `args` (the Bee's own when `None`).
    pub fn program(&self, args: Option<&JsonText>) -> Result<Program, String> {
        let command = self
            .row
            .command
            .as_deref()
            .ok_or_else(|| "its Command has nothing to execute".to_string())?;
        let args = args.or(self.row.args.as_ref()).map(JsonText::to_value);
        Program::of(command, self.row.is_module, args.as_ref())
    }

    pub fn is_pybee(&self) -> bool {
        self.row.is_module
    }
}

/// Reads one Bee of this node; `None` when it is gone.
///
/// # Errors
/// When the config database fails.
pub async fn load_one(
    conn: &mut Conn,
    app_id: Uuid,
    bee_id: i64,
) -> Result<Option<BeePlan>, StoreError> {
    Ok(plans::find(conn, app_id, bee_id).await?.map(BeePlan::new))
}

/// Reads every Bee of this node.
///
/// # Errors
/// When the config database fails.
pub async fn load(conn: &mut Conn, app_id: Uuid) -> Result<HashMap<i64, BeePlan>, StoreError> {
    let rows = plans::list(conn, app_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, BeePlan::new(row)))
        .collect())
}
