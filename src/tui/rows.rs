//! The Inspect step's table: one row per archive entry (built once per
//! review), joined with the findings about it and what changed since the
//! last approval, filtered (all / findings / changed) and searched by path.
//! Only the indices of the visible rows are kept per filter, so 100,000
//! entries filter in milliseconds and draw only what fits.

use std::collections::{HashMap, HashSet};

use crate::engine::review::{Review, Since};
use crate::engine::shared::check::{CheckId, Status};
use crate::engine::shared::text::escape_path;

use super::input::TextInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Findings,
    Changed,
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

impl Inspect {
    pub fn new(review: &Review) -> Inspect {
        let mut findings: HashMap<String, Vec<(Status, String)>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for id in [CheckId::ArchiveSafety, CheckId::ArchiveContents] {
            for f in review
                .check(id)
                .map(|c| c.findings.as_slice())
                .unwrap_or_default()
            {
                if !findings.contains_key(&f.subject) {
                    order.push(f.subject.clone());
                }
                findings
                    .entry(f.subject.clone())
                    .or_default()
                    .push((f.status, f.summary.clone()));
            }
        }
        let mut changes: HashMap<&str, String> = HashMap::new();
        let mut removed: Vec<String> = Vec::new();
        if let Since::Changes { diff, .. } = &review.since {
            for p in &diff.added {
                changes.insert(p, "added".to_string());
            }
            for (p, what) in &diff.changed {
                changes.insert(p, format!("changed: {what}"));
            }
            removed = diff.removed.clone();
        }
        let change_of = |path: &str| {
            changes
                .get(path)
                .or_else(|| changes.get(without_top(path)))
                .cloned()
        };

        let mut seen: HashSet<String> = HashSet::new();
        let mut rows: Vec<Row> =
            Vec::with_capacity(review.manifest.len() + order.len() + removed.len());
        for e in &review.manifest {
            let path = escape_path(&e.path);
            let found = findings.get(&path).cloned().unwrap_or_default();
            seen.insert(path.clone());
            rows.push(Row {
                mode: mode_string(&e.kind, e.mode),
                size: (e.kind == "file").then_some(e.size),
                status: found.iter().map(|f| f.0).max(),
                findings: found,
                change: change_of(&path),
                path,
            });
        }
        // Findings about paths the archive lacks (declared but missing, a
        // notes problem, an archive that could not be read to its end).
        for subject in order.into_iter().filter(|s| !seen.contains(s)) {
            let found = findings.remove(&subject).unwrap_or_default();
            rows.push(Row {
                mode: String::new(),
                size: None,
                status: found.iter().map(|f| f.0).max(),
                findings: found,
                change: None,
                path: subject,
            });
        }
        for path in removed {
            rows.push(Row {
                mode: String::new(),
                size: None,
                status: None,
                findings: Vec::new(),
                change: Some("removed".to_string()),
                path,
            });
        }
        let mut inspect = Inspect {
            findings: rows
                .iter()
                .filter(|r| r.status.is_some_and(|s| s != Status::Pass))
                .count(),
            changed: rows.iter().filter(|r| r.change.is_some()).count(),
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
                Filter::Findings => r.status.is_some_and(|s| s != Status::Pass),
                Filter::Changed => r.change.is_some(),
            })
            .filter(|(_, r)| needle.is_empty() || r.path.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
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
