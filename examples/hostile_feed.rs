//! The worst hostile inputs a mirror could serve, laid out as one signed feed
//! for the hostile-input benchmark (`scripts/bench-hostile.sh`): each release
//! is one case, and each must be judged in at most a second with at most
//! 128 MiB, whatever its bytes claim.
//!
//! cargo run --release --features testkit --example hostile_feed -- DIR

use std::path::PathBuf;

use intake::testkit::archives::noise;
use intake::testkit::hostile::{RawTar, gz};
use intake::testkit::keys::{KeySpec, SignSpec, sign_detached};
use intake::testkit::layout::{FeedSpec, FileSpec, ReleaseSpec};
use intake::testkit::ts;
use openpgp::cert::{CertBuilder, CipherSuite};
use openpgp::types::KeyFlags;
use sequoia_openpgp::{self as openpgp, Cert};

/// A PAX path of about 1 MB: half a million `a/` components.
fn deep_path() -> Vec<u8> {
    let path = "a/".repeat(500_000);
    gz(&RawTar::new()
        .pax(&[("path", path.as_bytes())])
        .file("ignored", b"x")
        .finish())
}

/// 4,000 nested folders, each one level deeper (names up to 8 KB).
fn deep_folders() -> Vec<u8> {
    let mut tar = RawTar::new();
    let mut path = String::new();
    for _ in 0..4_000 {
        path.push_str("d/");
        tar = tar.pax(&[("path", path.as_bytes())]).entry(
            b"d",
            intake::testkit::hostile::kind::DIR,
            0o755,
            b"",
            b"",
        );
    }
    gz(&tar.finish())
}

/// Symlinks that double at every step: `sN -> s(N-1)/s(N-1)`; resolving the
/// last one naively names 2^1000 components.
fn link_chain() -> Vec<u8> {
    let mut tar = RawTar::new().symlink("s0", ".");
    for n in 1..1_000 {
        let prev = n - 1;
        tar = tar.symlink(&format!("s{n}"), &format!("s{prev}/s{prev}"));
    }
    gz(&tar.file("s999/x", b"x").finish())
}

/// 9,000 entries with 65,000-byte GNU long names (about 9 MB compressed:
/// each name repeats a kilobyte of its own letters, so the archive stays
/// under the 100:1 bomb ratio and the names themselves are what is tested).
fn many_names() -> Vec<u8> {
    let mut tar = RawTar::new();
    for n in 0..9_000u64 {
        let letters: Vec<u8> = noise(1_024, n).iter().map(|b| b'a' + b % 26).collect();
        let mut name = format!("{n:05}/").into_bytes();
        while name.len() < 65_000 {
            let take = letters.len().min(65_000 - name.len());
            name.extend_from_slice(&letters[..take]);
        }
        tar = tar.gnu_long_name(&name).file("short", b"");
    }
    gz(&tar.finish())
}

/// A v6 (RFC 9580) Ed25519 key: each signature it makes carries a fresh
/// random salt, so each would need its own pass over the artifact.
fn v6_key(created: jiff::Timestamp) -> anyhow::Result<Cert> {
    let (cert, _) = CertBuilder::new()
        .set_profile(openpgp::Profile::RFC9580)?
        .set_cipher_suite(CipherSuite::Cv25519)
        .set_creation_time(std::time::SystemTime::from(created))
        .set_primary_key_flags(KeyFlags::empty().set_certification().set_signing())
        .add_userid("Hostile Mirror Test v6 <test@example.org>")
        .generate()?;
    Ok(cert)
}

/// `count` salted v6 signatures over one artifact of `len` bytes, in one
/// `.sig` file: 7,500 over 256 KiB (more signatures than any release needs),
/// and 99 over 32 MiB (each would be a pass over the artifact).
fn salted_signatures(
    key: &Cert,
    signed: jiff::Timestamp,
    name: &str,
    count: usize,
    len: usize,
) -> anyhow::Result<ReleaseSpec> {
    let artifact = gz(&RawTar::new().file("app/data.bin", &noise(len, 7)).finish());
    let mut signatures = Vec::new();
    for _ in 0..count {
        signatures.extend(sign_detached(
            key,
            &artifact,
            SignSpec::at(signed).binary(),
        )?);
    }
    let file = FileSpec::new(&format!("{name}.tar.gz"), artifact);
    let mut release = ReleaseSpec::signed(
        name,
        "2026-03-02",
        key,
        signed,
        vec![("linux-x86_64", file)],
    )?;
    release.artifacts[0].signature = Some(FileSpec::new(&format!("{name}.tar.gz.sig"), signatures));
    Ok(release)
}

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: hostile_feed DIR");
        std::process::exit(2);
    };
    let made = (|| -> anyhow::Result<PathBuf> {
        let signed = ts("2026-03-01T00:00:00Z");
        let vendor = KeySpec::new("Hostile Mirror Test <test@example.org>", signed).generate()?;
        let mut feed = FeedSpec::pinning(&vendor)?;
        feed.id = "hostile".into();
        feed.name = "Hostile inputs".into();
        let cases: [(&str, Vec<u8>); 4] = [
            ("deep-path", deep_path()),
            ("deep-folders", deep_folders()),
            ("link-chain", link_chain()),
            ("many-names", many_names()),
        ];
        for (name, bytes) in cases {
            let file = FileSpec::new(&format!("{name}.tar.gz"), bytes);
            feed.releases.push(ReleaseSpec::signed(
                name,
                "2026-03-02",
                &vendor,
                signed,
                vec![("linux-x86_64", file)],
            )?);
        }
        let v6 = v6_key(signed)?;
        feed.also_pin("vendor-v6.asc", &v6)?;
        feed.releases.push(salted_signatures(
            &v6,
            signed,
            "many-signatures",
            7_500,
            256 << 10,
        )?);
        feed.releases.push(salted_signatures(
            &v6,
            signed,
            "salted-signatures",
            99,
            32 << 20,
        )?);
        feed.write(&dir)
    })();
    match made {
        Ok(path) => println!("{}", path.display()),
        Err(e) => {
            eprintln!("hostile_feed: {e}");
            std::process::exit(1);
        }
    }
}
