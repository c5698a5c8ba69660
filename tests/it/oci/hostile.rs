//! Hostile images, one test per kind of the list: each a finding
//! or a clear error, never a panic, never memory sized by a number the
//! image claims. And the lesson's layer: a setuid shell and a symlink that
//! leaves the image root.

use intake::engine::fetch::layout_folder::header_block;
use intake::engine::shared::check::{CheckId, Status};
use intake::testkit::archives::Entry;
use intake::testkit::oci::{self, INDEX, LAYER_GZIP, Layout, digest_of, tar_of};
use intake::testkit::oci_feed::ImageFeed;
use serde_json::json;

use super::*;

/// Reviews a layout tar pinned by `pinned`, signatures optional.
fn review_tar(tar: Vec<u8>, pinned: &str) -> intake::engine::review::Review {
    let mut feed = ImageFeed::tar("m.oci.tar", tar, pinned);
    feed.signatures = Some("optional".into());
    review_image(&feed)
}

/// A tar written header by header (the `tar` crate refuses `..`).
fn raw_tar(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, bytes) in files {
        tar.extend_from_slice(&header_block(
            name.as_bytes(),
            bytes.len() as u64,
            b'0',
            0o644,
        ));
        tar.extend_from_slice(bytes);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    tar
}

/// `index.json` listing `digest` only.
fn pin_only(layout: &mut Layout, digest: &str, size: u64) {
    layout.index_entries = vec![json!({"mediaType": INDEX, "digest": digest, "size": size})];
    layout.pinned = digest.to_string();
}

#[test]
fn indexes_nested_a_thousand_deep_are_refused() {
    let mut image = layout();
    let mut next = (image.platforms[0].manifest.clone(), 0u64);
    next.1 = image.blobs[&next.0].len() as u64;
    let mut mediatype = oci::MANIFEST;
    for _ in 0..1000 {
        let index = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": [{
            "mediaType": mediatype, "digest": next.0, "size": next.1,
            "platform": {"os": "linux", "architecture": "amd64"}}]});
        next = image.add_json(&index);
        mediatype = INDEX;
    }
    let (top, size) = next;
    pin_only(&mut image, &top, size);
    let r = review_tar(image.tar().unwrap(), &top);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["nested more than 4 deep"],
    );
}

#[test]
fn an_index_that_names_itself_is_refused() {
    let mut image = layout();
    // The blob named by the pinned digest lists that digest again: its
    // bytes cannot hash to it, and the loop is never followed.
    let pinned = image.pinned.clone();
    let looping = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": [{
        "mediaType": INDEX, "digest": pinned, "size": 300,
        "platform": {"os": "linux", "architecture": "amd64"}}]});
    image
        .blobs
        .insert(pinned.clone(), serde_json::to_vec(&looping).unwrap());
    let r = review_tar(image.tar().unwrap(), &pinned);
    let c = assert_status(&r, CheckId::ImageDigest, Status::Fail);
    assert!(
        c.summary.contains("bytes") || c.summary.contains("itself"),
        "{c:#?}"
    );
}

#[test]
fn a_descriptor_claiming_two_to_the_62_bytes_is_a_finding() {
    let mut image = layout();
    let pinned = image.pinned.clone();
    pin_only(&mut image, &pinned, 1 << 62);
    let r = review_tar(image.tar().unwrap(), &pinned);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["4611686018427387904"],
    );
}

#[test]
fn blob_names_that_are_not_hex_or_climb_out_are_findings() {
    let image = layout();
    let mut files = image.files();
    files.push(("blobs/sha256/not-a-digest".into(), b"x".to_vec()));
    files.push((
        "blobs/../../etc/cron.d/evil".into(),
        b"* * * * * root sh".to_vec(),
    ));
    let r = review_tar(raw_tar(&files), &image.pinned);
    let safety = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    let text = format!("{:?}", safety.findings);
    assert!(
        text.contains("not-a-digest") && text.contains("leaves the image"),
        "{text}"
    );
    assert_status(&r, CheckId::ImageDigest, Status::Pass);
}

#[test]
fn a_layer_whose_gzip_stream_ends_early_fails() {
    let mut image = layout();
    let layer = image.platforms[0].layers[1].clone();
    let mut bytes = image.blobs.remove(&layer).unwrap();
    bytes.truncate(bytes.len() / 2);
    let (cut, size) = image.add(bytes);
    // A manifest that describes the cut layer exactly: only the bytes tell.
    let manifest = image.blobs[&image.platforms[0].manifest].clone();
    let text = String::from_utf8(manifest).unwrap().replace(&layer, &cut);
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["layers"][1]["size"] = json!(size);
    let (m, msize) = image.add_json(&doc);
    image.index_entries = vec![json!({"mediaType": oci::MANIFEST, "digest": m, "size": msize})];
    let r = review_tar(image.tar().unwrap(), &m);
    assert_says(&r, CheckId::ImageDigest, Status::Fail, &["diff_id"]);
    let safety = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    assert!(format!("{safety:?}").contains("truncated"), "{safety:#?}");
}

#[test]
fn a_manifest_of_a_hundred_thousand_layers_is_refused_unread() {
    let mut image = layout();
    let one = json!({"mediaType": LAYER_GZIP, "digest": digest_of(b"x"), "size": 1});
    let manifest = json!({"schemaVersion": 2, "mediaType": oci::MANIFEST,
        "config": {"mediaType": oci::CONFIG, "digest": image.platforms[0].config, "size": 1},
        "layers": vec![one; 100_000]});
    let (m, size) = image.add_json(&manifest);
    pin_only(&mut image, &m, size);
    let r = review_tar(image.tar().unwrap(), &m);
    assert_says(&r, CheckId::ImageDigest, Status::Fail, &["pinned"]);
}

#[test]
fn a_docker_manifest_pointing_outside_the_tar_fails() {
    let image = layout();
    let config = image.platforms[0].config.clone();
    let files = vec![
        (
            format!("{}.json", &config[7..]),
            image.blobs[&config].clone(),
        ),
        (
            "manifest.json".to_string(),
            serde_json::to_vec(&json!([{"Config": format!("{}.json", &config[7..]),
                "Layers": ["../../etc/shadow", "/etc/passwd"]}]))
            .unwrap(),
        ),
    ];
    let mut feed = ImageFeed::tar("m.docker.tar", tar_of(&files).unwrap(), &config);
    feed.signatures = Some("optional".into());
    let r = review_image(&feed);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["points outside the tar"],
    );
}

#[test]
fn duplicate_blobs_with_different_content_fail() {
    let image = layout();
    let mut files = image.files();
    let (name, bytes) = files.last().unwrap().clone();
    let mut other = bytes.clone();
    other.push(b' ');
    files.push((name, other));
    let r = review_tar(tar_of(&files).unwrap(), &image.pinned);
    let safety = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    assert!(
        format!("{safety:?}").contains("different content"),
        "{safety:#?}"
    );
}

#[test]
fn a_setuid_shell_and_a_symlink_out_of_the_root_are_findings() {
    let mut spec = ImageSpec::meridian();
    spec.platforms.truncate(1);
    spec.platforms[0].layers.push(vec![
        Entry::dir("usr/local/bin/"),
        Entry::file("usr/local/bin/rootsh", "#!/bin/sh\nexec /bin/sh -p\n").mode(0o4755),
        Entry::symlink("usr/local/bin/shadow", "../../../../etc/shadow"),
    ]);
    let image = spec.build().unwrap();
    let r = review_tar(image.tar().unwrap(), &image.pinned);
    let safety = assert_status(&r, CheckId::ArchiveSafety, Status::Fail);
    let text = format!("{safety:?}");
    assert!(text.contains("layer-3/usr/local/bin/rootsh"), "{text}");
    assert!(text.contains("layer-3/usr/local/bin/shadow"), "{text}");
    assert_status(&r, CheckId::ImageDigest, Status::Pass);
}

#[test]
fn an_unknown_layer_media_type_and_foreign_urls_fail() {
    let mut image = layout();
    let p = &image.platforms[0];
    let (config, layer) = (p.config.clone(), p.layers[0].clone());
    let size = |d: &str, image: &Layout| image.blobs[d].len() as u64;
    let manifest = json!({"schemaVersion": 2, "mediaType": oci::MANIFEST,
    "config": {"mediaType": oci::CONFIG, "digest": config, "size": size(&config, &image)},
    "layers": [
        {"mediaType": "application/vnd.oci.image.layer.v1.tar+lz4", "digest": layer, "size": size(&layer, &image)},
        {"mediaType": LAYER_GZIP, "digest": layer, "size": size(&layer, &image),
         "urls": ["https://foreign.example/layer"]},
    ]});
    let (m, msize) = image.add_json(&manifest);
    pin_only(&mut image, &m, msize);
    let r = review_tar(image.tar().unwrap(), &m);
    assert_says(
        &r,
        CheckId::ImageDigest,
        Status::Fail,
        &["tar+lz4", "nothing is ever fetched"],
    );
}
