"""Bundle PDF: order, bookmarks, duplex padding, metadata, reproducibility, PDF/A, errors.

Most tests use small PDFs made with pypdf; the ones about fonts shared
between documents and PDF/A use real LibreOffice output (one module-scoped
conversion), skipped when soffice is absent (CI installs it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import assert_english
from pypdf.generic import ArrayObject, DictionaryObject, NameObject
from docx import Document
from docx.shared import Pt
from pypdf import PdfReader, PdfWriter

from dhtt_docs.pdf.bundle import (
    BundleError,
    BundleMeta,
    BundlePart,
    KeptBundle,
    ScanMemo,
    build_bundle,
)
from dhtt_docs.pdf.convert import convert_many
from dhtt_docs.pdf.normalise import normalise_pdf

VN_TEXT = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam – Độc lập, Tự do, Hạnh phúc; "
    "Nguyễn Thị Ánh Tuyết, Huân chương Lao động hạng Ba"
)
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
DATE = datetime(2024, 3, 15, 9, 30, tzinfo=timezone(timedelta(hours=7)))
META = BundleMeta(
    title="Hồ sơ đề nghị khen thưởng năm 2024",
    author="Bảo hiểm xã hội tỉnh Nam Định",
    subject="Tờ trình, Biên bản, Danh sách, Báo cáo thành tích",
    keywords="điển hình tiên tiến, 1935/KH-BHXH",
    date=DATE,
)


# --------------------------------------------------------------------------- helpers


def blank_pdf(path: Path, pages: int, size: tuple[float, float] = A4) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*size)
    writer.write(path)
    return path


def outline_tree(reader: PdfReader, items=None) -> list:
    """Outline as nested [(title, 0-based page, [children])]."""
    items = reader.outline if items is None else items
    tree: list = []
    for item in items:
        if isinstance(item, list):
            tree[-1][2].extend(outline_tree(reader, item))
        else:
            tree.append((item.title, reader.get_destination_page_number(item), []))
    return tree


@pytest.fixture()
def parts(tmp_path: Path) -> list[BundlePart]:
    """Tờ trình (1 page), Biên bản (3), report (2) with scans of 1 and 3 letter pages."""
    return [
        BundlePart("Tờ trình", blank_pdf(tmp_path / "to-trinh.pdf", 1)),
        BundlePart("Biên bản họp Hội đồng", blank_pdf(tmp_path / "bien-ban.pdf", 3)),
        BundlePart(
            "Báo cáo thành tích – Nguyễn Thị Ánh Tuyết",
            blank_pdf(tmp_path / "bao-cao.pdf", 2),
            attachments=[
                BundlePart("Bằng khen 2022", blank_pdf(tmp_path / "bang-khen.pdf", 1, LETTER)),
                BundlePart("Giấy chứng nhận", blank_pdf(tmp_path / "gcn.pdf", 3, LETTER)),
            ],
        ),
    ]


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict[str, Path]:
    """Real LibreOffice PDFs: two plain, two PDF/A of one document (separate soffice processes)."""
    root = tmp_path_factory.mktemp("office")
    src = root / "bao-cao.docx"
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    for _ in range(40):
        doc.add_paragraph(VN_TEXT)
    doc.save(src)
    out = {
        "plain": root / "plain.pdf",
        "plain2": root / "plain2.pdf",
        "pdfa": root / "pdfa.pdf",
        "pdfa2": root / "pdfa2.pdf",
    }
    assert convert_many([(src, out["plain"]), (src, out["plain2"])], workers=2) == []
    assert convert_many([(src, out["pdfa"]), (src, out["pdfa2"])], pdfa=True, workers=2) == []
    return out


# --------------------------------------------------------------------------- structure


def test_pages_order_and_report(parts: list[BundlePart], tmp_path: Path) -> None:
    report = build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    reader = PdfReader(tmp_path / "ho-so.pdf")
    assert len(reader.pages) == 1 + 3 + 2 + 1 + 3 == report.total_pages
    starts = [(d.title, d.start_page, d.page_count) for d in report.documents()]
    assert starts == [
        ("Tờ trình", 1, 1),
        ("Biên bản họp Hội đồng", 2, 3),
        ("Báo cáo thành tích – Nguyễn Thị Ánh Tuyết", 5, 2),
        ("Bằng khen 2022", 7, 1),
        ("Giấy chứng nhận", 8, 3),
    ]
    assert float(reader.pages[6].mediabox.width) == pytest.approx(LETTER[0])


def test_one_bookmark_per_part_attachments_nested(parts: list[BundlePart], tmp_path: Path) -> None:
    build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    reader = PdfReader(tmp_path / "ho-so.pdf")
    assert outline_tree(reader) == [
        ("Tờ trình", 0, []),
        ("Biên bản họp Hội đồng", 1, []),
        (
            "Báo cáo thành tích – Nguyễn Thị Ánh Tuyết",
            4,
            [("Bằng khen 2022", 6, []), ("Giấy chứng nhận", 7, [])],
        ),
    ]
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_duplex_pads_every_document_to_even_pages(parts: list[BundlePart], tmp_path: Path) -> None:
    report = build_bundle(parts, tmp_path / "ho-so.pdf", meta=META, duplex=True)
    reader = PdfReader(tmp_path / "ho-so.pdf")
    # 1+1, 3+1, 2, 1+1, 3+1
    assert len(reader.pages) == report.total_pages == 2 + 4 + 2 + 2 + 4
    docs = list(report.documents())
    assert [d.start_page % 2 for d in docs] == [1] * 5  # every document on a front side
    assert [d.blank_pages for d in docs] == [1, 1, 0, 1, 1]
    # The blank after the 1-page letter scan is letter-sized and empty.
    blank = reader.pages[docs[3].start_page]  # 0-based index of the page after it
    assert float(blank.mediabox.height) == pytest.approx(LETTER[1])
    assert blank.extract_text() == ""
    assert [item[1] for item in outline_tree(reader)] == [0, 2, 6]


def test_metadata_and_fixed_id(parts: list[BundlePart], tmp_path: Path) -> None:
    build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    reader = PdfReader(tmp_path / "ho-so.pdf")
    info = reader.metadata
    assert info.title == META.title
    assert info.author == META.author
    assert info.subject == META.subject
    assert info["/Keywords"] == META.keywords
    assert info.producer == "dhtt-docs" and info.creator == "dhtt-docs"
    assert info["/CreationDate"] == "D:20240315093000+07'00'" == info["/ModDate"]
    first, second = reader.trailer["/ID"]
    assert bytes(first.original_bytes) == bytes(second.original_bytes)
    assert len(first.original_bytes) == 16


def test_two_builds_are_byte_identical(parts: list[BundlePart], tmp_path: Path) -> None:
    build_bundle(parts, tmp_path / "a.pdf", meta=META, duplex=True)
    build_bundle(parts, tmp_path / "b.pdf", meta=META, duplex=True)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_different_content_gets_a_different_id(parts: list[BundlePart], tmp_path: Path) -> None:
    build_bundle(parts, tmp_path / "a.pdf", meta=META)
    other = BundleMeta(META.title + " (bổ sung)", META.author, META.subject, META.keywords, DATE)
    build_bundle(parts, tmp_path / "b.pdf", meta=other)
    ids = [PdfReader(tmp_path / n).trailer["/ID"][0].original_bytes for n in ("a.pdf", "b.pdf")]
    assert ids[0] != ids[1]


def test_no_pypdf_producer_left(parts: list[BundlePart], tmp_path: Path) -> None:
    build_bundle(parts, tmp_path / "a.pdf", meta=META)
    assert b"pypdf" not in (tmp_path / "a.pdf").read_bytes()


# --------------------------------------------------------------------------- errors


#: what the English message says, besides the file's path, per kind of broken attachment
BROKEN_EN = {"random": ["Cannot read PDF file", "attach it again"],
             "missing": ["not found", "Check the attachment's path"]}


@pytest.mark.parametrize("kind", ["random", "truncated", "encrypted", "empty", "missing"])
def test_broken_attachment_is_named(kind: str, parts: list[BundlePart], tmp_path: Path, lang: str) -> None:
    bad = tmp_path / f"scan-{kind}.pdf"
    if kind == "random":
        bad.write_bytes(os.urandom(2000))
    elif kind == "truncated":
        bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    elif kind == "encrypted":
        writer = PdfWriter()
        writer.add_blank_page(*A4)
        writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
        writer.write(bad)
    elif kind == "empty":
        PdfWriter().write(bad)
    parts[2].attachments.append(BundlePart("Bản quét lỗi", bad))
    out = tmp_path / "ho-so.pdf"
    with pytest.raises(BundleError) as info:
        build_bundle(parts, out, meta=META)
    assert str(bad) in str(info.value)
    if lang == "vi":
        assert "Hãy" in str(info.value)
    else:
        assert_english(str(info.value), str(bad), *BROKEN_EN.get(kind, []))
    assert not out.exists()


def test_no_parts_is_an_error(tmp_path: Path, lang: str) -> None:
    with pytest.raises(BundleError) as info:
        build_bundle([], tmp_path / "x.pdf", meta=META)
    if lang == "en":
        assert_english(str(info.value), "no documents to merge")


def test_pdfa_needs_a_pdfa_input(parts: list[BundlePart], tmp_path: Path, lang: str) -> None:
    with pytest.raises(BundleError, match="--pdfa") as info:
        build_bundle(parts, tmp_path / "x.pdf", meta=META, pdfa=True)
    if lang == "en":
        assert_english(str(info.value), "No file in the bundle is PDF/A", "Make the PDFs again with the --pdfa option")


# --------------------------------------------------------------------------- real LibreOffice PDFs


def test_compress_shares_repeated_fonts(office_pdfs: dict[str, Path], tmp_path: Path) -> None:
    # Separate files (as separate reports are): each brings its own copy of the font.
    parts = []
    for i in range(4):
        copy = tmp_path / f"bao-cao-{i}.pdf"
        copy.write_bytes(office_pdfs["plain"].read_bytes())
        parts.append(BundlePart(f"Báo cáo {i}", copy))
    build_bundle(parts, tmp_path / "raw.pdf", meta=META, compress=False)
    build_bundle(parts, tmp_path / "small.pdf", meta=META)
    raw, small = (tmp_path / "raw.pdf").stat().st_size, (tmp_path / "small.pdf").stat().st_size
    assert small < raw * 0.6
    assert len(PdfReader(tmp_path / "small.pdf").pages) == 4 * len(
        PdfReader(office_pdfs["plain"]).pages
    )


def test_pdfa_markers_survive_the_merge(office_pdfs: dict[str, Path], tmp_path: Path) -> None:
    parts = [
        BundlePart("Tờ trình", office_pdfs["pdfa"]),
        BundlePart("Báo cáo", office_pdfs["pdfa2"]),
    ]
    report = build_bundle(parts, tmp_path / "ho-so.pdf", meta=META, pdfa=True)
    assert report.pdfa and report.warnings == ()
    reader = PdfReader(tmp_path / "ho-so.pdf")
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    intent = root["/OutputIntents"][0].get_object()
    assert "/DestOutputProfile" in intent
    metadata = root["/Metadata"].get_object()
    assert metadata["/Subtype"] == "/XML" and metadata["/Type"] == "/Metadata"
    xmp = metadata.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert f">{META.title}</rdf:li>" in xmp and reader.metadata.title == META.title
    assert "<xmp:CreateDate>2024-03-15T09:30:00+07:00</xmp:CreateDate>" in xmp
    assert "StructTreeRoot" not in str(root.keys())
    xmp_info = reader.xmp_metadata
    assert xmp_info.dc_title["x-default"] == META.title
    assert xmp_info.pdf_producer == reader.metadata.producer


def test_pdfa_with_a_plain_scan_warns_naming_it(
    office_pdfs: dict[str, Path], tmp_path: Path
) -> None:
    scan = blank_pdf(tmp_path / "bang-khen.pdf", 1)
    parts = [BundlePart("Báo cáo", office_pdfs["pdfa"], [BundlePart("Bằng khen", scan)])]
    report = build_bundle(parts, tmp_path / "ho-so.pdf", meta=META, pdfa=True)
    assert len(report.warnings) == 1 and str(scan) in report.warnings[0]


def test_pdfa_bundle_is_reproducible_across_conversions(
    office_pdfs: dict[str, Path], tmp_path: Path
) -> None:
    """Two independent exports of one DOCX, normalised, give the same bundle bytes."""
    copies = []
    for name in ("pdfa", "pdfa2"):
        copy = tmp_path / f"{name}.pdf"
        copy.write_bytes(office_pdfs[name].read_bytes())
        normalise_pdf(copy, title="Báo cáo", author="BHXH", subject="", keywords="", creation_date=DATE)
        copies.append(copy)
    for i, copy in enumerate(copies):
        build_bundle([BundlePart("Báo cáo", copy)], tmp_path / f"b{i}.pdf", meta=META, pdfa=True)
    assert (tmp_path / "b0.pdf").read_bytes() == (tmp_path / "b1.pdf").read_bytes()


# --------------------------------------------------------------------------- normalise_pdf


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", ["plain", "pdfa"])
def test_normalise_pdf_makes_exports_byte_identical(
    kind: str, office_pdfs: dict[str, Path], tmp_path: Path
) -> None:
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    first.write_bytes(office_pdfs[kind].read_bytes())
    second.write_bytes(office_pdfs[kind + "2"].read_bytes())
    assert _sha(first) != _sha(second)  # LibreOffice stamps clock and a random /ID
    for path in (first, second):
        normalise_pdf(
            path,
            title="Báo cáo thành tích",
            author="Nguyễn Thị Ánh Tuyết",
            subject="Đề nghị Bằng khen",
            keywords="thi đua",
            creation_date=DATE,
        )
    assert _sha(first) == _sha(second)
    reader = PdfReader(first)
    assert reader.metadata.title == "Báo cáo thành tích"
    assert reader.metadata.author == "Nguyễn Thị Ánh Tuyết"
    assert reader.metadata.producer == "dhtt-docs"
    assert reader.metadata["/CreationDate"] == "D:20240315093000+07'00'"
    assert len(reader.pages) == len(PdfReader(office_pdfs[kind]).pages)
    if kind == "pdfa":
        xmp = reader.xmp_metadata.stream.get_data().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in xmp
        assert "/OutputIntents" in reader.trailer["/Root"]
        assert "LibreOffice" not in xmp


def test_normalise_pdf_names_an_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"this is not a pdf")
    with pytest.raises(BundleError, match="hong.pdf"):
        normalise_pdf(bad, title="x", author="x", subject="x", keywords="x", creation_date=DATE)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) chưa cài")
def test_poppler_reads_bundle_with_long_vietnamese_metadata_cleanly(parts: list[BundlePart], tmp_path: Path) -> None:
    # Info as the file's first object, with long UTF-16 strings, made poppler report
    # "Syntax Error: Unterminated string" on every page it rendered.
    long = "Hồ sơ đề nghị công nhận điển hình tiên tiến năm 2024 - Bảo hiểm xã hội tỉnh Thanh Hóa"
    meta = BundleMeta(long, long, long, long, datetime(2024, 11, 25))
    out = tmp_path / "long.pdf"
    build_bundle(parts, out, meta=meta)
    data = out.read_bytes()
    first_object = data[: data.index(b"endobj")]
    assert b"/CreationDate" not in first_object, "the Info dictionary must not be the file's first object"
    proc = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0 and "Syntax Error" not in proc.stderr, proc.stderr
    assert long in proc.stdout


# --------------------------------------------------------------------------- messages in English (--lang en)


def _blank_pdf(path: Path, pages: int = 1) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.write(path)
    return path


EN_META = BundleMeta("Ho so", "Unit", "Subject", "keywords", datetime(2024, 11, 25))


def _pdfa_like(path: Path) -> Path:
    """A blank page claiming PDF/A-2b: an output intent and pdfaid in its XMP (enough for the bundle)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"), NameObject("/S"): NameObject("/GTS_PDFA1")})])
    writer.xmp_metadata = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>")
    writer.write(path)
    return path


def test_pdfa_warning_is_english(english, tmp_path: Path) -> None:
    plain = _blank_pdf(tmp_path / "scan.pdf")
    report = build_bundle([BundlePart("Report", _pdfa_like(tmp_path / "report.pdf")), BundlePart("Scan", plain)],
                          tmp_path / "b.pdf", meta=EN_META, pdfa=True)
    (warning,) = report.warnings
    assert_english(warning, f"{plain} (Scan) is not PDF/A", "Export that file again as PDF/A-2b")


# --------------------------------------------------------------------------- issue 13: trust

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pdf"


def _qpdf_check(path: Path) -> subprocess.CompletedProcess:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf chưa cài (scripts/setup --dev cài nó)")
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)


def test_header_version_is_at_least_1_4(parts: list[BundlePart], tmp_path: Path) -> None:
    build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    assert (tmp_path / "ho-so.pdf").read_bytes()[:8] == b"%PDF-1.4"


def test_header_version_follows_the_newest_input(parts: list[BundlePart], tmp_path: Path) -> None:
    parts[2].attachments.append(BundlePart("Quyết định", CORPUS / "sample-minimal-document.pdf"))  # %PDF-1.5
    build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    assert (tmp_path / "ho-so.pdf").read_bytes()[:8] == b"%PDF-1.5"


@pytest.mark.parametrize("name", ["made-bad-xref.pdf", "made-aes128-owner-only.pdf", "pypdf-r6-owner-password.pdf",
                                  "pypdf-r4-aes-v2-no-key-length.pdf"])
def test_damaged_or_owner_encrypted_attachments_are_rebuilt(name: str, parts: list[BundlePart],
                                                            tmp_path: Path) -> None:
    parts[2].attachments.append(BundlePart("Quyết định", CORPUS / name))
    out = tmp_path / "ho-so.pdf"
    build_bundle(parts, out, meta=META)
    check = _qpdf_check(out)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "File is not encrypted" in check.stdout
    again = tmp_path / "again.pdf"
    build_bundle(parts, again, meta=META)
    assert out.read_bytes() == again.read_bytes()


@pytest.mark.parametrize("name", ["made-aes256-user-password.pdf", "pypdf-r4-aes-user-password.pdf"])
def test_aes_encrypted_attachment_is_named_not_a_crash(name: str, parts: list[BundlePart], tmp_path: Path) -> None:
    parts[2].attachments.append(BundlePart("Quyết định", CORPUS / name))
    with pytest.raises(BundleError) as info:
        build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    assert name in str(info.value) and "mật khẩu" in str(info.value)
    assert "password" in info.value.text.en


def _tags(path: Path) -> dict[str, set[int]]:
    """Subset font name -> the sizes of the embedded programs it names (pdffonts lists the objects)."""
    import pikepdf

    names: dict[str, set[int]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        data = obj[key].read_raw_bytes()
                        names.setdefault(str(obj.FontName), set()).add(hashlib.sha256(data).hexdigest())
    return names


@pytest.mark.slow
def test_distinct_font_programs_get_distinct_subset_tags(office_pdfs: dict[str, Path], tmp_path: Path) -> None:
    # Two different documents: LibreOffice tags both subsets BAAAAA+LiberationSerif.
    other = tmp_path / "other.docx"
    doc = Document()
    doc.add_paragraph("Quyết định khen thưởng – Ỹ Ữ Ặ")
    doc.save(other)
    assert convert_many([(other, tmp_path / "other.pdf")], workers=1) == []
    parts = [BundlePart("Báo cáo", office_pdfs["plain"]), BundlePart("Khác", tmp_path / "other.pdf")]
    out = tmp_path / "ho-so.pdf"
    build_bundle(parts, out, meta=META)
    tags = _tags(out)
    assert tags and all(len(programs) == 1 for programs in tags.values()), tags
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "BAAAAA+" not in fonts
    build_bundle(parts, tmp_path / "again.pdf", meta=META)
    assert out.read_bytes() == (tmp_path / "again.pdf").read_bytes()


def helvetica_pdf(path: Path) -> Path:
    """A one-page PDF drawing text in Helvetica, not embedded (as many scanners' cover pages do)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A4)
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Quyet dinh) Tj ET")
    pdf.save(path, static_id=True)
    return path


def test_pdfa_names_an_attachment_with_a_font_not_embedded(office_pdfs: dict[str, Path], tmp_path: Path) -> None:
    scan = helvetica_pdf(tmp_path / "qd-123.pdf")
    parts = [BundlePart("Báo cáo", office_pdfs["pdfa"],
                        [BundlePart("Quyết định 123", scan, name="attachments/qd-123.pdf")])]
    report = build_bundle(parts, tmp_path / "ho-so.pdf", meta=META, pdfa=True)
    (f,) = report.findings
    assert f.file == "attachments/qd-123.pdf" and f.code == "bundle.not_pdfa"
    assert f.params["fonts"] == ["Helvetica"]
    assert "attachments/qd-123.pdf" in f.text("vi") and "Helvetica" in f.text("vi")
    assert "not embedded" in f.text("en") and "PDF/A-2b" in f.text("en")
    assert report.warnings == (f.text(),)


def test_pdfa_bundle_of_pdfa_inputs_has_no_findings_and_says_1_7(office_pdfs: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    report = build_bundle([BundlePart("Báo cáo", office_pdfs["pdfa"])], tmp_path / "ho-so.pdf", meta=META,
                          pdfa=True)
    assert report.findings == ()
    assert (tmp_path / "ho-so.pdf").read_bytes()[:8] == b"%PDF-1.7"
    fonts = subprocess.run(["pdffonts", str(tmp_path / "ho-so.pdf")], capture_output=True, text=True).stdout
    assert " no " not in fonts.split("---\n", 1)[-1]


def test_normalise_pdf_writes_a_header_matching_the_features(tmp_path: Path) -> None:
    path = blank_pdf(tmp_path / "doc.pdf", 1)
    assert path.read_bytes()[:8] == b"%PDF-1.3"
    normalise_pdf(path, title="Tờ trình", author="BHXH", subject="", keywords="", creation_date=DATE)
    assert path.read_bytes()[:8] == b"%PDF-1.4"
    newer = tmp_path / "newer.pdf"
    newer.write_bytes((CORPUS / "sample-minimal-document.pdf").read_bytes())
    normalise_pdf(newer, title="Tờ trình", author="BHXH", subject="", keywords="", creation_date=DATE)
    assert newer.read_bytes()[:8] == b"%PDF-1.5"


# --------------------------------------------------------------------------- issue 15: qpdf merge, scans remembered


def _digests(parts: list[BundlePart]) -> dict[Path, str]:
    return {Path(p.pdf): hashlib.sha256(Path(p.pdf).read_bytes()).hexdigest() for p in parts}


def _office_parts(office_pdfs: dict[str, Path], tmp_path: Path) -> list[BundlePart]:
    """Two different LibreOffice documents (both subset as BAAAAA+...) as the build's own, a scan attached."""
    other = tmp_path / "other.docx"
    doc = Document()
    doc.add_paragraph("Quyết định khen thưởng – Ỹ Ữ Ặ")
    doc.save(other)
    assert convert_many([(other, tmp_path / "other.pdf")], workers=1) == []
    scan = blank_pdf(tmp_path / "scan.pdf", 1, LETTER)
    return [BundlePart("Báo cáo", office_pdfs["plain"], [BundlePart("Bản quét", scan)], trusted=True),
            BundlePart("Quyết định", tmp_path / "other.pdf", trusted=True),
            BundlePart("Báo cáo (bản 2)", office_pdfs["plain2"], trusted=True)]


@pytest.mark.slow
def test_remembered_scans_give_the_same_bytes_as_a_cold_merge(office_pdfs: dict[str, Path], tmp_path: Path) -> None:
    parts = _office_parts(office_pdfs, tmp_path)
    cold = tmp_path / "cold.pdf"
    build_bundle(parts, cold, meta=META, duplex=True)
    first = ScanMemo(None, _digests(parts))
    build_bundle(parts, tmp_path / "first.pdf", meta=META, duplex=True, memo=first)
    records = json.loads(json.dumps(first.records()))   # as the build keeps them: JSON on disk
    assert set(records) == set(_digests(parts).values())   # the trusted files; the attachment is not remembered
    assert any(r["renames"] for r in records.values()) and any(r["streams"] for r in records.values())
    replayed = ScanMemo(records, _digests(parts))
    build_bundle(parts, tmp_path / "replayed.pdf", meta=META, duplex=True, memo=replayed)
    assert replayed.records() == records
    assert cold.read_bytes() == (tmp_path / "first.pdf").read_bytes() == (tmp_path / "replayed.pdf").read_bytes()
    fonts = subprocess.run(["pdffonts", str(cold)], capture_output=True, text=True).stdout
    assert "BAAAAA+" not in fonts and "LiberationSerif" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts   # every font embedded
    text = subprocess.run(["pdftotext", str(cold), "-"], capture_output=True, text=True).stdout
    assert "Huân chương Lao động hạng Ba" in text and "Quyết định khen thưởng" in text


def test_a_remembered_scan_that_does_not_fit_is_made_again(parts: list[BundlePart], tmp_path: Path) -> None:
    for p in parts:
        object.__setattr__(p, "trusted", True)
    cold = tmp_path / "cold.pdf"
    build_bundle(parts, cold, meta=META)
    digests = _digests(parts)
    junk = {digests[Path(parts[0].pdf)]: {"format": 1, "renames": [[999, 0, "/BaseFont", "/X"]], "streams": [],
                                          "not_embedded": []},
            digests[Path(parts[1].pdf)]: {"format": 0}}
    memo = ScanMemo(junk, digests)
    build_bundle(parts, tmp_path / "again.pdf", meta=META, memo=memo)
    assert (tmp_path / "again.pdf").read_bytes() == cold.read_bytes()
    assert memo.records()[digests[Path(parts[0].pdf)]]["renames"] == []   # scanned afresh, recorded again


def test_a_broken_document_of_the_build_is_named_too(parts: list[BundlePart], tmp_path: Path, lang: str) -> None:
    bad = tmp_path / "to-trinh.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really")
    parts[0] = BundlePart("Tờ trình", bad, trusted=True)
    with pytest.raises(BundleError) as info:
        build_bundle(parts, tmp_path / "ho-so.pdf", meta=META)
    assert str(bad) in str(info.value)
    if lang == "en":
        assert_english(str(info.value), str(bad), "Cannot read PDF file", "attach it again")


def test_a_file_used_twice_appears_twice(tmp_path: Path) -> None:
    same = blank_pdf(tmp_path / "ban-sao.pdf", 3)
    parts = [BundlePart("Bản 1", same), BundlePart("Bản 2", same)]
    report = build_bundle(parts, tmp_path / "ho-so.pdf", meta=META, duplex=True)
    reader = PdfReader(tmp_path / "ho-so.pdf")
    assert len(reader.pages) == report.total_pages == 8
    assert [item[1] for item in outline_tree(reader)] == [0, 4]
    assert len({id(reader.pages[i].indirect_reference) for i in (0, 4)}) == 2


def test_bundle_pages_look_like_the_documents(office_pdfs: dict[str, Path], tmp_path: Path) -> None:
    """The merged page renders as the document's own page (pdftoppm, compared pixel for pixel)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) chưa cài")
    out = tmp_path / "ho-so.pdf"
    build_bundle([BundlePart("Tờ trình", blank_pdf(tmp_path / "t.pdf", 1)),
                  BundlePart("Báo cáo", office_pdfs["plain"], trusted=True)], out, meta=META)
    for pdf, page, stem in ((office_pdfs["plain"], 1, "doc"), (out, 2, "bundle")):
        subprocess.run(["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), "-gray", str(pdf),
                        str(tmp_path / stem)], check=True)
    doc, merged = (next(tmp_path.glob(f"{stem}*.pgm")).read_bytes() for stem in ("doc", "bundle"))
    assert doc == merged


@pytest.mark.skipif(sys.platform == "win32", reason="file-handle limits are set with the resource module")
def test_more_documents_than_open_files_allowed(tmp_path: Path) -> None:
    """qpdf reads each input until the bundle is written; past the process's open-file limit they are read
    into memory instead, and the bundle is the same bytes."""
    docs = [blank_pdf(tmp_path / f"bao-cao-{i:03d}.pdf", 1 + i % 3) for i in range(120)]
    parts = [BundlePart(f"Báo cáo {i}", doc, trusted=True) for i, doc in enumerate(docs)]
    build_bundle(parts, tmp_path / "free.pdf", meta=META, duplex=True)
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from datetime import datetime, timedelta, timezone\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
        "from dhtt_docs.pdf.bundle import BundleMeta, BundlePart, build_bundle\n"
        f"docs = sorted(Path({str(tmp_path)!r}).glob('bao-cao-*.pdf'))\n"
        "parts = [BundlePart(f'Báo cáo {i}', d, trusted=True) for i, d in enumerate(docs)]\n"
        f"meta = BundleMeta({META.title!r}, {META.author!r}, {META.subject!r}, {META.keywords!r},\n"
        "                  datetime(2024, 3, 15, 9, 30, tzinfo=timezone(timedelta(hours=7))))\n"
        f"build_bundle(parts, Path({str(tmp_path / 'limited.pdf')!r}), meta=meta, duplex=True)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "limited.pdf").read_bytes() == (tmp_path / "free.pdf").read_bytes()


@pytest.mark.slow
def test_kept_pdfa_merges_of_libreoffice_files_are_the_merge_from_nothing(office_pdfs, tmp_path: Path) -> None:
    """Real LibreOffice PDF/A output (fonts subset per file, an output intent): the markers and the
    warning about a plain input come out as in a merge from nothing, through changes."""
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(office_pdfs["plain"].read_bytes())
    a, b = office_pdfs["pdfa"], office_pdfs["pdfa2"]
    keep = KeptBundle()
    scan = [BundlePart("Quét", plain)]
    rounds = [[BundlePart("Báo cáo", a, trusted=True), BundlePart("Bản 2", b, scan, trusted=True)],
              [BundlePart("Bản 2", b, scan, trusted=True), BundlePart("Báo cáo", a, trusted=True)],
              [BundlePart("Báo cáo", a, trusted=True)]]
    for parts in rounds:
        files = [p for top in parts for p in top.with_attachments()]
        kept = build_bundle(parts, tmp_path / "kept.pdf", meta=META, pdfa=True, keep=keep,
                            memo=ScanMemo(None, _digests(files)))
        cold = build_bundle(parts, tmp_path / "cold.pdf", meta=META, pdfa=True, memo=ScanMemo(None, _digests(files)))
        assert (tmp_path / "kept.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
        assert kept.findings == cold.findings
        assert [f.code for f in kept.findings] == (["bundle.not_pdfa"] if len(parts) == 2 else [])
    keep.close()


def test_a_kept_merge_made_with_pdfa_then_without_is_the_plain_merge(office_pdfs, tmp_path: Path) -> None:
    """--pdfa puts markers in the catalogue (output intent, XMP) that a plain merge has not: a kept merge
    of the same files without --pdfa must not keep them."""
    parts = [BundlePart("Báo cáo", office_pdfs["pdfa"], trusted=True),
             BundlePart("Bản 2", office_pdfs["pdfa2"], trusted=True)]
    keep = KeptBundle()
    build_bundle(parts, tmp_path / "a.pdf", meta=META, pdfa=True, keep=keep)
    build_bundle(parts, tmp_path / "kept.pdf", meta=META, keep=keep)
    build_bundle(parts, tmp_path / "cold.pdf", meta=META)
    assert (tmp_path / "kept.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    assert b"/OutputIntents" not in (tmp_path / "kept.pdf").read_bytes()
    keep.close()
