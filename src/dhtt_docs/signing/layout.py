"""Where a rendered document puts its signatures, read from the PDF's own text positions.

NĐ 30/2020 (Phụ lục I) places the signer's image centred between the signer's
title (quyền hạn, chức vụ) and name, the agency's seal over the left third of
it, and on an attached document (the Danh sách) the agency's text stamp at the
top right of page 1. The places are found from the layout LibreOffice made,
never from fixed coordinates, so a user's own template still gets its fields
where its signature blocks are.

Text positions come from PDFium (pypdfium2): every character's box, read in
C at a few milliseconds a page (pdfplumber/pdfminer, pure Python, took about
30 times as long). Boxes are made the way pdfminer made them, which the rules
were tuned on: across, from the glyph's origin to the right edge of PDFium's
loose box (the advance width); up, from the baseline by the font size.

A signature block is: a run of title lines (upper case, one column), a blank
space, then the name line. On the last page, the bottom-most line(s) are the
names; each one's column, walked upwards across the blank space, gives its
title lines.
"""

from __future__ import annotations

import ctypes
import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

# Field names (the command-line contract) and which document has which.
NGUOI_KY, CO_QUAN, CHU_TOA, THU_KY = "nguoi-ky", "co-quan", "chu-toa", "thu-ky"
NGUOI_BAO_CAO, THU_TRUONG = "nguoi-bao-cao", "thu-truong"
FIELD_NAMES = (NGUOI_KY, CO_QUAN, CHU_TOA, THU_KY, NGUOI_BAO_CAO, THU_TRUONG)
FIELDS_OF_KIND = {
    "to-trinh": (NGUOI_KY, CO_QUAN),
    "danh-sach": (CO_QUAN,),
    "bien-ban": (CHU_TOA, THU_KY),
    "bao-cao": (NGUOI_BAO_CAO, THU_TRUONG),
}

MM = 72 / 25.4
SEAL_SIDE = 42 * MM          # room for a round seal of up to 42 mm, drawn at its real size
STAMP_SIZE = (175.0, 34.0)   # the Danh sách's text stamp: two lines of 10 pt (leading 12) and room
_SAME_LINE = 2.5             # characters whose tops differ less than this are on one line (pt)
_WORD_GAP = 3.0              # a wider gap between characters ends a word (pdfplumber's x_tolerance)
_COLUMN_GAP = 18.0           # a wider horizontal gap splits a line into separate segments (columns)
_MARGIN = 2.0                # space kept between a field and the text around it


@dataclass(frozen=True)
class Box:
    """A rectangle with the origin top-left, y downwards, in points (as a page is read)."""
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


class Char(NamedTuple):
    """One character of a page: its text, box (top-left origin, y down), font size, and whether a blank
    (a space or line break) came before it. A tuple: a page has hundreds, made in a tight loop."""
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    after_blank: bool = False


@dataclass(frozen=True)
class Segment:
    """Words on one line, close together: one column's line of text."""
    text: str
    box: Box
    size: float


@dataclass(frozen=True)
class Placement:
    """One field to add: its name, 0-based page, and rectangle in PDF coordinates (x0, y0, x1, y1)."""
    name: str
    page: int
    rect: tuple[float, float, float, float]
    role: str                     # "signature" | "seal" | "stamp"
    title: str = ""               # the signer's title lines, for messages and tests
    signer: str = ""              # the name line under the field


@dataclass(frozen=True)
class Block:
    titles: list[Segment]
    name: Segment

    @property
    def title_text(self) -> str:
        return " / ".join(s.text for s in self.titles)


def segments(chars: list[Char]) -> list[Segment]:
    """The page's text as segments, top to bottom, left to right.

    Characters on one line (tops closer than ``_SAME_LINE``) make words, split after blanks and at gaps over
    ``_WORD_GAP`` (as pdfplumber's ``extract_words`` did); a gap over ``_COLUMN_GAP`` starts a new segment."""
    chars = sorted(chars, key=lambda c: (round(c.top, 1), c.x0))
    lines: list[list[Char]] = []
    for c in chars:
        if lines and abs(lines[-1][0].top - c.top) < _SAME_LINE:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        run: list[Char] = []
        text: list[str] = []
        for c in line:
            if run:
                gap = c.x0 - run[-1].x1
                if gap > _COLUMN_GAP:
                    out.append(_segment(run, text))
                    run, text = [], []
                elif c.after_blank or gap > _WORD_GAP:
                    text.append(" ")
            run.append(c)
            text.append(c.text)
        if run:
            out.append(_segment(run, text))
    return out


def _segment(chars: list[Char], text: list[str]) -> Segment:
    _, x0, top, x1, bottom, size, _ = zip(*chars)
    return Segment("".join(text), Box(min(x0), min(top), max(x1), max(bottom)), max(size))


def signature_blocks(segs: list[Segment], page_width: float) -> list[Block]:
    """The signature blocks of a page, left to right: each name on the bottom line, with its titles."""
    texts = [s for s in segs if not s.text.strip().isdigit()]   # page numbers are no names
    if not texts:
        return []
    bottom = max(s.box.top for s in texts)
    names = sorted((s for s in texts if bottom - s.box.top < _SAME_LINE), key=lambda s: s.box.x0)
    blocks = []
    for name in names:
        titles = _titles_above(name, texts, page_width)
        if titles:
            blocks.append(Block(titles, name))
    return blocks


def _titles_above(name: Segment, segs: list[Segment], page_width: float) -> list[Segment]:
    """The title lines over `name`: across one blank space, then every line that follows closely."""
    half = max(name.box.width / 2, 50.0)
    band = (name.box.cx - half, name.box.cx + half)
    above = sorted((s for s in segs if s.box.bottom <= name.box.top + 0.5 and s.box.width < 0.6 * page_width
                    and s.box.x1 > band[0] and s.box.x0 < band[1]),
                   key=lambda s: -s.box.bottom)
    if not above:
        return []
    first = above[0]
    if name.box.top - first.box.bottom < 1.5 * name.size:   # no room to sign: not a signature block
        return []
    titles = [first]
    for s in above[1:]:
        if titles[-1].box.top - s.box.bottom > 0.8 * s.size:
            break
        if not _is_title(s.text):
            break
        titles.append(s)
    titles.reverse()
    return titles if all(_is_title(s.text) for s in titles) else []


def _is_title(text: str) -> bool:
    """Signers' titles are written in capitals (KT. GIÁM ĐỐC, CHỦ TỌA, NGƯỜI BÁO CÁO THÀNH TÍCH)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def signer_rect(block: Block, page_height: float) -> tuple[float, float, float, float]:
    """The signer's field: centred on the block's column, from under the last title to over the name."""
    parts = [*block.titles, block.name]
    cx = sorted(s.box.cx for s in parts)[len(parts) // 2]
    width = max(max(s.box.width for s in parts), 120.0)
    top = block.titles[-1].box.bottom + _MARGIN
    bottom = block.name.box.top - _MARGIN
    return _pdf_rect(Box(cx - width / 2, top, cx + width / 2, bottom), page_height)


def seal_rect(signer: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The agency's seal: a square of the seal's size whose right edge covers the signer's left third."""
    x0, y0, x1, y1 = signer
    right = x0 + (x1 - x0) / 3
    cy = (y0 + y1) / 2
    return _round((right - SEAL_SIDE, cy - SEAL_SIDE / 2, right, cy + SEAL_SIDE / 2))


def stamp_rect(segs: list[Segment], page_width: float, page_height: float,
               rects: list[Box]) -> tuple[float, float, float, float]:
    """The Danh sách's stamp: top right of page 1, at the text's right edge, clear of the text."""
    width, height = STAMP_SIZE
    right = max([s.box.x1 for s in segs] + [r.x1 for r in rects if r.x1 < page_width - 5])
    first_top = min(s.box.top for s in segs)
    box = Box(right - width, first_top, right, first_top + height)
    if any(_overlaps(box, s.box) for s in segs) or any(_overlaps(box, r) for r in rects):
        top = max(first_top - height - _MARGIN, 6.0)
        box = Box(right - width, top, right, top + height)
    return _pdf_rect(box, page_height)


def _overlaps(a: Box, b: Box) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.top < b.bottom and b.top < a.bottom


def _pdf_rect(box: Box, page_height: float) -> tuple[float, float, float, float]:
    return _round((box.x0, page_height - box.bottom, box.x1, page_height - box.top))


def _round(rect) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in rect)


_CHU_TOA = re.compile(r"CHỦ\s*TỌA|CHỦ\s*TOẠ")
_THU_KY = re.compile(r"THƯ\s*KÝ")


_PDFIUM = threading.Lock()   # PDFium is not thread-safe: one document at a time in this process


def find_placements(pdf: Path | bytes, kind: str) -> tuple[list[Placement], list[str]]:
    """The fields a document of `kind` gets, and the names of those whose place was not found.

    `pdf` is the file, or its bytes."""
    wanted = FIELDS_OF_KIND.get(kind, ())
    if not wanted:
        return [], []
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)
        try:
            return _placements(doc, kind, wanted)
        finally:
            doc.close()


def _placements(doc, kind: str, wanted: tuple[str, ...]) -> tuple[list[Placement], list[str]]:
    if kind == "danh-sach":
        width, height, segs, rules = read_page(doc, 0, with_rules=True)
        if not segs:
            return [], [CO_QUAN]
        return [Placement(CO_QUAN, 0, stamp_rect(segs, width, height, rules), "stamp")], []
    for index in range(len(doc) - 1, -1, -1):
        width, height, segs, _ = read_page(doc, index)
        blocks = signature_blocks(segs, width)
        if blocks:
            break
    else:
        return [], list(wanted)
    found = _label(kind, blocks, width)
    out: list[Placement] = []
    for name in wanted:
        if name == CO_QUAN and NGUOI_KY in found:
            signer = next(p for p in out if p.name == NGUOI_KY)
            out.append(Placement(CO_QUAN, index, seal_rect(signer.rect), "seal", signer.title, signer.signer))
        elif name in found:
            block = found[name]
            out.append(Placement(name, index, signer_rect(block, height), "signature",
                                 block.title_text, block.name.text))
    return out, [n for n in wanted if n not in {p.name for p in out}]


def read_page(doc, index: int, with_rules: bool = False) -> tuple[float, float, list[Segment], list[Box]]:
    """Width, height, text segments and (with `with_rules`) the boxes of the drawn paths (table rules,
    frames) of page `index` of a pypdfium2 document."""
    page = doc[index]
    try:
        width, height = (float(v) for v in page.get_size())
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage, height)
        finally:
            textpage.close()
        rules = _rules(page, height) if with_rules else []
        return width, height, segments(chars), rules
    finally:
        page.close()


def _rules(page, height: float) -> list[Box]:
    """The boxes of the page's drawn paths (table rules, frames): the box of each path's points in
    page space, as pdfplumber gave them (PDFium's own bounds add the stroke's width around)."""
    import pypdfium2.raw as raw

    out = []
    matrix, x, y = raw.FS_MATRIX(), ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        handle = obj.raw
        if not raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix)):
            continue
        m = matrix
        xs, ys = [], []
        for i in range(raw.FPDFPath_CountSegments(handle)):
            segment = raw.FPDFPath_GetPathSegment(handle, i)
            if segment and raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                xs.append(m.a * x.value + m.c * y.value + m.e)
                ys.append(m.b * x.value + m.d * y.value + m.f)
        if xs:
            out.append(Box(min(xs), height - max(ys), max(xs), height - min(ys)))
    return out


@functools.cache
def _char_calls():
    """PDFium's three per-character calls, declared without argument types: ctypes then converts the
    arguments by their own types (a pointer object, an int) instead of checking each against the
    binding's declared types, which was two thirds of a call's cost. Same functions, same answers."""
    import pypdfium2.raw as raw

    def unchecked(fn, restype):
        return ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)

    return (unchecked(raw.FPDFText_GetLooseCharBox, ctypes.c_int),
            unchecked(raw.FPDFText_GetCharOrigin, ctypes.c_int),
            unchecked(raw.FPDFText_GetFontSize, ctypes.c_double))


def _chars(textpage, height: float) -> list[Char]:
    """Every character of the page; spaces and line breaks (PDFium's generated ones too) only mark
    the next character as following a blank. About 2 µs a character: three calls into PDFium."""
    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(textpage.raw)
    text = textpage.get_text_range(0, count)
    if len(text) != count:   # one UTF-16 unit per character is what PDFium gives; if not, ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p)
    rect, x, y = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    rect_p, x_p, y_p = ctypes.byref(rect), ctypes.byref(x), ctypes.byref(y)
    loose_box, origin, font_size = _char_calls()
    out = []
    blank = False
    for i, ch in enumerate(text):
        if ch.isspace() or not ch.isprintable():
            blank = True
            continue
        if not loose_box(handle, i, rect_p) or not origin(handle, i, x_p, y_p):
            continue
        size = font_size(handle, i)
        base = height - y.value
        out.append(Char(ch, x.value, base - size, max(rect.right, x.value), base, size, blank))
        blank = False
    return out


def _label(kind: str, blocks: list[Block], page_width: float) -> dict[str, Block]:
    """Which block is whose. Tờ trình: the right-hand one; Biên bản: by title, else thư ký left;
    Báo cáo: the reporter on the right, the head who confirms on the left."""
    right = [b for b in blocks if b.name.box.cx > page_width / 2]
    left = [b for b in blocks if b.name.box.cx <= page_width / 2]
    if kind == "to-trinh":
        return {NGUOI_KY: (right or blocks)[-1]}
    if kind == "bien-ban":
        out = {}
        for b in blocks:
            if _CHU_TOA.search(b.title_text):
                out.setdefault(CHU_TOA, b)
            elif _THU_KY.search(b.title_text):
                out.setdefault(THU_KY, b)
        if CHU_TOA not in out and right:
            out[CHU_TOA] = right[-1]
        if THU_KY not in out and left:
            out[THU_KY] = left[0]
        return out
    out = {}
    if right:
        out[NGUOI_BAO_CAO] = right[-1]
    if left:
        out[THU_TRUONG] = left[0]
    return out
