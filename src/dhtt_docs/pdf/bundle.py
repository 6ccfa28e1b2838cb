"""Merge document PDFs into one bundle PDF, reproducibly.

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

The parts live next door: :mod:`.pdffile` (open inputs, write reproducibly),
:mod:`.metadata` (Info and XMP), :mod:`.pdfa` (PDF/A markers),
:mod:`.pdffonts` (embedded fonts, subset tags), :mod:`.normalise` (one PDF).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject

from dhtt_docs.findings import Finding
from dhtt_docs.i18n import t
from dhtt_docs.pdf.metadata import BundleMeta, info_dict, set_xmp, xmp_packet
from dhtt_docs.pdf.pdfa import (
    PDFA_CONFORMANCE,
    PDFA_PART,
    carry_pdfa_markers,
    check_pdfa_markers,
    pin_icc_dates,
)
from dhtt_docs.pdf.pdffile import (
    BundleError,
    header_for,
    msg_unreadable,
    open_pdf,
    write_reproducibly,
)
from dhtt_docs.pdf.pdffonts import retag_font_subsets

__all__ = [   # BundleMeta and BundleError belong to build_bundle's interface: its argument and its error
    "BundleError",
    "BundleMeta",
    "BundlePart",
    "BundleReport",
    "PlacedDocument",
    "build_bundle",
]


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
        findings = carry_pdfa_markers(writer, parts, seen)
        pin_icc_dates(writer, meta.date)
    writer.metadata = info_dict(meta)
    if pdfa:
        set_xmp(writer, xmp_packet(meta, pdfaid=(PDFA_PART, PDFA_CONFORMANCE)))
    writer.page_mode = "/UseOutlines"
    retag_font_subsets(writer)
    writer.pdf_header = header_for(seen.values(), pdfa)
    if compress:
        writer.compress_identical_objects()
    write_reproducibly(writer, Path(out))
    if pdfa:
        check_pdfa_markers(Path(out))
    return BundleReport(
        path=Path(out),
        total_pages=len(writer.pages),
        parts=placed,
        pdfa=pdfa,
        findings=tuple(findings),
    )


def _reader_for(path: Path, seen: dict[Path, PdfReader]) -> PdfReader:
    """One reader per file, so a file used twice is parsed once."""
    key = Path(path)
    if key not in seen:
        seen[key] = open_pdf(key)
    return seen[key]


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
        raise BundleError(msg_unreadable(Path(part.pdf), err)) from err
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
