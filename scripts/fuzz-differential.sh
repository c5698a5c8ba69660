#!/usr/bin/env bash
# The differential rule (what intake accepts, every extractor reads the same)
# on what the fuzzer found: every input the coverage-guided runs kept for the
# archive targets (target/fuzz/corpus/<target>/, after scripts/fuzz.sh) is
# read by intake, and each one intake accepts is extracted by GNU tar,
# bsdtar, Info-ZIP unzip and Python's tarfile/zipfile and compared entry by
# entry (path, kind, size, mode, link target, SHA-256). Prints the
# archives read and accepted, and every disagreement.
#
# Usage: scripts/fuzz-differential.sh [TARGET...]   (default: tar tar_gz zip)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tar tar_gz zip)
folders=()
for t in "${targets[@]}"; do
    dir="target/fuzz/corpus/$t"
    [ -d "$dir" ] || { echo "no $dir: run scripts/fuzz.sh first" >&2; exit 2; }
    folders+=("$root/$dir")
    echo "$t: $(find "$dir" -type f | wc -l) inputs" >&2
done
INTAKE_DIFF_FUZZED=$(IFS=:; echo "${folders[*]}") \
    cargo test --locked --test it -- --exact \
    differential::every_archive_intake_accepts_is_read_the_same_by_every_extractor \
    --nocapture 2>&1 | tee target/fuzz-differential.log |
    grep -E '^fuzzed/|differentials|test result' | awk '
        /^fuzzed\// { read++; if ($0 ~ /differences|: refused/) accepted++ }
        !/^fuzzed\// { print }
        END { printf "fuzzed inputs read: %d, accepted by intake (then extracted and compared): %d\n", read, accepted }'
echo "full log: target/fuzz-differential.log"
