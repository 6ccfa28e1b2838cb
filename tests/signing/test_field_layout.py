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
