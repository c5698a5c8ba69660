#!/usr/bin/env bash
# The approval history's cost and its promise under concurrency.
#
# 1. What recording an approval adds to a review (SQLite, the default): 200
#    records in a row, each the way a review does it (open the history,
#    record one approval with its manifest in one transaction, close), timed
#    per record (examples/history_bench.rs); beside it the same work done
#    with Python's sqlite3 module (the same SQLite library, no intake): open,
#    BEGIN IMMEDIATE, one insert with the manifest, commit, close. Prints
#    p50/p99/max and the ratio of the p99s. The issue's bound: p99 <= 5 ms.
# 2. 20 reviews started together against one store (the real binary,
#    `intake verify` of the demo feed, half linux and half windows), 10 times:
#    each run must leave exactly 20 approvals. Prints each run's count.
#
# Usage: scripts/bench-history.sh [RECORDS]   (default 200)
# Needs: cargo, python3. With INTAKE_TEST_POSTGRES set (scripts/test-postgres.sh),
# part 1 also times the PostgreSQL history.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
records=${1:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin intake --example history_bench
intake=target/release/intake
bench=target/release/examples/history_bench
lines=10  # the demo release's manifest has 9 entries

percentiles() { # stdin: one number per line -> "p50 p99 max" (ms)
    sort -n | awk '{a[NR]=$1} END {
        i50=int(NR*0.50); if (i50<1) i50=1; i99=int(NR*0.99); if (i99<1) i99=1;
        printf "%.2f %.2f %.2f\n", a[i50], a[i99], a[NR] }'
}

echo "== 1. recording an approval, $records in a row (ms per record)"
read -r i50 i99 imax < <("$bench" "$work/intake.sqlite" "$records" "$lines" | percentiles)
read -r p50 p99 pmax < <(python3 - "$work/python.sqlite" "$records" "$lines" <<'PY' | percentiles
import sqlite3, sys, time
path, count, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(path)
db.executescript("""CREATE TABLE approvals (id INTEGER PRIMARY KEY AUTOINCREMENT,
  product TEXT NOT NULL, version TEXT NOT NULL, platform TEXT NOT NULL, sha256 TEXT NOT NULL,
  time TEXT NOT NULL, checklist TEXT NOT NULL, checklist_sha256 TEXT, change_request TEXT,
  operator TEXT NOT NULL, approver TEXT NOT NULL, manifest BLOB);
  CREATE INDEX approvals_by_product ON approvals (product, platform);""")
db.close()
manifest = "".join(f"{'ab'*32}\t{i}\t0644\tfile\tmeridian-4.2.1/lib/part-{i}.so\n" for i in range(lines)).encode()
for i in range(count):
    t0 = time.perf_counter()
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO approvals (product, version, platform, sha256, time, checklist,"
               " checklist_sha256, change_request, operator, approver, manifest)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
               ("meridian", f"4.2.{i}", "linux-x86_64", "cd"*32, "2026-12-02T10:00:00Z",
                f"/srv/checklists/meridian-4.2.{i}.toml", "ef"*32, f"CR-{i}", "a.operator",
                "b.approver", manifest))
    db.execute("COMMIT")
    db.close()
    print(f"{(time.perf_counter() - t0) * 1000:.3f}")
PY
)
printf '  %-38s p50 %6s  p99 %6s  max %6s\n' "intake (SQLite)" "$i50" "$i99" "$imax"
printf '  %-38s p50 %6s  p99 %6s  max %6s\n' "Python sqlite3, same work" "$p50" "$p99" "$pmax"
printf '  p99 ratio intake / Python sqlite3: %.2fx; bound 5 ms: %s\n' \
    "$(echo "$i99 / $p99" | bc -l)" "$( [ "$(echo "$i99 <= 5" | bc -l)" = 1 ] && echo met || echo MISSED)"
if [ -n "${INTAKE_TEST_POSTGRES:-}" ]; then
    url="$INTAKE_TEST_POSTGRES?sslmode=verify-full&sslrootcert=${INTAKE_TEST_POSTGRES_CA:-}"
    read -r g50 g99 gmax < <("$bench" "$url" "$records" "$lines" | percentiles)
    printf '  %-38s p50 %6s  p99 %6s  max %6s\n' "intake (PostgreSQL, 127.0.0.1, TLS)" "$g50" "$g99" "$gmax"
fi

echo "== 2. 20 reviews started together against one store, 10 runs"
failed=0
for run in $(seq 10); do
    store="$work/store-$run"
    pids=()
    for i in $(seq 20); do
        platform=linux-x86_64
        [ $((i % 2)) -eq 0 ] && platform=windows-x86_64
        XDG_DATA_HOME="$work/data" "$intake" verify sample-releases/meridian/feed.toml \
            --release 4.2.1 --platform "$platform" --operator a.operator --approver b.approver \
            --change-request "CR-$run-$i" --offline --quiet --store "$store" \
            --checklist-dir "$work/checklists-$run" >/dev/null 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || true; done
    count=$("$intake" history meridian --store "$store" --format json |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["approvals"]))')
    printf '  run %2d: %2d approvals recorded\n' "$run" "$count"
    [ "$count" -eq 20 ] || failed=1
done
[ "$failed" -eq 0 ] && echo "  20 of 20, every run" || { echo "  LOST APPROVALS"; exit 1; }
