#!/usr/bin/env bash
# Benchmark: `intake recheck` of an installed tree of 20,000 files (~1.09 GB, the
# random-heavy tree of scripts/gen-tree.py) against `sha256sum -c` over the same files
# with a checksum list made from the same manifest, in one run.
#
# Usage: scripts/bench-recheck.sh [WORKDIR] [RUNS]
# Needs: cargo, python3, tar, gpg, sha256sum, bc.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-recheck}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake

tree="$work/installed"
data="$work/feed/data"
mkdir -p "$tree" "$data"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"
if [ ! -s "$data/SHA256SUMS.asc" ]; then
  echo "making the tree, its archive, notes and signatures..." >&2
  rm -rf "$tree"/*
  python3 "$repo/scripts/gen-tree.py" random-heavy "$tree" app 1 >"$work/tree.tsv"
  (cd "$tree" && tar -cf "$data/app.tar" app)
  {
    printf '# app\n\n## Contents: app.tar\n\n| path | size | sha256 |\n|---|---|---|\n'
    awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$work/tree.tsv"
  } >"$data/RELEASE-NOTES.md"
  (cd "$data" && sha256sum app.tar >SHA256SUMS)
  gpg_sign "$data/SHA256SUMS"
fi
{
  feed_header local "data/"
  cat <<TOML

[[release]]
version = "1.0.0"
date = 2026-01-01
channel = "stable"
notes = "RELEASE-NOTES.md"
checksums = "SHA256SUMS"
checksums_signature = "SHA256SUMS.asc"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "app.tar"
TOML
} >"$work/feed/feed.toml"
rm -rf "$work/checklists"
"$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 --operator bench-operator \
  --approver bench-approver --checklist-dir "$work/checklists" --no-store >"$work/review.txt" 2>&1 \
  || { echo "the review was not approved:"; cat "$work/review.txt"; exit 1; }
checklist=$(ls "$work"/checklists/*.toml)
# The same manifest, in sha256sum's format (files only).
awk -F'\t' '$4 == "file" { print $1 "  " $5 }' "${checklist%.toml}.manifest" >"$work/installed.sha256"
echo "== recheck of $(wc -l <"$work/installed.sha256") files, $(du -sm "$tree" | cut -f1) MiB, best of $runs =="
best_of "sha256sum -c" sh -c "cd '$tree' && sha256sum -c --quiet '$work/installed.sha256'"
best_of "intake recheck" "$intake" recheck "$checklist" "$tree"
"$intake" recheck "$checklist" "$tree" | tail -1
echo "  intake recheck / sha256sum -c   $(ratio "intake recheck" "sha256sum -c")x  (target <= 0.25x)"
