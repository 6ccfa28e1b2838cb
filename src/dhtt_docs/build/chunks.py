"""Which reports are converted together as one document (documents/combine.py), and their PDFs' keys.

A *chunk* is a run of consecutive achievement reports made from one template
that can be combined. Where a chunk ends depends only on its candidates' ids,
never on their contents or on what the cache holds:

* a chunk ends after a candidate whose id hashes to a cut point, once it has
  :data:`MIN_SIZE` reports, and always at :data:`MAX_SIZE`; so editing a
  candidate changes no chunk, and adding or removing one changes only the
  chunks up to the next cut point, not every chunk after it;
* a report whose template cannot be combined, and every other document, is
  converted alone.

A combined report's PDF depends on its companions (its fonts' glyphs are
numbered for the whole combined document), so its key is its own PDF key
with the DOCX keys of the whole chunk: a build that converts the chunk again
gives the same bytes, and a report converted in other company is never taken
for it.

Sizes, measured with LibreOffice 7.4 (two-page reports): alone a report
costs about 0.1 s; in a chunk about 0.05 s more per report. A chunk of 4 to 8
(about 6 on average) takes most of the gain, and keeps a rebuild after one
edit to one chunk's conversion (about 0.35 s warm).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from dhtt_docs.build.cache import key_of

if TYPE_CHECKING:
    from dhtt_docs.documents.render import DocumentJob

__all__ = ["MAX_SIZE", "MIN_SIZE", "chunk_keys", "chunks_of", "template_combinable"]

MIN_SIZE = 4
MAX_SIZE = 8
#: After MIN_SIZE reports, a chunk ends after one candidate in CUT_ONE_IN (by its id's hash).
CUT_ONE_IN = 3

_REPORT = "bao-cao"


def chunks_of(jobs: Sequence[DocumentJob], combinable: Callable[[Path], bool]) -> list[list[int]]:
    """The chunks of `jobs` (indices, in order); documents converted alone are in none."""
    chunks: list[list[int]] = []
    current: list[int] = []
    asked: dict[Path, bool] = {}        # `combinable` once per template, not once per report

    def can_combine(template: Path) -> bool:
        if template not in asked:
            asked[template] = combinable(template)
        return asked[template]

    def close() -> None:
        if len(current) > 1:
            chunks.append(list(current))
        current.clear()

    for i, job in enumerate(jobs):
        if job.kind != _REPORT or job.candidate_id is None or not can_combine(job.template):
            close()
            continue
        if current and jobs[current[-1]].template != job.template:
            close()
        current.append(i)
        if len(current) >= MAX_SIZE or (len(current) >= MIN_SIZE and _cut_after(job.candidate_id)):
            close()
    close()
    return chunks


def _cut_after(candidate_id: str) -> bool:
    return int.from_bytes(hashlib.sha256(candidate_id.encode()).digest()[:4], "big") % CUT_ONE_IN == 0


def chunk_keys(pdf_keys: list[str], docx_keys: list[str], chunks: list[list[int]]) -> list[str]:
    """`pdf_keys` with each combined report's key made to name its whole chunk."""
    from dhtt_docs.documents.combine import COMBINE_VERSION

    keys = list(pdf_keys)
    for chunk in chunks:
        company = [docx_keys[i] for i in chunk]
        for position, i in enumerate(chunk):
            keys[i] = key_of({"pdf": pdf_keys[i], "chunk": company, "position": position,
                              "combine": COMBINE_VERSION})
    return keys


def template_combinable(template: Path, digest: str) -> bool:
    """Can reports of this template (its file and content digest) be combined? Asked once per template."""
    return _combinable(str(template), digest)


@lru_cache(maxsize=64)
def _combinable(template: str, digest: str) -> bool:
    from dhtt_docs.documents.combine import combinable_parts, parts_of

    try:
        return combinable_parts(parts_of(Path(template)))
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


class Combiner:
    """During one build's conversion: a chunk becomes one job once all its reports are rendered, and its
    PDF becomes the reports' PDFs when it is done.

    A chunk that cannot be combined (:func:`..documents.combine.combine` says no, from the reports'
    bytes) has its reports converted alone, as any document: the same input always gives the same
    answer, so their PDFs are kept in the cache like any. A combined conversion that fails, or whose PDF
    cannot be cut at its marks, has its reports converted alone after the others (:attr:`retry`); those
    PDFs are not kept in the cache, because a later build may combine them (LibreOffice timed out, or a
    warm LibreOffice of an older dhtt-docs did not export the marks), and must not find others.
    """

    #: Job numbers of combined documents start here (a document's is its index in the round).
    BASE = 1_000_000

    def __init__(self, chunks: list[list[int]], job_of, folder: Path):
        from dhtt_docs.pdf.jobs import Job

        self._job = Job
        self.chunks = chunks
        self._job_of = job_of
        self.folder = folder
        self._chunk_of = {i: n for n, chunk in enumerate(chunks) for i in chunk}
        self._waiting = {n: set(chunk) for n, chunk in enumerate(chunks)}
        self.retry: list[int] = []

    def ready(self, i: int) -> list:
        """Document `i`'s DOCX is in place: the jobs to convert now (none while its chunk waits for others)."""
        from dhtt_docs.documents.combine import combine

        n = self._chunk_of.get(i)
        if n is None:
            return [self._job_of(i)]
        waiting = self._waiting[n]
        waiting.discard(i)
        if waiting:
            return []
        members = [self._job_of(m) for m in self.chunks[n]]
        self.folder.mkdir(parents=True, exist_ok=True)
        source = self.folder / f"chunk-{n:05d}.docx"
        try:
            combined = combine([job.source for job in members], source)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):   # a damaged DOCX: alone, it is named
            combined = False
        if combined:
            return [self._job(self.BASE + n, source, source.with_suffix(".pdf"))]
        return members

    def is_combined(self, job) -> bool:
        return job.index >= self.BASE

    def finished(self, job, reason: str | None) -> list:
        """A combined job is over: its reports' jobs, their PDFs now in place (none: they are in
        :attr:`retry`)."""
        from dhtt_docs.documents.combine import mark_name
        from dhtt_docs.pdf.jobs import remove_quietly

        members = [self._job_of(m) for m in self.chunks[job.index - self.BASE]]
        try:
            marks = [mark_name(k) for k in range(len(members))]
            if reason is None and _split(job.target, marks, [m.target for m in members]):
                return members
            self.retry.extend(m.index for m in members)
            return []
        finally:
            remove_quietly(job.source)
            remove_quietly(job.target)


def _split(combined: Path, marks: list[str], targets: list[Path]) -> bool:
    from dhtt_docs.pdf.split import split_at_marks

    try:
        return split_at_marks(combined, marks, targets)
    except Exception:  # noqa: BLE001 - an unreadable PDF: its reports are converted alone
        return False
