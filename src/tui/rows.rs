//! The Inspect step's table: one row per archive entry (built once per
//! review), joined with the findings about it and what changed since the
//! last approval, filtered (all / findings / changed / one layer of a
//! container image) and searched by path.
//! Only the indices of the visible rows are kept per filter, so 100,000
//! entries filter in milliseconds and draw only what fits.

use std::collections::{HashMap, HashSet};

use crate::engine::review::{Review, Since};
use crate::engine::shared::check::{CheckId, Status};
use crate::engine::shared::text::escape_path;
use crate::engine::verify::sbom::compare::Change;

use super::input::TextInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Findings,
    Changed,
    /// The entries of one layer of a container image (1-based, as the
    /// manifest names them: `layer-2/usr/bin/x`).
    Layer(usize),
}

/// The layer a container image's entry path names (`layer-2/…` → 2).
fn layer_of(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("layer-")?;
    let (n, _) = rest.split_once('/')?;
    n.parse().ok()
}

/// One entry of the archive (or a finding about a path it lacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `-rwxr-xr-x` (blank for a path not in the archive).
    pub mode: String,
    pub size: Option<u64>,
    pub path: String,
    /// The worst finding's status; `None` when nothing was found.
    pub status: Option<Status>,
    /// Each finding, in words.
    pub findings: Vec<(Status, String)>,
    /// `added`, `changed: size, sha256`, `removed` since the last approval.
    pub change: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Inspect {
    pub rows: Vec<Row>,
    pub filter: Filter,
    pub search: TextInput,
    /// Typing into the search field.
    pub searching: bool,
    /// Indices into `rows` that pass the filter and search.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub cursor: usize,
    /// First visible row drawn (kept by the view so the cursor stays on screen).
    pub offset: usize,
    pub findings: usize,
    pub changed: usize,
    /// The layers of a container image (0 for any other artifact).
    pub layers: usize,
}

/// `-rwxr-xr-x` from the manifest's kind and mode bits.
pub fn mode_string(kind: &str, mode: u32) -> String {
    let first = match kind {
        "dir" => 'd',
        "symlink" => 'l',
        "hardlink" => 'h',
        "chardev" => 'c',
        "blockdev" => 'b',
        "fifo" => 'p',
        "socket" => 's',
        _ => '-',
    };
    let mut s = String::with_capacity(10);
    s.push(first);
    for (shift, special, upper, lower) in [
        (6, 0o4000, 'S', 's'),
        (3, 0o2000, 'S', 's'),
        (0, 0o1000, 'T', 't'),
    ] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (mode & special != 0, x) {
            (true, true) => lower,
            (true, false) => upper,
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// The path without its first folder (`meridian-4.2.1/bin/x` → `bin/x`),
/// as the diff compares them.
fn without_top(path: &str) -> &str {
    path.split_once('/').map(|(_, rest)| rest).unwrap_or(path)
}

/// The archive checks' findings by path, and the paths in the order they
/// were first found (safety first), so the rows about paths the archive
/// lacks come out in a stable order.
struct Findings {
    by_path: HashMap<String, Vec<(Status, String)>>,
    order: Vec<String>,
}

impl Findings {
    fn of(review: &Review) -> Findings {
        let mut by_path: HashMap<String, Vec<(Status, String)>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for id in [CheckId::ArchiveSafety, CheckId::ArchiveContents] {
            for f in review
                .check(id)
                .map(|c| c.findings.as_slice())
                .unwrap_or_default()
            {
                if !by_path.contains_key(&f.subject) {
                    order.push(f.subject.clone());
                }
                by_path
                    .entry(f.subject.clone())
                    .or_default()
                    .push((f.status, f.summary.clone()));
            }
        }
        Findings { by_path, order }
    }
}

/// What changed since the last approval: added and changed paths in
/// words, and the removed ones (which get rows of their own).
struct Changes<'a> {
    by_path: HashMap<&'a str, String>,
    removed: Vec<String>,
}

impl<'a> Changes<'a> {
    fn of(review: &'a Review) -> Changes<'a> {
        let mut by_path: HashMap<&str, String> = HashMap::new();
        let mut removed: Vec<String> = Vec::new();
        if let Since::Changes { diff, .. } = &review.since {
            for p in &diff.added {
                by_path.insert(p, "added".to_string());
            }
            for (p, what) in &diff.changed {
                by_path.insert(p, format!("changed: {what}"));
            }
            removed = diff.removed.clone();
        }
        Changes { by_path, removed }
    }

    /// The change of an archive path (the diff may name it without its
    /// top folder).
    fn of_path(&self, path: &str) -> Option<String> {
        self.by_path
            .get(path)
            .or_else(|| self.by_path.get(without_top(path)))
            .cloned()
    }
}

impl Row {
    /// A row for a path the archive does not hold.
    fn absent(path: String, findings: Vec<(Status, String)>, change: Option<String>) -> Row {
        Row {
            mode: String::new(),
            size: None,
            status: worst(&findings),
            findings,
            change,
            path,
        }
    }

    /// A finding other than a pass is about this row.
    fn has_finding(&self) -> bool {
        self.status.is_some_and(|s| s != Status::Pass)
    }
}

/// The worst status of the findings; `None` when there are none.
fn worst(findings: &[(Status, String)]) -> Option<Status> {
    findings.iter().map(|f| f.0).max()
}

/// How the Inspect table names a package's maintainer script (its rows
/// come first; the detail pane shows the script's text).
pub const SCRIPT_ROW: &str = "(maintainer script) ";

/// A row per maintainer script of a package, with the finding about it.
fn script_rows(review: &Review) -> Vec<Row> {
    let Some(package) = review.package.as_deref() else {
        return Vec::new();
    };
    let check = review.check(CheckId::PackageScripts);
    package
        .scripts
        .iter()
        .map(|s| {
            let found: Vec<(Status, String)> = check
                .map(|c| c.findings.as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|f| f.subject == s.name)
                .map(|f| (f.status, f.summary.clone()))
                .collect();
            Row {
                mode: mode_string("file", 0o755),
                size: Some(s.size),
                path: format!("{SCRIPT_ROW}{}", s.name),
                status: worst(&found),
                findings: found,
                change: None,
            }
        })
        .collect()
}

/// How the Inspect table names what the vendor's SBOM says.
pub const SBOM_ROW: &str = "(SBOM) ";

/// A row per component change since the SBOM approved last, and per
/// other finding of `sbom.components` (a file the SBOM lists otherwise).
fn sbom_rows(review: &Review) -> Vec<Row> {
    let Some(check) = review.check(CheckId::SbomComponents) else {
        return Vec::new();
    };
    check
        .findings
        .iter()
        .map(|f| {
            let word = f.summary.split(':').next().unwrap_or("");
            let is_change = Change::WORDS.contains(&word);
            Row {
                mode: String::new(),
                size: None,
                path: format!("{SBOM_ROW}{}", f.subject),
                status: Some(f.status),
                findings: vec![(f.status, f.summary.clone())],
                change: is_change.then(|| f.summary.clone()),
            }
        })
        .collect()
}

/// The table's rows: a package's maintainer scripts, the archive's
/// entries in order, then findings about
/// paths it lacks (declared but missing, a notes problem, an archive that
/// could not be read to its end), then the paths removed since the last
/// approval.
fn table_rows(review: &Review) -> Vec<Row> {
    let mut findings = Findings::of(review);
    let changes = Changes::of(review);
    let mut seen: HashSet<String> = HashSet::new();
    let mut rows: Vec<Row> = script_rows(review);
    rows.extend(sbom_rows(review));
    rows.reserve(review.manifest.len() + findings.order.len() + changes.removed.len());
    for e in &review.manifest {
        let path = escape_path(&e.path);
        let found = findings.by_path.get(&path).cloned().unwrap_or_default();
        seen.insert(path.clone());
        rows.push(Row {
            mode: mode_string(&e.kind, e.mode),
            size: (e.kind == "file").then_some(e.size),
            status: worst(&found),
            findings: found,
            change: changes.of_path(&path),
            path,
        });
    }
    for subject in findings.order.into_iter().filter(|s| !seen.contains(s)) {
        let found = findings.by_path.remove(&subject).unwrap_or_default();
        rows.push(Row::absent(subject, found, None));
    }
    for path in changes.removed {
        rows.push(Row::absent(path, Vec::new(), Some("removed".to_string())));
    }
    rows
}

impl Inspect {
    pub fn new(review: &Review) -> Inspect {
        let rows = table_rows(review);
        let mut inspect = Inspect {
            findings: rows.iter().filter(|r| r.has_finding()).count(),
            changed: rows.iter().filter(|r| r.change.is_some()).count(),
            layers: rows
                .iter()
                .filter_map(|r| layer_of(&r.path))
                .max()
                .unwrap_or(0),
            rows,
            filter: Filter::All,
            search: TextInput::default(),
            searching: false,
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
        };
        inspect.refilter();
        inspect
    }

    /// Recomputes the visible rows after a filter or search change.
    pub fn refilter(&mut self) {
        let needle = self.search.value().to_lowercase();
        let filter = self.filter;
        self.visible = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| match filter {
                Filter::All => true,
                Filter::Findings => r.has_finding(),
                Filter::Changed => r.change.is_some(),
                Filter::Layer(n) => layer_of(&r.path) == Some(n),
            })
            .filter(|(_, r)| needle.is_empty() || r.path.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }

    /// Shows the next layer of a container image alone (after the last,
    /// all entries again); nothing for any other artifact.
    pub fn next_layer(&mut self) {
        let next = match self.filter {
            _ if self.layers == 0 => return,
            Filter::Layer(n) if n >= self.layers => Filter::All,
            Filter::Layer(n) => Filter::Layer(n + 1),
            _ => Filter::Layer(1),
        };
        self.set_filter(next);
    }

    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.cursor = 0;
        self.offset = 0;
        self.refilter();
    }

    /// Moves the cursor by `delta` rows, within the visible ones.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn selected(&self) -> Option<&Row> {
        self.rows.get(*self.visible.get(self.cursor)?)
    }

    /// Keeps `offset` so that the cursor is within `height` drawn rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
        self.offset = self.offset.min(self.visible.len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_like_ls() {
        assert_eq!(mode_string("file", 0o644), "-rw-r--r--");
        assert_eq!(mode_string("file", 0o4755), "-rwsr-xr-x");
        assert_eq!(mode_string("dir", 0o1777), "drwxrwxrwt");
        assert_eq!(mode_string("file", 0o2644), "-rw-r-Sr--");
        assert_eq!(mode_string("symlink", 0o777), "lrwxrwxrwx");
    }
}
