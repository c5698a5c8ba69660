//! A feed that is malformed, or names a certificate file that is not there,
//! is refused before anything else happens, naming the file, line and field.
//! So are unusable certificate files. A release file no source holds is not
//! a malformed feed (local media often carry one release): see partial_media.

use intake::engine::select::feed::Feed;
use intake::engine::shared::error::Error;
use intake::engine::verify::signature::TrustStore;
use intake::testkit::keys;

use crate::support::*;

/// Writes the good feed, edits its TOML text, and loads it (trust included).
fn load_edited(edit: impl Fn(String) -> String) -> Result<(), Error> {
    let w = write(&good_feed());
    let text = std::fs::read_to_string(&w.feed).unwrap();
    std::fs::write(&w.feed, edit(text)).unwrap();
    let feed = Feed::load(&w.feed)?;
    TrustStore::load(&feed).map(|_| ())
}

/// The line (1-based) of the first occurrence of `needle` in the good feed.
fn line_of(needle: &str) -> usize {
    let text = good_feed().toml();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in feed"));
    text[..at].matches('\n').count() + 1
}

#[track_caller]
fn assert_config(result: Result<(), Error>, line: usize, field: &str, message: &str) {
    match result {
        Err(Error::Config {
            line: l,
            field: f,
            message: m,
            path,
            ..
        }) => {
            assert!(path.ends_with("feed.toml"), "{path:?}");
            assert_eq!((l, f.as_str()), (line, field), "message: {m}");
            assert!(m.contains(message), "{m:?} should contain {message:?}");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn a_syntax_error_names_its_line() {
    let r = load_edited(|t| t.replace("[trust]", "[trust"));
    let line = line_of("[trust]");
    match r {
        Err(Error::Config { line: l, .. }) => assert_eq!(l, line),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unknown_field_is_refused_by_name() {
    let r = load_edited(|t| t.replace("[product]\n", "[product]\ncolour = \"blue\"\n"));
    assert_config(r, 2, "product.colour", "unknown field `colour`");
}

#[test]
fn a_wrong_type_names_the_field() {
    let r = load_edited(|t| t.replace("[trust]\n", "[trust]\nthreshold = \"two\"\n"));
    assert_config(r, line_of("[trust]") + 1, "trust.threshold", "invalid type");
}

#[test]
fn a_duplicate_version_is_refused() {
    let r = load_edited(|t| {
        let release = &t[t.find("[[release]]").unwrap()..];
        format!("{t}\n{release}")
    });
    let second = good_feed().toml().matches('\n').count() + 3;
    assert_config(r, second, "release[1].version", "listed twice");
}

#[test]
fn only_an_epoch_may_come_before_a_colon_in_a_version() {
    let r = load_edited(|t| t.replace("version = \"4.2.1\"", "version = \"v1:4.2.1\""));
    assert_config(
        r,
        line_of("version = \"4.2.1\""),
        "release[0].version",
        "only an epoch",
    );
    let r = load_edited(|t| t.replace("version = \"4.2.1\"", "version = \"1:4.2/1\""));
    assert_config(
        r,
        line_of("version = \"4.2.1\""),
        "release[0].version",
        "used in file names",
    );
    let with_epoch =
        load_edited(|t| t.replace("version = \"4.2.1\"", "version = \"1:4.2.1-1.el9\""));
    // Accepted by the feed; the release's files are then not where the
    // feed says (they were laid out under 4.2.1), which is not a feed error.
    assert!(
        !matches!(with_epoch, Err(Error::Config { .. })),
        "{with_epoch:?}"
    );
}

#[test]
fn a_duplicate_platform_is_refused() {
    let r = load_edited(|t| {
        let artifact = t[t.find("  [[release.artifact]]").unwrap()..].to_string();
        format!("{t}\n{artifact}")
    });
    match r {
        Err(Error::Config { field, message, .. }) => {
            assert_eq!(field, "release[0].artifact[1].platform");
            assert!(message.contains("listed twice"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_fingerprint_is_refused() {
    let fpr = keys::fingerprint(vendor());
    let r = load_edited(|t| t.replace(&fpr, "0E3B1C7F"));
    assert_config(
        r,
        line_of("fingerprints"),
        "trust.fingerprints[0]",
        "not a key fingerprint",
    );
}

#[test]
fn a_pin_without_a_certificate_is_refused() {
    let fpr = keys::fingerprint(vendor());
    let r = load_edited(|t| t.replace(&fpr, &"AB".repeat(20)));
    assert_config(
        r,
        line_of("fingerprints"),
        "trust.fingerprints[0]",
        "has no certificate",
    );
}

#[test]
fn a_release_file_no_source_holds_is_not_a_malformed_feed() {
    // Local media often carry only some releases: fetching says so (exit 3).
    let r = load_edited(|t| t.replace("4.2.1/SHA256SUMS\"", "4.2.1/SHA256SUMS.missing\""));
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn a_missing_certificate_file_is_refused() {
    let r = load_edited(|t| t.replace("keys/vendor.asc", "keys/nobody.asc"));
    assert_config(
        r,
        line_of("certificates"),
        "trust.certificates[0]",
        "does not exist",
    );
}

#[test]
fn paths_that_leave_the_folder_are_refused() {
    for bad in [
        "../../etc/passwd",
        "/etc/passwd",
        "4.2.1\\\\x.bin",
        "C:/SHA256SUMS",
    ] {
        let r = load_edited(|t| t.replace("4.2.1/SHA256SUMS\"", &format!("{bad}\"")));
        assert_config(
            r,
            line_of("checksums = "),
            "release[0].checksums",
            "relative path",
        );
    }
}

#[test]
fn a_threshold_beyond_the_pins_is_refused() {
    let r = load_edited(|t| t.replace("[trust]\n", "[trust]\nthreshold = 2\n"));
    assert_config(
        r,
        line_of("[trust]") + 1,
        "trust.threshold",
        "between 1 and",
    );
}

#[test]
fn a_date_with_a_time_is_refused() {
    let r = load_edited(|t| t.replace("date = 2026-03-02", "date = 2026-03-02T10:00:00Z"));
    assert_config(r, line_of("date = "), "release[0].date", "without a time");
}

#[test]
fn an_unsupported_url_scheme_is_refused() {
    let r = load_edited(|t| t.replace("url = \"releases/\"", "url = \"ftp://mirror/\""));
    assert_config(r, line_of("url = "), "source[0].url", "not supported");
}

#[test]
fn empty_garbage_non_utf8_and_huge_feeds_are_refused_naming_the_file() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "missing field `product`"),
        (intake::testkit::archives::noise(300, 5), "not UTF-8"),
        (
            b"[product]\nname = \"Caf\xe9\"\n".to_vec(),
            "not UTF-8 text (bad byte at offset 21)",
        ),
        (vec![b'#'; (4 << 20) + 1], "too large for a feed"),
        (b"\x00\x01\x02 binary".to_vec(), ""),
    ];
    for (bytes, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.toml");
        std::fs::write(&path, &bytes).unwrap();
        let err = Feed::load(&path).expect_err("must be refused");
        let text = err.to_string();
        assert!(text.contains("feed.toml"), "{text}");
        assert!(text.contains(want), "{text} should say {want:?}");
        assert_eq!(text.lines().count(), 1, "one line: {text}");
    }
}

#[test]
fn unusable_certificate_files_are_refused_naming_the_feed_line() {
    let public = keys::public_armored(vendor()).unwrap();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "holds no OpenPGP certificate"),
        (b"not a key at all\n".to_vec(), "not an OpenPGP certificate"),
        (
            public[..public.len() / 2].to_vec(),
            "not an OpenPGP certificate",
        ),
        (
            keys::secret_armored_demo(vendor()).unwrap(),
            "secret key material",
        ),
        (vec![b'x'; (8 << 20) + 1], "too large"),
    ];
    for (bytes, want) in cases {
        let w = write(&good_feed());
        std::fs::write(w.dir.path().join("keys/vendor.asc"), &bytes).unwrap();
        let feed = Feed::load(&w.feed).unwrap();
        match TrustStore::load(&feed) {
            Err(Error::Config { field, message, .. }) => {
                assert_eq!(field, "trust.certificates[0]");
                assert!(message.contains(want), "{message} should say {want:?}");
            }
            other => panic!("{want}: {other:?}"),
        }
    }
}
