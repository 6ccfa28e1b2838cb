"""Byte-identical DOCX files: the same input gives the same bytes on every run and machine.

python-docx writes the clock into every zip entry and (from its default
template) into the core properties. `normalize_docx` rewrites a saved DOCX:

* entries in a fixed order ([Content_Types].xml first, then by name), each
  dated 1980-01-01 00:00:00, with fixed attributes, deflated;
* docProps/core.xml written afresh from the dossier: title, author and
  last-modified-by (the unit), created and modified (a date of the dossier,
  at 00:00:00Z), revision 1;
* revision-session ids (w:rsid*) dropped from the XML parts: Word adds
  random ones when a template is saved, and they carry no content.

`write_docx` is the writing half, for a renderer that has the parts already
(documents/compiled.py): a part that is the same in every document of a
template can be given as a `Record`, compressed once (`record`), and is then
copied into each zip as it is.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import partial
from html import escape as _escape

from dhtt_docs.archive import detzip

#: &, < and > as entities, as xml.sax.saxutils.escape does (that module imports urllib, http and ssl: 45 ms).
escape = partial(_escape, quote=False)

CONTENT_TYPES = "[Content_Types].xml"
CORE = "docProps/core.xml"

_RSID_ATTR = re.compile(rb'\s+w:rsid[A-Za-z]*="[0-9A-Fa-f]*"')
_RSIDS_BLOCK = re.compile(rb"<w:rsids>.*?</w:rsids>", re.DOTALL)


def core_xml(*, title: str, author: str, when: date, subject: str = "", language: str = "vi-VN") -> bytes:
    stamp = f"{when.isoformat()}T00:00:00Z"
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title>"
        f"<dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f"<dc:language>{escape(language)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _strip_rsids(data: bytes) -> bytes:
    return _RSIDS_BLOCK.sub(b"", _RSID_ATTR.sub(b"", data))


def clean_part(name: str, blob: bytes) -> bytes:
    """A part as it is stored: without revision-session ids when it is one of Word's XML parts."""
    if name.startswith("word/") and name.endswith(".xml") and b"w:rsid" in blob:
        return _strip_rsids(blob)
    return blob


@dataclass(frozen=True)
class Record:
    """One zip entry as zipfile writes it (`detzip.write_entry`): compressed once, copied into many zips."""

    local: bytes       # its local header and compressed data
    central: bytes     # its central directory entry; bytes 42-46 hold its offset in the zip


_CENTRAL_SIZE = 46                       # the fixed part of a central directory entry
_END = struct.Struct("<4s4H2LH")         # zipfile's end of central directory record (structEndArchive)


def _records(data: bytes) -> list[Record]:
    """The entries of a small zip written by zipfile (no zip64, no comment), in their order."""
    _, _, _, count, _, _, cd_offset, _ = _END.unpack_from(data, len(data) - _END.size)
    found, pos = [], cd_offset
    for _ in range(count):
        lengths = struct.unpack_from("<3H", data, pos + 28)            # name, extra, comment
        size = _CENTRAL_SIZE + sum(lengths)
        found.append((struct.unpack_from("<L", data, pos + 42)[0], data[pos:pos + size]))
        pos += size
    ends = [offset for offset, _ in found[1:]] + [cd_offset]
    return [Record(data[offset:end], central) for (offset, central), end in zip(found, ends)]


def _zipped(entries: dict[str, bytes]) -> dict[str, Record]:
    """Each entry cleaned and deflated by zipfile (MS-DOS attributes: no Unix mode bits from the machine)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, blob in entries.items():
            detzip.write_entry(zf, name, clean_part(name, blob), unix=False)
    return dict(zip(entries, _records(buf.getvalue())))


def record(name: str, blob: bytes) -> Record:
    """The entry `name` of a DOCX (cleaned, deflated, MS-DOS attributes), to copy into many zips."""
    return _zipped({name: blob})[name]


def write_docx(entries: dict[str, bytes | Record]) -> bytes:
    """The zip of `entries` in the fixed order: the bytes zipfile writes, records copied as they are.

    Each entry's local header and data and its central directory entry are
    zipfile's own (made by `_zipped`); only their offsets and the end record
    are written here, as zipfile writes them.
    """
    made = _zipped({name: blob for name, blob in entries.items() if not isinstance(blob, Record)})
    local, central, offset = [], [], 0
    for name in sorted(entries, key=lambda n: (n != CONTENT_TYPES, n)):
        rec = made.get(name) or entries[name]
        local.append(rec.local)
        central.append(rec.central[:42] + struct.pack("<L", offset) + rec.central[_CENTRAL_SIZE:])
        offset += len(rec.local)
    directory = b"".join(central)
    if offset > zipfile.ZIP64_LIMIT or len(central) >= 0xFFFF:
        raise ValueError("a DOCX this large needs zip64")   # never for a document: zipfile would add zip64 records
    return b"".join(local) + directory + _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central),
                                                  len(directory), offset, 0)


def normalize_docx(data: bytes, *, title: str, author: str, when: date, subject: str = "") -> bytes:
    """The DOCX `data` rewritten deterministically, with core properties from the dossier."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries: dict[str, bytes | Record] = {i.filename: zin.read(i.filename) for i in zin.infolist()
                                               if not i.is_dir()}
    if CORE in entries:      # always there once docxtpl has rendered (it reads the core properties)
        entries[CORE] = core_xml(title=title, author=author, when=when, subject=subject)
    return write_docx(entries)
