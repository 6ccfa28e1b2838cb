"""OOXML helpers shared by the renderer and the template generator.

Layout constants: the page geometry of the built-in templates (NĐ 30/2020/NĐ-CP, Phụ lục I), in
one place: tools/make_templates.py draws the templates with them and
documents/context.py balances the issuer's name against the same header
column. Lengths are in twips (1/1440 inch, 1 cm = 566.929 twips) unless the
name says otherwise.
"""

from __future__ import annotations

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
