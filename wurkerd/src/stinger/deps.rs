//! The parts of a stinger level and where each goes in a home (reference §6.1). A level holds
//! `wurker.toml` and `requirements.txt` (single files) and the directories `seeds`, `scripts`,
//! `models`, `settings`, `bees`, `lib`, `ssl` and `data`; anything else is not ours and is
//! ignored. `scripts` is Wurker's addition: the scripts that `./scripts/` Commands name.

use std::path::{Component, Path, PathBuf};

/// The resources `extract` knows, each with its place in the home (relative to the home) and
/// in a stinger level. Nested resources (`settings/bees`, `lib/mail`) come after their parent.
pub const RESOURCES: [(&str, &str, &str); 12] = [
    (
        "requirements.txt",
        "etc/requirements.txt",
        "requirements.txt",
    ),
    ("wurker.toml", "etc/wurker.toml", "wurker.toml"),
    ("seeds", "etc/seeds", "seeds"),
    ("scripts", "etc/scripts", "scripts"),
    ("models", "opt/models", "models"),
    ("bees", "opt/bees", "bees"),
    ("settings", "opt/settings", "settings"),
    ("settings/bees", "opt/settings/bees", "settings/bees"),
    ("lib", "opt/lib", "lib"),
    ("lib/mail", "opt/lib/mail", "lib/mail"),
    ("ssl", "etc/nginx/ssl", "ssl"),
    ("data", "data", "data"),
];

/// Where a file of a stinger level (its path relative to the level) goes in the home, relative
/// to the home; `None` for files that are not a stinger's.
pub fn destination(relative: &Path) -> Option<PathBuf> {
    let parts: Vec<&str> = normal_parts(relative)?;
    let compiled = relative.extension().is_some_and(|ext| ext == "pyc");
    if compiled || parts.contains(&"__pycache__") {
        return None;
    }
    let (first, rest) = parts.split_first()?;
    let rest: PathBuf = rest.iter().collect();
    let single = rest.as_os_str().is_empty();
    let base = match (*first, single) {
        ("wurker.toml" | "requirements.txt", true) => return Some(Path::new("etc").join(first)),
        (_, true) => return None,
        ("seeds" | "scripts", false) => Path::new("etc").join(first),
        ("ssl", false) => PathBuf::from("etc/nginx/ssl"),
        ("data", false) => PathBuf::from("data"),
        ("models" | "settings" | "bees" | "lib", false) => Path::new("opt").join(first),
        _ => return None,
    };
    Some(base.join(rest))
}

/// The permission bits an injected file gets: credentials in `data/` are private, scripts and
/// files that were executable stay executable.
pub fn mode_for(destination: &Path, executable: bool) -> u32 {
    if destination.starts_with("data") || destination == Path::new("etc/wurker.toml") {
        0o600
    } else if executable || destination.starts_with("etc/scripts") {
        0o755
    } else {
        0o644
    }
}

/// The components of a relative path that has only plain names (no `..`, no root).
pub fn normal_parts(path: &Path) -> Option<Vec<&str>> {
    path.components()
        .map(|component| match component {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect()
}

/// Checks that a stinger slug, node or environment is one plain directory name.
///
/// # Errors
/// A message naming the option and the value.
pub fn check_name(what: &str, value: &str) -> Result<(), String> {
    let plain = !value.is_empty()
        && value != "."
        && value != ".."
        && !value.contains(['/', '\0'])
        && !value.starts_with('-');
    if plain {
        Ok(())
    } else {
        Err(format!(
            "{what} '{value}' is not a plain directory name (no '/', '.' or '..')"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_follow_the_reference_table() {
        let cases = [
            ("wurker.toml", Some("etc/wurker.toml")),
            ("requirements.txt", Some("etc/requirements.txt")),
            ("seeds/001_seed.json", Some("etc/seeds/001_seed.json")),
            ("scripts/x.sh", Some("etc/scripts/x.sh")),
            ("bees/dispatchers/cb.py", Some("opt/bees/dispatchers/cb.py")),
            ("settings/bees/b.py", Some("opt/settings/bees/b.py")),
            (
                "lib/mail/templates/a.html",
                Some("opt/lib/mail/templates/a.html"),
            ),
            ("ssl/site.crt", Some("etc/nginx/ssl/site.crt")),
            ("data/user.json", Some("data/user.json")),
            ("README.md", None),
            ("seeds", None),
            ("other/file", None),
            ("bees/__pycache__/x.pyc", None),
            ("../etc/passwd", None),
        ];
        for (relative, expected) in cases {
            assert_eq!(
                destination(Path::new(relative)),
                expected.map(PathBuf::from),
                "{relative}"
            );
        }
    }

    #[test]
    fn names_must_be_plain() {
        assert!(check_name("slug", "main").is_ok());
        for bad in ["", ".", "..", "a/b", "../x"] {
            assert!(check_name("slug", bad).is_err(), "{bad}");
        }
    }
}
