"""The DOCX and PDF of every document: from the cache, or made, with rendering and conversion overlapped.

Each document is looked up in the cache by its key; the missing ones are
rendered (over several processes for a big round) and each rendered DOCX goes
to the LibreOffice pool at once, so conversion starts while the rest are still
being rendered. Each finished PDF is post-processed on the pool's
post-processing thread while the workers convert the next ones (a few
milliseconds a document, :func:`_post_process`): normalised into the plain PDF
(the bundle's part, in the build's private folder), then given its empty
signature fields, the sign-ready PDF that goes to OUT/documents; both are
cached. A PDF from the cache comes with both.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dhtt_docs.build.cache import BuildCache
from dhtt_docs.documents.render import DocumentJob, RenderedDocument

#: Render over several processes from this many documents to make (a pool costs ~0.1 s to start and stop).
PARALLEL_RENDER_MIN = 48


@dataclass(frozen=True)
class PdfInfo:
    """What a document's PDF carries besides its content (fixed metadata, no clock)."""

    title: str
    author: str
    subject: str
    keywords: str
    when: datetime


@dataclass
class Produced:
    """The outcome of the documents stage, handed to the bundle and the bag."""

    documents: list[RenderedDocument] = field(default_factory=list)
    pdfs: dict[Path, Path] = field(default_factory=dict)       # DOCX path -> its sign-ready PDF (OUT/documents)
    plain: dict[Path, Path] = field(default_factory=dict)      # DOCX path -> its plain PDF (no fields: the bundle's)
    unplaced: dict[Path, list[str]] = field(default_factory=dict)   # DOCX path -> its fields without a place
    rendered: int = 0
    reused: int = 0
    converted: int = 0
    pdf_reused: int = 0
    failures: list = field(default_factory=list)               # ConversionFailure of documents without a PDF
    provisional: bool = False   # some PDFs are not what a build from nothing makes (a chunk converted report
                                # by report, build/chunks.py): the next build must not take them as current


# --------------------------------------------------------------------------- rendering

_JOBS: list[DocumentJob] = []   # the jobs a forked render process reads (inherited, never pickled)


def _render_one(index: int) -> bytes:
    return _JOBS[index].render()


def render_all(jobs: list[DocumentJob], processes: int | None = None) -> Iterator[bytes]:
    """The DOCX bytes of each job, in order; over several processes for many jobs where fork exists.

    A template used by several jobs is compiled once, before the fork, so that
    every process inherits it (documents/compiled.py; one used once is compiled
    by the process that renders it). The caller writes the documents (as links
    to their cache entries: BuildCache.put_bytes).
    """
    global _JOBS
    count = processes or os.cpu_count() or 1
    if count < 2 or len(jobs) < PARALLEL_RENDER_MIN or "fork" not in multiprocessing.get_all_start_methods():
        yield from (job.render() for job in jobs)
        return
    from dhtt_docs.documents.compiled import compiled

    for template, uses in Counter(job.template for job in jobs).items():
        if uses > 1:
            compiled(template)
    _JOBS = jobs
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            yield from pool.imap(_render_one, range(len(jobs)), chunksize=8)
    finally:
        _JOBS = []


# --------------------------------------------------------------------------- the stage

#: With no converter chosen, a running warm converter takes rebuilds of up to this many PDFs
#: (it converts one file at a time; more files go faster through the cold pool's parallel workers).
WARM_MAX = 24


@dataclass
class ProduceOptions:
    pdf: bool
    workers: int | None
    timeout: float
    pdfa: bool
    converter: str | None
    scratch: Path | None = None          # the build's private folder (LibreOffice's TMPDIR goes in it)
    janitor: object | None = None
    pool: object | None = None           # a SofficePool the build started early (pipeline.start_converters)
    chunks: list[list[int]] = field(default_factory=list)   # reports converted together (build/chunks.py)


def produce(docs_dir: Path, jobs: list[tuple[DocumentJob, str]], pdf_keys: list[str] | None, info: PdfInfo | None,
            opts: ProduceOptions, cache: BuildCache, progress, meanwhile: Callable[[], None] | None = None) -> Produced:
    """Every DOCX (and, with ``pdf_keys``, every PDF) of ``jobs`` into ``docs_dir``.

    ``meanwhile`` (other work of the build that needs no PDF) runs once: while LibreOffice converts
    the last documents when there is a conversion, else while the rendering processes work (it is
    started when the first document is back), else at the end.
    """
    once = _Once(meanwhile)
    out = _produce(docs_dir, jobs, pdf_keys, info, opts, cache, progress, once)
    once()
    return out


class _Once:
    """A function run at most once (None: nothing)."""

    def __init__(self, fn: Callable[[], None] | None):
        self.fn = fn

    def __call__(self) -> None:
        fn, self.fn = self.fn, None
        if fn is not None:
            fn()


def _produce(docs_dir: Path, jobs: list[tuple[DocumentJob, str]], pdf_keys: list[str] | None, info: PdfInfo | None,
             opts: ProduceOptions, cache: BuildCache, progress, meanwhile: _Once) -> Produced:
    from dhtt_docs.signing.fields import sign_ready_key

    out = Produced()
    todo_docx: list[tuple[int, DocumentJob, str]] = []
    need_pdf: list[int] = []
    plain_dir = (opts.scratch or docs_dir.parent / ".private") / "plain"
    if pdf_keys is not None:
        plain_dir.mkdir(parents=True, exist_ok=True)
    for i, (job, key) in enumerate(jobs):
        path = docs_dir / job.file_name
        out.documents.append(RenderedDocument(job.kind, job.candidate_id, job.title, path, key))
        if cache.fetch("docx", key, path):
            out.reused += 1
        else:
            todo_docx.append((i, job, key))
        if pdf_keys is not None:
            pdf = path.with_suffix(".pdf")
            out.pdfs[path] = pdf
            out.plain[path] = plain_dir / pdf.name
            if not cache.fetch("pdf", pdf_keys[i], out.plain[path]):
                need_pdf.append(i)
                continue
            ready_key = sign_ready_key(pdf_keys[i], job.kind)
            missing = cache.fetch_json(ready_key)
            if isinstance(missing, list) and cache.fetch("pdf", ready_key, pdf):
                out.unplaced[path] = missing
            else:   # the plain PDF is known, its fields are not (new placement rules): no conversion needed
                _sign_ready(out.documents[i], out.plain[path].read_bytes(), pdf, ready_key, out, cache)
    if need_pdf and opts.chunks:   # a chunk is converted whole (its PDFs' keys name it whole)
        need = set(need_pdf)
        for chunk in opts.chunks:
            if need.intersection(chunk):
                need.update(chunk)
        need_pdf = sorted(need)
    out.pdf_reused = len(jobs) - len(need_pdf) if pdf_keys is not None else 0
    if pdf_keys is None or not need_pdf:
        _render_into(docs_dir, todo_docx, out, cache, progress, len(jobs), submit=None, meanwhile=meanwhile)
        return out
    _render_and_convert(docs_dir, jobs, todo_docx, need_pdf, pdf_keys, info, opts, out, cache, progress, meanwhile)
    return out


def _post_process(doc: RenderedDocument, converted: Path, pdf_key: str, info: PdfInfo, out: Produced,
                  cache: BuildCache, store: bool = True) -> None:
    """A PDF fresh from LibreOffice (at `converted`, the document's place in OUT/documents) -> its
    plain PDF and its sign-ready PDF, both cached (unless not `store`). Same input, same bytes."""
    from dhtt_docs.pdf.metadata import BundleMeta
    from dhtt_docs.pdf.normalise import normalised_bytes
    from dhtt_docs.pdf.pdffile import write_atomically
    from dhtt_docs.signing.fields import sign_ready_key

    plain = normalised_bytes(converted, BundleMeta(doc.title, info.author, info.subject, info.keywords, info.when))
    if store:
        cache.put_bytes("pdf", pdf_key, plain, out.plain[doc.path], write_atomically)
    else:
        write_atomically(out.plain[doc.path], plain)
    _sign_ready(doc, plain, converted, sign_ready_key(pdf_key, doc.kind), out, cache, store)


def _sign_ready(doc: RenderedDocument, plain: bytes, target: Path, ready_key: str, out: Produced,
                cache: BuildCache, store: bool = True) -> None:
    """The document's sign-ready PDF (its empty signature fields added to `plain`) at `target`, cached
    (unless not `store`) with the names of the fields that found no place."""
    from dhtt_docs.pdf.pdffile import write_atomically
    from dhtt_docs.signing.fields import sign_ready_bytes

    ready, missing = sign_ready_bytes(plain, doc.kind)
    if store:
        cache.put_bytes("pdf", ready_key, ready, target, write_atomically)
        cache.store_json(ready_key, missing)
    else:
        write_atomically(target, ready)
    out.unplaced[doc.path] = missing


def _render_into(docs_dir: Path, todo: list[tuple[int, DocumentJob, str]], out: Produced, cache: BuildCache,
                 progress, total: int, submit: Callable[[int], None] | None,
                 meanwhile: Callable[[], None] | None = None) -> None:
    done = total - len(todo)
    progress("render", done, total)
    # While LibreOffice converts (`submit`), one process renders: it keeps far ahead of the
    # converters, and a second one would only take CPU from them.
    processes = 1 if submit is not None else None
    for (i, job, key), data in zip(todo, render_all([j for _, j, _ in todo], processes)):
        # the stage is private until it is swapped in whole: a plain write where there is no link
        cache.put_bytes("docx", key, data, docs_dir / job.file_name, Path.write_bytes)
        out.rendered += 1
        done += 1
        progress("render", done, total)
        if submit is not None:
            submit(i)
        if meanwhile is not None:   # the other processes go on rendering into the pool's queue
            meanwhile()
            meanwhile = None


def _render_and_convert(docs_dir: Path, jobs, todo_docx, need_pdf: list[int], pdf_keys: list[str],
                        info: PdfInfo, opts: ProduceOptions, out: Produced, cache: BuildCache, progress,
                        meanwhile: Callable[[], None]) -> None:
    from dhtt_docs.build.chunks import Combiner
    from dhtt_docs.pdf.jobs import ConversionError, ConversionFailure
    from dhtt_docs.pdf.libreoffice import find_soffice, profiles_root
    from dhtt_docs.pdf.jobs import Job, precheck, remove_quietly
    from dhtt_docs.pdf.messages import msg_no_soffice
    from dhtt_docs.pdf.pool import SofficePool
    from dhtt_docs.pdf.unoserver import convert_with_unoserver, parse_backend

    wanted = set(need_pdf)
    total = len(need_pdf)
    lock = threading.Lock()
    state = {"done": 0, "rendering": True}
    failures: dict[int, str] = {}

    def finished(job: Job, reason: str | None, store: bool = True) -> None:
        """On the pool's post-processing thread: a new PDF -> its plain and sign-ready PDFs, cached
        (a combined one -> its reports' PDFs, each then the same)."""
        if combiner.is_combined(job):
            for member in combiner.finished(job, reason):
                finished(member, None)
            return
        if reason is None:
            _post_process(out.documents[job.index], job.target, pdf_keys[job.index], info, out, cache, store)
        else:
            failures[job.index] = reason
            remove_quietly(job.target)
        with lock:
            state["done"] += 1
            if not state["rendering"]:
                progress("convert", state["done"], total)

    def job_of(i: int) -> Job:
        path = out.documents[i].path
        return Job(i, path, out.pdfs[path])

    combiner = Combiner([chunk for chunk in opts.chunks if wanted.issuperset(chunk)], job_of,
                        (opts.scratch or docs_dir.parent) / "combined")

    def units(indices: list[int]) -> list[Job]:
        """The conversion jobs of documents whose DOCX are all in place (a chunk as one job)."""
        return [job for i in indices for job in combiner.ready(i)]

    if _warm_wanted(opts, len(need_pdf)):
        _render_into(docs_dir, todo_docx, out, cache, progress, len(jobs), submit=None)
        todo_docx = []                                   # rendered: the cold pool (if needed) only converts
        if _convert_warm(units(need_pdf), opts, docs_dir, finished):
            need_pdf = []
        else:   # the cold pool takes them: each chunk again as one job
            combiner = Combiner(combiner.chunks, job_of, combiner.folder)
    if not need_pdf:
        pass
    elif (endpoints := parse_backend(opts.converter)) is not None:   # unoserver: render, then convert
        _render_into(docs_dir, todo_docx, out, cache, progress, len(jobs), submit=None)
        runnable = units(need_pdf)
        reasons = convert_with_unoserver(runnable, endpoints, opts.timeout, opts.pdfa, lambda _p: None)
        for job in runnable:
            finished(job, reasons.get(job.index))
    else:
        pool = opts.pool
        if pool is None:
            exe = find_soffice()
            if exe is None:
                raise ConversionError(msg_no_soffice())
            workers = max(1, min(opts.workers or os.cpu_count() or 1, total))
            pool = SofficePool(exe, workers=workers, timeout=opts.timeout, pdfa=opts.pdfa, expected=total,
                               profiles=profiles_root(), scratch=opts.scratch, janitor=opts.janitor,
                               keep_running=True).start()
        pool.use(on_done=finished, expected=total)

        def submit(i: int) -> None:
            if i not in wanted:
                return
            for job in combiner.ready(i):
                problem = precheck(job.source)
                if problem is not None:
                    finished(job, problem)
                else:
                    pool.submit(job)

        rendered = {i for i, _, _ in todo_docx}
        try:
            for i in need_pdf:                       # DOCX from the cache go first
                if i not in rendered:
                    submit(i)
            _render_into(docs_dir, todo_docx, out, cache, progress, len(jobs), submit=submit)
            with lock:
                state["rendering"] = False
                progress("convert", state["done"], total)
            meanwhile()                              # on this thread, which would only wait for the pool
            pool.close()
        except BaseException:
            pool.stop()
            raise
    if combiner.retry:
        _convert_alone([job_of(i) for i in combiner.retry], opts, finished)
        out.provisional = True
    out.converted = total - len(failures)
    out.failures = [ConversionFailure(out.documents[i].path, failures[i]) for i in sorted(failures)]


def _warm_wanted(opts: ProduceOptions, count: int) -> bool:
    """Asked for (``--converter warm``), or already running and the work is small."""
    from dhtt_docs.pdf import warm

    if warm.chosen(opts.converter):
        return True
    if opts.converter not in (None, "soffice") or count > WARM_MAX or not warm.enabled():
        return False
    from dhtt_docs.pdf.libreoffice import find_soffice

    soffice = find_soffice()
    return soffice is not None and warm.running(soffice)


def _convert_warm(units: list, opts: ProduceOptions, docs_dir: Path, finished) -> bool:
    """Convert the jobs `units` with the warm converter (starting it when asked for); False when it
    cannot be used."""
    from dhtt_docs.pdf import warm
    from dhtt_docs.pdf.jobs import install

    asked = warm.chosen(opts.converter)
    tmp = (opts.scratch or docs_dir.parent) / "warm"
    try:
        pdfs = warm.convert([job.source for job in units], tmp, pdfa=opts.pdfa, timeout=opts.timeout,
                            start_server=asked)
    except warm.WarmUnavailable:
        return False
    for job, produced in zip(units, pdfs):
        install(produced, job.target)
        finished(job, None)
    return True


def _convert_alone(retry: list, opts: ProduceOptions, finished) -> None:
    """Reports whose combined conversion failed, each converted alone by a cold pool (their PDFs are
    used, not cached: build/chunks.py's Combiner says why)."""
    from dhtt_docs.pdf.convert import convert_many
    from dhtt_docs.pdf.libreoffice import profiles_root

    failed = {f.source: f.reason for f in convert_many(
        [(job.source, job.target) for job in retry], workers=opts.workers, timeout=opts.timeout, pdfa=opts.pdfa,
        profiles=profiles_root(), scratch=opts.scratch, janitor=opts.janitor)}
    for job in retry:
        finished(job, failed.get(job.source), store=False)
