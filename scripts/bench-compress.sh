#!/usr/bin/env bash
# Benchmark: `intake verify` of a tar.xz, a tar.zst and a tar.bz2 of the same
# tree (checksum + signature + every entry hashed + safety + contents against
# the release notes), against the reference decompressor alone on the same
# file, in one run:
#   tar.xz   vs  xz -dc -T1 > /dev/null     (xz -6, one stream of one block)
#   tar.zst  vs  zstd -dc > /dev/null       (zstd -3, zstd's default)
#   tar.bz2  vs  bzip2 -dc > /dev/null      (bzip2 -9, bzip2's default)
# and intake's peak RSS on each.
#
# Tree (scripts/gen-tree.py, seeded): "release-like", ~220 MB: 12,000 text files
# each written afresh and 300 incompressible binaries. (Not bench-inspect.sh's
# "source-like": its files are slices of one shared text, which xz and zstd,
# with windows of megabytes, find again: over 100:1, refused as a bomb.)
#
# Usage: scripts/bench-compress.sh [WORKDIR] [RUNS]
# Needs: cargo, python3, tar, xz, zstd, bzip2, gpg, sha256sum, bc, /usr/bin/time.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-compress}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake

isolate_history "$work"
kind=release-like
dir="$work/feed/data/$kind"
mkdir -p "$dir" "$work/trees"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"

# One platform per compression: each artifact is reviewed on its own.
declare -A platform=([xz]=linux-x86_64 [zst]=linux-aarch64 [bz2]=linux-ppc64le)
declare -A tool=([xz]="xz -dc -T1" [zst]="zstd -dc" [bz2]="bzip2 -dc")

if [ ! -s "$dir/SHA256SUMS.asc" ]; then
  echo "making the $kind tree and its archives (a few minutes)..." >&2
  rm -rf "$work/trees/$kind" "$dir"/*
  mkdir -p "$work/trees/$kind"
  python3 "$repo/scripts/gen-tree.py" "$kind" "$work/trees/$kind" "$kind" 2 >"$work/$kind.tsv"
  (cd "$work/trees/$kind" && tar -cf "$work/$kind.tar" "$kind")
  xz -6 -T1 -c "$work/$kind.tar" >"$dir/$kind.tar.xz"
  zstd -3 -q -c "$work/$kind.tar" >"$dir/$kind.tar.zst"
  bzip2 -9 -c "$work/$kind.tar" >"$dir/$kind.tar.bz2"
  rm -rf "$work/trees/$kind" "$work/$kind.tar"
  {
    echo "# $kind"
    for ext in xz zst bz2; do
      printf '\n## Contents: %s\n\n| path | size | sha256 |\n|---|---|---|\n' "$kind.tar.$ext"
      awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$work/$kind.tsv"
    done
  } >"$dir/RELEASE-NOTES.md"
  (cd "$dir" && sha256sum "$kind.tar.xz" "$kind.tar.zst" "$kind.tar.bz2" >SHA256SUMS)
  for file in SHA256SUMS "$kind.tar.xz" "$kind.tar.zst" "$kind.tar.bz2"; do
    gpg_sign "$dir/$file"
  done
fi

{
  feed_header local "data/"
  cat <<TOML

[[release]]
version = "$kind"
date = 2026-01-01
channel = "$kind"
notes = "$kind/RELEASE-NOTES.md"
checksums = "$kind/SHA256SUMS"
checksums_signature = "$kind/SHA256SUMS.asc"
TOML
  for ext in xz zst bz2; do
    cat <<TOML

  [[release.artifact]]
  platform = "${platform[$ext]}"
  file = "$kind/$kind.tar.$ext"
  signature = "$kind/$kind.tar.$ext.asc"
TOML
  done
} >"$work/feed/feed.toml"

verify() {
  "$intake" verify "$work/feed/feed.toml" --release "$kind" --platform "$1" \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store
}

for ext in xz zst bz2; do
  file="$dir/$kind.tar.$ext"
  # The verdicts must be real: intake must approve every archive.
  verify "${platform[$ext]}" >"$work/last.txt" 2>&1 || { echo "intake did not approve tar.$ext:"; cat "$work/last.txt"; exit 1; }
done
echo "== $kind ($(du -m "$dir/$kind.tar.xz" | cut -f1) MiB xz, $(du -m "$dir/$kind.tar.zst" | cut -f1) MiB zst, $(du -m "$dir/$kind.tar.bz2" | cut -f1) MiB bz2), best of $runs =="
for ext in xz zst bz2; do
  file="$dir/$kind.tar.$ext"
  best_of "${tool[$ext]}" sh -c "${tool[$ext]} '$file' >/dev/null"
  best_of "intake verify tar.$ext" verify "${platform[$ext]}"
done
for ext in xz zst bz2; do
  rss=$( { /usr/bin/time -f %M "$intake" verify "$work/feed/feed.toml" --release "$kind" --platform "${platform[$ext]}" \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store >/dev/null; } 2>&1 | tail -1)
  printf '  intake tar.%-4s / %-14s %sx   peak RSS %.1f MiB\n' "$ext" "${tool[$ext]}" \
    "$(ratio "intake verify tar.$ext" "${tool[$ext]}")" "$(echo "$rss / 1024" | bc -l)"
done
rm -rf "$work/checklists"
