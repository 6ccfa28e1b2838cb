"""Normalising LibreOffice's PDFs with qpdf: nothing of the clock left, the /ID from the content, PDF/A kept."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from dhtt_docs.pdf.convert import convert_many
from dhtt_docs.pdf.metadata import BundleMeta
from dhtt_docs.pdf.normalise import normalised_bytes
from dhtt_docs.pdf.pdffile import BundleError

DATE = datetime(2024, 3, 15, 9, 30, tzinfo=timezone(timedelta(hours=7)))
META = BundleMeta("Báo cáo thành tích", "Bảo hiểm xã hội tỉnh Nam Định", "Đề nghị Bằng khen", "thi đua", DATE)


@pytest.fixture(scope="module")
def exports(tmp_path_factory, soffice: str) -> dict[str, Path]:
    """Two documents, each exported twice as PDF/A by separate soffice processes, and once plain."""
    root = tmp_path_factory.mktemp("exports")
    jobs = []
    for name, text in (("a", "Nguyễn Thị Ánh Tuyết"), ("b", "Lê Văn Bình")):
        doc = Document()
        doc.add_paragraph(f"BÁO CÁO THÀNH TÍCH của {text}")
        doc.save(root / f"{name}.docx")
        jobs += [(root / f"{name}.docx", root / f"{name}1.pdf"), (root / f"{name}.docx", root / f"{name}2.pdf")]
    assert convert_many(jobs, pdfa=True, workers=2) == []
    assert convert_many([(root / "a.docx", root / "plain.pdf")], workers=1) == []
    return {p.stem: p for p in root.glob("*.pdf")}


@pytest.mark.slow   # LibreOffice exports
def test_two_exports_give_the_same_bytes_and_two_documents_different_ids(exports, tmp_path):
    a1, a2, b1 = (normalised_bytes(exports[n], META) for n in ("a1", "a2", "b1"))
    assert exports["a1"].read_bytes() != exports["a2"].read_bytes()   # the clock and a random /ID
    assert a1 == a2
    ids = []
    for data in (a1, b1):
        path = tmp_path / "x.pdf"
        path.write_bytes(data)
        with pikepdf.open(path) as pdf:
            assert set(pdf.trailer.keys()) == {"/Root", "/Info", "/Size", "/ID"}   # LibreOffice's /DocChecksum gone
            ids.append(bytes(pdf.trailer.ID[0]))
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    assert ids[0] != ids[1], "the /ID comes from the content, not a constant"


@pytest.mark.slow   # LibreOffice exports
def test_info_xmp_and_icc_profile_carry_the_dossier_date_and_pdfa_stays(exports, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(normalised_bytes(exports["a1"], META))
    assert path.read_bytes()[:8] == b"%PDF-1.7"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Bảo hiểm xã hội tỉnh Nam Định" in info and "dhtt-docs" in info and "LibreOffice" not in info
    with pikepdf.open(path) as pdf:
        xmp = pdf.Root.Metadata
        assert "/Filter" not in xmp.stream_dict   # PDF/A: the packet stays readable as it is
        text = xmp.read_bytes().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in text and "<xmp:CreateDate>2024-03-15T09:30:00+07:00<" in text
        assert "LibreOffice" not in text
        icc = pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        assert icc[24:36] == bytes.fromhex("07e80003000f0009001e0000")   # 2024-03-15 09:30:00


@pytest.mark.slow   # LibreOffice exports
def test_a_plain_export_gets_no_xmp_and_a_header_of_at_least_1_4(exports):
    data = normalised_bytes(exports["plain"], META)
    assert data[:5] == b"%PDF-" and tuple(int(v) for v in data[5:8].decode().split(".")) >= (1, 4)
    assert b"/Type /Metadata" not in data


def test_a_damaged_file_is_named(tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really")
    with pytest.raises(BundleError, match="hong.pdf"):
        normalised_bytes(bad, META)
