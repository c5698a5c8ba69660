#!/usr/bin/env bash
# The SBOM comparison and what an SBOM adds to a review.
#
# 1. A 100,000-component CycloneDX SBOM compared with a 100,000-component
#    baseline (examples/sbom_bench.rs: read both as a review does, match by
#    package URL, order versions): wall time and peak memory, beside Python's
#    json module loading both and matching them in dicts (the same task with
#    no intake), in one run. The issue's bounds: <= 1 s and <= 256 MiB.
# 2. The review of the demo release 4.2.1 (`intake verify`, offline) with its
#    SBOM against the same feed with the `sbom` line removed, alternating,
#    best of N each. The issue's bound: no slower than without by more than 10 %.
#
# Usage: scripts/bench-sbom.sh [COMPONENTS] [RUNS]   (defaults 100000, 15)
# Needs: cargo, python3, GNU time (/usr/bin/time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-100000}
runs=${2:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$root
source scripts/bench-lib.sh

cargo build --release --quiet --bin intake --example sbom_bench
intake=target/release/intake
bench=target/release/examples/sbom_bench
"$bench" make "$work" "$n" >/dev/null
ls -l "$work"/*.cdx.json | awk '{printf "  %s %d bytes\n", $9, $5}'

cat >"$work/compare.py" <<'PY'
import json, sys
def load(p):
    with open(p) as f:
        doc = json.load(f)
    out = {}
    for c in doc.get("components", []):
        purl = c.get("purl", "")
        out[purl.split("@")[0]] = c.get("version")
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
changed = sum(1 for k in b if k in a and a[k] != b[k])
print(len(b.keys() - a.keys()), len(a.keys() - b.keys()), changed)
PY

echo "== 1. $n components against $n (best of 5)"
runs_saved=$runs; runs=5
best_of "intake: read both and compare" "$bench" compare "$work/before.cdx.json" "$work/after.cdx.json"
best_of "python3: json.load both, match in dicts" python3 "$work/compare.py" "$work/before.cdx.json" "$work/after.cdx.json"
runs=$runs_saved
echo "  ratio intake/python3: $(ratio "intake: read both and compare" "python3: json.load both, match in dicts")"
"$bench" compare "$work/before.cdx.json" "$work/after.cdx.json" | sed 's/^/  /'
peak=$( { /usr/bin/time -v "$bench" compare "$work/before.cdx.json" "$work/after.cdx.json" >/dev/null; } 2>&1 |
    awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
echo "  intake peak memory: $((peak / 1024)) MiB"

echo "== 2. the demo review, with and without its SBOM (best of $runs, alternating)"
cp -r sample-releases/meridian "$work/with"
cp -r sample-releases/meridian "$work/without"
grep -v '^sbom = ' "$work/with/feed.toml" >"$work/without/feed.toml"
isolate_history "$work"
review() {
    "$intake" verify "$1/feed.toml" --release 4.2.1 --platform linux-x86_64 --offline \
        --operator a --approver b --checklist-dir "$work/out" --no-store >/dev/null 2>&1 || true
}
declare -A all
for name in with without; do best[$name]=''; done
for _ in $(seq "$runs"); do
    for name in with without; do
        t0=$(date +%s.%N); review "$work/$name"; t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "${best[$name]}" ] || [ "$(echo "$t < ${best[$name]}" | bc -l)" = 1 ]; then best[$name]=$t; fi
    done
done
printf '  %-44s %8.3f s\n' "with its SBOM" "${best[with]}" "without" "${best[without]}"
echo "  ratio with/without: $(ratio with without)"
