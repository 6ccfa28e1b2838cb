"""Sign-ready PDFs: each document's signature fields sit where its signature blocks are in the text."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from dhtt_docs.signing.fields import add_signature_fields, signature_field_names
from dhtt_docs.signing.layout import SEAL_SIDE
from signing_fixtures import built_round, fresh_round, keys  # noqa: F401 - fixtures


pytestmark = pytest.mark.slow

EXPECTED = {
    "to-trinh.pdf": ["co-quan", "nguoi-ky"],
    "danh-sach.pdf": ["co-quan"],
    "bien-ban-hop-hoi-dong.pdf": ["chu-toa", "thu-ky"],
    "bao-cao-thanh-tich-an.pdf": ["nguoi-bao-cao", "thu-truong"],
    "bao-cao-thanh-tich-phong-thu.pdf": ["nguoi-bao-cao", "thu-truong"],
}


def widgets(pdf: Path) -> dict[str, tuple[int, list[float]]]:
    """Field name -> (0-based page, rect)."""
    reader = PdfReader(str(pdf))
    out = {}
    for i, page in enumerate(reader.pages):
        for a in page.get("/Annots", []) or []:
            a = a.get_object()
            if a.get("/FT") == "/Sig":
                out[str(a["/T"])] = (i, [float(v) for v in a["/Rect"]])
    return out


def line_box(pdf: Path, page: int, text: str) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of the last line on `page` that contains `text`, in PDF coordinates (y up)."""
    with pdfplumber.open(str(pdf)) as doc:
        p = doc.pages[page]
        words = p.extract_words()
        lines: dict[int, list[dict]] = {}
        for w in words:
            lines.setdefault(round(w["top"]), []).append(w)
        found = None
        first = text.split()[0]
        for top in sorted(lines):
            ws = sorted(lines[top], key=lambda w: w["x0"])
            for i, w in enumerate(ws):
                run = ws[i:i + len(text.split())]
                if w["text"] == first and " ".join(x["text"] for x in run) == text:
                    found = (run[0]["x0"], float(p.height) - run[0]["top"], run[-1]["x1"], float(p.height) - run[-1]["bottom"])
        assert found, f"{text!r} not on page {page + 1} of {pdf.name}"
        return found


def test_every_document_has_its_fields_and_the_bundle_none(built_round):
    docs = built_round / "build" / "documents"
    for name, fields in EXPECTED.items():
        assert signature_field_names(docs / name) == fields, name
    bundle = next((built_round / "build" / "bundle").glob("*.pdf"))
    assert signature_field_names(bundle) == []
    assert not PdfReader(str(bundle)).get_fields()


@pytest.mark.parametrize("doc, field, title, name", [
    ("to-trinh.pdf", "nguoi-ky", "GIÁM ĐỐC", "Lê Văn Bình"),
    ("bien-ban-hop-hoi-dong.pdf", "chu-toa", "CHỦ TỌA", "Lê Văn Bình"),
    ("bien-ban-hop-hoi-dong.pdf", "thu-ky", "THƯ KÝ", "Trần Thị Hoa"),
    ("bao-cao-thanh-tich-an.pdf", "nguoi-bao-cao", "NGƯỜI BÁO CÁO THÀNH TÍCH", None),
])
def test_signer_field_lies_between_title_and_name(built_round, doc, field, title, name):
    pdf = built_round / "build" / "documents" / doc
    page, (x0, y0, x1, y1) = widgets(pdf)[field]
    tx0, ttop, tx1, tbottom = line_box(pdf, page, title)
    if name is None:   # the reporter's own name: the line under the field, whatever it is
        with pdfplumber.open(str(pdf)) as d:
            p = d.pages[page]
            below = [w for w in p.extract_words() if float(p.height) - w["top"] < y0 + 5 and w["x0"] < x1 and w["x1"] > x0]
            w = min(below, key=lambda w: w["top"])
            nx0, ntop, nx1 = w["x0"], float(p.height) - w["top"], w["x1"]
            nx1 = max(v["x1"] for v in below if abs(v["top"] - w["top"]) < 2)
    else:
        nx0, ntop, nx1, _ = line_box(pdf, page, name)
    assert y1 <= tbottom, "the field starts under the title"
    assert y0 >= ntop, "the field ends over the name"
    assert tbottom - y1 < 6 and y0 - ntop < 6, "the field fills the space between title and name"
    centre = (x0 + x1) / 2
    assert abs(centre - (nx0 + nx1) / 2) < 6, "centred on the name"
    assert abs(centre - (tx0 + tx1) / 2) < 6, "centred on the title"


def test_seal_covers_the_left_third_of_the_signers_field(built_round):
    pdf = built_round / "build" / "documents" / "to-trinh.pdf"
    fields = widgets(pdf)
    _, (sx0, sy0, sx1, sy1) = fields["nguoi-ky"]
    page, (x0, y0, x1, y1) = fields["co-quan"]
    assert abs(x1 - (sx0 + (sx1 - sx0) / 3)) < 0.5, "right edge on the left third of the signer's field"
    assert x0 < sx0, "the seal stands out on the left"
    assert abs((y0 + y1) / 2 - (sy0 + sy1) / 2) < 0.5
    assert abs((x1 - x0) - SEAL_SIDE) < 0.5 and abs((y1 - y0) - SEAL_SIDE) < 0.5


def test_danh_sach_stamp_is_top_right_of_page_1_clear_of_text(built_round):
    pdf = built_round / "build" / "documents" / "danh-sach.pdf"
    page, (x0, y0, x1, y1) = widgets(pdf)["co-quan"]
    assert page == 0
    with pdfplumber.open(str(pdf)) as d:
        p = d.pages[0]
        words = p.extract_words()
        h = float(p.height)
        right = max(w["x1"] for w in words)
        assert x1 >= right - 1 and x1 <= float(p.width)
        assert y1 > h - min(w["top"] for w in words) - 1, "above the first line of text or level with it"
        for w in words:
            assert not (w["x0"] < x1 and w["x1"] > x0 and h - w["bottom"] < y1 and h - w["top"] > y0), w["text"]


def test_adding_fields_is_deterministic(built_round, tmp_path):
    src = built_round / "build" / "documents"
    digests = []
    for n in (1, 2):
        d = tmp_path / str(n)
        shutil.copytree(src, d)
        add_signature_fields(d / "to-trinh.pdf", "to-trinh")
        add_signature_fields(d / "danh-sach.pdf", "danh-sach")
        digests.append([hashlib.sha256((d / f).read_bytes()).hexdigest() for f in ("to-trinh.pdf", "danh-sach.pdf")])
    assert digests[0] == digests[1]
    assert signature_field_names(tmp_path / "1" / "to-trinh.pdf") == ["co-quan", "nguoi-ky"]   # not doubled


def test_a_document_without_signature_block_gets_a_warning(tmp_path):
    from pypdf import PdfWriter
    pdf = tmp_path / "blank.pdf"
    w = PdfWriter()
    w.add_blank_page(595, 842)   # a user's template without signature blocks: nothing to anchor fields on
    with pdf.open("wb") as f:
        w.write(f)
    findings = add_signature_fields(pdf, "bien-ban")
    assert [f.code for f in findings] == ["sign.no_place", "sign.no_place"]
    assert {f.params["field"] for f in findings} == {"chu-toa", "thu-ky"}
    assert "chu-toa" in findings[0].message.vi and "chu-toa" in findings[0].message.en
    assert signature_field_names(pdf) == []
