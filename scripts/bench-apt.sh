#!/usr/bin/env bash
# Benchmark: the APT chain over Debian's real Packages index (~50 MB for
# bookworm main/amd64). `intake verify` of a package from Debian's repository
# laid out as local media (InRelease verified with the Debian archive keys,
# the index streamed, hashed and searched for the package's stanza, the
# package read and walked) against `sha256sum` of that index alone, in one run.
# Target: intake <= 2x sha256sum.
#
# The InRelease and the index are apt's own copies from /var/lib/apt/lists
# (the index lz4-compressed: decompressed with the lz4 tool, as the Release
# lists the uncompressed bytes); the package is `apt-get download hello`.
#
# Usage: scripts/bench-apt.sh [WORKDIR] [RUNS] [CODENAME]   (default bookworm)
# Needs: cargo, lz4, gpg, sha256sum, apt-get, python3, bc; the lists from
# `apt-get update` and /usr/share/keyrings/debian-archive-keyring.gpg.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-apt}
runs=${2:-5}
codename=${3:-bookworm}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

lists=/var/lib/apt/lists
in_release=$(ls "$lists"/*_dists_"${codename}"_InRelease | head -n1)
packages_lz4=${in_release%_InRelease}_main_binary-amd64_Packages.lz4
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for f in "$in_release" "$packages_lz4" "$keyring"; do
  [ -f "$f" ] || { echo "missing $f (apt-get update; apt-get install debian-archive-keyring)" >&2; exit 1; }
done

build_intake
isolate_history "$work"
media="$work/feed/repo"
dists="$media/dists/$codename"
mkdir -p "$dists/main/binary-amd64" "$work/feed/keys" "$work/deb"
cp "$in_release" "$dists/InRelease"
lz4 -dcq "$packages_lz4" >"$dists/main/binary-amd64/Packages"
cp "$keyring" "$work/feed/keys/debian-archive-keyring.gpg"
deb=$(ls "$work"/deb/hello_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
  echo "downloading hello with apt-get..." >&2
  (cd "$work/deb" && apt-get download -qq hello 2>/dev/null)
  deb=$(ls "$work"/deb/hello_*.deb | head -n1)
fi
name=$(basename "$deb")
filename=$(grep -m1 "^Filename: .*/$name\$" "$dists/main/binary-amd64/Packages" | cut -d' ' -f2)
[ -n "$filename" ] || { echo "$name is not in $codename's Packages" >&2; exit 1; }
mkdir -p "$media/$(dirname "$filename")"
cp "$deb" "$media/$filename"
version=$(echo "$name" | cut -d_ -f2)

# Every primary key of Debian's keyring is pinned, as an operator would.
export GNUPGHOME="$work/gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
pins=$(gpg --batch --with-colons --show-keys "$keyring" 2>/dev/null |
  awk -F: '/^pub/ {p=1; next} p && /^fpr/ {printf "%s\"%s\"", (n++ ? ", " : ""), $10; p=0}')
cat >"$work/feed/feed.toml" <<TOML
[product]
name = "GNU Hello"
vendor = "Debian"
id = "hello"

[trust]
certificates = ["keys/debian-archive-keyring.gpg"]
fingerprints = [$pins]

[[source]]
name = "mirror"
url = "repo/"

[[release]]
version = "$version"
date = 2026-01-01
channel = "$codename"
checksums = "dists/$codename/InRelease"
index = "dists/$codename/main/binary-amd64/Packages"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "$filename"
TOML

run_intake() {
  "$intake" verify "$work/feed/feed.toml" --release "$version" --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" \
    --no-store --format json
}

# The verdicts must be real: Debian's signature and the whole chain pass.
run_intake >"$work/last.json" || true
python3 - "$work/last.json" <<'PY'
import json, sys
checks = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
for id in ("signature.checksums", "checksum.sha256"):
    if checks[id]["status"] != "pass":
        sys.exit(f"{id} did not pass: {checks[id]['summary']}")
    print(f"  {id}: {checks[id]['summary']}")
PY

index="$dists/main/binary-amd64/Packages"
echo "== $(basename "$index") $(du -m "$index" | cut -f1) MiB ($codename main/amd64), $name, best of $runs =="
best_of "sha256sum Packages" sha256sum "$index"
best_of "intake verify (APT chain)" run_intake
echo "  intake / sha256sum               $(ratio "intake verify (APT chain)" "sha256sum Packages")x  (target <= 2)"
peak='?'
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f %M -o "$work/rss" "$intake" verify "$work/feed/feed.toml" --release "$version" \
    --platform linux-x86_64 --operator o --approver a --checklist-dir "$work/checklists" \
    --no-store >/dev/null 2>&1 || true
  peak=$(tail -n1 "$work/rss")
fi
echo "  intake peak RSS                  $peak KiB"
rm -rf "$work/checklists"
