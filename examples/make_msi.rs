//! Writes an unsigned ~SIZE MiB MSI for `scripts/bench-msi.sh`: one file
//! of noise in an uncompressed embedded cabinet.
//!
//! Usage: cargo run --features testkit --example make_msi -- OUT.msi SIZE_MIB

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "bench.msi".into());
    let mib: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(300);
    intake::testkit::msi_large::build_large(std::path::Path::new(&out), mib)
}
