#!/usr/bin/env bash
# Benchmark (issue 15, "Measure"): `intake verify` of a signed RPM package
# with an xz payload of ~880 MB expanded (~500 MiB on disk), in one run each:
#   intake's whole review (lead, headers, header signature, payload digest,
#   xz, cpio walk, every file's SHA-256 against FILEDIGESTS)
#   vs  rpmkeys --checksig && rpm2cpio | cpio -t
# and intake's peak memory (/usr/bin/time -v). Targets: <= 0.8x, <= 128 MiB.
#
# The package is made with the Debian tools: rpmbuild (payload w2.xzdio, as
# rpm's default xz level) and rpmsign with a GnuPG Ed25519 key.
#
# Usage: scripts/bench-rpm.sh [WORKDIR] [RUNS]
# Needs: cargo, python3, rpmbuild, rpmsign, rpmkeys, rpm2cpio, cpio, gpg,
#        gpgv, sha256sum, bc, /usr/bin/time (Debian packages rpm, rpm2cpio,
#        cpio, gnupg, time).
set -euo pipefail

work=${1:-${TMPDIR:-/tmp}/intake-bench-rpm}
runs=${2:-1}
trees=${BENCH_RPM_TREES:-4}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/bench-lib.sh"

build_intake

isolate_history "$work"
data="$work/feed/data"
mkdir -p "$data"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"

rpmfile="$data/bench-1.0-1.x86_64.rpm"
if [ ! -s "$data/SHA256SUMS.asc" ]; then
  echo "making the tree and the package (several minutes)..." >&2
  top="$work/rpmbuild"
  rm -rf "$top" && mkdir -p "$top"/{SPECS,BUILDROOT,RPMS,tree/usr/share}
  big_tree "$top/tree/usr/share" "$trees" >"$work/tree.tsv"
  cat >"$top/SPECS/bench.spec" <<SPEC
Name: bench
Version: 1.0
Release: 1
Summary: benchmark package
License: MIT
BuildArch: x86_64
AutoReqProv: no
%description
Benchmark package for intake.
%install
mkdir -p %{buildroot}/usr/share
cp -a $top/tree/usr/share/. %{buildroot}/usr/share/
%files
/usr/share/bench-*
SPEC
  rpmbuild -bb --quiet --define "_topdir $top" --define "_binary_payload w2.xzdio" \
    --define "debug_package %{nil}" --define "__os_install_post %{nil}" \
    --define "_build_id_links none" "$top/SPECS/bench.spec" >/dev/null
  mv "$top"/RPMS/x86_64/bench-1.0-1.x86_64.rpm "$rpmfile"
  rpmsign --addsign --define "_gpg_name bench@intake.example" --define "__gpg $(command -v gpg)" "$rpmfile" >/dev/null
  {
    printf '# bench\n\n## Contents: %s\n\n| path | size | sha256 |\n|---|---|---|\n' "$(basename "$rpmfile")"
    awk -F'\t' '{ printf "| /usr/share/%s | %s | %s |\n", $1, $2, $3 }' "$work/tree.tsv"
  } >"$data/RELEASE-NOTES.md"
  (cd "$data" && sha256sum "$(basename "$rpmfile")" >SHA256SUMS)
  gpg_sign "$data/SHA256SUMS"
  rm -rf "$top"
fi

{
  feed_header local "data/"
  cat <<TOML

[[release]]
version = "1.0"
date = 2026-01-01
channel = "stable"
notes = "RELEASE-NOTES.md"
checksums = "SHA256SUMS"
checksums_signature = "SHA256SUMS.asc"

  [[release.artifact]]
  platform = "linux-x86_64"
  file = "$(basename "$rpmfile")"
TOML
} >"$work/feed/feed.toml"

# rpm's own key database, holding only the bench key.
rpmdb="$work/rpmdb"
rm -rf "$rpmdb" && mkdir -p "$rpmdb"
rpmkeys --define "_dbpath $rpmdb" --import "$work/key.asc"

verify_args=(verify "$work/feed/feed.toml" --release 1.0 --platform linux-x86_64
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store)
verify() { "$intake" "${verify_args[@]}"; }
pipeline() {
  rpmkeys --define "_dbpath $rpmdb" --checksig "$rpmfile" && rpm2cpio "$rpmfile" | cpio -t --quiet
}

# The verdicts must be real: rpm and intake both accept the package, intake
# on its own header signature too.
pipeline >/dev/null || { echo "rpmkeys/rpm2cpio refused the package"; exit 1; }
verify >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
grep -q 'package.signature *good signature' "$work/last.txt" || { echo "the package signature was not judged good:"; cat "$work/last.txt"; exit 1; }
echo "== rpm $(du -m "$rpmfile" | cut -f1) MiB on disk, best of $runs =="
best_of "rpmkeys --checksig && rpm2cpio | cpio -t" pipeline
best_of "intake verify rpm" verify
echo "  intake / rpm tools              $(ratio "intake verify rpm" "rpmkeys --checksig && rpm2cpio | cpio -t")x  (target <= 0.8x)"
echo "  intake peak memory              $(peak_rss_mib "$intake" "${verify_args[@]}") MiB  (target <= 128 MiB)"
rm -rf "$work/checklists"
