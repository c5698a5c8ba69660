#!/usr/bin/env bash
# Benchmark: `intake verify` (checksum + OpenPGP signature in one read pass) against
# the well-known tools on the same 2 GiB artifact, in one run:
#   openssl dgst -sha256   (the hashing floor)
#   sha256sum              (what operators run today)
#   gpgv                   (what operators run today)
# The key and both signatures are made by GnuPG, so this also shows intake
# verifying GnuPG's output. Prints best-of-N times, ratios and intake's peak RSS.
# The review runs with --no-store (verification alone); a second measurement keeps
# a copy in the store, against `openssl dgst -sha256 && cp` (hash and copy).
#
# Usage: scripts/bench-verify.sh [WORKDIR] [SIZE_MIB] [RUNS]
# Needs: cargo, gpg, gpgv, openssl, sha256sum, bc, /usr/bin/time.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-verify}
size_mib=${2:-2048}
runs=${3:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake

mkdir -p "$work/feed/data"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"
artifact="$work/feed/data/artifact.bin"
if [ ! -s "$artifact" ] || [ "$(stat -c %s "$artifact")" -ne $((size_mib * 1048576)) ]; then
  echo "making a ${size_mib} MiB artifact..." >&2
  dd if=/dev/urandom of="$artifact" bs=1M count="$size_mib" status=none
  rm -f "$artifact.asc"
fi
if [ ! -s "$artifact.asc" ]; then
  echo "signing with gpg (SHA-256)..." >&2
  gpg_sign "$artifact"
  (cd "$work/feed/data" && openssl dgst -sha256 -r artifact.bin | sed 's/ \*/  /' >SHA256SUMS)
  gpg_sign "$work/feed/data/SHA256SUMS"
fi
{
  feed_header local "data/"
  cat <<TOML

[[release]]
version = "1.0.0"
date = 2026-01-01
channel = "stable"
checksums = "SHA256SUMS"
checksums_signature = "SHA256SUMS.asc"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "artifact.bin"
  signature = "artifact.bin.asc"
  size = $(stat -c %s "$artifact")
TOML
} >"$work/feed/feed.toml"

run_intake() {
  "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store
}
run_intake_store() {
  rm -rf "$work/store"
  "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --store "$work/store"
}
hash_and_copy() {
  rm -f "$work/copy.bin"
  openssl dgst -sha256 "$artifact" && cp "$artifact" "$work/copy.bin"
}

echo "== ${size_mib} MiB, best of $runs =="
best_of "openssl dgst -sha256" openssl dgst -sha256 "$artifact"
best_of "sha256sum" sha256sum "$artifact"
best_of "gpgv" gpgv --keyring "$work/key.gpg" "$artifact.asc" "$artifact"
best_of "intake" run_intake
best_of "openssl dgst -sha256 && cp" hash_and_copy
best_of "intake, keeping a copy in the store" run_intake_store

# The verdict must be real: intake must approve these files.
run_intake >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
rss=$( { /usr/bin/time -f %M "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 \
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store >/dev/null; } 2>&1 | tail -1)
best[pipeline]=$(echo "${best[sha256sum]} + ${best[gpgv]}" | bc -l)

echo
echo "intake / openssl dgst -sha256    $(ratio intake "openssl dgst -sha256")x  (target <= 1.25x)"
echo "intake / (sha256sum + gpgv)      $(ratio intake pipeline)x  (target <= 0.20x)"
printf 'intake peak RSS                  %.1f MiB  (target < 64 MiB)\n' "$(echo "$rss / 1024" | bc -l)"
echo "intake, keeping a copy in the store / (openssl dgst -sha256 && cp)   $(ratio "intake, keeping a copy in the store" "openssl dgst -sha256 && cp")x"
rm -rf "$work/checklists" "$work/store" "$work/copy.bin"
