//! Symlinks and hard links judged once the whole archive is known: a link
//! may point through a symlink that appears later in the archive, and an
//! entry may be written through a symlinked folder that appears later, so
//! every link and every parent folder is resolved against the final set of
//! symlinks. Symlink paths are kept in a trie of interned components (a
//! path is stored once, whatever its depth), a resolution follows at most
//! [`MAX_LINK_HOPS`] symlinks, and all resolutions together share one work
//! budget (one step per component of every name and target read, plus
//! `Limits::max_link_steps` for following links), so a hostile archive (a 500,000-component path, a chain of
//! symlinks) is judged in linear time or refused.

use std::collections::HashMap;
use std::rc::Rc;

use super::shown;

/// How many symlinks one resolution may follow (as the kernel's limit).
pub const MAX_LINK_HOPS: usize = 40;
/// Components of symlink paths kept for resolving (about 40 bytes each).
pub const MAX_LINK_NODES: usize = 2_000_000;

const ROOT: u32 = 0;

struct Node {
    parent: u32,
    name: u32,
    /// The symlink's target, when this path is a symlink.
    target: Option<Box<[u8]>>,
}

/// Why a resolution did not end inside the root.
pub enum Outcome {
    Inside,
    Escapes(String),
    /// The work budget ran out: the archive's links cannot be judged.
    Unjudged,
}

/// The archive's symlinks, as a trie of their paths.
pub struct LinkTree {
    names: HashMap<Rc<[u8]>, u32>,
    by_id: Vec<Rc<[u8]>>,
    children: HashMap<(u32, u32), u32>,
    nodes: Vec<Node>,
    steps_left: u64,
    steps_used: u64,
    /// Set once a budget ran out (nodes or steps).
    pub overwhelmed: bool,
    /// A root filesystem (a package installed at `/`): an absolute target
    /// is followed from the root rather than leaving it.
    pub rooted: bool,
}

impl LinkTree {
    /// A tree whose resolutions may take `steps` steps beyond those the
    /// archive's own names allow (see [`LinkTree::allow`]).
    pub fn new(steps: u64) -> Self {
        LinkTree {
            names: HashMap::new(),
            by_id: Vec::new(),
            children: HashMap::new(),
            nodes: vec![Node {
                parent: ROOT,
                name: u32::MAX,
                target: None,
            }],
            steps_left: steps,
            overwhelmed: false,
            steps_used: 0,
            rooted: false,
        }
    }

    /// Widens the budget by `steps`: walking the names an archive holds is
    /// linear work, always allowed.
    pub fn allow(&mut self, steps: u64) {
        self.steps_left = self.steps_left.saturating_add(steps);
    }

    /// Steps all resolutions have taken so far.
    #[cfg(test)]
    pub fn steps_used(&self) -> u64 {
        self.steps_used
    }
}

/// The components of a path, lazily: no empty or `.` parts.
fn parts(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|b| *b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
}

/// Takes the next component off the front of `rest`.
fn next_part<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    loop {
        if rest.is_empty() {
            return None;
        }
        let (part, after) = match rest.iter().position(|b| *b == b'/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (*rest, &rest[rest.len()..]),
        };
        *rest = after;
        if !part.is_empty() && part != b"." {
            return Some(part);
        }
    }
}

impl LinkTree {
    /// Records the symlink at `path` (as written in the archive). A later
    /// symlink at the same path replaces it, as extracting would.
    pub fn insert(&mut self, path: &[u8], target: &[u8]) {
        if self.overwhelmed {
            return;
        }
        let mut node = ROOT;
        let mut any = false;
        for part in parts(path) {
            any = true;
            let name = match self.names.get(part) {
                Some(id) => *id,
                None => {
                    let id = self.by_id.len() as u32;
                    let shared: Rc<[u8]> = Rc::from(part);
                    self.by_id.push(Rc::clone(&shared));
                    self.names.insert(shared, id);
                    id
                }
            };
            node = match self.children.get(&(node, name)) {
                Some(child) => *child,
                None => {
                    if self.nodes.len() >= MAX_LINK_NODES {
                        self.overwhelmed = true;
                        return;
                    }
                    let child = self.nodes.len() as u32;
                    self.nodes.push(Node {
                        parent: node,
                        name,
                        target: None,
                    });
                    self.children.insert((node, name), child);
                    child
                }
            };
        }
        if let (true, Some(n)) = (any, self.nodes.get_mut(node as usize)) {
            n.target = Some(Box::from(target));
        }
    }

    /// The path of a trie node, for findings.
    fn path_of(&self, mut node: u32) -> Vec<u8> {
        let mut names = Vec::new();
        while node != ROOT {
            let Some(n) = self.nodes.get(node as usize) else {
                break;
            };
            names.push(self.by_id.get(n.name as usize).map_or(&b""[..], |r| &**r));
            node = n.parent;
        }
        names.reverse();
        names.join(&b'/')
    }

    /// Follows `path` (relative to the folder `from`, itself relative to the
    /// root) through every symlink of the archive, lexically.
    pub fn resolve(&mut self, from: &[u8], path: &[u8]) -> Outcome {
        self.resolve_counting(from, path).0
    }

    /// As [`LinkTree::resolve`], with how many symlinks it followed.
    pub fn resolve_counting(&mut self, from: &[u8], path: &[u8]) -> (Outcome, usize) {
        if self.overwhelmed {
            return (Outcome::Unjudged, 0);
        }
        let (outcome, steps, hops) = self.walk(from, path);
        self.steps_left -= steps.min(self.steps_left);
        self.steps_used += steps;
        if matches!(outcome, Outcome::Unjudged) {
            self.overwhelmed = true;
        }
        (outcome, hops)
    }

    /// One resolution, the steps it took and the symlinks it followed.
    fn walk(&self, from: &[u8], path: &[u8]) -> (Outcome, u64, usize) {
        // Frames of path still to walk; the last is walked first.
        let mut frames: Vec<&[u8]> = vec![path, from];
        let (mut node, mut beyond, mut hops) = (ROOT, 0u64, 0usize);
        let mut steps = 0u64;
        let outcome = loop {
            let Some(top) = frames.last_mut() else {
                break Outcome::Inside;
            };
            let Some(part) = next_part(top) else {
                frames.pop();
                continue;
            };
            steps += 1;
            if steps > self.steps_left {
                break Outcome::Unjudged;
            }
            if part == b".." {
                if beyond > 0 {
                    beyond -= 1;
                } else if node == ROOT {
                    break Outcome::Escapes("`..` climbs above it".to_string());
                } else {
                    node = self.nodes.get(node as usize).map_or(ROOT, |n| n.parent);
                }
                continue;
            }
            if beyond > 0 {
                beyond += 1;
                continue;
            }
            let child = self
                .names
                .get(part)
                .and_then(|name| self.children.get(&(node, *name)))
                .copied();
            let Some(child) = child else {
                beyond = 1; // A place no symlink lies under.
                continue;
            };
            let target = self
                .nodes
                .get(child as usize)
                .and_then(|n| n.target.as_deref());
            let Some(target) = target else {
                node = child;
                continue;
            };
            hops += 1;
            if hops > MAX_LINK_HOPS {
                break Outcome::Escapes("too many symlinks in a row (a loop?)".to_string());
            }
            if target.first() == Some(&b'/') {
                if !self.rooted {
                    break Outcome::Escapes(format!(
                        "through symlink {} to an absolute path",
                        shown(&self.path_of(child))
                    ));
                }
                // Installed at the root, an absolute target starts there.
                node = ROOT;
            }
            // The target is walked from the folder holding the symlink.
            frames.push(target);
        };
        (outcome, steps, hops)
    }
}
