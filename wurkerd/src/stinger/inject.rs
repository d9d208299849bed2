//! `sting`: layering a stinger into a home. Files are gathered from every level, lowest first,
//! so that a more specific level replaces a file of a more general one; then each file is
//! written unless an operator's own file (one no sting injected) is in the way. Files that an
//! earlier sting injected are refreshed, and those no level provides any more are removed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use protocol::admin::StingerSource;
use protocol::home::Layout;
use uuid::Uuid;

use crate::files::write_atomic;
use crate::stinger::deps::{check_name, destination, mode_for};
use crate::stinger::manifest::Manifest;
use crate::stinger::stung_config::prepare_config;
use crate::stinger::{StingerError, embedded, root_or_default, tree};

const DEFAULT_NODE: &str = "queen";
const DEFAULT_ENV: &str = "local";
pub(super) const CONFIG: &str = "etc/wurker.toml";

/// What a sting did, as lines for the operator and counts for the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StingReport {
    pub lines: Vec<String>,
    pub injected: usize,
    pub overwritten: usize,
    pub skipped: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub(super) enum Content {
    Disk(PathBuf),
    Embedded(&'static [u8]),
    Prepared(Vec<u8>),
}

/// One file to place in the home, and the level it came from.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) level: String,
    pub(super) content: Content,
    executable: bool,
}

/// Layers `source` into the home of `layout` for the node `app_id`.
///
/// # Errors
/// [`StingerError::NotFound`] for a missing root or stinger, or a node or environment that was
/// named but is not in the tree; [`StingerError::Escape`] for a link out of the tree; I/O
/// failures. Files written before a failure stay recorded, so `unsting` still finds them.
pub fn sting(
    layout: &Layout,
    source: &StingerSource,
    app_id: Uuid,
) -> Result<StingReport, StingerError> {
    let node = source.node.as_deref().unwrap_or(DEFAULT_NODE);
    let env = source.env.as_deref().unwrap_or(DEFAULT_ENV);
    for (what, value) in [
        ("stinger slug", source.slug.as_str()),
        ("node", node),
        ("env", env),
    ] {
        check_name(what, value).map_err(StingerError::Invalid)?;
    }
    let root = root_or_default(&layout.etc, source.root.as_deref());
    if source.root.is_none() {
        let target = root.join("default");
        embedded::write_missing(&target).map_err(|err| StingerError::io(&target, err))?;
    }
    let root = existing_root(&root)?;
    let stinger = root.join(&source.slug);
    if !stinger.is_dir() {
        return Err(StingerError::NotFound(format!(
            "Stinger '{}' not found: '{}'",
            source.slug,
            stinger.display()
        )));
    }
    check_named_levels(&stinger, source, node, env)?;

    let mut report = StingReport::default();
    report.lines.push(format!(
        "Stinging '{}' from {} for node '{node}', env '{env}'",
        source.slug,
        root.display()
    ));
    let mut plan = gather(&root, &source.slug, node, env, &mut report)?;
    prepare_config(layout, &mut plan, app_id)?;
    let label = format!(
        "{}/{} (node {node}, env {env})",
        root.display(),
        source.slug
    );
    place(layout, &plan, &label, &mut report)?;
    report.lines.push(format!(
        "Done: {} injected, {} overwritten, {} skipped, {} removed, {} unchanged",
        report.injected, report.overwritten, report.skipped, report.removed, report.unchanged
    ));
    Ok(report)
}

fn existing_root(root: &Path) -> Result<PathBuf, StingerError> {
    if !root.is_dir() {
        return Err(StingerError::NotFound(format!(
            "Stingers root not found: '{}'",
            root.display()
        )));
    }
    root.canonicalize()
        .map_err(|err| StingerError::io(root, err))
}

/// A node or environment given on the command line must exist; the defaults may be absent.
fn check_named_levels(
    stinger: &Path,
    source: &StingerSource,
    node: &str,
    env: &str,
) -> Result<(), StingerError> {
    let node_dir = stinger.join("colony").join(node);
    if source.node.is_some() && !node_dir.is_dir() {
        return Err(StingerError::NotFound(format!(
            "Colony node '{node}' not found in stinger '{}': '{}'",
            source.slug,
            node_dir.display()
        )));
    }
    let env_dir = node_dir.join(env);
    if source.env.is_some() && !env_dir.is_dir() {
        return Err(StingerError::NotFound(format!(
            "Environment '{env}' of node '{node}' not found in stinger '{}': '{}'",
            source.slug,
            env_dir.display()
        )));
    }
    Ok(())
}

/// Every file to place, by destination, the most specific level's copy winning.
fn gather(
    root: &Path,
    slug: &str,
    node: &str,
    env: &str,
    report: &mut StingReport,
) -> Result<BTreeMap<PathBuf, Candidate>, StingerError> {
    let levels = [
        PathBuf::from("wurker"),
        Path::new("colony").join(node).join("wurker"),
        Path::new("colony").join(node).join(env),
    ];
    let mut plan = BTreeMap::new();
    for level in &levels {
        let label = format!("(built-in default)/{}", level.display());
        for (relative, bytes) in embedded::level(level) {
            let executable = relative.extension().is_some_and(|ext| ext == "sh");
            add(
                &mut plan,
                &relative,
                &label,
                Content::Embedded(bytes),
                executable,
            );
        }
    }
    for level in &levels {
        let dir = root.join(slug).join(level);
        if !dir.is_dir() {
            continue;
        }
        let dir = tree::inside(root, &dir)?;
        let label = format!("{slug}/{}", level.display());
        report.lines.push(format!("  level: {}", dir.display()));
        for file in tree::files(root, &dir)? {
            let content = Content::Disk(file.path);
            add(&mut plan, &file.relative, &label, content, file.executable);
        }
    }
    Ok(plan)
}

fn add(
    plan: &mut BTreeMap<PathBuf, Candidate>,
    relative: &Path,
    level: &str,
    content: Content,
    executable: bool,
) {
    if let Some(dest) = destination(relative) {
        let candidate = Candidate {
            level: level.to_string(),
            content,
            executable,
        };
        plan.insert(dest, candidate);
    }
}

/// Writes the plan into the home, records the manifest, removes stale injected files.
fn place(
    layout: &Layout,
    plan: &BTreeMap<PathBuf, Candidate>,
    label: &str,
    report: &mut StingReport,
) -> Result<(), StingerError> {
    let old = Manifest::load(&layout.data)?;
    let mut new = Manifest {
        stinger: label.to_string(),
        files: Default::default(),
    };
    let home = layout
        .home
        .canonicalize()
        .map_err(|err| StingerError::io(&layout.home, err))?;
    let mut outcome = Ok(());
    for (dest, candidate) in plan {
        match place_one(&home, dest, candidate, &old, report) {
            Ok(true) => {
                new.files.insert(dest.clone());
            }
            Ok(false) => {}
            Err(err) => {
                outcome = Err(err);
                break;
            }
        }
    }
    if outcome.is_err() {
        // Keep everything either sting wrote on record, so that unsting can still remove it.
        new.files.extend(old.files.iter().cloned());
        new.save(&layout.data)?;
        return outcome;
    }
    for stale in old.files.difference(&new.files) {
        remove_stale(&home, stale, report)?;
    }
    new.save(&layout.data)
}

/// Places one file; returns whether it is now on record as injected.
fn place_one(
    home: &Path,
    dest: &Path,
    candidate: &Candidate,
    old: &Manifest,
    report: &mut StingReport,
) -> Result<bool, StingerError> {
    let path = home.join(dest);
    let shown = dest.display();
    let from = &candidate.level;
    let bytes = read(&candidate.content)?;
    let is_config = dest == Path::new(CONFIG);
    let current = std::fs::symlink_metadata(&path).ok();
    if let Some(meta) = &current {
        if !meta.is_file() {
            report.skipped += 1;
            report.lines.push(format!(
                "  skipped: {shown} (not a regular file in the home; left alone)"
            ));
            return Ok(false);
        }
        if !is_config && !old.files.contains(dest) {
            report.skipped += 1;
            report.lines.push(format!(
                "  skipped: {shown} (the operator's own file, not injected by a sting; kept)"
            ));
            return Ok(false);
        }
        if std::fs::read(&path).is_ok_and(|existing| existing == *bytes) {
            report.unchanged += 1;
            return Ok(!is_config);
        }
    }
    if !parent_is_inside(home, &path)? {
        report.skipped += 1;
        report.lines.push(format!(
            "  skipped: {shown} (its directory leads out of the home through a link)"
        ));
        return Ok(false);
    }
    let mode = mode_for(dest, candidate.executable);
    write_atomic(&path, &bytes, mode).map_err(|err| StingerError::io(&path, err))?;
    let verb = if current.is_some() {
        report.overwritten += 1;
        "overwritten"
    } else {
        report.injected += 1;
        "injected"
    };
    report
        .lines
        .push(format!("  {verb}: {shown} (from {from})"));
    // The node's wurker.toml is stung but never removed: the home cannot run without it.
    Ok(!is_config)
}

pub(super) fn read(content: &Content) -> Result<Cow<'static, [u8]>, StingerError> {
    match content {
        Content::Embedded(bytes) => Ok(Cow::Borrowed(bytes)),
        Content::Prepared(bytes) => Ok(Cow::Owned(bytes.clone())),
        Content::Disk(path) => std::fs::read(path)
            .map(Cow::Owned)
            .map_err(|err| StingerError::io(path, err)),
    }
}

fn parent_is_inside(home: &Path, path: &Path) -> Result<bool, StingerError> {
    let Some(parent) = path.parent() else {
        return Ok(false);
    };
    std::fs::create_dir_all(parent).map_err(|err| StingerError::io(parent, err))?;
    let resolved = parent
        .canonicalize()
        .map_err(|err| StingerError::io(parent, err))?;
    Ok(resolved.starts_with(home))
}

fn remove_stale(home: &Path, stale: &Path, report: &mut StingReport) -> Result<(), StingerError> {
    let path = home.join(stale);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {
            std::fs::remove_file(&path).map_err(|err| StingerError::io(&path, err))?;
            report.removed += 1;
            report.lines.push(format!(
                "  removed: {} (injected before, no level provides it now)",
                stale.display()
            ));
        }
        _ => {}
    }
    Ok(())
}
