//! Which Debian architecture a feed platform is. A feed names platforms
//! as `<os>-<machine>` (`linux-x86_64`); Debian names architectures its own
//! way (`amd64`). A package for `all` installs on any Linux platform. A
//! feed artifact may name the architecture itself (`arch = "armhf"`),
//! for platforms this table does not know.

use crate::engine::inspect::package_arch::Architectures;

/// Feed platform and Debian architecture, both ways.
const TABLE: &[(&str, &str)] = &[
    ("linux-x86_64", "amd64"),
    ("linux-aarch64", "arm64"),
    ("linux-i686", "i386"),
    ("linux-armv7", "armhf"),
    ("linux-ppc64le", "ppc64el"),
    ("linux-s390x", "s390x"),
    ("linux-riscv64", "riscv64"),
];

/// The Debian architectures of the feed's platforms.
pub static ARCHITECTURES: Architectures = Architectures {
    format: "Debian",
    any: "all",
    table: TABLE,
};

/// Whether a Debian package of `architecture` installs on `platform` (see
/// [`Architectures::fits`]).
pub fn fits(architecture: &str, platform: &str, declared: Option<&str>) -> Result<(), String> {
    ARCHITECTURES.fits(architecture, platform, declared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_map_to_debian_architectures() {
        assert!(fits("amd64", "linux-x86_64", None).is_ok());
        assert!(fits("arm64", "linux-aarch64", None).is_ok());
        assert!(fits("all", "linux-aarch64", None).is_ok());
        assert!(fits("all", "windows-x86_64", None).is_err());
        let wrong = fits("arm64", "linux-x86_64", None).unwrap_err();
        assert!(
            wrong.contains("arm64") && wrong.contains("amd64"),
            "{wrong}"
        );
        assert!(
            fits("armel", "linux-armv5", None)
                .unwrap_err()
                .contains("arch =")
        );
        assert!(fits("armel", "linux-armv5", Some("armel")).is_ok());
        assert!(fits("amd64", "linux-x86_64", Some("i386")).is_err());
    }
}
