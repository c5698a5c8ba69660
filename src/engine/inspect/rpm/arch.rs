//! Which RPM architecture a feed platform is. RPM names machines much as
//! the feed does (`x86_64`, `aarch64`); a `noarch` package installs on any
//! Linux platform. A feed artifact may name the architecture itself
//! (`arch = "ppc64"`) for platforms this table does not know.

use crate::engine::inspect::package_arch::Architectures;

/// Feed platform and RPM architecture, both ways.
const TABLE: &[(&str, &str)] = &[
    ("linux-x86_64", "x86_64"),
    ("linux-aarch64", "aarch64"),
    ("linux-i686", "i686"),
    ("linux-armv7", "armv7hl"),
    ("linux-ppc64le", "ppc64le"),
    ("linux-s390x", "s390x"),
];

/// The RPM architectures of the feed's platforms.
pub static ARCHITECTURES: Architectures = Architectures {
    format: "RPM",
    any: "noarch",
    table: TABLE,
};

/// Whether an RPM package of `architecture` installs on `platform` (see
/// [`Architectures::fits`]).
pub fn fits(architecture: &str, platform: &str, declared: Option<&str>) -> Result<(), String> {
    ARCHITECTURES.fits(architecture, platform, declared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_map_to_rpm_architectures() {
        assert!(fits("x86_64", "linux-x86_64", None).is_ok());
        assert!(fits("aarch64", "linux-aarch64", None).is_ok());
        assert!(fits("noarch", "linux-aarch64", None).is_ok());
        assert!(fits("noarch", "windows-x86_64", None).is_err());
        let wrong = fits("aarch64", "linux-x86_64", None).unwrap_err();
        assert!(
            wrong.contains("aarch64") && wrong.contains("x86_64"),
            "{wrong}"
        );
        assert!(fits("ppc64", "linux-ppc64", Some("ppc64")).is_ok());
        assert!(
            fits("ppc64", "linux-ppc64", None)
                .unwrap_err()
                .contains("arch =")
        );
    }
}
