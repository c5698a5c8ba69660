//! The chain's judgements on hand-made links.

use super::*;
use crate::engine::verify::apt::release::ValidUntil;

fn chain(valid_until: Option<&str>, stanzas: Vec<Stanza>) -> Chain {
    let listed = ListedFile {
        path: "main/binary-amd64/Packages".into(),
        size: 10,
        sha256: vec![1; 32],
        line: 7,
    };
    Chain {
        release_name: "InRelease".into(),
        release: Some(ReleaseFile {
            valid_until: valid_until.map(|t| ValidUntil {
                text: t.into(),
                time: jiff::fmt::rfc2822::parse(t).ok().map(|z| z.timestamp()),
            }),
            ..ReleaseFile::default()
        }),
        index_path: "dists/stable/main/binary-amd64/Packages".into(),
        index: IndexLink::Read {
            read: IndexRead {
                source: "usb".into(),
                url: String::new(),
                bytes: 10,
                sha256: vec![1; 32],
                scan: Some(Scan {
                    matches: stanzas,
                    stanzas: 3,
                    problem: None,
                }),
                kept: None,
            },
            listed,
        },
        filename: "pool/a.deb".into(),
    }
}

fn stanza(line: u64, sha: u8) -> Stanza {
    Stanza {
        line,
        sha256: Some(vec![sha; 32]),
        size: Some(5),
        ..Stanza::default()
    }
}

#[test]
fn the_pass_expects_a_digest_only_from_an_unambiguous_stanza() {
    assert!(chain(None, vec![stanza(1, 2)]).expected().is_some());
    assert!(
        chain(None, vec![stanza(1, 2), stanza(9, 2)])
            .expected()
            .is_some()
    );
    assert!(
        chain(None, vec![stanza(1, 2), stanza(9, 3)])
            .expected()
            .is_none()
    );
    assert!(chain(None, Vec::new()).expected().is_none());
    let c = chain(None, vec![stanza(1, 2), stanza(9, 3)]).check("a.deb", &[2; 32], 5);
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.summary.contains("line 1") && c.summary.contains("line 9"),
        "{c:#?}"
    );
}

#[test]
fn valid_until_past_or_unreadable_warns_and_in_time_is_listed() {
    let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
    let mut check = Check::pass(CheckId::FeedFresh, "ok");
    fresh(
        &mut check,
        &chain(Some("Mon, 09 Mar 2026 10:14:07 UTC"), Vec::new()),
        now,
    );
    assert_eq!(check.status, Status::Warn);
    assert_eq!(
        check.evidence["valid_until"],
        "Mon, 09 Mar 2026 10:14:07 UTC"
    );
    let mut check = Check::pass(CheckId::FeedFresh, "ok");
    fresh(&mut check, &chain(Some("someday"), Vec::new()), now);
    assert_eq!(check.status, Status::Warn);
    let mut check = Check::pass(CheckId::FeedFresh, "ok");
    fresh(
        &mut check,
        &chain(Some("Tue, 01 Dec 2026 00:00:00 UTC"), Vec::new()),
        now,
    );
    assert_eq!((check.status, check.findings.len()), (Status::Pass, 1));
    // An expired feed stays failed; the Release's date is added to it.
    let mut check = Check::fail(CheckId::FeedFresh, "expired");
    fresh(
        &mut check,
        &chain(Some("Mon, 09 Mar 2026 10:14:07 UTC"), Vec::new()),
        now,
    );
    assert_eq!(check.status, Status::Fail);
}
