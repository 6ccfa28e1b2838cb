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
"""

from __future__ import annotations

import io
import re
import zipfile
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


def normalize_docx(data: bytes, *, title: str, author: str, when: date, subject: str = "") -> bytes:
    """The DOCX `data` rewritten deterministically, with core properties from the dossier."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = {i.filename: zin.read(i.filename) for i in zin.infolist() if not i.is_dir()}
    if CORE in entries:      # always there once docxtpl has rendered (it reads the core properties)
        entries[CORE] = core_xml(title=title, author=author, when=when, subject=subject)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name in sorted(entries, key=lambda n: (n != CONTENT_TYPES, n)):
            blob = entries[name]
            if name.startswith("word/") and name.endswith(".xml"):
                blob = _strip_rsids(blob)
            detzip.write_entry(zout, name, blob, unix=False)   # MS-DOS: no Unix mode bits from the machine
    return out.getvalue()
