#!/usr/bin/env bash
# Benchmark: downloading and verifying a 1 GiB artifact from a server on 127.0.0.1,
# in one run:
#   intake verify (fetch + checksum + signature, one pass while receiving)
#   vs  curl -o file && sha256sum file
#   vs  curl -o /dev/null            (the transfer floor)
#   and curl -o file                 (the transfer and the disk write a resumable download needs)
# once as fast as loopback goes (server and client share the machine's cores), and once
# with the server paced at 100 MB/s, as on a 1 Gbit/s link;
# and a resume after the first transfer is cut at 50 %: total bytes sent / file size.
# The server is the test server (examples/serve.rs), serving files from disk.
#
# Usage: scripts/bench-fetch.sh [WORKDIR] [SIZE_MIB] [RUNS]
# Needs: cargo, curl, gpg, sha256sum, openssl, bc.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-fetch}
size_mib=${2:-1024}
runs=${3:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

echo "building intake and the test server (release)..." >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --features testkit --bin intake --example serve
intake="$repo/target/release/intake"
serve="$repo/target/release/examples/serve"

site="$work/site"
mkdir -p "$site/1.0.0" "$work/feed"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"
artifact="$site/1.0.0/artifact.bin"
if [ ! -s "$artifact" ] || [ "$(stat -c %s "$artifact")" -ne $((size_mib * 1048576)) ]; then
  echo "making a ${size_mib} MiB artifact..." >&2
  dd if=/dev/urandom of="$artifact" bs=1M count="$size_mib" status=none
  (cd "$site/1.0.0" && openssl dgst -sha256 -r artifact.bin | sed 's/ \*/  /' >SHA256SUMS)
  gpg_sign "$site/1.0.0/SHA256SUMS"
fi
size=$(stat -c %s "$artifact")

start_server() { # [--cut FILE:BYTES]
  rm -f "$site/.served-bytes"
  "$serve" "$site" "$@" >"$work/server.url" &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$work/server.url" ] && break; sleep 0.1; done
  url=$(cat "$work/server.url")
}
stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT

start_server
{
  feed_header local-server "$url"
  cat <<TOML

[[release]]
version = "1.0.0"
date = 2026-01-01
channel = "stable"
checksums = "1.0.0/SHA256SUMS"
checksums_signature = "1.0.0/SHA256SUMS.asc"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "1.0.0/artifact.bin"
  size = $size
TOML
} >"$work/feed/feed.toml"

run_intake() {
  rm -rf "$work/cache" "$work/store" "$work/checklists"
  "$intake" verify "$work/feed/feed.toml" --release 1.0.0 --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" \
    --cache-dir "$work/cache" --store "$work/store"
}
curl_and_hash() { curl -s -o "$work/download.bin" "${url}1.0.0/artifact.bin" && sha256sum "$work/download.bin"; }

run_intake >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
echo "== ${size_mib} MiB from $url, best of $runs =="
best_of "curl -o /dev/null" curl -s -o /dev/null "${url}1.0.0/artifact.bin"
best_of "curl -o file" curl -s -o "$work/download.bin" "${url}1.0.0/artifact.bin"
best_of "curl -o file && sha256sum file" curl_and_hash
best_of "intake verify" run_intake
echo "  intake / (curl -o file && sha256sum)   $(ratio "intake verify" "curl -o file && sha256sum file")x  (target <= 0.4x)"
echo "  intake / curl -o /dev/null             $(ratio "intake verify" "curl -o /dev/null")x  (target <= 1.3x)"
echo "  intake / curl -o file                  $(ratio "intake verify" "curl -o file")x  (both write the download to disk)"

echo "== the same, the server paced at 100 MB/s (a 1 Gbit/s link: the network is the bottleneck) =="
stop_server
start_server --rate 100000000
sed -i "s#^url = .*#url = \"$url\"#" "$work/feed/feed.toml"
best_of "paced: curl -o /dev/null" curl -s -o /dev/null "${url}1.0.0/artifact.bin"
best_of "paced: intake verify" run_intake
echo "  intake / curl -o /dev/null             $(ratio "paced: intake verify" "paced: curl -o /dev/null")x  (hashing and writing hide behind the transfer)"

echo "== resume after a cut at 50 % =="
stop_server
start_server --cut "1.0.0/artifact.bin:$((size / 2))"
sed -i "s#^url = .*#url = \"$url\"#" "$work/feed/feed.toml"
run_intake >"$work/resume.txt" 2>&1 || { echo "intake did not approve after the cut:"; cat "$work/resume.txt"; exit 1; }
sleep 0.3
sent=$(cat "$site/.served-bytes")
evidence=$(( $(stat -c %s "$site/1.0.0/SHA256SUMS") + $(stat -c %s "$site/1.0.0/SHA256SUMS.asc") ))
printf '  bytes sent for the artifact / its size   %.3fx  (target <= 1.05x)\n' "$(echo "($sent - $evidence) / $size" | bc -l)"
grep -q "resuming" "$work"/checklists/*.toml && echo "  (the checklist's step log records the resume)"
rm -f "$work/download.bin"
