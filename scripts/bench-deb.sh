#!/usr/bin/env bash
# Benchmark: `intake verify` of a Debian package (the ar walk, control.tar,
# data.tar through the gzip pipeline with MD5 beside SHA-256 for md5sums, and
# the debsigs signature's SHA-256/SHA-512 over the covered bytes) against the
# same tree as a .tar.gz, and against what an operator would run by hand:
#   .deb  vs  .tar.gz of the same files        (the package's extra work)
#         vs  sha256sum && gpgv && dpkg-deb -c (which hashes no entry)
#
# Tree (scripts/gen-tree.py release-like, seeded): ~220 MB under /usr/share/bench.
#
# With MODE `issue` (issue 15, "Measure"): a signed package with xz data of
# ~880 MB expanded (~500 MiB on disk), intake's whole review against
# `dpkg-deb --contents && sha256sum`, in one run, with intake's peak memory
# (/usr/bin/time -v). Targets: <= 0.8x, <= 128 MiB.
#
# Usage: scripts/bench-deb.sh [WORKDIR] [RUNS] [MODE]
# Needs: cargo, python3, dpkg-deb, ar, tar, gzip, gpg, gpgv, md5sum, sha256sum,
#        bc (and /usr/bin/time for MODE issue).
set -euo pipefail

mode=${3:-}
work=${1:-${TMPDIR:-/tmp}/intake-bench-deb${mode:+-$mode}}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

if [ "$mode" = issue ]; then
  . "$repo/scripts/bench-deb-issue.sh"
  exit 0
fi

build_intake

isolate_history "$work"
data="$work/feed/data"
mkdir -p "$data"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"

deb="$data/bench_1.0-1_amd64.deb" tgz="$data/bench-1.0.tar.gz"
if [ ! -s "$data/SHA256SUMS.asc" ]; then
  echo "making the tree, the package and the tarball (a few minutes)..." >&2
  root="$work/root"
  rm -rf "$root"
  mkdir -p "$root/DEBIAN" "$root/usr/share"
  python3 "$repo/scripts/gen-tree.py" release-like "$root/usr/share" bench 3 >"$work/tree.tsv"
  printf 'Package: bench\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: intake bench <bench@intake.example>\nDescription: benchmark package\n' >"$root/DEBIAN/control"
  (cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
  # debsigs: a detached signature over the three members, as _gpgorigin.
  members="$work/members"
  rm -rf "$members" && mkdir -p "$members"
  (cd "$members" && ar x "$deb" && cat debian-binary control.tar.* data.tar.* |
    gpg --batch --yes --digest-algo SHA256 --detach-sign -o _gpgorigin && ar q "$deb" _gpgorigin)
  (cd "$root/usr/share" && tar -czf "$tgz" bench)
  {
    printf '# bench\n\n## Contents: %s\n\n| path | size | sha256 |\n|---|---|---|\n' "$(basename "$deb")"
    awk -F'\t' '{ printf "| /usr/share/%s | %s | %s |\n", $1, $2, $3 }' "$work/tree.tsv"
    printf '\n## Contents: %s\n\n| path | size | sha256 |\n|---|---|---|\n' "$(basename "$tgz")"
    awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$work/tree.tsv"
  } >"$data/RELEASE-NOTES.md"
  (cd "$data" && sha256sum "$(basename "$deb")" "$(basename "$tgz")" >SHA256SUMS)
  gpg_sign "$data/SHA256SUMS"
  rm -rf "$root" "$members"
fi

{
  feed_header local "data/"
  cat <<TOML

[[release]]
version = "1.0"
date = 2026-01-01
channel = "stable"
notes = "RELEASE-NOTES.md"
checksums = "SHA256SUMS"
checksums_signature = "SHA256SUMS.asc"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "$(basename "$deb")"

  [[release.artifact]]
  platform = "linux-aarch64"
  file = "$(basename "$tgz")"
TOML
} >"$work/feed/feed.toml"

verify() {
  "$intake" verify "$work/feed/feed.toml" --release 1.0 --platform "$1" \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store
}
pipeline() {
  sha256sum "$deb" && gpgv --keyring "$work/key.gpg" "$data/SHA256SUMS.asc" "$data/SHA256SUMS" && dpkg-deb -c "$deb"
}

# The verdicts must be real: intake must approve both, the package on its
# own signature too.
for platform in linux-aarch64 linux-x86_64; do
  verify "$platform" >"$work/last.txt" 2>&1 || { echo "intake did not approve $platform:"; cat "$work/last.txt"; exit 1; }
done
grep -q 'package.signature *good signature' "$work/last.txt" || { echo "the package signature was not judged good:"; cat "$work/last.txt"; exit 1; }
echo "== deb $(du -m "$deb" | cut -f1) MiB, tar.gz $(du -m "$tgz" | cut -f1) MiB, best of $runs =="
best_of "gzip -dc (tar.gz)" sh -c "gzip -dc '$tgz' >/dev/null"
best_of "sha256sum && gpgv && dpkg-deb -c" pipeline
best_of "intake verify tar.gz" verify linux-aarch64
best_of "intake verify deb" verify linux-x86_64
echo "  intake deb / intake tar.gz      $(ratio "intake verify deb" "intake verify tar.gz")x"
echo "  intake deb / pipeline           $(ratio "intake verify deb" "sha256sum && gpgv && dpkg-deb -c")x"
rm -rf "$work/checklists"
