#!/usr/bin/env bash
# Benchmark: `intake verify` of a container image shipped as an OCI image
# layout folder (~SIZE_MIB of blobs, 8 gzip layers: one read of every blob,
# each layer decompressed and walked with the root-filesystem rules, the
# chain from the pinned digest checked) against what an operator would run
# by hand on the same folder: `sha256sum` of every blob, then `tar -tzf` of
# every layer. Target: intake's whole review at most 0.3x that, peak RSS at
# most 128 MiB.
#
# The layers are tars of files (half random bytes, half text that gzip
# compresses well) written by python3 and compressed with `gzip -6`; the
# config, manifest and index are written here with their digests.
#
# Usage: scripts/bench-oci.sh [WORKDIR] [SIZE_MIB] [RUNS]   (default 1024 MiB, 3 runs)
# Needs: cargo, python3, gzip, tar, gpg, sha256sum, bc, /usr/bin/time.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-oci}
size=${2:-1024}
runs=${3:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake
isolate_history "$work"
gpg_setup "$work"
data="$work/feed/data"
layout="$data/bench-1.0.oci"
mkdir -p "$data"
cp "$work/key.asc" "$work/feed/key.asc"

if [ ! -s "$work/pinned" ] || [ "$(cat "$work/size")" != "$size" ]; then
  echo "making a ${size} MiB image layout (8 gzip layers)..." >&2
  rm -rf "$layout"
  mkdir -p "$layout/blobs/sha256" "$work/layers"
  per_layer=$((size / 8))
  for i in $(seq 8); do
    python3 - "$work/layers/layer-$i.tar" "$per_layer" "$i" <<'PY'
import io, os, random, sys, tarfile
out, mib, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
words = [("w%05d" % rng.randrange(100000)).encode() for _ in range(5000)]
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
    written, n = 0, 0
    while written < mib << 20:
        if n % 2:
            data = os.urandom(1 << 20)
        else:
            data = b" ".join(rng.choice(words) for _ in range(300000))[: 2 << 20]
        info = tarfile.TarInfo("layer%d/usr/share/bench/file-%05d" % (seed, n))
        info.size, info.mode, info.mtime = len(data), 0o644, 1767225600
        tar.addfile(info, io.BytesIO(data))
        written += len(data) // (3 if n % 2 == 0 else 1)
        n += 1
PY
    gzip -6 -n -c "$work/layers/layer-$i.tar" >"$work/layers/layer-$i.tar.gz"
  done
  python3 - "$work/layers" "$layout" <<'PY'
import hashlib, json, os, shutil, sys
layers, layout = sys.argv[1], sys.argv[2]
blobs = os.path.join(layout, "blobs", "sha256")
def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
descs, diff_ids = [], []
for i in range(1, 9):
    diff_ids.append("sha256:" + sha(os.path.join(layers, "layer-%d.tar" % i)))
    gz = os.path.join(layers, "layer-%d.tar.gz" % i)
    d = sha(gz)
    shutil.copy(gz, os.path.join(blobs, d))
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                  "digest": "sha256:" + d, "size": os.path.getsize(gz)})
config = put(json.dumps({"architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode())
config["mediaType"] = "application/vnd.oci.image.config.v1+json"
manifest = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": config, "layers": descs}).encode())
manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
manifest["platform"] = {"os": "linux", "architecture": "amd64"}
open(os.path.join(layout, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [manifest]}))
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
  python3 - "$layout" >"$work/pinned" <<'PY'
import json, sys
print(json.load(open(sys.argv[1] + "/index.json"))["manifests"][0]["digest"])
PY
  echo "$size" >"$work/size"
  rm -rf "$work/layers"
  : >"$data/SHA256SUMS"
fi
pinned=$(cat "$work/pinned")

cat >"$work/feed/feed.toml" <<TOML
[product]
name = "Benchmark image"
vendor = "intake bench"
id = "bench"

[trust]
certificates = ["key.asc"]
fingerprints = ["$fpr"]
signatures = "optional"

[[source]]
name = "local"
url = "data/"

[[release]]
version = "1.0"
date = 2026-01-01
channel = "stable"
checksums = "SHA256SUMS"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "bench-1.0.oci"
  digest = "$pinned"
TOML

verify() {
  "$intake" verify "$work/feed/feed.toml" --release 1.0 --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store \
    --waive "archive.contents=benchmark image, no release notes"
}
by_hand() {
  sha256sum "$layout"/blobs/sha256/* >/dev/null
  for blob in "$layout"/blobs/sha256/*; do
    if [ "$(head -c 2 "$blob" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
      tar -tzf "$blob" >/dev/null
    fi
  done
}

verify >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
grep -q 'image.digest' "$work/last.txt" || { echo "no image.digest:"; cat "$work/last.txt"; exit 1; }
echo "== OCI layout $(du -sm "$layout" | cut -f1) MiB, 8 gzip layers, best of $runs =="
best_of "sha256sum of every blob + tar -tzf of every layer" by_hand
best_of "intake verify (whole review)" verify
rss=$(peak_rss_mib "$intake" verify "$work/feed/feed.toml" --release 1.0 --platform linux-x86_64 \
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store \
  --waive "archive.contents=benchmark")
echo "  intake / by hand                 $(ratio "intake verify (whole review)" "sha256sum of every blob + tar -tzf of every layer")x"
echo "  intake peak RSS                  ${rss} MiB"
rm -rf "$work/checklists"
