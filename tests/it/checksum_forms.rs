//! Checksum lines read as `sha256sum -c` reads them (so a line never names
//! one file to intake and another to the tool operators check with), and
//! OpenPGP text-mode signatures over checksum files hashed as GnuPG hashes
//! them. Where `sha256sum` and `gpg` are installed, each case is run
//! through them too and their reading must agree with intake's.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use intake::engine::shared::check::{CheckId, Status};
use intake::engine::verify::checksums::parse;
use intake::testkit::keys::{SignSpec, sign_detached};
use intake::testkit::layout::{FeedSpec, FileSpec};
use sequoia_openpgp as openpgp;
use sequoia_openpgp::Cert;
use sequoia_openpgp::packet::signature::SignatureBuilder;
use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::policy::StandardPolicy;
use sequoia_openpgp::serialize::MarshalInto;
use sequoia_openpgp::types::{HashAlgorithm, SignatureType};

use crate::support::*;

/// The content every listed file has in these tests.
const CONTENT: &[u8] = b"hello\n";

fn digest() -> String {
    intake::engine::fetch::hashers::sha256_hex(CONTENT)
}

/// The names intake reads from a checksum file, in order.
fn names(text: &[u8]) -> Vec<String> {
    parse(text)
        .entries
        .into_iter()
        .filter_map(|e| e.name)
        .collect()
}

fn has(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

/// Runs `sha256sum -c` on `text` in a folder holding exactly the files
/// intake names (each with [`CONTENT`]); how many lines it found OK.
fn sha256sum_ok_lines(text: &[u8], intake_names: &[String]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    for name in intake_names {
        std::fs::write(dir.path().join(name), CONTENT).unwrap();
    }
    std::fs::write(dir.path().join("SUMS"), text).unwrap();
    let o = Command::new("sha256sum")
        .args(["-c", "SUMS"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.ends_with(": OK"))
        .count()
}

/// Each case: the checksum file, and the names intake (and sha256sum)
/// must read from it.
fn cases() -> Vec<(Vec<u8>, Vec<&'static str>)> {
    let h = digest();
    let text = |s: String| s.into_bytes();
    vec![
        (text(format!("{h}  name\n")), vec!["name"]),
        (text(format!("{h} *name\n")), vec!["name"]),
        // The reversed form (`md5 -r`): one space, then the name.
        (text(format!("{h} name\n")), vec!["name"]),
        // A tab ends the digest as a space does.
        (text(format!("{h}\tname\n")), vec!["name"]),
        (text(format!("{h}\t name\n")), vec!["name"]),
        (text(format!("  {h}  name\n")), vec!["name"]),
        // Everything after the indicator is the name, spaces included.
        (text(format!("{h}   name\n")), vec![" name"]),
        (text(format!("{h}  name \n")), vec!["name "]),
        // One CR is a Windows line end; a second is part of the name.
        (text(format!("{h}  name\r\n")), vec!["name"]),
        (text(format!("{h}  name\r\r\n")), vec!["name\r"]),
        // The first untagged line decides the form for the whole file.
        (
            text(format!("{h} name\n{h}  other\n")),
            vec!["name", " other"],
        ),
        (text(format!("{h}  name\n{h} other\n")), vec!["name"]),
        // Escaped names.
        (text(format!("\\{h}  na\\\\me\\nx\n")), vec!["na\\me\nx"]),
        // BSD tags: the name runs to the last `)`.
        (text(format!("SHA256 (name) = {h}\n")), vec!["name"]),
        (text(format!("SHA256(a) b) = {h}\n")), vec!["a) b"]),
        (text(format!("\\SHA256 (a\\\\b) = {h}\n")), vec!["a\\b"]),
        // sha256sum reads neither of these at all.
        (text(format!("SHA256  (name) = {h}\n")), vec![]),
        (text(format!("{h}  name\0junk\n")), vec![]),
    ]
}

#[test]
fn lines_are_read_as_sha256sum_reads_them() {
    let cross_check = has("sha256sum");
    for (text, want) in cases() {
        let got = names(&text);
        assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&text));
        if cross_check {
            assert_eq!(
                sha256sum_ok_lines(&text, &got),
                want.len(),
                "sha256sum reads {:?} otherwise",
                String::from_utf8_lossy(&text)
            );
        }
    }
}

#[test]
fn a_byte_order_mark_at_the_start_is_skipped() {
    let text = [
        b"\xEF\xBB\xBF".as_slice(),
        format!("{}  name\n", digest()).as_bytes(),
    ]
    .concat();
    assert_eq!(names(&text), vec!["name"]);
    // Only at the start: elsewhere it is part of what follows.
    let text = format!("{}  a\n\u{feff}{}  b\n", digest(), digest());
    assert_eq!(names(text.as_bytes()), vec!["a"]);
}

#[test]
fn a_reversed_first_line_changes_how_the_artifact_line_reads() {
    // sha256sum would look for " meridian-...bin" (leading space): so
    // does intake, and the artifact is not listed.
    let art = binary_artifact();
    let h = intake::engine::fetch::hashers::sha256_hex(&art.bytes);
    let text = format!("{h} README\n{h}  {}\n", art.name);
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    release.checksums = FileSpec::new("SHA256SUMS", text);
    release
        .resign_checksums(vendor(), SignSpec::at(signed()))
        .unwrap();
    release.artifacts[0].signature = None;
    let r = review(&feed);
    let c = assert_status(&r, CheckId::ChecksumSha256, Status::Fail);
    assert!(c.summary.contains("is not listed"), "{c:#?}");
}

/// The text as GnuPG hashes it in text mode: lines end at LF, carriage
/// returns before a line's end (or at the very end) dropped, ends as CRLF.
fn gnupg_canonical(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut lines = data.split(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let mut end = line.len();
        while end > 0 && line[end - 1] == b'\r' {
            end -= 1;
        }
        out.extend_from_slice(&line[..end]);
        if lines.peek().is_some() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// A text-mode signature over `data` hashed as `canonical`.
fn text_signature(cert: &Cert, canonical: &[u8]) -> Vec<u8> {
    let policy = StandardPolicy::new();
    let key = cert
        .keys()
        .with_policy(&policy, SystemTime::from(signed()))
        .for_signing()
        .secret()
        .next()
        .unwrap()
        .key()
        .clone();
    let mut signer = key.into_keypair().unwrap();
    let sig = SignatureBuilder::new(SignatureType::Text)
        .set_signature_creation_time(SystemTime::from(signed()))
        .unwrap()
        .set_hash_algo(HashAlgorithm::SHA256)
        .sign_message(&mut signer, canonical)
        .unwrap();
    openpgp::Packet::from(sig).to_vec().unwrap()
}

/// gpg's verdict on a detached signature, with `cert` imported into a
/// throwaway home; `None` without gpg.
fn gpg_accepts(cert: &Cert, data: &[u8], sig: &[u8]) -> Option<bool> {
    if !has("gpg") {
        return None;
    }
    let home = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = home.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let key = file("vendor.pgp", &cert.to_vec().unwrap());
    let data = file("SHA256SUMS", data);
    let sig = file("SHA256SUMS.sig", sig);
    let gpg = |args: &[&Path]| {
        Command::new("gpg")
            .arg("--homedir")
            .arg(home.path())
            .args(["--batch", "--no-tty", "--quiet", "--ignore-time-conflict"])
            .args(args.iter().map(|p| p.as_os_str()))
            .output()
            .unwrap()
    };
    let imported = gpg(&[Path::new("--import"), &key]);
    assert!(imported.status.success(), "{imported:?}");
    Some(gpg(&[Path::new("--verify"), &sig, &data]).status.success())
}

/// The good feed whose checksum file is `sums`, signed by `sig`.
fn checksums_signed(sums: &[u8], sig: Vec<u8>) -> FeedSpec {
    let mut feed = good_feed();
    let release = &mut feed.releases[0];
    release.checksums = FileSpec::new("SHA256SUMS", sums.to_vec());
    release.checksums_signature = Some(FileSpec::new("SHA256SUMS.sig", sig));
    release.artifacts[0].signature = None;
    feed
}

#[test]
fn text_mode_signatures_hash_line_ends_as_gnupg_does() {
    let art = binary_artifact();
    let h = intake::engine::fetch::hashers::sha256_hex(&art.bytes);
    // A lone CR inside a line, CRLF and LF line ends, and CRs before an end.
    let sums = format!(
        "# built on host-7\rnightly\r\n{h}  {}\r\n# end\r\r\n",
        art.name
    )
    .into_bytes();

    // Hashed as GnuPG hashes it: good to gpg, good to intake.
    let gnupg_sig = text_signature(vendor(), &gnupg_canonical(&sums));
    // Hashed with the lone CR taken for a line end (sequoia's signer
    // does this): gpg calls it bad, and so does intake.
    let sequoia_sig =
        sign_detached(vendor(), &sums, SignSpec::at(signed()).binary().text_mode()).unwrap();
    assert_ne!(gnupg_sig, sequoia_sig);

    for (sig, good) in [(gnupg_sig, true), (sequoia_sig, false)] {
        if let Some(gpg) = gpg_accepts(vendor(), &sums, &sig) {
            assert_eq!(gpg, good, "gpg's verdict");
        }
        let r = review(&checksums_signed(&sums, sig));
        let want = if good { Status::Pass } else { Status::Fail };
        assert_status(&r, CheckId::SignatureChecksums, want);
        assert_status(&r, CheckId::ChecksumSha256, Status::Pass);
    }
}

#[test]
fn a_text_signature_made_by_gpg_verifies() {
    if !has("gpg") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let gpg = |args: &[&str]| {
        Command::new("gpg")
            .arg("--homedir")
            .arg(home.path())
            .args(["--batch", "--no-tty", "--quiet", "--passphrase", ""])
            .args(["--pinentry-mode", "loopback"])
            .args(args)
            .output()
            .unwrap()
    };
    let made = gpg(&[
        "--quick-gen-key",
        "GPG Vendor <gpg@northwind.example>",
        "ed25519",
        "sign",
        "never",
    ]);
    assert!(made.status.success(), "{made:?}");
    let exported = gpg(&["--export", "gpg@northwind.example"]);
    let cert = Cert::from_bytes(&exported.stdout).unwrap();
    let art = binary_artifact();
    let h = intake::engine::fetch::hashers::sha256_hex(&art.bytes);
    let sums = format!("# a\rb\r\n{h}  {}\r\r\n", art.name).into_bytes();
    let data = home.path().join("SHA256SUMS");
    std::fs::write(&data, &sums).unwrap();
    let signed_by_gpg = gpg(&[
        "--textmode",
        "--detach-sign",
        "--output",
        "-",
        data.to_str().unwrap(),
    ]);
    assert!(signed_by_gpg.status.success(), "{signed_by_gpg:?}");

    let mut feed = FeedSpec::pinning(&cert).unwrap();
    let mut release = good_release();
    release.checksums = FileSpec::new("SHA256SUMS", sums);
    release.checksums_signature = Some(FileSpec::new("SHA256SUMS.sig", signed_by_gpg.stdout));
    release.artifacts[0].signature = None;
    feed.releases.push(release);
    let w = write(&feed);
    let r = try_review_at(&w.feed, "4.2.1", "linux-x86_64", jiff::Timestamp::now()).unwrap();
    assert_status(&r, CheckId::SignatureChecksums, Status::Pass);
}
