//! Which package architecture a feed platform is, for each package format
//! (each names machines its own way: Debian `amd64`, RPM `x86_64`). A feed
//! names platforms as `<os>-<machine>` (`linux-x86_64`); a package for any
//! machine (`all`, `noarch`) installs on any Linux platform; a feed
//! artifact may name the architecture itself (`arch = "armhf"`) for
//! platforms a table does not know.

/// One format's architectures.
#[derive(Debug)]
pub struct Architectures {
    /// `Debian`, `RPM`: how messages name the format.
    pub format: &'static str,
    /// The architecture of a package for any machine.
    pub any: &'static str,
    /// Feed platform and package architecture, both ways.
    pub table: &'static [(&'static str, &'static str)],
}

impl Architectures {
    /// The package architecture of a feed platform, if the table knows it.
    pub fn for_platform(&self, platform: &str) -> Option<&'static str> {
        self.table
            .iter()
            .find(|(p, _)| *p == platform)
            .map(|(_, arch)| *arch)
    }

    /// Whether a package of `architecture` installs on `platform`;
    /// `declared` is the feed's own `arch` for the artifact, which wins
    /// over the table. `Err` says what was expected.
    pub fn fits(
        &self,
        architecture: &str,
        platform: &str,
        declared: Option<&str>,
    ) -> Result<(), String> {
        if architecture == self.any && (platform.starts_with("linux-") || declared.is_some()) {
            return Ok(());
        }
        match declared.or_else(|| self.for_platform(platform)) {
            Some(want) if want == architecture => Ok(()),
            Some(want) => Err(format!(
                "the package is for {architecture}, the feed's platform {platform} is {want}"
            )),
            None => Err(format!(
                "the package is for {architecture}, and the feed's platform {platform} has no {} architecture (give the artifact `arch = \"...\"`)",
                self.format
            )),
        }
    }
}
