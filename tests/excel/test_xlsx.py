"""Excel in and out: the template, a filled workbook imported into a round, the Danh sách as .xlsx."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE_ROUND
from helpers import assert_english, ACHIEVEMENTS, _fill_workbook, _headers, _one_individual, put
from scaffold_fill import fill_submission

from dhtt_docs.findings import Severity
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.profile import load_profile
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.dossier.scaffold import init_round
from dhtt_docs.excel.cells import read_date, read_number
from dhtt_docs.excel.danh_sach import write_danh_sach_xlsx
from dhtt_docs.excel.importer import candidate_yaml, import_workbook
from dhtt_docs.excel.layout import (
    SHEET_COLLECTIVES,
    SHEET_DISCIPLINE,
    SHEET_GUIDE,
    SHEET_HONOURS,
    SHEET_INDIVIDUALS,
    SHEET_INITIATIVES,
    SHEET_LISTS,
    SHEET_TARGETS,
)
from dhtt_docs.excel.template import write_template

PROFILE = load_profile()


def _errors(findings):
    return [f for f in findings if f.severity is Severity.ERROR]


@pytest.fixture
def template(tmp_path) -> Path:
    path = tmp_path / "ho-so.xlsx"
    write_template(path, PROFILE)
    return path


# --- the template ------------------------------------------------------------------


def test_template_has_the_sheets_and_vietnamese_headers(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [SHEET_GUIDE, SHEET_INDIVIDUALS, SHEET_COLLECTIVES, SHEET_HONOURS, SHEET_INITIATIVES,
                             SHEET_TARGETS, SHEET_DISCIPLINE, SHEET_LISTS]
    assert wb[SHEET_LISTS].sheet_state == "hidden"
    assert wb.active.title == SHEET_GUIDE
    ind = [c.value for c in wb[SHEET_INDIVIDUALS][1]]
    assert ind[:4] == ["Mã", "Họ và tên *", "Giới tính *", "Ngày sinh *"]
    assert ind[-5:] == [f"Xếp loại {y}" for y in range(2021, 2026)]
    assert [c.value for c in wb[SHEET_HONOURS][1]] == [
        "Mã hoặc tên ứng viên *", "Loại *", "Năm", "Tên danh hiệu, hình thức khen thưởng *", "Số quyết định *",
        "Ngày quyết định *", "Cơ quan ban hành *", "Tệp đính kèm"]
    for name in (SHEET_INDIVIDUALS, SHEET_COLLECTIVES, SHEET_HONOURS, SHEET_INITIATIVES, SHEET_TARGETS,
                 SHEET_DISCIPLINE):
        ws = wb[name]
        assert ws.freeze_panes in ("B2", "C2")
        assert ws.max_row == 1                           # no example rows to delete before importing
        assert all(c.comment is not None and c.comment.text for c in ws[1])
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
    assert wb[SHEET_INDIVIDUALS].column_dimensions["D"].number_format == "dd/mm/yyyy"
    assert wb[SHEET_HONOURS].column_dimensions["F"].number_format == "dd/mm/yyyy"
    guide = "\n".join(str(c.value) for row in wb[SHEET_GUIDE].iter_rows() for c in row if c.value)
    assert "Alt+Enter" in guide and "dhtt-docs xlsx import" in guide


def _validation_for(ws, cell: str):
    hits = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(hits) == 1, f"{ws.title}!{cell}: {hits}"
    return hits[0]


def _list_values(wb, formula: str) -> list[str]:
    m = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    ws = wb[m.group(1)]
    return [ws[f"{m.group(2)}{r}"].value for r in range(int(m.group(3)), int(m.group(5)) + 1)]


def test_template_drop_downs_come_from_the_fixed_vocabularies(template):
    wb = openpyxl.load_workbook(template)
    ind, hon, dis, tgt = wb[SHEET_INDIVIDUALS], wb[SHEET_HONOURS], wb[SHEET_DISCIPLINE], wb[SHEET_TARGETS]
    cols = _headers(ind)
    gender = _validation_for(ind, f"{cols['Giới tính']}2")
    assert gender.type == "list" and _list_values(wb, gender.formula1) == ["Nam", "Nữ"]
    for y in range(2021, 2026):
        rating = _validation_for(ind, f"{cols[f'Xếp loại {y}']}100")
        assert _list_values(wb, rating.formula1) == ["hoàn thành xuất sắc nhiệm vụ", "hoàn thành tốt nhiệm vụ",
                                                     "hoàn thành nhiệm vụ", "không hoàn thành nhiệm vụ"]
        assert rating.errorStyle == "stop"
    assert _list_values(wb, _validation_for(ind, f"{cols['Lãnh đạo, quản lý']}2").formula1) == ["Có", "Không"]
    assert _validation_for(ind, f"{cols['Ngày sinh']}2").type == "date"
    award = _validation_for(hon, f"{_headers(hon)['Tên danh hiệu, hình thức khen thưởng']}2")
    assert _list_values(wb, award.formula1) == PROFILE.known_award_names()
    assert award.errorStyle == "warning"             # a name outside the catalogue may still be typed
    assert _list_values(wb, _validation_for(hon, f"{_headers(hon)['Loại']}2").formula1) == [
        "Danh hiệu thi đua", "Hình thức khen thưởng"]
    form = _validation_for(dis, f"{_headers(dis)['Hình thức kỷ luật']}2")
    assert _list_values(wb, form.formula1) == PROFILE.discipline.forms
    assert _list_values(wb, _validation_for(tgt, f"{_headers(tgt)['Đánh giá']}2").formula1) == [
        "Càng cao càng tốt", "Càng thấp càng tốt"]


def test_template_is_the_same_bytes_every_time(tmp_path, template):
    again = tmp_path / "again.xlsx"
    write_template(again, PROFILE)
    assert again.read_bytes() == template.read_bytes()


# --- a test walks the whole day --------------------------------------------------------

def test_a_whole_day_template_fill_import_validate(tmp_path, template):
    folder = tmp_path / "bhxh-quang-tri-2024"
    init_round(folder, 2024)
    _fill_workbook(template)

    written, findings = import_workbook(template, folder)
    assert _errors(findings) == []
    assert findings == []
    assert written == [folder / "candidates" / f"{cid}.yaml"
                       for cid in ("nguyen-thi-thu-trang", "le-van-hung", "phong-quan-ly-thu")]

    fill_submission(folder, {"nguyen-thi-thu-trang": 1, "le-van-hung": 1, "phong-quan-ly-thu": 1})
    report = evaluate(load_round(folder))
    assert [f for f in report.all_findings() if f.severity is Severity.ERROR] == []
    assert not [f for f in report.all_findings() if f.code.startswith("schema")]

    trang = report.round.candidate("nguyen-thi-thu-trang").model
    assert trang.full_name == "Nguyễn Thị Thu Trang" and trang.gender == "Nữ"
    assert trang.birth_date == date(1988, 3, 14) and trang.religion == "Không"
    assert trang.duties == "Giải quyết hồ sơ hưởng chế độ hưu trí.\nTư vấn chính sách."
    assert trang.achievements == ACHIEVEMENTS
    assert trang.activities == ["Giải Ba Hội thi \"Tư vấn viên giỏi\" năm 2023",
                                "Ủy viên Ban Chấp hành Công đoàn cơ sở"]
    assert trang.ratings == {2021: "HTTNV", 2022: "HTXSNV", 2023: "HTXSNV"}
    assert [(h.year, h.title, h.decision.number, h.decision.date) for h in trang.emulation_titles] == [
        (2023, "Chiến sỹ thi đua cơ sở", "15/QĐ-BHXH", date(2024, 1, 10))]
    assert trang.awards == [] and not trang.leader
    assert trang.initiatives[0].recognition.date == date(2022, 11, 18)

    hung = report.round.candidate("le-van-hung").model
    assert hung.full_name == "Lê Văn Hùng" and unicodedata.is_normalized("NFC", hung.full_name)
    assert hung.birth_date == date(1976, 11, 21) and hung.leader and hung.leads == "phong-quan-ly-thu"
    assert hung.awards[0].year == 2022 and hung.awards[0].decision.date == date(2022, 12, 26)

    coll = report.round.candidate("phong-quan-ly-thu").model
    assert coll.head.name == "Lê Văn Hùng" and coll.phone == "0233 3852 614" and coll.staff_count == 18
    assert [(t.plan, t.actual, t.direction) for t in coll.targets] == [(241500, 245312, "at_least"),
                                                                       (1.8, 1.62, "at_most")]
    assert coll.initiatives[0].recognition is None
    assert coll.staff_discipline[0].form == "khiển trách" and coll.staff_discipline[0].person == "Nguyễn Văn Tiến"
    assert all(v.eligible for v in report.verdicts)

    text = (folder / "candidates" / "nguyen-thi-thu-trang.yaml").read_text(encoding="utf-8")
    assert "\\u" not in text and "Nguyễn Thị Thu Trang" in text
    assert "duties: |\n  Giải quyết" in text and "{" not in text            # block style
    assert unicodedata.is_normalized("NFC", text)


def test_import_refuses_to_overwrite_unless_asked(tmp_path, template):
    _fill_workbook(template)
    folder = tmp_path / "round"
    init_round(folder, 2024)
    first, _ = import_workbook(template, folder)
    edited = first[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "# sửa tay\n", encoding="utf-8")

    written, findings = import_workbook(template, folder)
    assert written == []
    refused = [f for f in findings if f.code == "xlsx.exists"]
    assert len(refused) == 3 and all(f.severity is Severity.ERROR for f in refused)
    assert {f.key for f in refused} == {"Cá nhân!B2", "Cá nhân!A4", "Tập thể!B2"}
    assert all(f.file == "ho-so.xlsx" and "--overwrite" in f.text() for f in refused)
    assert edited.read_text(encoding="utf-8").endswith("# sửa tay\n")

    written, findings = import_workbook(template, folder, overwrite=True)
    assert len(written) == 3 and _errors(findings) == []
    assert not edited.read_text(encoding="utf-8").endswith("# sửa tay\n")


# --- bad cells ---------------------------------------------------------------------------


def test_bad_cells_are_findings_naming_sheet_row_and_column(tmp_path, template, lang):
    _one_individual(template, **{"Ngày sinh": "31/02/2024", "Xếp loại 2023": "xuất sắc", "Giới tính": "nam giới",
                                 "Quê quán": None})
    written, findings = import_workbook(template, tmp_path / "round")
    assert written == [] and not (tmp_path / "round" / "candidates").exists()
    by_key = {f.key: f for f in findings}
    cols = _headers(openpyxl.load_workbook(template)[SHEET_INDIVIDUALS])
    date_f = by_key["Cá nhân!D7"]
    assert date_f.severity is Severity.ERROR and date_f.file == "ho-so.xlsx" and date_f.line == 7
    rating = by_key[f"Cá nhân!{cols['Xếp loại 2023']}7"]
    gender = by_key[f"Cá nhân!{cols['Giới tính']}7"]
    missing = by_key[f"Cá nhân!{cols['Quê quán']}7"]
    if lang == "vi":
        assert date_f.text().startswith("Trang 'Cá nhân', dòng 7, cột D (Ngày sinh):")
        assert "31/02/2024" in date_f.text() and "không có thật" in date_f.text()
        assert "xuất sắc" in rating.text() and "hoàn thành xuất sắc nhiệm vụ" in rating.text()
        assert "Nam hoặc Nữ" in gender.text()
        assert "Quê quán" in missing.text() and "bắt buộc" in missing.text()
    else:
        assert date_f.text().startswith(f"Sheet '{SHEET_INDIVIDUALS}', row 7, column D (Ngày sinh): ")
        assert_english(cell_message(date_f.text()), "Date 31/02/2024 does not exist",
                       "month 2 has no day 31", "correct it")
        assert_english(cell_message(rating.text()), "The rating 'xuất sắc' is not in the list",
                       "'hoàn thành xuất sắc nhiệm vụ'", "choose one from the list")
        assert_english(cell_message(gender.text()), "Gender 'nam giới' is not valid", "write Nam (male)",
                       "did you mean 'Nam'")
        assert "(Quê quán)" in missing.text()
        assert_english(cell_message(missing.text()), "Empty: this information is required, fill it in.")
    assert len(_errors(findings)) == 4                 # one per bad cell, no echo from the schema
    assert {f.severity for f in findings} == {Severity.ERROR} and len(findings) == 4


def test_schema_errors_of_child_rows_point_at_their_cells(tmp_path, template):
    _one_individual(template)
    wb = openpyxl.load_workbook(template)
    put(wb[SHEET_INITIATIVES], 5, {"Mã hoặc tên ứng viên": "nguyen-van-an", "Tên sáng kiến, giải pháp": "Giải pháp A",
                                   "Số quyết định công nhận": "45/QĐ-BHXH"})            # no date, no issuer
    put(wb[SHEET_HONOURS], 3, {"Mã hoặc tên ứng viên": "Nguyễn Văn Ann", "Loại": "Hình thức khen thưởng",
                               "Tên danh hiệu, hình thức khen thưởng": "Bằng khen", "Số quyết định": "1/QĐ",
                               "Ngày quyết định": "1/1/2023", "Cơ quan ban hành": "Giám đốc"})
    put(wb[SHEET_DISCIPLINE], 2, {"Mã hoặc tên ứng viên": "nguyen-van-an", "Năm": 2022,
                                  "Hình thức kỷ luật": "phê bình"})
    wb.save(template)
    written, findings = import_workbook(template, tmp_path / "round")
    assert written == []
    keys = {f.key: f for f in _errors(findings)}
    assert set(keys) == {"Sáng kiến!D5", "Sáng kiến!E5", "Khen thưởng!A3", "Kỷ luật!D2"}
    assert "Ngày quyết định" in keys["Sáng kiến!D5"].text() and "ghi đủ số, ngày" in keys["Sáng kiến!D5"].text()
    assert "có phải 'Nguyễn Văn An'" in keys["Khen thưởng!A3"].text()
    assert "phê bình" in keys["Kỷ luật!D2"].text()


def test_an_unknown_award_name_is_a_warning_and_still_imported(tmp_path, template):
    _one_individual(template)
    wb = openpyxl.load_workbook(template)
    put(wb[SHEET_HONOURS], 2, {"Mã hoặc tên ứng viên": "nguyen-van-an", "Loại": "Hình thức khen thưởng",
                               "Tên danh hiệu, hình thức khen thưởng": "Bằng khen của Tổng Giám đốc BHXH VN",
                               "Số quyết định": "1/QĐ", "Ngày quyết định": "1/1/2023", "Cơ quan ban hành": "TGĐ"})
    wb.save(template)
    written, findings = import_workbook(template, tmp_path / "round")
    assert len(written) == 1
    warn = [f for f in findings if f.code == "xlsx.award_unknown"]
    assert warn and warn[0].key == "Khen thưởng!D2" and "Bằng khen của Tổng Giám đốc" in warn[0].text()


def test_duplicate_ids_from_same_names_are_reported(tmp_path, template):
    _one_individual(template)
    wb = openpyxl.load_workbook(template)
    put(wb[SHEET_INDIVIDUALS], 8, {"Họ và tên": "Nguyễn  Văn An", "Giới tính": "Nam", "Ngày sinh": "1/1/1990",
                                   "Quê quán": "x", "Đơn vị công tác": "y", "Chức vụ": "z",
                                   "Quyền hạn, nhiệm vụ được giao": "a", "Thành tích đạt được": "b"})
    wb.save(template)
    written, findings = import_workbook(template, tmp_path / "round")
    assert written == []
    dup = [f for f in findings if f.code == "xlsx.duplicate_id"]
    assert len(dup) == 1 and dup[0].line == 8 and "dòng 7" in dup[0].text() and "nguyen-van-an-2" in dup[0].text()


def test_unknown_sheets_and_columns_are_warnings(tmp_path, template):
    _one_individual(template)
    wb = openpyxl.load_workbook(template)
    wb.create_sheet("Ghi chú")["A1"] = "tự ghi"
    ws = wb[SHEET_INDIVIDUALS]
    ws.cell(1, ws.max_column + 1, "Cột riêng")
    wb.save(template)
    written, findings = import_workbook(template, tmp_path / "round")
    assert len(written) == 1
    warnings = {f.code: f for f in findings if f.severity is Severity.WARNING}
    assert "Ghi chú" in warnings["xlsx.unknown_sheet"].text()
    assert "Cột riêng" in warnings["xlsx.unknown_column"].text()
    assert "xlsx.no_submission" in warnings


def test_a_missing_required_column_is_one_finding(tmp_path, template):
    _one_individual(template)
    wb = openpyxl.load_workbook(template)
    wb[SHEET_INDIVIDUALS].delete_cols(7)             # Quê quán
    wb.save(template)
    written, findings = import_workbook(template, tmp_path / "round")
    assert written == []
    errors = _errors(findings)
    assert len(errors) == 1 and "Quê quán" in errors[0].text() and errors[0].key == SHEET_INDIVIDUALS


@pytest.mark.parametrize("content, words, english_words", [
    (b"full_name: An\n", "không phải bảng tính Excel .xlsx",
     ["The file 'ho-so.xlsx' is not an Excel .xlsx workbook", "dhtt-docs xlsx template"]),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003 (.xls)", []),
    (b"PK\x03\x04garbage", "Không đọc được tệp", []),
])
def test_a_file_that_is_not_xlsx_is_one_clear_finding(tmp_path, content, words, english_words, lang):
    path = tmp_path / "ho-so.xlsx"
    path.write_bytes(content)
    written, findings = import_workbook(path, tmp_path / "round")
    assert written == [] and len(findings) == 1
    assert findings[0].severity is Severity.ERROR
    if lang == "vi":
        assert words in findings[0].text()
    else:
        assert_english(findings[0].text(), *english_words)
    assert findings[0].file == "ho-so.xlsx"


def test_an_ods_file_is_told_to_save_as_xlsx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    path = tmp_path / "ho-so.ods"
    path.write_bytes(buf.getvalue())
    _, findings = import_workbook(path, tmp_path / "round")
    assert len(findings) == 1 and ".ods" in findings[0].text()


def test_a_missing_file_is_a_finding(tmp_path, lang):
    _, findings = import_workbook(tmp_path / "khong-co.xlsx", tmp_path)
    assert len(findings) == 1
    if lang == "vi":
        assert "Không thấy tệp" in findings[0].text()
    else:
        assert_english(findings[0].text(), "not found", "Check the Excel file's name and path")


# --- cell readers ----------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (datetime(2024, 11, 25), date(2024, 11, 25)), (date(2024, 1, 5), date(2024, 1, 5)),
    ("25/11/2024", date(2024, 11, 25)), ("5/1/2024", date(2024, 1, 5)), ("05-01-2024", date(2024, 1, 5)),
    ("2024-11-25", date(2024, 11, 25)), (45621, date(2024, 11, 25)),
])
def test_read_date(value, expected):
    assert read_date(value) == expected


@pytest.mark.parametrize("value, words", [(2023, "mới là năm"), ("2023", "không đúng dạng"),
                                          ("29/02/2023", "không có thật"), ("12/13/2023", "tháng 13"),
                                          (5, "không phải")])
def test_read_date_refuses(value, words):
    with pytest.raises(Exception, match=words):
        read_date(value)


@pytest.mark.parametrize("value, fmt, expected", [
    (362500, "General", 362500), (362500.0, "General", 362500), ("1.234,5", "General", 1234.5),
    ("1,5", "General", 1.5), ("362.500", "General", 362500), ("91,5%", "General", 91.5),
    (0.918, "0.0%", 91.8), ("1234.5", "General", 1234.5), (" 8 236,4 ", "General", 8236.4),
])
def test_read_number(value, fmt, expected):
    got = read_number(value, fmt)
    assert got == expected and type(got) is type(expected)


def test_candidate_yaml_is_block_style_unicode():
    text = candidate_yaml({"kind": "individual", "full_name": "Đặng Thị Hà", "duties": "Dòng 1\nDòng 2",
                           "ratings": {2023: "hoàn thành xuất sắc nhiệm vụ"}, "phone": "0233",
                           "awards": [{"year": 2022, "decision": {"date": date(2022, 12, 28)}}]})
    assert text == ("kind: individual\nfull_name: Đặng Thị Hà\nduties: |\n  Dòng 1\n  Dòng 2\n"
                    "ratings:\n  2023: hoàn thành xuất sắc nhiệm vụ\nphone: '0233'\n"
                    "awards:\n  - year: 2022\n    decision:\n      date: 2022-12-28\n")


# --- the Danh sách ----------------------------------------------------------------------


def test_danh_sach_xlsx_lists_the_proposed_and_is_byte_identical(tmp_path):
    report = evaluate(load_round(SAMPLE_ROUND))
    a, b = tmp_path / "a.xlsx", tmp_path / "b" / "danh-sach.xlsx"
    b.parent.mkdir()
    write_danh_sach_xlsx(report, a)
    write_danh_sach_xlsx(report, b)
    assert a.read_bytes() == b.read_bytes()

    with zipfile.ZipFile(a) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        core = z.read("docProps/core.xml").decode()
    assert "2024-11-25T00:00:00Z" in core and "Bảo hiểm xã hội tỉnh Thanh Hóa" in core

    ws = openpyxl.load_workbook(a).active
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    texts = [r[0] for r in rows]
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ CÔNG NHẬN ĐIỂN HÌNH TIÊN TIẾN GIAI ĐOẠN 2021 - 2025" in texts
    assert any(str(t).startswith("(Kèm theo Tờ trình số 125/TTr-BHXH") for t in texts)
    header = next(r for r in rows if r[0] == "STT")
    assert header[1].startswith("Tên tập thể") and "Tỷ lệ" in header[5]
    assert texts.index("I. TẬP THỂ") < texts.index("II. CÁ NHÂN")
    people = [r for r in rows if isinstance(r[0], int)]
    assert [r[1] for r in people] == ["Phòng Quản lý thu", "Bảo hiểm xã hội huyện Hoằng Hóa",   # council.votes order
                                      "Nguyễn Thị Thu Trang", "Trần Quốc Đạt", "Lê Văn Hùng", "Bùi Thị Lan Anh"]
    hung = next(r for r in people if r[1] == "Lê Văn Hùng")
    assert hung[2] == "Trưởng phòng, Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa"
    assert hung[3].startswith("- 03 năm liên tục hoàn thành xuất sắc nhiệm vụ")
    assert hung[4] == 8 and hung[5] == pytest.approx(8 / 9)
    verdict = report.verdict("le-van-hung")
    assert hung[3].split("\n") == [f"- {b[:1].upper()}{b[1:]}" for b in verdict.basis]


def test_danh_sach_xlsx_every_candidate_row_is_formatted_alike(tmp_path):
    """The first row's styles are set, the others copied: each reads back with the same formatting."""
    write_danh_sach_xlsx(evaluate(load_round(SAMPLE_ROUND)), tmp_path / "d.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "d.xlsx").active
    rows = [r for r in ws.iter_rows() if isinstance(r[0].value, int)]
    assert len(rows) == 6
    for row in rows:
        for c, cell in enumerate(row[:6], 1):
            assert (cell.font.name, cell.font.sz, cell.font.b) == ("Times New Roman", 12, False), cell.coordinate
            assert all(getattr(cell.border, side).style == "thin" for side in ("left", "right", "top", "bottom"))
            assert cell.alignment.wrap_text
            assert cell.alignment.horizontal == ("center" if c in (1, 5, 6) else None), cell.coordinate
            assert cell.alignment.vertical == ("center" if c in (1, 5, 6) else "top"), cell.coordinate
        assert row[5].number_format == "0.0%" and row[4].number_format == "General"


def test_danh_sach_xlsx_draft_is_marked(tmp_path):
    report = evaluate(load_round(SAMPLE_ROUND))
    write_danh_sach_xlsx(report, tmp_path / "d.xlsx", draft=True)
    first = next(openpyxl.load_workbook(tmp_path / "d.xlsx").active.iter_rows(values_only=True))
    assert first[0].startswith("DỰ THẢO")


def test_danh_sach_xlsx_changes_with_the_input(tmp_path, round_dir):
    report = round_dir.report()
    write_danh_sach_xlsx(report, tmp_path / "a.xlsx")
    round_dir.set_votes(an=3, phong_thu=4)
    write_danh_sach_xlsx(round_dir.report(), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() != (tmp_path / "b.xlsx").read_bytes()
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx").active
    votes = [r[4] for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert votes == [4, 3]


# --------------------------------------------------------------------------- messages in English (--lang en)


_WHERE = re.compile(r"^Sheet '[^']*', row \d+, column [A-Z]+ \([^)]*\): ")


def cell_message(message: str) -> str:
    """The message after its 'Sheet ..., row N, column X (header): ' prefix (the prefix must be English)."""
    match = _WHERE.match(message)
    assert match, message
    return message[match.end():]


def test_a_year_for_a_date_and_a_near_miss_rating(english, tmp_path: Path, template: Path) -> None:
    _one_individual(template, **{"Ngày sinh": 1980, "Xếp loại 2023": "hoàn thành tốt nhiệm vu"})
    _, findings = import_workbook(template, tmp_path / "round")
    cols = _headers(openpyxl.load_workbook(template)[SHEET_INDIVIDUALS])
    by_key = {f.key: f for f in findings}
    assert_english(cell_message(by_key[f"{SHEET_INDIVIDUALS}!D7"].text()), "'1980' is only a year",
                   "write the full day/month/year, for example 25/11/1980")
    rating = cell_message(by_key[f"{SHEET_INDIVIDUALS}!{cols['Xếp loại 2023']}7"].text())
    assert_english(rating, "The rating 'hoàn thành tốt nhiệm vu' is not in the list",
                   "did you mean 'hoàn thành tốt nhiệm vụ'?")
