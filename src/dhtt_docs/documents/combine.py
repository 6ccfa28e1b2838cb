"""Several reports of one template as one DOCX, each its own section, for one LibreOffice conversion.

LibreOffice spends about 0.1 s on every document it opens whatever its size
(measured: a one-line document costs what a three-page report does), and
about 0.05 s per report more when the reports come as sections of one
document. So the build converts runs of reports made from the same template
as one document (build/chunks.py chooses the runs) and cuts the PDF apart
again (pdf/split.py): each report becomes one section that starts on a new
page with its page numbers starting again, and begins with a bookmark that
LibreOffice exports as a named destination, which tells where it starts.

Only what lays out the same alone and in company is combined; anything else
is converted alone (:func:`combinable_parts` says which):

* every part but the body (styles, headers, numbering, settings, relations)
  must be the same bytes in every report: one template, so they are;
* numbering must not count (bullets only): a numbered list would go on
  counting from the report before;
* the body has exactly one section and no fields, notes, comments, tracked
  changes, text boxes, drawings or images: a field such as NUMPAGES, a
  footnote's number, a drawing's id would change with the company (images
  are left out because no test shows them laid out the same);
* headers and footers hold no field but PAGE (NUMPAGES would count every
  report's pages), and no odd/even pages or mirrored margins are asked for.

Page for page, the combined PDF is the reports' own PDFs (tests/pdf/
test_split.py compares their images). A combined report's PDF depends on
its companions (LibreOffice numbers the glyphs of its font subsets for the
whole document), so its cache key names them all (build/chunks.py).

python-docx (or docxcompose, which builds on it) would parse every report
into objects to do what here is cutting and joining strings of one known
shape, for a gain that is 0.05 s a report in all; so it is done by hand.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["COMBINE_VERSION", "combinable_parts", "combine", "mark_name", "parts_of"]

#: Raise when what :func:`combine` writes changes: combined reports' PDFs are then made again.
COMBINE_VERSION = 1

DOCUMENT = "word/document.xml"
_SKIPPED = ("docProps/",)            # per-report properties: not part of the layout (normalise writes the PDF's own)

_BODY_OPEN = b"<w:body>"
_BODY_CLOSE = b"</w:body>"
#: Never combined: each of these would lay out or number differently in company.
_UNSAFE_IN_BODY = re.compile(
    rb"<w:(?:fldSimple|instrText|fldChar|footnoteReference|endnoteReference|commentReference|txbxContent|"
    rb"drawing|pict|object|ins|del|moveFrom|moveTo|pPrChange|rPrChange|sectPrChange|altChunk|subDoc)[ >/]")
_FIELD_CODE = re.compile(rb"<w:instrText[^>]*>([^<]*)</w:instrText>")
_FIELD_SIMPLE = re.compile(rb'<w:fldSimple [^>]*w:instr="([^"]*)"')
_UNSAFE_SETTINGS = re.compile(rb"<w:(?:evenAndOddHeaders|mirrorMargins|bookFoldPrinting|gutterAtTop)[ >/]")
_NUM_FORMAT = re.compile(rb'<w:numFmt w:val="([^"]*)"')
_SECT = re.compile(rb"<w:sectPr[ >].*?</w:sectPr>", re.DOTALL)
_FIRST_PARAGRAPH = re.compile(rb"<w:p[ >]")
_PPR = re.compile(rb"<w:pPr>.*?</w:pPr>|<w:pPr/>", re.DOTALL)
_TYPE = re.compile(rb"<w:type [^>]*/>")
_PGNUM = re.compile(rb"<w:pgNumType([^>]*?)/>")


def mark_name(position: int) -> str:
    """The bookmark (and PDF named destination) at the start of the report at `position`: letters and
    digits only, which LibreOffice exports as they are."""
    return f"dhttpart{position:04d}"


def combinable_parts(parts: dict[str, bytes]) -> bool:
    """Can a document with these parts (name -> bytes; a template's or a rendered report's) be combined
    with others of its template without changing its pages?"""
    if not _body_combinable(parts.get(DOCUMENT)):
        return False
    if _UNSAFE_SETTINGS.search(parts.get("word/settings.xml", b"")):
        return False
    if any(fmt not in (b"bullet", b"none") for fmt in _NUM_FORMAT.findall(parts.get("word/numbering.xml", b""))):
        return False
    for name, data in parts.items():
        if name.startswith(("word/header", "word/footer")):
            codes = _FIELD_CODE.findall(data) + _FIELD_SIMPLE.findall(data)
            if any(code.split()[:1] != [b"PAGE"] for code in codes if code.strip()):
                return False
    return True


def _body_combinable(document: bytes | None) -> bool:
    """A body with one section and nothing that numbers or lays out differently in company."""
    if document is None or _BODY_OPEN not in document:
        return False
    body = document[document.index(_BODY_OPEN):]
    return len(_SECT.findall(body)) == 1 and not _UNSAFE_IN_BODY.search(body)


def parts_of(path: Path) -> dict[str, bytes]:
    """A DOCX's parts, name -> bytes."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def combine(sources: list[Path], target: Path) -> bool:
    """Write `sources` (reports of one template, in order) as one DOCX at `target`; False (and nothing
    written) when they cannot be combined without changing their pages: then each is converted alone.

    The report at position k begins with the bookmark :func:`mark_name` (k).
    """
    members = [parts_of(path) for path in sources]
    first = members[0]
    if not combinable_parts(first):
        return False
    shared = {name: data for name, data in first.items() if name != DOCUMENT and not name.startswith(_SKIPPED)}
    bodies: list[bytes] = []
    head = tail = None
    for member in members:   # the others' parts are the first's: only their bodies are checked again
        if {n: d for n, d in member.items() if n != DOCUMENT and not n.startswith(_SKIPPED)} != shared:
            return False
        if member is not first and not _body_combinable(member.get(DOCUMENT)):
            return False
        document = member[DOCUMENT]
        start = document.index(_BODY_OPEN) + len(_BODY_OPEN)
        end = document.rindex(_BODY_CLOSE)
        if head is None:
            head, tail = document[:start], document[end:]
        elif document[:start] != head or document[end:] != tail:
            return False
        bodies.append(document[start:end])
    joined = [_section(body, k, last=k == len(bodies) - 1) for k, body in enumerate(bodies)]
    if any(part is None for part in joined):
        return False
    document = head + b"".join(joined) + tail
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in first.items():
            zf.writestr(name, document if name == DOCUMENT else data)
    return True


def _section(body: bytes, position: int, *, last: bool) -> bytes | None:
    """One report's body as a section of the combined document: its bookmark first, its section
    properties made to start a new page numbered from its own first number (1 unless the template
    says otherwise), and, but for the last report, carried by the report's last paragraph."""
    sect = _SECT.search(body)
    if sect is None or body[sect.end():].strip():
        return None
    content, props = body[:sect.start()], _restarting(sect.group(0))
    first = _FIRST_PARAGRAPH.search(content)
    if first is None:
        return None
    at = content.index(b">", first.start()) + 1
    ppr = _PPR.match(content, at)
    if ppr is not None:
        at = ppr.end()
    number = 9_000_000 + position
    mark = (f'<w:bookmarkStart w:id="{number}" w:name="{mark_name(position)}"/>'
            f'<w:bookmarkEnd w:id="{number}"/>').encode()
    content = content[:at] + mark + content[at:]
    if last:
        return content + props
    if content.endswith(b"</w:p>"):
        start = content.rfind(b"<w:p>")
        other = max(content.rfind(b"<w:p "), start)
        ppr = _PPR.match(content, content.index(b">", other) + 1)
        if ppr is not None and ppr.group(0) != b"<w:pPr/>":
            return content[:ppr.end() - len(b"</w:pPr>")] + props + content[ppr.end() - len(b"</w:pPr>"):]
        at = content.index(b">", other) + 1
        end = ppr.end() if ppr is not None else at
        return content[:at] + b"<w:pPr>" + props + b"</w:pPr>" + content[end:]
    if content.endswith(b"</w:tbl>"):
        # Word and LibreOffice both put an empty paragraph after a table that ends a document
        return content + b"<w:p><w:pPr>" + props + b"</w:pPr></w:p>"
    return None


def _restarting(sect: bytes) -> bytes:
    """Section properties that start a new page and number it as the report alone would be."""
    sect = _TYPE.sub(b"", sect)
    at = sect.index(b">") + 1
    refs = list(re.finditer(rb"<w:(?:headerReference|footerReference) [^>]*/>", sect))
    if refs:
        at = refs[-1].end()
    sect = sect[:at] + b'<w:type w:val="nextPage"/>' + sect[at:]
    found = _PGNUM.search(sect)
    if found is None:
        at = sect.index(b"</w:sectPr>")
        for follower in (b"<w:cols", b"<w:formProt", b"<w:vAlign", b"<w:noEndnote", b"<w:titlePg",
                         b"<w:textDirection", b"<w:bidi", b"<w:rtlGutter", b"<w:docGrid", b"<w:printerSettings"):
            if follower in sect:
                at = sect.index(follower)
                break
        return sect[:at] + b'<w:pgNumType w:start="1"/>' + sect[at:]
    if b"w:start=" in found.group(1):
        return sect
    return sect[:found.start()] + b'<w:pgNumType' + found.group(1) + b' w:start="1"/>' + sect[found.end():]
