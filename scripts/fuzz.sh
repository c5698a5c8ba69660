#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (tests/fuzz/, cargo-fuzz on the
# nightly toolchain): each target in turn for SECONDS_PER_TARGET seconds, one
# job, 512 MiB of memory and 1 s per input at most. Prints per target the
# executions, executions per second, the coverage libFuzzer reached (cov:
# of its last stats line) and the findings (crash-, timeout-, oom- and
# leak- files under tests/fuzz/artifacts/<target>/).
#
# Seeds come from tests/fuzz/corpus/<target>/ (read, never written), with
# tests/fuzz/dict/<target>.dict where there is one (tar, zip, armor); what
# the fuzzer adds goes to target/fuzz/corpus/<target>/. A finding belongs,
# minimised (`cargo +nightly fuzz tmin`), in tests/fuzz-regressions/<target>/,
# which `cargo test` replays.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60, all)
# Env:   FUZZ_SANITIZER=address for AddressSanitizer (default none: the crate
#        forbids unsafe code, and runs are several times faster without).
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzz_dir=tests/fuzz
target_dir=target/fuzz
sanitizer=${FUZZ_SANITIZER:-none}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked -j 1
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir "$fuzz_dir")
fi

cargo +nightly fuzz build --fuzz-dir "$fuzz_dir" --target-dir "$target_dir" -s "$sanitizer"

logs="$target_dir/logs"
mkdir -p "$logs"
summary=()
total_findings=0
for t in "${targets[@]}"; do
    work="$target_dir/corpus/$t"
    mkdir -p "$work" "$fuzz_dir/artifacts/$t"
    log="$logs/$t.log"
    extra=()
    if [ -f "$fuzz_dir/dict/$t.dict" ]; then
        extra=(-dict="$fuzz_dir/dict/$t.dict")
    fi
    echo "== $t (${seconds}s)" >&2
    # libFuzzer exits non-zero on a finding; the summary reports it.
    cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" --target-dir "$target_dir" \
        -s "$sanitizer" "$t" "$work" "$fuzz_dir/corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=512 -timeout=1 \
        -print_final_stats=1 "${extra[@]}" >"$log" 2>&1 || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    findings=$(find "$fuzz_dir/artifacts/$t" -type f \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    total_findings=$((total_findings + findings))
    summary+=("$(printf '%-10s %12s %10s %8s %9s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$findings")")
done

printf '%-10s %12s %10s %8s %9s\n' target executions exec/s cov findings
printf '%s\n' "${summary[@]}"
echo "logs: $logs/   findings: $fuzz_dir/artifacts/<target>/"
[ "$total_findings" -eq 0 ]
