"""The fixity check of a zipped BagIt bag (`dhtt-docs verify BAG.zip`).

Reads the zip directly with hashlib (nothing is extracted, so hostile names
such as ``../x`` can do no harm; they are reported). Every missing, extra or
altered file is named, as are a wrong Payload-Oxum, a missing ``bagit.txt``
or manifest, and unsafe entry names. The bag itself is written by
`dhtt_docs.archive.bag`.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from dhtt_docs.archive.bag import HASHES as _HASHES, decode_path as _decode_path, sort_key as _sort_key
from dhtt_docs.i18n import tr

__all__ = ["verify_bag_zip"]

_CHUNK = 1 << 20

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
