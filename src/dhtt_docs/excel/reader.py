"""Reading a filled workbook: the file, its sheets, their header row, and each row's cells as typed values.

Every problem is a finding (`Findings`) whose file is the workbook's name, key
``"<sheet>!<column letter><row>"`` and line the row; nothing here raises for a
bad workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from dhtt_docs.excel.cells import CellError, is_blank, quoted, read_cell
from dhtt_docs.excel.layout import (
    RATING_HEADER_RX,
    SHEET_COLLECTIVES,
    SHEET_GUIDE,
    SHEET_INDIVIDUALS,
    SHEET_LISTS,
    Column,
    rating_column,
    sheet_columns,
)
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.profile import Profile
from dhtt_docs.vocab import norm


@dataclass(frozen=True)
class CellRef:
    sheet: str
    row: int
    column: str          # letter
    header: str

    @property
    def key(self) -> str:
        return f"{self.sheet}!{self.column}{self.row}"

    def where(self) -> Text:
        return t(f"Trang '{self.sheet}', dòng {self.row}, cột {self.column} ({self.header})",
                 f"Sheet '{self.sheet}', row {self.row}, column {self.column} ({self.header})")


@dataclass
class Row:
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
        return min(self.cells.values(), key=lambda c: (len(c.column), c.column))


def _capital(text: Text) -> Text:
    return Text(text.vi[:1].upper() + text.vi[1:], text.en[:1].upper() + text.en[1:])


class Findings:
    """The findings of one import, all about one workbook."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Finding] = []

    def add(self, severity: Severity, code: str, message: Text, cell: CellRef | None = None,
            sheet: str | None = None, **params: Any) -> None:
        message = _capital(message)
        if cell is not None:
            self.items.append(Finding(severity, cell.where() + ": " + message, file=self.file, line=cell.row,
                                      key=cell.key, clause="dossier", code=code, params=params))
        else:
            self.items.append(Finding(severity, message, file=self.file, line=None, key=sheet,
                                      clause="dossier", code=code, params=params))

    def error(self, code: str, message: Text, cell: CellRef | None = None, sheet: str | None = None,
              **params: Any) -> None:
        self.add(Severity.ERROR, code, message, cell, sheet, **params)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.items)


def open_workbook(path: Path, found: Findings):
    """The workbook (values, not formulas), or None with a finding saying how to get an .xlsx."""
    file = path.name
    if not path.is_file():
        found.error("xlsx.missing", t(f"Không thấy tệp '{path}'. Hãy kiểm tra tên và đường dẫn tệp Excel.",
                                      f"File '{path}' not found. Check the Excel file's name and path."))
        return None
    raw = path.read_bytes()
    if raw[:4] == b"\xd0\xcf\x11\xe0":
        found.error("xlsx.format", t(f"Tệp '{file}' là bảng tính Excel 97-2003 (.xls) hoặc có đặt mật khẩu. "
                                     "Hãy mở bằng Excel, bỏ mật khẩu nếu có, rồi Lưu thành (Save As) dạng "
                                     "\"Excel Workbook (*.xlsx)\" và nhập lại tệp .xlsx.",
                                     f"The file '{file}' is an Excel 97-2003 workbook (.xls) or is "
                                     "password-protected. Open it in Excel, remove the password if there is one, "
                                     "then Save As \"Excel Workbook (*.xlsx)\" and import the .xlsx file."))
        return None
    if raw[:4] != b"PK\x03\x04":
        found.error("xlsx.format", t(f"Tệp '{file}' không phải bảng tính Excel .xlsx. Hãy dùng mẫu tạo bằng "
                                     "`dhtt-docs xlsx template`, điền và lưu dạng .xlsx.",
                                     f"The file '{file}' is not an Excel .xlsx workbook. Use the template "
                                     "made with `dhtt-docs xlsx template`, fill it in and save it as .xlsx."))
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in z.namelist() else ""
    except zipfile.BadZipFile:
        mimetype = ""
    if "opendocument" in mimetype:
        found.error("xlsx.format", t(f"Tệp '{file}' là bảng tính OpenDocument (.ods). Hãy mở bằng "
                                     "LibreOffice Calc và Lưu thành (Save As) dạng \"Excel 2007-365 (.xlsx)\".",
                                     f"The file '{file}' is an OpenDocument spreadsheet (.ods). Open it in "
                                     "LibreOffice Calc and Save As \"Excel 2007-365 (.xlsx)\"."))
        return None
    try:
        return load_workbook(io.BytesIO(raw), data_only=True)
    except Exception:   # noqa: BLE001 - any unreadable file is one finding, never a traceback
        found.error("xlsx.format", t(f"Không đọc được tệp '{file}' như một bảng tính Excel .xlsx (tệp hỏng "
                                     "hoặc là loại tệp khác đổi tên). Hãy mở bằng Excel và lưu lại dạng .xlsx.",
                                     f"Cannot read the file '{file}' as an Excel .xlsx workbook (it is "
                                     "damaged, or another kind of file renamed). Open it in Excel and save it "
                                     "again as .xlsx."))
        return None


class SheetReader:
    """The sheets of one workbook read row by row into typed values."""

    def __init__(self, profile: Profile, found: Findings):
        self.profile, self.found = profile, found
        self.layout = sheet_columns(profile)

    def sheets(self, wb) -> dict[str, Any]:
        """Template sheet name -> worksheet, for the sheets of the template the workbook has."""
        known = {norm(name): name for name in self.layout}
        skipped = {norm(SHEET_GUIDE), norm(SHEET_LISTS)}
        out: dict[str, Any] = {}
        for ws in wb.worksheets:
            key = norm(ws.title)
            if key in known and known[key] not in out:
                out[known[key]] = ws
            elif key not in skipped:
                names = list(self.layout)
                self.found.add(Severity.WARNING, "xlsx.unknown_sheet",
                               t(f"Trang '{ws.title}' không thuộc mẫu nên bị bỏ qua. Các trang được đọc: "
                                 f"{', '.join(names)}.",
                                 f"Sheet '{ws.title}' is not part of the template, so it is skipped. The sheets "
                                 f"read are: {quoted(names)}."), sheet=ws.title)
        if SHEET_INDIVIDUALS not in out and SHEET_COLLECTIVES not in out:
            file = self.found.file
            self.found.error("xlsx.no_sheets", t(f"Tệp '{file}' không có trang '{SHEET_INDIVIDUALS}' hay "
                                                 f"'{SHEET_COLLECTIVES}'. Hãy dùng mẫu tạo bằng "
                                                 "`dhtt-docs xlsx template` (không đổi tên các trang).",
                                                 f"The file '{file}' has no sheet '{SHEET_INDIVIDUALS}' or "
                                                 f"'{SHEET_COLLECTIVES}'. Use the template made with "
                                                 "`dhtt-docs xlsx template` (without renaming its sheets)."))
        return out

    def columns(self, sheet: str, ws) -> dict[int, Column] | None:
        """Column index -> its description, from the header row; None if a required column is missing."""
        cols = self.layout[sheet]
        by_header: dict[str, Column] = {}
        for col in cols:
            for h in (col.header, *col.aliases):
                by_header.setdefault(norm(h), col)
        found: dict[int, Column] = {}
        seen: set[str] = set()
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            if is_blank(cell.value):
                continue
            text = norm(re.sub(r"\s*\*\s*$", "", str(cell.value)))
            col = by_header.get(text) or by_header.get(norm(re.sub(r"\s*\(.*\)\s*$", "", text)))
            if col is None and sheet == SHEET_INDIVIDUALS:
                m = RATING_HEADER_RX.match(text)
                if m:
                    col = rating_column(int(m.group(1)))
            ref = CellRef(sheet, 1, cell.column_letter, str(cell.value))
            if col is None:
                self.found.add(Severity.WARNING, "xlsx.unknown_column",
                               t(f"cột '{cell.value}' không thuộc mẫu nên bị bỏ qua.",
                                 f"the column '{cell.value}' is not part of the template, so it is skipped."), ref)
                continue
            if col.field in seen:
                self.found.add(Severity.WARNING, "xlsx.duplicate_column",
                               t(f"cột '{col.header}' có hai lần; chỉ đọc cột đầu tiên.",
                                 f"the column '{col.header}' appears twice; only the first one is read."), ref)
                continue
            seen.add(col.field)
            found[cell.column] = col
        missing = [c.header for c in cols if c.required and c.field not in seen]
        if missing:
            self.found.error("xlsx.missing_column",
                             t(f"Trang '{sheet}' thiếu cột bắt buộc: {', '.join(missing)}. Hãy thêm lại cột với "
                               "đúng tiêu đề ở dòng 1 (xem trang Hướng dẫn), hoặc dùng mẫu mới tạo bằng "
                               "`dhtt-docs xlsx template`.",
                               f"Sheet '{sheet}' lacks required columns: {quoted(missing)}. Add the "
                               f"columns back with exactly these headers in row 1 (see the '{SHEET_GUIDE}' sheet), "
                               "or use a new template made with `dhtt-docs xlsx template`."),
                             sheet=sheet)
            return None
        return found

    def rows(self, sheet: str, ws) -> list[Row]:
        """The sheet's non-blank rows, each cell read by its column's kind (bad cells: a finding each)."""
        mapping = self.columns(sheet, ws)
        if mapping is None:
            return []
        out = []
        for cells in ws.iter_rows(min_row=2):
            if not any(c.column in mapping and not is_blank(c.value) for c in cells):
                continue      # blank rows (and rows with text only in unknown columns) are skipped
            r = cells[0].row
            row = Row(sheet, r, {}, {})
            for c in cells:
                col = mapping.get(c.column)
                if col is None:
                    continue
                ref = CellRef(sheet, r, c.column_letter, col.header)
                row.cells[col.field] = ref
                if is_blank(c.value):
                    continue
                try:
                    row.values[col.field] = read_cell(col.kind, c.value, c.number_format, self.profile)
                except CellError as e:
                    row.bad.add(col.field)
                    msg = e.message
                    self.found.error("xlsx.cell", msg + ("" if msg.vi.endswith((".", "?")) else "."), ref)
            out.append(row)
        return out
