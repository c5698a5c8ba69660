//! The certificate table at the end of a PE: a run of `WIN_CERTIFICATE`
//! entries (`dwLength`, `wRevision`, `wCertificateType`, then the
//! certificate), each padded to 8 bytes. Only PKCS#7 `SignedData`
//! entries are Authenticode signatures. Anything else in the table (bytes
//! after a signature's DER inside its entry, non-zero padding, another
//! kind of entry) is data the signature does not cover, hidden where a
//! verifier does not look (CVE-2013-3900): it is named, never skipped.

use super::headers::u32_at;

/// `WIN_CERT_TYPE_PKCS_SIGNED_DATA`.
const PKCS_SIGNED_DATA: u16 = 0x0002;
/// `WIN_CERTIFICATE`'s own header: length, revision, type.
pub const ENTRY_HEADER: u64 = 8;

/// What the table holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Table {
    /// Each PKCS#7 `SignedData`, exactly its DER.
    pub signatures: Vec<Vec<u8>>,
    /// Bytes in the table no signature accounts for, and entries that
    /// cannot be read, each naming its offset in the file.
    pub problems: Vec<String>,
}

/// Reads the table that starts at file offset `at`.
pub fn read(table: &[u8], at: u64) -> Table {
    let mut out = Table::default();
    let mut pos: u64 = 0;
    let len = table.len() as u64;
    while pos < len {
        let here = at + pos;
        let Some(length) = u32_at(table, pos).map(u64::from) else {
            out.problems.push(format!(
                "{} bytes at offset {here} after the last WIN_CERTIFICATE are too few for one",
                len - pos
            ));
            break;
        };
        if length < ENTRY_HEADER {
            out.problems.push(format!(
                "the WIN_CERTIFICATE at offset {here} gives its length as {length}, smaller than its own 8-byte header"
            ));
            break;
        }
        if pos + length > len {
            out.problems.push(format!(
                "the WIN_CERTIFICATE at offset {here} claims {length} bytes; the table has {} left",
                len - pos
            ));
            break;
        }
        let kind = table
            .get(pos as usize + 6..pos as usize + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u16::from_le_bytes);
        let body = table
            .get((pos + ENTRY_HEADER) as usize..(pos + length) as usize)
            .unwrap_or_default();
        if kind == PKCS_SIGNED_DATA {
            signature(body, here, &mut out);
        } else {
            out.problems.push(format!(
                "the WIN_CERTIFICATE at offset {here} is of type {kind:#06x}, not a PKCS#7 signature: its {length} bytes are covered by no signature"
            ));
        }
        let padded = length.div_ceil(8) * 8;
        let padding = table
            .get((pos + length) as usize..(pos + padded).min(len) as usize)
            .unwrap_or_default();
        if padding.iter().any(|b| *b != 0) {
            out.problems.push(format!(
                "non-zero padding after the WIN_CERTIFICATE at offset {here}: bytes hidden in the certificate table"
            ));
        }
        // The next entry starts after this one's padding (the padded
        // length is never 0: `length` is at least the 8-byte header).
        pos += padded;
    }
    out
}

/// One PKCS#7 entry: the DER `SEQUENCE` must fill it, save at most 7 zero
/// bytes of alignment that some signers count in the entry's length.
fn signature(body: &[u8], here: u64, out: &mut Table) {
    let Some(der_len) = der_length(body) else {
        out.problems.push(format!(
            "the signature at offset {here} is not a DER SEQUENCE with a definite length inside its entry"
        ));
        return;
    };
    let (der, rest) = body.split_at(der_len.min(body.len()));
    if rest.len() >= 8 || rest.iter().any(|b| *b != 0) {
        out.problems.push(format!(
            "{} bytes after the signature at offset {here}, inside its WIN_CERTIFICATE: bytes hidden in the certificate table",
            rest.len()
        ));
    }
    out.signatures.push(der.to_vec());
}

/// The whole length (header included) of the DER `SEQUENCE` at the start
/// of `bytes`, if it is one with a definite length that fits.
pub fn der_length(bytes: &[u8]) -> Option<usize> {
    let (&tag, rest) = bytes.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None; // indefinite (BER) or absurd
        }
        let digits = rest.get(..n)?;
        let len = digits
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let total = header.checked_add(len)?;
    (total <= bytes.len()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: &[u8], kind: u16, pad_to_8: bool) -> Vec<u8> {
        let length = 8 + body.len() as u32;
        let mut e = length.to_le_bytes().to_vec();
        e.extend(0x0200u16.to_le_bytes());
        e.extend(kind.to_le_bytes());
        e.extend(body);
        if pad_to_8 {
            while !e.len().is_multiple_of(8) {
                e.push(0);
            }
        }
        e
    }

    #[test]
    fn a_signature_filling_its_entry_is_read() {
        let der = [0x30, 0x03, 1, 2, 3];
        let t = read(&entry(&der, 2, true), 1000);
        assert_eq!(t.signatures, vec![der.to_vec()]);
        assert!(t.problems.is_empty(), "{:?}", t.problems);
    }

    #[test]
    fn bytes_after_the_der_inside_the_entry_are_hidden_data() {
        let mut body = vec![0x30, 0x03, 1, 2, 3];
        body.extend(b"hidden payload!!");
        let t = read(&entry(&body, 2, true), 1000);
        assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
        assert!(t.problems[0].contains("16 bytes after the signature at offset 1000"));
    }

    #[test]
    fn a_second_entry_is_read_after_the_first_and_the_walk_ends() {
        // A shorter second entry once sent the reader back to its own
        // padded length, looping on the table for ever (a fuzz finding).
        let long = [0x30, 0x0e, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
        let short = [0x30, 0x01, 9];
        let mut table = entry(&long, 2, true);
        let second_at = 1000 + table.len() as u64;
        table.extend(entry(&short, 2, true));
        let t = read(&table, 1000);
        assert_eq!(t.signatures, vec![long.to_vec(), short.to_vec()]);
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        let mut table = entry(&long, 2, true);
        table.extend(entry(&short, 0x0001, true));
        let t = read(&table, 1000);
        assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
        assert!(t.problems[0].contains(&format!("offset {second_at}")));
    }

    #[test]
    fn an_entry_shorter_than_its_header_names_its_offset() {
        let mut e = 4u32.to_le_bytes().to_vec();
        e.extend([0, 2, 2, 0]);
        let t = read(&e, 512);
        assert!(t.problems[0].contains("offset 512"), "{:?}", t.problems);
        assert!(t.problems[0].contains("smaller than its own 8-byte header"));
        assert!(t.signatures.is_empty());
    }

    #[test]
    fn indefinite_and_absurd_der_lengths_are_refused() {
        assert_eq!(der_length(&[0x30, 0x80, 0, 0]), None);
        assert_eq!(
            der_length(&[0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            None
        );
        assert_eq!(der_length(&[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0]), None);
        assert_eq!(der_length(&[0x30, 0x02, 5, 6]), Some(4));
    }
}
