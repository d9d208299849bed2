//! The language `wurkerd` and its clients speak: Wurker's domain types, the requests a client
//! may make, the responses it gets, the frame codec that carries them over the daemon's socket,
//! and the JSON shapes the original Wurker printed, so that every client renders them alike.

pub mod admin;
pub mod codec;
pub mod error;
pub mod home;
pub mod model;
pub mod render;
pub mod request;
pub mod response;
pub mod runtime;

pub use codec::{Hello, PROTOCOL_VERSION};
pub use error::{ErrorCode, ErrorReply};
pub use model::{Bee, Command, Cron, JsonText};
pub use request::{DefKind, Request};
pub use response::Response;
