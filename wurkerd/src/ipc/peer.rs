//! Who may talk to the daemon: its own user, root, and members of an optional group.

use interprocess::local_socket::PeerCreds;
use nix::unistd::{Gid, Uid};

/// The identities the socket accepts.
#[derive(Debug, Clone, Copy)]
pub struct PeerPolicy {
    pub uid: Uid,
    pub group: Option<Gid>,
}

impl PeerPolicy {
    /// Accepts the daemon's own effective user and root, plus `group` when given.
    pub fn new(group: Option<Gid>) -> Self {
        Self {
            uid: Uid::effective(),
            group,
        }
    }

    /// Whether a peer with these credentials may use the daemon.
    pub fn allows(&self, creds: &PeerCreds) -> bool {
        let Some(uid) = creds.euid() else {
            return false;
        };
        if uid == self.uid.as_raw() || uid == 0 {
            return true;
        }
        match self.group {
            Some(group) => {
                creds.egid() == Some(group.as_raw())
                    || creds
                        .groups()
                        .is_some_and(|groups| groups.contains(&group.as_raw()))
            }
            None => false,
        }
    }
}
