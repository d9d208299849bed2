//! Where the daemon listens: the socket named by `--socket` or `WURKER_SOCKET`, else the one
//! the home's `wurker.toml` names, found with the same rules `wurkerd` uses. The endpoint also
//! knows how to tell the user to start the daemon it expected to find.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use protocol::home::{self, Layout};

/// The daemon's socket and the advice to give when nothing answers there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Absolute path of the socket.
    pub socket: PathBuf,
    /// How to start a daemon that listens at `socket`, as a clause for an error message.
    pub start_hint: String,
}

impl Endpoint {
    /// Resolves the endpoint from the global options: an explicit socket wins, else the home
    /// (flag, `WURKER_HOME`, `~/.config/wurker`) and its configured socket.
    ///
    /// # Errors
    /// When no home can be determined, the current directory cannot be read to make a
    /// relative path absolute, or the home's `wurker.toml` is unreadable or invalid.
    pub fn resolve(home_flag: Option<&Path>, socket_flag: Option<&Path>) -> anyhow::Result<Self> {
        let explicit = socket_flag.filter(|path| !path.as_os_str().is_empty());
        if let Some(socket) = explicit {
            return Self::explicit(socket);
        }

        let home = home::resolve_home(home_flag).context("finding the Wurker home")?;
        let socket = home::socket_in_home(&Layout::new(home.clone()))?;
        let start_hint = format!("start it with: wurkerd --home {}", home.display());
        Ok(Self { socket, start_hint })
    }

    fn explicit(socket: &Path) -> anyhow::Result<Self> {
        let socket = home::absolute(socket.to_path_buf())?;
        let start_hint = format!("start wurkerd with [daemon] socket = {}", socket.display());
        Ok(Self { socket, start_hint })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_socket_wins_over_home() {
        let endpoint =
            Endpoint::resolve(Some(Path::new("/nowhere")), Some(Path::new("/run/w.sock"))).unwrap();
        assert_eq!(endpoint.socket, PathBuf::from("/run/w.sock"));
        assert_eq!(
            endpoint.start_hint,
            "start wurkerd with [daemon] socket = /run/w.sock"
        );
    }

    #[test]
    fn home_gives_default_socket_and_hint() {
        let home = std::env::temp_dir().join("wurk-endpoint-test-no-such-home");
        let endpoint = Endpoint::resolve(Some(&home), None).unwrap();
        assert_eq!(endpoint.socket, home.join("data/wurkerd.sock"));
        assert_eq!(
            endpoint.start_hint,
            format!("start it with: wurkerd --home {}", home.display())
        );
    }
}
