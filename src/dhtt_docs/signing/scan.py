"""The signed paper copy, scanned: checked against the printed bundle and NĐ 30/2020's rules for digitised copies.

NĐ 30/2020 (Phụ lục I) asks of a digitised copy: PDF 1.4 or later, colour,
at least 200 dpi (at 100% scale). The resolution of a page is read from its
image XObjects: the image's pixels over the size it is drawn at on the page
(the current transformation matrix at its `Do`). Pages are matched to the
printed bundle by count and orientation (a scan has no text to compare).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import t

MIN_DPI = 200
MIN_VERSION = (1, 4)
_CLAUSE = "NĐ 30/2020, Phụ lục I"


@dataclass(frozen=True)
class PageImage:
    dpi: float
    colour: bool


def check_scan(scan: Path, bundle: Path) -> list[Finding]:
    """Every reason the scan cannot stand as the record of the bundle that was printed (empty: it can)."""
    rel = scan.name
    try:
        reader = PdfReader(str(scan))
        pages = list(reader.pages)
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds; all mean "not a readable PDF"
        return [Finding(Severity.ERROR, t(f"Không đọc được {rel} như một tệp PDF ({type(e).__name__}). Hãy quét lại "
                                          "và lưu dạng PDF.",
                                          f"{rel} cannot be read as a PDF ({type(e).__name__}). Scan again and save "
                                          "as PDF."), file=rel, code="scan.unreadable")]
    findings = _version(reader, rel)
    printed = PdfReader(str(bundle))
    findings += _pages(pages, list(printed.pages), printed, rel)
    return findings + _page_rules(pages, rel)


def _version(reader: PdfReader, rel: str) -> list[Finding]:
    header = reader.pdf_header.lstrip("%").replace("PDF-", "")
    try:
        version = tuple(int(x) for x in header.split(".")[:2])
    except ValueError:
        version = (0, 0)
    if version >= MIN_VERSION:
        return []
    return [Finding(Severity.ERROR, t(f"{rel} là PDF {header}: bản số hóa phải là PDF 1.4 trở lên. Lưu lại từ phần "
                                      "mềm quét với định dạng PDF mới hơn.",
                                      f"{rel} is PDF {header}: a digitised copy must be PDF 1.4 or later. Save it "
                                      "again from the scanning software in a newer PDF format."),
                    file=rel, clause=_CLAUSE, code="scan.version", params={"version": header})]


def _orientation(page) -> str:
    box = page.mediabox
    w, h = float(box.width), float(box.height)
    if int(page.get("/Rotate", 0) or 0) % 180:
        w, h = h, w
    return "L" if w > h else "P"


def _pages(scanned: list, printed: list, printed_reader: PdfReader, rel: str) -> list[Finding]:
    """Same number of pages as printed; where they part, which pages (by orientation) and of which document."""
    a = "".join(_orientation(p) for p in printed)
    b = "".join(_orientation(p) for p in scanned)
    if len(a) == len(b) and a == b:
        return []
    first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    where = _document_at(printed_reader, first)
    if len(b) < len(a):
        missing = len(a) - len(b)
        vi = (f"{rel} có {len(b)} trang, hồ sơ in có {len(a)} trang: thiếu {missing} trang, từ khoảng trang "
              f"{first + 1} của hồ sơ in{where[0]}. Quét lại đủ các trang theo đúng thứ tự.")
        en = (f"{rel} has {len(b)} pages, the printed bundle {len(a)}: {missing} page(s) missing, from about page "
              f"{first + 1} of the printed bundle{where[1]}. Scan again with every page, in order.")
        code = "scan.pages_missing"
    elif len(b) > len(a):
        vi = (f"{rel} có {len(b)} trang, hồ sơ in chỉ có {len(a)} trang: thừa {len(b) - len(a)} trang, từ khoảng "
              f"trang {first + 1}{where[0]}. Bỏ các trang không thuộc hồ sơ rồi quét lại.")
        en = (f"{rel} has {len(b)} pages, the printed bundle only {len(a)}: {len(b) - len(a)} extra page(s), from "
              f"about page {first + 1}{where[1]}. Leave out the pages that are not part of the bundle and scan again.")
        code = "scan.pages_extra"
    else:
        differ = [str(i + 1) for i in range(len(a)) if a[i] != b[i]]
        vi = (f"Trang {', '.join(differ)} của {rel} khác chiều (dọc/ngang) với hồ sơ in{where[0]}: có thể quét "
              "nhầm thứ tự hoặc nhầm trang. Kiểm tra và quét lại.")
        en = (f"Page(s) {', '.join(differ)} of {rel} differ in orientation (portrait/landscape) from the printed "
              f"bundle{where[1]}: pages may be out of order or wrong. Check them and scan again.")
        code = "scan.pages_differ"
    return [Finding(Severity.ERROR, t(vi, en), file=rel, code=code,
                    params={"printed": len(a), "scanned": len(b), "first": first + 1})]


def _document_at(reader: PdfReader, index: int) -> tuple[str, str]:
    """' (văn bản "...")': the bundle's bookmark that holds page `index`, if any."""
    try:
        marks = [(reader.get_destination_page_number(o), o.title) for o in reader.outline if not isinstance(o, list)]
    except Exception:  # noqa: BLE001 - a bundle without bookmarks just says less
        return "", ""
    title = None
    for page, name in sorted(marks):
        if page <= index:
            title = name
    return (f" (văn bản \"{title}\")", f" (document \"{title}\")") if title else ("", "")


def page_images(page) -> list[PageImage]:
    """The images drawn on a page: their resolution as drawn, and whether they are in colour."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources else None
    if not xobjects:
        return []
    xobjects = xobjects.get_object()
    out = []
    stack, ctm = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    contents = page.get_contents()
    for operands, op in ContentStream(contents, page.pdf).operations if contents is not None else []:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q" and stack:
            ctm = stack.pop()
        elif op == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == b"Do" and operands[0] in xobjects:
            xo = xobjects[operands[0]].get_object()
            if xo.get("/Subtype") != "/Image":
                continue
            drawn_w = math.hypot(ctm[0], ctm[1]) / 72
            drawn_h = math.hypot(ctm[2], ctm[3]) / 72
            if drawn_w <= 0 or drawn_h <= 0:
                continue
            dpi = min(int(xo["/Width"]) / drawn_w, int(xo["/Height"]) / drawn_h)
            out.append(PageImage(dpi, _is_colour(xo)))
    return out


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2]


def _is_colour(xo) -> bool:
    if xo.get("/ImageMask"):
        return False
    space = xo.get("/ColorSpace")
    space = space.get_object() if space is not None else None
    if space is None:
        return "/JPXDecode" in str(xo.get("/Filter", ""))   # JPEG 2000 carries its own colour space
    if isinstance(space, list):
        kind = space[0]
        if kind == "/ICCBased":
            return int(space[1].get_object().get("/N", 1)) >= 3
        if kind == "/Indexed":
            base = space[1].get_object()
            return _is_colour({"/ColorSpace": base})
        return kind in ("/CalRGB", "/Lab", "/DeviceN")
    return space in ("/DeviceRGB", "/DeviceCMYK", "/CalRGB")


def _page_rules(pages: list, rel: str) -> list[Finding]:
    """The digitisation rules, page by page; one finding per rule, naming the pages that break it."""
    bad: dict[str, list[int]] = {"scan.not_scanned": [], "scan.dpi": [], "scan.colour": []}
    lowest: float | None = None
    for number, page in enumerate(pages, 1):
        images = page_images(page)
        if not images:
            bad["scan.not_scanned"].append(number)
            continue
        dpi = max(i.dpi for i in images)
        if dpi + 0.5 < MIN_DPI:
            bad["scan.dpi"].append(number)
            lowest = dpi if lowest is None else min(lowest, dpi)
        if not any(i.colour for i in images):
            bad["scan.colour"].append(number)
    out = []
    if bad["scan.not_scanned"]:
        vi_p, en_p = _pages_text(bad["scan.not_scanned"])
        out.append(Finding(Severity.ERROR, t(f"{vi_p} của {rel} không có ảnh quét: đây không phải bản quét của hồ sơ "
                                             "giấy đã ký. Quét bản giấy đã ký, đóng dấu.",
                                             f"{en_p} of {rel}: no scanned image; this is not a scan of the signed "
                                             "paper copy. Scan the signed and sealed paper copy."),
                           file=rel, clause=_CLAUSE, code="scan.not_scanned", params={"pages": bad["scan.not_scanned"]}))
    if bad["scan.dpi"]:
        vi_p, en_p = _pages_text(bad["scan.dpi"])
        out.append(Finding(Severity.ERROR, t(f"{vi_p} của {rel} quét ở {lowest:.0f} dpi: bản số hóa cần ít nhất "
                                             f"{MIN_DPI} dpi, tỷ lệ 100%. Quét lại ở {MIN_DPI} dpi trở lên.",
                                             f"{en_p} of {rel}: scanned at {lowest:.0f} dpi; a digitised copy needs "
                                             f"at least {MIN_DPI} dpi at 100% scale. Scan again at {MIN_DPI} dpi or "
                                             "more."),
                           file=rel, clause=_CLAUSE, code="scan.dpi",
                           params={"pages": bad["scan.dpi"], "dpi": round(lowest)}))
    if bad["scan.colour"]:
        vi_p, en_p = _pages_text(bad["scan.colour"])
        out.append(Finding(Severity.ERROR, t(f"{vi_p} của {rel} quét đen trắng/xám: bản số hóa phải là ảnh màu (để "
                                             "thấy chữ ký xanh, dấu đỏ). Quét lại ở chế độ màu.",
                                             f"{en_p} of {rel}: scanned in black and white/grey; a digitised copy "
                                             "must be in colour (blue signatures, red seal). Scan again in colour "
                                             "mode."),
                           file=rel, clause=_CLAUSE, code="scan.colour", params={"pages": bad["scan.colour"]}))
    return out


def _pages_text(numbers: list[int]) -> tuple[str, str]:
    """'Trang 1-3, 7' / 'Page(s) 1-3, 7': page numbers as ranges."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"Trang {text}", (f"Page {text}" if len(numbers) == 1 else f"Pages {text}")
