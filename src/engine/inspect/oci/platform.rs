//! Which image platform a feed platform is: feeds name platforms
//! `<os>-<machine>` (`linux-x86_64`), images `os`/`architecture`/`variant`
//! as Go names them (`linux`/`amd64`, `linux`/`arm`/`v7`).

use super::docs::Platform;

/// Feed machine and image architecture (and variant, when one is needed).
const TABLE: &[(&str, &str, Option<&str>)] = &[
    ("x86_64", "amd64", None),
    ("aarch64", "arm64", None),
    ("arm64", "arm64", None),
    ("i686", "386", None),
    ("armv7", "arm", Some("v7")),
    ("armv6", "arm", Some("v6")),
    ("ppc64le", "ppc64le", None),
    ("s390x", "s390x", None),
    ("riscv64", "riscv64", None),
];

/// The image platform a feed platform stands for (`None`: not one
/// intake knows, such as a feed's `any`).
pub fn of_feed(platform: &str) -> Option<Platform> {
    let (os, machine) = platform.split_once('-')?;
    let (_, architecture, variant) = TABLE.iter().find(|(m, _, _)| *m == machine)?;
    Some(Platform {
        os: os.to_string(),
        architecture: architecture.to_string(),
        variant: variant.map(str::to_string),
    })
}

/// Whether an image's platform is the wanted one (a variant the feed does
/// not ask for is accepted: `arm64` images say `v8` or nothing).
pub fn fits(image: &Platform, wanted: &Platform) -> bool {
    image.os == wanted.os
        && image.architecture == wanted.architecture
        && (wanted.variant.is_none() || image.variant == wanted.variant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_platforms_map_to_image_platforms() {
        let amd64 = of_feed("linux-x86_64").unwrap();
        assert_eq!(
            (amd64.os.as_str(), amd64.architecture.as_str()),
            ("linux", "amd64")
        );
        let arm = of_feed("linux-armv7").unwrap();
        assert_eq!(arm.variant.as_deref(), Some("v7"));
        assert!(of_feed("any").is_none());
        let v8 = Platform {
            os: "linux".into(),
            architecture: "arm64".into(),
            variant: Some("v8".into()),
        };
        assert!(fits(&v8, &of_feed("linux-aarch64").unwrap()));
        assert!(!fits(&v8, &amd64));
    }
}
