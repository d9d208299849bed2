//! Turning a client's JSON text into checked values: one place for the rules every definition
//! shares (document parsing, field types, slugs), so that each error reads the same way.

mod document;
mod fields;
mod slug;

pub use document::parse_document;
pub use fields::{Fields, type_name};
pub use slug::check_slug;
