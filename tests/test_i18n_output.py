"""With --lang en, conversion, bundle, bag, template and Excel messages are English.

Each message must still name the file (or cell) and say what to do. Values the
user typed or that stay Vietnamese on purpose (quoted values, sheet names,
column headers, drop-down values) are stripped before looking for Vietnamese
words.
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_ROUND
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject
from test_bag import rewrite
from test_render import doctor
from test_xlsx import PROFILE, _headers, _one_individual

from dhtt_docs.archive.bag import BagError, make_bag_zip, verify_bag_zip
from dhtt_docs.pdf.bundle import BundleError, BundleMeta, BundlePart, build_bundle
from dhtt_docs.pdf.convert import (
    ConversionError,
    convert_many,
    find_soffice,
    parse_unoserver_url,
)
from dhtt_docs.exceptions import DhttError
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import get_lang, set_lang
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.documents.render import (
    TemplateProblem,
    builtin_templates_dir,
    export_templates,
    lint_templates,
    render_documents,
)
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.excel.importer import import_workbook
from dhtt_docs.excel.layout import SHEET_INDIVIDUALS
from dhtt_docs.excel.template import write_template

VIETNAMESE_WORDS = ("hãy", "tệp", "không", "được", "của", "cần", "dòng")
_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)")       # 'value', not the apostrophe of "file's"
_WHERE = re.compile(r"^Sheet '[^']*', row \d+, column [A-Z]+ \([^)]*\): ")


@pytest.fixture(autouse=True)
def english():
    set_lang("en")
    try:
        yield
    finally:
        set_lang("vi")


def unquoted(message: str) -> str:
    """The message without its quoted values (they are the user's own, often Vietnamese)."""
    return _QUOTED.sub("''", message)


def assert_english(message: str, *words: str) -> None:
    """`message` contains every English fragment in `words` and no Vietnamese word outside quotes."""
    for word in words:
        assert word in message, (word, message)
    text = unquoted(message).lower()
    found = [w for w in VIETNAMESE_WORDS if w in text]
    assert not found, (found, message)


def test_the_fixture_switches_the_language():
    assert get_lang() == "en"


# --------------------------------------------------------------------------- convert


def test_corrupt_docx_reason_is_english_and_names_the_file(tmp_path: Path) -> None:
    # Random bytes are caught before LibreOffice starts, so this runs without soffice too.
    src = tmp_path / "x.docx"
    src.write_bytes(os.urandom(3000))
    (failure,) = convert_many([(src, tmp_path / "x.pdf")], workers=1)
    assert failure.source == src
    assert_english(failure.reason, "x.docx", "is not a valid DOCX file", "Open it in Word or LibreOffice Writer",
                   "save it again as .docx")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_damaged_docx_that_soffice_cannot_open_is_english(tmp_path: Path) -> None:
    from test_convert import make_docx

    good = make_docx(tmp_path / "good.docx", "Hello")
    bad = tmp_path / "cut-in-half.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    (failure,) = convert_many([(bad, tmp_path / "cut-in-half.pdf")], workers=1, timeout=120)
    assert_english(failure.reason, "cut-in-half.docx", "LibreOffice could not open", "then run again")


def test_missing_libreoffice_is_an_english_conversion_error(tmp_path: Path, monkeypatch) -> None:
    from test_convert import make_docx

    monkeypatch.setenv("DHTT_SOFFICE", str(tmp_path / "no-such-soffice"))
    src = make_docx(tmp_path / "a.docx", "Hello")
    with pytest.raises(ConversionError) as info:
        convert_many([(src, tmp_path / "a.pdf")])
    assert_english(str(info.value), "LibreOffice (the soffice command) was not found", "Install it",
                   "--no-pdf")


def test_bad_unoserver_address_is_english() -> None:
    with pytest.raises(ValueError) as info:
        parse_unoserver_url("unoserver://host:99999")
    assert_english(str(info.value), "Invalid unoserver address", "must be a number from 1 to 65535",
                   "for example unoserver://127.0.0.1:2003")


# --------------------------------------------------------------------------- bundle


def _blank_pdf(path: Path, pages: int = 1) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.write(path)
    return path


META = BundleMeta("Ho so", "Unit", "Subject", "keywords", datetime(2024, 11, 25))


def test_broken_attachment_is_an_english_bundle_error(tmp_path: Path) -> None:
    bad = tmp_path / "scan-random.pdf"
    bad.write_bytes(os.urandom(2000))
    parts = [BundlePart("Report", _blank_pdf(tmp_path / "report.pdf"), attachments=[BundlePart("Scan", bad)])]
    out = tmp_path / "bundle.pdf"
    with pytest.raises(BundleError) as info:
        build_bundle(parts, out, meta=META)
    assert_english(str(info.value), str(bad), "Cannot read PDF file", "attach it again")
    assert not out.exists()


def test_missing_attachment_and_empty_bundle_are_english(tmp_path: Path) -> None:
    gone = tmp_path / "gone.pdf"
    with pytest.raises(BundleError) as info:
        build_bundle([BundlePart("Gone", gone)], tmp_path / "b.pdf", meta=META)
    assert_english(str(info.value), str(gone), "not found", "Check the attachment's path")
    with pytest.raises(BundleError) as info:
        build_bundle([], tmp_path / "b.pdf", meta=META)
    assert_english(str(info.value), "no documents to merge")


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


def test_pdfa_warning_and_error_are_english(tmp_path: Path) -> None:
    plain = _blank_pdf(tmp_path / "scan.pdf")
    with pytest.raises(BundleError) as info:
        build_bundle([BundlePart("Scan", plain)], tmp_path / "b.pdf", meta=META, pdfa=True)
    assert_english(str(info.value), "No file in the bundle is PDF/A", "Make the PDFs again with the --pdfa option")
    report = build_bundle([BundlePart("Report", _pdfa_like(tmp_path / "report.pdf")), BundlePart("Scan", plain)],
                          tmp_path / "b.pdf", meta=META, pdfa=True)
    (warning,) = report.warnings
    assert_english(warning, f"{plain} (Scan) is not PDF/A", "Export that file again as PDF/A-2b")


# --------------------------------------------------------------------------- bag


@pytest.fixture()
def bag(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    files = {"submission.yaml": "plan: 1935/KH-BHXH\n", "documents/to-trinh.docx": "docx bytes",
             "attachments/scan.pdf": "%PDF-1.7 scan"}
    payload = {}
    for i, (name, text) in enumerate(files.items()):
        (src / f"f{i}").write_text(text, encoding="utf-8")
        payload[name] = src / f"f{i}"
    out = tmp_path / "out" / "dossier.zip"
    make_bag_zip(out, payload, info={"Bagging-Date": "2024-11-25"})
    assert verify_bag_zip(out) == []
    return out


def test_tampered_bag_problems_are_english_and_name_the_files(bag: Path, tmp_path: Path) -> None:
    bad = rewrite(bag, tmp_path / "bad.zip",
                  replace={"dossier/data/documents/to-trinh.docx": b"docx BYTES"},
                  drop={"dossier/data/submission.yaml"},
                  add={"dossier/data/extra.pdf": b"x"})
    problems = verify_bag_zip(bad)
    altered = [p for p in problems if "data/documents/to-trinh.docx" in p]
    missing = [p for p in problems if "data/submission.yaml" in p]
    extra = [p for p in problems if "data/extra.pdf" in p]
    oxum = [p for p in problems if "Payload-Oxum" in p]
    assert len(altered) == len(missing) == len(extra) == len(oxum) == 1, problems
    assert_english(altered[0], "File data/documents/to-trinh.docx has been altered", "does not match",
                   "manifest-sha256.txt")
    assert_english(missing[0], "Missing file data/submission.yaml", "deleted or renamed")
    assert_english(extra[0], "Extra file data/extra.pdf", "not in manifest-sha256.txt", "added after")
    assert_english(oxum[0], "Payload-Oxum in bag-info.txt", "files were added to, removed from or changed")
    for problem in problems:
        assert_english(problem)


def test_unreadable_bag_and_bag_error_are_english(tmp_path: Path) -> None:
    not_zip = tmp_path / "broken.zip"
    not_zip.write_bytes(b"not a zip")
    (problem,) = verify_bag_zip(not_zip)
    assert_english(problem, "broken.zip", "is not a readable ZIP file", "original archive copy")
    with pytest.raises(BagError) as info:
        make_bag_zip(tmp_path / "b.zip", {"a.txt": tmp_path / "nowhere.txt"}, info={})
    assert_english(str(info.value), "nowhere.txt", "not found", "data/a.txt", "then run again")


# --------------------------------------------------------------------------- templates


def test_lint_findings_are_english_and_name_template_and_tag(tmp_path: Path) -> None:
    src = builtin_templates_dir()
    doctor(src / "to-trinh.docx", tmp_path / "to-trinh.docx",
           "{%p for x in submission.basis_lines %}", "{%p for x in %}")
    doctor(src / "danh-sach.docx", tmp_path / "danh-sach.docx", "{{ plan.proposal_upper }}", "{{ ke_hoach }}")
    doctor(src / "bien-ban-hop-hoi-dong.docx", tmp_path / "bien-ban-hop-hoi-dong.docx",
           "{{ meeting.location }}", "{{ meeting.locaton }}")
    (tmp_path / "to_trinh.docx").write_bytes((src / "to-trinh.docx").read_bytes())
    findings = {(f.file, f.code): f for f in lint_templates(tmp_path)}

    broken = findings[("to-trinh.docx", "template.syntax")]
    assert broken.severity is Severity.ERROR and broken.key == "{%p for x in %}"
    assert_english(broken.message, "Template to-trinh.docx (body)", "the tag {%p for x in %} is malformed",
                   "Write it like {{ unit.name }}")
    unknown = findings[("danh-sach.docx", "template.unknown")]
    assert unknown.key == "{{ ke_hoach }}"
    assert_english(unknown.message, "Template danh-sach.docx (body)", "uses the variable 'ke_hoach'",
                   "which is not in the data", "List of variables: the file template-variables.md")
    field = findings[("bien-ban-hop-hoi-dong.docx", "template.unknown")]
    assert_english(field.message, "there is no field 'locaton'", "did you mean 'location'?")
    unused = findings[("to_trinh.docx", "template.unused")]
    assert_english(unused.message, "to_trinh.docx in the template folder is not used", "did you mean 'to-trinh.docx'?")
    builtin = findings[("bao-cao-thanh-tich-ca-nhan.docx", "template.builtin")]
    assert_english(builtin.message, "has no bao-cao-thanh-tich-ca-nhan.docx", "using the built-in template")
    for finding in findings.values():
        assert_english(finding.message)


def test_missing_template_folder_is_english(tmp_path: Path) -> None:
    (finding,) = lint_templates(tmp_path / "nowhere")
    assert_english(finding.message, "Template folder", "not found", "dhtt-docs templates export")


def test_render_error_is_english(tmp_path: Path) -> None:
    user = tmp_path / "mau"
    doctor(builtin_templates_dir() / "to-trinh.docx", user / "to-trinh.docx", "{{ plan.subject }}",
           "{{ plan.subjct }}")
    with pytest.raises(TemplateProblem) as info:
        render_documents(evaluate(load_round(SAMPLE_ROUND)), tmp_path / "out", templates_dir=user)
    assert_english(info.value.message, "Template to-trinh.docx", "error while filling the tag {{ plan.subjct }}",
                   "Check the template with `dhtt-docs build --templates ...`")


def test_export_templates_refusal_is_english(tmp_path: Path) -> None:
    export_templates(tmp_path / "mau")
    with pytest.raises(DhttError) as info:
        export_templates(tmp_path / "mau")
    assert_english(info.value.message, f"The folder '{tmp_path / 'mau'}' already has", "to-trinh.docx",
                   "not overwriting", "Choose another folder")


# --------------------------------------------------------------------------- Excel import


@pytest.fixture()
def template(tmp_path: Path) -> Path:
    path = tmp_path / "ho-so.xlsx"
    write_template(path, PROFILE)
    return path


def cell_message(message: str) -> str:
    """The message after its 'Sheet ..., row N, column X (header): ' prefix (the prefix must be English)."""
    match = _WHERE.match(message)
    assert match, message
    return message[match.end():]


def test_bad_cells_are_english_naming_sheet_row_and_column(tmp_path: Path, template: Path) -> None:
    _one_individual(template, **{"Ngày sinh": "31/02/2024", "Xếp loại 2023": "xuất sắc", "Giới tính": "nam giới",
                                 "Quê quán": None})
    written, findings = import_workbook(template, tmp_path / "round")
    assert written == []
    cols = _headers(openpyxl.load_workbook(template)[SHEET_INDIVIDUALS])
    by_key = {f.key: f for f in findings}

    date_f = by_key[f"{SHEET_INDIVIDUALS}!D7"]
    assert date_f.text().startswith(f"Sheet '{SHEET_INDIVIDUALS}', row 7, column D (Ngày sinh): ")
    assert_english(cell_message(date_f.text()), "The date '31/02/2024' does not exist",
                   "month 2 of 2024 has no day 31", "correct it")
    rating = by_key[f"{SHEET_INDIVIDUALS}!{cols['Xếp loại 2023']}7"]
    assert_english(cell_message(rating.text()), "The rating 'xuất sắc' is not in the list",
                   "'hoàn thành xuất sắc nhiệm vụ'", "choose one from the list")
    gender = by_key[f"{SHEET_INDIVIDUALS}!{cols['Giới tính']}7"]
    assert_english(cell_message(gender.text()), "Gender 'nam giới' is not valid", "write Nam (male)", "did you mean 'Nam'")
    missing = by_key[f"{SHEET_INDIVIDUALS}!{cols['Quê quán']}7"]
    assert "(Quê quán)" in missing.text()
    assert_english(cell_message(missing.text()), "Empty: this information is required, fill it in.")
    assert {f.severity for f in findings} == {Severity.ERROR} and len(findings) == 4


def test_a_year_for_a_date_and_a_near_miss_rating(tmp_path: Path, template: Path) -> None:
    _one_individual(template, **{"Ngày sinh": 1980, "Xếp loại 2023": "hoàn thành tốt nhiệm vu"})
    _, findings = import_workbook(template, tmp_path / "round")
    cols = _headers(openpyxl.load_workbook(template)[SHEET_INDIVIDUALS])
    by_key = {f.key: f for f in findings}
    assert_english(cell_message(by_key[f"{SHEET_INDIVIDUALS}!D7"].text()), "'1980' is only a year",
                   "write the full day/month/year, for example 25/11/1980")
    rating = cell_message(by_key[f"{SHEET_INDIVIDUALS}!{cols['Xếp loại 2023']}7"].text())
    assert_english(rating, "The rating 'hoàn thành tốt nhiệm vu' is not in the list",
                   "did you mean 'hoàn thành tốt nhiệm vụ'?")


def test_workbook_level_findings_are_english(tmp_path: Path) -> None:
    fake = tmp_path / "notes.xlsx"
    fake.write_bytes(b"plain text, not a workbook")
    (finding,) = import_workbook(fake, tmp_path / "round")[1]
    assert_english(finding.text(), "The file 'notes.xlsx' is not an Excel .xlsx workbook",
                   "dhtt-docs xlsx template")
    (finding,) = import_workbook(tmp_path / "nowhere.xlsx", tmp_path / "round")[1]
    assert_english(finding.text(), "not found", "Check the Excel file's name and path")
