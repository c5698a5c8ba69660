#!/usr/bin/env bash
# Benchmark of the interactive walk (examples/tui_bench.rs), in one run:
#   - time from start to the first complete frame at 80x24 (target <= 100 ms);
#   - draw time of the Inspect step with 100,000 entries (target <= 5 ms a frame);
#   - bytes written to the terminal a second while a 48 MiB transfer runs at
#     RATE bytes a second (target < 20 KiB/s), next to curl's progress meter
#     on the same file at the same pace in the same kind of terminal;
#   - `intake --help` to its last byte (target <= 20 ms), next to
#     `sha256sum --help` in the same run.
#
# Usage: scripts/bench-tui.sh [RUNS] [RATE]
# Needs: cargo, curl.
set -euo pipefail

runs=${1:-20}
rate=${2:-8388608}
repo=$(cd "$(dirname "$0")/.." && pwd)

echo "building intake and the benchmark (release)..." >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --features testkit --bin intake --example tui_bench
intake="$repo/target/release/intake"
bench="$repo/target/release/examples/tui_bench"

"$bench" first-frame "$intake" "$runs"
"$bench" inspect
"$bench" fetch "$intake" "$rate"

# shellcheck source=bench-lib.sh
source "$repo/scripts/bench-lib.sh"
echo "help text (best of $runs):"
best_of "intake --help" "$intake" --help
best_of "sha256sum --help" sha256sum --help
echo "  intake --help: $(ratio "intake --help" "sha256sum --help")x sha256sum --help"
