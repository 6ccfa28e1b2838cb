"""The workbook to fill in: sheets with Vietnamese headers, drop-downs, instructions.

One row per candidate on "Cá nhân" and "Tập thể", one row per item on
"Khen thưởng", "Sáng kiến", "Chỉ tiêu" and "Kỷ luật" (first column: the
candidate's Mã or name). "Hướng dẫn" says how to fill it; the hidden
"Danh mục" feeds the drop-down lists (ratings, discipline forms, award names
from the plan profile, Nam/Nữ, Có/Không). The columns are `layout.sheet_columns`.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dhtt_docs.excel.layout import (
    SHEET_COLLECTIVES,
    SHEET_GUIDE,
    SHEET_INDIVIDUALS,
    SHEET_LISTS,
    SHEET_NOTES,
    Column,
    drop_down_lists,
    sheet_columns,
)
from dhtt_docs.excel.sheetstyle import (
    BORDER,
    HEADER_ALIGN,
    HEADER_FONT,
    OPTIONAL_FILL,
    REQUIRED_FILL,
    WRAP_TOP,
    row_height,
    save,
)
from dhtt_docs.rules.profile import Profile, load_profile

TEMPLATE_ROWS = 300            # rows given formats and drop-downs in the template
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"


def _header_text(col: Column) -> str:
    return col.header + (" *" if col.required else "")


def _validation(col: Column, ref: str) -> DataValidation:
    """The drop-down (or date/year check) of a column, or None."""
    if col.kind == "award":
        # Names outside the catalogue are allowed (they are a warning, not an error).
        return DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning",
                              showErrorMessage=True, errorTitle="Tên không có trong danh mục",
                              error="Tên này không có trong danh mục của kế hoạch nên không được tính vào tiêu "
                                    "chuẩn. Vẫn giữ nếu đúng tên trên quyết định (ví dụ Huân chương Lao động "
                                    "hạng Ba)?",
                              showInputMessage=True, promptTitle=col.header[:32], prompt=col.hint[:255])
    return DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="stop",
                          showErrorMessage=True, errorTitle="Giá trị không có trong danh sách",
                          error="Hãy chọn một giá trị trong danh sách (bấm vào mũi tên bên phải ô).",
                          showInputMessage=True, promptTitle=col.header[:32], prompt=col.hint[:255])


def _date_validation() -> DataValidation:
    return DataValidation(type="date", operator="between", formula1="14611", formula2="73415",   # 1940..2100
                          allow_blank=True, errorStyle="stop", showErrorMessage=True,
                          errorTitle="Ngày không hợp lệ",
                          error="Ghi ngày dạng ngày/tháng/năm, ví dụ 25/11/2024.")


def _year_validation() -> DataValidation:
    return DataValidation(type="whole", operator="between", formula1="1945", formula2="2100", allow_blank=True,
                          errorStyle="stop", showErrorMessage=True, errorTitle="Năm không hợp lệ",
                          error="Ghi năm có 4 chữ số, ví dụ 2023.")


def write_template(path: Path, profile: Profile | None = None) -> None:
    """Write the workbook to fill in (sheets, Vietnamese headers, drop-downs, instructions)."""
    profile = profile or load_profile()
    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    lists_ws = wb.create_sheet(SHEET_LISTS)
    refs: dict[str, str] = {}
    for i, (kind, (title, values)) in enumerate(drop_down_lists(profile).items(), 1):
        letter = get_column_letter(i)
        lists_ws.cell(1, i, title).font = HEADER_FONT
        for r, v in enumerate(values, 2):
            lists_ws.cell(r, i, v)
        lists_ws.column_dimensions[letter].width = max(14, min(60, max(len(v) for v in values) + 2))
        refs[kind] = f"'{SHEET_LISTS}'!${letter}$2:${letter}${len(values) + 1}"

    layout = sheet_columns(profile)
    for sheet, cols in layout.items():
        ws = wb.create_sheet(sheet)
        last = TEMPLATE_ROWS + 1
        for c, col in enumerate(cols, 1):
            letter = get_column_letter(c)
            cell = ws.cell(1, c, _header_text(col))
            cell.font = HEADER_FONT
            cell.alignment = HEADER_ALIGN
            cell.border = BORDER
            cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
            note = col.hint + (f". Ví dụ: {col.example}" if col.example else "")
            cell.comment = Comment(("Bắt buộc. " if col.required else "") + note, "dhtt-docs",
                                   width=260, height=110)
            # Column styles (not cell styles): new cells typed in Excel/LibreOffice take them, and the
            # sheet stays empty below the header (so ws.append and the import see no blank rows).
            dim = ws.column_dimensions[letter]
            dim.width = col.width
            if col.kind == "date":
                dim.number_format = DATE_FORMAT
            elif col.kind in ("id", "ref", "text", "award") or col.field.endswith("number"):
                dim.number_format = TEXT_FORMAT    # keeps "0237..." and "12/QĐ-BHXH" as typed
            if col.kind in ("long", "lines"):
                dim.alignment = WRAP_TOP
            dv = None
            if col.kind in refs:
                dv = _validation(col, refs[col.kind])
            elif col.kind == "date":
                dv = _date_validation()
            elif col.kind == "year":
                dv = _year_validation()
            elif col.kind == "int":
                dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100000",
                                    allow_blank=True, errorStyle="stop", showErrorMessage=True,
                                    errorTitle="Cần một số nguyên", error="Ghi một số nguyên, ví dụ 24.")
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{last}")
        ws.row_dimensions[1].height = 45
        ws.freeze_panes = "C2" if sheet in (SHEET_INDIVIDUALS, SHEET_COLLECTIVES) else "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}1"
    wb.move_sheet(lists_ws, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(SHEET_LISTS))
    lists_ws.sheet_state = "hidden"
    _write_guide(guide, layout, profile)
    wb.active = 0
    save(wb, path, title="Mẫu nhập hồ sơ điển hình tiên tiến", author="dhtt-docs", when=profile.document.date,
         subject=profile.id)


def _write_guide(ws, layout: dict[str, list[Column]], profile: Profile) -> None:
    ws["A1"] = "HƯỚNG DẪN ĐIỀN MẪU HỒ SƠ ĐIỂN HÌNH TIÊN TIẾN"
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        f"Mẫu dùng cho {profile.title} ({profile.id}).",
        "1. Trang \"Cá nhân\": mỗi cá nhân một dòng. Trang \"Tập thể\": mỗi tập thể một dòng.",
        "2. Các trang \"Khen thưởng\", \"Sáng kiến\", \"Chỉ tiêu\", \"Kỷ luật\": mỗi mục một dòng; cột đầu tiên ghi "
        "mã hồ sơ hoặc họ tên cá nhân, tên tập thể đúng như ở trang \"Cá nhân\"/\"Tập thể\".",
        "3. Cột tô màu cam, có dấu * là bắt buộc; cột màu xanh không bắt buộc. Di chuột vào tiêu đề cột để xem "
        "cách ghi và ví dụ.",
        "4. Ngày ghi dạng ngày/tháng/năm, ví dụ 25/11/2024. Sau khi gõ, xem lại ngày hiển thị đúng chưa "
        "(máy cài tiếng Anh có thể hiểu 12/05 là ngày 05 tháng 12).",
        "5. Ô có mũi tên: chọn trong danh sách. Xếp loại, hình thức kỷ luật phải đúng danh sách; tên khen thưởng "
        "ngoài danh sách vẫn ghi được (ghi đúng tên trên quyết định) nhưng không được tính vào tiêu chuẩn.",
        "6. Xuống dòng trong một ô: bấm Alt+Enter. Dòng bắt đầu bằng \"- \" được in thành gạch đầu dòng.",
        "7. Cột \"Mã\" để trống thì mã được đặt theo tên (Nguyễn Văn An → nguyen-van-an). Hai người trùng tên: "
        "ghi mã khác nhau, ví dụ nguyen-van-an-2.",
        "8. Lưu tệp dạng .xlsx, rồi nhập vào thư mục đợt xét: dhtt-docs xlsx import <tệp.xlsx> <thư mục>. "
        "Chương trình báo lỗi theo trang, dòng, cột; sửa rồi nhập lại. Tệp hồ sơ đã có chỉ bị thay khi thêm "
        "--overwrite.",
        "9. Số phiếu bầu và thông tin cuộc họp Hội đồng ghi trong tệp submission.yaml của thư mục đợt xét.",
    ]
    widths = (14, 34, 10, 70, 44)
    for i, text in enumerate(lines, 3):
        ws.cell(i, 1, text).alignment = WRAP_TOP
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(widths))
        ws.row_dimensions[i].height = row_height([text], (sum(widths) * 0.9,))
    row = len(lines) + 4
    headers = ["Trang", "Cột", "Bắt buộc", "Cách ghi", "Ví dụ"]
    for c, h in enumerate(headers, 1):
        cell = ws.cell(row, c, h)
        cell.font = HEADER_FONT
        cell.fill = OPTIONAL_FILL
        cell.border = BORDER
    for sheet, cols in layout.items():
        row += 1
        ws.cell(row, 1, sheet).font = HEADER_FONT
        ws.cell(row, 2, SHEET_NOTES[sheet])
        for col in cols:
            row += 1
            values = [sheet, col.header, "Có" if col.required else "", col.hint, col.example]
            for c, v in enumerate(values, 1):
                cell = ws.cell(row, c, v)
                cell.alignment = WRAP_TOP
                cell.border = BORDER
            ws.row_dimensions[row].height = row_height(values, widths)
    for letter, width in zip("ABCDE", widths):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
