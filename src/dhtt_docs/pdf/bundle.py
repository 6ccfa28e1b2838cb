"""Merge document PDFs into one bundle PDF, reproducibly, and normalise single PDFs.

Why:
* The council receives one file: every document in order, one bookmark per
  document (attachments nested under their report), page numbers reported
  back so a table of contents can cite them correctly.
* The same inputs must give the same bytes (archived bundles are compared by
  checksum): no clock, no random ``/ID``; dates come from the dossier.
* A plain pypdf merge drops PDF/A markers; with ``pdfa=True`` the output
  intent is carried over and the XMP rewritten to match the Info dictionary,
  and the result is read back to check that the markers are there.
* A broken attachment must be named in a clear message, not crash the build
  with a pypdf traceback.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.fsutil import atomic_write
from dhtt_docs.i18n import Text, t

__all__ = [
    "PRODUCER",
    "BundleError",
    "BundleMeta",
    "BundlePart",
    "BundleReport",
    "PlacedDocument",
    "build_bundle",
    "normalise_pdf",
]

#: Producer and creator written into every PDF we (re)write.
PRODUCER = "dhtt-docs"

_PDFA_PART = "2"
_PDFA_CONFORMANCE = "B"


class BundleError(Exception):
    """A bundle cannot be made; the message names the file and the fix.

    ``text`` holds both languages; ``str(err)`` is the chosen one.
    """

    def __init__(self, text: Text):
        super().__init__(text.vi)
        self.text = text

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class BundlePart:
    """One document of the bundle; ``attachments`` (e.g. scans) follow it, bookmarked under it."""

    title: str
    pdf: Path
    attachments: list[BundlePart] = field(default_factory=list)
    #: how findings name this file (e.g. "attachments/qd-123.pdf", relative to the round); the path when None
    name: str | None = None

    @property
    def shown(self) -> str:
        return self.name or str(self.pdf)


@dataclass(frozen=True)
class BundleMeta:
    """Document information of the bundle. ``date`` comes from the dossier, never the clock."""

    title: str
    author: str
    subject: str
    keywords: str
    date: datetime


@dataclass(frozen=True)
class PlacedDocument:
    """Where a document landed in the bundle (1-based pages)."""

    title: str
    pdf: Path
    start_page: int
    page_count: int
    blank_pages: int = 0
    attachments: tuple[PlacedDocument, ...] = ()

    @property
    def end_page(self) -> int:
        """Last page of the document itself (without duplex padding)."""
        return self.start_page + self.page_count - 1


@dataclass(frozen=True)
class BundleReport:
    """What :func:`build_bundle` wrote."""

    path: Path
    total_pages: int
    parts: tuple[PlacedDocument, ...]
    pdfa: bool
    #: warnings about the inputs (an attachment that is not PDF/A, fonts not embedded), one per file
    findings: tuple[Finding, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The findings' messages in the chosen language."""
        return tuple(f.text() for f in self.findings)

    def documents(self) -> Iterator[PlacedDocument]:
        """Every document in bundle order, attachments right after their part."""

        def walk(docs: tuple[PlacedDocument, ...]) -> Iterator[PlacedDocument]:
            for doc in docs:
                yield doc
                yield from walk(doc.attachments)

        return walk(self.parts)


# --------------------------------------------------------------------------- public API


def build_bundle(
    parts: list[BundlePart],
    out: Path,
    *,
    meta: BundleMeta,
    duplex: bool = False,
    pdfa: bool = False,
    compress: bool = True,
) -> BundleReport:
    """Merge ``parts`` (each followed by its attachments) into ``out``.

    ``duplex`` pads every document (each part *and* each attachment) with a
    blank page of the same size to an even page count, so that every
    document starts on the front of a sheet when printed on both sides.
    ``pdfa`` keeps PDF/A-2b markers (output intent, XMP with pdfaid) taken
    from the first input that has them; inputs that are not PDF/A are listed
    in ``warnings`` because they may break conformance.
    ``compress`` shares identical objects (fonts repeated per document).
    The file is written atomically; two runs with equal inputs give equal bytes.
    """
    if not parts:
        raise BundleError(t("Không có tài liệu nào để ghép thành bộ hồ sơ PDF.",
                               "There are no documents to merge into the PDF bundle."))
    writer = PdfWriter()
    # pypdf makes the Info dictionary object 1, the first in the file; poppler
    # (Evince, pdftoppm) parses the first object with a short buffer to look for
    # linearization and reports "Syntax Error: Unterminated string" when it holds
    # long UTF-16 titles. A fresh Info object goes last; the old one is an orphan
    # that compress_identical_objects() drops.
    writer._info_obj = writer._add_object(DictionaryObject())
    seen: dict[Path, PdfReader] = {}
    placed = tuple(_place(writer, part, None, duplex, seen) for part in parts)
    findings: list[Finding] = []
    if pdfa:
        findings = _carry_pdfa_markers(writer, parts, seen)
        _pin_icc_dates(writer, meta.date)
    writer.metadata = _info_dict(meta)
    if pdfa:
        _set_xmp(writer, _xmp_packet(meta, pdfaid=(_PDFA_PART, _PDFA_CONFORMANCE)))
    writer.page_mode = "/UseOutlines"
    _retag_font_subsets(writer)
    writer.pdf_header = _header_for(seen.values(), pdfa)
    if compress:
        writer.compress_identical_objects()
    _write_reproducibly(writer, Path(out))
    if pdfa:
        _check_pdfa_markers(Path(out))
    return BundleReport(
        path=Path(out),
        total_pages=len(writer.pages),
        parts=placed,
        pdfa=pdfa,
        findings=tuple(findings),
    )


def normalise_pdf(
    path: Path,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    creation_date: datetime,
) -> None:
    """Rewrite one PDF in place with fixed ``/ID``, dates, Producer and metadata.

    LibreOffice stamps every PDF with the clock (CreationDate, a random
    ``/ID``, a checksum, XMP dates); after this the same DOCX gives the same
    PDF bytes on every run. A PDF/A file keeps its pdfaid part/conformance.
    """
    path = Path(path)
    reader = _open_pdf(path)
    writer = PdfWriter(clone_from=reader)
    meta = BundleMeta(title, author, subject, keywords, creation_date)
    writer.metadata = _info_dict(meta)
    pdfaid = None
    if "/Metadata" in writer.root_object:
        pdfaid = _pdfaid_of(reader)
        _set_xmp(writer, _xmp_packet(meta, pdfaid=pdfaid))
    _pin_icc_dates(writer, creation_date)
    writer.pdf_header = _header_for([reader], pdfaid is not None if "/Metadata" in writer.root_object else False)
    writer.compress_identical_objects()  # drops the old Info/XMP objects with clock dates
    _write_reproducibly(writer, path)


# --------------------------------------------------------------------------- reading inputs


def _open_pdf(path: Path) -> PdfReader:
    """Open and sanity-check one input PDF, turning every failure into a named BundleError."""
    path = Path(path)
    if not path.is_file():
        raise BundleError(t(
            f"Không tìm thấy tệp PDF {path}. Hãy kiểm tra đường dẫn tệp đính kèm trong hồ sơ.",
            f"PDF file {path} not found. Check the attachment's path in the dossier.",
        ))
    try:
        reader = PdfReader(io.BytesIO(_rebuilt(path)))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise BundleError(t(
                f"Tệp {path} được đặt mật khẩu nên không ghép được. Hãy gỡ mật khẩu "
                "(mở tệp rồi in/xuất ra PDF mới) và đính kèm lại.",
                f"{path} is password-protected, so it cannot be merged. Remove the password "
                "(open the file and print/export it to a new PDF) and attach it again.",
            ))
        count = len(reader.pages)
    except BundleError:
        raise
    except Exception as err:  # noqa: BLE001 - pypdf raises many kinds; all mean "unreadable"
        raise BundleError(_msg_unreadable(path, err)) from err
    if count == 0:
        raise BundleError(t(
            f"Tệp {path} không có trang nào. Hãy quét hoặc xuất lại tệp PDF rồi đính kèm lại.",
            f"{path} has no pages. Scan or export the PDF again, then attach it again.",
        ))
    return reader


def _rebuilt(path: Path) -> bytes:
    """The file as qpdf writes it again: cross-reference table rebuilt, encryption without a user
    password removed, same bytes on every run. A file that needs a password raises BundleError."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return rebuilt_pdf_bytes(pdf)
    except pikepdf.PasswordError:
        raise BundleError(t(
            f"Tệp {path} được đặt mật khẩu nên không ghép được. Hãy gỡ mật khẩu "
            "(mở tệp rồi in/xuất ra PDF mới) và đính kèm lại.",
            f"{path} is password-protected, so it cannot be merged. Remove the password "
            "(open the file and print/export it to a new PDF) and attach it again.",
        )) from None


def rebuilt_pdf_bytes(pdf) -> bytes:
    """A pikepdf.Pdf written again deterministically (static /ID) and without encryption."""
    out = io.BytesIO()
    pdf.save(out, static_id=True, encryption=False)
    return out.getvalue()


def _msg_unreadable(path: Path, err: BaseException) -> Text:
    detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return t(
        f"Không đọc được tệp PDF {path} (tệp hỏng, bị cắt cụt, được mã hóa hoặc không phải PDF: "
        f"{detail}). Hãy mở tệp bằng trình đọc PDF, quét hoặc xuất lại thành PDF mới rồi đính kèm lại.",
        f"Cannot read PDF file {path} (damaged, truncated, encrypted or not a PDF: "
        f"{detail}). Open it in a PDF reader, scan or export it again to a new PDF, then attach it again.",
    )


def _reader_for(path: Path, seen: dict[Path, PdfReader]) -> PdfReader:
    """One reader per file, so a file used twice is parsed once."""
    key = Path(path)
    if key not in seen:
        seen[key] = _open_pdf(key)
    return seen[key]


# --------------------------------------------------------------------------- placing pages


def _place(
    writer: PdfWriter,
    part: BundlePart,
    parent: IndirectObject | None,
    duplex: bool,
    seen: dict[Path, PdfReader],
) -> PlacedDocument:
    """Append one document (then its attachments), its padding and its bookmark."""
    reader = _reader_for(part.pdf, seen)
    start = len(writer.pages)
    try:
        for page in reader.pages:
            writer.add_page(page)
    except Exception as err:  # noqa: BLE001 - a damaged object surfaces while copying
        raise BundleError(_msg_unreadable(Path(part.pdf), err)) from err
    count = len(writer.pages) - start
    blanks = _pad_for_duplex(writer) if duplex else 0
    bookmark = writer.add_outline_item(title=part.title, page_number=start, parent=parent)
    children = tuple(_place(writer, a, bookmark, duplex, seen) for a in part.attachments)
    return PlacedDocument(
        title=part.title,
        pdf=Path(part.pdf),
        start_page=start + 1,
        page_count=count,
        blank_pages=blanks,
        attachments=children,
    )


def _pad_for_duplex(writer: PdfWriter) -> int:
    """Add a blank page, sized like the last one, when the page count is odd."""
    if len(writer.pages) % 2 == 0:
        return 0
    last = writer.pages[-1]
    writer.add_blank_page(width=float(last.mediabox.width), height=float(last.mediabox.height))
    return 1


# --------------------------------------------------------------------------- metadata


def _pdf_date(when: datetime) -> str:
    """PDF date string: ``D:YYYYMMDDHHmmSS`` plus ``+HH'mm'`` / ``Z`` when aware."""
    text = when.strftime("D:%Y%m%d%H%M%S")
    offset = when.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return text + "Z"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}'{mins:02d}'"


def _xmp_date(when: datetime) -> str:
    """XMP date with the same instant and offset as :func:`_pdf_date`."""
    text = when.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _info_dict(meta: BundleMeta) -> dict[str, str]:
    """Info dictionary; empty fields are left out (and so are left out of the XMP too)."""
    info = {
        "/Title": meta.title,
        "/Author": meta.author,
        "/Subject": meta.subject,
        "/Keywords": meta.keywords,
    }
    info = {k: v for k, v in info.items() if v}
    info.update(
        {
            "/Creator": PRODUCER,
            "/Producer": PRODUCER,
            "/CreationDate": _pdf_date(meta.date),
            "/ModDate": _pdf_date(meta.date),
        }
    )
    return info


def _xmp_packet(meta: BundleMeta, *, pdfaid: tuple[str, str] | None) -> bytes:
    """XMP packet matching :func:`_info_dict` field for field (PDF/A checks this)."""
    date = _xmp_date(meta.date)
    lines = ['   <dc:format>application/pdf</dc:format>']
    if meta.title:
        lines.append(
            '   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>"
        )
    if meta.author:
        lines.append(
            f"   <dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>"
        )
    if meta.subject:
        lines.append(
            '   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>"
        )
    if meta.keywords:
        lines.append(f"   <pdf:Keywords>{escape(meta.keywords)}</pdf:Keywords>")
    lines += [
        f"   <pdf:Producer>{PRODUCER}</pdf:Producer>",
        f"   <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>",
        f"   <xmp:CreateDate>{date}</xmp:CreateDate>",
        f"   <xmp:ModifyDate>{date}</xmp:ModifyDate>",
        f"   <xmp:MetadataDate>{date}</xmp:MetadataDate>",
    ]
    if pdfaid is not None:
        lines += [
            f"   <pdfaid:part>{escape(pdfaid[0])}</pdfaid:part>",
            f"   <pdfaid:conformance>{escape(pdfaid[1])}</pdfaid:conformance>",
        ]
    body = "\n".join(lines)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def _set_xmp(writer: PdfWriter, packet: bytes) -> None:
    """Install a fresh, uncompressed ``/Type /Metadata /Subtype /XML`` stream (as PDF/A wants).

    The old stream is dropped first: it may be compressed, and its clock
    dates must not survive (unreferenced objects are removed before writing).
    """
    writer.xmp_metadata = None
    writer.xmp_metadata = packet
    stream = cast(DictionaryObject, writer.root_object["/Metadata"].get_object())
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")


_PDFAID_PART = re.compile(r"pdfaid:part(?:>|=[\"'])\s*(\d)")
_PDFAID_CONF = re.compile(r"pdfaid:conformance(?:>|=[\"'])\s*([A-Za-z])")


def _xmp_text(reader: PdfReader) -> str:
    try:
        xmp = reader.xmp_metadata
        return xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
    except Exception:  # noqa: BLE001 - unreadable XMP counts as none
        return ""


def _pdfaid_of(reader: PdfReader) -> tuple[str, str] | None:
    """PDF/A part and conformance claimed by a file's XMP, if any."""
    text = _xmp_text(reader)
    part = _PDFAID_PART.search(text)
    conf = _PDFAID_CONF.search(text)
    if part is None:
        return None
    return (part.group(1), conf.group(1).upper() if conf else _PDFA_CONFORMANCE)


# --------------------------------------------------------------------------- PDF/A


def _flatten(parts: list[BundlePart]) -> Iterator[BundlePart]:
    for part in parts:
        yield part
        yield from _flatten(part.attachments)


def _carry_pdfa_markers(
    writer: PdfWriter, parts: list[BundlePart], seen: dict[Path, PdfReader]
) -> list[Finding]:
    """Copy the output intent of the first PDF/A input; a warning for each input that is not PDF/A
    or has fonts that are not embedded (either breaks the bundle's PDF/A conformance).

    Copying the intent (rather than cloning the whole first file) keeps its
    structure tree, outline and open action out of a bundle they do not describe.
    """
    findings: list[Finding] = []
    intents = None
    done: set[Path] = set()
    for part in _flatten(parts):
        reader = seen[Path(part.pdf)]
        root = cast(DictionaryObject, reader.trailer["/Root"].get_object())
        has_intent = "/OutputIntents" in root
        if has_intent and intents is None:
            intents = root["/OutputIntents"]
        if Path(part.pdf) in done:
            continue
        done.add(Path(part.pdf))
        not_pdfa = not has_intent or _pdfaid_of(reader) is None
        loose = _fonts_not_embedded(reader)
        if not_pdfa or loose:
            findings.append(_pdfa_finding(part, not_pdfa, loose))
    if intents is None:
        raise BundleError(t(
            "Không tệp nào trong bộ hồ sơ là PDF/A nên không giữ được dấu PDF/A. "
            "Hãy tạo lại các PDF với tùy chọn --pdfa.",
            "No file in the bundle is PDF/A, so the PDF/A markers cannot be kept. "
            "Make the PDFs again with the --pdfa option.",
        ))
    writer.root_object[NameObject("/OutputIntents")] = intents.clone(writer)
    return findings


def _pdfa_finding(part: BundlePart, not_pdfa: bool, loose: list[str]) -> Finding:
    name = part.shown
    fonts = ", ".join(loose)
    what = t("", "")
    if not_pdfa:
        what += t("không phải PDF/A", "is not PDF/A")
    if loose:
        what += (t("; ", "; ") if not_pdfa else t("", "")) + t(
            f"có phông chữ không được nhúng ({fonts})", f"has fonts that are not embedded ({fonts})")
    message = t(f"Tệp {name} ({part.title}) ", f"{name} ({part.title}) ") + what + t(
        ": bộ hồ sơ ghi là PDF/A-2b nhưng có thể không đạt PDF/A. Hãy xuất lại tệp đó dạng PDF/A-2b "
        "(ví dụ bằng LibreOffice: Tệp → Xuất thành PDF → PDF/A-2b) rồi đính kèm lại.",
        ": the bundle is marked PDF/A-2b but may not conform. Export that file again as PDF/A-2b "
        "(for example with LibreOffice: File → Export as PDF → PDF/A-2b), then attach it again.")
    return Finding(Severity.WARNING, message, file=name, clause="build",
                   code="bundle.font_not_embedded" if loose and not not_pdfa else "bundle.not_pdfa",
                   params={"file": name, "title": part.title, "pdfa": not not_pdfa, "fonts": loose})


def _font_program(font: DictionaryObject):
    """(descriptor, embedded program stream or None) of a font dictionary; None for Type3."""
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return None
    if subtype == "/Type0":
        kids = font.get("/DescendantFonts")
        kids = kids.get_object() if kids is not None else None
        if not kids:
            return None
        font = kids[0].get_object()
    desc = font.get("/FontDescriptor")
    desc = desc.get_object() if desc is not None else None
    if not isinstance(desc, DictionaryObject):
        return (None, None)
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in desc:
            return (desc, desc[key].get_object())
    return (desc, None)


def _fonts_of(resources, depth: int = 0) -> Iterator[DictionaryObject]:
    """Font dictionaries used by a resource dictionary and the forms it draws (a few levels deep)."""
    if resources is None or depth > 4:
        return
    resources = resources.get_object()
    if not isinstance(resources, DictionaryObject):
        return
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else None
    if isinstance(fonts, DictionaryObject):
        for ref in fonts.values():
            font = ref.get_object()
            if isinstance(font, DictionaryObject):
                yield font
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if isinstance(xobjects, DictionaryObject):
        for ref in xobjects.values():
            form = ref.get_object()
            if isinstance(form, DictionaryObject) and form.get("/Subtype") == "/Form":
                yield from _fonts_of(form.get("/Resources"), depth + 1)


def _fonts_not_embedded(reader: PdfReader) -> list[str]:
    """Names of the fonts a file uses without embedding them (PDF/A requires every font embedded)."""
    names: set[str] = set()
    try:
        for page in reader.pages:
            for font in _fonts_of(page.get("/Resources")):
                found = _font_program(font)
                if found is not None and found[1] is None:
                    names.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    except Exception:  # noqa: BLE001 - a damaged resource tree: report what was found
        pass
    return sorted(names)


# --------------------------------------------------------------------------- fonts and header


_SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")


def _tag_for(program) -> str:
    """Six capital letters from the font program's hash: distinct programs, distinct tags (ISO 32000-1 9.6.4)."""
    data = getattr(program, "_data", None)
    if data is None:
        data = program.get_data()
    n = int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(ord("A") + r))
    return "".join(letters)


def _retag_font_subsets(writer: PdfWriter) -> None:
    """Give each embedded subset font a tag derived from its own program.

    LibreOffice numbers its subsets per file (BAAAAA+, CAAAAA+, ...), so a
    merged bundle holds several different programs under one name; readers may
    then draw one with another's glyphs. The same program keeps the same tag,
    so identical fonts still merge and the bytes stay reproducible.
    """
    for obj in list(writer._objects):
        if not isinstance(obj, DictionaryObject) or obj.get("/Type") != "/Font":
            continue
        base = obj.get("/BaseFont")
        if base is None or not _SUBSET_TAG.match(str(base)):
            continue
        found = _font_program(obj)
        if not found or found[1] is None:
            continue
        desc, program = found
        tag = _tag_for(program)
        obj[NameObject("/BaseFont")] = NameObject("/" + tag + str(base).lstrip("/")[6:])
        if obj.get("/Subtype") == "/Type0":
            kid = obj["/DescendantFonts"].get_object()[0].get_object()
            kid_base = str(kid.get("/BaseFont", ""))
            if _SUBSET_TAG.match(kid_base):
                kid[NameObject("/BaseFont")] = NameObject("/" + tag + kid_base.lstrip("/")[6:])
        name = str(desc.get("/FontName", ""))
        if _SUBSET_TAG.match(name):
            desc[NameObject("/FontName")] = NameObject("/" + tag + name.lstrip("/")[6:])


_VERSION = re.compile(r"%PDF-(\d)\.(\d)")


def _header_for(readers, pdfa: bool) -> str:
    """The header version the output needs: the highest of the inputs', at least 1.4 (pypdf's merge writes
    1.4 features: transparency groups of the inputs, compressed streams), 1.7 for PDF/A-2."""
    best = (1, 7) if pdfa else (1, 4)
    for reader in readers:
        m = _VERSION.match(getattr(reader, "pdf_header", "") or "")
        if m:
            best = max(best, (int(m.group(1)), int(m.group(2))))
    return f"%PDF-{best[0]}.{best[1]}"


def _pin_icc_dates(writer: PdfWriter, when: datetime) -> None:
    """Set the creation date inside output-intent ICC profiles to ``when``.

    LibreOffice builds its sRGB profile at export time and stamps the clock
    into the profile header (bytes 24-35), the last thing that differs
    between two exports of the same document.
    """
    intents = writer.root_object.get("/OutputIntents")
    if intents is None:
        return
    for intent in intents.get_object():
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is None:
            continue
        stream = profile.get_object()
        try:
            data = stream.get_data()
            pinned = _icc_with_date(data, when)
            if pinned != data:
                stream.set_data(pinned)
        except Exception:  # noqa: BLE001 - an exotic filter: leave the profile as it is
            continue


def _icc_with_date(data: bytes, when: datetime) -> bytes:
    """ICC profile bytes with header date ``when`` (and its MD5 profile ID redone if set)."""
    if len(data) < 128 or data[36:40] != b"acsp":
        return data
    stamp = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = bytearray(data[:24] + stamp + data[36:])
    if any(out[84:100]):
        # ICC.1 7.2.18: MD5 over the profile with flags, intent and ID zeroed.
        probe = bytearray(out)
        probe[44:48] = bytes(4)
        probe[64:68] = bytes(4)
        probe[84:100] = bytes(16)
        out[84:100] = hashlib.md5(bytes(probe)).digest()  # noqa: S324 - format-mandated
    return bytes(out)


def _check_pdfa_markers(path: Path) -> None:
    """Read the written bundle back: output intent and pdfaid must have survived."""
    reader = PdfReader(path)
    root = cast(DictionaryObject, reader.trailer["/Root"].get_object())
    if "/OutputIntents" not in root or _pdfaid_of(reader) != (_PDFA_PART, _PDFA_CONFORMANCE):
        raise BundleError(t(
            f"Bộ hồ sơ {path} mất dấu PDF/A sau khi ghép (lỗi chương trình). "
            "Hãy báo lỗi kèm tệp này, hoặc chạy lại không có --pdfa.",
            f"The bundle {path} lost its PDF/A markers while merging (a program error). "
            "Please report the bug with this file, or run again without --pdfa.",
        ))


# --------------------------------------------------------------------------- writing


_ID_PLACEHOLDER = bytes.fromhex("d447d447d447d447d447d447d447d447")


def _write_reproducibly(writer: PdfWriter, out: Path) -> None:
    """Write with ``/ID`` = hash of the file's own bytes, atomically.

    The file is first rendered with a placeholder ID; the ID is then the
    SHA-256 of those bytes, so equal content gives equal IDs (and bytes)
    while different content still gets a different ID, as PDF readers expect.
    """
    writer._ID = ArrayObject([ByteStringObject(_ID_PLACEHOLDER), ByteStringObject(_ID_PLACEHOLDER)])
    draft = io.BytesIO()
    writer.write(draft)
    data = draft.getvalue()
    digest = hashlib.sha256(data).digest()[:16]
    # The ID is written as two fixed-length hex strings in the trailer: put the real
    # one in place of the placeholder (same length, so every offset stays right)
    # instead of writing the whole file a second time.
    placeholder = _ID_PLACEHOLDER.hex().encode()
    tail_at = data.rfind(b"trailer")
    if tail_at >= 0 and data[tail_at:].count(placeholder) == 2:
        payload = data[:tail_at] + data[tail_at:].replace(placeholder, digest.hex().encode())
    else:  # no classic trailer (a cross-reference stream): write again with the ID
        writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
        final = io.BytesIO()
        writer.write(final)
        payload = final.getvalue()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(out, payload)
    except OSError as err:
        raise BundleError(t(
            f"Không ghi được {out}: {err.strerror or err}. "
            "Hãy kiểm tra quyền ghi và dung lượng đĩa của thư mục đầu ra.",
            f"Cannot write {out}: {err.strerror or err}. "
            "Check write permission and free disk space in the output folder.",
        )) from err
