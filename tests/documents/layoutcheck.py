"""Checks on the text of a built PDF (pdftotext -layout), page by page, as a reader sees the lines.

Used by the typography tests; also handy by hand:
    python tests/documents/layoutcheck.py build/documents/*.pdf
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

YEAR = r"(?:19|20)\d\d"
_RANGE_END = re.compile(rf"{YEAR}\s*[-‑–]?\s*$")
_RANGE_START = re.compile(rf"^\s*[-‑–]\s*{YEAR}|^\s*{YEAR}\b")
_SO_BROKEN = re.compile(r"Số:\s*$|Số:\s*\S*[-‑]$")
_HEADING = re.compile(r"^\s*(?:[IVX]+\.|\d+\.|[a-đ]\))\s+\S")


def pages(pdf: Path) -> list[list[str]]:
    """The lines of each page (NFC, trailing blanks dropped)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = unicodedata.normalize("NFC", text)
    return [[ln.rstrip() for ln in page.split("\n")] for page in text.split("\f")]


def problems(pdf: Path) -> list[str]:
    """Year ranges or 'Số:' broken across lines; a heading as the last line of a page."""
    out = []
    all_pages = [pg for pg in pages(pdf) if any(ln.strip() for ln in pg)]
    for n, pg in enumerate(all_pages, 1):
        lines = [ln for ln in pg if ln.strip()]
        for a, b in zip(lines, lines[1:] + [""]):
            # only the last column's text matters at a line end; -layout puts columns side by side
            tail = a.split("   ")[-1].strip()
            head = b.strip().split("   ")[0]
            if re.search(rf"{YEAR}\s*[-‑–]\s*$", tail) or (
                    re.search(rf"\b{YEAR}\s*$", tail) and re.match(rf"[-‑–]\s*{YEAR}", head)) or (
                    re.search(rf"\b{YEAR}\s*$", tail) and tail.endswith(("-", "‑"))):
                out.append(f"{pdf.name} p{n}: year range broken: {a.strip()!r} / {b.strip()!r}")
            if _SO_BROKEN.search(a):
                out.append(f"{pdf.name} p{n}: 'Số:' broken: {a.strip()!r} / {b.strip()!r}")
        body = [ln for ln in lines if not re.fullmatch(r"\s*\d+\s*", ln)]     # page numbers
        if n < len(all_pages) and body and _HEADING.match(body[-1]):
            out.append(f"{pdf.name} p{n}: heading last on the page: {body[-1].strip()!r}")
    return out


def main(argv: list[str]) -> int:
    found = [x for f in argv[1:] for x in problems(Path(f))]
    print("\n".join(found) or "no problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
