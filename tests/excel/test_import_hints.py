"""What the import tells a secretary who made the mistakes real people make (issue 14, item 6)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_docs.cli import cli
from dhtt_docs.dossier.scaffold import init_round
from dhtt_docs.excel.importer import import_workbook
from dhtt_docs.excel.layout import SHEET_DISCIPLINE, SHEET_HONOURS, SHEET_INDIVIDUALS
from dhtt_docs.excel.template import write_template
from dhtt_docs.findings import Severity
from dhtt_docs.rules.profile import load_profile

PERSON = {"Họ và tên": "Nguyễn Văn An", "Giới tính": "Nam", "Ngày sinh": "12/05/1980",
          "Quê quán": "xã Gio Linh, tỉnh Quảng Trị", "Đơn vị công tác": "Phòng Quản lý thu",
          "Chức vụ": "Trưởng phòng", "Quyền hạn, nhiệm vụ được giao": "Phụ trách công tác thu.",
          "Thành tích đạt được": "Hoàn thành xuất sắc nhiệm vụ."}


def _put(ws, row: int, values: dict) -> None:
    cols = {str(c.value).rstrip(" *"): c.column_letter for c in ws[1] if c.value}
    for header, value in values.items():
        ws[f"{cols[header]}{row}"] = value


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "ho-so.xlsx"
    write_template(path, load_profile())
    return path


def _fill(path: Path, rows: dict[str, dict[int, dict]]) -> None:
    wb = openpyxl.load_workbook(path)
    for sheet, by_row in rows.items():
        for r, values in by_row.items():
            _put(wb[sheet], r, values)
    wb.save(path)


def _errors(findings):
    return [f for f in findings if f.severity is Severity.ERROR]


def test_one_person_on_two_rows_is_an_error_that_says_so(tmp_path, book):
    _fill(book, {SHEET_INDIVIDUALS: {2: PERSON, 3: dict(PERSON, **{"Họ và tên": "NGUYỄN VĂN AN"}),
                                     4: dict(PERSON, **{"Ngày sinh": "13/05/1980"})}})
    written, findings = import_workbook(book, tmp_path / "round")
    dup, other = _errors(findings)
    assert (other.code, other.line) == ("xlsx.duplicate_id", 4)      # same name, another birth date
    assert written == [] and dup.code == "xlsx.duplicate_person" and dup.line == 3
    assert "cùng họ tên, ngày sinh và đơn vị công tác" in dup.text("vi") and "dòng 2" in dup.text("vi")
    assert "Mã khác" not in dup.text("vi") and "same name, birth date and unit" in dup.text("en")


def test_two_people_with_one_name_are_still_told_to_use_another_id(tmp_path, book):
    _fill(book, {SHEET_INDIVIDUALS: {2: PERSON, 3: dict(PERSON, **{"Ngày sinh": "13/05/1980"})}})
    (dup,) = _errors(import_workbook(book, tmp_path / "round")[1])
    assert dup.code == "xlsx.duplicate_id" and "nguyen-van-an-2" in dup.text("vi")


@pytest.mark.parametrize("typed, hint", [("HTXS", "hoàn thành xuất sắc nhiệm vụ"), ("HTT", "hoàn thành tốt nhiệm vụ"),
                                         ("hoàn thành xuât sắc", "hoàn thành xuất sắc nhiệm vụ")])
def test_a_mistyped_rating_gets_did_you_mean_even_for_short_codes(tmp_path, book, typed, hint):
    _fill(book, {SHEET_INDIVIDUALS: {2: dict(PERSON, **{"Xếp loại 2023": typed})}})
    (err,) = _errors(import_workbook(book, tmp_path / "round")[1])
    assert f"có phải '{hint}'?" in err.text("vi") and f"did you mean '{hint}'?" in err.text("en")


def test_closed_lists_get_did_you_mean(tmp_path, book):
    _fill(book, {SHEET_INDIVIDUALS: {2: dict(PERSON, **{"Giới tính": "Nư"})},
                 SHEET_HONOURS: {2: {"Mã hoặc tên ứng viên": "nguyen-van-an", "Loại": "Danh hieu thi dua",
                                     "Tên danh hiệu, hình thức khen thưởng": "Chiến sĩ thi đua cơ sở",
                                     "Số quyết định": "1/QĐ", "Ngày quyết định": "01/02/2023",
                                     "Cơ quan ban hành": "Giám đốc"}},
                 SHEET_DISCIPLINE: {2: {"Mã hoặc tên ứng viên": "nguyen-van-an", "Năm": 2023,
                                        "Hình thức kỷ luật": "khien trach"}}})
    by_key = {f.key: f.text("vi") for f in _errors(import_workbook(book, tmp_path / "round")[1])}
    assert "có phải 'Nữ'?" in by_key["Cá nhân!C2"]
    assert "có phải 'Danh hiệu thi đua'?" in by_key["Khen thưởng!B2"]
    assert "có phải 'khiển trách'?" in by_key["Kỷ luật!D2"]


def test_a_date_after_the_round_is_caught(tmp_path, book):
    folder = tmp_path / "round"
    init_round(folder, 2024)          # no Tờ trình date yet: the round's year is the limit
    _fill(book, {SHEET_INDIVIDUALS: {2: PERSON},
                 SHEET_HONOURS: {2: {"Mã hoặc tên ứng viên": "nguyen-van-an", "Loại": "Danh hiệu thi đua",
                                     "Tên danh hiệu, hình thức khen thưởng": "Chiến sĩ thi đua cơ sở",
                                     "Số quyết định": "1/QĐ-BHXH", "Ngày quyết định": "10/01/2052",
                                     "Cơ quan ban hành": "Giám đốc"},
                                 3: {"Mã hoặc tên ứng viên": "nguyen-van-an", "Loại": "Danh hiệu thi đua",
                                     "Năm": 2025, "Tên danh hiệu, hình thức khen thưởng": "Chiến sĩ thi đua cơ sở",
                                     "Số quyết định": "2/QĐ-BHXH", "Ngày quyết định": "31/12/2024",
                                     "Cơ quan ban hành": "Giám đốc"}}})
    written, findings = import_workbook(book, folder)
    errors = {f.key: f for f in _errors(findings)}
    assert written == [] and set(errors) == {"Khen thưởng!F2", "Khen thưởng!C3"}
    assert all(f.code == "xlsx.future_date" for f in errors.values())
    assert "'10/01/2052' sau ngày 31/12/2024 của đợt xét" in errors["Khen thưởng!F2"].text("vi")


def test_the_tờ_trình_date_is_the_limit_when_it_is_filled_in(tmp_path, book):
    folder = tmp_path / "round"
    init_round(folder, 2024)
    sub = folder / "submission.yaml"
    sub.write_text(sub.read_text(encoding="utf-8").replace("  date:  ", "  date: 2024-11-25", 1), encoding="utf-8")
    _fill(book, {SHEET_INDIVIDUALS: {2: dict(PERSON, **{"Ngày sinh": "26/11/2024"})}})
    (err,) = _errors(import_workbook(book, folder)[1])
    assert err.key == "Cá nhân!D2" and "25/11/2024" in err.text("vi")


def test_without_a_round_the_workbooks_own_years_are_the_limit(tmp_path, book):
    _fill(book, {SHEET_INDIVIDUALS: {2: dict(PERSON, **{"Ngày sinh": "02/01/2026"})}})
    (err,) = _errors(import_workbook(book, tmp_path / "round")[1])
    assert err.code == "xlsx.future_date" and "31/12/2025" in err.text("vi")   # the last rating column: 2025


def test_importing_again_without_overwrite_says_to_add_it_not_to_fix_cells(tmp_path, book):
    folder = tmp_path / "round"
    init_round(folder, 2024)
    _fill(book, {SHEET_INDIVIDUALS: {2: PERSON}})
    runner = CliRunner()
    assert runner.invoke(cli, ["xlsx", "import", str(book), str(folder)]).exit_code == 0
    again = runner.invoke(cli, ["xlsx", "import", str(book), str(folder)])
    assert again.exit_code == 1
    assert "--overwrite" in again.output and "sửa các ô báo LỖI" not in again.output
    assert runner.invoke(cli, ["xlsx", "import", str(book), str(folder), "--overwrite"]).exit_code == 0


def test_a_rating_column_added_for_a_year_outside_the_plan_is_read(tmp_path, book):
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET_INDIVIDUALS]
    extra = ws.cell(1, ws.max_column + 1, "Xếp loại năm 2020").column_letter
    wb.save(book)
    _fill(book, {SHEET_INDIVIDUALS: {2: dict(PERSON, **{"Xếp loại 2021": "HTXSNV"})}})
    wb = openpyxl.load_workbook(book)
    wb[SHEET_INDIVIDUALS][f"{extra}2"] = "hoàn thành tốt nhiệm vụ"
    wb.save(book)
    written, findings = import_workbook(book, tmp_path / "round")
    assert _errors(findings) == [] and not [f for f in findings if f.code == "xlsx.unknown_column"]
    text = written[0].read_text(encoding="utf-8")
    assert "  2020: hoàn thành tốt nhiệm vụ\n  2021: hoàn thành xuất sắc nhiệm vụ\n" in text
