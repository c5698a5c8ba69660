//! A large MSI for the benchmark, written to a file without holding it
//! in memory: one file of pseudo-random bytes in an uncompressed embedded
//! cabinet (the cabinet written to a scratch file first, then copied into
//! the package's stream), the small tables of [`super::msi::MsiSpec`]
//! around it. Unsigned: `osslsigncode` signs it in the benchmark.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use cab::{CabinetBuilder, CompressionType};
use msi::{Package, PackageType};

use super::msi::{MsiSpec, write_tables};

/// Writes an unsigned package of about `mib` MiB to `out`.
pub fn build_large(out: &Path, mib: u64) -> io::Result<()> {
    let mut spec = MsiSpec::connector("1.0.0");
    spec.compression = CompressionType::None;
    spec.files.truncate(1);
    spec.files[0].key = "payload.bin".into();
    spec.files[0].name = "payload.bin".into();
    spec.files[0].bytes = Vec::new();
    let size = mib << 20;
    let cab_path = out.with_extension("cab.tmp");
    {
        let mut builder = CabinetBuilder::new();
        builder
            .add_folder(CompressionType::None)
            .add_file("payload.bin");
        let mut writer = builder.build(BufWriter::new(File::create(&cab_path)?))?;
        if let Some(mut w) = writer.next_file()? {
            write_noise(&mut w, size)?;
        }
        writer.finish()?.flush()?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(out)?;
    let mut package = Package::create(PackageType::Installer, file)?;
    write_tables(&mut package, &spec, &[size])?;
    let mut stream = package.write_stream("product.cab")?;
    io::copy(&mut File::open(&cab_path)?, &mut stream)?;
    drop(stream);
    package.flush()?;
    drop(package);
    std::fs::remove_file(&cab_path)?;
    // Compacted into a fresh file, as the small packages are: what the
    // writer leaves after rewriting tables is not what installers ship.
    let loose = out.with_extension("loose.tmp");
    std::fs::rename(out, &loose)?;
    let fresh = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(out)?;
    cfb::CompoundFile::open(File::open(&loose)?)?.copy_to(fresh)?;
    std::fs::remove_file(&loose)
}

/// `size` bytes of xorshift noise (incompressible, cheap to make).
fn write_noise(w: &mut impl Write, size: u64) -> io::Result<()> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for chunk in buf.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(buf.len() as u64) as usize;
        w.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}
