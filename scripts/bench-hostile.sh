#!/usr/bin/env bash
# Benchmark: the worst hostile inputs (a 1 MB-deep PAX path, 4,000 nested
# folders, a doubling symlink chain, 9,000 names of 65 KB, 7,500 salted v6
# signatures, 99 salted v6 signatures over 32 MiB) each judged by `intake verify` in at most 1 s with at most
# 128 MiB, next to GNU `tar -tzf` listing the same bytes in the same run (and,
# for 99 salted signatures over 32 MiB, next to one `sha256sum` of it: the
# signatures may cost at most 8 passes, never 99).
#
# Usage: scripts/bench-hostile.sh [WORKDIR] [RUNS]
# Needs: cargo, tar, gpgv, python3, bc.
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-hostile}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

echo "building intake and the hostile feed (release)..." >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --features testkit --bin intake --example hostile_feed
intake="$repo/target/release/intake"
rm -rf "$work" && mkdir -p "$work"
feed=$("$repo/target/release/examples/hostile_feed" "$work/feed")

# peak KIND CMD...: the command's wall time (s) and peak memory (MiB), best of $runs.
peak() {
  python3 - "$runs" "$@" <<'PY'
import resource, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.monotonic() - t0
    best = t if best is None else min(best, t)
# ru_maxrss of children is the largest of any child so far, in KiB.
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{best:.3f} {rss:.1f}")
PY
}

fail=0
printf '%-16s %10s %10s %14s %10s\n' case "intake s" "MiB" "tool s" ratio
for case in deep-path deep-folders link-chain many-names many-signatures salted-signatures; do
  dir="$work/feed/releases/$case"
  [ -d "$dir" ] || continue
  artifact=$(ls "$dir"/*.tar.gz)
  read -r secs mib < <(peak "$intake" verify "$feed" --release "$case" --platform linux-x86_64 \
    --operator bench-operator --approver bench-approver --no-store --checklist-dir "$work/checklists")
  if [ "$case" = salted-signatures ]; then
    read -r tool _ < <(peak sha256sum "$artifact")
    name="sha256sum"
  else
    read -r tool _ < <(peak tar -tzf "$artifact")
    name="tar -tzf"
  fi
  ratio=$(printf '%.2f' "$(echo "$secs / $tool" | bc -l)")
  printf '%-16s %10s %10s %14s %10s\n' "$case" "$secs" "$mib" "$name $tool" "${ratio}x"
  if [ "$(echo "$secs > 1.0" | bc -l)" = 1 ] || [ "$(echo "$mib > 128" | bc -l)" = 1 ]; then
    echo "  over the bound (1 s, 128 MiB)" >&2
    fail=1
  fi
done
exit $fail
