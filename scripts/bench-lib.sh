# Shared by the benchmark scripts: a GnuPG signing key in a private GNUPGHOME,
# and best-of-N wall-clock timing. Source it; it sets $GNUPGHOME and $fpr.

# gpg_setup WORKDIR: makes (once) an Ed25519 signing key; exports it as
# WORKDIR/key.asc (armored, for the feed) and WORKDIR/key.gpg (for gpgv).
gpg_setup() {
  mkdir -p "$1/gnupg"
  chmod 700 "$1/gnupg"
  export GNUPGHOME="$1/gnupg"
  if ! gpg --batch --list-secret-keys bench@intake.example >/dev/null 2>&1; then
    gpg --batch --quiet --passphrase '' --quick-gen-key "intake bench <bench@intake.example>" ed25519 sign never 2>/dev/null
  fi
  fpr=$(gpg --batch --with-colons --list-keys bench@intake.example | awk -F: '/^fpr/ {print $10; exit}')
  gpg --batch --yes --armor --export bench@intake.example >"$1/key.asc"
  gpg --batch --yes --export bench@intake.example >"$1/key.gpg"
}

# gpg_sign FILE: a detached armored SHA-256 signature at FILE.asc.
gpg_sign() {
  gpg --batch --yes --digest-algo SHA256 --armor --detach-sign -o "$1.asc" "$1" 2>/dev/null
}

# best_of NAME CMD...: runs CMD $runs times after one warm-up; keeps the best
# wall time in best[NAME] and prints it.
declare -A best
best_of() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local b='' t0 t1 t
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
  done
  best[$name]=$b
  printf '  %-44s %8.3f s\n' "$name" "$b"
}

# ratio A B: best[A] / best[B] to two decimals.
ratio() {
  printf '%.2f' "$(echo "${best[$1]} / ${best[$2]}" | bc -l)"
}

# feed_header SOURCE_NAME URL: the start of a benchmark feed.toml (product,
# trust in the key gpg_setup made, one source); the caller adds releases.
feed_header() {
  cat <<TOML
[product]
name = "Benchmark product"
vendor = "intake bench"
id = "bench"

[trust]
certificates = ["key.asc"]
fingerprints = ["$fpr"]

[[source]]
name = "$1"
url = "$2"
TOML
}

# build_intake: builds the release binary and sets $intake (needs $repo);
# INTAKE_BIN names a binary already built instead.
build_intake() {
  if [ -n "${INTAKE_BIN:-}" ]; then
    intake=$INTAKE_BIN
    return
  fi
  echo "building intake (release)..." >&2
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin intake
  intake="$repo/target/release/intake"
}

# isolate_history WORKDIR: the reviews' approval history stays in the work
# folder: a benchmark never records approvals in the operator's own store
# (nor trips on them).
isolate_history() {
  export XDG_DATA_HOME="$1/data"
  rm -rf "$XDG_DATA_HOME"
}

# peak_rss_mib CMD...: runs CMD once under /usr/bin/time -v (Debian package
# `time`) and prints its peak resident memory in MiB.
peak_rss_mib() {
  local report
  report=$(mktemp)
  /usr/bin/time -v -o "$report" "$@" >/dev/null 2>&1 || true
  awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$report"
  rm -f "$report"
}

# big_tree ROOT COUNT: COUNT release-like trees (scripts/gen-tree.py, seeds
# 3.., ~220 MB each: text that compresses about 3:1 and incompressible
# binaries) under ROOT/bench-1.., their contents table on stdout.
big_tree() {
  local root=$1 count=$2 i
  mkdir -p "$root"
  for i in $(seq "$count"); do
    python3 "$repo/scripts/gen-tree.py" release-like "$root" "bench-$i" "$((i + 2))"
  done
}
