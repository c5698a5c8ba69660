//! MSI packages signed for the tests: the content digest computed here on
//! its own from what `cfb` lists (every stream but the root's two
//! signature streams, children sorted by their UTF-16LE names with the
//! terminator, compared bytewise, each storage's CLSID after its children),
//! not by the engine it tests (`osslsigncode` checks both); the signature
//! made by [`super::authenticode::msi_signature`] and written as the
//! `\x05DigitalSignature` stream. And a package changed after signing.

use std::io::{self, Cursor, Read, Seek, Write};

use cfb::CompoundFile;
use sha2::{Digest, Sha256};

use super::authenticode::{Publisher, Stamp, msi_signature};

/// The package's Authenticode content digest (SHA-256), computed from
/// `cfb`'s listing: every stream but the root's two signature streams,
/// children sorted by their UTF-16LE names (terminator included, bytewise),
/// each storage's CLSID after its children.
pub fn content_digest<F: Read + Seek>(comp: &mut CompoundFile<F>) -> Vec<u8> {
    let mut h = Sha256::new();
    hash_storage(comp, "/", true, &mut h);
    h.finalize().to_vec()
}

fn hash_storage<F: Read + Seek>(
    comp: &mut CompoundFile<F>,
    path: &str,
    root: bool,
    h: &mut Sha256,
) {
    let mut children: Vec<(Vec<u8>, String, bool, u64)> = comp
        .read_storage(path)
        .unwrap()
        .filter(|e| {
            !(root
                && (e.name() == "\u{5}DigitalSignature"
                    || e.name() == "\u{5}MsiDigitalSignatureEx"))
        })
        .map(|e| {
            let mut key: Vec<u8> = e.name().encode_utf16().flat_map(u16::to_le_bytes).collect();
            key.extend([0, 0]);
            (
                key,
                e.path().to_string_lossy().into_owned(),
                e.is_stream(),
                e.len(),
            )
        })
        .collect();
    children.sort_by(|a, b| {
        let n = a.0.len().min(b.0.len());
        a.0[..n].cmp(&b.0[..n]).then(b.0.len().cmp(&a.0.len()))
    });
    for (_, child, stream, len) in children {
        if stream && len > 0 {
            io::copy(&mut comp.open_stream(&child).unwrap(), &mut HashWriter(h)).unwrap();
        } else if !stream {
            hash_storage(comp, &child, false, h);
        }
    }
    let clsid = comp.entry(path).unwrap().clsid().to_bytes_le();
    h.update(clsid);
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The package signed by `publisher` (timestamped when `stamp` is given).
pub fn sign(package: &[u8], publisher: &Publisher, stamp: Option<&Stamp<'_>>) -> Vec<u8> {
    let mut comp = CompoundFile::open(Cursor::new(package.to_vec())).unwrap();
    sign_in_place(&mut comp, publisher, stamp);
    comp.into_inner().into_inner()
}

/// Signs the compound file in place.
pub fn sign_in_place<F: Read + Write + Seek>(
    comp: &mut CompoundFile<F>,
    publisher: &Publisher,
    stamp: Option<&Stamp<'_>>,
) {
    let digest = content_digest(comp);
    let der = msi_signature(&digest, publisher, stamp);
    comp.create_stream("\u{5}DigitalSignature")
        .unwrap()
        .write_all(&der)
        .unwrap();
    comp.flush().unwrap();
}

/// The package with the stream at `path` (e.g. `/Binary.helper`, MSI
/// names encoded) given new bytes of the same length.
pub fn tamper(package: &[u8]) -> Vec<u8> {
    let mut comp = CompoundFile::open(Cursor::new(package.to_vec())).unwrap();
    let path = comp
        .walk()
        .filter(|e| e.is_stream() && e.len() > 8 && !e.name().starts_with('\u{5}'))
        .map(|e| e.path().to_path_buf())
        .next()
        .unwrap();
    let mut s = comp.open_stream(&path).unwrap();
    let mut first = [0u8; 1];
    s.read_exact(&mut first).unwrap();
    s.seek(io::SeekFrom::Start(0)).unwrap();
    s.write_all(&[first[0] ^ 0x20]).unwrap();
    drop(s);
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}
