#!/usr/bin/env bash
# Benchmark: `intake verify` (checksum + OpenPGP signature in one read pass) against
# the well-known tools on the same 2 GiB artifact, in one run:
#   openssl dgst -sha256   (the hashing floor)
#   sha256sum              (what operators run today)
#   gpgv                   (what operators run today)
# The key and both signatures are made by GnuPG, so this also shows intake
# verifying GnuPG's output. Prints best-of-N times, ratios and intake's peak RSS.
#
# Usage: scripts/bench-verify.sh [WORKDIR] [SIZE_MIB] [RUNS]
# Needs: cargo, gpg, gpgv, openssl, sha256sum, /usr/bin/time (all on the project machine).
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-verify}
size_mib=${2:-2048}
runs=${3:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)

echo "building intake (release)..." >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin intake
intake="$repo/target/release/intake"

mkdir -p "$work/feed/data" "$work/gnupg" "$work/checklists"
chmod 700 "$work/gnupg"
export GNUPGHOME="$work/gnupg"
artifact="$work/feed/data/artifact.bin"

if [ ! -s "$artifact" ] || [ "$(stat -c %s "$artifact")" -ne $((size_mib * 1048576)) ]; then
  echo "making a ${size_mib} MiB artifact..." >&2
  dd if=/dev/urandom of="$artifact" bs=1M count="$size_mib" status=none
  rm -f "$artifact.asc" "$work/feed/data/SHA256SUMS"*
fi
if ! gpg --batch --list-secret-keys bench@intake.example >/dev/null 2>&1; then
  gpg --batch --quiet --passphrase '' --quick-gen-key "intake bench <bench@intake.example>" ed25519 sign never
fi
fpr=$(gpg --batch --with-colons --list-keys bench@intake.example | awk -F: '/^fpr/ {print $10; exit}')
gpg --batch --yes --armor --export bench@intake.example >"$work/feed/key.asc"
gpg --batch --yes --export bench@intake.example >"$work/key.gpg"
if [ ! -s "$artifact.asc" ]; then
  echo "signing with gpg (SHA-256)..." >&2
  gpg --batch --yes --digest-algo SHA256 --armor --detach-sign -o "$artifact.asc" "$artifact"
  (cd "$work/feed/data" && openssl dgst -sha256 -r artifact.bin | sed 's/ \*/  /' >SHA256SUMS)
  gpg --batch --yes --digest-algo SHA256 --armor --detach-sign -o "$work/feed/data/SHA256SUMS.asc" "$work/feed/data/SHA256SUMS"
fi
cat >"$work/feed/feed.toml" <<TOML
[product]
name = "Benchmark product"
vendor = "intake bench"
id = "bench"

[trust]
certificates = ["key.asc"]
fingerprints = ["$fpr"]

[[source]]
name = "local"
url = "data/"

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

# best_of NAME CMD...: runs CMD $runs times (after one warm-up), keeps the best wall time.
declare -A best
best_of() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local b=
  for _ in $(seq "$runs"); do
    local t0 t1 t
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
  done
  best[$name]=$b
  printf '%-34s %8.3f s\n' "$name" "$b"
}

run_intake() {
  "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists"
}

echo "== ${size_mib} MiB, best of $runs =="
best_of "openssl dgst -sha256" openssl dgst -sha256 "$artifact"
best_of "sha256sum" sha256sum "$artifact"
best_of "gpgv (detached, SHA-256)" gpgv --keyring "$work/key.gpg" "$artifact.asc" "$artifact"
best_of "intake verify (checksum+signature)" run_intake

# The verdict must be real: intake must approve these files.
run_intake >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
rss=$( { /usr/bin/time -f %M "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 \
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" >/dev/null; } 2>&1 | tail -1)

pipeline=$(echo "${best[sha256sum]} + ${best[gpgv (detached, SHA-256)]}" | bc -l)
echo
printf 'intake / openssl dgst -sha256       %6.2fx   (target <= 1.25x)\n' "$(echo "${best[intake verify (checksum+signature)]} / ${best[openssl dgst -sha256]}" | bc -l)"
printf 'intake / (sha256sum + gpgv)         %6.2fx   (target <= 0.20x)\n' "$(echo "${best[intake verify (checksum+signature)]} / $pipeline" | bc -l)"
printf 'intake peak RSS                     %6.1f MiB (target < 64 MiB)\n' "$(echo "$rss / 1024" | bc -l)"
rm -rf "$work/checklists"
