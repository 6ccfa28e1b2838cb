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
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from dhtt_docs.archive import detzip

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
    """One zip entry compressed once, as `detzip.write_entry` writes it: its header and compressed bytes."""

    raw: bytes
    fields: tuple[tuple[str, object], ...]    # its ZipInfo's, but its place in the zip


def record(name: str, blob: bytes) -> Record:
    """The entry `name` of a DOCX (cleaned, deflated, MS-DOS attributes), to copy into many zips."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        detzip.write_entry(zf, name, clean_part(name, blob), unix=False)
        info = zf.getinfo(name)
        raw = buf.getvalue()[info.header_offset:zf.start_dir]
    return Record(raw, tuple((slot, getattr(info, slot)) for slot in zipfile.ZipInfo.__slots__
                             if slot != "header_offset" and hasattr(info, slot)))


def _copy_record(zf: zipfile.ZipFile, rec: Record) -> None:
    """Append `rec` to `zf` exactly as zipfile would have written it (same header, same data)."""
    info = zipfile.ZipInfo.__new__(zipfile.ZipInfo)     # a copy (copy.copy is slow on a slotted class)
    for slot, value in rec.fields:
        setattr(info, slot, value)
    zf.fp.seek(zf.start_dir)
    info.header_offset = zf.start_dir
    zf._writecheck(info)        # noqa: SLF001 - what ZipFile.open("w") does before writing a header
    zf._didModify = True        # noqa: SLF001
    zf.fp.write(rec.raw)
    zf.start_dir = zf.fp.tell()
    zf.filelist.append(info)
    zf.NameToInfo[info.filename] = info


def write_docx(entries: dict[str, bytes | Record]) -> bytes:
    """The zip of `entries` in the fixed order; bytes are cleaned and deflated, records copied as they are."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name in sorted(entries, key=lambda n: (n != CONTENT_TYPES, n)):
            blob = entries[name]
            if isinstance(blob, Record):
                _copy_record(zout, blob)
            else:   # MS-DOS: no Unix mode bits from the machine
                detzip.write_entry(zout, name, clean_part(name, blob), unix=False)
    return out.getvalue()


def normalize_docx(data: bytes, *, title: str, author: str, when: date, subject: str = "") -> bytes:
    """The DOCX `data` rewritten deterministically, with core properties from the dossier."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries: dict[str, bytes | Record] = {i.filename: zin.read(i.filename) for i in zin.infolist()
                                               if not i.is_dir()}
    if CORE in entries:      # always there once docxtpl has rendered (it reads the core properties)
        entries[CORE] = core_xml(title=title, author=author, when=when, subject=subject)
    return write_docx(entries)
