"""The bags after signing: the build's bag, plus the signed PDFs and the scanned paper copy.

`OUT/bundle/<round>.zip` (written by the build) keeps what was built; the
scanned copy, once archived, is added to it under `data/scan/`. The signed bag
`OUT/bundle/<round>-signed.zip` holds the same sources and documents, the
signed PDFs under `data/signed/`, and the scan. Both are written with the
archive's own deterministic BagIt writer; the build's bag-info fields are kept.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from dhtt_docs.archive.bag import make_bag_zip
from dhtt_docs.build.incremental import NOT_BUILT
from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import tr

SIGNED_DIR, SCAN_DIR = NOT_BUILT   # OUT/signed, OUT/scan: written by sign and archive, kept by build
_COMPUTED = ("Payload-Oxum", "Bag-Size")


def built_bag(out: Path) -> Path:
    """The build's bag in OUT/bundle (the one zip that is not the signed bag)."""
    bags = [p for p in sorted((out / "bundle").glob("*.zip")) if not p.name.endswith("-signed.zip")]
    if len(bags) != 1:
        raise DhttError(tr(f"Không thấy hồ sơ lưu trữ (.zip) của lần lập trong {out / 'bundle'}: chạy dhtt-docs build "
                           "trước.",
                           f"The build's archive (.zip) was not found in {out / 'bundle'}: run dhtt-docs build first."))
    return bags[0]


def signed_bag_path(out: Path) -> Path:
    return built_bag(out).with_name(f"{built_bag(out).stem}-signed.zip")


def write_bags(out: Path) -> list[Path]:
    """Rewrite the build's bag (with the scan, if any) and the signed bag (if anything is signed)."""
    bag = built_bag(out)
    extras = {SIGNED_DIR: _files(out / SIGNED_DIR), SCAN_DIR: _files(out / SCAN_DIR)}
    written = []
    with tempfile.TemporaryDirectory(prefix="dhtt-bag-") as tmp:
        payload, info = _unpack(bag, Path(tmp))
        scan = {f"{SCAN_DIR}/{p.name}": p for p in extras[SCAN_DIR]}
        signed = {f"{SIGNED_DIR}/{p.name}": p for p in extras[SIGNED_DIR]}
        if scan:
            _replace(bag, payload | scan, info)
            written.append(bag)
        if signed:
            target = bag.with_name(f"{bag.stem}-signed.zip")
            info_signed = info | {"External-Description": info.get("External-Description", "") +
                                  " (bản điện tử đã ký số)"}
            _replace(target, payload | signed | scan, info_signed)
            written.append(target)
    return written


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if p.is_file()) if folder.is_dir() else []


def _replace(target: Path, payload: dict[str, Path], info: dict[str, str]) -> None:
    """Write beside the target under the same name (the bag's top folder is named after the zip), then swap."""
    with tempfile.TemporaryDirectory(prefix=".dhtt-bag-", dir=target.parent) as tmp:
        partial = Path(tmp) / target.name
        make_bag_zip(partial, payload, info=info)
        partial.replace(target)


def _unpack(bag: Path, into: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """The build's payload (without an earlier scan or signed copies) as files, and its bag-info fields."""
    payload: dict[str, Path] = {}
    info: dict[str, str] = {}
    with zipfile.ZipFile(bag) as zf:
        names = zf.namelist()
        root = names[0].split("/", 1)[0]
        for line in zf.read(f"{root}/bag-info.txt").decode("utf-8").splitlines():
            if ":" in line and not line.startswith((" ", "\t")):
                key, value = line.split(":", 1)
                if key.strip() not in _COMPUTED:
                    info[key.strip()] = value.strip()
        prefix = f"{root}/data/"
        for name in names:
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            rel = name[len(prefix):]
            if rel.startswith((f"{SIGNED_DIR}/", f"{SCAN_DIR}/")):
                continue
            dest = into / f"{len(payload):05d}"
            with zf.open(name) as src, dest.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            payload[rel] = dest
    return payload, info
