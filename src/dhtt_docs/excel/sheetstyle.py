"""What the workbooks written here share: borders, fills, row heights, and saving to deterministic bytes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from dhtt_docs.documents.docxfix import normalize_docx

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
LINE_PT = 15.75          # one line of 12 pt Times New Roman


def row_height(texts: list[str], widths: tuple[float, ...]) -> float:
    """Points for a row whose cells wrap: the most lines any cell needs, at ~1.1 characters per width unit."""
    lines = 1
    for text, width in zip(texts, widths):
        per_line = max(1, int(width * 1.1) - 2)
        need = sum(max(1, -(-len(part) // per_line)) for part in str(text or "").split("\n"))
        lines = max(lines, need)
    return round(lines * LINE_PT + 3, 2)


def save(wb: Workbook, path: Path, *, title: str, author: str, when: date, subject: str) -> None:
    """Write `wb` as the same bytes for the same content (core properties given, zip normalised)."""
    buf = io.BytesIO()
    wb.save(buf)
    data = normalize_docx(buf.getvalue(), title=title, author=author, when=when, subject=subject)
    Path(path).write_bytes(data)
