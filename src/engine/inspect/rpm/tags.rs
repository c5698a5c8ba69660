//! The tags intake reads, as rpm numbers them (`rpmtag.h`).

/// Region tags: the signature header's and the main header's.
pub const HEADERSIGNATURES: u32 = 62;
pub const HEADERIMMUTABLE: u32 = 63;
pub const HEADERI18NTABLE: u32 = 100;

/// Signature header tags.
pub mod sig {
    /// An OpenPGP signature over the main header (rpm files EdDSA and
    /// ECDSA signatures here too).
    pub const DSA: u32 = 267;
    pub const RSA: u32 = 268;
    pub const SHA1: u32 = 269;
    pub const LONGSIZE: u32 = 270;
    pub const SHA256: u32 = 273;
    /// v6: every OpenPGP signature over the main header, base64, one a string.
    pub const OPENPGP: u32 = 278;
    pub const SHA3_256: u32 = 279;
    /// Header and payload, in bytes.
    pub const SIZE: u32 = 1000;
    /// Legacy signatures over the header and the compressed payload.
    pub const PGP: u32 = 1002;
    pub const MD5: u32 = 1004;
    pub const GPG: u32 = 1005;
}

pub const NAME: u32 = 1000;
pub const VERSION: u32 = 1001;
pub const RELEASE: u32 = 1002;
pub const EPOCH: u32 = 1003;
pub const SUMMARY: u32 = 1004;
pub const DESCRIPTION: u32 = 1005;
pub const BUILDTIME: u32 = 1006;
pub const SIZE: u32 = 1009;
pub const LICENSE: u32 = 1014;
pub const GROUP: u32 = 1016;
pub const OS: u32 = 1021;
pub const ARCH: u32 = 1022;
pub const PREIN: u32 = 1023;
pub const POSTIN: u32 = 1024;
pub const PREUN: u32 = 1025;
pub const POSTUN: u32 = 1026;
pub const FILESIZES: u32 = 1028;
pub const FILEMODES: u32 = 1030;
pub const FILERDEVS: u32 = 1033;
pub const FILEMTIMES: u32 = 1034;
pub const FILEDIGESTS: u32 = 1035;
pub const FILELINKTOS: u32 = 1036;
pub const FILEFLAGS: u32 = 1037;
pub const FILEUSERNAME: u32 = 1039;
pub const FILEGROUPNAME: u32 = 1040;
pub const SOURCERPM: u32 = 1044;
pub const RPMVERSION: u32 = 1064;
pub const TRIGGERSCRIPTS: u32 = 1065;
pub const TRIGGERNAME: u32 = 1066;
pub const TRIGGERINDEX: u32 = 1069;
pub const PREINPROG: u32 = 1085;
pub const POSTINPROG: u32 = 1086;
pub const PREUNPROG: u32 = 1087;
pub const POSTUNPROG: u32 = 1088;
pub const TRIGGERSCRIPTPROG: u32 = 1092;
pub const FILEDEVICES: u32 = 1095;
pub const FILEINODES: u32 = 1096;
pub const FILELANGS: u32 = 1097;
pub const DIRINDEXES: u32 = 1116;
pub const BASENAMES: u32 = 1117;
pub const DIRNAMES: u32 = 1118;
pub const PAYLOADFORMAT: u32 = 1124;
pub const PAYLOADCOMPRESSOR: u32 = 1125;
pub const PAYLOADFLAGS: u32 = 1126;
pub const PRETRANS: u32 = 1151;
pub const POSTTRANS: u32 = 1152;
pub const PRETRANSPROG: u32 = 1153;
pub const POSTTRANSPROG: u32 = 1154;
pub const FILEDIGESTALGO: u32 = 5011;
pub const LONGFILESIZES: u32 = 5008;
pub const PAYLOADDIGEST: u32 = 5092;
pub const PAYLOADDIGESTALGO: u32 = 5093;
/// The payload digest over the uncompressed payload.
pub const PAYLOADDIGESTALT: u32 = 5097;
/// v6 packages say so here.
pub const RPMFORMAT: u32 = 5114;

/// `%ghost` in FILEFLAGS: listed, never in the payload.
pub const FILE_GHOST: u64 = 1 << 6;

/// Digest algorithms as FILEDIGESTALGO and PAYLOADDIGESTALGO number them.
pub mod algo {
    pub const MD5: u64 = 1;
    pub const SHA1: u64 = 2;
    pub const SHA256: u64 = 8;
    pub const SHA384: u64 = 9;
    pub const SHA512: u64 = 10;
    pub const SHA3_256: u64 = 12;
}
