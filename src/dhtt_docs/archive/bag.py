"""BagIt (RFC 8493) bags serialised as deterministic zip files, and their fixity check.

Why a bag: an archived submission must prove years later that nothing in it
changed; the manifests carry a SHA-256 of every file, and the tag manifest
protects the manifests themselves.

Layout (as RFC 8493 section 4 recommends for serialised bags): everything
sits under one top-level folder named after the zip's stem, e.g.
``ho-so.zip`` contains ``ho-so/bagit.txt``, ``ho-so/data/...``; unzipping
gives a ready bag directory.

Determinism: entries sorted, fixed time 1980-01-01 00:00:00, fixed
permissions 0644, Unix as creator system, DEFLATE at zlib's default level, all tag
file lines sorted; no clock (Bagging-Date comes from the caller). Equal inputs
give equal bytes with the same zlib (Python's bundled zlib on every platform
we ship to).

Lines of bag-info.txt are folded at 79 characters (RFC 8493 2.2.2).
Bagging-Date is the Tờ trình's date (submission.date), not the day the bag
was made: the same dossier always gives the same bag.

The fixity check (`verify_bag_zip`) is in `dhtt_docs.archive.verify`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import textwrap
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dhtt_docs import __version__
from dhtt_docs.archive import detzip
from dhtt_docs.fsutil import atomic_path
from dhtt_docs.i18n import tr

__all__ = ["BagError", "EarlierBag", "make_bag_zip", "verify_bag_zip"]

_CHUNK = 1 << 20
_WHOLE = 8 << 20   # files up to this size are copied in one read
_COMPUTED = ("Payload-Oxum", "Bag-Size")
HASHES = ("sha512", "sha256", "sha1", "md5")  # manifests we can check, strongest first
LINE_WIDTH = 79   # RFC 8493 2.2.2: bag-info lines SHOULD NOT exceed 79 characters; longer values are folded


class BagError(Exception):
    """The bag cannot be written; the message (in the chosen language) says which input and why."""


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class _PayloadFile:
    name: str  # path inside data/, posix, NFC
    source: Path
    size: int
    sha256: str | None = None   # known already (the caller hashed it), else computed while writing


def make_bag_zip(out_zip: Path, payload: dict[str, Path], *, info: dict[str, str],
                 digests: dict[str, str] | None = None, earlier: "EarlierBag | None" = None) -> dict:
    """Write a BagIt 1.0 bag of ``payload`` (paths inside ``data/`` -> source files) as a zip.

    ``info`` becomes ``bag-info.txt`` (e.g. Source-Organization,
    External-Identifier, Bagging-Date from the dossier); ``Payload-Oxum`` and
    ``Bag-Size`` are computed, and ``Bag-Software-Agent`` defaults to
    ``dhtt-docs <version>``. The zip is written atomically.
    ``digests`` (payload name as given -> SHA-256 hex of that file now), when the caller
    has just hashed the files anyway: the manifest uses them instead of hashing again.
    ``earlier``: a bag written before (its file and the index this function returned for it). A
    payload file it holds under the same name with the same SHA-256 and size is copied from it (local
    header and data in one piece) instead of being read and written afresh: the same bytes (tests
    compare with a bag written from nothing).
    Returns this bag's index (JSON-able), for a later call's ``earlier``.
    """
    out_zip = Path(out_zip)
    files = _collect_payload(payload, digests or {})
    root = out_zip.stem
    oxum_bytes = sum(f.size for f in files)
    bagit_txt = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    bag_info = _bag_info_text(info, oxum_bytes, len(files)).encode("utf-8")

    try:
        with (atomic_path(out_zip) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf,
              _Copier(earlier) as copier):
            # Sorted entry order: bag-info.txt, bagit.txt, data/..., manifest, tagmanifest.
            _write_bytes(zf, f"{root}/bag-info.txt", bag_info)
            _write_bytes(zf, f"{root}/bagit.txt", bagit_txt)
            digests = {}
            for f in files:
                name = f"{root}/data/{f.name}"
                digests[f.name] = f.sha256 if copier.copy(zf, name, f) else _write_file(zf, name, f)
            index = {"entries": {name: list(span) + [digests[name[len(root) + 6:]]]
                                 for name, span in detzip.stored_spans(zf).items()
                                 if name.startswith(f"{root}/data/")}}
            manifest = _manifest_text({f"data/{n}": d for n, d in digests.items()})
            _write_bytes(zf, f"{root}/manifest-sha256.txt", manifest)
            tags = {
                "bag-info.txt": _sha256(bag_info),
                "bagit.txt": _sha256(bagit_txt),
                "manifest-sha256.txt": _sha256(manifest),
            }
            _write_bytes(zf, f"{root}/tagmanifest-sha256.txt", _manifest_text(tags))
        return index
    except OSError as err:
        raise BagError(tr(
            f"Không ghi được gói lưu trữ {out_zip}: {err.strerror or err}. "
            "Hãy kiểm tra quyền ghi và dung lượng đĩa.",
            f"Cannot write the archive bag {out_zip}: {err.strerror or err}. "
            "Check write permission and free disk space.",
        )) from err


@dataclass(frozen=True)
class EarlierBag:
    """A bag written before and the index `make_bag_zip` returned for it (see its ``earlier``)."""

    path: Path
    index: dict


class _Copier:
    """Copies unchanged payload entries from an earlier bag, by its index (nothing is read to find them)."""

    def __init__(self, earlier: EarlierBag | None):
        self._fh = None
        self._entries = {}
        if earlier is not None and isinstance(earlier.index, dict) and isinstance(earlier.index.get("entries"), dict):
            try:
                self._fh = open(earlier.path, "rb")
                self._entries = earlier.index["entries"]
            except OSError:
                self._fh = None

    def copy(self, zf: zipfile.ZipFile, name: str, item: _PayloadFile) -> bool:
        """Copy entry `name` (holding `item`) from the earlier bag; False when it cannot be: write it afresh."""
        known = self._entries.get(name)
        if (self._fh is None or not item.sha256 or not _stored(item.name) or not isinstance(known, list)
                or len(known) != 5 or known[4] != item.sha256 or known[3] != item.size
                or not detzip.can_copy_entries(zf)):
            return False
        try:
            detzip.copy_entry(zf, self._fh, name, tuple(int(v) for v in known[:4]))
        except (OSError, ValueError, TypeError):
            raise BagError(tr(
                "Gói lưu trữ lần trước trong bộ nhớ đệm bị hỏng. Hãy chạy lại với --no-cache.",
                "The archive bag of the last build in the cache is damaged. Run again with --no-cache.",
            )) from None
        return True

    def __enter__(self) -> "_Copier":
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.close()


def _collect_payload(payload: dict[str, Path], digests: dict[str, str]) -> list[_PayloadFile]:
    """Check payload names (relative, posix, no ``..``) and sources; sort by name."""
    files: dict[str, _PayloadFile] = {}
    for raw, source in payload.items():
        name = _clean_payload_name(raw)
        if name in files:
            raise BagError(tr(
                f"Hai tệp cùng tên {name!r} trong gói lưu trữ. Hãy đổi tên một trong hai tệp.",
                f"Two files have the same name {name!r} in the archive bag. Rename one of them.",
            ))
        source = Path(source)
        try:
            st = os.stat(source)                 # one call per file (a bag at N=500 holds 1,500)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            raise BagError(tr(
                f"Không tìm thấy tệp {source} để đưa vào gói lưu trữ (data/{name}). "
                "Hãy kiểm tra tệp còn tồn tại rồi chạy lại.",
                f"File {source} not found, so it cannot be put into the archive bag (data/{name}). "
                "Check that the file still exists, then run again.",
            ))
        files[name] = _PayloadFile(name, source, st.st_size, digests.get(raw))
    return [files[n] for n in sorted(files, key=sort_key)]


_CONTROL = re.compile(r"[\x00-\x1f]")


def _clean_payload_name(raw: str) -> str:
    """NFC, posix-relative name without empty, ``.`` or ``..`` parts."""
    name = unicodedata.normalize("NFC", str(raw))
    parts = name.split("/")
    bad = (
        not name
        or name.startswith("/")
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(p in ("", ".", "..") for p in parts)
        or _CONTROL.search(name) is not None
    )
    if bad:
        raise BagError(tr(
            f"Tên tệp {raw!r} không dùng được trong gói lưu trữ: cần đường dẫn tương đối dạng "
            "thư-mục/tệp, không có '..', '\\\\', ký tự điều khiển hay '/' ở đầu.",
            f"The file name {raw!r} cannot be used in the archive bag: it must be a relative path "
            "like folder/file, without '..', '\\\\', control characters or a leading '/'.",
        ))
    return name


def sort_key(name: str) -> bytes:
    """Sort by UTF-8 bytes: the same order on every machine and locale."""
    return name.encode("utf-8")


# Already-compressed formats are stored as they are: deflating them again costs time and saves nothing.
_STORED_SUFFIXES = (".pdf", ".docx", ".xlsx", ".zip", ".jpg", ".jpeg", ".png")


def _stored(name: str) -> bool:
    return name.lower().endswith(_STORED_SUFFIXES)


def _write_bytes(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    detzip.write_entry(zf, name, data, stored=_stored(name))


def _write_file(zf: zipfile.ZipFile, name: str, item: _PayloadFile) -> str:
    """Copy one payload file into the zip and return its SHA-256 (hashed on the way unless known).

    A file up to ``_WHOLE`` bytes is read and written in one piece; a bigger one is streamed.
    """
    digest = None if item.sha256 else hashlib.sha256()
    written = 0
    with item.source.open("rb") as src:
        if item.size <= _WHOLE:
            data = src.read(item.size + 1)
            written = len(data)
            if written == item.size:
                if digest is not None:
                    digest.update(data)
                detzip.write_entry(zf, name, data, stored=_stored(name))
        else:
            with detzip.open_entry(zf, name, item.size, stored=_stored(name)) as dst:
                while chunk := src.read(_CHUNK):
                    if digest is not None:
                        digest.update(chunk)
                    dst.write(chunk)
                    written += len(chunk)
    if written != item.size:
        raise BagError(tr(
            f"Tệp {item.source} thay đổi trong khi đóng gói. Hãy đóng chương trình đang sửa tệp "
            "rồi chạy lại.",
            f"{item.source} changed while it was being packed. Close the program that is editing it, "
            "then run again.",
        ))
    return item.sha256 if digest is None else digest.hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode_path(path: str) -> str:
    """RFC 8493 2.1.3: only %, CR and LF are percent-encoded in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    return re.sub(
        r"%(25|0D|0A)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n"}[m.group(1).upper()],
        path,
        flags=re.IGNORECASE,
    )


def _manifest_text(digests: dict[str, str]) -> bytes:
    lines = [f"{digests[p]}  {_encode_path(p)}\n" for p in sorted(digests, key=sort_key)]
    return "".join(lines).encode("utf-8")


def _bag_size(octets: int) -> str:
    """Human-readable size, as bag-info's Bag-Size suggests (e.g. ``1.2 MB``)."""
    size = float(octets)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{octets} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def _bag_info_text(info: dict[str, str], octets: int, count: int) -> str:
    """``Label: value`` lines sorted by label; multi-line values folded (RFC 8493 2.2.2)."""
    fields: dict[str, str] = {"Bag-Software-Agent": f"dhtt-docs {__version__}"}
    for label, value in info.items():
        if not re.fullmatch(r"[^\s:]+", label or ""):
            raise BagError(tr(
                f"Nhãn {label!r} không dùng được trong bag-info.txt: nhãn không được trống, "
                "không có dấu ':' hay khoảng trắng.",
                f"The label {label!r} cannot be used in bag-info.txt: a label must not be empty "
                "and must not contain ':' or spaces.",
            ))
        if label not in _COMPUTED:
            fields[label] = str(value)
    fields["Payload-Oxum"] = f"{octets}.{count}"
    fields["Bag-Size"] = _bag_size(octets)
    lines = []
    for label in sorted(fields, key=sort_key):
        value = unicodedata.normalize("NFC", fields[label])
        parts = [part.strip() for part in value.strip().splitlines()] or [""]
        lines.append(_fold(f"{label}: {parts[0]}") + "".join("\n" + _fold(f"  {p}") for p in parts[1:]) + "\n")
    return "".join(lines)


def _fold(line: str) -> str:
    """One `Label: value` line folded at LINE_WIDTH characters, continuation lines indented by two spaces.

    Breaks only at spaces (a word longer than the width stays whole), so a reader that joins
    the folded lines with one space (RFC 8493 2.2.2) gets the value back.
    """
    if len(line) <= LINE_WIDTH:
        return line
    return "\n".join(textwrap.wrap(line, LINE_WIDTH, subsequent_indent="  ", break_long_words=False,
                                    break_on_hyphens=False, drop_whitespace=True))


def verify_bag_zip(zip_path: Path) -> list[str]:
    """The fixity check; it lives in `dhtt_docs.archive.verify` (kept here for callers of the old place)."""
    from dhtt_docs.archive.verify import verify_bag_zip as verify

    return verify(zip_path)
