# Sourced by scripts/bench-deb.sh for MODE `issue`: $work, $runs and $repo
# are set and bench-lib.sh is loaded.
build_intake
isolate_history "$work"
data="$work/feed/data"
mkdir -p "$data"
gpg_setup "$work"
cp "$work/key.asc" "$work/feed/key.asc"
trees=${BENCH_DEB_TREES:-4}

deb="$data/bench_1.0-1_amd64.deb"
if [ ! -s "$data/SHA256SUMS.asc" ]; then
  echo "making the tree and the package (several minutes)..." >&2
  root="$work/root"
  rm -rf "$root"
  mkdir -p "$root/DEBIAN" "$root/usr/share"
  big_tree "$root/usr/share" "$trees" >"$work/tree.tsv"
  printf 'Package: bench\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: intake bench <bench@intake.example>\nDescription: benchmark package\n' >"$root/DEBIAN/control"
  (cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
  dpkg-deb --root-owner-group -Zxz -z6 --build "$root" "$deb" >/dev/null
  members="$work/members"
  rm -rf "$members" && mkdir -p "$members"
  (cd "$members" && ar x "$deb" && cat debian-binary control.tar.* data.tar.* |
    gpg --batch --yes --digest-algo SHA256 --detach-sign -o _gpgorigin && ar q "$deb" _gpgorigin)
  {
    printf '# bench\n\n## Contents: %s\n\n| path | size | sha256 |\n|---|---|---|\n' "$(basename "$deb")"
    awk -F'\t' '{ printf "| /usr/share/%s | %s | %s |\n", $1, $2, $3 }' "$work/tree.tsv"
  } >"$data/RELEASE-NOTES.md"
  (cd "$data" && sha256sum "$(basename "$deb")" >SHA256SUMS)
  gpg_sign "$data/SHA256SUMS"
  rm -rf "$root" "$members"
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
  file = "$(basename "$deb")"
TOML
} >"$work/feed/feed.toml"

verify_args=(verify "$work/feed/feed.toml" --release 1.0 --platform linux-x86_64
  --operator bench-operator --approver bench-approver --checklist-dir "$work/checklists" --no-store)
verify() { "$intake" "${verify_args[@]}"; }
pipeline() { dpkg-deb --contents "$deb" && sha256sum "$deb"; }

verify >"$work/last.txt" 2>&1 || { echo "intake did not approve:"; cat "$work/last.txt"; exit 1; }
grep -q 'package.signature *good signature' "$work/last.txt" || { echo "the package signature was not judged good:"; cat "$work/last.txt"; exit 1; }
echo "== deb $(du -m "$deb" | cut -f1) MiB on disk (xz data), best of $runs =="
best_of "dpkg-deb --contents && sha256sum" pipeline
best_of "intake verify deb" verify
echo "  intake / dpkg-deb + sha256sum   $(ratio "intake verify deb" "dpkg-deb --contents && sha256sum")x  (target <= 0.8x)"
echo "  intake peak memory              $(peak_rss_mib "$intake" "${verify_args[@]}") MiB  (target <= 128 MiB)"
rm -rf "$work/checklists"
