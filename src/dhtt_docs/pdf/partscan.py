"""What the bundle needs to know about one input (pikepdf): subset tags, fonts not embedded, streams to share.

:func:`scan_part` runs on each input before its pages are copied into the
bundle, :func:`share_streams` after, so that a stream several inputs hold
byte for byte (a font program, a ToUnicode map, a page drawn the same way)
is written once, as pypdf's ``compress_identical_objects`` did.

* LibreOffice numbers its subsets per file (BAAAAA+, CAAAAA+, ...), so a
  merged bundle would hold several different programs under one name; readers
  may then draw one with another's glyphs. Each subset is renamed after its
  own program (six letters from its hash), so equal programs keep equal
  names and the bytes stay reproducible.
* PDF/A wants every font embedded: the names of those that are not are listed.

A scan is also a small record (:meth:`PartScan.record`): what was renamed and
which streams may be shared, by object number. :class:`ScanMemo` keeps these
records between builds, keyed by each file's SHA-256, so that a rebuild
replays them on the unchanged files (:func:`replay_scan`) instead of walking
their fonts and hashing their streams again. Replaying changes the same
objects in the same way, so the bundle's bytes are the same as after a cold scan.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

__all__ = ["PartScan", "ScanMemo", "replay_scan", "scan_part", "share_streams"]

#: bump when what a scan records changes: older records are then ignored
SCAN_FORMAT = 1

#: a subset font's name: six capitals and "+" (ISO 32000-1 9.6.4)
_SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")

_PROGRAM_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass
class PartScan:
    """What :func:`scan_part` found in one input."""

    #: (indirect holder, key, identity of the stream it holds there): streams that may be shared
    streams: list[tuple[pikepdf.Object, str, str]] = field(default_factory=list)
    #: fonts used without an embedded program
    not_embedded: list[str] = field(default_factory=list)
    #: (object number, generation, key, new name) of every subset renamed
    renames: list[tuple[int, int, str, str]] = field(default_factory=list)
    #: False when something was renamed in a direct object (no number to find it again by)
    replayable: bool = True

    def record(self) -> dict | None:
        """The scan as JSON-able data for :func:`replay_scan`; None when it cannot be replayed."""
        if not self.replayable:
            return None
        return {"format": SCAN_FORMAT, "renames": [list(r) for r in self.renames],
                "streams": [[*holder.objgen, key, identity] for holder, key, identity in self.streams],
                "not_embedded": list(self.not_embedded)}


def _tag(digest: bytes) -> str:
    """Six capital letters from a program's hash (ISO 32000-1 9.6.4)."""
    n = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(ord("A") + r))
    return "".join(letters)


def _identity(stream, raw: bytes | None = None) -> str | None:
    """Raw bytes and dictionary (but /Length) of a stream, hashed; None when its dictionary points elsewhere."""
    h = hashlib.sha256(stream.read_raw_bytes() if raw is None else raw)
    for key, value in sorted(stream.stream_dict.items()):
        if key == "/Length":
            continue
        if isinstance(value, pikepdf.Object):
            if value.is_indirect:
                return None
            value = value.unparse()
        h.update(f"\0{key}\0".encode() + (value if isinstance(value, bytes) else repr(value).encode()))
    return h.hexdigest()


def _fonts_of(resources, seen: set, depth: int = 0) -> Iterator[pikepdf.Dictionary]:
    """Font dictionaries used by a resource dictionary and the forms it draws (a few levels deep), each once."""
    if not isinstance(resources, pikepdf.Dictionary) or depth > 4:
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for _name, font in fonts.items():
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            if isinstance(font, pikepdf.Dictionary):
                yield font
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for _name, form in xobjects.items():
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == "/Form":
                if form.is_indirect:
                    if form.objgen in seen:
                        continue
                    seen.add(form.objgen)
                yield from _fonts_of(form.get("/Resources"), seen, depth + 1)


def _rename(scan: PartScan, obj, key: str, tag: str) -> None:
    name = obj.get(key)
    if name is not None and _SUBSET_TAG.match(str(name)):
        new = "/" + tag + str(name).lstrip("/")[6:]
        obj[key] = pikepdf.Name(new)
        if obj.is_indirect:
            scan.renames.append((*obj.objgen, key, new))
        else:
            scan.replayable = False


def _shareable(scan: PartScan, holder, key: str, raw: bytes | None = None) -> None:
    stream = holder.get(key)
    if holder.is_indirect and isinstance(stream, pikepdf.Stream) and stream.is_indirect:
        identity = _identity(stream, raw)
        if identity is not None:
            scan.streams.append((holder, key, identity))


def _scan_font(font: pikepdf.Dictionary, scan: PartScan, loose: set[str]) -> None:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return
    top = font
    _shareable(scan, top, "/ToUnicode")
    if subtype == "/Type0":
        kids = font.get("/DescendantFonts")
        if not isinstance(kids, pikepdf.Array) or len(kids) == 0:
            return
        font = kids[0]
    desc = font.get("/FontDescriptor")
    key = next((k for k in _PROGRAM_KEYS if k in desc), None) if isinstance(desc, pikepdf.Dictionary) else None
    if key is None:
        loose.add(str(top.get("/BaseFont", "?")).lstrip("/"))
        return
    raw = desc[key].read_raw_bytes()
    tag = _tag(hashlib.sha256(raw).digest())
    for obj, name_key in ((top, "/BaseFont"), (font, "/BaseFont"), (desc, "/FontName")):
        _rename(scan, obj, name_key, tag)
    _shareable(scan, desc, key, raw)


def scan_part(src: pikepdf.Pdf) -> PartScan:
    """Rename the subset fonts of ``src`` (in memory) after their programs; list shareable streams and
    the fonts that are not embedded."""
    scan = PartScan()
    loose: set[str] = set()
    seen: set = set()
    for page in src.pages:
        _shareable(scan, page.obj, "/Contents")
        for font in _fonts_of(page.obj.get("/Resources"), seen):
            _scan_font(font, scan, loose)
    scan.not_embedded = sorted(loose)
    return scan


def share_streams(dst: pikepdf.Pdf, scan: PartScan, known: dict[str, pikepdf.Object], repeated: set[str]) -> None:
    """After an input's pages were copied into ``dst``: point its holders at equal streams copied from
    earlier inputs (``known``: identity -> stream in ``dst``), so that each is written once.
    ``repeated``: the identities held more than once among all inputs (the others need no look-up)."""
    for holder, key, identity in scan.streams:
        if identity not in repeated:
            continue
        copied = dst.copy_foreign(holder)[key]   # the copy made with the pages (qpdf remembers it)
        first = known.setdefault(identity, copied)
        if first.objgen != copied.objgen:
            dst.copy_foreign(holder)[key] = first


def replay_scan(src: pikepdf.Pdf, record: dict) -> PartScan:
    """Apply a :meth:`PartScan.record` of this very file (same bytes) to ``src``: the same renames, the
    same streams to share, without walking its fonts again. Raises ValueError on a record that does not fit."""
    if not isinstance(record, dict) or record.get("format") != SCAN_FORMAT:
        raise ValueError("not a scan record of this version")
    scan = PartScan(not_embedded=[str(n) for n in record["not_embedded"]])
    try:
        for num, gen, key, name in record["renames"]:
            src.get_object((int(num), int(gen)))[str(key)] = pikepdf.Name(str(name))
            scan.renames.append((int(num), int(gen), str(key), str(name)))
        for num, gen, key, identity in record["streams"]:
            scan.streams.append((src.get_object((int(num), int(gen))), str(key), str(identity)))
    except Exception as err:  # noqa: BLE001 - a hand-edited or stale record: scan afresh
        raise ValueError(f"scan record does not fit: {err}") from err
    return scan


class ScanMemo:
    """Scan records kept between builds, by each file's SHA-256 (``digests``: path -> hex digest).

    ``known`` is what :meth:`records` gave after the previous build (or None);
    :meth:`records` after this build holds the records of this build's files only.
    """

    def __init__(self, known: dict | None, digests: dict[Path, str]):
        self.known = known if isinstance(known, dict) else {}
        self.digests = {Path(p): d for p, d in digests.items()}
        self.current: dict[str, dict] = {}

    def get(self, path: Path) -> dict | None:
        digest = self.digests.get(path)
        return None if digest is None else self.known.get(digest)

    def put(self, path: Path, record: dict | None) -> None:
        digest = self.digests.get(path)
        if digest is not None and record is not None:
            self.current[digest] = record

    def records(self) -> dict[str, dict]:
        return dict(sorted(self.current.items()))
