"""The DOCX documents: layout (NĐ 30/2020), content, escaping, draft mark, determinism, template linting.

Every document of the sample rounds is opened with python-docx / lxml and
checked for what a văn thư would check: A4 and margins, Times New Roman,
the header box (sizes, bold, rules), "Số:" and the date line, the headings
of the forms, the tables' headings and rows, the page number (not on page 1).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import QUANG_BINH, ROOT, SAMPLE_ROUND, SCREENING_ROUND
from helpers import plain, assert_english, doctor
from dhtt_docs.findings import Severity
from docx import Document
from docx.shared import Mm, Pt
from lxml import etree

from dhtt_docs.documents.context import VARIABLES, build_context, variables_markdown
from dhtt_docs.exceptions import DhttError
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.documents.render import (
    DRAFT_TEXT,
    TEMPLATE_FILES,
    TemplateProblem,
    builtin_templates_dir,
    export_templates,
    lint_templates,
    render_documents,
)
from dhtt_docs.rules.engine import evaluate

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TNR = "Times New Roman"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"


def report_of(folder: Path):
    return evaluate(load_round(folder))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each round rendered once: {round: {file name: Path}}, plus the report and the returned list."""
    out = {}
    for name, folder, draft in (("sample", SAMPLE_ROUND, False), ("screening", SCREENING_ROUND, True),
                                ("qb", QUANG_BINH, False)):
        report = report_of(folder)
        docs = render_documents(report, tmp_path_factory.mktemp(name), draft=draft)
        out[name] = {"files": {d.path.name: d.path for d in docs}, "docs": docs, "report": report}
    return out


def doc(rendered, round_name: str, file: str):
    return Document(str(rendered[round_name]["files"][file]))


# --- effective formatting (run -> paragraph style chain -> document defaults) -------


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def eff_bold(par, run=None) -> bool:
    run = run or next(r for r in par.runs if r.text.strip())
    if run.font.bold is not None:
        return run.font.bold
    return next((s.font.bold for s in _style_chain(par.style) if s.font.bold is not None), False)


def eff_italic(par, run=None) -> bool:
    run = run or next(r for r in par.runs if r.text.strip())
    if run.font.italic is not None:
        return run.font.italic
    return next((s.font.italic for s in _style_chain(par.style) if s.font.italic is not None), False)


def eff_size(par, run=None) -> float:
    run = run or next(r for r in par.runs if r.text.strip())
    if run.font.size is not None:
        return run.font.size.pt
    size = next((s.font.size for s in _style_chain(par.style) if s.font.size is not None), None)
    return size.pt if size is not None else 14.0     # docDefaults, checked in test_fonts


def eff_align(par):
    if par.alignment is not None:
        return par.alignment
    return next((s.paragraph_format.alignment for s in _style_chain(par.style)
                 if s.paragraph_format.alignment is not None), None)


def texts(document) -> list[str]:
    return [plain(p.text) for p in document.paragraphs]


def para(document, text: str, *, start: bool = False):
    for p in document.paragraphs:
        if (plain(p.text).startswith(text) if start else plain(p.text) == text):
            return p
    raise AssertionError(f"no paragraph {text!r} in {texts(document)}")


def table_rows(table) -> list[list[str]]:
    return [[plain(c.text) for c in row.cells] for row in table.rows]


def has_top_rule(p) -> bool:
    """A rule drawn as a paragraph border (direct or from the paragraph's style)."""
    for el in [p._p.pPr] + [s.element.pPr for s in _style_chain(p.style)]:
        if el is not None and el.find(f"{{{W}}}pBdr/{{{W}}}top") is not None:
            return True
    return False


def header_parts(path: Path) -> dict[str, etree._Element]:
    """{rel type of the reference (default/first/even): header XML} of the first section."""
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels if r.get("Type") == HEADER_REL}
        out = {}
        for ref in body.iter(f"{{{W}}}headerReference"):
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            out[ref.get(f"{{{W}}}type")] = etree.fromstring(z.read("word/" + targets[rid]))
        return out


# --- the files ---------------------------------------------------------------------


def test_documents_named_and_ordered_as_the_contract_says(rendered):
    docs = rendered["sample"]["docs"]
    names = [d.path.name for d in docs]
    assert names[:3] == ["to-trinh.docx", "danh-sach.docx", "bien-ban-hop-hoi-dong.docx"]
    assert [d.kind for d in docs[:3]] == ["to-trinh", "danh-sach", "bien-ban"]
    assert [d.title for d in docs[:3]] == ["Tờ trình", "Danh sách (Phụ lục)", "Biên bản họp Hội đồng"]
    reports = docs[3:]
    ids = [d.candidate_id for d in reports]
    # collectives first, then individuals, each in file order
    assert ids == ["bhxh-huyen-hoang-hoa", "phong-quan-ly-thu", "bui-thi-lan-anh", "le-van-hung",
                   "nguyen-thi-thu-trang", "tran-quoc-dat"]
    assert all(d.kind == "bao-cao" and d.path.name == f"bao-cao-thanh-tich-{d.candidate_id}.docx" for d in reports)
    assert reports[3].title == "Báo cáo thành tích: Lê Văn Hùng"


def test_ineligible_candidates_still_get_their_report(rendered):
    files = rendered["screening"]["files"]
    for cid in ("hoang-van-long", "pham-thi-huong", "bhxh-huyen-quang-xuong"):
        assert f"bao-cao-thanh-tich-{cid}.docx" in files
    assert len(files) == 3 + 9


# --- page setup, fonts, page numbers ------------------------------------------------


@pytest.mark.parametrize("round_name", ["sample", "screening", "qb"])
def test_page_size_margins_and_page_numbers(rendered, round_name):
    for name, path in rendered[round_name]["files"].items():
        d = Document(str(path))
        assert len(d.sections) == 1, name
        s = d.sections[0]
        landscape = name == "danh-sach.docx"
        w, h = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        assert abs(s.page_width - w) < Mm(0.5) and abs(s.page_height - h) < Mm(0.5), name
        assert Mm(20) - Mm(0.1) <= s.top_margin <= Mm(25) + Mm(0.1), name
        assert Mm(20) - Mm(0.1) <= s.bottom_margin <= Mm(25) + Mm(0.1), name
        assert Mm(30) - Mm(0.1) <= s.left_margin <= Mm(35) + Mm(0.1), name
        assert Mm(15) - Mm(0.1) <= s.right_margin <= Mm(20) + Mm(0.1), name
        # page number: PAGE field centred in the default header; page 1 (titlePg) shows none
        assert s.different_first_page_header_footer, name
        sect = d.element.body.find(f"{{{W}}}sectPr")
        assert sect.find(f"{{{W}}}titlePg") is not None
        parts = header_parts(path)
        default = parts["default"]
        assert "PAGE" in "".join(t.text or "" for t in default.iter(f"{{{W}}}instrText")), name
        assert default.find(".//w:fldChar", NS) is not None
        page_para = s.header.paragraphs[-1]
        assert eff_align(page_para) == 1, name        # centred
        assert 13 <= (s.header.paragraphs[-1].style.font.size.pt) <= 14
        assert "PAGE" not in "".join(t.text or "" for t in parts["first"].iter(f"{{{W}}}instrText")), name


def test_times_new_roman_everywhere(rendered):
    for path in rendered["sample"]["files"].values():
        with zipfile.ZipFile(path) as z:
            styles = etree.fromstring(z.read("word/styles.xml"))
            defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                assert defaults.get(f"{{{W}}}{attr}") == TNR
            assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:sz", NS).get(f"{{{W}}}val") == "28"
            for part in [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]:
                root = etree.fromstring(z.read(part))
                for rf in root.iter(f"{{{W}}}rFonts"):
                    fonts = {k.split("}")[1]: v for k, v in rf.attrib.items()}
                    assert not any(k.endswith("Theme") for k in fonts), (path.name, part, fonts)
                    assert {v for k, v in fonts.items() if k != "hint"} <= {TNR}, (path.name, part, fonts)


def test_body_text_spacing_indent_and_alignment(rendered):
    d = doc(rendered, "sample", "to-trinh.docx")
    body = d.styles["Body Text"].paragraph_format
    assert body.alignment == 3                                      # justified
    assert Mm(10) - Mm(0.1) <= body.first_line_indent <= Mm(12.7) + Mm(0.1)
    assert body.space_before >= Pt(6) or body.space_after >= Pt(6)
    assert 1.0 <= body.line_spacing <= 1.5
    for name in ("Căn cứ", "List Bullet", "Đề mục I", "Đề mục 1"):
        assert d.styles[name].base_style.name == "Body Text"
    assert d.styles["Căn cứ"].font.italic and d.styles["Đề mục I"].font.bold


# --- the header box -------------------------------------------------------------------


def header_table(d):
    return d.tables[0]


def test_to_trinh_header_box(rendered):
    d = doc(rendered, "sample", "to-trinh.docx")
    t = header_table(d)
    left, right = t.cell(0, 0), t.cell(0, 1)
    lp = [p for p in left.paragraphs if p.text.strip()]
    assert [p.text for p in lp] == ["BẢO HIỂM XÃ HỘI VIỆT NAM", "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA"]
    assert not eff_bold(lp[0]) and eff_bold(lp[1])
    assert all(12 <= eff_size(p) <= 13 for p in lp)
    assert has_top_rule(left.paragraphs[-1])                      # short rule under the issuer
    rp = [p for p in right.paragraphs if p.text.strip()]
    assert [p.text for p in rp] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert eff_bold(rp[0]) and 12 <= eff_size(rp[0]) <= 13
    assert eff_bold(rp[1]) and 13 <= eff_size(rp[1]) <= 14
    assert has_top_rule(right.paragraphs[-1])
    # Số and the date on one row
    number, date = t.cell(1, 0).paragraphs[0], t.cell(1, 1).paragraphs[0]
    assert plain(number.text) == "Số: 125/TTr-BHXH"
    assert eff_size(number) == 13 and not eff_bold(number)
    assert plain(date.text) == "Thanh Hóa, ngày 25 tháng 11 năm 2024"
    assert eff_italic(date) and 13 <= eff_size(date) <= 14
    # borderless table
    borders = t._tbl.tblPr.find(f"{{{W}}}tblBorders")
    assert all(b.get(f"{{{W}}}val") in ("nil", "none") for b in borders)


def test_blank_numbers_and_head_signing_in_person(rendered):
    tt = doc(rendered, "qb", "to-trinh.docx")
    number = header_table(tt).cell(1, 0).paragraphs[0].text
    assert re.fullmatch(r"Số: {2,}/TTr-BHXH", plain(number)), number
    assert plain(header_table(tt).cell(1, 1).paragraphs[0].text) == "Quảng Bình, ngày 10 tháng 12 năm 2024"
    bb = doc(rendered, "qb", "bien-ban-hop-hoi-dong.docx")
    assert re.fullmatch(r"Số: {2,}/BB-HĐTĐKT", plain(header_table(bb).cell(1, 0).paragraphs[0].text))
    sig = tt.tables[-1].cell(0, 1)
    assert [plain(p.text) for p in sig.paragraphs if p.text.strip()] == ["GIÁM ĐỐC", "Trương Công Vinh"]


def test_long_issuer_names_break_into_balanced_lines(rendered):
    d = doc(rendered, "sample", "bao-cao-thanh-tich-bhxh-huyen-hoang-hoa.docx")
    lp = [p for p in header_table(d).cell(0, 0).paragraphs if p.text.strip()]
    assert [p.text for p in lp] == ["BẢO HIỂM XÃ HỘI TỈNH THANH HÓA", "BẢO HIỂM XÃ HỘI\nHUYỆN HOẰNG HÓA"]


# --- Tờ trình --------------------------------------------------------------------------


def test_to_trinh_content(rendered):
    d = doc(rendered, "sample", "to-trinh.docx")
    title = para(d, "TỜ TRÌNH")
    assert eff_bold(title) and eff_align(title) == 1 and 13 <= eff_size(title) <= 14
    subject = para(d, "Về việc đề nghị công nhận điển hình tiên tiến giai đoạn 2021 - 2025")
    assert eff_bold(subject) and eff_align(subject) == 1
    assert para(d, "Kính gửi: Tổng Giám đốc Bảo hiểm xã hội Việt Nam")
    basis = [p for p in d.paragraphs if p.text.startswith("Căn cứ")]
    assert [plain(p.text).split(" ngày")[0] for p in basis] == [
        "Căn cứ Kế hoạch số 1935/KH-BHXH", "Căn cứ Kế hoạch số 18/KH-BHXH",
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Bảo hiểm xã hội tỉnh Thanh Hóa số 05/BB-HĐTĐKT"]
    assert all(eff_italic(p) for p in basis)
    assert [p.text[-1] for p in basis] == [";", ";", "."]
    assert plain(basis[-1].text).endswith("số 05/BB-HĐTĐKT ngày 20 tháng 11 năm 2024.")
    proposal = para(d, "Trên đây là Tờ trình đề nghị", start=True)         # the form's closing, said once
    assert "cho 02 tập thể và 04 cá nhân (có danh sách" in plain(proposal.text)
    assert "kính trình Tổng Giám đốc Bảo hiểm xã hội Việt Nam xem xét, quyết định./." in plain(proposal.text)
    assert not any("kính đề nghị" in t for t in texts(d))
    body = [p for p in d.paragraphs if p.text.strip()]
    assert body[-1].text.endswith("./.")
    assert eff_align(body[-1]) == 3                                 # justified
    assert body[-1].paragraph_format.first_line_indent or \
        any(s.paragraph_format.first_line_indent for s in _style_chain(body[-1].style))
    # Nơi nhận and the signature
    sig = d.tables[-1]
    recv = [p for p in sig.cell(0, 0).paragraphs if p.text.strip()]
    assert recv[0].text == "Nơi nhận:" and eff_bold(recv[0]) and eff_italic(recv[0]) and eff_size(recv[0]) == 12
    assert [p.text for p in recv[1:]] == ["- Như trên;", "- Giám đốc, các Phó Giám đốc (để b/c);",
                                          "- Phòng Tổ chức cán bộ;", "- Lưu: VT, TĐKT."]
    assert all(eff_size(p) == 11 for p in recv[1:])
    lines = [p for p in sig.cell(0, 1).paragraphs if p.text.strip()]
    assert [plain(p.text) for p in lines] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Thu Hà"]
    assert all(eff_bold(p) and eff_align(p) == 1 for p in lines)
    assert (lines[-1].paragraph_format.space_before or lines[-1].style.paragraph_format.space_before) >= Pt(48)


# --- Danh sách ---------------------------------------------------------------------------


DS_HEAD = ["STT", "Tên tập thể, họ và tên cá nhân", "Chức vụ, đơn vị công tác", "Tiêu chuẩn đạt được",
           "Số phiếu đồng ý", "Tỷ lệ so với tổng số thành viên Hội đồng (%)"]


def test_danh_sach_is_a_landscape_appendix_listing_the_proposed(rendered):
    d = doc(rendered, "screening", "danh-sach.docx")
    assert d.sections[0].orientation == 1                          # landscape
    assert eff_bold(para(d, "Phụ lục"))
    title = para(d, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ CÔNG NHẬN ĐIỂN HÌNH TIÊN TIẾN GIAI ĐOẠN 2021 - 2025")
    assert eff_bold(title)
    ref = para(d, "(Kèm theo Tờ trình số 125/TTr-BHXH ngày 25 tháng 11 năm 2024 của Bảo hiểm xã hội tỉnh "
                  "Thanh Hóa)")
    assert eff_italic(ref)
    rows = table_rows(d.tables[0])
    assert rows[0] == DS_HEAD
    assert d.tables[0].rows[0]._tr.trPr.find(f"{{{W}}}tblHeader") is not None   # repeats on page 2
    groups = [r[0] for r in rows if len(set(r)) == 1]
    assert groups == ["I. TẬP THỂ", "II. CÁ NHÂN"]
    data = [r for r in rows[1:] if len(set(r)) > 1]
    # 6 proposed: the 3 ineligible candidates of the screening round are not listed
    # in the order of council.votes (collectives first), as the user typed it
    assert [r[1] for r in data] == ["Phòng Quản lý thu", "Bảo hiểm xã hội huyện Hoằng Hóa", "Nguyễn Thị Thu Trang",
                                    "Trần Quốc Đạt", "Lê Văn Hùng", "Bùi Thị Lan Anh"]
    hung = data[4]
    assert hung[0] == "3" and hung[2] == "Trưởng phòng, Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa"
    assert hung[3].startswith("- 03 năm liên tục hoàn thành xuất sắc nhiệm vụ (2021, 2022, 2023)")
    assert hung[4:] == ["8", "88,9"]
    assert para(d, "Danh sách có 02 tập thể và 04 cá nhân./.")


# --- Biên bản ------------------------------------------------------------------------------


BB_HEAD = ["STT", "Tập thể/cá nhân", "Số phiếu đồng ý", "Tỷ lệ % trên tổng số thành viên Hội đồng", "Kết quả"]


def test_bien_ban_after_form_1_9(rendered):
    d = doc(rendered, "screening", "bien-ban-hop-hoi-dong.docx")
    t = header_table(d)
    assert [p.text for p in t.cell(0, 0).paragraphs if p.text.strip()] == [
        "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA", "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"]
    assert plain(t.cell(1, 0).paragraphs[0].text) == "Số: 05/BB-HĐTĐKT"
    assert t.cell(1, 1).text.strip() == ""                         # no place and date line
    assert eff_bold(para(d, "BIÊN BẢN"))
    assert para(d, "Họp Hội đồng Thi đua - Khen thưởng\nxét đề nghị công nhận điển hình tiên tiến giai đoạn "
                   "2021 - 2025")
    assert para(d, "Thời gian bắt đầu: 14 giờ 00, ngày 20 tháng 11 năm 2024.")
    assert para(d, "Địa điểm: Phòng họp tầng 3, Bảo hiểm xã hội tỉnh Thanh Hóa.")
    assert para(d, "Thành phần tham dự: 08/09 thành viên", start=True)
    present = [plain(p.text) for p in d.paragraphs if p.style.name == "List Bullet" and "Đồng chí" in p.text]
    assert plain(present[0]) == "Đồng chí Đỗ Minh Tuấn, Giám đốc - Chủ tịch Hội đồng;"
    assert "Đồng chí Phạm Thị Thanh Bình, Bí thư Chi đoàn Thanh niên - Ủy viên (có ý kiến bằng văn bản)." in present
    assert para(d, "Vắng mặt: 01/09 thành viên:")
    assert para(d, "Chủ trì: Đồng chí Đỗ Minh Tuấn, Giám đốc - Chủ tịch Hội đồng.")
    assert para(d, "Thư ký: Đồng chí Lê Thị Hồng Nhung, Chuyên viên Văn phòng.")
    assert "số phiếu phát ra: 08; số phiếu thu về: 08; số phiếu hợp lệ: 08." in \
        para(d, "Hội đồng thảo luận", start=True).text
    assert para(d, "Đồng chí Phạm Thị Thanh Bình, Bí thư Chi đoàn Thanh niên, vắng mặt, có ý kiến bằng văn bản",
                start=True)
    rows = table_rows(d.tables[1])
    assert rows[0] == BB_HEAD
    data = {r[1]: r for r in rows[1:] if len(set(r)) > 1}
    assert len(data) == 9                                           # every candidate
    assert data["Phạm Thị Hương"][2:] == ["4", "44,4", "Không đề nghị"]
    assert data["Hoàng Văn Long"][2:] == ["5", "55,6", "Không đề nghị"]   # approved, but ineligible
    assert data["Lê Văn Hùng"][2:] == ["8", "88,9", "Đề nghị"]
    reason = ("Phạm Thị Hương: chưa đạt tiêu chuẩn theo mục II.2.b của Kế hoạch số 1935/KH-BHXH; số phiếu đồng ý "
              "(4/9) chưa đạt trên 50% tổng số thành viên Hội đồng.")
    assert [t for t in texts(d) if t.startswith("Phạm Thị Hương:")] == [reason]
    assert plain([p for p in d.paragraphs if p.text.strip()][-1].text) == \
        "Cuộc họp kết thúc vào 16 giờ 30, ngày 20 tháng 11 năm 2024./."
    sig = d.tables[-1]
    assert sig.cell(0, 0).text.strip() == "THƯ KÝ" and sig.cell(0, 1).text.strip() == "CHỦ TỌA"
    names = [sig.cell(1, 0).paragraphs[0], sig.cell(1, 1).paragraphs[0]]
    assert [plain(p.text) for p in names] == ["Lê Thị Hồng Nhung", "Đỗ Minh Tuấn"]
    assert all(eff_bold(p) for p in names)


# --- Báo cáo thành tích ---------------------------------------------------------------------

TITLES_HEAD = ["Năm", "Danh hiệu thi đua",
               "Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi đua; cơ quan ban hành quyết định"]
AWARDS_HEAD = ["Năm", "Hình thức khen thưởng",
               "Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành quyết định"]


def headings(d, style: str) -> list[str]:
    return [plain(p.text) for p in d.paragraphs if p.style.name == style]


def test_individual_report(rendered):
    d = doc(rendered, "sample", "bao-cao-thanh-tich-le-van-hung.docx")
    assert [p.text for p in header_table(d).cell(0, 0).paragraphs if p.text.strip()] == [
        "BẢO HIỂM XÃ HỘI VIỆT NAM", "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA"]
    assert plain(header_table(d).cell(1, 1).paragraphs[0].text) == "Thanh Hóa, ngày 25 tháng 11 năm 2024"
    assert eff_bold(para(d, "BÁO CÁO THÀNH TÍCH"))
    assert eff_bold(para(d, "ĐỀ NGHỊ CÔNG NHẬN ĐIỂN HÌNH TIÊN TIẾN GIAI ĐOẠN 2021 - 2025"))
    main = headings(d, "Đề mục I")
    assert main == ["I. SƠ LƯỢC LÝ LỊCH", "II. THÀNH TÍCH ĐẠT ĐƯỢC", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"]
    assert all(eff_bold(para(d, h)) for h in main)
    assert headings(d, "Đề mục 1") == ["1. Quyền hạn, nhiệm vụ được giao", "2. Thành tích đạt được",
                                       "1. Danh hiệu thi đua", "2. Hình thức khen thưởng"]
    assert [h[:2] for h in headings(d, "Đề mục a")] == ["a)", "b)", "c)", "d)"]
    t = texts(d)
    for line in ("- Họ và tên: Lê Văn Hùng", "- Sinh ngày, tháng, năm: 21/11/1976; Giới tính: Nam",
                 "- Dân tộc: Kinh", "- Quê quán: xã Thiệu Trung, huyện Thiệu Hóa, tỉnh Thanh Hóa",
                 "- Đơn vị công tác: Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa", "- Chức vụ: Trưởng phòng",
                 "- Trình độ lý luận chính trị: Cao cấp",
                 "- Trình độ chuyên môn, nghiệp vụ: Thạc sĩ Quản lý kinh tế"):
        assert line in t
    assert t.index("I. SƠ LƯỢC LÝ LỊCH") < t.index("- Họ và tên: Lê Văn Hùng") < t.index("II. THÀNH TÍCH ĐẠT ĐƯỢC")
    assert "Năm 2021: hoàn thành xuất sắc nhiệm vụ;" in t and "Năm 2023: hoàn thành xuất sắc nhiệm vụ." in t
    assert any(x.startswith("Quy trình phân loại, đôn đốc thu hồi nợ đóng theo nhóm nguy cơ (Quyết định công "
                            "nhận số 377/QĐ-BHXH ngày 20/11/2023 của Giám đốc") for x in t)
    titles, awards = table_rows(d.tables[1]), table_rows(d.tables[2])
    assert titles[0] == TITLES_HEAD and awards[0] == AWARDS_HEAD
    assert titles[1:] == [
        ["2021", "Chiến sỹ thi đua cơ sở",
         "Quyết định số 21/QĐ-BHXH ngày 12/01/2022 của Giám đốc Bảo hiểm xã hội tỉnh Thanh Hóa"],
        ["2022", "Chiến sỹ thi đua ngành Bảo hiểm xã hội Việt Nam",
         "Quyết định số 512/QĐ-BHXH ngày 20/3/2023 của Tổng Giám đốc Bảo hiểm xã hội Việt Nam"]]
    assert awards[1:] == [["", "Không có", ""]]                     # an empty table still has a row
    assert all(eff_bold(c.paragraphs[0]) for c in d.tables[1].rows[0].cells)
    sig = d.tables[-1]
    assert [p.text for p in sig.cell(0, 0).paragraphs if p.text.strip()] == [
        "THỦ TRƯỞNG ĐƠN VỊ\nXÁC NHẬN, ĐỀ NGHỊ", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert sig.cell(0, 1).text.strip() == "NGƯỜI BÁO CÁO THÀNH TÍCH"
    assert [plain(sig.cell(1, 0).text), plain(sig.cell(1, 1).text)] == ["Lê Thị Thu Hà", "Lê Văn Hùng"]


def test_individual_report_leaves_out_missing_optional_fields(rendered):
    t = texts(doc(rendered, "qb", "bao-cao-thanh-tich-vo-van-thanh.docx"))
    assert not any(x.startswith(("- Dân tộc", "- Tôn giáo", "- Trú quán")) for x in t)
    i = t.index("b) Sáng kiến, giải pháp được công nhận")
    assert t[i + 1] == "Không có."


TARGETS_HEAD = ["STT", "Chỉ tiêu", "Năm", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ (%)"]


def test_collective_report(rendered):
    d = doc(rendered, "sample", "bao-cao-thanh-tich-phong-quan-ly-thu.docx")
    assert [p.text for p in header_table(d).cell(0, 0).paragraphs if p.text.strip()] == [
        "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA", "PHÒNG QUẢN LÝ THU"]
    assert headings(d, "Đề mục I") == ["I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", "II. THÀNH TÍCH ĐẠT ĐƯỢC",
                                       "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"]
    assert headings(d, "Đề mục 1") == [
        "1. Đặc điểm, tình hình", "2. Chức năng, nhiệm vụ", "1. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao",
        "2. Biện pháp, giải pháp, sáng kiến đã áp dụng", "3. Công tác xây dựng Đảng, đoàn thể",
        "1. Danh hiệu thi đua", "2. Hình thức khen thưởng"]
    t = texts(d)
    assert "- Địa chỉ trụ sở: 98 Trần Phú, phường Điện Biên, thành phố Thanh Hóa, tỉnh Thanh Hóa" in t
    assert "- Tổng số công chức, viên chức, người lao động: 18 người" in t
    targets = table_rows(d.tables[1])
    assert targets[0] == TARGETS_HEAD
    assert len(targets) - 1 == 10
    assert targets[1] == ["1", "Số người tham gia bảo hiểm xã hội bắt buộc", "2022", "người", "232.000",
                          "236.850", "102,1"]
    assert targets[4][4:] == ["8.150", "8.236,4", "101,1"]
    assert targets[10][1].endswith("(*)") and targets[10][3:] == ["%", "1,8", "1,8", "100"]   # at_most
    assert table_rows(d.tables[2])[0] == TITLES_HEAD and len(d.tables[2].rows) == 3
    assert table_rows(d.tables[3]) == [AWARDS_HEAD, ["", "Không có", ""]]
    sig = d.tables[-1]
    assert [p.text for p in sig.cell(0, 0).paragraphs if p.text.strip()] == [
        "XÁC NHẬN CỦA\nCẤP TRÌNH KHEN THƯỞNG", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert sig.cell(0, 1).text.strip() == "THỦ TRƯỞNG ĐƠN VỊ"
    assert [plain(sig.cell(1, 0).text), plain(sig.cell(1, 1).text)] == ["Lê Thị Thu Hà", "Lê Văn Hùng"]


def test_missed_target_and_long_lists_render(rendered):
    d = doc(rendered, "sample", "bao-cao-thanh-tich-bhxh-huyen-hoang-hoa.docx")
    row = next(r for r in table_rows(d.tables[1]) if r[1] == "Số người tham gia bảo hiểm xã hội tự nguyện"
               and r[2] == "2023")
    assert row[4:] == ["9.850", "9.412", "95,6"]


# --- the dossier's text, printed exactly ----------------------------------------------------

TRICKY = 'Phòng Kế hoạch & Tài chính <HN> "trích dẫn" {{ không_phải_template }}'


def test_special_characters_and_template_syntax_in_data_are_printed_as_typed(rendered):
    path = rendered["qb"]["files"]["bao-cao-thanh-tich-dang-thi-thu-ha.docx"]
    d = Document(str(path))
    hit = [p for p in d.paragraphs if TRICKY in plain(p.text)]
    assert len(hit) == 1
    # a "- " line of a multi-line field is a list item (numbered list style), without the typed dash
    assert hit[0].style.name == "List Bullet" and hit[0].text.startswith("Phối hợp với")
    assert hit[0].style.element.pPr.find(f"{{{W}}}numPr") is not None
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Kế hoạch &amp; Tài chính &lt;HN&gt;" in xml
    assert "{{ không_phải_template }}" in xml
    etree.fromstring(xml.encode())                                  # well-formed
    duties = texts(doc(rendered, "sample", "bao-cao-thanh-tich-le-van-hung.docx"))
    assert any(t.startswith("Chủ trì phối hợp với Phòng Kế hoạch & Tài chính đối chiếu") for t in duties)


def test_control_characters_are_dropped(round_dir, tmp_path):
    round_dir.edit("candidates/an.yaml", "achievements: Hoàn thành xuất sắc nhiệm vụ.",
                   'achievements: "Hoàn thành\\x07 xuất sắc\\x0b nhiệm vụ & <vượt> mức.\\n- Ý một\\n- Ý hai"')
    report = round_dir.report()
    docs = render_documents(report, tmp_path / "out", draft=True)
    d = Document(str(next(x.path for x in docs if x.candidate_id == "an")))
    t = texts(d)
    assert "Hoàn thành xuất sắc nhiệm vụ & <vượt> mức." in t
    assert [para(d, x).style.name for x in ("Ý một", "Ý hai")] == ["List Bullet", "List Bullet"]


# --- draft mark, determinism, metadata ------------------------------------------------------


def test_draft_mark_in_every_header_including_the_first_page(rendered):
    for path in rendered["screening"]["files"].values():
        parts = header_parts(path)
        assert set(parts) >= {"default", "first"}
        for kind, hdr in parts.items():
            assert DRAFT_TEXT in "".join(hdr.itertext()), (path.name, kind)
    for path in rendered["sample"]["files"].values():
        assert all(DRAFT_TEXT not in "".join(h.itertext()) for h in header_parts(path).values())


def test_two_renders_give_identical_bytes(rendered, tmp_path):
    again = render_documents(rendered["sample"]["report"], tmp_path / "again")
    first = rendered["sample"]["files"]
    assert sorted(first) == sorted(d.path.name for d in again)
    for d in again:
        assert d.path.read_bytes() == first[d.path.name].read_bytes(), d.path.name


def test_zip_entries_and_core_properties_are_fixed(rendered):
    path = rendered["sample"]["files"]["to-trinh.docx"]
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert not any(b"w:rsid" in z.read(n) for n in z.namelist() if n.startswith("word/"))
    cp = Document(str(path)).core_properties
    assert cp.author == "Bảo hiểm xã hội tỉnh Thanh Hóa" and cp.last_modified_by == cp.author
    assert cp.title == "Tờ trình"
    assert cp.created.isoformat().startswith("2024-11-25T00:00:00") and cp.modified == cp.created


# --- templates: lint, user templates, export ------------------------------------------------


def test_builtin_templates_lint_clean():
    assert lint_templates(builtin_templates_dir()) == []


def test_lint_names_template_and_tag_for_syntax_errors_and_unknown_variables(tmp_path, lang):
    src = builtin_templates_dir()
    doctor(src / "to-trinh.docx", tmp_path / "to-trinh.docx",
           "{%p for x in submission.basis_lines %}", "{%p for x in %}")
    doctor(src / "bien-ban-hop-hoi-dong.docx", tmp_path / "bien-ban-hop-hoi-dong.docx",
           "{{ meeting.location }}", "{{ meeting.locaton }}")
    doctor(src / "danh-sach.docx", tmp_path / "danh-sach.docx", "{{ plan.proposal_upper }}", "{{ ke_hoach }}")
    (tmp_path / "to_trinh.docx").write_bytes((src / "to-trinh.docx").read_bytes())
    findings = lint_templates(tmp_path)
    errors = [f for f in findings if f.severity.value == "error"]
    by_file = {f.file: f for f in errors}
    assert set(by_file) == {"to-trinh.docx", "bien-ban-hop-hoi-dong.docx", "danh-sach.docx"}
    assert by_file["to-trinh.docx"].key == "{%p for x in %}"
    assert "to-trinh.docx" in by_file["to-trinh.docx"].message
    assert by_file["bien-ban-hop-hoi-dong.docx"].key == "{{ meeting.locaton }}"
    assert "'location'" in by_file["bien-ban-hop-hoi-dong.docx"].message          # did you mean
    assert by_file["danh-sach.docx"].key == "{{ ke_hoach }}"
    # templates not in the folder come from the built-in set
    assert {f.file for f in findings if f.code == "template.builtin"} == {
        "bao-cao-thanh-tich-ca-nhan.docx", "bao-cao-thanh-tich-tap-the.docx"}
    if lang == "en":
        _assert_lint_findings_english({(f.file, f.code): f for f in findings})


def _assert_lint_findings_english(findings: dict) -> None:
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


def test_lint_finds_unclosed_blocks_split_tags_and_stray_files(tmp_path):
    src = builtin_templates_dir()
    doctor(src / "to-trinh.docx", tmp_path / "to-trinh.docx", "{%p endfor %}", "")
    doctor(src / "danh-sach.docx", tmp_path / "danh-sach.docx", "{{ plan.proposal_upper }}</w:t></w:r>",
           "{{ plan.</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>proposal_upper }}</w:t></w:r>")
    (tmp_path / "to_trinh.docx").write_bytes((src / "to-trinh.docx").read_bytes())
    (tmp_path / "~$to-trinh.docx").write_bytes(b"lock")
    findings = {(f.file, f.code): f for f in lint_templates(tmp_path)}
    unclosed = findings[("to-trinh.docx", "template.syntax")]
    assert unclosed.key == "{%p for x in submission.recipient_lines[1:] %}"
    split = findings[("danh-sach.docx", "template.split")]
    assert split.severity.value == "warning" and split.key == "{{ plan.proposal_upper }}"
    assert findings[("to_trinh.docx", "template.unused")].severity.value == "warning"
    assert not any(f == "~$to-trinh.docx" for f, _ in findings)


@pytest.mark.slow
def test_template_saved_by_libreoffice_still_builds(tmp_path, soffice):
    """A user opens a template in LibreOffice, saves it as .docx, and builds with it."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(builtin_templates_dir() / "to-trinh.docx", src / "to-trinh.docx")
    user = tmp_path / "mau"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(user), str(src / "to-trinh.docx")],
                   check=True, capture_output=True, timeout=180)
    assert [f for f in lint_templates(user) if f.severity.value != "info"] == []
    docs = render_documents(report_of(SAMPLE_ROUND), tmp_path / "out", templates_dir=user)
    d = Document(str(docs[0].path))
    assert plain(header_table(d).cell(1, 0).paragraphs[0].text) == "Số: 125/TTr-BHXH"
    assert para(d, "TỜ TRÌNH") and d.sections[0].different_first_page_header_footer


def test_candidate_variable_only_in_reports(tmp_path):
    src = builtin_templates_dir()
    doctor(src / "to-trinh.docx", tmp_path / "to-trinh.docx", "{{ plan.subject }}", "{{ candidate.name }}")
    (f,) = [f for f in lint_templates(tmp_path) if f.severity.value == "error"]
    assert f.key == "{{ candidate.name }}" and "báo cáo thành tích" in f.message


def test_user_template_with_edited_wording_is_used(tmp_path):
    src = builtin_templates_dir()
    user = tmp_path / "mau"
    doctor(src / "to-trinh.docx", user / "to-trinh.docx", "kính trình", "trân trọng trình")
    assert [f for f in lint_templates(user) if f.severity.value != "info"] == []
    docs = render_documents(report_of(SAMPLE_ROUND), tmp_path / "out", templates_dir=user)
    assert any("trân trọng trình" in t for t in texts(Document(str(docs[0].path))))
    assert not any("trân trọng trình" in t for t in texts(Document(str(docs[2].path))))


def test_render_error_names_template_and_tag(tmp_path, lang):
    src = builtin_templates_dir()
    user = tmp_path / "mau"
    doctor(src / "to-trinh.docx", user / "to-trinh.docx", "{{ plan.subject }}", "{{ plan.subjct }}")
    with pytest.raises(TemplateProblem) as exc:
        render_documents(report_of(SAMPLE_ROUND), tmp_path / "out", templates_dir=user)
    assert "to-trinh.docx" in str(exc.value.message) and "{{ plan.subjct }}" in str(exc.value.message)
    if lang == "en":
        assert_english(exc.value.message, "Template to-trinh.docx", "error while filling the tag {{ plan.subjct }}",
                       "Check the template with `dhtt-docs build --templates ...`")


def test_export_templates_copies_and_refuses_to_overwrite(tmp_path, lang):
    written = export_templates(tmp_path / "mau")
    assert sorted(p.name for p in written) == sorted([*TEMPLATE_FILES.values(), "template-variables.md"])
    for name in TEMPLATE_FILES.values():
        assert (tmp_path / "mau" / name).read_bytes() == (builtin_templates_dir() / name).read_bytes()
    with pytest.raises(DhttError) as info:
        export_templates(tmp_path / "mau")
    if lang == "en":
        assert_english(info.value.message, f"The folder '{tmp_path / 'mau'}' already has", "to-trinh.docx",
                       "not overwriting", "Choose another folder")
    export_templates(tmp_path / "mau", overwrite=True)
    assert lint_templates(tmp_path / "mau") == []


# --- the documented context ------------------------------------------------------------------


def _shape(value, var, path="") -> list[str]:
    """Differences between a context value and its documentation."""
    out = []
    if var.fields is not None:
        if not isinstance(value, dict):
            return [f"{path}: expected a group"]
        if set(value) != set(var.fields):
            out.append(f"{path}: keys {sorted(set(value) ^ set(var.fields))}")
        for k in set(value) & set(var.fields):
            out += _shape(value[k], var.fields[k], f"{path}.{k}")
    elif var.item is not None:
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        for x in value:
            out += _shape(x, var.item, f"{path}[]")
    elif isinstance(value, (dict, list)):
        out.append(f"{path}: documented as a value")
    return out


@pytest.mark.parametrize("folder", [SAMPLE_ROUND, SCREENING_ROUND, QUANG_BINH])
def test_context_matches_its_documentation(folder):
    ctx = build_context(report_of(folder))
    for cid in ctx.candidates:
        full = ctx.for_document("bao-cao-ca-nhan", cid)
        assert set(full) == set(VARIABLES)
        assert [d for k, v in full.items() for d in _shape(v, VARIABLES[k], k)] == []
    assert set(ctx.for_document("to-trinh")) == set(VARIABLES) - {"candidate"}


def test_variables_doc_and_templates_are_up_to_date():
    assert (ROOT / "docs" / "template-variables.md").read_text(encoding="utf-8") == variables_markdown()
    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "tools" / "make_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for kind, name in TEMPLATE_FILES.items():
        assert mod.build(kind) == (ROOT / "templates" / name).read_bytes(), \
            f"templates/{name} is stale: run python tools/make_templates.py"


def test_no_round_no_documents(tmp_path):
    (tmp_path / "r").mkdir()
    with pytest.raises(DhttError):
        render_documents(report_of(tmp_path / "r"), tmp_path / "out")


def test_a_long_field_renders_whole(round_dir, tmp_path):
    from dhtt_docs.documents.render import plan_documents
    long_text = "\n".join(f"Đoạn thứ {i}: kết quả công tác thu, chi, giám định." for i in range(400))
    import yaml as _yaml
    round_dir.edit("candidates/an.yaml", "achievements: Hoàn thành xuất sắc nhiệm vụ.",
                   _yaml.safe_dump({"achievements": long_text}, allow_unicode=True, width=10**9).rstrip("\n"))
    report = round_dir.report()
    job = next(j for j in plan_documents(report) if j.candidate_id == "an")
    out = tmp_path / job.file_name
    out.write_bytes(job.render())
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "Đoạn thứ 0:" in text and "Đoạn thứ 399:" in text


# --------------------------------------------------------------------------- messages in English (--lang en)


def test_missing_template_folder_is_english(english, tmp_path: Path) -> None:
    (finding,) = lint_templates(tmp_path / "nowhere")
    assert_english(finding.message, "Template folder", "not found", "dhtt-docs templates export")


@pytest.mark.slow
def test_parallel_rendering_gives_the_bytes_of_one_at_a_time(tmp_path):
    from dhtt_docs.build.produce import PARALLEL_RENDER_MIN, render_all
    from dhtt_docs.documents.render import plan_documents

    jobs = plan_documents(report_of(SAMPLE_ROUND), draft=True)
    many = (jobs * (PARALLEL_RENDER_MIN // len(jobs) + 1))[:PARALLEL_RENDER_MIN]
    parallel = list(render_all(many, processes=2))
    assert parallel == [job.render() for job in many]
    assert len(set(parallel)) == len(jobs)   # each job its own document, in order
    assert list(render_all(many[:3], processes=1)) == parallel[:3]
