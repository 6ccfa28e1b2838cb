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

import dataclasses
import difflib
import os
import warnings
from collections import Counter
from collections.abc import Hashable, Iterator
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
    "KeptBundle",
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

    @property
    def span(self) -> int:
        """Pages from its first to the last of its attachments, padding included."""
        return self.page_count + self.blank_pages + sum(a.span for a in self.attachments)


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
        return (doc for top in self.parts for doc in _walk(top))


# --------------------------------------------------------------------------- merging


class _Merge:
    """The state of one merge: the output, the inputs opened so far, streams already copied.

    Pages go in at any position (:meth:`place`) and come out again (:meth:`remove`), so that a kept
    merge (:class:`KeptBundle`) can replace the parts that changed. qpdf numbers the objects afresh
    when it writes, in the order it reaches them from the trailer: the bytes depend on what the pages
    hold, not on the order in which they were put in or the objects left over.

    An input is opened once per file id (:meth:`fid`): its path in a merge from nothing; in a kept
    merge what the file holds, because the build hands the same document over under a new path.
    """

    def __init__(self, stack: ExitStack, duplex: bool, compress: bool, memo: ScanMemo | None,
                 *, kept: bool = False):
        self.pdf = stack.enter_context(pikepdf.new())
        self.stack = stack
        self.duplex = duplex
        self.compress = compress
        self.memo = memo
        self.kept = kept
        self.ids: dict[Path, Hashable] = {}   # a kept merge: each input's file id (see KeptBundle)
        self.opened: dict[Hashable, pikepdf.Pdf] = {}
        self.scans: dict[Hashable, PartScan] = {}
        self.streams: dict[str, pikepdf.Object] = {}
        self.repeated: set[str] = set()   # identities of streams held more than once among the inputs
        #: a kept merge: (file id, holder, key) -> the stream copied with the holder, before any sharing
        self.own: dict[tuple[Hashable, tuple[int, int], str], pikepdf.Object] = {}
        self.count = 0   # pages in the output (len(pdf.pages) walks the page tree)

    def fid(self, path: Path) -> Hashable:
        return self.ids.get(path, path)

    def open_all(self, parts: list[BundlePart]) -> None:
        """Open and scan every input not open yet, in bundle order (so the first broken one is the one named).

        One open file per file id, so a file used twice is parsed and scanned once. qpdf reads them
        until the bundle is written: read into memory instead when the process may not hold that many
        open, and always in a kept merge (it outlives the build, and must hold no file open).
        """
        every = [p for top in parts for p in top.with_attachments() if self.fid(p.pdf) not in self.opened]
        in_memory = self.kept or not file_handles_for(len({p.pdf for p in every if p.trusted}))
        for part in every:
            fid = self.fid(part.pdf)
            if fid not in self.opened:
                src = self.stack.enter_context(open_part(part.pdf, trusted=part.trusted, in_memory=in_memory))
                self.scans[fid] = self._scan(part.pdf, src, part.trusted)
                self.opened[fid] = src
        if not self.kept:
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

    def remember(self, parts: list[BundlePart]) -> None:
        """Give the memo the scans of these parts' trusted files (a kept merge scanned them in an earlier build)."""
        if self.memo is None:
            return
        for part in (p for top in parts for p in top.with_attachments()):
            if part.trusted:
                self.memo.put(part.pdf, self.scans[self.fid(part.pdf)].record())

    def place(self, part: BundlePart, at: int) -> PlacedDocument:
        """Put one document's pages (then its padding, then its attachments) in at page index ``at``."""
        path = part.pdf
        fid = self.fid(path)
        src = self.opened[fid]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", page_copy_warning())
                if at == self.count:
                    self.pdf.pages.extend(src.pages)   # a file used twice: pikepdf copies its pages again
                else:
                    self.pdf.pages[at:at] = src.pages
            if self.compress and self.kept:
                for holder, key, _identity in self.scans[fid].streams:
                    self.own.setdefault((fid, holder.objgen, key), self.pdf.copy_foreign(holder)[key])
            elif self.compress:
                share_streams(self.pdf, self.scans[fid], self.streams, self.repeated)
        except Exception as err:  # noqa: BLE001 - a damaged object surfaces while copying
            raise BundleError(msg_unreadable(path, err)) from err
        count = len(src.pages)
        self.count += count
        end = at + count
        blanks = self._pad(end) if self.duplex else 0
        end += blanks
        children = []
        for attachment in part.attachments:
            child = self.place(attachment, end)
            children.append(child)
            end += child.span
        return PlacedDocument(title=part.title, pdf=path, start_page=at + 1, page_count=count,
                              blank_pages=blanks, attachments=tuple(children))

    def reshare(self, parts: list[BundlePart], placed: tuple[PlacedDocument, ...], identities: set[str]) -> None:
        """A kept merge: point every holder of these streams at the copy of the first holder in bundle
        order, as a merge from nothing does (:func:`.partscan.share_streams`, one input after another).

        A page's contents are set on each use of the page: qpdf copies the pages of a file used
        twice as new page objects, which a merge from nothing makes after the first use was shared.
        """
        if not self.compress or not identities:
            return
        first: dict[str, pikepdf.Object] = {}
        uses = zip((p for top in parts for p in top.with_attachments()), (d for top in placed for d in _walk(top)))
        for part, doc in uses:
            fid = self.fid(part.pdf)
            pages = None
            for holder, key, identity in self.scans[fid].streams:
                if identity not in identities:
                    continue
                target = first.setdefault(identity, self.own[(fid, holder.objgen, key)])
                if key == "/Contents":
                    if pages is None:
                        pages = {page.objgen: i for i, page in enumerate(self.opened[fid].pages)}
                    index = pages.get(holder.objgen)
                    copied = (self.pdf.pages[doc.start_page - 1 + index].obj if index is not None
                              else self.pdf.copy_foreign(holder))
                else:
                    copied = self.pdf.copy_foreign(holder)
                if copied[key].objgen != target.objgen:
                    copied[key] = target

    def remove(self, at: int, count: int) -> None:
        """Take ``count`` pages out from page index ``at`` (their objects stay, unreachable, till the merge ends)."""
        del self.pdf.pages[at:at + count]
        self.count -= count

    def _pad(self, end: int) -> int:
        """Put a blank page, sized like the page before, at page index ``end`` when ``end`` is odd
        (every document before is padded to an even count)."""
        if end % 2 == 0:
            return 0
        box = [float(v) for v in self.pdf.pages[end - 1].mediabox]
        blank = self.pdf.make_indirect(pikepdf.Dictionary(   # what pikepdf's add_blank_page makes
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array([0, 0, box[2] - box[0], box[3] - box[1]]),
            Contents=self.pdf.make_stream(b""),
            Resources=pikepdf.Dictionary(),
        ))
        self.pdf.pages.insert(end, pikepdf.Page(blank))
        self.count += 1
        return 1

    def write(self, parts: list[BundlePart], placed: tuple[PlacedDocument, ...], out: Path,
              meta: BundleMeta, pdfa: bool) -> list[Finding]:
        """Markers, metadata and outline for these parts, then the file; the findings about the inputs."""
        pdf = self.pdf
        used = {p.pdf: self.fid(p.pdf) for top in parts for p in top.with_attachments()}
        findings: list[Finding] = []
        if pdfa:
            opened = {path: self.opened[fid] for path, fid in used.items()}
            loose = {path: self.scans[fid].not_embedded for path, fid in used.items()}
            findings = carry_output_intent(pdf, parts, opened, loose)
            pin_icc_dates_pikepdf(pdf, meta.date)
        set_info_pikepdf(pdf, meta)
        if pdfa:
            set_xmp_pikepdf(pdf, xmp_packet(meta, pdfaid=(PDFA_PART, PDFA_CONFORMANCE)))
        _outline(pdf, placed)
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        version = pdf_version_header((self.opened[fid].pdf_version for fid in used.values()), pdfa)
        save_reproducibly(pdf, out, version=version)
        return findings


def build_bundle(
    parts: list[BundlePart],
    out: Path,
    *,
    meta: BundleMeta,
    duplex: bool = False,
    pdfa: bool = False,
    compress: bool = True,
    memo: ScanMemo | None = None,
    keep: KeptBundle | None = None,
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
    ``keep`` holds the merge open after it is written, so that the next call with it
    puts in again only the parts whose files changed (see :class:`KeptBundle`); the same bytes too.
    The file is written atomically; two runs with equal inputs give equal bytes.
    """
    if not parts:
        raise BundleError(t("Không có tài liệu nào để ghép thành bộ hồ sơ PDF.",
                               "There are no documents to merge into the PDF bundle."))
    out = Path(out)
    if keep is not None:
        return keep.merge(parts, out, meta=meta, duplex=duplex, pdfa=pdfa, compress=compress, memo=memo)
    with ExitStack() as stack:
        merge = _Merge(stack, duplex, compress, memo)
        merge.open_all(parts)
        placed = tuple(merge.place(part, merge.count) for part in parts)   # one after another
        findings = merge.write(parts, placed, out, meta, pdfa)
        total = merge.count
    if pdfa:
        check_pdfa_written(out)
    return BundleReport(path=out, total_pages=total, parts=placed, pdfa=pdfa, findings=tuple(findings))


def _outline(pdf: pikepdf.Pdf, placed: tuple[PlacedDocument, ...]) -> None:
    """One bookmark per document, attachments nested under theirs, each opening its first page whole
    (the outline of an earlier write of a kept merge is replaced).

    Made as pikepdf's ``open_outline()`` makes it (the same dictionaries: /Title, /Dest, /Parent,
    /Prev, /Next, /First, /Last, /Count, every item open), the same bytes once written, directly: a
    tenth of the time for the 500 items of a round of 500 (0.13 s per warm rebuild)."""
    if "/Outlines" in pdf.Root:
        del pdf.Root["/Outlines"]
    fit = pikepdf.Name.Fit
    kids = pdf.Root.Pages.get("/Kids")
    if (isinstance(kids, pikepdf.Array) and len(kids) == len(pdf.pages)
            and all(kid.get("/Type") == pikepdf.Name.Page for kid in kids)):
        pages = kids           # flat, as qpdf leaves a tree it inserted into: 1 µs a page, not 70
    else:
        pages = [page.obj for page in pdf.pages]

    def level(parent: pikepdf.Dictionary, docs) -> int:
        count, first, prev = 0, None, None
        for doc in docs:
            item = pdf.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(doc.title), Dest=pikepdf.Array([pages[doc.start_page - 1], fit]),
                Parent=parent))
            if prev is None:
                first = item
            else:
                prev.Next = item
                item.Prev = prev
            prev = item
            count += 1 + level(item, doc.attachments)
        if count:
            parent.First, parent.Last = first, prev
        parent.Count = count
        return count

    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    pdf.Root.Outlines = root
    if level(root, placed) == 0:
        del root.Count                  # as pikepdf leaves an empty outline


# --------------------------------------------------------------------------- kept between builds


#: a kept merge starts afresh once it holds more pages taken out than pages in use
_GARBAGE_RATIO = 1.0


class KeptBundle:
    """A merge kept open between builds of one long-lived process (the warm builder).

    The next :func:`build_bundle` with it takes out the pages of the parts that changed and puts the
    new ones in; the parts that did not change stay as they are. A part is a document with its
    attachments; a file is known by what it holds (its SHA-256 from the memo, or its inode, size and
    date) and, among files that hold the same, by its rank in the bundle: files that are separate
    in a merge from nothing stay separate here. The file written is the same bytes as a merge from
    nothing: qpdf numbers the objects as it reaches them, and every stream is shared as a merge from
    nothing shares it. Each input is read into memory, so that no file stays open. Pages taken out
    stay in memory until the merge starts afresh: when they outnumber the pages in use, with other
    options (duplex, compress, PDF/A), or after an error.
    """

    def __init__(self) -> None:
        self._stack: ExitStack | None = None
        self._merge: _Merge | None = None
        self._options: tuple = ()
        self._keys: list[tuple] = []   # the last merge's parts, as file ids
        self._placed: list[PlacedDocument] = []
        self._garbage = 0
        #: how many parts the last merge kept as they were (0: it put every part in)
        self.reused = 0

    def close(self) -> None:
        """Let go of the kept merge (the next one starts from nothing)."""
        if self._stack is not None:
            self._stack.close()
        self._stack = self._merge = None
        self._keys, self._placed, self._garbage = [], [], 0

    def merge(self, parts: list[BundlePart], out: Path, *, meta: BundleMeta, duplex: bool, pdfa: bool,
              compress: bool, memo: ScanMemo | None) -> BundleReport:
        options = (duplex, compress, pdfa)   # PDF/A sets markers in the catalogue that a plain merge has not
        if (self._merge is None or options != self._options
                or self._garbage > _GARBAGE_RATIO * max(self._merge.count, 1)):
            self.close()
            self._stack = ExitStack()
            self._merge = _Merge(self._stack, duplex, compress, memo, kept=True)
            self._options = options
        merge = self._merge
        merge.memo = memo
        try:
            merge.ids = _file_ids(parts, memo)
            keys = [tuple((merge.fid(p.pdf), p.trusted) for p in top.with_attachments()) for top in parts]
            merge.open_all(parts)
            placed = self._update(parts, keys)
            findings = merge.write(parts, placed, out, meta, pdfa)
            merge.remember(parts)
        except BaseException:
            self.close()
            raise
        self._keys, self._placed = keys, list(placed)
        self.reused = self._reused
        if pdfa:
            check_pdfa_written(out)
        return BundleReport(path=out, total_pages=merge.count, parts=placed, pdfa=pdfa, findings=tuple(findings))

    def _update(self, parts: list[BundlePart], keys: list[tuple]) -> tuple[PlacedDocument, ...]:
        """Take out the old parts that are not among the new ones and put the new ones in their place."""
        merge = self._merge
        old = self._placed
        made: dict[int, PlacedDocument] = {}   # new index -> placed (at a position shifted below)
        moved: set[Hashable] = set()   # file ids whose pages were taken out or put in
        self._reused = 0
        ops = difflib.SequenceMatcher(None, self._keys, keys, autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(ops):   # from the end: the pages before stay where they are
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    made[j] = old[i]
                self._reused += i2 - i1
                continue
            at = old[i1].start_page - 1 if i1 < len(old) else merge.count
            taken = sum(d.span for d in old[i1:i2])
            if taken:
                merge.remove(at, taken)
                self._garbage += taken
            moved.update(fid for key in self._keys[i1:i2] for fid, _trusted in key)
            for j in range(j1, j2):
                done = merge.place(parts[j], at)
                made[j] = done
                at += done.span
                moved.update(fid for fid, _trusted in keys[j])
        placed, start = [], 0
        for j, part in enumerate(parts):
            doc = _moved(made[j], start, part)
            placed.append(doc)
            start += doc.span
        if old:
            dirty = {i for fid in moved for _h, _k, i in merge.scans[fid].streams}
        else:   # from nothing: the streams held more than once (each other holder keeps its own copy)
            held = Counter(i for fid in {f for key in keys for f, _t in key} for _h, _k, i in merge.scans[fid].streams)
            dirty = {i for i, n in held.items() if n > 1}
        merge.reshare(parts, tuple(placed), dirty)
        return tuple(placed)


def _file_ids(parts: list[BundlePart], memo: ScanMemo | None) -> dict[Path, tuple]:
    """Each input's file id in a kept merge: what it holds (its SHA-256 when the memo knows it, else its
    inode, size and date), and its rank among the files of the bundle that hold the same."""
    ids: dict[Path, tuple] = {}
    ranks: Counter = Counter()
    for part in (p for top in parts for p in top.with_attachments()):
        if part.pdf in ids:
            continue
        digest = memo.digests.get(part.pdf) if memo is not None else None
        if digest is not None:
            held: tuple = ("sha256", digest)
        else:
            try:
                st = os.stat(part.pdf)
                held = ("stat", st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                held = ("missing", str(part.pdf))   # open_part names it
        ids[part.pdf] = (*held, ranks[held])
        ranks[held] += 1
    return ids


def _walk(doc: PlacedDocument) -> Iterator[PlacedDocument]:
    """The document, then its attachments (and theirs), in bundle order."""
    yield doc
    for attachment in doc.attachments:
        yield from _walk(attachment)


def _moved(doc: PlacedDocument, start: int, part: BundlePart) -> PlacedDocument:
    """``doc`` placed at 0-based page ``start``, with the titles and paths of ``part`` (the same files)."""
    children, at = [], start + doc.page_count + doc.blank_pages
    for child, attachment in zip(doc.attachments, part.attachments):
        moved = _moved(child, at, attachment)
        children.append(moved)
        at += moved.span
    return dataclasses.replace(doc, title=part.title, pdf=part.pdf, start_page=start + 1, attachments=tuple(children))
