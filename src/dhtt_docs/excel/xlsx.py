"""Excel in and out: a workbook to fill in, its import into candidate files, the Danh sách as .xlsx.

The workbook (`write_template`) has one row per candidate on "Cá nhân" and
"Tập thể", and one row per item on "Khen thưởng", "Sáng kiến", "Chỉ tiêu"
and "Kỷ luật" (first column: the candidate's Mã or name). "Hướng dẫn" says
how to fill it; the hidden "Danh mục" feeds the drop-down lists (ratings,
discipline forms, award names from the plan profile, Nam/Nữ, Có/Không).
`COLUMNS` below is the single description of the layout that both the
template and the import use; the import finds columns by their header, so
columns may be moved or hidden.

`import_workbook` turns the rows into ``candidates/<id>.yaml`` files written
to the input contract (spec/dossier-format.md). Each file's text is parsed
back and validated with the project's schema before anything is written;
every problem is a finding whose file is the workbook's name, key is
``"<sheet>!<column letter><row>"`` and line the row. It is all or nothing:
when any error is found (a bad cell, a file that exists without
``overwrite``), no file is written.

`write_danh_sach_xlsx` writes the Danh sách (the candidates proposed:
eligible and approved) as a workbook that is byte-identical for the same
input (core properties from the Tờ trình's date, zip normalised).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from dhtt_docs.documents import danh_sach as danh_sach_layout
from dhtt_docs.documents.docxfix import normalize_docx
from dhtt_docs.vnformat import parse_number
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.fsutil import atomic_write
from dhtt_docs.i18n import tr
from dhtt_docs.dossier.loader import CANDIDATES_DIR, ID_RX, SUBMISSION_FILE
from dhtt_docs.rules.profile import Profile, load_profile
from dhtt_docs.dossier.scaffold import slugify
from dhtt_docs.dossier.schema import Collective, Individual
from dhtt_docs.vocab import RATINGS, closest, match_gender, match_rating, norm
from dhtt_docs.dossier.yamlsource import clean_text, parse_yaml_text

# --- the layout -----------------------------------------------------------------

SHEET_GUIDE = "Hướng dẫn"
SHEET_INDIVIDUALS = "Cá nhân"
SHEET_COLLECTIVES = "Tập thể"
SHEET_HONOURS = "Khen thưởng"
SHEET_INITIATIVES = "Sáng kiến"
SHEET_TARGETS = "Chỉ tiêu"
SHEET_DISCIPLINE = "Kỷ luật"
SHEET_LISTS = "Danh mục"

TEMPLATE_ROWS = 300            # rows given formats and drop-downs in the template
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"

HONOUR_KINDS = {"emulation_titles": "Danh hiệu thi đua", "awards": "Hình thức khen thưởng"}
DIRECTIONS = {"at_least": "Càng cao càng tốt", "at_most": "Càng thấp càng tốt"}
FLAGS = ["Có", "Không"]
GENDERS = ["Nam", "Nữ"]


@dataclass(frozen=True)
class Column:
    field: str          # where the value goes (see _build_*)
    header: str         # the Vietnamese header printed in row 1 ('*' added when required)
    kind: str           # how the cell is read: id, ref, text, long, lines, date, year, int, number, flag,
                        # gender, rating, honour_kind, award, discipline, direction
    required: bool = False
    width: float = 18
    hint: str = ""      # what to write (header comment and the Hướng dẫn sheet)
    example: str = ""
    aliases: tuple[str, ...] = ()


_REF_HINT = ("Mã hồ sơ (cột Mã ở trang Cá nhân/Tập thể) hoặc họ tên cá nhân, tên tập thể, "
             "ghi đúng như ở trang đó")

INDIVIDUAL_COLUMNS = [
    Column("id", "Mã", "id", width=20, hint="Mã hồ sơ, là tên tệp: chữ thường không dấu, số, dấu '-'. "
           "Để trống thì tự đặt theo họ tên", example="nguyen-van-an", aliases=("mã hồ sơ", "id")),
    Column("full_name", "Họ và tên", "text", True, 24, "Họ và tên đầy đủ", "Nguyễn Văn An", ("họ tên",)),
    Column("gender", "Giới tính", "gender", True, 10, "Chọn Nam hoặc Nữ", "Nam"),
    Column("birth_date", "Ngày sinh", "date", True, 13, "Ngày/tháng/năm", "12/05/1980"),
    Column("ethnicity", "Dân tộc", "text", False, 10, "Không bắt buộc", "Kinh"),
    Column("religion", "Tôn giáo", "text", False, 10, "Không bắt buộc", "Không"),
    Column("hometown", "Quê quán", "text", True, 30, "Xã/phường, huyện, tỉnh",
           "xã Quảng Tâm, thành phố Thanh Hóa, tỉnh Thanh Hóa"),
    Column("residence", "Trú quán", "text", False, 30, "Nơi ở hiện nay; không bắt buộc",
           "phường Đông Vệ, thành phố Thanh Hóa, tỉnh Thanh Hóa", ("nơi ở hiện nay",)),
    Column("unit", "Đơn vị công tác", "text", True, 30, "Phòng/đơn vị và cơ quan",
           "Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa"),
    Column("position", "Chức vụ", "text", True, 16, "Chức vụ; không giữ chức vụ thì ghi Chuyên viên...",
           "Trưởng phòng"),
    Column("leader", "Lãnh đạo, quản lý", "flag", False, 11,
           "Chọn Có nếu giữ chức vụ lãnh đạo, quản lý; để trống là Không", "Có"),
    Column("leads", "Tập thể đứng đầu", "ref", False, 20,
           "Tập thể do người này đứng đầu, nếu cũng được đề nghị (mã hoặc tên ở trang Tập thể); không bắt buộc",
           "phong-quan-ly-thu"),
    Column("political_theory", "Lý luận chính trị", "text", False, 12, "Trình độ lý luận chính trị; không bắt buộc",
           "Cao cấp"),
    Column("education", "Trình độ chuyên môn", "text", False, 22, "Trình độ chuyên môn, nghiệp vụ; không bắt buộc",
           "Thạc sĩ Quản lý kinh tế"),
    Column("duties", "Quyền hạn, nhiệm vụ được giao", "long", True, 40,
           "Viết thành đoạn văn; xuống dòng trong ô: Alt+Enter",
           "Phụ trách công tác thu bảo hiểm xã hội, bảo hiểm y tế."),
    Column("achievements", "Thành tích đạt được", "long", True, 50,
           "Viết thành đoạn văn; dòng bắt đầu bằng '- ' in thành gạch đầu dòng; xuống dòng trong ô: Alt+Enter",
           "Năm 2023, phòng thu vượt 3,2% kế hoạch."),
    Column("activities", "Hoạt động đoàn thể, phong trào", "lines", False, 40,
           "Hoạt động đoàn thể, giải thưởng cuộc thi, văn nghệ, thể thao; mỗi mục một dòng trong ô (Alt+Enter)",
           "Giải Nhì Hội thi \"Cán bộ thu giỏi\" năm 2022"),
]

COLLECTIVE_COLUMNS = [
    Column("id", "Mã", "id", width=22, hint="Mã hồ sơ, là tên tệp: chữ thường không dấu, số, dấu '-'. "
           "Để trống thì tự đặt theo tên tập thể", example="phong-quan-ly-thu", aliases=("mã hồ sơ", "id")),
    Column("name", "Tên tập thể", "text", True, 28, "Tên đầy đủ, không viết tắt", "Phòng Quản lý thu"),
    Column("parent", "Cơ quan cấp trên trực tiếp", "text", True, 28, "Cơ quan cấp trên trực tiếp",
           "Bảo hiểm xã hội tỉnh Thanh Hóa"),
    Column("head.name", "Họ tên người đứng đầu", "text", True, 22, "Họ và tên thủ trưởng tập thể", "Nguyễn Văn An"),
    Column("head.title", "Chức vụ người đứng đầu", "text", True, 16, "Chức vụ thủ trưởng tập thể", "Trưởng phòng"),
    Column("address", "Địa chỉ", "text", False, 28, "Địa chỉ trụ sở; không bắt buộc",
           "01 Lê Lợi, phường Điện Biên, thành phố Thanh Hóa"),
    Column("phone", "Điện thoại", "text", False, 14, "Không bắt buộc", "0237 3852 000"),
    Column("staff_count", "Số cán bộ", "int", False, 10,
           "Số cán bộ, công chức, viên chức, người lao động; không bắt buộc", "24"),
    Column("situation", "Đặc điểm, tình hình", "long", True, 40, "Viết thành đoạn văn; xuống dòng trong ô: Alt+Enter",
           "Phòng có 24 công chức, viên chức."),
    Column("functions", "Chức năng, nhiệm vụ", "long", True, 40, "Viết thành đoạn văn",
           "Tham mưu, giúp Giám đốc tổ chức thực hiện công tác thu."),
    Column("achievements", "Thành tích đạt được", "long", True, 50,
           "Viết thành đoạn văn; dòng bắt đầu bằng '- ' in thành gạch đầu dòng", "Hoàn thành vượt mức kế hoạch."),
    Column("party_work", "Công tác Đảng, đoàn thể", "long", False, 40, "Không bắt buộc",
           "Chi bộ được xếp loại hoàn thành xuất sắc nhiệm vụ."),
]

HONOUR_COLUMNS = [
    Column("ref", "Mã hoặc tên ứng viên", "ref", True, 24, _REF_HINT, "nguyen-van-an",
           ("mã ứng viên", "ứng viên", "mã")),
    Column("list", "Loại", "honour_kind", True, 22, "Chọn: Danh hiệu thi đua hoặc Hình thức khen thưởng",
           "Hình thức khen thưởng"),
    Column("year", "Năm", "year", False, 8, "Năm được tặng/khen thưởng", "2022"),
    Column("title", "Tên danh hiệu, hình thức khen thưởng", "award", True, 42,
           "Chọn trong danh sách hoặc ghi đúng tên trên quyết định (Huân chương: ghi cả loại, hạng)",
           "Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam", ("tên",)),
    Column("decision.number", "Số quyết định", "text", True, 16, "Số, ký hiệu như trên quyết định",
           "1234/QĐ-BHXH"),
    Column("decision.date", "Ngày quyết định", "date", True, 13, "Ngày/tháng/năm", "28/12/2022"),
    Column("decision.issuer", "Cơ quan ban hành", "text", True, 34, "Người/cơ quan ký quyết định",
           "Tổng Giám đốc Bảo hiểm xã hội Việt Nam", ("người ban hành", "cấp ban hành")),
    Column("attachment", "Tệp đính kèm", "text", False, 28,
           "Bản quét quyết định trong thư mục attachments/; không bắt buộc", "attachments/qd-1234-2022.pdf"),
]

INITIATIVE_COLUMNS = [
    Column("ref", "Mã hoặc tên ứng viên", "ref", True, 24, _REF_HINT, "nguyen-van-an",
           ("mã ứng viên", "ứng viên", "mã")),
    Column("title", "Tên sáng kiến, giải pháp", "text", True, 50, "Tên sáng kiến, giải pháp, mô hình",
           "Giải pháp đối soát dữ liệu thu với cơ quan thuế", ("tên",)),
    Column("recognition.number", "Số quyết định công nhận", "text", False, 16, "Số, ký hiệu quyết định công nhận",
           "45/QĐ-BHXH", ("số quyết định",)),
    Column("recognition.date", "Ngày quyết định", "date", False, 13, "Ngày/tháng/năm", "10/03/2023"),
    Column("recognition.issuer", "Cơ quan công nhận", "text", False, 34, "Người/cơ quan ký quyết định công nhận",
           "Giám đốc Bảo hiểm xã hội tỉnh Thanh Hóa", ("cơ quan ban hành",)),
]

TARGET_COLUMNS = [
    Column("ref", "Mã hoặc tên tập thể", "ref", True, 24, _REF_HINT, "phong-quan-ly-thu",
           ("mã tập thể", "tập thể", "mã")),
    Column("year", "Năm", "year", True, 8, "Năm của chỉ tiêu", "2023"),
    Column("name", "Tên chỉ tiêu", "text", True, 44, "Chỉ tiêu được giao",
           "Số người tham gia bảo hiểm xã hội bắt buộc", ("chỉ tiêu",)),
    Column("unit", "Đơn vị tính", "text", False, 12, "Người, tỷ đồng, %...; không bắt buộc", "người"),
    Column("plan", "Kế hoạch", "number", True, 14, "Số được giao (ghi số, ví dụ 350000 hoặc 1,5)", "350000"),
    Column("actual", "Thực hiện", "number", True, 14, "Số thực hiện", "362500"),
    Column("direction", "Đánh giá", "direction", False, 20,
           "Càng cao càng tốt (mặc định) hoặc Càng thấp càng tốt (tỷ lệ nợ...)", "Càng cao càng tốt"),
]

DISCIPLINE_COLUMNS = [
    Column("ref", "Mã hoặc tên ứng viên", "ref", True, 24, _REF_HINT, "phong-quan-ly-thu",
           ("mã ứng viên", "ứng viên", "mã")),
    Column("year", "Năm", "year", True, 8, "Năm bị kỷ luật", "2023"),
    Column("person", "Người bị kỷ luật", "text", False, 24,
           "Chỉ với tập thể: họ tên cán bộ của tập thể bị kỷ luật (bắt buộc); với cá nhân để trống",
           "Nguyễn Văn X"),
    Column("form", "Hình thức kỷ luật", "discipline", True, 22, "Chọn trong danh sách", "khiển trách"),
    Column("decision.number", "Số quyết định", "text", False, 16, "Không bắt buộc", "7/QĐ-BHXH"),
    Column("decision.date", "Ngày quyết định", "date", False, 13, "Ngày/tháng/năm; không bắt buộc", "02/04/2021"),
    Column("decision.issuer", "Cơ quan ban hành", "text", False, 34, "Không bắt buộc",
           "Giám đốc Bảo hiểm xã hội tỉnh Thanh Hóa"),
]

RATING_HEADER = "Xếp loại {year}"
_RATING_HEADER_RX = re.compile(r"^xếp loại(?: năm)? (\d{4})$")


def individual_columns(profile: Profile) -> list[Column]:
    """The columns of "Cá nhân": the fixed ones, then one rating column per year of the plan's window."""
    ratings = [Column(f"rating:{y}", RATING_HEADER.format(year=y), "rating", False, 16,
                      f"Xếp loại chất lượng năm {y}: chọn trong danh sách; năm chưa đánh giá thì để trống",
                      "hoàn thành xuất sắc nhiệm vụ")
               for y in range(profile.window.first_year, profile.window.last_year + 1)]
    return INDIVIDUAL_COLUMNS + ratings


def sheet_columns(profile: Profile) -> dict[str, list[Column]]:
    return {
        SHEET_INDIVIDUALS: individual_columns(profile),
        SHEET_COLLECTIVES: COLLECTIVE_COLUMNS,
        SHEET_HONOURS: HONOUR_COLUMNS,
        SHEET_INITIATIVES: INITIATIVE_COLUMNS,
        SHEET_TARGETS: TARGET_COLUMNS,
        SHEET_DISCIPLINE: DISCIPLINE_COLUMNS,
    }


_SHEET_NOTES = {
    SHEET_INDIVIDUALS: "Mỗi cá nhân một dòng.",
    SHEET_COLLECTIVES: "Mỗi tập thể một dòng.",
    SHEET_HONOURS: "Danh hiệu thi đua và hình thức khen thưởng đã đạt: mỗi quyết định một dòng.",
    SHEET_INITIATIVES: "Sáng kiến, giải pháp được công nhận: mỗi sáng kiến một dòng.",
    SHEET_TARGETS: "Chỉ tiêu được giao của tập thể và kết quả: mỗi chỉ tiêu của mỗi năm một dòng.",
    SHEET_DISCIPLINE: "Kỷ luật của cá nhân, hoặc của cán bộ trong tập thể: mỗi quyết định một dòng. "
                      "Không có thì để trống.",
}


# --- the template ---------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _lists(profile: Profile) -> dict[str, tuple[str, list[str]]]:
    """kind -> (title, values) of the hidden Danh mục sheet, in column order."""
    return {
        "rating": ("Xếp loại", [name for name, _ in sorted(RATINGS.values(), key=lambda x: x[1])]),
        "discipline": ("Hình thức kỷ luật", list(profile.discipline.forms)),
        "award": ("Danh hiệu, hình thức khen thưởng", profile.known_award_names()),
        "gender": ("Giới tính", GENDERS),
        "flag": ("Có/Không", FLAGS),
        "honour_kind": ("Loại khen thưởng", list(HONOUR_KINDS.values())),
        "direction": ("Đánh giá chỉ tiêu", list(DIRECTIONS.values())),
    }


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
    for i, (kind, (title, values)) in enumerate(_lists(profile).items(), 1):
        letter = get_column_letter(i)
        lists_ws.cell(1, i, title).font = _HEADER_FONT
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
            cell.font = _HEADER_FONT
            cell.alignment = _HEADER_ALIGN
            cell.border = _BORDER
            cell.fill = _REQUIRED_FILL if col.required else _OPTIONAL_FILL
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
                dim.alignment = _WRAP_TOP
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
    buf = io.BytesIO()
    wb.save(buf)
    data = normalize_docx(buf.getvalue(), title="Mẫu nhập hồ sơ điển hình tiên tiến", author="dhtt-docs",
                          when=profile.document.date, subject=profile.id)
    Path(path).write_bytes(data)


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
        ws.cell(i, 1, text).alignment = _WRAP_TOP
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(widths))
        ws.row_dimensions[i].height = _row_height([text], (sum(widths) * 0.9,))
    row = len(lines) + 4
    headers = ["Trang", "Cột", "Bắt buộc", "Cách ghi", "Ví dụ"]
    for c, h in enumerate(headers, 1):
        cell = ws.cell(row, c, h)
        cell.font = _HEADER_FONT
        cell.fill = _OPTIONAL_FILL
        cell.border = _BORDER
    for sheet, cols in layout.items():
        row += 1
        ws.cell(row, 1, sheet).font = _HEADER_FONT
        ws.cell(row, 2, _SHEET_NOTES[sheet])
        for col in cols:
            row += 1
            values = [sheet, col.header, "Có" if col.required else "", col.hint, col.example]
            for c, v in enumerate(values, 1):
                cell = ws.cell(row, c, v)
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
            ws.row_dimensions[row].height = _row_height(values, widths)
    for letter, width in zip("ABCDE", widths):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- reading cells --------------------------------------------------------------


def _quoted(values, sep: str = ", ") -> str:
    """Values quoted for an English message ('Có', 'Không'): they stay Vietnamese, as in the workbook."""
    return sep.join(f"'{v}'" for v in values)


class _CellError(Exception):
    """A cell that cannot be read; the message says what to write instead."""


_DMY_RX = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD_RX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _clean(v: str) -> str:
    return clean_text(v.replace("_x000D_", "")).strip()


def _integral(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def read_text(v: Any, *, multiline: bool = False) -> str:
    if isinstance(v, bool):
        return "Có" if v else "Không"
    if isinstance(v, datetime | date):
        raise _CellError(tr("Excel đã tự đổi ô này thành ngày tháng. Hãy định dạng ô là Text "
                            "(chuột phải → Format Cells → Text) rồi gõ lại",
                            "Excel turned this cell into a date by itself. Format the cell as Text "
                            "(right-click → Format Cells → Text) and type it again"))
    if isinstance(v, float):
        return str(_integral(v))
    s = _clean(str(v))
    if multiline:
        return "\n".join(line.rstrip() for line in s.split("\n")).strip()
    return " ".join(s.split())


def read_lines(v: Any) -> list[str]:
    items = []
    for line in read_text(v, multiline=True).split("\n"):
        line = re.sub(r"^\s*[-•+*]\s+", "", line).strip()
        if line:
            items.append(line)
    return items


def read_date(v: Any) -> date:
    """An Excel date, a serial number, 'dd/mm/yyyy' text or ISO 'yyyy-mm-dd' text."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if 1900 <= v <= 2100:
            raise _CellError(tr(f"'{_integral(v)}' mới là năm: ghi đủ ngày/tháng/năm, ví dụ 25/11/{_integral(v)}",
                                f"'{_integral(v)}' is only a year: write the full day/month/year, "
                                f"for example 25/11/{_integral(v)}"))
        if 14611 <= v <= 73415:          # a date serial (1940..2100) in a cell formatted as a number
            return from_excel(v).date()
        raise _CellError(tr(f"'{v}' không phải ngày: ghi ngày/tháng/năm, ví dụ 25/11/2024",
                            f"'{v}' is not a date: write day/month/year, for example 25/11/2024"))
    s = _clean(str(v))
    m = _DMY_RX.match(s)
    if m:
        d, mo, y = map(int, m.groups())
    else:
        m = _YMD_RX.match(s)
        if not m:
            raise _CellError(tr(f"'{s}' không phải ngày: ghi ngày/tháng/năm, ví dụ 25/11/2024",
                                f"'{s}' is not a date: write day/month/year, for example 25/11/2024"))
        y, mo, d = map(int, m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        if not 1 <= mo <= 12:
            raise _CellError(tr(f"ngày '{s}' có tháng {mo} không có thật: ghi ngày/tháng/năm, ví dụ 25/11/2024",
                                f"the date '{s}' has month {mo}, which does not exist: write day/month/year, "
                                "for example 25/11/2024")) from None
        raise _CellError(tr(f"ngày '{s}' không có thật (tháng {mo} năm {y} không có ngày {d}): hãy sửa lại",
                            f"the date '{s}' does not exist (month {mo} of {y} has no day {d}): correct it")) \
            from None


def read_number(v: Any, number_format: str = "General") -> int | float:
    """A number cell, or Vietnamese text '1.234,5' / '1,5' / '91,5%' (plain '1234.5' too)."""
    if isinstance(v, bool):
        raise _CellError(tr("cần một con số", "a number is needed"))
    if isinstance(v, int | float):
        if "%" in (number_format or ""):
            v = v * 100          # 91,5% typed in a percentage cell is stored as 0.915
        return _integral(float(f"{v:.12g}"))
    try:
        f = parse_number(_clean(str(v)).strip().rstrip("%"))
    except ValueError:
        raise _CellError(tr(f"'{v}' không phải một con số: ghi số, ví dụ 362500 hoặc 1,5",
                            f"'{v}' is not a number: write a number, for example 362500 or 1,5")) from None
    return _integral(float(f"{f:.12g}"))


def read_int(v: Any, what: str | None = None) -> int:
    """A whole number; `what` names it in the message (default: "số" / "a number")."""
    def bad() -> _CellError:
        name = tr("số", "a number") if what is None else what
        return _CellError(tr(f"'{v}' không phải {name}: ghi một số nguyên", f"'{v}' is not {name}: write a whole number"))

    try:
        n = read_number(v)
    except _CellError:
        raise bad() from None
    if not isinstance(n, int):
        raise bad()
    return n


def read_year(v: Any) -> int:
    if isinstance(v, datetime | date):
        return v.year
    y = read_int(v, tr("năm", "a year"))
    if not 1945 <= y <= 2100:
        raise _CellError(tr(f"năm {y} không hợp lý: ghi năm có 4 chữ số, ví dụ 2023",
                            f"the year {y} is not plausible: write a 4-digit year, for example 2023"))
    return y


def read_flag(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return bool(v)
    key = norm(str(v))
    if key in ("có", "co", "x", "true", "yes", "1", "đúng"):
        return True
    if key in ("không", "khong", "false", "no", "0", ""):
        return False
    raise _CellError(tr(f"'{v}' không hợp lệ: chọn Có hoặc Không",
                        f"'{v}' is not valid: choose 'Có' (yes) or 'Không' (no)"))


def read_gender(v: Any) -> str:
    g = match_gender(str(v)) if isinstance(v, str) else None
    if not g:
        raise _CellError(tr(f"giới tính '{v}' không hợp lệ: chọn Nam hoặc Nữ",
                            f"the gender '{v}' is not valid: choose 'Nam' (male) or 'Nữ' (female)"))
    return g


def read_rating(v: Any) -> str:
    code = match_rating(str(v)) if isinstance(v, str) else None
    if not code:
        names = [n for n, _ in RATINGS.values()]
        hint = closest(str(v), names, cutoff=0.5)
        raise _CellError(tr(f"xếp loại '{v}' không có trong danh sách ({'; '.join(names)})"
                            + (f": có phải '{hint}'?" if hint else ": hãy chọn trong danh sách"),
                            f"the rating '{v}' is not in the list ({_quoted(names, '; ')})"
                            + (f": did you mean '{hint}'?" if hint else ": choose one from the list")))
    return RATINGS[code][0]


def read_honour_kind(v: Any) -> str:
    key = norm(str(v))
    for field_name, label in HONOUR_KINDS.items():
        if key in (norm(label), field_name):
            return field_name
    if "danh hiệu" in key:
        return "emulation_titles"
    if "khen thưởng" in key or "hình thức" in key:
        return "awards"
    raise _CellError(tr(f"'{v}' không hợp lệ: chọn Danh hiệu thi đua hoặc Hình thức khen thưởng",
                        f"'{v}' is not valid: choose 'Danh hiệu thi đua' (emulation title) "
                        "or 'Hình thức khen thưởng' (award)"))


def read_direction(v: Any) -> str:
    key = norm(str(v))
    for d, label in DIRECTIONS.items():
        if key in (norm(label), d, d.replace("_", " ")):
            return d
    if key in (">=", "≥", "cao", "tăng"):
        return "at_least"
    if key in ("<=", "≤", "thấp", "giảm"):
        return "at_most"
    raise _CellError(tr(f"'{v}' không hợp lệ: chọn Càng cao càng tốt hoặc Càng thấp càng tốt",
                        f"'{v}' is not valid: choose 'Càng cao càng tốt' (higher is better) "
                        "or 'Càng thấp càng tốt' (lower is better)"))


# --- import -----------------------------------------------------------------------


@dataclass(frozen=True)
class CellRef:
    sheet: str
    row: int
    column: str          # letter
    header: str

    @property
    def key(self) -> str:
        return f"{self.sheet}!{self.column}{self.row}"

    def where(self) -> str:
        return tr(f"Trang '{self.sheet}', dòng {self.row}, cột {self.column} ({self.header})",
                  f"Sheet '{self.sheet}', row {self.row}, column {self.column} ({self.header})")


@dataclass
class _Row:
    sheet: str
    row: int
    values: dict[str, Any]                 # field -> converted value (blank cells left out)
    cells: dict[str, CellRef]              # field -> its cell (every column present in the sheet)
    bad: set[str] = field(default_factory=set)   # fields whose cell gave an error

    def cell(self, *fields: str) -> CellRef:
        """The cell of the first of `fields` whose column is in the sheet (else the row's first cell)."""
        for f in fields:
            if f in self.cells:
                return self.cells[f]
        first = min(self.cells.values(), key=lambda c: (len(c.column), c.column))
        return first


INDIVIDUAL_KEYS = ["kind", "full_name", "gender", "birth_date", "ethnicity", "religion", "hometown", "residence",
                   "unit", "position", "leader", "leads", "political_theory", "education", "duties", "achievements",
                   "ratings", "initiatives", "activities", "emulation_titles", "awards", "discipline"]
COLLECTIVE_KEYS = ["kind", "name", "parent", "head", "address", "phone", "staff_count", "situation", "functions",
                   "targets", "achievements", "initiatives", "party_work", "emulation_titles", "awards",
                   "staff_discipline"]


@dataclass
class _Draft:
    """One candidate being put together from its row and the rows that refer to it."""

    id: str
    kind: str
    name: str
    row: _Row
    data: dict = field(default_factory=dict)
    where: dict[tuple, CellRef] = field(default_factory=dict)   # YAML path -> cell it comes from
    bad: set[CellRef] = field(default_factory=set)              # cells that already have a finding

    @property
    def id_cell(self) -> CellRef:
        """The Mã cell when filled in, else the name the id was made from."""
        if "id" in self.row.values:
            return self.row.cells["id"]
        return self.row.cell("full_name", "name", "id")

    def take(self, row: _Row, pairs: list[tuple[str, tuple]], into: dict) -> None:
        """Copy row values (field -> YAML path relative to `into`) and remember their cells."""
        for f, path in pairs:
            if f in row.cells:
                self.where[path] = row.cells[f]
                if f in row.bad:
                    self.bad.add(row.cells[f])
            if f in row.values:
                target = into
                for part in f.split(".")[:-1]:
                    target = target.setdefault(part, {})
                target[f.split(".")[-1]] = row.values[f]


class _Import:
    def __init__(self, path: Path, folder: Path, overwrite: bool, profile: Profile):
        self.path, self.folder, self.overwrite, self.profile = Path(path), Path(folder), overwrite, profile
        self.file = self.path.name
        self.findings: list[Finding] = []
        self._drafts: list[_Draft] = []

    # findings ---------------------------------------------------------------

    def add(self, severity: Severity, code: str, message: str, cell: CellRef | None = None,
            sheet: str | None = None) -> None:
        message = message[:1].upper() + message[1:]
        if cell is not None:
            self.findings.append(Finding(severity, f"{cell.where()}: {message}", file=self.file, line=cell.row,
                                         key=cell.key, clause="dossier", code=code))
        else:
            self.findings.append(Finding(severity, message, file=self.file, line=None, key=sheet,
                                         clause="dossier", code=code))

    def error(self, code: str, message: str, cell: CellRef | None = None, sheet: str | None = None) -> None:
        self.add(Severity.ERROR, code, message, cell, sheet)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    # the workbook -----------------------------------------------------------

    def open(self):
        if not self.path.is_file():
            self.error("xlsx.missing", tr(f"Không thấy tệp '{self.path}'. Hãy kiểm tra tên và đường dẫn tệp Excel.",
                                          f"File '{self.path}' not found. Check the Excel file's name and path."))
            return None
        raw = self.path.read_bytes()
        if raw[:4] == b"\xd0\xcf\x11\xe0":
            self.error("xlsx.format", tr(f"Tệp '{self.file}' là bảng tính Excel 97-2003 (.xls) hoặc có đặt mật khẩu. "
                                         "Hãy mở bằng Excel, bỏ mật khẩu nếu có, rồi Lưu thành (Save As) dạng "
                                         "\"Excel Workbook (*.xlsx)\" và nhập lại tệp .xlsx.",
                                         f"The file '{self.file}' is an Excel 97-2003 workbook (.xls) or is "
                                         "password-protected. Open it in Excel, remove the password if there is one, "
                                         "then Save As \"Excel Workbook (*.xlsx)\" and import the .xlsx file."))
            return None
        if raw[:4] != b"PK\x03\x04":
            self.error("xlsx.format", tr(f"Tệp '{self.file}' không phải bảng tính Excel .xlsx. Hãy dùng mẫu tạo bằng "
                                         "`dhtt-docs xlsx template`, điền và lưu dạng .xlsx.",
                                         f"The file '{self.file}' is not an Excel .xlsx workbook. Use the template "
                                         "made with `dhtt-docs xlsx template`, fill it in and save it as .xlsx."))
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in z.namelist() else ""
        except zipfile.BadZipFile:
            mimetype = ""
        if "opendocument" in mimetype:
            self.error("xlsx.format", tr(f"Tệp '{self.file}' là bảng tính OpenDocument (.ods). Hãy mở bằng "
                                         "LibreOffice Calc và Lưu thành (Save As) dạng \"Excel 2007-365 (.xlsx)\".",
                                         f"The file '{self.file}' is an OpenDocument spreadsheet (.ods). Open it in "
                                         "LibreOffice Calc and Save As \"Excel 2007-365 (.xlsx)\"."))
            return None
        try:
            return load_workbook(io.BytesIO(raw), data_only=True)
        except Exception:   # noqa: BLE001 - any unreadable file is one finding, never a traceback
            self.error("xlsx.format", tr(f"Không đọc được tệp '{self.file}' như một bảng tính Excel .xlsx (tệp hỏng "
                                         "hoặc là loại tệp khác đổi tên). Hãy mở bằng Excel và lưu lại dạng .xlsx.",
                                         f"Cannot read the file '{self.file}' as an Excel .xlsx workbook (it is "
                                         "damaged, or another kind of file renamed). Open it in Excel and save it "
                                         "again as .xlsx."))
            return None

    def sheets(self, wb) -> dict[str, Any]:
        known = {norm(name): name for name in sheet_columns(self.profile)}
        skipped = {norm(SHEET_GUIDE), norm(SHEET_LISTS)}
        out: dict[str, Any] = {}
        for ws in wb.worksheets:
            key = norm(ws.title)
            if key in known and known[key] not in out:
                out[known[key]] = ws
            elif key not in skipped:
                names = list(sheet_columns(self.profile))
                self.add(Severity.WARNING, "xlsx.unknown_sheet",
                         tr(f"Trang '{ws.title}' không thuộc mẫu nên bị bỏ qua. Các trang được đọc: "
                            f"{', '.join(names)}.",
                            f"Sheet '{ws.title}' is not part of the template, so it is skipped. The sheets read are: "
                            f"{_quoted(names)}."), sheet=ws.title)
        if SHEET_INDIVIDUALS not in out and SHEET_COLLECTIVES not in out:
            self.error("xlsx.no_sheets", tr(f"Tệp '{self.file}' không có trang '{SHEET_INDIVIDUALS}' hay "
                                            f"'{SHEET_COLLECTIVES}'. Hãy dùng mẫu tạo bằng `dhtt-docs xlsx template` "
                                            "(không đổi tên các trang).",
                                            f"The file '{self.file}' has no sheet '{SHEET_INDIVIDUALS}' or "
                                            f"'{SHEET_COLLECTIVES}'. Use the template made with "
                                            "`dhtt-docs xlsx template` (without renaming its sheets)."))
        return out

    def columns(self, sheet: str, ws, cols: list[Column]) -> dict[int, Column] | None:
        """Column index -> its description, from the header row; None if a required column is missing."""
        by_header: dict[str, Column] = {}
        for col in cols:
            for h in (col.header, *col.aliases):
                by_header.setdefault(norm(h), col)
        found: dict[int, Column] = {}
        seen: set[str] = set()
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            if _is_blank(cell.value):
                continue
            text = norm(re.sub(r"\s*\*\s*$", "", str(cell.value)))
            col = by_header.get(text) or by_header.get(norm(re.sub(r"\s*\(.*\)\s*$", "", text)))
            if col is None and sheet == SHEET_INDIVIDUALS:
                m = _RATING_HEADER_RX.match(text)
                if m:
                    y = int(m.group(1))
                    col = Column(f"rating:{y}", RATING_HEADER.format(year=y), "rating")
            ref = CellRef(sheet, 1, cell.column_letter, str(cell.value))
            if col is None:
                self.add(Severity.WARNING, "xlsx.unknown_column",
                         tr(f"cột '{cell.value}' không thuộc mẫu nên bị bỏ qua.",
                            f"the column '{cell.value}' is not part of the template, so it is skipped."), ref)
                continue
            if col.field in seen:
                self.add(Severity.WARNING, "xlsx.duplicate_column",
                         tr(f"cột '{col.header}' có hai lần; chỉ đọc cột đầu tiên.",
                            f"the column '{col.header}' appears twice; only the first one is read."), ref)
                continue
            seen.add(col.field)
            found[cell.column] = col
        missing = [c.header for c in cols if c.required and c.field not in seen]
        if missing:
            self.error("xlsx.missing_column",
                       tr(f"Trang '{sheet}' thiếu cột bắt buộc: {', '.join(missing)}. Hãy thêm lại cột với đúng tiêu đề "
                          "ở dòng 1 (xem trang Hướng dẫn), hoặc dùng mẫu mới tạo bằng `dhtt-docs xlsx template`.",
                          f"Sheet '{sheet}' lacks required columns: {_quoted(missing)}. Add the "
                          f"columns back with exactly these headers in row 1 (see the '{SHEET_GUIDE}' sheet), or use "
                          "a new template made with `dhtt-docs xlsx template`."),
                       sheet=sheet)
            return None
        return found

    def rows(self, sheet: str, ws, cols: list[Column]) -> list[_Row]:
        mapping = self.columns(sheet, ws, cols)
        if mapping is None:
            return []
        out = []
        for cells in ws.iter_rows(min_row=2):
            present = [c for c in cells if c.column in mapping and not _is_blank(c.value)]
            if not present:
                continue      # blank rows (and rows with text only in unknown columns) are skipped
            r = cells[0].row
            row = _Row(sheet, r, {}, {})
            for c in cells:
                col = mapping.get(c.column)
                if col is None:
                    continue
                ref = CellRef(sheet, r, c.column_letter, col.header)
                row.cells[col.field] = ref
                if _is_blank(c.value):
                    continue
                try:
                    row.values[col.field] = self.convert(col, c.value, c.number_format)
                except _CellError as e:
                    row.bad.add(col.field)
                    self.error("xlsx.cell", str(e)[:1].upper() + str(e)[1:] + ".", ref)
            out.append(row)
        return out

    def convert(self, col: Column, v: Any, number_format: str) -> Any:
        k = col.kind
        if k in ("text", "ref", "award"):
            return read_text(v)
        if k == "id":
            s = read_text(v)
            if not ID_RX.match(s):
                hint = slugify(s)
                raise _CellError(tr(f"mã '{s}' không dùng được: chỉ gồm chữ thường không dấu, số và dấu '-'"
                                    + (f", ví dụ '{hint}'" if hint else "") + ". Hoặc để trống để tự đặt theo tên",
                                    f"the ID '{s}' cannot be used: use only lowercase letters without accents, "
                                    "digits and '-'" + (f", for example '{hint}'" if hint else "")
                                    + ". Or leave it empty to have one made from the name"))
            return s
        if k == "long":
            return read_text(v, multiline=True)
        if k == "lines":
            return read_lines(v)
        if k == "date":
            return read_date(v)
        if k == "year":
            return read_year(v)
        if k == "int":
            return read_int(v)
        if k == "number":
            return read_number(v, number_format)
        if k == "flag":
            return read_flag(v)
        if k == "gender":
            return read_gender(v)
        if k == "rating":
            return read_rating(v)
        if k == "honour_kind":
            return read_honour_kind(v)
        if k == "direction":
            return read_direction(v)
        if k == "discipline":
            s = read_text(v)
            form = self.profile.discipline_form(s)
            if form is None:
                hint = closest(s, self.profile.discipline.forms, cutoff=0.5)
                forms = self.profile.discipline.forms
                raise _CellError(tr(f"hình thức kỷ luật '{s}' không có trong danh sách"
                                    + (f": có phải '{hint}'?" if hint else f" ({', '.join(forms)})"),
                                    f"the discipline form '{s}' is not in the list"
                                    + (f": did you mean '{hint}'?" if hint else
                                       f" ({_quoted(forms)})")))
            return form
        raise AssertionError(k)

    # candidates -------------------------------------------------------------

    def drafts(self, sheets: dict[str, Any]) -> list[_Draft]:
        layout = sheet_columns(self.profile)
        drafts: list[_Draft] = []
        for sheet, kind, name_field in ((SHEET_INDIVIDUALS, "individual", "full_name"),
                                        (SHEET_COLLECTIVES, "collective", "name")):
            if sheet not in sheets:
                continue
            for row in self.rows(sheet, sheets[sheet], layout[sheet]):
                name = row.values.get(name_field, "")
                cid = row.values.get("id") or slugify(name)
                if not cid:
                    if "id" not in row.bad:
                        self.error("xlsx.no_id", tr("chưa có mã hồ sơ: hãy ghi cột Mã, hoặc ghi tên để tự đặt mã.",
                                                    "the record has no ID: fill in the 'Mã' column, or write the "
                                                    "name to have an ID made from it."),
                                   row.cell(name_field))
                    continue
                drafts.append(_Draft(cid, kind, name, row))
        # Two rows with the same id would write the same file: the later one is reported and dropped.
        by_id: dict[str, _Draft] = {}
        for d in drafts:
            first = by_id.get(d.id)
            if first is None:
                by_id[d.id] = d
                continue
            self.error("xlsx.duplicate_id",
                       tr(f"mã '{d.id}' trùng với trang '{first.row.sheet}', dòng {first.row.row}: hai hồ sơ sẽ ghi đè "
                          f"nhau. Hãy ghi cột Mã khác nhau, ví dụ {d.id}-2.",
                          f"the ID '{d.id}' is the same as on sheet '{first.row.sheet}', row {first.row.row}: the two "
                          f"records would overwrite each other. Write different IDs in the 'Mã' column, for example "
                          f"{d.id}-2."), d.id_cell)
        return list(by_id.values())

    def resolve(self, value: str, drafts: list[_Draft], cell: CellRef, kinds: tuple[str, ...]) -> _Draft | None:
        pool = [d for d in drafts if d.kind in kinds]
        hit = [d for d in pool if d.id == value]
        if not hit:
            hit = [d for d in pool if norm(d.name) == norm(value)]
        if not hit:
            hit = [d for d in pool if d.id == slugify(value)]
        if len(hit) == 1:
            return hit[0]
        where = tr(" hoặc ".join({"individual": f"trang '{SHEET_INDIVIDUALS}'",
                                  "collective": f"trang '{SHEET_COLLECTIVES}'"}[k] for k in kinds),
                   " or ".join({"individual": f"sheet '{SHEET_INDIVIDUALS}'",
                                "collective": f"sheet '{SHEET_COLLECTIVES}'"}[k] for k in kinds))
        if len(hit) > 1:
            ids = ", ".join(d.id for d in hit)
            self.error("xlsx.ambiguous_ref", tr(f"'{value}' trùng tên nhiều hồ sơ ({ids}): "
                                                "hãy ghi mã hồ sơ thay cho tên.",
                                                f"'{value}' matches the names of several records ({ids}): "
                                                "write the record's ID instead of the name."), cell)
            return None
        others = [d for d in drafts if d not in pool and (d.id == value or norm(d.name) == norm(value))]
        if others:
            self.error("xlsx.wrong_kind_ref", tr(f"'{value}' không phải hồ sơ ở {where}: trang này chỉ dành cho "
                                                 + ("tập thể." if kinds == ("collective",) else "cá nhân."),
                                                 f"'{value}' is not a record on {where}: this sheet is only for "
                                                 + ("collectives." if kinds == ("collective",) else "individuals.")),
                       cell)
            return None
        hint = closest(value, [d.id for d in pool] + [d.name for d in pool], cutoff=0.5)
        self.error("xlsx.unknown_ref", tr(f"không thấy hồ sơ '{value}' ở {where}"
                                          + (f": có phải '{hint}'?" if hint else
                                             ": hãy ghi đúng mã hoặc tên như ở trang đó."),
                                          f"no record '{value}' found on {where}"
                                          + (f": did you mean '{hint}'?" if hint else
                                             ": write the ID or the name exactly as on that sheet.")), cell)
        return None

    def build(self, sheets: dict[str, Any]) -> list[_Draft]:
        drafts = self._drafts = self.drafts(sheets)
        for d in drafts:
            (self._individual if d.kind == "individual" else self._collective)(d)
        layout = sheet_columns(self.profile)
        both = ("individual", "collective")
        for sheet, kinds, add in ((SHEET_HONOURS, both, self._honour),
                                  (SHEET_INITIATIVES, both, self._initiative),
                                  (SHEET_TARGETS, ("collective",), self._target),
                                  (SHEET_DISCIPLINE, both, self._discipline)):
            if sheet not in sheets:
                continue
            for row in self.rows(sheet, sheets[sheet], layout[sheet]):
                ref = row.values.get("ref")
                if ref is None:
                    if "ref" not in row.bad:
                        self.error("xlsx.no_ref", tr("chưa ghi mã hoặc tên ứng viên của dòng này.",
                                                     "the candidate's ID or name is missing on this row."),
                                   row.cell("ref"))
                    continue
                d = self.resolve(ref, drafts, row.cell("ref"), kinds)
                if d is not None:
                    add(d, row)
        for d in drafts:
            self._finish(d)
        return drafts

    def _individual(self, d: _Draft) -> None:
        row = d.row
        d.where[()] = row.cell("full_name")
        d.data["kind"] = "individual"
        names = ["full_name", "gender", "birth_date", "ethnicity", "religion", "hometown", "residence", "unit",
                 "position", "leader", "leads", "political_theory", "education", "duties", "achievements",
                 "activities"]
        d.take(row, [(f, (f,)) for f in names], d.data)
        d.data.setdefault("leader", False)
        if "leads" in d.data:
            d.data["leads"] = self._leads(d)
        rating_fields = sorted(f for f in row.cells if f.startswith("rating:"))
        d.where[("ratings",)] = row.cell(*rating_fields, "full_name")
        ratings: dict[int, str] = {}
        for f in rating_fields:
            y = int(f.split(":")[1])
            d.take(row, [(f, ("ratings", y))], {})
            if f in row.values:
                ratings[y] = row.values[f]
        if ratings:
            d.data["ratings"] = ratings

    def _leads(self, d: _Draft) -> str:
        """The id of the collective an individual heads: as typed if an id, else looked up by name."""
        value = d.data["leads"]
        hit = [x for x in self._drafts if x.kind == "collective" and (x.id == value or norm(x.name) == norm(value))]
        if len(hit) == 1:
            return hit[0].id
        if ID_RX.match(value):
            return value          # a collective of the round not in this workbook; the rules check it
        cell = d.row.cell("leads")
        hint = closest(value, [x.id for x in self._drafts if x.kind == "collective"]
                       + [x.name for x in self._drafts if x.kind == "collective"], cutoff=0.5)
        self.error("xlsx.unknown_ref", tr(f"không thấy tập thể '{value}' ở trang '{SHEET_COLLECTIVES}'"
                                          + (f": có phải '{hint}'?" if hint else
                                             ": ghi mã hồ sơ của tập thể (ví dụ phong-quan-ly-thu) hoặc để trống."),
                                          f"no collective '{value}' found on sheet '{SHEET_COLLECTIVES}'"
                                          + (f": did you mean '{hint}'?" if hint else
                                             ": write the collective's record ID (for example phong-quan-ly-thu) "
                                             "or leave it empty.")), cell)
        d.bad.add(cell)
        return value

    def _collective(self, d: _Draft) -> None:
        row = d.row
        d.where[()] = row.cell("name")
        d.data["kind"] = "collective"
        names = ["name", "parent", "head.name", "head.title", "address", "phone", "staff_count", "situation",
                 "functions", "achievements", "party_work"]
        d.take(row, [(f, tuple(f.split("."))) for f in names], d.data)
        d.where[("head",)] = row.cell("head.name")

    def _item(self, d: _Draft, row: _Row, list_name: str, fields: list[str]) -> None:
        items = d.data.setdefault(list_name, [])
        i = len(items)
        item: dict = {}
        d.take(row, [(f, (list_name, i, *f.split("."))) for f in fields], item)
        d.where[(list_name,)] = d.where.get((list_name,), row.cell("ref"))
        d.where[(list_name, i)] = row.cell("ref")
        for group in {f.split(".")[0] for f in fields if "." in f}:
            d.where[(list_name, i, group)] = row.cell(f"{group}.number", "ref")
        items.append(item)

    def _honour(self, d: _Draft, row: _Row) -> None:
        list_name = row.values.get("list")
        if list_name is None:
            if "list" not in row.bad:
                self.error("xlsx.cell", tr("còn trống: chọn Danh hiệu thi đua hoặc Hình thức khen thưởng.",
                                           "empty: choose 'Danh hiệu thi đua' (emulation title) or "
                                           "'Hình thức khen thưởng' (award)."),
                           row.cell("list"))
            return
        title = row.values.get("title")
        if title and self.profile.match_award(title) is None:
            hint = closest(title, self.profile.known_award_names(), cutoff=0.5)
            self.add(Severity.WARNING, "xlsx.award_unknown",
                     tr(f"'{title}' không có trong danh mục khen thưởng của kế hoạch {self.profile.id}, nên không được "
                        "tính vào tiêu chuẩn" + (f". Có phải '{hint}'?" if hint else ".")
                        + " Nếu đúng tên trên quyết định thì giữ nguyên.",
                        f"'{title}' is not in the award catalogue of the plan {self.profile.id}, so it does not count "
                        "towards the criteria" + (f". Did you mean '{hint}'?" if hint else ".")
                        + " If it is the exact name on the decision, keep it."), row.cell("title"))
        self._item(d, row, list_name, ["year", "title", "decision.number", "decision.date", "decision.issuer",
                                       "attachment"])

    def _initiative(self, d: _Draft, row: _Row) -> None:
        self._item(d, row, "initiatives", ["title", "recognition.number", "recognition.date",
                                           "recognition.issuer"])

    def _target(self, d: _Draft, row: _Row) -> None:
        if row.values.get("direction") == "at_least":
            del row.values["direction"]          # the default is left out, as in the samples
        self._item(d, row, "targets", ["year", "name", "unit", "plan", "actual", "direction"])

    def _discipline(self, d: _Draft, row: _Row) -> None:
        if d.kind == "collective":
            if "person" not in row.values:
                if "person" not in row.bad:
                    self.error("xlsx.cell", tr(f"còn trống: ghi họ tên cán bộ của {d.name} bị kỷ luật.",
                                               f"empty: write the full name of the staff member of '{d.name}' "
                                               "who was disciplined."),
                               row.cell("person", "ref"))
                return
            self._item(d, row, "staff_discipline", ["year", "person", "form", "decision.number",
                                                    "decision.date", "decision.issuer"])
            return
        if "person" in row.values and norm(row.values["person"]) != norm(d.name):
            self.add(Severity.WARNING, "xlsx.person_ignored",
                     tr(f"cột này chỉ dùng cho tập thể; hồ sơ '{d.id}' là cá nhân nên '{row.values['person']}' bị "
                        "bỏ qua. Nếu là cán bộ của một tập thể, hãy ghi mã tập thể ở cột đầu.",
                        f"this column is only for collectives; the record '{d.id}' is an individual, so "
                        f"'{row.values['person']}' is ignored. If this is a staff member of a collective, write the "
                        "collective's ID in the first column."), row.cell("person"))
        self._item(d, row, "discipline", ["year", "form", "decision.number", "decision.date", "decision.issuer"])

    @staticmethod
    def _finish(d: _Draft) -> None:
        """The keys in the order of the input contract."""
        order = INDIVIDUAL_KEYS if d.kind == "individual" else COLLECTIVE_KEYS
        d.data = {k: d.data[k] for k in order if k in d.data}

    # validation and writing ---------------------------------------------------

    def check(self, d: _Draft) -> str | None:
        """The YAML text of a draft if it validates; else findings mapped to cells, and None."""
        rel = f"{CANDIDATES_DIR}/{d.id}.yaml"
        text = candidate_yaml(d.data, header=self._header(d))
        doc = parse_yaml_text(text, rel)
        if doc.data is None or doc.findings:      # cannot happen for text we dumped ourselves
            for f in doc.findings:
                self.error("xlsx.internal", tr(f"lỗi khi tạo tệp {rel}: {f.message}",
                                               f"error while making the file {rel}: {f.message}"), d.id_cell)
            return None
        model = Individual if d.kind == "individual" else Collective
        try:
            model.model_validate(doc.data)
        except ValidationError as err:
            ok = True
            for e in err.errors(include_url=False):
                loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and ("[" in p or "function-" in p)))
                cell = _lookup(d.where, loc) or d.id_cell
                if cell in d.bad:
                    continue           # the cell's own finding already says what is wrong
                ok = False
                d.bad.add(cell)
                self.error(f"xlsx.schema.{e['type']}", _schema_message(e, cell), cell)
            if not ok:
                return None
        if d.bad:
            return None
        return text

    def _header(self, d: _Draft) -> str:
        word = "cá nhân" if d.kind == "individual" else "tập thể"
        return (f"# Hồ sơ {word} '{d.name}', nhập từ tệp {self.file} (trang '{d.row.sheet}', dòng {d.row.row}) "
                "bằng lệnh dhtt-docs xlsx import.\n"
                "# Có thể sửa trực tiếp tệp này; nhập lại từ Excel với --overwrite sẽ thay toàn bộ nội dung.\n")

    def run(self) -> tuple[list[Path], list[Finding]]:
        wb = self.open()
        if wb is None:
            return [], self.findings
        sheets = self.sheets(wb)
        drafts = self.build(sheets) if sheets else []
        texts: list[tuple[_Draft, str]] = []
        for d in drafts:
            text = self.check(d)
            if text is not None:
                texts.append((d, text))
        cand_dir = self.folder / CANDIDATES_DIR
        for d, _ in texts:
            for existing in (cand_dir / f"{d.id}.yaml", cand_dir / f"{d.id}.yml"):
                if existing.exists() and not (self.overwrite and existing.suffix == ".yaml"):
                    rel = existing.relative_to(self.folder).as_posix()
                    self.error("xlsx.exists",
                               tr(f"hồ sơ mã '{d.id}' đã có (tệp {rel}) nên không ghi đè, để khỏi mất nội dung đã sửa. "
                                  "Muốn thay bằng dữ liệu trong tệp Excel, hãy chạy lại với --overwrite; nếu là "
                                  "người/tập thể khác, hãy ghi mã khác ở cột Mã"
                                  + ("." if existing.suffix == ".yaml" else
                                     f"; nhưng trước đó hãy xóa {rel} (đuôi .yml) để khỏi có hai hồ sơ cùng mã."),
                                  f"the record '{d.id}' already exists (file {rel}), so it is not overwritten, to keep "
                                  "the edits made to it. To replace it with the data in the Excel file, run again "
                                  "with --overwrite; if this is a different person/collective, write another ID in "
                                  "the 'Mã' column"
                                  + ("." if existing.suffix == ".yaml" else
                                     f"; but first delete {rel} (the .yml file) so that there are not two records "
                                     "with the same ID.")),
                               d.id_cell)
        if not drafts and not self.has_errors:
            self.add(Severity.WARNING, "xlsx.empty", tr(f"Tệp '{self.file}' chưa có dòng nào ở trang "
                                                        f"'{SHEET_INDIVIDUALS}' hay '{SHEET_COLLECTIVES}': không có "
                                                        "hồ sơ nào để nhập.",
                                                        f"The file '{self.file}' has no rows on sheet "
                                                        f"'{SHEET_INDIVIDUALS}' or '{SHEET_COLLECTIVES}': there are "
                                                        "no records to import."))
        if self.has_errors:
            return [], self.findings
        if not (self.folder / SUBMISSION_FILE).is_file():
            self.add(Severity.WARNING, "xlsx.no_submission",
                     tr(f"Thư mục '{self.folder}' chưa có {SUBMISSION_FILE}: hãy tạo bằng `dhtt-docs init {self.folder}` "
                        "(lệnh init không xóa các hồ sơ vừa nhập) rồi điền thông tin cuộc họp và số phiếu.",
                        f"The folder '{self.folder}' has no {SUBMISSION_FILE} yet: create it with "
                        f"`dhtt-docs init {self.folder}` (init does not delete the records just imported), then fill "
                        "in the meeting details and the votes."))
        cand_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for d, text in texts:
            out = cand_dir / f"{d.id}.yaml"
            atomic_write(out, text.encode("utf-8"))
            written.append(out)
        return written, self.findings


def _lookup(where: dict[tuple, CellRef], loc: tuple) -> CellRef | None:
    p = tuple(loc)
    while True:
        if p in where:
            return where[p]
        if not p:
            return None
        p = p[:-1]


def _type_words() -> dict[str, str]:
    """Pydantic error type -> what to tell the user (built when needed: in the chosen language)."""
    return {
        "missing": tr("còn trống: đây là thông tin bắt buộc, hãy điền",
                      "empty: this information is required, fill it in"),
        "string_type": tr("cần một dòng chữ", "text is needed"),
        "int_type": tr("cần một số nguyên", "a whole number is needed"),
        "float_type": tr("cần một con số", "a number is needed"),
        "too_short": tr("cần ít nhất một mục", "at least one item is needed"),
        "literal_error": tr("giá trị không hợp lệ", "the value is not valid"),
    }


def _schema_message(e: dict, cell: CellRef) -> str:
    loc = [p for p in e["loc"] if isinstance(p, str)]
    optional_group = "recognition" in loc or ("decision" in loc and ("discipline" in loc or "staff_discipline" in loc))
    if e["type"] == "missing" and optional_group:
        return tr("Còn trống: quyết định phải ghi đủ số, ngày và cơ quan ban hành (hoặc để trống cả ba cột nếu "
                  "không có quyết định).",
                  "Empty: a decision must have its number, date and issuing body (or leave all three columns empty "
                  "if there is no decision).")
    if e["type"] == "dhtt":
        msg = e["msg"]
    else:
        msg = _type_words().get(e["type"], e["msg"])
    msg = msg[:1].upper() + msg[1:]
    return msg if msg.endswith(".") else msg + "."


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, multi-line text as '|' blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, s: str):
    if "\n" in s:       # a '|' block (a final newline so that it is '|' and not '|-'; the schema strips it)
        return dumper.represent_scalar("tag:yaml.org,2002:str", s.rstrip("\n") + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", s)


_Dumper.add_representer(str, _str)


def candidate_yaml(data: dict, header: str = "") -> str:
    """A candidate's YAML text to the input contract: block style, Unicode as is, keys in the given order."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=10_000, indent=2)
    return header + body


def import_workbook(path: Path, folder: Path, *, overwrite: bool = False,
                    profile: Profile | None = None) -> tuple[list[Path], list[Finding]]:
    """Turn a filled workbook into ``FOLDER/candidates/<id>.yaml`` files.

    Returns the files written and the findings. When any finding is an error,
    nothing is written (all or nothing). Never raises for a bad workbook.
    """
    profile = profile or _folder_profile(Path(folder))
    return _Import(Path(path), Path(folder), overwrite, profile).run()


def _folder_profile(folder: Path) -> Profile:
    """The plan profile named in the folder's submission.yaml, else the default one."""
    sub = folder / SUBMISSION_FILE
    if sub.is_file():
        try:
            data = yaml.safe_load(sub.read_text(encoding="utf-8"))
            plan = data.get("plan") if isinstance(data, dict) else None
            if isinstance(plan, str) and load_profile(plan) is not None:
                return load_profile(plan)
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            pass
    return load_profile()


# --- the Danh sách as a workbook ------------------------------------------------

DANH_SACH_HEADERS = danh_sach_layout.HEADINGS      # shared with danh-sach.docx
DANH_SACH_WIDTHS = tuple(c.xlsx_width for c in danh_sach_layout.COLUMNS)
_LINE_PT = 15.75          # one line of 12 pt Times New Roman


def _row_height(texts: list[str], widths: tuple[float, ...]) -> float:
    """Points for a row whose cells wrap: the most lines any cell needs, at ~1.1 characters per width unit."""
    lines = 1
    for text, width in zip(texts, widths):
        per_line = max(1, int(width * 1.1) - 2)
        need = sum(max(1, -(-len(part) // per_line)) for part in str(text or "").split("\n"))
        lines = max(lines, need)
    return round(lines * _LINE_PT + 3, 2)


def write_danh_sach_xlsx(report, path: Path, *, draft: bool = False) -> None:
    """The Danh sách (candidates proposed: eligible and approved) as a deterministic .xlsx.

    Same rows and order as danh-sach.docx (context.build_context). Votes are
    numbers, the share is the exact fraction of all council members shown as a
    percentage. Raises DhttError (from build_context) when the round has no
    readable submission or plan profile.
    """
    from dhtt_docs.documents.context import build_context  # late: context imports the rules engine

    ctx = build_context(report, draft=draft, typography=False).common
    total = len(report.round.submission.council.members)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    ncols = len(DANH_SACH_HEADERS)
    last = get_column_letter(ncols)

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    row = 1
    unit = ctx["unit"]

    def line(text: str, f: Font = bold, align: Alignment = center, height: float | None = None) -> None:
        nonlocal row
        ws.cell(row, 1, text).font = f
        ws.cell(row, 1).alignment = align
        ws.merge_cells(f"A{row}:{last}{row}")
        if height:
            ws.row_dimensions[row].height = height
        row += 1

    if draft:
        line("DỰ THẢO - hồ sơ còn lỗi, chưa dùng để trình ký", Font(name="Times New Roman", size=12, bold=True,
                                                                      color="C00000"))
    if unit["parent_upper"]:
        line(unit["parent_upper"], font)
    line(unit["name_upper"])
    row += 1
    line(danh_sach_layout.title(ctx["plan"]["proposal_upper"]), Font(name="Times New Roman", size=14, bold=True),
         height=40)
    line(f"(Kèm theo {ctx['submission']['reference']})", Font(name="Times New Roman", size=12, italic=True),
         height=33)
    row += 1
    header_row = row
    for c, h in enumerate(DANH_SACH_HEADERS, 1):
        cell = ws.cell(row, c, h)
        cell.font, cell.alignment, cell.border = bold, center, _BORDER
    ws.row_dimensions[row].height = 48
    row += 1
    groups = ctx["proposed"]["groups"]
    for g in groups:
        ws.cell(row, 1, g["heading"]).font = bold
        ws.merge_cells(f"A{row}:{last}{row}")
        for c in range(1, ncols + 1):
            ws.cell(row, c).border = _BORDER
        row += 1
        for r in g["rows"]:
            v = report.verdict(r["id"])
            values = [int(r["stt"]), r["name"], r["post_unit"], "\n".join(r["basis"]),
                      v.votes, v.approval]
            for c, value in enumerate(values, 1):
                cell = ws.cell(row, c, value)
                cell.font, cell.border = font, _BORDER
                cell.alignment = center if c in (1, 5, 6) else top
            ws.cell(row, 6).number_format = "0.0%"
            # Row heights are set, not left to the reader: LibreOffice does not fit wrapped rows on opening.
            ws.row_dimensions[row].height = _row_height(values[1:4], DANH_SACH_WIDTHS[1:4])
            row += 1
    if not groups:
        ws.cell(row, 1, danh_sach_layout.EMPTY).font = font
        ws.merge_cells(f"A{row}:{last}{row}")
        row += 1
    row += 1
    ws.cell(row, 1, f"Tổng cộng: {ctx['proposed']['count_text']}. Tỷ lệ tính trên tổng số {total:02d} thành viên "
                    "Hội đồng Thi đua - Khen thưởng.").font = font
    for letter, width in zip("ABCDEF", DANH_SACH_WIDTHS):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    data = normalize_docx(buf.getvalue(), title=f"Danh sách đề nghị {ctx['plan']['proposal']}",
                          author=unit["name"], when=report.round.submission.submission.date, subject=ctx["plan"]["id"])
    Path(path).write_bytes(data)

