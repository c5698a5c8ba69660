"""Python's reading of an archive, for the differential test.

    extract.py tar ARCHIVE DEST   tarfile extracts ARCHIVE into DEST
    extract.py zip ARCHIVE        zipfile lists ARCHIVE as JSON lines

tarfile extracts with the 'tar' filter's path checks (no absolute names,
nothing written or linked outside DEST: the test machine stays safe) but
with every mode bit kept, as filter='fully_trusted' would, so a mode read
differently shows. zipfile does not make symlinks or set modes when it
extracts, so its reading is listed instead: one JSON object per member,
content read (and CRC-checked) by ZipFile.read. Any error exits 3.
"""

import hashlib
import json
import stat
import sys
import tarfile
import zipfile


def keep_modes(member, dest):
    checked = tarfile.tar_filter(member, dest)
    if checked is None or member.mode is None:
        return checked
    return checked.replace(mode=member.mode & 0o7777, deep=False)


def extract_tar(archive, dest):
    with tarfile.open(archive) as t:
        t.extractall(dest, filter=keep_modes)


def list_zip(archive):
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            data = z.read(info)
            mode = info.external_attr >> 16 if info.create_system == 3 else None
            if mode is not None and stat.S_ISLNK(mode):
                kind = "symlink"
            elif info.is_dir():
                kind = "dir"
            else:
                kind = "file"
            row = {
                # Names as the bytes Python would create (hex: any bytes).
                "path": info.filename.encode("utf-8", "surrogateescape").hex(),
                "kind": kind,
                "size": len(data) if kind == "file" else 0,
                "mode": None if mode is None else mode & 0o7777,
                "link": data.hex() if kind == "symlink" else None,
                "sha256": hashlib.sha256(data).hexdigest() if kind == "file" else None,
            }
            print(json.dumps(row))


def main():
    try:
        if sys.argv[1] == "tar":
            extract_tar(sys.argv[2], sys.argv[3])
        else:
            list_zip(sys.argv[2])
    except Exception as e:  # every failure is the tool refusing
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(3)


main()
