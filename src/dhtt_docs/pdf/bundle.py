"""Merge document PDFs into one bundle PDF, reproducibly, with qpdf (pikepdf).

Why:
* The council receives one file: every document in order, one bookmark per
  document (attachments nested under their report), page numbers reported
  back so a table of contents can cite them correctly.
* The same inputs must give the same bytes (archived bundles are compared by
  checksum): no clock, no random ``/ID`` (qpdf's deterministic ID, a hash of
  the content); dates come from the dossier.
* A plain merge drops PDF/A markers; with ``pdfa=True`` the output intent is
  carried over and the XMP rewritten to match the Info dictionary, and the
  result is read back to check that the markers are there.
* A broken attachment must be named in a clear message, not crash the build
  with a traceback. The build's own document PDFs (``trusted``) are opened as
  they are; a user's attachment is first rewritten by qpdf in memory, so that
  damage shows up, named, before the merge.
* qpdf (C++) copies and writes the objects; Python only walks the fonts (subset
  tags, shared programs) and builds the outline.

The parts live next door: :mod:`.pdffile` (open inputs, write reproducibly),
:mod:`.metadata` (Info and XMP), :mod:`.pdfa` (PDF/A markers),
:mod:`.partscan` (subset tags, fonts not embedded, streams to share),
:mod:`.normalise` (one PDF).
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from dhtt_docs.findings import Finding
from dhtt_docs.i18n import t
from dhtt_docs.pdf.partscan import PartScan, ScanMemo, replay_scan, scan_part, share_streams
from dhtt_docs.pdf.metadata import BundleMeta, set_info_pikepdf, set_xmp_pikepdf, xmp_packet
from dhtt_docs.pdf.pdfa import (
    PDFA_CONFORMANCE,
    PDFA_PART,
    carry_output_intent,
    check_pdfa_written,
    pin_icc_dates_pikepdf,
)
from dhtt_docs.pdf.pdffile import (
    BundleError,
    file_handles_for,
    msg_unreadable,
    open_part,
    page_copy_warning,
    pdf_version_header,
    save_reproducibly,
)

__all__ = [   # BundleMeta, BundleError and ScanMemo belong to build_bundle's interface: arguments and error
    "BundleError",
    "BundleMeta",
    "ScanMemo",
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
    #: the build's own PDF (written by us): opened as it is, without the rewrite that checks a user's file
    trusted: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.pdf, Path):
            object.__setattr__(self, "pdf", Path(self.pdf))

    @property
    def shown(self) -> str:
        return self.name or str(self.pdf)

    def with_attachments(self) -> Iterator[BundlePart]:
        """This document, then its attachments (and theirs), in bundle order."""
        yield self
        for attachment in self.attachments:
            yield from attachment.with_attachments()


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


class _Merge:
    """The state of one merge: the output, the inputs opened so far, streams already copied."""

    def __init__(self, stack: ExitStack, duplex: bool, compress: bool, memo: ScanMemo | None):
        self.pdf = stack.enter_context(pikepdf.new())
        self.stack = stack
        self.duplex = duplex
        self.compress = compress
        self.memo = memo
        self.opened: dict[Path, pikepdf.Pdf] = {}
        self.scans: dict[Path, PartScan] = {}
        self.streams: dict[str, pikepdf.Object] = {}
        self.repeated: set[str] = set()   # identities of streams held more than once among the inputs
        self.count = 0   # pages so far (len(pdf.pages) walks the page tree)
        self.firsts: dict[int, pikepdf.Object] = {}   # 0-based page number -> page, where a document starts

    def open_all(self, parts: list[BundlePart]) -> None:
        """Open and scan every input, in bundle order (so the first broken one is the one named).

        One open file per path, so a file used twice is parsed and scanned once. qpdf reads them
        until the bundle is written: read into memory instead when the process may not hold that many open.
        """
        every = [p for top in parts for p in top.with_attachments()]
        in_memory = not file_handles_for(len({p.pdf for p in every if p.trusted}))
        for part in every:
            path = part.pdf
            if path not in self.opened:
                src = self.stack.enter_context(open_part(path, trusted=part.trusted, in_memory=in_memory))
                self.scans[path] = self._scan(path, src, part.trusted)
                self.opened[path] = src
        counts = Counter(identity for scan in self.scans.values() for _h, _k, identity in scan.streams)
        self.repeated = {identity for identity, n in counts.items() if n > 1}

    def _scan(self, path: Path, src: pikepdf.Pdf, trusted: bool) -> PartScan:
        """The file's scan: replayed from the memo for a trusted file scanned in an earlier build, made otherwise.

        Only trusted files are remembered: an attachment is rewritten in memory first, and its
        object numbers are those of the rewrite.
        """
        memo = self.memo if trusted else None
        record = memo.get(path) if memo is not None else None
        if record is not None:
            try:
                scan = replay_scan(src, record)
                memo.put(path, record)
                return scan
            except ValueError:
                pass   # a record that does not fit this file: scan it afresh
        try:
            scan = scan_part(src)
        except Exception as err:  # noqa: BLE001 - a damaged font dictionary
            raise BundleError(msg_unreadable(path, err)) from err
        if memo is not None:
            memo.put(path, scan.record())
        return scan

    def place(self, part: BundlePart) -> PlacedDocument:
        """Append one document (then its attachments) and its padding; the outline comes later."""
        path = part.pdf
        src = self.opened[path]
        start = self.count
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", page_copy_warning())
                self.pdf.pages.extend(src.pages)   # a file used twice: pikepdf copies its pages again
            if self.compress:
                share_streams(self.pdf, self.scans[path], self.streams, self.repeated)
        except Exception as err:  # noqa: BLE001 - a damaged object surfaces while copying
            raise BundleError(msg_unreadable(path, err)) from err
        count = len(src.pages)
        self.count += count
        self.firsts[start] = self.pdf.pages[start].obj
        blanks = self._pad() if self.duplex else 0
        children = tuple(self.place(a) for a in part.attachments)
        return PlacedDocument(title=part.title, pdf=path, start_page=start + 1, page_count=count,
                              blank_pages=blanks, attachments=children)

    def _pad(self) -> int:
        """Add a blank page, sized like the last one, when the page count is odd."""
        if self.count % 2 == 0:
            return 0
        box = [float(v) for v in self.pdf.pages[self.count - 1].mediabox]
        self.pdf.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
        self.count += 1
        return 1


def build_bundle(
    parts: list[BundlePart],
    out: Path,
    *,
    meta: BundleMeta,
    duplex: bool = False,
    pdfa: bool = False,
    compress: bool = True,
    memo: ScanMemo | None = None,
) -> BundleReport:
    """Merge ``parts`` (each followed by its attachments) into ``out``.

    ``duplex`` pads every document (each part *and* each attachment) with a
    blank page of the same size to an even page count, so that every
    document starts on the front of a sheet when printed on both sides.
    ``pdfa`` keeps PDF/A-2b markers (output intent, XMP with pdfaid) taken
    from the first input that has them; inputs that are not PDF/A are listed
    in ``warnings`` because they may break conformance.
    ``compress`` writes each font program once, however many inputs embed it.
    ``memo`` remembers what was found in each trusted input between builds (see
    :class:`.partscan.ScanMemo`); the output is the same bytes with or without it.
    The file is written atomically; two runs with equal inputs give equal bytes.
    """
    if not parts:
        raise BundleError(t("Không có tài liệu nào để ghép thành bộ hồ sơ PDF.",
                               "There are no documents to merge into the PDF bundle."))
    out = Path(out)
    with ExitStack() as stack:
        merge = _Merge(stack, duplex, compress, memo)
        merge.open_all(parts)
        placed = tuple(merge.place(part) for part in parts)
        pdf = merge.pdf
        findings: list[Finding] = []
        if pdfa:
            loose = {path: scan.not_embedded for path, scan in merge.scans.items()}
            findings = carry_output_intent(pdf, parts, merge.opened, loose)
            pin_icc_dates_pikepdf(pdf, meta.date)
        set_info_pikepdf(pdf, meta)
        if pdfa:
            set_xmp_pikepdf(pdf, xmp_packet(meta, pdfaid=(PDFA_PART, PDFA_CONFORMANCE)))
        _outline(pdf, placed, merge.firsts)
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        version = pdf_version_header((src.pdf_version for src in merge.opened.values()), pdfa)
        total = merge.count
        save_reproducibly(pdf, out, version=version)
    if pdfa:
        check_pdfa_written(out)
    return BundleReport(path=out, total_pages=total, parts=placed, pdfa=pdfa, findings=tuple(findings))


def _outline(pdf: pikepdf.Pdf, placed: tuple[PlacedDocument, ...], firsts: dict[int, pikepdf.Object]) -> None:
    """One bookmark per document, attachments nested under theirs, each opening its first page whole."""

    def item(doc: PlacedDocument) -> pikepdf.OutlineItem:
        entry = pikepdf.OutlineItem(doc.title, pikepdf.Array([firsts[doc.start_page - 1], pikepdf.Name.Fit]))
        entry.children.extend(item(a) for a in doc.attachments)
        return entry

    with pdf.open_outline() as outline:
        outline.root.extend(item(doc) for doc in placed)
