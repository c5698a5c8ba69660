#!/usr/bin/env bash
# Benchmark: `intake verify` of archives (checksum + signature + every entry hashed +
# safety + contents against the release notes) against the well-known tools, on
# generated trees of ~20,000 files, in one run:
#   tar.gz  vs  gzip -dc > /dev/null
#           vs  sha256sum && gpgv && tar -tvzf     (which hashes no entry)
#   zip     vs  unzip -tq                          (which also reads all data)
# and intake's peak RSS on a 100,000-entry archive.
#
# Trees (scripts/gen-tree.py, seeded): "random-heavy" ~1.09 GB, mostly incompressible;
# "source-like" ~325 MB of text compressing about 5:1.
#
# Usage: scripts/bench-inspect.sh [WORKDIR] [RUNS]
# Needs: cargo, python3, tar, gzip, zip, unzip, gpg, gpgv, sha256sum, bc, /usr/bin/time.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-inspect}
runs=${2:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake

isolate_history "$work"
data="$work/feed/data"
mkdir -p "$data" "$work/trees"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"

# make KIND SEED: the tree, its tar.gz and zip, notes, checksums and signatures.
make() {
  local kind=$1 seed=$2 dir="$data/$1"
  if [ -s "$dir/SHA256SUMS.asc" ]; then return; fi
  echo "making the $kind tree and archives (a few minutes)..." >&2
  rm -rf "$work/trees/$kind" "$dir"
  mkdir -p "$work/trees/$kind" "$dir"
  python3 "$repo/scripts/gen-tree.py" "$kind" "$work/trees/$kind" "$kind" "$seed" >"$work/$kind.tsv"
  (cd "$work/trees/$kind" && tar -czf "$dir/$kind.tar.gz" "$kind" && zip -r -q "$dir/$kind.zip" "$kind")
  {
    echo "# $kind"
    for file in "$kind.tar.gz" "$kind.zip"; do
      printf '\n## Contents: %s\n\n| path | size | sha256 |\n|---|---|---|\n' "$file"
      awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$work/$kind.tsv"
    done
  } >"$dir/RELEASE-NOTES.md"
  (cd "$dir" && sha256sum "$kind.tar.gz" "$kind.zip" >SHA256SUMS)
  gpg_sign "$dir/SHA256SUMS"
  gpg_sign "$dir/$kind.tar.gz"
  gpg_sign "$dir/$kind.zip"
  rm -rf "$work/trees/$kind"
}
make random-heavy 1
make source-like 2
make many 3

{
  feed_header local "data/"
  for kind in random-heavy source-like many; do
    cat <<TOML

[[release]]
version = "$kind"
date = 2026-01-01
channel = "$kind"
notes = "$kind/RELEASE-NOTES.md"
checksums = "$kind/SHA256SUMS"
checksums_signature = "$kind/SHA256SUMS.asc"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "$kind/$kind.tar.gz"
  signature = "$kind/$kind.tar.gz.asc"

  [[release.artifact]]
  platform = "windows-x86_64"
  file = "$kind/$kind.zip"
  signature = "$kind/$kind.zip.asc"
TOML
  done
} >"$work/feed/feed.toml"

verify() {
  "$intake" verify "$work/feed/feed.toml" --release "$1" --platform "$2" \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store
}
pipeline() {
  sha256sum "$1" && gpgv --keyring "$work/key.gpg" "$1.asc" "$1" && tar -tvzf "$1"
}

for kind in random-heavy source-like; do
  tgz="$data/$kind/$kind.tar.gz" zip="$data/$kind/$kind.zip"
  # The verdicts must be real: intake must approve both archives.
  for platform in linux-x86_64 windows-x86_64; do
    verify "$kind" "$platform" >"$work/last.txt" 2>&1 || { echo "intake did not approve $kind $platform:"; cat "$work/last.txt"; exit 1; }
  done
  echo "== $kind: tar.gz $(du -m "$tgz" | cut -f1) MiB, zip $(du -m "$zip" | cut -f1) MiB, best of $runs =="
  best_of "$kind gzip -dc" sh -c "gzip -dc '$tgz' >/dev/null"
  best_of "$kind sha256sum && gpgv && tar -tvzf" pipeline "$tgz"
  best_of "$kind intake verify tar.gz" verify "$kind" linux-x86_64
  best_of "$kind unzip -tq" unzip -tq "$zip"
  best_of "$kind intake verify zip" verify "$kind" windows-x86_64
  echo "  intake tar.gz / gzip -dc        $(ratio "$kind intake verify tar.gz" "$kind gzip -dc")x  (target <= 0.5x)"
  echo "  intake tar.gz / pipeline        $(ratio "$kind intake verify tar.gz" "$kind sha256sum && gpgv && tar -tvzf")x  (target <= 0.2x)"
  echo "  intake zip / unzip -tq          $(ratio "$kind intake verify zip" "$kind unzip -tq")x  (target <= 0.4x)"
done

echo "== 100,000 entries =="
for platform in linux-x86_64 windows-x86_64; do
  # A history of its own: "many" sorts before the releases approved above.
  rss=$( { XDG_DATA_HOME="$work/data-many" /usr/bin/time -f %M "$intake" verify "$work/feed/feed.toml" --release many --platform "$platform" \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" >/dev/null; } 2>&1 | tail -1)
  printf '  intake peak RSS, %-15s %.1f MiB  (target <= 128 MiB)\n' "$platform" "$(echo "$rss / 1024" | bc -l)"
done
rm -rf "$work/checklists"
