//! One test per verdict row of the chain, over repositories built here.

use std::path::Path;

use intake::engine::review::Review;
use intake::engine::shared::check::{Check, CheckId, Status};
use intake::testkit::server::{Body, Route, Server};

use super::{Form, POOL_PATH, Repo, sha_hex, stanza};
use crate::support::*;

/// Asserts `checksum.sha256` fails saying every one of `words`.
#[track_caller]
fn assert_chain_fails<'r>(r: &'r Review, words: &[&str]) -> &'r Check {
    let c = assert_status(r, CheckId::ChecksumSha256, Status::Fail);
    for w in words {
        assert!(c.summary.contains(w), "{w:?} not in {:?}", c.summary);
    }
    c
}

#[test]
fn a_good_chain_passes_link_by_link_for_every_index_form() {
    for (form, index) in [
        (Form::InRelease, "Packages"),
        (Form::InRelease, "Packages.gz"),
        (Form::InRelease, "Packages.xz"),
        (Form::Detached, "Packages"),
        (Form::Detached, "Packages.xz"),
    ] {
        let r = Repo::good(form, index).review();
        let c = assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
        let release = if form == Form::InRelease {
            "InRelease"
        } else {
            "Release"
        };
        assert!(c.summary.contains(&format!("{index} line 11")), "{c:#?}");
        assert!(
            c.summary.contains(&format!("which {release} vouches for")),
            "{c:#?}"
        );
        let links: Vec<(&str, Status)> = c
            .findings
            .iter()
            .map(|f| (f.subject.as_str(), f.status))
            .collect();
        let deb = "meridian_4.2.1-1_amd64.deb";
        assert_eq!(
            links,
            [
                (format!("{release} → {index}").as_str(), Status::Pass),
                (format!("{index} → {deb}").as_str(), Status::Pass)
            ],
            "{form:?} {index}"
        );
        let index_words = &c.evidence["index"];
        assert!(index_words.starts_with(&format!("main/binary-amd64/{index}: ")));
        assert!(c.evidence["stanza"].contains(&format!("Filename {POOL_PATH}")));
        let sig = assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
        assert_eq!(
            sig.evidence["file"],
            if form == Form::InRelease {
                "InRelease"
            } else {
                "Release.gpg"
            }
        );
        assert_status(&r, CheckId::FetchSource, Status::Pass);
        // The index's digest is recorded with the other evidence files.
        assert!(
            r.evidence.iter().any(|e| e.file.ends_with(index)),
            "{:?}",
            r.evidence
        );
    }
}

#[test]
fn an_index_that_is_not_the_listed_one_fails_the_first_link() {
    // One byte changed, the size kept: the SHA-256 tells.
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.spoil_index = |mut b| {
        b[0] ^= 0x20;
        b
    };
    let r = repo.review();
    let c = assert_chain_fails(
        &r,
        &["SHA-256 of Packages from mirror does not match InRelease line"],
    );
    assert_eq!(c.findings[0].subject, "InRelease → Packages");
    // A longer index: the size tells.
    let mut repo = Repo::good(Form::InRelease, "Packages.xz");
    repo.spoil_index = |mut b| {
        b.extend_from_slice(b"\n");
        b
    };
    let r = repo.review();
    assert_chain_fails(
        &r,
        &["Packages.xz from mirror is", "bytes, but InRelease line"],
    );
}

#[test]
fn an_index_the_release_does_not_list_fails() {
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.sha256_entries = Some(format!(
        " {} 10 main/binary-amd64/Packages.xz\n",
        sha_hex(b"x")
    ));
    let r = repo.review();
    assert_chain_fails(
        &r,
        &["main/binary-amd64/Packages is not listed in the SHA256 entries of InRelease"],
    );
    // Listed twice, differently: neither counts.
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.sha256_entries = Some(format!(
        " {} 10 main/binary-amd64/Packages\n {} 11 main/binary-amd64/Packages\n",
        sha_hex(b"x"),
        sha_hex(b"y")
    ));
    let r = repo.review();
    assert_chain_fails(&r, &["lists main/binary-amd64/Packages twice"]);
}

#[test]
fn a_package_the_index_does_not_list_fails() {
    let mut repo = Repo::good(Form::InRelease, "Packages.gz");
    repo.packages = repo
        .packages
        .replace(POOL_PATH, "pool/main/m/meridian/other.deb");
    let r = repo.review();
    let c = assert_chain_fails(&r, &[&format!("{POOL_PATH} is not listed in Packages.gz")]);
    assert_eq!(
        c.findings[0].status,
        Status::Pass,
        "the first link holds: {c:#?}"
    );
    assert_eq!(
        c.findings[1].status,
        Status::Fail,
        "the second breaks: {c:#?}"
    );
    assert_eq!(
        c.findings[1].subject,
        "Packages.gz → meridian_4.2.1-1_amd64.deb"
    );
}

#[test]
fn a_package_whose_bytes_are_not_the_listed_ones_fails_the_second_link() {
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.deb[100] ^= 1;
    let r = repo.review();
    let c = assert_chain_fails(
        &r,
        &["SHA-256 of meridian_4.2.1-1_amd64.deb does not match Packages line 11"],
    );
    assert_eq!(c.evidence["expected"], sha_hex(&super::deb()));
    // The read pass knew the right digest: the source served wrong bytes.
    assert_status(&r, CheckId::FetchSource, Status::Warn);
    let mut repo = Repo::good(Form::InRelease, "Packages");
    let listed = repo.deb.len();
    repo.deb.push(0);
    let r = repo.review();
    assert_chain_fails(
        &r,
        &[&format!(
            "bytes, but Packages line 11 lists {}",
            group(listed)
        )],
    );
}

fn group(n: usize) -> String {
    intake::engine::shared::text::group(n as u64)
}

#[test]
fn a_package_listed_twice_with_different_hashes_fails_naming_both() {
    let mut repo = Repo::good(Form::InRelease, "Packages.xz");
    let again = stanza(
        "meridian",
        POOL_PATH,
        repo.deb.len() as u64,
        &sha_hex(b"evil"),
    );
    repo.packages = format!("{}\n{again}", repo.packages);
    let r = repo.review();
    assert_chain_fails(
        &r,
        &[
            "Packages.xz lists",
            "twice with different values",
            "line 11",
            "line 31",
            &sha_hex(b"evil"),
        ],
    );
    // Listed twice the same way is no conflict.
    let mut repo = Repo::good(Form::InRelease, "Packages");
    let same = stanza(
        "meridian",
        POOL_PATH,
        repo.deb.len() as u64,
        &sha_hex(&repo.deb),
    );
    repo.packages = format!("{}\n{same}", repo.packages);
    assert_status(&repo.review(), CheckId::ChecksumSha256, Status::Pass);
}

#[test]
fn text_outside_the_signed_part_of_an_in_release_is_refused_saying_where() {
    type Spoil = fn(Vec<u8>) -> Vec<u8>;
    let cases: [(Spoil, &str); 2] = [
        (
            |b| [b"SHA256:\n 00 1 x\n".to_vec(), b].concat(),
            "line 1: text before the signed part",
        ),
        (
            |b| [b, b"SHA256:\n 00 1 x\n".to_vec()].concat(),
            "text after the signature",
        ),
    ];
    for (spoil, where_) in cases {
        let mut repo = Repo::good(Form::InRelease, "Packages");
        repo.spoil_release = spoil;
        let r = repo.review();
        let sig = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
        assert!(sig.summary.contains(where_), "{sig:#?}");
        assert!(sig.summary.contains("InRelease"), "{sig:#?}");
        assert_chain_fails(&r, &["InRelease cannot be used", where_]);
    }
}

#[test]
fn a_release_past_its_valid_until_makes_feed_fresh_warn() {
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.release_fields = "Valid-Until: Mon, 09 Mar 2026 10:14:07 UTC\n".into();
    let r = repo.review();
    let fresh = assert_status(&r, CheckId::FeedFresh, Status::Warn);
    assert!(
        fresh
            .summary
            .contains("InRelease is past its Valid-Until (Mon, 09 Mar 2026"),
        "{fresh:#?}"
    );
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    // Still valid: feed.fresh says so and passes.
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.release_fields = "Valid-Until: Tue, 01 Dec 2026 00:00:00 UTC\n".into();
    let r = repo.review();
    let fresh = assert_status(&r, CheckId::FeedFresh, Status::Pass);
    assert!(
        fresh
            .findings
            .iter()
            .any(|f| f.summary.contains("valid until")),
        "{fresh:#?}"
    );
}

#[test]
fn a_release_signed_by_an_unpinned_key_or_changed_after_signing_fails_its_signature() {
    let mut repo = Repo::good(Form::InRelease, "Packages");
    repo.signer = stranger();
    let r = repo.review();
    assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    // The chain's digests still hold: it is the signature that fails.
    assert_status(&r, CheckId::ChecksumSha256, Status::Pass);

    let mut repo = Repo::good(Form::Detached, "Packages");
    repo.spoil_release = |b| {
        String::from_utf8(b)
            .unwrap()
            .replace("Label: Northwind", "Label: Northwinc")
            .into_bytes()
    };
    let r = repo.review();
    let sig = assert_status(&r, CheckId::SignatureChecksums, Status::Fail);
    assert_eq!(sig.evidence["file"], "Release.gpg");
}

#[test]
fn the_chain_reads_the_same_in_json_and_follows_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let feed = Repo::good(Form::InRelease, "Packages.gz").write(dir.path());
    let r = super::debian::verify(&feed, "4.2.1");
    let c = super::debian::check(&r, "checksum.sha256");
    assert_eq!(c["status"], "pass", "{c:#}");
    let evidence = &c["evidence"];
    assert!(
        evidence["index"]
            .as_str()
            .unwrap()
            .starts_with("main/binary-amd64/Packages.gz: ")
    );
    assert!(evidence["stanza"].as_str().unwrap().contains(POOL_PATH));
    assert_eq!(evidence["algorithms"], serde_json::json!(["SHA-256"]));
    let files = r["evidence_files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["file"] == "dists/stable/main/binary-amd64/Packages.gz"),
        "{files:#?}"
    );
}

/// Serves every file under `repo` at its path relative to it; the index
/// (`Packages…`) with one byte changed when `spoil_index`.
pub(super) fn serve_repo(server: &Server, repo: &Path, spoil_index: bool) {
    let mut folders = vec![repo.to_path_buf()];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(repo)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let mut bytes = std::fs::read(&path).unwrap();
            if spoil_index && relative.contains("/Packages") {
                bytes[0] ^= 0x20;
            }
            server.route(&relative, Route::new(Body::bytes(bytes)));
        }
    }
}

#[test]
fn the_index_comes_from_the_first_source_that_serves_the_listed_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let feed = Repo::good(Form::InRelease, "Packages.xz").write(dir.path());
    let good = Server::start().unwrap();
    let bad = Server::start().unwrap();
    serve_repo(&good, &dir.path().join("repo"), false);
    serve_repo(&bad, &dir.path().join("repo"), true);
    let text = std::fs::read_to_string(&feed).unwrap().replace(
        "[[source]]\nname = \"mirror\"\nurl = \"repo/\"\n",
        &format!(
            "[[source]]\nname = \"stale\"\nurl = \"{}\"\n\n[[source]]\nname = \"mirror\"\nurl = \"{}\"\n",
            bad.url(),
            good.url()
        ),
    );
    std::fs::write(&feed, text).unwrap();
    let r = super::debian::verify(&feed, "4.2.1");
    let c = super::debian::check(&r, "checksum.sha256");
    assert_eq!(c["status"], "pass", "{c:#}");
    let files = r["evidence_files"].as_array().unwrap();
    let index = files
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("Packages.xz"))
        .unwrap();
    assert_eq!(index["source"], "mirror", "{files:#?}");
    assert!(bad.seen().iter().any(|s| s.target.contains("Packages.xz")));
    // Only the stale mirror: its index is named as not the listed one.
    let text = std::fs::read_to_string(&feed)
        .unwrap()
        .replace(&good.url(), &bad.url());
    std::fs::write(&feed, text).unwrap();
    let r = super::debian::verify(&feed, "4.2.1");
    let c = super::debian::check(&r, "checksum.sha256");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("SHA-256 of Packages.xz from mirror does not match InRelease line"),
        "{c:#}"
    );
}
