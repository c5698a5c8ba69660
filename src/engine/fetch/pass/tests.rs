use std::io::{self, Read};

use sequoia_openpgp::types::HashAlgorithm;

use super::*;
use crate::engine::fetch::hashers::hex_digest;

#[test]
fn one_pass_feeds_every_context_and_the_stream() {
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let keys = [
        HashKey::plain(HashAlgorithm::SHA256),
        HashKey::plain(HashAlgorithm::SHA512),
    ];
    let consumer: StreamConsumer<'_, u64> =
        Box::new(|r: &mut ChunkReader| io::copy(r, &mut io::sink()).unwrap());
    let out = read_once(
        &mut &data[..],
        &keys,
        Some(consumer),
        PassOptions::default(),
        &mut |_| {},
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(out.bytes, data.len() as u64);
    assert_eq!(out.consumed, Some(data.len() as u64));
    for algo in [HashAlgorithm::SHA256, HashAlgorithm::SHA512] {
        let got = hex::encode(out.digests.digest(&HashKey::plain(algo)).unwrap());
        assert_eq!(got, hex_digest(algo, &data));
    }
}

#[test]
fn a_consumer_that_stops_early_does_not_stop_hashing() {
    let data = vec![7u8; 5_000_000];
    let consumer: StreamConsumer<'_, usize> = Box::new(|r: &mut ChunkReader| {
        let mut small = [0u8; 10];
        r.read(&mut small).unwrap()
    });
    let keys = [HashKey::plain(HashAlgorithm::SHA256)];
    let out = read_once(
        &mut &data[..],
        &keys,
        Some(consumer),
        PassOptions::default(),
        &mut |_| {},
        &Cancel::new(),
    )
    .unwrap();
    assert_eq!(out.bytes, 5_000_000);
    assert_eq!(out.consumed, Some(10));
}

#[test]
fn the_copy_holds_exactly_the_bytes_hashed() {
    let data: Vec<u8> = (0..2_500_000u32).map(|i| (i % 253) as u8).collect();
    let mut file = tempfile::tempfile().unwrap();
    let keys = [HashKey::plain(HashAlgorithm::SHA256)];
    let options = PassOptions {
        copy_to: Some(&mut file),
        ..Default::default()
    };
    let out = read_once::<()>(
        &mut &data[..],
        &keys,
        None,
        options,
        &mut |_| {},
        &Cancel::new(),
    )
    .unwrap();
    assert!(out.copied);
    let mut back = Vec::new();
    use std::io::Seek;
    file.seek(io::SeekFrom::Start(0)).unwrap();
    file.read_to_end(&mut back).unwrap();
    assert_eq!(back, data);
}

#[test]
fn a_limit_stops_endless_data() {
    let mut endless = io::repeat(1);
    let keys = [HashKey::plain(HashAlgorithm::SHA256)];
    let err = read_once::<()>(
        &mut endless,
        &keys,
        None,
        PassOptions {
            limit: Some(3 << 20),
            hash_off_reader: true,
            copy_to: None,
            copy_skip: 0,
        },
        &mut |_| {},
        &Cancel::new(),
    )
    .unwrap_err();
    assert!(matches!(err, PassError::TooLong { .. }));
}
