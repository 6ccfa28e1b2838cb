"""The layout read with PDFium agrees with pdfplumber (pdfminer), the independent reader the rules were tuned on."""

from __future__ import annotations

import pdfplumber
import pypdfium2 as pdfium
import pytest

from dhtt_docs.signing.layout import find_placements, read_page
from signing_fixtures import built_round  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

TOL = 0.05   # points


def _contains(outer, x0, top, x1, bottom) -> bool:
    return (outer.x0 - TOL <= x0 and x1 <= outer.x1 + TOL and outer.top - TOL <= top
            and bottom <= outer.bottom + TOL)


@pytest.mark.parametrize("name", ["to-trinh.pdf", "danh-sach.pdf", "bien-ban-hop-hoi-dong.pdf",
                                  "bao-cao-thanh-tich-an.pdf"])
def test_every_word_is_in_one_segment_with_pdfminers_box(built_round, name):
    pdf = built_round / "build" / "documents" / name
    doc = pdfium.PdfDocument(str(pdf))
    try:
        with pdfplumber.open(str(pdf)) as reference:
            for index, page in enumerate(reference.pages):
                width, height, segs, _ = read_page(doc, index)
                assert (width, height) == pytest.approx((float(page.width), float(page.height)), abs=TOL)
                words = page.extract_words()
                assert words and segs
                for w in words:
                    home = [s for s in segs if w["text"] in s.text.split(" ")
                            and _contains(s.box, w["x0"], w["top"], w["x1"], w["bottom"])]
                    assert len(home) == 1, (name, index, w["text"], home)
                for s in segs:   # and a segment is no bigger than its words
                    inside = [w for w in words if _contains(s.box, w["x0"], w["top"], w["x1"], w["bottom"])]
                    assert " ".join(w["text"] for w in sorted(inside, key=lambda w: w["x0"])) == s.text
                    assert s.box.x0 == pytest.approx(min(w["x0"] for w in inside), abs=TOL)
                    # across to the advance width, or to the ink where an italic glyph overhangs it
                    assert 0 <= s.box.x1 - max(w["x1"] for w in inside) + TOL < 0.5
                    assert s.box.top == pytest.approx(min(w["top"] for w in inside), abs=TOL)
    finally:
        doc.close()


def test_table_rules_are_pdfplumbers_lines(built_round):
    pdf = built_round / "build" / "documents" / "danh-sach.pdf"
    doc = pdfium.PdfDocument(str(pdf))
    try:
        _, _, _, rules = read_page(doc, 0, with_rules=True)
    finally:
        doc.close()
    with pdfplumber.open(str(pdf)) as reference:
        page = reference.pages[0]
        expected = sorted((r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects + page.lines)
    got = sorted((r.x0, r.top, r.x1, r.bottom) for r in rules)
    assert expected and len(got) == len(expected)
    for box in expected:
        assert any(a == pytest.approx(box, abs=TOL) for a in got), box


def test_placements_read_from_bytes_or_file_are_the_same(built_round):
    pdf = built_round / "build" / "documents" / "to-trinh.pdf"
    assert find_placements(pdf, "to-trinh") == find_placements(pdf.read_bytes(), "to-trinh")
    assert find_placements(pdf, "to-trinh")[1] == []


def test_characters_read_without_ctypes_checks_are_those_the_checked_bindings_give(built_round):
    """layout._chars calls PDFium through prototypes without declared argument types (for speed):
    every character, box and size is the one pypdfium2's own, checked bindings give."""
    import ctypes

    import pypdfium2.raw as raw

    from dhtt_docs.signing.layout import _chars

    compared = 0
    for pdf in sorted((built_round / "build" / "documents").glob("*.pdf")):
        doc = pdfium.PdfDocument(str(pdf))
        try:
            for index in range(len(doc)):
                page = doc[index]
                textpage = page.get_textpage()
                height = page.get_size()[1]
                rect, x, y = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
                expected = []
                for i in range(raw.FPDFText_CountChars(textpage.raw)):
                    assert raw.FPDFText_GetLooseCharBox(textpage.raw, i, ctypes.byref(rect))
                    assert raw.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(x), ctypes.byref(y))
                    expected.append((rect.right, x.value, y.value, raw.FPDFText_GetFontSize(textpage.raw, i)))
                got = _chars(textpage, height)
                printable = [e for e, ch in zip(expected, textpage.get_text_range())
                             if not (ch.isspace() or not ch.isprintable())]
                assert [(c.x0, c.top, c.x1, c.bottom, c.size) for c in got] == [
                    (x0, height - y0 - size, max(right, x0), height - y0, size) for right, x0, y0, size in printable]
                compared += len(got)
                textpage.close()
                page.close()
        finally:
            doc.close()
    assert compared > 3000
