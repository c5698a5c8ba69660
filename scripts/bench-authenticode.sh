#!/usr/bin/env bash
# Benchmark: `intake verify` of a ~300 MiB Authenticode-signed PE image (the
# image digest computed in the one read pass, beside the artifact's SHA-256;
# the PKCS#7 signature judged against the pinned publisher) against
# `osslsigncode verify` on the same file, which reads it more than once.
# Target: intake's whole review at most 0.5x osslsigncode's time, peak RSS at
# most 64 MiB.
#
# The image is a minimal 64-bit PE (headers and one section of random bytes)
# written here; the publisher is a CA and a code-signing certificate made with
# openssl (ECDSA P-256); osslsigncode signs it (SHA-256, no timestamp: the
# review waives authenticode.timestamp).
#
# Usage: scripts/bench-authenticode.sh [WORKDIR] [SIZE_MIB] [RUNS]
# Needs: cargo, python3, openssl, osslsigncode, gpg, sha256sum, bc, /usr/bin/time.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-authenticode}
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

exe="$data/bench-1.0.exe"
if [ ! -s "$data/SHA256SUMS.asc" ] || [ "$(du -m "$exe" | cut -f1)" -lt "$size" ]; then
  echo "making a ${size} MiB PE image and signing it..." >&2
  python3 - "$work/unsigned.exe" "$size" <<'PY'
import os, struct, sys
out, mib = sys.argv[1], int(sys.argv[2])
align = 0x200
body = mib * (1 << 20) - align
h = bytearray(align)
h[0:2] = b"MZ"; struct.pack_into("<I", h, 0x3c, 0x80); h[0x80:0x84] = b"PE\0\0"
coff, opt = 0x84, 0x98
struct.pack_into("<HHIIIHH", h, coff, 0x8664, 1, 0x65000000, 0, 0, 240, 0x22)
struct.pack_into("<HBB", h, opt, 0x20b, 14, 0)
struct.pack_into("<IIIII", h, opt + 4, body, 0, 0, 0x1000, 0x1000)
struct.pack_into("<Q", h, opt + 24, 0x140000000)
struct.pack_into("<II", h, opt + 32, 0x1000, align)
struct.pack_into("<HHHHHH", h, opt + 40, 6, 0, 0, 0, 6, 0)
struct.pack_into("<II", h, opt + 56, 0x1000 + (body + 0xfff) // 0x1000 * 0x1000, align)
struct.pack_into("<HH", h, opt + 68, 3, 0x8160)
struct.pack_into("<QQQQ", h, opt + 72, 0x100000, 0x1000, 0x100000, 0x1000)
struct.pack_into("<I", h, opt + 108, 16)
sec = opt + 240
h[sec:sec + 5] = b".text"
struct.pack_into("<IIII", h, sec + 8, body, 0x1000, body, align)
struct.pack_into("<I", h, sec + 36, 0x60000020)
with open(out, "wb") as f:
    f.write(h)
    left = body
    while left:
        n = min(left, 1 << 24)
        f.write(os.urandom(n))
        left -= n
PY
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
  rm -f "$exe"
  osslsigncode sign -certs "$pki/chain.pem" -key "$pki/sign.key" -h sha256 \
    -in "$work/unsigned.exe" -out "$exe" >/dev/null
  rm -f "$work/unsigned.exe"
  cp "$pki/ca.pem" "$work/feed/publisher-ca.pem"
  (cd "$data" && sha256sum "$(basename "$exe")" >SHA256SUMS)
  gpg_sign "$data/SHA256SUMS"
fi

{
  feed_header local "data/"
  cat <<TOML
authenticode = ["publisher-ca.pem"]

[[release]]
version = "1.0"
date = 2026-01-01
channel = "stable"
checksums = "SHA256SUMS"
checksums_signature = "SHA256SUMS.asc"

  [[release.artifact]]
  platform = "windows-x86_64"
  file = "$(basename "$exe")"
TOML
} >"$work/feed/feed.toml.tmp"
# `authenticode` belongs to [trust]: put it under the trust table.
python3 - "$work/feed/feed.toml.tmp" "$work/feed/feed.toml" <<'PY'
import sys
text = open(sys.argv[1]).read()
line = 'authenticode = ["publisher-ca.pem"]\n'
text = text.replace(line, "").replace("\n[[source]]", line + "\n[[source]]", 1)
open(sys.argv[2], "w").write(text)
PY
rm -f "$work/feed/feed.toml.tmp"

verify() {
  "$intake" verify "$work/feed/feed.toml" --release 1.0 --platform windows-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store \
    --waive "authenticode.timestamp=benchmark file, signed without a timestamp"
}
ossl() {
  osslsigncode verify -CAfile "$work/pki/ca.pem" -in "$exe"
}

# The verdicts must be real: both must accept the file.
verify >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
grep -q 'authenticode.signature *signed by intake bench' "$work/last.txt" || { echo "the Authenticode signature was not judged good:"; cat "$work/last.txt"; exit 1; }
ossl >"$work/ossl.txt" 2>&1 || { echo "osslsigncode did not verify:"; cat "$work/ossl.txt"; exit 1; }
echo "== signed PE $(du -m "$exe" | cut -f1) MiB, best of $runs =="
best_of "sha256sum" sh -c "sha256sum '$exe' >/dev/null"
best_of "osslsigncode verify" ossl
best_of "intake verify (whole review)" verify
rss=$( { /usr/bin/time -f %M "$intake" verify "$work/feed/feed.toml" --release 1.0 --platform windows-x86_64 \
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store \
  --waive "authenticode.timestamp=benchmark" >/dev/null; } 2>&1 | tail -1)
echo "  intake / osslsigncode verify     $(ratio "intake verify (whole review)" "osslsigncode verify")x"
printf '  intake peak RSS                  %.1f MiB\n' "$(echo "$rss / 1024" | bc -l)"
rm -rf "$work/checklists"
