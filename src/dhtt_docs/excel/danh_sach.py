"""The Danh sách (the candidates proposed: eligible and approved) as a workbook, written by `build`.

Same rows and order as danh-sach.docx (documents/context.build_context). The
title and the column headings are those of the DOCX, defined once in
documents/danh_sach.py.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dhtt_docs.documents import danh_sach as layout
from dhtt_docs.excel.sheetstyle import BORDER, row_height, save

# --- the title and headings ---------------------------------------------------------
SHEET_TITLE = "Danh sách"
DRAFT_LINE = "DỰ THẢO - hồ sơ còn lỗi, chưa dùng để trình ký"
ATTACHED_TO = "(Kèm theo {reference})"               # the Tờ trình's reference
HEADINGS = layout.HEADINGS                            # shared with danh-sach.docx
NOBODY = layout.EMPTY
TOTAL = "Tổng cộng: {count_text}. Tỷ lệ tính trên tổng số {total:02d} thành viên Hội đồng Thi đua - Khen thưởng."
TOTAL_OF = "Tổng cộng: {count_text}. Tỷ lệ tính trên {base}."     # a plan that counts on the present or the ballots
WIDTHS = tuple(c.xlsx_width for c in layout.COLUMNS)


_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TOP = Alignment(vertical="top", wrap_text=True)
_LAST = get_column_letter(len(HEADINGS))


class _Sheet:
    """The Danh sách sheet written from top to bottom, `row` being the next free row."""

    def __init__(self, ws, base: str):
        self.ws, self.row = ws, 1
        self.base = base            # what the share is counted on, as the plan says it
        self._styles: list | None = None   # a candidate row's cell styles, set once and then copied

    def line(self, text: str, f: Font = _BOLD, align: Alignment = _CENTER, height: float | None = None) -> None:
        """One line of text across the table's width."""
        ws = self.ws
        ws.cell(self.row, 1, text).font = f
        ws.cell(self.row, 1).alignment = align
        ws.merge_cells(f"A{self.row}:{_LAST}{self.row}")
        if height:
            ws.row_dimensions[self.row].height = height
        self.row += 1

    def title(self, ctx: dict, draft: bool) -> None:
        unit = ctx["unit"]
        if draft:
            self.line(DRAFT_LINE, Font(name="Times New Roman", size=12, bold=True, color="C00000"))
        if unit["parent_upper"]:
            self.line(unit["parent_upper"], _FONT)
        self.line(unit["name_upper"])
        self.row += 1
        self.line(layout.title(ctx["plan"]["proposal_upper"], ctx["plan"]["kinds_upper"]),
                  Font(name="Times New Roman", size=14, bold=True),
                  height=40)
        self.line(ATTACHED_TO.format(reference=ctx["submission"]["reference"]),
                  Font(name="Times New Roman", size=12, italic=True), height=33)
        self.row += 1

    def table(self, groups: list[dict], report) -> int:
        """The headings row (its number is returned, to repeat on every page) and a row per candidate."""
        ws, header_row = self.ws, self.row
        verdicts: dict = {}
        for v in report.verdicts:
            verdicts.setdefault(v.id, v)
        for c, h in enumerate(layout.headings(self.base), 1):
            cell = ws.cell(self.row, c, h)
            cell.font, cell.alignment, cell.border = _BOLD, _CENTER, BORDER
        ws.row_dimensions[self.row].height = 48
        self.row += 1
        for g in groups:
            ws.cell(self.row, 1, g["heading"]).font = _BOLD
            ws.merge_cells(f"A{self.row}:{_LAST}{self.row}")
            for c in range(1, len(HEADINGS) + 1):
                ws.cell(self.row, c).border = BORDER
            self.row += 1
            for r in g["rows"]:
                v = verdicts[r["id"]]
                self.candidate([int(r["stt"]), r["name"], r["post_unit"], "\n".join(r["basis"]), v.votes,
                                v.approval])
        if not groups:
            ws.cell(self.row, 1, NOBODY).font = _FONT
            ws.merge_cells(f"A{self.row}:{_LAST}{self.row}")
            self.row += 1
        return header_row

    def candidate(self, values: list) -> None:
        ws = self.ws
        cells = [ws.cell(self.row, c, value) for c, value in enumerate(values, 1)]
        if self._styles is None:        # the first row: styles looked up (hashed) once
            for c, cell in enumerate(cells, 1):
                cell.font, cell.border = _FONT, BORDER
                cell.alignment = _CENTER if c in (1, 5, 6) else _TOP
            cells[5].number_format = "0.0%"
            self._styles = [cell._style for cell in cells]
        else:                           # the same style ids, as openpyxl copies a cell's style
            for cell, style in zip(cells, self._styles):
                cell._style = copy(style)
        # Row heights are set, not left to the reader: LibreOffice does not fit wrapped rows on opening.
        ws.row_dimensions[self.row].height = row_height(values[1:4], WIDTHS[1:4])
        self.row += 1


def _page_setup(ws, header_row: int) -> None:
    for letter, width in zip("ABCDEF", WIDTHS):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_danh_sach_xlsx(report, path: Path, *, draft: bool = False) -> None:
    """The Danh sách (candidates proposed: eligible and approved) as a deterministic .xlsx.

    Same rows and order as danh-sach.docx (context.build_context). Votes are
    numbers, the share is the exact fraction of all council members shown as a
    percentage. Raises DhttError (from build_context) when the round has no
    readable submission or plan profile.
    """
    from dhtt_docs.documents.context import build_context  # late: context imports the rules engine

    ctx = build_context(report, draft=draft, typography=False, candidates=False).common
    total = len(report.round.submission.council.members)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    sheet = _Sheet(ws, ctx["plan"]["approval_of"])
    sheet.title(ctx, draft)
    header_row = sheet.table(ctx["proposed"]["groups"], report)
    total_line = (TOTAL.format(count_text=ctx["proposed"]["count_text"], total=total)
                  if ctx["plan"]["approval_of"] == "tổng số thành viên Hội đồng"
                  else TOTAL_OF.format(count_text=ctx["proposed"]["count_text"], base=ctx["plan"]["approval_of"]))
    ws.cell(sheet.row + 1, 1, total_line).font = _FONT
    _page_setup(ws, header_row)
    save(wb, path, title=f"Danh sách đề nghị {ctx['plan']['proposal']}", author=ctx["unit"]["name"],
         when=report.round.submission.submission.date, subject=ctx["plan"]["id"])
