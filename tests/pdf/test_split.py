"""Combined reports converted once and cut apart (pdf/split.py): each part is the report's own PDF.

Real LibreOffice, one pool call: the combined documents and every report alone.
Each part is compared with the report converted alone: the number of pages,
every page's image (poppler's pdftoppm) and text, and the catalog a reader sees.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import QUANG_BINH, SAMPLE_ROUND
from PIL import Image, ImageChops
from pypdf import PdfReader

from dhtt_docs.documents.combine import combine, mark_name
from dhtt_docs.documents.render import render_documents
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.pdf.convert import convert_many
from dhtt_docs.pdf.split import split_at_marks
from dhtt_docs.rules.engine import evaluate

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("soffice")]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """{group: (reports alone as PDFs, combined PDF)} for each round's individual and collective reports."""
    work = tmp_path_factory.mktemp("split")
    groups: dict[str, list[Path]] = {}
    for name, folder in (("sample", SAMPLE_ROUND), ("qb", QUANG_BINH)):
        for d in render_documents(evaluate(load_round(folder)), work / name):
            if d.kind == "bao-cao":
                kind = "tap-the" if d.path.name.startswith(("bao-cao-thanh-tich-bhxh-", "bao-cao-thanh-tich-phong-")) \
                    else "ca-nhan"
                groups.setdefault(f"{name}-{kind}", []).append(d.path)
    jobs, out = [], {}
    for group, sources in groups.items():
        if len(sources) < 2:
            continue
        combined = work / f"{group}.docx"
        assert combine(sources, combined)
        jobs.append((combined, combined.with_suffix(".pdf")))
        jobs += [(s, s.with_suffix(".pdf")) for s in sources]
        out[group] = ([s.with_suffix(".pdf") for s in sources], combined.with_suffix(".pdf"))
    assert not convert_many(jobs, workers=2)
    return out


def images(pdf: Path, folder: Path, prefix: str) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / prefix)], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob(f"{prefix}*.png"))]


def test_each_part_is_the_report_converted_alone(converted, tmp_path):
    compared = 0
    for group, (alone, combined) in converted.items():
        parts = [tmp_path / group / f"part-{k}.pdf" for k in range(len(alone))]
        parts[0].parent.mkdir()
        assert split_at_marks(combined, [mark_name(k) for k in range(len(alone))], parts)
        assert len(pikepdf.open(combined).pages) == sum(len(pikepdf.open(p).pages) for p in alone)
        for k, (own, part) in enumerate(zip(alone, parts)):
            mine, theirs = images(part, tmp_path, f"{group}-{k}-p"), images(own, tmp_path, f"{group}-{k}-o")
            assert len(mine) == len(theirs) > 0, (group, own.name)
            for page, (a, b) in enumerate(zip(mine, theirs)):
                assert a.size == b.size and ImageChops.difference(a, b).getbbox() is None, (own.name, page + 1)
            assert [p.extract_text() for p in PdfReader(part).pages] == \
                [p.extract_text() for p in PdfReader(own).pages]
            with pikepdf.open(part) as pdf, pikepdf.open(own) as ref:
                assert set(pdf.Root.keys()) == set(ref.Root.keys())        # no /Dests: they only served the cut
                assert pdf.Root.OpenAction[0].objgen == pdf.pages[0].objgen
                assert pdf.Root.Lang == ref.Root.Lang
                fonts = {str(f.get("/BaseFont"))[8:] for pg in pdf.pages for f in pg.Resources.Font.values()}
                ref_fonts = {str(f.get("/BaseFont"))[8:] for pg in ref.pages for f in pg.Resources.Font.values()}
                assert ref_fonts <= fonts                                  # subsets of the same faces
            compared += 1
    assert compared >= 8


def test_marks_not_where_they_should_be_cut_nothing(converted, tmp_path):
    alone, combined = next(iter(converted.values()))
    parts = [tmp_path / f"p{k}.pdf" for k in range(len(alone) + 1)]
    assert not split_at_marks(combined, [mark_name(k) for k in range(len(alone) + 1)], parts)   # one too many
    assert not split_at_marks(combined, [mark_name(k) for k in reversed(range(len(alone)))], parts)   # out of order
    assert not any(p.exists() for p in parts)
    assert not split_at_marks(alone[0], [mark_name(0)], parts[:1])      # a report alone has no marks


def test_a_tagged_pdf_is_not_cut(tmp_path):
    """PDF/A from LibreOffice is tagged: its structure tree would not follow the pages, so the build
    converts reports alone for PDF/A, and a tagged PDF is never cut."""
    folder = tmp_path / "r"
    sources = [d.path for d in render_documents(evaluate(load_round(SAMPLE_ROUND)), folder)
               if d.kind == "bao-cao"][:2]
    shutil.copy(sources[0], tmp_path / "a.docx")
    shutil.copy(sources[0], tmp_path / "b.docx")
    combined = tmp_path / "c.docx"
    assert combine([tmp_path / "a.docx", tmp_path / "b.docx"], combined)
    assert not convert_many([(combined, combined.with_suffix(".pdf"))], pdfa=True)
    with pikepdf.open(combined.with_suffix(".pdf")) as pdf:
        assert "/StructTreeRoot" in pdf.Root and "/Dests" in pdf.Root
    parts = [tmp_path / "p0.pdf", tmp_path / "p1.pdf"]
    assert not split_at_marks(combined.with_suffix(".pdf"), [mark_name(0), mark_name(1)], parts)
    assert not any(p.exists() for p in parts)


def test_parts_have_the_version_of_the_pdf_they_come_from(converted, tmp_path):
    alone, combined = next(iter(converted.values()))
    parts = [tmp_path / f"p{k}.pdf" for k in range(len(alone))]
    assert split_at_marks(combined, [mark_name(k) for k in range(len(alone))], parts)
    with pikepdf.open(parts[0]) as part, pikepdf.open(alone[0]) as own:
        assert part.pdf_version == own.pdf_version
