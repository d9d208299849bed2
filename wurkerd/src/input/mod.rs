//! Turning a client's input into checked values: one place for the rules every request shares
//! (document parsing, field types, slugs, date bounds), so that each error reads the same way.

mod document;
mod fields;
mod moment;
mod slug;

pub use document::parse_document;
pub use fields::{Fields, type_name};
pub use moment::parse_moment;
pub use slug::check_slug;
