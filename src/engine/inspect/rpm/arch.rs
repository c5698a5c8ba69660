//! Which RPM architecture a feed platform is. RPM names machines much as
//! the feed does (`x86_64`, `aarch64`); a `noarch` package installs on any
//! Linux platform. A feed artifact may name the architecture itself
//! (`arch = "ppc64"`) for platforms this table does not know.

/// Feed platform and RPM architecture, both ways.
pub const TABLE: [(&str, &str); 6] = [
    ("linux-x86_64", "x86_64"),
    ("linux-aarch64", "aarch64"),
    ("linux-i686", "i686"),
    ("linux-armv7", "armv7hl"),
    ("linux-ppc64le", "ppc64le"),
    ("linux-s390x", "s390x"),
];

/// The RPM architecture of a feed platform, if the table knows it.
pub fn for_platform(platform: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(p, _)| *p == platform)
        .map(|(_, arch)| *arch)
}

/// Whether a package of `architecture` installs on `platform`; `declared`
/// is the feed's own `arch` for the artifact, which wins over the table.
pub fn fits(architecture: &str, platform: &str, declared: Option<&str>) -> Result<(), String> {
    if architecture == "noarch" && (platform.starts_with("linux-") || declared.is_some()) {
        return Ok(());
    }
    match declared.or_else(|| for_platform(platform)) {
        Some(want) if want == architecture => Ok(()),
        Some(want) => Err(format!(
            "the package is for {architecture}, the feed's platform {platform} is {want}"
        )),
        None => Err(format!(
            "the package is for {architecture}, and the feed's platform {platform} has no RPM architecture (give the artifact `arch = \"...\"`)"
        )),
    }
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
