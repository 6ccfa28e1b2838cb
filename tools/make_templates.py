#!/usr/bin/env python3
"""Generate the five built-in document templates (templates/*.docx) and docs/template-variables.md.

Run after changing the layout:  python tools/make_templates.py

The templates are ordinary Word documents with docxtpl (Jinja) tags, so a user
can open one in Word or LibreOffice, change the wording and build with it
(`dhtt-docs build --templates DIR`). Rules kept here:

* every Jinja tag is written inside ONE run (Word/LibreOffice then keep it
  whole); paragraph blocks use ``{%p ... %}``, table rows ``{%tr ... %}``;
  those control lines are in the grey style "Lệnh mẫu" and vanish when rendered;
* layout per NĐ 30/2020/NĐ-CP Phụ lục I: A4, margins 20/20/30/15 mm, Times New
  Roman (set for ascii, hAnsi, cs and eastAsia, so LibreOffice substitutes
  Liberation Serif), 14 pt body, the two-column header as a borderless table,
  page number centred in the top margin and not on page 1 (w:titlePg);
* named styles (Normal, Body Text, List Bullet, "Căn cứ", "Đề mục I", ...),
  so a user changes the look of all paragraphs of one kind in one place;
* element order inside w:pPr / w:rPr / w:tblPr follows the OOXML schema
  (Word refuses files that LibreOffice would accept).

The output is deterministic (fixed zip dates, fixed core properties), so
re-running the script only changes files whose content changed.
"""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.shared import Mm, Twips

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dhtt_docs.documents import danh_sach as danh_sach_layout
from dhtt_docs.documents.docxfix import normalize_docx
from dhtt_docs.documents.ooxml import (
    HEAD_INDENT,
    HEAD_LEFT,
    HEAD_RIGHT,
    MARGIN_MM,
    MOTTO_W,
    PAGE_H,
    PAGE_W,
    TEXT_W,
    TEXT_W_LANDSCAPE,
    TWIPS_PER_CM,
    cm,
)
from dhtt_docs.documents.variables import variables_markdown
from dhtt_docs.documents.render import TEMPLATE_FILES

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W_NS}"'
FONT = "Times New Roman"
NBSP = "\u00a0"        # no-break space: a number and its unit, the last two words of a closing
TEMPLATE_DATE = date(2024, 1, 1)

# --- geometry: documents/ooxml.py (shared with the runtime) ----------------------

MARGIN = {k: Mm(v) for k, v in MARGIN_MM.items()}


# --- styles, numbering, settings ------------------------------------------------


def rpr(*, b=False, i=False, caps=False, color=None, sz=None, fonts=False, lang=False) -> str:
    """w:rPr children in schema order."""
    x = ""
    if fonts:
        x += f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
    if b:
        x += "<w:b/><w:bCs/>"
    if i:
        x += "<w:i/><w:iCs/>"
    if caps:
        x += "<w:caps/>"
    if color:
        x += f'<w:color w:val="{color}"/>'
    if sz:
        x += f'<w:sz w:val="{int(sz * 2)}"/><w:szCs w:val="{int(sz * 2)}"/>'
    if lang:
        x += '<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/>'
    return f"<w:rPr>{x}</w:rPr>" if x else ""


def ppr(*, style=None, keep_next=False, keep_lines=False, widow=None, num=None, border=None, tabs=None,
        before=None, after=None, line=None, ind=None, jc=None, mark=None) -> str:
    """w:pPr children in schema order. ind: dict of left/right/firstLine/hanging (twips)."""
    x = ""
    if style:
        x += f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        x += "<w:keepNext/>"
    if keep_lines:
        x += "<w:keepLines/>"
    if widow is not None:
        x += "<w:widowControl/>" if widow else '<w:widowControl w:val="0"/>'
    if num is not None:
        x += f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'
    if border:
        x += f'<w:pBdr><w:{border} w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
    if tabs:
        x += "<w:tabs>" + "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs) + "</w:tabs>"
    if before is not None or after is not None or line is not None:
        attrs = ""
        if before is not None:
            attrs += f' w:before="{before}"'
        if after is not None:
            attrs += f' w:after="{after}"'
        if line is not None:
            attrs += f' w:line="{line}" w:lineRule="auto"'
        x += f"<w:spacing{attrs}/>"
    if ind:
        x += "<w:ind" + "".join(f' w:{k}="{v}"' for k, v in ind.items()) + "/>"
    if jc:
        x += f'<w:jc w:val="{jc}"/>'
    if mark:
        x += mark
    return f"<w:pPr>{x}</w:pPr>" if x else ""


def pstyle(sid: str, name: str, *, based="Normal", nxt=None, p="", r="", default=False, ui=None) -> str:
    d = ' w:default="1"' if default else ""
    x = f'<w:style w:type="paragraph"{d} w:styleId="{sid}"><w:name w:val="{name}"/>'
    if based:
        x += f'<w:basedOn w:val="{based}"/>'
    if nxt:
        x += f'<w:next w:val="{nxt}"/>'
    if ui is not None:
        x += f'<w:uiPriority w:val="{ui}"/>'
    x += "<w:qFormat/>" + p + r + "</w:style>"
    return x


BODY_SPACING = {"before": 120, "after": 0, "line": 276}   # 6 pt before, 1.15 lines
FIRST_LINE = {"firstLine": 720}                            # 1.27 cm

STYLES = [
    pstyle("Normal", "Normal", based=None, default=True, ui=0,
           p=ppr(widow=True, before=0, after=0, line=240), r=rpr(fonts=True, sz=14, lang=True)),
    pstyle("BodyText", "Body Text", p=ppr(**BODY_SPACING, ind=FIRST_LINE, jc="both")),
    pstyle("ListBullet", "List Bullet", based="BodyText",
           p=ppr(num=1, ind={"left": 0, "firstLine": 720})),
    pstyle("CanCu", "Căn cứ", based="BodyText", r=rpr(i=True)),
    pstyle("DeMucI", "Đề mục I", based="BodyText", nxt="BodyText", p=ppr(keep_next=True), r=rpr(b=True)),
    pstyle("DeMuc1", "Đề mục 1", based="BodyText", nxt="BodyText", p=ppr(keep_next=True), r=rpr(b=True)),
    pstyle("DeMucA", "Đề mục a", based="BodyText", nxt="BodyText", p=ppr(keep_next=True), r=rpr(i=True)),
    pstyle("TenLoai", "Tên loại văn bản", nxt="TrichYeu", p=ppr(keep_next=True, before=360, jc="center"),
           r=rpr(b=True, sz=14)),
    pstyle("TrichYeu", "Trích yếu", p=ppr(keep_next=True, jc="center"), r=rpr(b=True, sz=14)),
    pstyle("DuongKe", "Đường kẻ", p=ppr(keep_next=True, border="top", before=90, after=0, line=240, jc="center"),
           r=rpr(sz=1)),
    pstyle("KinhGui", "Kính gửi", p=ppr(before=240, after=120, jc="center")),
    pstyle("KinhGuiDong", "Kính gửi - dòng", p=ppr(ind={"left": cm(4.6)})),
    pstyle("CoQuanChuQuan", "Cơ quan chủ quản", p=ppr(jc="center"), r=rpr(sz=12)),
    pstyle("CoQuanBanHanh", "Cơ quan ban hành", p=ppr(jc="center"), r=rpr(b=True, sz=12)),
    pstyle("QuocHieu", "Quốc hiệu", p=ppr(jc="center"), r=rpr(b=True, sz=12)),
    pstyle("TieuNgu", "Tiêu ngữ", p=ppr(jc="center"), r=rpr(b=True, sz=13)),
    pstyle("SoKyHieu", "Số, ký hiệu", p=ppr(before=120, jc="center"), r=rpr(sz=13)),
    pstyle("DiaDanh", "Địa danh và ngày tháng", p=ppr(before=120, jc="center"), r=rpr(i=True, sz=14)),
    pstyle("PhuLuc", "Phụ lục", p=ppr(keep_next=True, jc="center"), r=rpr(b=True, sz=14)),
    pstyle("KemTheo", "Kèm theo", p=ppr(keep_next=True, jc="center"), r=rpr(i=True, sz=14)),
    pstyle("NoiNhan", "Nơi nhận", p=ppr(before=240, keep_next=True), r=rpr(b=True, i=True, sz=12)),
    pstyle("NoiNhanDong", "Nơi nhận - dòng", r=rpr(sz=11)),
    pstyle("ChucDanhKy", "Chức danh người ký", p=ppr(keep_next=True, jc="center"), r=rpr(b=True, sz=14)),
    pstyle("HoTenKy", "Họ tên người ký", p=ppr(before=1560, jc="center"), r=rpr(b=True, sz=14)),
    pstyle("Bang", "Bảng", p=ppr(before=40, after=40), r=rpr(sz=13)),
    pstyle("BangGiua", "Bảng - giữa", based="Bang", p=ppr(jc="center")),
    pstyle("BangTieuDe", "Bảng - tiêu đề", based="Bang", p=ppr(jc="center"), r=rpr(b=True)),
    pstyle("BangNhom", "Bảng - nhóm", based="Bang", p=ppr(keep_next=True), r=rpr(b=True)),
    pstyle("Header", "header", p=ppr(tabs=[("center", 4678), ("right", 9355)], jc="center"), r=rpr(sz=14)),
    pstyle("Footer", "footer", p=ppr(tabs=[("center", 4678), ("right", 9355)])),
    pstyle("LenhMau", "Lệnh mẫu", p=ppr(before=0, after=0), r=rpr(color="7F7F7F", sz=9)),
]

TABLE_STYLES = (
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
    '<w:uiPriority w:val="39"/><w:tblPr><w:tblBorders>'
    + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
              for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    + "</w:tblBorders></w:tblPr></w:style>"
)

STYLES_XML = (
    f'<w:styles {NS}><w:docDefaults><w:rPrDefault>{rpr(fonts=True, sz=14, lang=True)}</w:rPrDefault>'
    f'<w:pPrDefault>{ppr(before=0, after=0, line=240)}</w:pPrDefault></w:docDefaults>'
    + "".join(STYLES)
    + '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
      '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    + TABLE_STYLES
    + '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
      '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    + "</w:styles>"
)

# One list: the "- " dash of Vietnamese administrative texts, at the first-line indent,
# followed by a space, wrapped lines back at the margin (like the body text).
NUMBERING_XML = (
    f'<w:numbering {NS}><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:suff w:val="space"/>'
    '<w:lvlText w:val="-"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="720"/></w:pPr>'
    f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}" w:hint="default"/>'
    '</w:rPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
)

SETTINGS_XML = (
    f'<w:settings {NS}><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat><w:themeFontLang w:val="vi-VN"/>'
    '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>'
)

APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>dhtt-docs</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"
)


# --- XML builders -----------------------------------------------------------------


def r(text: str = "", *, b=False, i=False, sz=None, tab_before=False) -> str:
    """One run. A Jinja tag always goes whole into one run."""
    props = rpr(b=b, i=i, sz=sz)
    tab = "<w:tab/>" if tab_before else ""
    t = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")) \
        if text else ""
    return f"<w:r>{props}{tab}{t}</w:r>"


def p(*runs: str | tuple, style: str = "BodyText", **fmt) -> str:
    """A paragraph; plain strings become runs."""
    body = "".join(x if x.startswith("<w:r>") else r(x) for x in runs)
    return f"<w:p>{ppr(style=style, **fmt)}{body}</w:p>"


def ctl(tag: str) -> str:
    """A control paragraph ({%p ... %}): removed when rendered; grey in the template."""
    return p(r(tag), style="LenhMau")


def rule(length_cm: float, width: int) -> str:
    """A short centred rule: an empty paragraph with a top border, indented to the rule's length."""
    side = max(0, (width - cm(length_cm)) // 2)
    return p(style="DuongKe", ind={"left": side, "right": side})


def paragraphs(var: str) -> list[str]:
    """A multi-line field: body paragraphs, '- ' lines as list items."""
    return [ctl(f"{{%p for x in {var} %}}"), ctl("{%p if x.bullet %}"), p("{{ x.text }}", style="ListBullet"),
            ctl("{%p else %}"), p("{{ x.text }}"), ctl("{%p endif %}"), ctl("{%p endfor %}")]


def bullets(var: str, empty: str | None = "Không có.") -> list[str]:
    out = [ctl(f"{{%p for x in {var} %}}"), p("{{ x }}", style="ListBullet"), ctl("{%p endfor %}")]
    if empty:
        out += [ctl(f"{{%p if not {var} %}}"), p(empty), ctl("{%p endif %}")]
    return out


def tc(width: int, *paras: str, span: int = 1, valign: str | None = None) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if valign:
        props += f'<w:vAlign w:val="{valign}"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{''.join(paras) or p(style='Bang')}</w:tc>"


def tr(*cells: str, header: bool = False, cant_split: bool = True) -> str:
    props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


def ctl_row(tag: str, widths: list[int]) -> str:
    """A {%tr ... %} row: the whole row is replaced by the tag when rendered."""
    return tr(tc(sum(widths), p(r(tag), style="LenhMau"), span=len(widths)), cant_split=False)


def table(widths: list[int], rows: list[str], *, grid: bool = True, indent: int = 0, margins: int = 85) -> str:
    borders = "" if grid else (
        "<w:tblBorders>" + "".join(f'<w:{s} w:val="nil"/>' for s in
                                   ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
    style = '<w:tblStyle w:val="TableGrid"/>' if grid else ""
    tblpr = (f'<w:tblPr>{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
             f'<w:tblInd w:w="{indent}" w:type="dxa"/>{borders}<w:tblLayout w:type="fixed"/>'
             f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{margins}" w:type="dxa"/>'
             f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{margins}" w:type="dxa"/></w:tblCellMar>'
             '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
             'w:noHBand="0" w:noVBand="1"/></w:tblPr>')
    grid_xml = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    return f"<w:tbl>{tblpr}{grid_xml}{''.join(rows)}</w:tbl>"


def header_table(number: str | None, place_date: bool) -> str:
    """Ô 1-4 of NĐ 30: issuer | Quốc hiệu, Tiêu ngữ; then Số | địa danh, ngày tháng on one row."""
    left = [
        ctl("{%p if header.parent %}"),
        p("{{ header.parent }}", style="CoQuanChuQuan"),
        ctl("{%p endif %}"),
        p("{{ header.issuer }}", style="CoQuanBanHanh"),
        ctl("{%p if header.wide %}"), rule(3.0, HEAD_LEFT), ctl("{%p else %}"), rule(2.0, HEAD_LEFT),
        ctl("{%p endif %}"),
    ]
    right = [
        p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="QuocHieu"),
        p("Độc lập - Tự do - Hạnh phúc", style="TieuNgu"),
        rule(MOTTO_W / TWIPS_PER_CM, HEAD_RIGHT),
    ]
    second = tr(tc(HEAD_LEFT, p(number, style="SoKyHieu") if number else p(style="SoKyHieu")),
                tc(HEAD_RIGHT, p("{{ place_date }}", style="DiaDanh") if place_date else p(style="DiaDanh")))
    return table([HEAD_LEFT, HEAD_RIGHT], [tr(tc(HEAD_LEFT, *left), tc(HEAD_RIGHT, *right)), second],
                 grid=False, indent=HEAD_INDENT, margins=0)


def signature_pair(left_titles: list[str], left_name: str, right_titles: list[str], right_name: str,
                   width: int = TEXT_W) -> str:
    """Two signatures side by side; titles on the first row, names on the second (so they line up)."""
    half = width // 2
    gap = p(style="ChucDanhKy", before=240, mark=rpr(sz=1))     # 12 pt above the titles
    return table([half, width - half], [
        tr(tc(half, gap, *left_titles), tc(width - half, gap, *right_titles)),
        tr(tc(half, p(left_name, style="HoTenKy")), tc(width - half, p(right_name, style="HoTenKy"))),
    ], grid=False, margins=0)


def signer_lines() -> list[str]:
    return [ctl("{%p for l in signature.lines %}"), p("{{ l }}", style="ChucDanhKy"), ctl("{%p endfor %}")]


def honours_tables() -> list[str]:
    widths = [cm(2.0), cm(5.6), TEXT_W - cm(7.6)]
    out = []
    # The last ROW of the last table keeps with the signatures below it (keepNext on its
    # paragraphs), so a signature never stands alone on the last page; the rows before it may
    # break across pages (header row repeated), so a long table no longer moves whole to the
    # next page leaving the page before half empty.
    for num, title, key, head2, head3 in (
            ("1.", "Danh hiệu thi đua", "emulation_titles", "Danh hiệu thi đua",
             "Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi đua; cơ quan ban hành quyết định"),
            ("2.", "Hình thức khen thưởng", "awards", "Hình thức khen thưởng",
             "Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành quyết định")):
        def row(keep: bool) -> str:
            return tr(tc(widths[0], p("{{ h.year }}", style="BangGiua", keep_next=keep)),
                      tc(widths[1], p("{{ h.title }}", style="Bang", keep_next=keep)),
                      tc(widths[2], p("{{ h.decision }}", style="Bang", keep_next=keep)))

        rows = [row(False)] if key != "awards" else [
            row(False), ctl_row("{%tr endfor %}", widths),
            ctl_row(f"{{%tr for h in candidate.{key}[-1:] %}}", widths), row(True)]
        loop = f"candidate.{key}" if key != "awards" else f"candidate.{key}[:-1]"
        out += [p(f"{num} {title}", style="DeMuc1"),
                table(widths, [
                    tr(*(tc(w, p(h, style="BangTieuDe"), valign="center")
                         for w, h in zip(widths, ["Năm", head2, head3])), header=True),
                    ctl_row(f"{{%tr for h in {loop} %}}", widths),
                    *rows,
                    ctl_row("{%tr endfor %}", widths),
                ])]
    return out


def report_title() -> list[str]:
    return [p("BÁO CÁO THÀNH TÍCH", style="TenLoai"),
            p("ĐỀ NGHỊ {{ plan.proposal_upper }}", style="TrichYeu"),
            p("{{ candidate.name }}", style="TrichYeu"),
            rule(5.5, TEXT_W), p(style="BodyText")]


# --- the five documents -------------------------------------------------------------


def to_trinh() -> list[str]:
    return [
        header_table("{{ submission.number_line }}", True),
        p("TỜ TRÌNH", style="TenLoai"),
        p("{{ plan.subject }}", style="TrichYeu"),
        rule(5.5, TEXT_W),
        ctl("{%p if submission.recipients|length == 1 %}"),
        p("Kính gửi: {{ submission.recipients[0] }}", style="KinhGui"),
        ctl("{%p else %}"),
        p(r("Kính gửi:"), r("{{ submission.recipient_lines[0] }}", tab_before=True), style="KinhGuiDong",
          before=240, ind={"left": cm(4.6), "hanging": cm(2.1)}, tabs=[("left", cm(4.6))]),
        ctl("{%p for x in submission.recipient_lines[1:] %}"),
        p("{{ x }}", style="KinhGuiDong"),
        ctl("{%p endfor %}"),
        p(style="KinhGuiDong", after=120),
        ctl("{%p endif %}"),
        ctl("{%p for x in submission.basis_lines %}"),
        p("{{ x }}", style="CanCu"),
        ctl("{%p endfor %}"),
        p("Thực hiện {{ plan.reference }}, {{ meeting.date }}, {{ council.name }} đã họp xét, bỏ phiếu kín "
          "lựa chọn {{ plan.kinds }} đề nghị {{ plan.proposal }} ({{ meeting.present_count }}/"
          "{{ council.members_total }} thành viên Hội đồng có mặt). Kết quả: {{ proposed.count_text }} đạt "
          "tiêu chuẩn của Kế hoạch và được {{ plan.approval_text }} đồng ý."),
        # The closing paragraph of the NĐ 30 (Mẫu 1.x) / NĐ 152 Tờ trình, said once.
        p("Trên đây là Tờ trình đề nghị {{ plan.proposal }} cho {{ proposed.count_text }} (có danh sách và báo "
          "cáo thành tích kèm theo), {{ unit.name }} kính trình {{ submission.recipients_text }} xem xét, "
          f"quyết{NBSP}định./.", keep_next=True),
        table([cm(7.5), TEXT_W - cm(7.5)], [tr(
            tc(cm(7.5),
               p("Nơi nhận:", style="NoiNhan"),
               p("- Như trên;", style="NoiNhanDong"),
               ctl("{%p for x in submission.copies_to %}"),
               p("{{ x }}", style="NoiNhanDong"),
               ctl("{%p endfor %}"),
               p("- Lưu: VT, TĐKT.", style="NoiNhanDong")),
            tc(TEXT_W - cm(7.5), p(style="ChucDanhKy", before=240, mark=rpr(sz=1)), *signer_lines(),
               p("{{ signature.name }}", style="HoTenKy")),
        )], grid=False, margins=0),
    ]


def danh_sach() -> list[str]:
    fixed = sum(cm(c.docx_cm) for c in danh_sach_layout.COLUMNS if c.docx_cm is not None)
    widths = [cm(c.docx_cm) if c.docx_cm is not None else TEXT_W_LANDSCAPE - fixed
              for c in danh_sach_layout.COLUMNS]
    heads = danh_sach_layout.headings("{{ plan.approval_of }}")
    return [
        p("Phụ lục", style="PhuLuc"),
        p(danh_sach_layout.title("{{ plan.proposal_upper }}", "{{ plan.kinds_upper }}"), style="TrichYeu"),
        p("(Kèm theo {{ submission.reference }})", style="KemTheo"),
        rule(6.0, TEXT_W_LANDSCAPE),
        p(style="BodyText"),
        table(widths, [
            tr(*(tc(w, p(h, style="BangTieuDe"), valign="center") for w, h in zip(widths, heads)), header=True),
            ctl_row("{%tr for g in proposed.groups %}", widths),
            tr(tc(sum(widths), p("{{ g.heading }}", style="BangNhom"), span=len(widths))),
            ctl_row("{%tr for x in g.rows %}", widths),
            tr(tc(widths[0], p("{{ x.stt }}", style="BangGiua")),
               tc(widths[1], p("{{ x.name }}", style="Bang")),
               tc(widths[2], p("{{ x.post_unit }}", style="Bang")),
               tc(widths[3], ctl("{%p for b in x.basis %}"), p("{{ b }}", style="Bang"), ctl("{%p endfor %}")),
               tc(widths[4], p("{{ x.votes }}", style="BangGiua")),
               tc(widths[5], p("{{ x.percent }}", style="BangGiua"))),
            ctl_row("{%tr endfor %}", widths),
            ctl_row("{%tr endfor %}", widths),
            ctl_row("{%tr if not proposed.groups %}", widths),
            tr(tc(sum(widths), p(danh_sach_layout.EMPTY, style="BangGiua"),
                  span=len(widths))),
            ctl_row("{%tr endif %}", widths),
        ]),
        p("Danh sách có {{ proposed.count_text }}./.", style="BodyText"),
    ]


def bien_ban() -> list[str]:
    widths = [cm(1.2), cm(6.9), cm(2.2), cm(3.0), 0]
    widths[4] = TEXT_W - sum(widths)
    heads = ["STT", "Tập thể/cá nhân", "Số phiếu đồng ý", "Tỷ lệ % trên {{ plan.approval_of }}", "Kết quả"]
    return [
        header_table("{{ meeting.number_line }}", False),
        p("BIÊN BẢN", style="TenLoai"),
        p("Họp {{ council.short_name }}\nxét đề nghị {{ plan.proposal }}", style="TrichYeu"),
        rule(5.5, TEXT_W),
        p(style="BodyText"),
        p(r("Thời gian bắt đầu: ", b=True), r("{{ meeting.start }}.")),
        p(r("Địa điểm: ", b=True), r("{{ meeting.location }}.")),
        p(r("Thành phần tham dự: ", b=True),
          r(f"{{{{ meeting.present_count }}}}/{{{{ council.members_total }}}}{NBSP}thành viên {{{{ council.name }}}}, "
            "gồm:")),
        *bullets("meeting.present_lines", empty=None),
        ctl("{%p if meeting.absent %}"),
        p(r("Vắng mặt: ", b=True), r(f"{{{{ meeting.absent_count }}}}/{{{{ council.members_total }}}}{NBSP}thành viên:")),
        *bullets("meeting.absent_lines", empty=None),
        ctl("{%p else %}"),
        p(r("Vắng mặt: ", b=True), r("không.")),
        ctl("{%p endif %}"),
        p(r("Chủ trì: ", b=True), r("Đồng chí {{ council.chair.line }}.")),
        p(r("Thư ký: ", b=True), r("Đồng chí {{ council.secretary.line }}.")),
        p("NỘI DUNG CUỘC HỌP", style="DeMucI"),
        p("1. Quán triệt tiêu chuẩn và hồ sơ đề nghị", style="DeMuc1"),
        p("Hội đồng quán triệt tiêu chuẩn {{ plan.proposal }} quy định tại {{ plan.reference }}. Thường trực "
          "Hội đồng báo cáo tổng hợp hồ sơ đề nghị của {{ meeting.candidates_text }}."),
        p("2. Thảo luận và bỏ phiếu", style="DeMuc1"),
        p("Hội đồng thảo luận, nhận xét thành tích, đối chiếu tiêu chuẩn của từng {{ plan.kinds }} và thống nhất "
          "lựa chọn bằng hình thức bỏ phiếu kín. Kết quả kiểm phiếu: số phiếu phát ra: {{ meeting.ballots.issued }}; "
          "số phiếu thu về: {{ meeting.ballots.returned }}; số phiếu hợp lệ: {{ meeting.ballots.valid }}."),
        p("3. Kết quả bỏ phiếu", style="DeMuc1"),
        p("Tỷ lệ phiếu đồng ý tính trên {{ plan.approval_counted_on }}. {{ plan.kinds | capitalize }} "
          "được đề nghị phải đạt tiêu chuẩn và được {{ plan.approval_text }} đồng ý:",
          after=120),
        table(widths, [
            tr(*(tc(w, p(h, style="BangTieuDe"), valign="center") for w, h in zip(widths, heads)), header=True),
            ctl_row("{%tr for g in results.groups %}", widths),
            tr(tc(sum(widths), p("{{ g.heading }}", style="BangNhom"), span=len(widths))),
            ctl_row("{%tr for x in g.rows %}", widths),
            tr(tc(widths[0], p("{{ x.stt }}", style="BangGiua")),
               tc(widths[1], p("{{ x.name }}", style="Bang")),
               tc(widths[2], p("{{ x.votes }}", style="BangGiua")),
               tc(widths[3], p("{{ x.percent }}", style="BangGiua")),
               tc(widths[4], p("{{ x.result }}", style="BangGiua"))),
            ctl_row("{%tr endfor %}", widths),
            ctl_row("{%tr endfor %}", widths),
        ]),
        p("4. Ý kiến bằng văn bản của thành viên vắng mặt", style="DeMuc1"),
        ctl("{%p for x in meeting.opinion_lines %}"), p("{{ x }}"), ctl("{%p endfor %}"),
        p("5. Kết luận", style="DeMuc1"),
        p("Căn cứ tiêu chuẩn quy định tại {{ plan.reference }} và kết quả bỏ phiếu, Hội đồng thống nhất đề nghị "
          "{{ unit.head.title }} {{ unit.name }} trình {{ submission.recipients_text }} xem xét, "
          "{{ plan.proposal }} cho {{ proposed.count_text }}."),
        ctl("{%p if proposed.collectives %}"),
        p("Tập thể ({{ proposed.collectives_count }}):", style="DeMucA"),
        *bullets("proposed.collectives", empty=None),
        ctl("{%p endif %}"),
        ctl("{%p if proposed.individuals %}"),
        p("Cá nhân ({{ proposed.individuals_count }}):", style="DeMucA"),
        *bullets("proposed.individuals", empty=None),
        ctl("{%p endif %}"),
        ctl("{%p if results.not_proposed %}"),
        p("Không đề nghị:", style="DeMucA"),
        ctl("{%p for x in results.not_proposed %}"),
        p("{{ x.name }}: {{ x.reason }}", style="ListBullet"),
        ctl("{%p endfor %}"),
        ctl("{%p endif %}"),
        p("Biên bản đã được đọc lại cho các thành viên dự họp nghe và nhất trí thông qua.", keep_next=True),
        p("{{ meeting.closing }}./.", keep_next=True),
        signature_pair([p("THƯ KÝ", style="ChucDanhKy")], "{{ council.secretary.name }}",
                       [p("CHỦ TỌA", style="ChucDanhKy")], "{{ council.chair.name }}"),
    ]


def bao_cao_ca_nhan() -> list[str]:
    def field(label: str, var: str, optional: bool = True) -> list[str]:
        line = p(f"- {label}: {{{{ candidate.{var} }}}}")
        return [ctl(f"{{%p if candidate.{var} %}}"), line, ctl("{%p endif %}")] if optional else [line]

    return [
        header_table(None, True),
        *report_title(),
        p("I. SƠ LƯỢC LÝ LỊCH", style="DeMucI"),
        *field("Họ và tên", "name", False),
        p("- Sinh ngày, tháng, năm: {{ candidate.birth_date }}; Giới tính: {{ candidate.gender }}"),
        *field("Dân tộc", "ethnicity"),
        *field("Tôn giáo", "religion"),
        *field("Quê quán", "hometown", False),
        *field("Trú quán", "residence"),
        *field("Đơn vị công tác", "unit", False),
        *field("Chức vụ", "position", False),
        *field("Trình độ lý luận chính trị", "political_theory"),
        *field("Trình độ chuyên môn, nghiệp vụ", "education"),
        p("II. THÀNH TÍCH ĐẠT ĐƯỢC", style="DeMucI"),
        p("1. Quyền hạn, nhiệm vụ được giao", style="DeMuc1"),
        *paragraphs("candidate.duties"),
        p("2. Thành tích đạt được", style="DeMuc1"),
        p("a) Kết quả thực hiện nhiệm vụ được giao", style="DeMucA"),
        *paragraphs("candidate.achievements"),
        p("b) Sáng kiến, giải pháp được công nhận", style="DeMucA"),
        *bullets("candidate.initiatives"),
        p("c) Tham gia hoạt động đoàn thể, phong trào thi đua", style="DeMucA"),
        *bullets("candidate.activities"),
        p("d) Kết quả đánh giá, xếp loại chất lượng hằng năm", style="DeMucA"),
        *bullets("candidate.ratings"),
        p("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", style="DeMucI"),
        *honours_tables(),
        signature_pair([p("THỦ TRƯỞNG ĐƠN VỊ\nXÁC NHẬN, ĐỀ NGHỊ", style="ChucDanhKy"), *signer_lines()],
                       "{{ signature.name }}",
                       [p("NGƯỜI BÁO CÁO THÀNH TÍCH", style="ChucDanhKy")], "{{ candidate.name }}"),
    ]


def bao_cao_tap_the() -> list[str]:
    widths = [cm(1.3), 0, cm(1.4), cm(1.8), cm(2.2), cm(2.2), cm(1.7)]
    widths[1] = TEXT_W - sum(widths)
    heads = ["STT", "Chỉ tiêu", "Năm", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ (%)"]

    def opt(label: str, var: str, tail: str = "") -> list[str]:
        return [ctl(f"{{%p if candidate.{var} %}}"), p(f"- {label}: {{{{ candidate.{var} }}}}{tail}"),
                ctl("{%p endif %}")]

    return [
        header_table(None, True),
        *report_title(),
        p("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", style="DeMucI"),
        p("1. Đặc điểm, tình hình", style="DeMuc1"),
        *opt("Địa chỉ trụ sở", "address"),
        *opt("Điện thoại", "phone"),
        *opt("Tổng số công chức, viên chức, người lao động", "staff_count", f"{NBSP}người"),
        p("- Người đứng đầu: {{ candidate.head.name }}, {{ candidate.head.title }}"),
        *paragraphs("candidate.situation"),
        p("2. Chức năng, nhiệm vụ", style="DeMuc1"),
        *paragraphs("candidate.functions"),
        p("II. THÀNH TÍCH ĐẠT ĐƯỢC", style="DeMucI"),
        p("1. Kết quả thực hiện nhiệm vụ, chỉ tiêu được giao", style="DeMuc1"),
        *paragraphs("candidate.achievements"),
        p("Kết quả thực hiện các chỉ tiêu chủ yếu:", after=120),
        table(widths, [
            tr(*(tc(w, p(h, style="BangTieuDe"), valign="center") for w, h in zip(widths, heads)), header=True),
            ctl_row("{%tr for t in candidate.targets %}", widths),
            tr(tc(widths[0], p("{{ t.stt }}", style="BangGiua")),
               tc(widths[1], p("{{ t.name }}", style="Bang")),
               tc(widths[2], p("{{ t.year }}", style="BangGiua")),
               tc(widths[3], p("{{ t.unit }}", style="BangGiua")),
               tc(widths[4], p("{{ t.plan }}", style="Bang", jc="right")),
               tc(widths[5], p("{{ t.actual }}", style="Bang", jc="right")),
               tc(widths[6], p("{{ t.rate }}", style="BangGiua"))),
            ctl_row("{%tr endfor %}", widths),
        ]),
        ctl("{%p if candidate.targets_note %}"),
        p(r("{{ candidate.targets_note }}", i=True, sz=12), style="BodyText"),
        ctl("{%p endif %}"),
        p("2. Biện pháp, giải pháp, sáng kiến đã áp dụng", style="DeMuc1"),
        *bullets("candidate.initiatives"),
        ctl("{%p if candidate.party_work %}"),
        p("3. Công tác xây dựng Đảng, đoàn thể", style="DeMuc1"),
        *paragraphs("candidate.party_work"),
        ctl("{%p endif %}"),
        p("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", style="DeMucI"),
        *honours_tables(),
        signature_pair([p("XÁC NHẬN CỦA\nCẤP TRÌNH KHEN THƯỞNG", style="ChucDanhKy"), *signer_lines()],
                       "{{ signature.name }}",
                       [p("THỦ TRƯỞNG ĐƠN VỊ", style="ChucDanhKy")], "{{ candidate.head.name }}"),
    ]


BUILDERS = {
    "to-trinh": (to_trinh, False, "Mẫu Tờ trình đề nghị"),
    "danh-sach": (danh_sach, True, "Mẫu Danh sách (Phụ lục kèm Tờ trình)"),
    "bien-ban": (bien_ban, False, "Mẫu Biên bản họp Hội đồng Thi đua - Khen thưởng"),
    "bao-cao-ca-nhan": (bao_cao_ca_nhan, False, "Mẫu Báo cáo thành tích cá nhân"),
    "bao-cao-tap-the": (bao_cao_tap_the, False, "Mẫu Báo cáo thành tích tập thể"),
}


# --- the package -------------------------------------------------------------------------


PAGE_FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:r><w:t>2</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)


def _set_content(container, xml_paragraphs: str) -> None:
    """Replace a header's paragraphs by the given XML."""
    el = container._element
    for child in list(el):
        el.remove(child)
    for child in parse_xml(f"<w:hdr {NS}>{xml_paragraphs}</w:hdr>"):
        el.append(child)


def new_document(landscape: bool):
    doc = Document()
    part = doc.part
    part._styles_part._element = parse_xml(STYLES_XML)
    part.numbering_part._element = parse_xml(NUMBERING_XML)
    part._settings_part._element = parse_xml(SETTINGS_XML)
    # Drop what python-docx's default template carries and a template does not need:
    # a thumbnail of an empty page, 440 KB of stylesWithEffects, customXml.
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            part.drop_rel(rid)
    pkg_rels = part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg_rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML

    body = doc.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)

    sec = doc.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Twips(PAGE_H), Twips(PAGE_W)
    else:
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Twips(PAGE_W), Twips(PAGE_H)
    sec.top_margin, sec.bottom_margin = MARGIN["top"], MARGIN["bottom"]
    sec.left_margin, sec.right_margin = MARGIN["left"], MARGIN["right"]
    sec.header_distance = sec.footer_distance = Mm(10)
    sec.gutter = Twips(0)
    sec.different_first_page_header_footer = True
    sec.header.is_linked_to_previous = False
    _set_content(sec.header, f"<w:p>{ppr(style='Header')}{PAGE_FIELD}</w:p>")
    sec.first_page_header.is_linked_to_previous = False
    _set_content(sec.first_page_header, f"<w:p>{ppr(style='Header')}</w:p>")
    return doc


def build(kind: str) -> bytes:
    make, landscape, title = BUILDERS[kind]
    doc = new_document(landscape)
    body = doc.element.body
    sect = body[-1]
    for el in parse_xml(f"<w:body {NS}>{''.join(make())}</w:body>"):
        sect.addprevious(el)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_docx(buf.getvalue(), title=title, author="dhtt-docs", when=TEMPLATE_DATE,
                          subject="Mẫu văn bản dhtt-docs (docxtpl)")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "templates"
    out.mkdir(parents=True, exist_ok=True)
    for kind, name in TEMPLATE_FILES.items():
        data = build(kind)
        path = out / name
        changed = not path.exists() or path.read_bytes() != data
        path.write_bytes(data)
        print(f"{'wrote' if changed else 'same '} {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f" ({len(data) // 1024} KB)")
    docs = ROOT / "docs" / "template-variables.md"
    docs.parent.mkdir(exist_ok=True)
    text = variables_markdown()
    changed = not docs.exists() or docs.read_text(encoding="utf-8") != text
    docs.write_text(text, encoding="utf-8")
    print(f"{'wrote' if changed else 'same '} {docs.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
