#!/usr/bin/env bash
# Benchmark: `intake verify` of a ~300 MiB Authenticode-signed MSI (the
# compound file's structure accounted for, the content digest over every
# stream in the signers' order, the tables read, the embedded cabinet's file
# hashed, the signature judged against the pinned publisher) against
# `osslsigncode verify` on the same file, in the same run.
# Target: intake's whole review at most 0.5x osslsigncode's time, peak RSS at
# most 64 MiB.
#
# The package is made by the test kit (`examples/make_msi.rs`: the connector's
# tables around one file of noise in an uncompressed embedded cabinet); the
# publisher is a CA and a code-signing certificate made with openssl (ECDSA
# P-256); osslsigncode signs it (SHA-256, no timestamp: the review waives
# authenticode.timestamp, and the custom actions' and contents' warnings).
#
# Usage: scripts/bench-msi.sh [WORKDIR] [SIZE_MIB] [RUNS]
# Needs: cargo, openssl, osslsigncode, gpg, sha256sum, bc, /usr/bin/time.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-msi}
size=${2:-300}
runs=${3:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake

isolate_history "$work"
data="$work/feed/data"
mkdir -p "$data"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"

msi="$data/bench-1.0.msi"
if [ ! -s "$data/SHA256SUMS.asc" ] || [ "$(du -m "$msi" | cut -f1)" -lt "$size" ]; then
  echo "making a ${size} MiB MSI and signing it..." >&2
  cargo run --quiet --manifest-path "$repo/Cargo.toml" --features testkit --example make_msi -- \
    "$work/unsigned.msi" "$size"
  pki="$work/pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/O=intake bench/CN=intake bench Root CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/O=intake bench/CN=intake bench Code Signing" -keyout "$pki/sign.key" -out "$pki/sign.csr" 2>/dev/null
  printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >"$pki/ext.cnf"
  openssl x509 -req -in "$pki/sign.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -extfile "$pki/ext.cnf" -out "$pki/sign.pem" 2>/dev/null
  cat "$pki/sign.pem" "$pki/ca.pem" >"$pki/chain.pem"
  rm -f "$msi"
  osslsigncode sign -certs "$pki/chain.pem" -key "$pki/sign.key" -h sha256 \
    -in "$work/unsigned.msi" -out "$msi" >/dev/null
  rm -f "$work/unsigned.msi"
  cp "$pki/ca.pem" "$work/feed/publisher-ca.pem"
  (cd "$data" && sha256sum "$(basename "$msi")" >SHA256SUMS)
  gpg_sign "$data/SHA256SUMS"
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
  platform = "windows-x86_64"
  file = "$(basename "$msi")"
TOML
} | sed 's/^\[\[source\]\]$/authenticode = ["publisher-ca.pem"]\n\n[[source]]/' >"$work/feed/feed.toml"

review() {
  "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform windows-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store \
    --waive "authenticode.timestamp=benchmark file, signed without a timestamp" \
    --waive "archive.contents=benchmark file, no release notes" \
    --waive "package.scripts=benchmark: the connector's demo custom actions" "$@"
}
ossl() {
  osslsigncode verify -CAfile "$work/pki/ca.pem" -in "$msi"
}

# The verdicts must be real: both must accept the file.
review >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
grep -q 'authenticode.signature *signed by intake bench' "$work/last.txt" || { echo "the Authenticode signature was not judged good:"; cat "$work/last.txt"; exit 1; }
grep -q 'archive.safety *no findings in 1 entries' "$work/last.txt" || { echo "the package's file was not listed:"; cat "$work/last.txt"; exit 1; }
ossl >"$work/ossl.txt" 2>&1 || { echo "osslsigncode did not verify:"; cat "$work/ossl.txt"; exit 1; }
echo "== signed MSI $(du -m "$msi" | cut -f1) MiB, best of $runs =="
best_of "sha256sum" sh -c "sha256sum '$msi' >/dev/null"
best_of "osslsigncode verify" ossl
best_of "intake verify (whole review, --format json)" review --format json
rss=$(peak_rss_mib "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform windows-x86_64 \
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store \
  --waive "authenticode.timestamp=benchmark" --waive "archive.contents=benchmark" \
  --waive "package.scripts=benchmark" --format json)
ossl_rss=$(peak_rss_mib osslsigncode verify -CAfile "$work/pki/ca.pem" -in "$msi")
echo "  intake / osslsigncode verify     $(ratio "intake verify (whole review, --format json)" "osslsigncode verify")x"
echo "  intake peak RSS                  ${rss} MiB (osslsigncode: ${ossl_rss} MiB)"
rm -rf "$work/checklists"
