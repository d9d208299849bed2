//! What the daemon knows about its host from looking at it, never from asking the network:
//! Wurker 0.1 ran `curl ipinfo.io/ip` and opened a socket towards 8.8.8.8 for this, and
//! Wurker makes no outbound calls.

use std::net::Ipv4Addr;

use nix::ifaddrs::getifaddrs;
use nix::net::if_::InterfaceFlags;

/// The node's private address: the first IPv4 address of an interface that is up, not a
/// loopback and not link-local, in the order the kernel lists interfaces. `None` when there is
/// none, or when the interfaces cannot be listed (logged as a warning).
pub fn private_ipv4() -> Option<Ipv4Addr> {
    let interfaces = match getifaddrs() {
        Ok(interfaces) => interfaces,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list network interfaces");
            return None;
        }
    };
    interfaces
        .filter(|interface| interface.flags.contains(InterfaceFlags::IFF_UP))
        .filter(|interface| !interface.flags.contains(InterfaceFlags::IFF_LOOPBACK))
        .filter_map(|interface| Some(interface.address?.as_sockaddr_in()?.ip()))
        .find(|ip| !(ip.is_loopback() || ip.is_link_local() || ip.is_unspecified()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_address_is_never_a_loopback() {
        if let Some(ip) = private_ipv4() {
            assert!(!ip.is_loopback(), "{ip}");
            assert!(!ip.is_unspecified(), "{ip}");
        }
    }
}
