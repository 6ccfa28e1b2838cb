"""Raw Office Open XML shared by the renderer, the template linter and tools/make_templates.py.

Namespaces, relationship types, the few XML fragments the tool writes by hand
(the boxed "DỰ THẢO" of a draft), and the layout constants of the built-in
templates (NĐ 30/2020/NĐ-CP, Phụ lục I): tools/make_templates.py draws the
templates with them and documents/context.py balances the issuer's name
against the same header column, so the two cannot disagree. Lengths are in
twips (1/1440 inch, 1 cm = 566.929 twips) unless the name says otherwise.
"""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"

DRAFT_TEXT = "DỰ THẢO"

DRAFT_XML = (
    f'<w:p xmlns:w="{W_NS}"><w:pPr><w:framePr w:w="2268" w:hSpace="142" w:wrap="around" w:vAnchor="page" '
    'w:hAnchor="margin" w:xAlign="right" w:y="284"/><w:pBdr>'
    + "".join(f'<w:{s} w:val="single" w:sz="12" w:space="1" w:color="auto"/>' for s in ("top", "left", "bottom", "right"))
    + '</w:pBdr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    '<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" '
    'w:eastAsia="Times New Roman"/><w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr>'
    f"<w:t>{DRAFT_TEXT}</w:t></w:r></w:p>"
)

# --- layout constants (owner: documents/templates) ------------------------------

TWIPS_PER_CM = 566.929
TWIPS_PER_PT = 20


def cm(x: float) -> int:
    """Centimetres to twips."""
    return round(x * TWIPS_PER_CM)


PAGE_W, PAGE_H = 11906, 16838                      # A4 portrait
MARGIN_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_W = PAGE_W - cm(MARGIN_MM["left"] / 10) - cm(MARGIN_MM["right"] / 10)        # 16.5 cm
TEXT_W_LANDSCAPE = PAGE_H - cm(MARGIN_MM["left"] / 10) - cm(MARGIN_MM["right"] / 10)  # 25.2 cm

# Header table (ô 1-4): it reaches 0.6 cm into the left margin so that "BẢO HIỂM
# XÃ HỘI TỈNH THANH HÓA" (7.8 cm at 12 pt bold) fits one line; the right column
# holds "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (8.8 cm at 12 pt bold).
HEAD_INDENT = -cm(0.6)
HEAD_LEFT = cm(8.1)
HEAD_RIGHT = TEXT_W - HEAD_LEFT - HEAD_INDENT
HEADER_COLUMN_PT = HEAD_LEFT / TWIPS_PER_PT        # the issuer's column in points (about 229.6)
HEADER_FONT_PT = 12.0                              # issuer names, capitals, bold
WIDE_ISSUER_PT = 170.0                             # a name line wider than 6 cm gets the 3 cm rule
MOTTO_W = cm(5.65)                                 # "Độc lập - Tự do - Hạnh phúc", 13 pt bold
