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

Verification reads the zip directly with hashlib (nothing is extracted, so
hostile names such as ``../x`` can do no harm; they are reported).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dhtt_docs import __version__
from dhtt_docs.i18n import tr

__all__ = ["BagError", "make_bag_zip", "verify_bag_zip"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644  # regular file, rw-r--r--
_CHUNK = 1 << 20
_COMPUTED = ("Payload-Oxum", "Bag-Size")
_HASHES = ("sha512", "sha256", "sha1", "md5")  # manifests we can check, strongest first


class BagError(Exception):
    """The bag cannot be written; the message (in the chosen language) says which input and why."""


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class _PayloadFile:
    name: str  # path inside data/, posix, NFC
    source: Path
    size: int


def make_bag_zip(out_zip: Path, payload: dict[str, Path], *, info: dict[str, str]) -> None:
    """Write a BagIt 1.0 bag of ``payload`` (paths inside ``data/`` -> source files) as a zip.

    ``info`` becomes ``bag-info.txt`` (e.g. Source-Organization,
    External-Identifier, Bagging-Date from the dossier); ``Payload-Oxum`` and
    ``Bag-Size`` are computed, and ``Bag-Software-Agent`` defaults to
    ``dhtt-docs <version>``. The zip is written atomically.
    """
    out_zip = Path(out_zip)
    files = _collect_payload(payload)
    root = out_zip.stem
    oxum_bytes = sum(f.size for f in files)
    bagit_txt = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    bag_info = _bag_info_text(info, oxum_bytes, len(files)).encode("utf-8")

    partial = out_zip.with_name(f".{out_zip.name}.part")
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            # Sorted entry order: bag-info.txt, bagit.txt, data/..., manifest, tagmanifest.
            _write_bytes(zf, f"{root}/bag-info.txt", bag_info)
            _write_bytes(zf, f"{root}/bagit.txt", bagit_txt)
            digests = {f.name: _write_file(zf, f"{root}/data/{f.name}", f) for f in files}
            manifest = _manifest_text({f"data/{n}": d for n, d in digests.items()})
            _write_bytes(zf, f"{root}/manifest-sha256.txt", manifest)
            tags = {
                "bag-info.txt": _sha256(bag_info),
                "bagit.txt": _sha256(bagit_txt),
                "manifest-sha256.txt": _sha256(manifest),
            }
            _write_bytes(zf, f"{root}/tagmanifest-sha256.txt", _manifest_text(tags))
        os.replace(partial, out_zip)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise BagError(tr(
            f"Không ghi được gói lưu trữ {out_zip}: {err.strerror or err}. "
            "Hãy kiểm tra quyền ghi và dung lượng đĩa.",
            f"Cannot write the archive bag {out_zip}: {err.strerror or err}. "
            "Check write permission and free disk space.",
        )) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _collect_payload(payload: dict[str, Path]) -> list[_PayloadFile]:
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
        if not source.is_file():
            raise BagError(tr(
                f"Không tìm thấy tệp {source} để đưa vào gói lưu trữ (data/{name}). "
                "Hãy kiểm tra tệp còn tồn tại rồi chạy lại.",
                f"File {source} not found, so it cannot be put into the archive bag (data/{name}). "
                "Check that the file still exists, then run again.",
            ))
        files[name] = _PayloadFile(name, source, source.stat().st_size)
    return [files[n] for n in sorted(files, key=_sort_key)]


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
        or any(ord(ch) < 0x20 for ch in name)
    )
    if bad:
        raise BagError(tr(
            f"Tên tệp {raw!r} không dùng được trong gói lưu trữ: cần đường dẫn tương đối dạng "
            "thư-mục/tệp, không có '..', '\\\\', ký tự điều khiển hay '/' ở đầu.",
            f"The file name {raw!r} cannot be used in the archive bag: it must be a relative path "
            "like folder/file, without '..', '\\\\', control characters or a leading '/'.",
        ))
    return name


def _sort_key(name: str) -> bytes:
    """Sort by UTF-8 bytes: the same order on every machine and locale."""
    return name.encode("utf-8")


# Already-compressed formats are stored as they are: deflating them again costs time and saves nothing.
_STORED_SUFFIXES = (".pdf", ".docx", ".xlsx", ".zip", ".jpg", ".jpeg", ".png")


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever the host, so attributes mean the same
    info.external_attr = _FILE_MODE << 16
    return info


def _write_bytes(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    zf.writestr(_zipinfo(name), data)


def _write_file(zf: zipfile.ZipFile, name: str, item: _PayloadFile) -> str:
    """Stream one payload file into the zip, hashing it on the way; return its SHA-256."""
    info = _zipinfo(name)
    info.file_size = item.size
    digest = hashlib.sha256()
    written = 0
    with item.source.open("rb") as src, zf.open(info, "w", force_zip64=item.size >= 1 << 31) as dst:
        while chunk := src.read(_CHUNK):
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
    return digest.hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode_path(path: str) -> str:
    """RFC 8493 2.1.3: only %, CR and LF are percent-encoded in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(path: str) -> str:
    return re.sub(
        r"%(25|0D|0A)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n"}[m.group(1).upper()],
        path,
        flags=re.IGNORECASE,
    )


def _manifest_text(digests: dict[str, str]) -> bytes:
    lines = [f"{digests[p]}  {_encode_path(p)}\n" for p in sorted(digests, key=_sort_key)]
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
    for label in sorted(fields, key=_sort_key):
        value = unicodedata.normalize("NFC", fields[label])
        folded = "\n  ".join(part.strip() for part in value.strip().splitlines()) or ""
        lines.append(f"{label}: {folded}\n")
    return "".join(lines)


# --------------------------------------------------------------------------- verifying


def verify_bag_zip(zip_path: Path) -> list[str]:
    """Check a zipped bag's fixity; return problems in the chosen language (empty list = intact).

    Every missing, extra or altered file is named; a wrong Payload-Oxum,
    a missing ``bagit.txt`` or manifest, and unsafe entry names are reported.
    """
    zip_path = Path(zip_path)
    try:
        zf = zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        return [tr(f"Không tìm thấy tệp {zip_path}. Hãy kiểm tra đường dẫn.",
                   f"File {zip_path} not found. Check the path.")]
    except (zipfile.BadZipFile, OSError) as err:
        return [tr(
            f"Tệp {zip_path.name} không phải tệp ZIP đọc được ({err}). "
            "Hãy lấy lại bản lưu trữ gốc.",
            f"{zip_path.name} is not a readable ZIP file ({err}). "
            "Get the original archive copy again.",
        )]
    with zf:
        return _Verifier(zf, zip_path.name).run()


class _Verifier:
    """All checks of one opened zip; collects problems instead of stopping at the first."""

    def __init__(self, zf: zipfile.ZipFile, label: str):
        self.zf = zf
        self.label = label
        self.problems: list[str] = []
        self.entries: dict[str, zipfile.ZipInfo] = {}

    def run(self) -> list[str]:
        names = self._safe_entries()
        prefix = self._find_root(names)
        if prefix is None:
            return self.problems
        bag = {n[len(prefix):]: n for n in names if n.startswith(prefix)}
        for stray in sorted((n for n in names if not n.startswith(prefix)), key=_sort_key):
            self.problems.append(tr(f"Tệp lạ {stray} nằm ngoài thư mục gói {prefix or '(gốc)'}.",
                                    f"Stray file {stray} lies outside the bag folder {prefix or '(root)'}."))
        self._check_bagit_txt(bag)
        payload = {p: n for p, n in bag.items() if p.startswith("data/")}
        manifests = self._manifests(bag, "manifest-")
        if not manifests:
            self.problems.append(tr(
                "Thiếu manifest (manifest-sha256.txt): không kiểm tra được tệp nào. "
                "Gói không hợp lệ, hãy lấy lại bản lưu trữ gốc.",
                "The manifest (manifest-sha256.txt) is missing: no file can be checked. "
                "The bag is invalid; get the original archive copy again.",
            ))
        for alg, listed in manifests:
            self._check_listed(alg, listed, bag, "manifest")
            for path in sorted(set(payload) - set(listed), key=_sort_key):
                self.problems.append(tr(
                    f"Tệp thừa {path}: có trong gói nhưng không có trong manifest-{alg}.txt "
                    "(tệp được thêm sau khi đóng gói).",
                    f"Extra file {path}: it is in the bag but not in manifest-{alg}.txt "
                    "(it was added after the bag was made).",
                ))
        for alg, listed in self._manifests(bag, "tagmanifest-"):
            self._check_listed(alg, listed, bag, "tagmanifest")
        self._check_oxum(bag, payload)
        return self.problems

    # -- structure

    def _safe_entries(self) -> list[str]:
        """File entries (not folders); hostile names are reported, never used."""
        names = []
        for info in self.zf.infolist():
            name = info.filename
            if name.endswith("/"):
                continue
            parts = name.split("/")
            if name.startswith("/") or "\\" in name or ".." in parts or re.match(r"^[A-Za-z]:", name):
                self.problems.append(tr(
                    f"Tên tệp không an toàn trong gói: {name!r} (đường dẫn tuyệt đối hoặc có '..'). "
                    "Không giải nén gói này; hãy lấy lại bản lưu trữ gốc.",
                    f"Unsafe file name in the bag: {name!r} (an absolute path or one with '..'). "
                    "Do not unzip this bag; get the original archive copy again.",
                ))
                continue
            if name in self.entries:
                self.problems.append(tr(f"Tệp {name} xuất hiện hai lần trong gói.",
                                        f"File {name} appears twice in the bag."))
                continue
            self.entries[name] = info
            names.append(name)
        return names

    def _find_root(self, names: list[str]) -> str | None:
        """The bag's base folder prefix: where bagit.txt is (root or one folder deep)."""
        candidates = sorted(
            (n[: -len("bagit.txt")] for n in names if n.split("/")[-1] == "bagit.txt" and n.count("/") <= 1),
            key=_sort_key,
        )
        if not candidates:
            self.problems.append(tr(
                f"Thiếu bagit.txt: {self.label} không phải gói BagIt (hoặc đã bị sửa). "
                "Hãy lấy lại bản lưu trữ gốc.",
                f"bagit.txt is missing: {self.label} is not a BagIt bag (or it was altered). "
                "Get the original archive copy again.",
            ))
            return None
        if len(candidates) > 1:
            self.problems.append(tr(
                f"Gói có nhiều tệp bagit.txt ({', '.join(c + 'bagit.txt' for c in candidates)}); "
                f"chỉ kiểm tra {candidates[0]}bagit.txt.",
                f"The bag has several bagit.txt files ({', '.join(c + 'bagit.txt' for c in candidates)}); "
                f"only {candidates[0]}bagit.txt is checked.",
            ))
        return candidates[0]

    def _read_text(self, entry: str) -> str | None:
        try:
            return self.zf.read(self.entries[entry]).decode("utf-8")
        except UnicodeDecodeError:
            self.problems.append(tr(f"Tệp {entry} không phải văn bản UTF-8.",
                                    f"{entry} is not UTF-8 text."))
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            self.problems.append(tr(f"Không đọc được {entry} trong gói ({err}).",
                                    f"Cannot read {entry} in the bag ({err})."))
        return None

    def _check_bagit_txt(self, bag: dict[str, str]) -> None:
        text = self._read_text(bag["bagit.txt"]) or ""
        fields = _parse_tag_fields(text)
        if "BagIt-Version" not in fields or "Tag-File-Character-Encoding" not in fields:
            self.problems.append(tr(
                "bagit.txt thiếu dòng BagIt-Version hoặc Tag-File-Character-Encoding.",
                "bagit.txt lacks the BagIt-Version or Tag-File-Character-Encoding line.",
            ))

    def _manifests(self, bag: dict[str, str], kind: str) -> list[tuple[str, dict[str, str]]]:
        """Parsed manifests of ``kind`` whose algorithm we know: (alg, path -> digest)."""
        found = []
        for alg in _HASHES:
            rel = f"{kind}{alg}.txt"
            if rel not in bag:
                continue
            text = self._read_text(bag[rel])
            if text is None:
                continue
            found.append((alg, self._parse_manifest(rel, text)))
        return found

    def _parse_manifest(self, rel: str, text: str) -> dict[str, str]:
        listed: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = re.match(r"^\s*(\S+)[ \t]+(.+)$", line)
            digest, path = (match.group(1), _decode_path(match.group(2))) if match else ("", "")
            if not digest or not path:
                self.problems.append(tr(f"Dòng {number} của {rel} viết sai: {line!r}.",
                                        f"Line {number} of {rel} is malformed: {line!r}."))
                continue
            listed[path] = digest.lower()
        return listed

    # -- fixity

    def _check_listed(self, alg: str, listed: dict[str, str], bag: dict[str, str], kind: str) -> None:
        for path in sorted(listed, key=_sort_key):
            if kind == "manifest" and not path.startswith("data/"):
                self.problems.append(tr(f"manifest-{alg}.txt ghi tệp {path} nằm ngoài data/.",
                                        f"manifest-{alg}.txt lists {path}, which is outside data/."))
                continue
            entry = bag.get(path)
            if entry is None:
                self.problems.append(tr(
                    f"Thiếu tệp {path}: có trong {kind}-{alg}.txt nhưng không có trong gói "
                    "(tệp bị xóa hoặc đổi tên).",
                    f"Missing file {path}: it is listed in {kind}-{alg}.txt but is not in the bag "
                    "(it was deleted or renamed).",
                ))
                continue
            actual = self._digest(entry, alg)
            if actual is not None and actual != listed[path]:
                self.problems.append(tr(
                    f"Tệp {path} đã bị thay đổi: mã {alg} không khớp {kind}-{alg}.txt "
                    f"(ghi {listed[path][:16]}…, thực tế {actual[:16]}…).",
                    f"File {path} has been altered: its {alg} checksum does not match {kind}-{alg}.txt "
                    f"(listed {listed[path][:16]}…, actual {actual[:16]}…).",
                ))

    def _digest(self, entry: str, alg: str) -> str | None:
        digest = hashlib.new(alg)
        try:
            with self.zf.open(self.entries[entry]) as src:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            self.problems.append(tr(f"Không đọc được {entry} trong gói (dữ liệu ZIP hỏng: {err}).",
                                    f"Cannot read {entry} in the bag (damaged ZIP data: {err})."))
            return None
        return digest.hexdigest()

    def _check_oxum(self, bag: dict[str, str], payload: dict[str, str]) -> None:
        if "bag-info.txt" not in bag:
            return
        text = self._read_text(bag["bag-info.txt"]) or ""
        oxum = _parse_tag_fields(text).get("Payload-Oxum")
        if oxum is None:
            return
        octets = sum(self.entries[n].file_size for n in payload.values())
        actual = f"{octets}.{len(payload)}"
        if oxum.strip() != actual:
            self.problems.append(tr(
                f"Payload-Oxum trong bag-info.txt là {oxum.strip()} nhưng dữ liệu thực tế là "
                f"{actual} (số byte.số tệp): gói bị thêm, bớt hoặc sửa tệp.",
                f"Payload-Oxum in bag-info.txt is {oxum.strip()} but the actual data is "
                f"{actual} (bytes.files): files were added to, removed from or changed in the bag.",
            ))


def _parse_tag_fields(text: str) -> dict[str, str]:
    """``Label: value`` lines, with folded continuation lines joined."""
    fields: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and last is not None:
            fields[last] += " " + line.strip()
            continue
        label, sep, value = line.partition(":")
        if sep:
            last = label.strip()
            fields[last] = value.strip()
    return fields
