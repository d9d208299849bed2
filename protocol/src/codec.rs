//! The wire format of the daemon's socket: 4-byte length-prefixed frames, each one bincode
//! value. Both the framing limit and the bincode configuration live here and nowhere else, so
//! the encoding can change in one place.
//!
//! A connection opens with each side sending a [`Hello`]; after that the client sends
//! [`crate::Request`]s and reads one [`crate::Response`] for each.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio_util::codec::LengthDelimitedCodec;

/// Bumped whenever a message changes shape; peers with different versions refuse each other.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest frame either side sends or accepts.
pub const MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;

/// The first frame each way: who is speaking and which protocol version it speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// Always `"wurker"`, so a stray peer that happens to speak bincode is told apart.
    pub magic: String,
    pub protocol: u32,
    /// The sender's program and version, for messages (`wurkerd 0.2.0`).
    pub software: String,
}

impl Hello {
    /// The hello this build sends, naming the given program.
    pub fn ours(program: &str) -> Self {
        Self {
            magic: MAGIC.to_string(),
            protocol: PROTOCOL_VERSION,
            software: format!("{program} {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Checks a peer's hello against ours.
    ///
    /// # Errors
    /// [`CodecError::NotWurker`] when the magic is wrong, [`CodecError::VersionMismatch`] when
    /// the protocol versions differ.
    pub fn check(&self) -> Result<(), CodecError> {
        if self.magic != MAGIC {
            return Err(CodecError::NotWurker);
        }
        if self.protocol != PROTOCOL_VERSION {
            return Err(CodecError::VersionMismatch {
                ours: PROTOCOL_VERSION,
                theirs: self.protocol,
                software: self.software.clone(),
            });
        }
        Ok(())
    }
}

const MAGIC: &str = "wurker";

/// Why a frame could not be turned into a message, or a peer was refused.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("the message could not be encoded: {0}")]
    Encode(#[from] bincode::error::EncodeError),
    #[error("the peer sent a frame that is not a Wurker message: {0}")]
    Decode(#[from] bincode::error::DecodeError),
    #[error("the peer sent {extra} bytes after the end of a message")]
    TrailingBytes { extra: usize },
    #[error("the peer is not a Wurker program")]
    NotWurker,
    #[error(
        "protocol version mismatch: this program speaks version {ours}, the peer ({software}) \
         speaks version {theirs}; run the same Wurker version on both sides"
    )]
    VersionMismatch {
        ours: u32,
        theirs: u32,
        software: String,
    },
}

/// The length-delimited framing both sides use, with the frame size limit applied.
pub fn frame_codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .length_field_length(4)
        .max_frame_length(MAX_FRAME_BYTES)
        .new_codec()
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_FRAME_BYTES>()
}

/// Encodes one message into a frame payload.
///
/// # Errors
/// [`CodecError::Encode`] if the value cannot be represented.
pub fn encode<T: Serialize>(value: &T) -> Result<Bytes, CodecError> {
    Ok(Bytes::from(bincode::serde::encode_to_vec(value, config())?))
}

/// Decodes one frame payload into a message; the payload must hold exactly one value.
///
/// # Errors
/// [`CodecError::Decode`] for bytes that are not such a message, [`CodecError::TrailingBytes`]
/// when bytes are left over.
pub fn decode<T: DeserializeOwned>(payload: &[u8]) -> Result<T, CodecError> {
    let (value, used) = bincode::serde::decode_from_slice(payload, config())?;
    if used != payload.len() {
        return Err(CodecError::TrailingBytes {
            extra: payload.len() - used,
        });
    }
    Ok(value)
}
