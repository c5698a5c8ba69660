//! `umoci` and `skopeo` as the independent oracle: umoci builds an image
//! layout (two layers inserted into a new image), skopeo converts it to a
//! docker save tarball and an OCI archive, and intake must accept the
//! folder and every tar form and report the digests those tools report
//! (`skopeo inspect --raw`, hashed; `skopeo inspect --config --raw`). With
//! `CI` set a missing tool fails the test; otherwise it is skipped loudly.

use std::path::Path;
use std::process::Command;

use intake::engine::review::Review;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::oci::digest_of;
use intake::testkit::oci_feed::{ImageFeed, Shipped, files_under};

use super::*;

/// Whether umoci and skopeo run here; without them, fails under CI.
fn tools() -> bool {
    let runs = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if runs("umoci") && runs("skopeo") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "umoci or skopeo is not installed (Debian packages umoci, skopeo), and CI is set"
    );
    eprintln!(
        "\n!!!!! oci: umoci or skopeo is NOT INSTALLED (Debian packages umoci, skopeo): \
         intake's reading of images is NOT compared with independent tools. \
         Set CI to make this a failure. !!!!!\n"
    );
    false
}

fn run(dir: &Path, tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// An image umoci made: `img:latest` with two layers, each an unpacked
/// root filesystem changed and repacked. (Not `umoci insert`: Debian's
/// umoci 0.4.7 sometimes writes its layer without the tar's last padding,
/// which GNU tar and intake both read as truncated.)
fn umoci_image(dir: &Path) {
    run(dir, "umoci", &["init", "--layout", "img"]);
    run(dir, "umoci", &["new", "--image", "img:latest"]);
    let layer = |path: &str, text: &str| {
        let _ = std::fs::remove_dir_all(dir.join("bundle"));
        run(
            dir,
            "umoci",
            &["unpack", "--rootless", "--image", "img:latest", "bundle"],
        );
        let file = dir.join("bundle/rootfs").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
        run(dir, "umoci", &["repack", "--image", "img:latest", "bundle"]);
    };
    layer("etc/motd", "welcome\n");
    layer("opt/meridian/meridian", "#!/bin/sh\necho meridian\n");
}

/// The layer digests a manifest (as skopeo prints it) lists.
fn layer_digests(raw: &[u8]) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(raw).unwrap();
    doc["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["digest"].as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
fn agrees(r: &Review, pinned: &str, layers: &[String]) {
    let c = assert_status(r, CheckId::ImageDigest, Status::Pass);
    assert_eq!(c.evidence["pinned"], pinned);
    for layer in layers {
        assert!(
            c.evidence["chain"].contains(layer.as_str()),
            "{layer} not in {c:#?}"
        );
    }
    let p = paths(r);
    assert!(p.contains(&"layer-1/etc/motd".to_string()), "{p:?}");
    assert!(
        p.contains(&"layer-2/opt/meridian/meridian".to_string()),
        "{p:?}"
    );
    assert_status(r, CheckId::ArchiveSafety, Status::Pass);
}

fn optional(mut feed: ImageFeed) -> ImageFeed {
    feed.signatures = Some("optional".into());
    feed
}

#[test]
fn images_umoci_and_skopeo_make_read_with_the_digests_they_report() {
    if !tools() || std::env::consts::ARCH != "x86_64" {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    umoci_image(d);
    let raw = run(d, "skopeo", &["inspect", "--raw", "oci:img:latest"]);
    let manifest = digest_of(&raw);
    let layers = layer_digests(&raw);
    assert_eq!(layers.len(), 2);

    // The folder umoci wrote, read in place.
    let folder = ImageFeed {
        shipped: Shipped::Folder("img.oci".into(), files_under(&d.join("img")).unwrap()),
        ..ImageFeed::tar("img.oci", Vec::new(), &manifest)
    };
    agrees(&review_image(&optional(folder)), &manifest, &layers);

    // A tar of it as `tar -C img .` writes (its first entry `./`).
    run(d, "tar", &["-C", "img", "-cf", "img.oci.tar", "."]);
    let tar = std::fs::read(d.join("img.oci.tar")).unwrap();
    agrees(
        &review_image(&optional(ImageFeed::tar("img.oci.tar", tar, &manifest))),
        &manifest,
        &layers,
    );

    // skopeo's OCI archive.
    run(
        d,
        "skopeo",
        &["copy", "-q", "oci:img:latest", "oci-archive:archive.tar"],
    );
    let tar = std::fs::read(d.join("archive.tar")).unwrap();
    agrees(
        &review_image(&optional(ImageFeed::tar("archive.tar", tar, &manifest))),
        &manifest,
        &layers,
    );

    // skopeo's docker save tarball, pinned by the config digest it reports.
    run(
        d,
        "skopeo",
        &[
            "copy",
            "-q",
            "oci:img:latest",
            "docker-archive:docker.tar:meridian:4.2.1",
        ],
    );
    let config = digest_of(&run(
        d,
        "skopeo",
        &["inspect", "--config", "--raw", "docker-archive:docker.tar"],
    ));
    let docker_layers = layer_digests(&run(
        d,
        "skopeo",
        &["inspect", "--raw", "docker-archive:docker.tar"],
    ));
    let tar = std::fs::read(d.join("docker.tar")).unwrap();
    let r = review_image(&optional(ImageFeed::tar("docker.tar", tar, &config)));
    agrees(&r, &config, &docker_layers);
    assert!(check(&r, CheckId::ImageDigest).evidence["notes"].contains("never followed"));
}
