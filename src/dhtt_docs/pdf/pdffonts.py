"""Fonts inside a PDF: which are not embedded, and subset tags renamed from each program's hash.

Named after poppler's ``pdffonts``, which reports the same things.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

__all__ = ["fonts_not_embedded", "retag_font_subsets"]


def _font_program(font: DictionaryObject):
    """(descriptor, embedded program stream or None) of a font dictionary; None for Type3."""
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return None
    if subtype == "/Type0":
        kids = font.get("/DescendantFonts")
        kids = kids.get_object() if kids is not None else None
        if not kids:
            return None
        font = kids[0].get_object()
    desc = font.get("/FontDescriptor")
    desc = desc.get_object() if desc is not None else None
    if not isinstance(desc, DictionaryObject):
        return (None, None)
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in desc:
            return (desc, desc[key].get_object())
    return (desc, None)


def _fonts_of(resources, depth: int = 0) -> Iterator[DictionaryObject]:
    """Font dictionaries used by a resource dictionary and the forms it draws (a few levels deep)."""
    if resources is None or depth > 4:
        return
    resources = resources.get_object()
    if not isinstance(resources, DictionaryObject):
        return
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else None
    if isinstance(fonts, DictionaryObject):
        for ref in fonts.values():
            font = ref.get_object()
            if isinstance(font, DictionaryObject):
                yield font
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if isinstance(xobjects, DictionaryObject):
        for ref in xobjects.values():
            form = ref.get_object()
            if isinstance(form, DictionaryObject) and form.get("/Subtype") == "/Form":
                yield from _fonts_of(form.get("/Resources"), depth + 1)


def fonts_not_embedded(reader: PdfReader) -> list[str]:
    """Names of the fonts a file uses without embedding them (PDF/A requires every font embedded)."""
    names: set[str] = set()
    try:
        for page in reader.pages:
            for font in _fonts_of(page.get("/Resources")):
                found = _font_program(font)
                if found is not None and found[1] is None:
                    names.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    except Exception:  # noqa: BLE001 - a damaged resource tree: report what was found
        pass
    return sorted(names)


_SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")


def _tag_for(program) -> str:
    """Six capital letters from the font program's hash: distinct programs, distinct tags (ISO 32000-1 9.6.4)."""
    data = getattr(program, "_data", None)
    if data is None:
        data = program.get_data()
    n = int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(ord("A") + r))
    return "".join(letters)


def retag_font_subsets(writer: PdfWriter) -> None:
    """Give each embedded subset font a tag derived from its own program.

    LibreOffice numbers its subsets per file (BAAAAA+, CAAAAA+, ...), so a
    merged bundle holds several different programs under one name; readers may
    then draw one with another's glyphs. The same program keeps the same tag,
    so identical fonts still merge and the bytes stay reproducible.
    """
    for obj in list(writer._objects):
        if not isinstance(obj, DictionaryObject) or obj.get("/Type") != "/Font":
            continue
        base = obj.get("/BaseFont")
        if base is None or not _SUBSET_TAG.match(str(base)):
            continue
        found = _font_program(obj)
        if not found or found[1] is None:
            continue
        desc, program = found
        tag = _tag_for(program)
        obj[NameObject("/BaseFont")] = NameObject("/" + tag + str(base).lstrip("/")[6:])
        if obj.get("/Subtype") == "/Type0":
            kid = obj["/DescendantFonts"].get_object()[0].get_object()
            kid_base = str(kid.get("/BaseFont", ""))
            if _SUBSET_TAG.match(kid_base):
                kid[NameObject("/BaseFont")] = NameObject("/" + tag + kid_base.lstrip("/")[6:])
        name = str(desc.get("/FontName", ""))
        if _SUBSET_TAG.match(name):
            desc[NameObject("/FontName")] = NameObject("/" + tag + name.lstrip("/")[6:])
