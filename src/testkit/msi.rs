//! Windows Installer packages built in Rust for the tests, the samples and
//! the benchmark: the `msi` crate writes the database (Property,
//! Directory, Component, File, Media, CustomAction, Binary), the `cab`
//! crate the embedded cabinet (uncompressed or MSZIP); signed by
//! [`super::msi_sign`].

use std::io::{self, Cursor, Read, Seek, Write};

use cab::{CabinetBuilder, CompressionType};
use cfb::CompoundFile;
use msi::{Column, Insert, Package, PackageType, Value};

pub use super::msi_sign::{content_digest, sign, sign_in_place, tamper};

/// One file the package installs.
pub struct MsiFile {
    /// The File table key and the cabinet's name for it.
    pub key: String,
    /// The Directory key it goes in.
    pub directory: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One custom action.
pub struct MsiAction {
    pub name: String,
    pub kind: i32,
    pub source: String,
    pub target: String,
}

/// What to build.
pub struct MsiSpec {
    pub product_name: String,
    pub product_version: String,
    pub manufacturer: String,
    /// (key, parent, DefaultDir): `TARGETDIR` is added first.
    pub directories: Vec<(String, String, String)>,
    pub files: Vec<MsiFile>,
    pub actions: Vec<MsiAction>,
    /// `Binary` table rows (name, bytes).
    pub binaries: Vec<(String, Vec<u8>)>,
    pub compression: CompressionType,
}

impl MsiSpec {
    /// A small connector installer: two files under
    /// `[ProgramFiles64Folder]/Northwind/Connector`, one VBScript custom
    /// action written in its Target, one DLL entry point from `Binary`.
    pub fn connector(version: &str) -> MsiSpec {
        let dir = |k: &str, p: &str, d: &str| (k.to_string(), p.to_string(), d.to_string());
        MsiSpec {
            product_name: "Northwind Connector".into(),
            product_version: version.into(),
            manufacturer: "Northwind Health Systems".into(),
            directories: vec![
                dir("ProgramFiles64Folder", "TARGETDIR", "."),
                dir("VENDOR", "ProgramFiles64Folder", "NORTHW~1|Northwind"),
                dir("INSTALLDIR", "VENDOR", "CONNEC~1|Connector"),
                dir("BIN", "INSTALLDIR", "bin"),
            ],
            files: vec![
                file("connector.exe", "BIN", "connector.exe", b"MZ connector service\n".repeat(40)),
                file("connector.ini", "INSTALLDIR", "connector.ini", b"[hl7]\nport=2575\n".to_vec()),
            ],
            actions: vec![
                MsiAction {
                    name: "OpenFirewall".into(),
                    kind: 38,
                    source: String::new(),
                    target: "Set sh = CreateObject(\"WScript.Shell\")\nsh.Run \"netsh advfirewall firewall add rule name=HL7 dir=in action=allow protocol=TCP localport=2575\"".into(),
                },
                MsiAction {
                    name: "RegisterService".into(),
                    kind: 1,
                    source: "helper".into(),
                    target: "Register".into(),
                },
            ],
            binaries: vec![("helper".into(), b"MZ helper dll".to_vec())],
            compression: CompressionType::MsZip,
        }
    }
}

pub fn file(key: &str, directory: &str, name: &str, bytes: Vec<u8>) -> MsiFile {
    MsiFile {
        key: key.into(),
        directory: directory.into(),
        name: name.into(),
        bytes,
    }
}

/// The unsigned package.
pub fn build(spec: &MsiSpec) -> Vec<u8> {
    let mut package = Package::create(PackageType::Installer, Cursor::new(Vec::new())).unwrap();
    package
        .summary_info_mut()
        .set_title(format!("{} Installer", spec.product_name));
    package.summary_info_mut().set_arch("x64");
    write_tables(&mut package, spec, &[]).unwrap();
    let cabinet = cabinet(spec).unwrap();
    package
        .write_stream("product.cab")
        .unwrap()
        .write_all(&cabinet)
        .unwrap();
    for (name, bytes) in &spec.binaries {
        package
            .write_stream(&format!("Binary.{name}"))
            .unwrap()
            .write_all(bytes)
            .unwrap();
    }
    compact(package.into_inner().unwrap().into_inner())
}

/// A copy with only the sectors its streams use (what a finished
/// installer looks like: writing tables leaves freed sectors behind).
pub fn compact(bytes: Vec<u8>) -> Vec<u8> {
    let mut comp = CompoundFile::open(Cursor::new(bytes)).unwrap();
    comp.copy_to(Cursor::new(Vec::new()))
        .unwrap()
        .into_inner()
        .into_inner()
}

/// The tables of `spec`; `sizes`, when given, the files' sizes (a large
/// file whose bytes are not held).
pub fn write_tables<F: Read + Write + Seek>(
    p: &mut Package<F>,
    spec: &MsiSpec,
    sizes: &[u64],
) -> io::Result<()> {
    let s = |v: &str| Value::Str(v.to_string());
    p.create_table(
        "Property",
        vec![
            Column::build("Property").primary_key().id_string(72),
            Column::build("Value").text_string(0),
        ],
    )?;
    p.insert_rows(Insert::into("Property").rows(vec![
        vec![s("ProductName"), s(&spec.product_name)],
        vec![s("ProductVersion"), s(&spec.product_version)],
        vec![s("Manufacturer"), s(&spec.manufacturer)],
        vec![
            s("ProductCode"),
            s("{6C2E0F35-2B39-4A51-9C38-6E3A1E8B7D10}"),
        ],
    ]))?;
    directories(p, spec)?;
    files(p, spec, sizes)?;
    media_and_actions(p, spec)
}

fn directories<F: Read + Write + Seek>(p: &mut Package<F>, spec: &MsiSpec) -> io::Result<()> {
    let s = |v: &str| Value::Str(v.to_string());
    p.create_table(
        "Directory",
        vec![
            Column::build("Directory").primary_key().id_string(72),
            Column::build("Directory_Parent").nullable().id_string(72),
            Column::build("DefaultDir")
                .category(msi::Category::DefaultDir)
                .string(255),
        ],
    )?;
    let mut dirs = vec![vec![s("TARGETDIR"), Value::Null, s("SourceDir")]];
    dirs.extend(
        spec.directories
            .iter()
            .map(|(k, parent, d)| vec![s(k), s(parent), s(d)]),
    );
    p.insert_rows(Insert::into("Directory").rows(dirs))?;
    Ok(())
}

fn files<F: Read + Write + Seek>(
    p: &mut Package<F>,
    spec: &MsiSpec,
    sizes: &[u64],
) -> io::Result<()> {
    let s = |v: &str| Value::Str(v.to_string());
    p.create_table(
        "Component",
        vec![
            Column::build("Component").primary_key().id_string(72),
            Column::build("ComponentId")
                .nullable()
                .category(msi::Category::Guid)
                .string(38),
            Column::build("Directory_").id_string(72),
            Column::build("Attributes").int16(),
            Column::build("Condition").nullable().formatted_string(255),
            Column::build("KeyPath").nullable().id_string(72),
        ],
    )?;
    p.create_table(
        "File",
        vec![
            Column::build("File").primary_key().id_string(72),
            Column::build("Component_").id_string(72),
            Column::build("FileName")
                .category(msi::Category::Filename)
                .string(255),
            Column::build("FileSize").int32(),
            Column::build("Version").nullable().string(72),
            Column::build("Language").nullable().string(20),
            Column::build("Attributes").nullable().int16(),
            Column::build("Sequence").int16(),
        ],
    )?;
    for (i, f) in spec.files.iter().enumerate() {
        let component = format!("C_{}", f.key.replace(['.', '-'], "_"));
        p.insert_rows(Insert::into("Component").row(vec![
            s(&component),
            Value::Null,
            s(&f.directory),
            Value::Int(256),
            Value::Null,
            s(&f.key),
        ]))?;
        p.insert_rows(Insert::into("File").row(vec![
            s(&f.key),
            s(&component),
            s(&f.name),
            Value::Int(sizes.get(i).copied().unwrap_or(f.bytes.len() as u64) as i32),
            Value::Null,
            Value::Null,
            Value::Int(512),
            Value::Int(i as i32 + 1),
        ]))?;
    }
    Ok(())
}

fn media_and_actions<F: Read + Write + Seek>(p: &mut Package<F>, spec: &MsiSpec) -> io::Result<()> {
    let s = |v: &str| Value::Str(v.to_string());
    p.create_table(
        "Media",
        vec![
            Column::build("DiskId").primary_key().int16(),
            Column::build("LastSequence").int16(),
            Column::build("DiskPrompt").nullable().text_string(64),
            Column::build("Cabinet")
                .nullable()
                .category(msi::Category::Cabinet)
                .string(255),
            Column::build("VolumeLabel").nullable().text_string(32),
            Column::build("Source").nullable().string(72),
        ],
    )?;
    p.insert_rows(Insert::into("Media").row(vec![
        Value::Int(1),
        Value::Int(spec.files.len() as i32),
        Value::Null,
        s("#product.cab"),
        Value::Null,
        Value::Null,
    ]))?;
    p.create_table(
        "CustomAction",
        vec![
            Column::build("Action").primary_key().id_string(72),
            Column::build("Type").int16(),
            Column::build("Source").nullable().string(72),
            Column::build("Target").nullable().formatted_string(0),
        ],
    )?;
    for a in &spec.actions {
        let opt = |v: &str| if v.is_empty() { Value::Null } else { s(v) };
        p.insert_rows(Insert::into("CustomAction").row(vec![
            s(&a.name),
            Value::Int(a.kind),
            opt(&a.source),
            opt(&a.target),
        ]))?;
    }
    p.create_table(
        "Binary",
        vec![
            Column::build("Name").primary_key().id_string(72),
            Column::build("Data").binary(),
        ],
    )?;
    for (name, _) in &spec.binaries {
        p.insert_rows(Insert::into("Binary").row(vec![s(name), Value::Binary]))?;
    }
    Ok(())
}

fn cabinet(spec: &MsiSpec) -> io::Result<Vec<u8>> {
    let mut builder = CabinetBuilder::new();
    let folder = builder.add_folder(spec.compression);
    for f in &spec.files {
        folder.add_file(f.key.clone());
    }
    let mut writer = builder.build(Cursor::new(Vec::new()))?;
    let mut i = 0;
    while let Some(mut w) = writer.next_file()? {
        w.write_all(&spec.files[i].bytes)?;
        i += 1;
    }
    Ok(writer.finish()?.into_inner())
}
