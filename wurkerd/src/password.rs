//! Password hashes. Wurker writes argon2id (a PHC string, `$argon2id$v=19$...`). It also reads
//! the Werkzeug scrypt hashes Wurker 0.1 stored (`scrypt:32768:8:1$<salt>$<hex>`), so that its
//! accounts keep working; such a hash is reported as due for re-hashing, and the caller replaces
//! it with argon2 once the password has been checked.
//!
//! Both are slow on purpose (tens of milliseconds, tens of MiB): call them from a blocking task.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The password matches and the hash is Wurker's own.
    Valid,
    /// The password matches a hash in an older format: store [`hash`] of it instead.
    ValidRehash,
    /// The password does not match.
    Invalid,
}

/// Why a hash could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the stored password hash is in no format Wurker knows")]
    UnknownFormat,
    #[error("the stored scrypt hash is malformed: {0}")]
    MalformedScrypt(&'static str),
    #[error("the stored argon2 hash is malformed: {0}")]
    MalformedArgon2(String),
    #[error("cannot hash the password: {0}")]
    Hashing(String),
}

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
/// [`PasswordError::Hashing`] when the system gives no randomness.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| PasswordError::Hashing(err.to_string()))
}

/// Whether `text` is a well-formed argon2 hash, the only kind Wurker stores.
pub fn is_argon2(text: &str) -> bool {
    text.starts_with("$argon2") && argon2::password_hash::phc::PasswordHash::new(text).is_ok()
}

/// Checks a password against a stored hash of either format.
///
/// # Errors
/// When the stored text is not a hash Wurker can read; the password is then neither accepted
/// nor refused, and the account needs a new password.
pub fn verify(password: &str, stored: &str) -> Result<Verdict, PasswordError> {
    if stored.starts_with("$argon2") {
        return match Argon2::default().verify_password(password.as_bytes(), stored) {
            Ok(()) => Ok(Verdict::Valid),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(Verdict::Invalid),
            Err(err) => Err(PasswordError::MalformedArgon2(err.to_string())),
        };
    }
    if stored.starts_with("scrypt") {
        let matches = verify_werkzeug_scrypt(password, stored)?;
        return Ok(if matches {
            Verdict::ValidRehash
        } else {
            Verdict::Invalid
        });
    }
    Err(PasswordError::UnknownFormat)
}

/// The largest scrypt cost accepted from a stored hash: twice Werkzeug's default, so that a
/// tampered row cannot make one login take gigabytes.
const MAX_LOG_N: u8 = 16;
const MAX_R: u32 = 16;
const MAX_P: u32 = 4;

/// Werkzeug's `scrypt[:N:r:p]$salt$hex`: the salt's text is the salt, the key is 64 bytes.
fn verify_werkzeug_scrypt(password: &str, stored: &str) -> Result<bool, PasswordError> {
    let mut parts = stored.splitn(3, '$');
    let (Some(method), Some(salt), Some(hex)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(PasswordError::MalformedScrypt("expected method$salt$hash"));
    };
    let (log_n, r, p) = scrypt_cost(method)?;
    let expected = decode_hex(hex).ok_or(PasswordError::MalformedScrypt("hash is not hex"))?;
    if expected.is_empty() {
        return Err(PasswordError::MalformedScrypt("empty hash"));
    }
    let params = scrypt::Params::new(log_n, r, p)
        .map_err(|_| PasswordError::MalformedScrypt("invalid cost parameters"))?;
    let mut derived = vec![0u8; expected.len()];
    scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut derived)
        .map_err(|_| PasswordError::MalformedScrypt("hash length out of range"))?;
    Ok(constant_time_eq(&derived, &expected))
}

/// `scrypt` (Werkzeug's defaults) or `scrypt:N:r:p`, as (log2 N, r, p).
fn scrypt_cost(method: &str) -> Result<(u8, u32, u32), PasswordError> {
    let numbers: Vec<&str> = method.split(':').skip(1).collect();
    let (n, r, p) = match numbers.as_slice() {
        [] => (32768u64, 8u32, 1u32),
        [n, r, p] => {
            let parse = |text: &str| text.parse::<u64>().ok();
            match (parse(n), parse(r), parse(p)) {
                (Some(n), Some(r), Some(p)) => (
                    n,
                    u32::try_from(r).unwrap_or(u32::MAX),
                    u32::try_from(p).unwrap_or(u32::MAX),
                ),
                _ => return Err(PasswordError::MalformedScrypt("cost is not N:r:p")),
            }
        }
        _ => return Err(PasswordError::MalformedScrypt("cost is not N:r:p")),
    };
    if !n.is_power_of_two() || n < 2 {
        return Err(PasswordError::MalformedScrypt("N is not a power of two"));
    }
    let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
    if log_n > MAX_LOG_N || r == 0 || r > MAX_R || p == 0 || p > MAX_P {
        return Err(PasswordError::MalformedScrypt(
            "cost parameters out of range",
        ));
    }
    Ok((log_n, r, p))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| {
            text.get(at..at + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

/// Compares without stopping at the first difference, so timing tells nothing of the hash.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Made by Werkzeug 3's `generate_password_hash("wurkeradmin")`, Wurker 0.1's default UI
/// account as its `admin seed` stored it; for tests here and in the stores of accounts.
#[cfg(test)]
pub(crate) const WERKZEUG_DEFAULT: &str = "scrypt:32768:8:1$DDVg0wqG2uSrQgxO$7c086f0430d4f08d28\
    9551643a90dfc446fbf01abee7758b9fd5700ef968cd4bd1bd82fec2edfe3a5297e7f972a5394a15a886a369ddc\
    447ad7b2be289d4302b";

#[cfg(test)]
mod tests {
    use super::*;

    /// `generate_password_hash("pässwörd $:x", method="scrypt:16384:8:1")`.
    const WERKZEUG_CHEAPER: &str = "scrypt:16384:8:1$AdzyMuL4Yog7WmTF$2a8a326ffffe295145ae5ff19b\
        e29c65556f6f3c66eeaaed6bd164ae24bbe0a0ec4cf090a1ec53b7d0c682f5f77c5fcd88582c2a90c978eb\
        82ba703b586b2c3f";

    #[test]
    fn werkzeug_scrypt_hashes_are_accepted_and_due_for_rehash() {
        assert_eq!(
            verify("wurkeradmin", WERKZEUG_DEFAULT).unwrap(),
            Verdict::ValidRehash
        );
        assert_eq!(
            verify("wurkeradmiN", WERKZEUG_DEFAULT).unwrap(),
            Verdict::Invalid
        );
        assert_eq!(
            verify("pässwörd $:x", WERKZEUG_CHEAPER).unwrap(),
            Verdict::ValidRehash
        );
        assert_eq!(verify("", WERKZEUG_CHEAPER).unwrap(), Verdict::Invalid);
    }

    #[test]
    fn argon2_hashes_round_trip_with_fresh_salts() {
        let first = hash("wurkeradmin").unwrap();
        let second = hash("wurkeradmin").unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert_eq!(verify("wurkeradmin", &first).unwrap(), Verdict::Valid);
        assert_eq!(verify("wurkeradmin ", &first).unwrap(), Verdict::Invalid);
        assert!(is_argon2(&first));
        assert!(!is_argon2(WERKZEUG_DEFAULT));
        assert!(!is_argon2("$argon2id$v=19$garbage"));
    }

    #[test]
    fn unreadable_hashes_are_errors_not_verdicts() {
        for stored in [
            "wurkeradmin",
            "pbkdf2:sha256:600000$salt$00",
            "scrypt:32768:8$salt$00",
            "scrypt:30000:8:1$salt$00",
            "scrypt:1048576:8:1$salt$00",
            "scrypt:32768:8:1$salt$zz",
            "scrypt:32768:8:1$salt",
            "$argon2id$v=19$garbage",
        ] {
            assert!(verify("x", stored).is_err(), "{stored} was read as a hash");
        }
    }
}
