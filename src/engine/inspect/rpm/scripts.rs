//! The code an RPM runs while it is installed or removed: the `%pre`,
//! `%post`, `%preun`, `%postun`, `%pretrans` and `%posttrans` scriptlets
//! (each with its interpreter: `/bin/sh` unless the `*PROG` tag says
//! otherwise, which may also be a program run with no script at all) and
//! every trigger script. Each becomes a [`Script`] with its full text.

use sha2::Digest;

use crate::engine::inspect::package::Script;

use super::header::Header;
use super::tags;

/// Each scriptlet tag, its interpreter's tag and its name.
const SCRIPTLETS: [(u32, u32, &str); 6] = [
    (tags::PRETRANS, tags::PRETRANSPROG, "%pretrans"),
    (tags::PREIN, tags::PREINPROG, "%pre"),
    (tags::POSTIN, tags::POSTINPROG, "%post"),
    (tags::PREUN, tags::PREUNPROG, "%preun"),
    (tags::POSTUN, tags::POSTUNPROG, "%postun"),
    (tags::POSTTRANS, tags::POSTTRANSPROG, "%posttrans"),
];

/// Every scriptlet and trigger of the header.
pub fn scripts(h: &Header) -> Vec<Script> {
    let mut out = Vec::new();
    for (tag, prog_tag, name) in SCRIPTLETS {
        let body = h.text(tag);
        let prog = h.strings(prog_tag).map(|p| join(&p));
        if body.is_none() && prog.is_none() {
            continue;
        }
        let prog = prog.unwrap_or_else(|| "/bin/sh".into());
        out.push(script(
            format!("{name} ({prog})"),
            &prog,
            body.unwrap_or_default(),
        ));
    }
    let bodies = h.strings(tags::TRIGGERSCRIPTS).unwrap_or_default();
    let progs = h.strings(tags::TRIGGERSCRIPTPROG).unwrap_or_default();
    let names = h.strings(tags::TRIGGERNAME).unwrap_or_default();
    let index = h.ints(tags::TRIGGERINDEX).unwrap_or_default();
    for (i, body) in bodies.iter().enumerate() {
        let prog = progs.get(i).map_or_else(
            || "/bin/sh".into(),
            |p| String::from_utf8_lossy(p).into_owned(),
        );
        let on: Vec<String> = names
            .iter()
            .zip(&index)
            .filter(|(_, at)| **at == i as u64)
            .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
            .collect();
        let on = if on.is_empty() {
            String::new()
        } else {
            format!(" on {}", on.join(", "))
        };
        out.push(script(
            format!("%trigger #{}{on} ({prog})", i + 1),
            &prog,
            body,
        ));
    }
    out
}

fn join(parts: &[&[u8]]) -> String {
    let words: Vec<String> = parts
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    words.join(" ")
}

/// A script exactly as the header holds it; its name says which
/// interpreter runs it.
fn script(name: String, _prog: &str, body: &[u8]) -> Script {
    Script {
        name: crate::engine::shared::text::escape_path(name.as_bytes()),
        size: body.len() as u64,
        sha256: sha2::Sha256::digest(body).into(),
        text: body.to_vec(),
    }
}
