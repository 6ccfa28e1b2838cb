"""The Danh sách (the candidates proposed: eligible and approved) as a workbook, written by `build`.

Same rows and order as danh-sach.docx (documents/context.build_context). The
sheet's title lines and column headings are the constants just below: change
them there (they are meant to match the DOCX).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dhtt_docs.excel.sheetstyle import BORDER, row_height, save

# --- the title and headings ---------------------------------------------------------
SHEET_TITLE = "Danh sách"
DRAFT_LINE = "DỰ THẢO - hồ sơ còn lỗi, chưa dùng để trình ký"
TITLE = "DANH SÁCH"
SUBTITLE = "ĐỀ NGHỊ {proposal_upper}"              # the plan's proposal, upper case
ATTACHED_TO = "(Kèm theo {reference})"               # the Tờ trình's reference
HEADINGS = ["STT", "Tên tập thể, họ và tên cá nhân", "Chức vụ, đơn vị công tác", "Tiêu chuẩn đạt được",
            "Số phiếu đồng ý", "Tỷ lệ so với tổng số thành viên Hội đồng (%)"]
NOBODY = "Không có tập thể, cá nhân nào được đề nghị."
TOTAL = "Tổng cộng: {count_text}. Tỷ lệ tính trên tổng số {total:02d} thành viên Hội đồng Thi đua - Khen thưởng."
WIDTHS = (6, 28, 36, 60, 12, 16)


def write_danh_sach_xlsx(report, path: Path, *, draft: bool = False) -> None:
    """The Danh sách (candidates proposed: eligible and approved) as a deterministic .xlsx.

    Same rows and order as danh-sach.docx (context.build_context). Votes are
    numbers, the share is the exact fraction of all council members shown as a
    percentage. Raises DhttError (from build_context) when the round has no
    readable submission or plan profile.
    """
    from dhtt_docs.documents.context import build_context  # late: context imports the rules engine

    ctx = build_context(report, draft=draft).common
    total = len(report.round.submission.council.members)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    ncols = len(HEADINGS)
    last = get_column_letter(ncols)

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
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
        line(DRAFT_LINE, Font(name="Times New Roman", size=12, bold=True,
                                                                      color="C00000"))
    if unit["parent_upper"]:
        line(unit["parent_upper"], font)
    line(unit["name_upper"])
    row += 1
    line(TITLE, Font(name="Times New Roman", size=14, bold=True))
    line(SUBTITLE.format(proposal_upper=ctx['plan']['proposal_upper']))
    line(ATTACHED_TO.format(reference=ctx['submission']['reference']), Font(name="Times New Roman", size=12, italic=True),
         height=33)
    row += 1
    header_row = row
    for c, h in enumerate(HEADINGS, 1):
        cell = ws.cell(row, c, h)
        cell.font, cell.alignment, cell.border = bold, center, BORDER
    ws.row_dimensions[row].height = 48
    row += 1
    groups = ctx["proposed"]["groups"]
    for g in groups:
        ws.cell(row, 1, g["heading"]).font = bold
        ws.merge_cells(f"A{row}:{last}{row}")
        for c in range(1, ncols + 1):
            ws.cell(row, c).border = BORDER
        row += 1
        for r in g["rows"]:
            v = report.verdict(r["id"])
            values = [int(r["stt"]), r["name"], r["post_unit"], "\n".join(r["basis"]),
                      v.votes, v.approval]
            for c, value in enumerate(values, 1):
                cell = ws.cell(row, c, value)
                cell.font, cell.border = font, BORDER
                cell.alignment = center if c in (1, 5, 6) else top
            ws.cell(row, 6).number_format = "0.0%"
            # Row heights are set, not left to the reader: LibreOffice does not fit wrapped rows on opening.
            ws.row_dimensions[row].height = row_height(values[1:4], WIDTHS[1:4])
            row += 1
    if not groups:
        ws.cell(row, 1, NOBODY).font = font
        ws.merge_cells(f"A{row}:{last}{row}")
        row += 1
    row += 1
    ws.cell(row, 1, TOTAL.format(count_text=ctx['proposed']['count_text'], total=total)).font = font
    for letter, width in zip("ABCDEF", WIDTHS):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    save(wb, path, title=f"Danh sách đề nghị {ctx['plan']['proposal']}", author=unit["name"],
         when=report.round.submission.submission.date, subject=ctx["plan"]["id"])

