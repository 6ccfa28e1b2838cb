"""The build: dossier -> findings -> DOCX -> PDF -> bundle PDF -> BagIt zip.

Each stage is a module of its own (loader, rules, render, convert, bundle,
bag); this one orders them, decides what is written where, and makes the
output folder change all at once: everything is built in a temporary folder
beside OUT and swapped in only when every stage succeeded, so a failed or
interrupted build leaves the last good outputs as they were.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time as _time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Callable

from dhtt_docs import __version__
from dhtt_docs.build.janitor import Janitor
from dhtt_docs.build.lock import build_lock
from dhtt_docs.fsutil import apply_umask
from dhtt_docs.exceptions import ToolMissing, UsageProblem
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import tr
from dhtt_docs.install import libreoffice_hint
from dhtt_docs.build.cache import DEFAULT_DIR as CACHE_DIR
from dhtt_docs.build.cache import BuildCache, file_digest, key_of
from dhtt_docs.dossier.loader import Round, load_round
from dhtt_docs.rules.profile import profile_digest
from dhtt_docs.documents.render import DocumentJob, RenderedDocument
from dhtt_docs.rules.engine import Report, evaluate

DOCUMENTS = "documents"
BUNDLE = "bundle"
VALIDATION = "validation.json"
DANH_SACH_XLSX = "danh-sach.xlsx"   # the Danh sách as a workbook, for the level above to sort and sum

INSTALL_HINT, INSTALL_HINT_EN = libreoffice_hint().vi, libreoffice_hint().en


def install_hint() -> str:
    """How to get LibreOffice, in the chosen language."""
    return tr(INSTALL_HINT, INSTALL_HINT_EN)


@dataclass
class BuildOptions:
    out: Path | None = None            # default FOLDER/build
    pdf: bool = True
    pdfa: bool = False
    duplex: bool = False
    jobs: int | None = None            # conversion workers; default one per CPU
    force: bool = False                # build despite error findings, marking every page DỰ THẢO
    templates: Path | None = None      # a folder of user templates (same file names as the built-in ones)
    converter: str | None = None       # None: local LibreOffice; "unoserver://host:port[,...]"
    timeout: float = 120.0
    cache: bool = True                 # reuse documents whose inputs did not change
    cache_dir: Path | None = None      # default FOLDER/.dhtt-cache


@dataclass
class BuildResult:
    report: Report
    findings: list[Finding] = field(default_factory=list)   # problems of the build itself
    out: Path | None = None
    written: list[Path] = field(default_factory=list)        # files in OUT, relative
    draft: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (for benchmarks, never written)
    stats: dict[str, int] = field(default_factory=dict)      # documents rendered/reused, PDFs converted/reused

    @contextmanager
    def timed(self, stage: str):
        start = _time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + _time.perf_counter() - start

    @property
    def rendered(self) -> int:
        """Documents (DOCX) made again this run."""
        return self.stats.get("docx_rendered", 0)

    @property
    def reused(self) -> int:
        """Documents (DOCX) taken from the cache, their inputs unchanged."""
        return self.stats.get("docx_reused", 0)

    @property
    def converted(self) -> int:
        """PDFs converted by LibreOffice this run (the others came from the cache)."""
        return self.stats.get("pdf_converted", 0)

    @property
    def ok(self) -> bool:
        return self.out is not None and not any(f.severity is Severity.ERROR for f in self.findings)


Progress = Callable[[str, int, int], None]   # stage, done, total


def _noop(stage: str, done: int, total: int) -> None:
    pass


def output_dir(folder: Path, opts: BuildOptions) -> Path:
    return (opts.out if opts.out is not None else folder / "build").absolute()


def check_output(out: Path) -> None:
    """OUT must be a folder we can write (or create) — said before any work is done."""
    if out.exists() and not out.is_dir():
        raise UsageProblem(tr(f"'{out}' là một tệp, không phải thư mục: hãy chọn thư mục khác với -o.",
                              f"'{out}' is a file, not a folder: choose another folder with -o."))
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageProblem(tr(f"Không ghi được vào '{parent}': hãy chọn thư mục khác với -o, "
                              "hoặc xin quyền ghi thư mục đó.",
                              f"Cannot write to '{parent}': choose another folder with -o, "
                              "or get permission to write to that folder."))


def check_converter(opts: BuildOptions) -> None:
    if not opts.pdf or (opts.converter and opts.converter != "soffice"):
        return
    from dhtt_docs.pdf.convert import SOFFICE_ENV, find_soffice
    if find_soffice() is None:
        chosen = os.environ.get(SOFFICE_ENV)
        if chosen is None:
            raise ToolMissing(tr(f"Không tìm thấy LibreOffice (soffice) để lập PDF: {INSTALL_HINT}.",
                                 f"LibreOffice (soffice), needed to make PDFs, was not found: {INSTALL_HINT_EN}."))
        raise ToolMissing(tr(f"Không tìm thấy LibreOffice (soffice) ở {SOFFICE_ENV}={chosen} để lập PDF: "
                             f"{INSTALL_HINT}.",
                             f"LibreOffice (soffice), needed to make PDFs, was not found at {SOFFICE_ENV}={chosen}: "
                             f"{INSTALL_HINT_EN}."))


def submission_datetime(report: Report) -> datetime:
    """The one date every output carries (no clock): the Tờ trình's date, at midnight."""
    sub = report.round.submission
    return datetime.combine(sub.submission.date, time(0, 0))


def build(folder: Path, opts: BuildOptions, progress: Progress = _noop) -> BuildResult:
    """Run the whole build. Never raises for bad input: findings say what is wrong."""
    folder = Path(folder)
    out = output_dir(folder, opts)
    check_output(out)
    check_converter(opts)
    start = _time.perf_counter()
    report = evaluate(load_round(folder))
    result = BuildResult(report)
    result.timings["load"] = _time.perf_counter() - start
    if report.round.submission is None or (not report.ok and not opts.force):
        return result
    result.draft = not report.ok

    from dhtt_docs.documents.render import lint_templates
    lint = lint_templates(opts.templates) if opts.templates else []
    result.findings.extend(lint)
    if any(f.severity is Severity.ERROR for f in lint):
        return result

    cache = BuildCache((opts.cache_dir or folder / CACHE_DIR) if opts.cache else None)
    with build_lock(out, cache.root), Janitor() as janitor:   # one build at a time per OUT and cache
        stage = _make_stage(out)
        janitor.watch_dir(stage)
        try:
            _build_into(stage, report, opts, result, progress, cache, janitor)
            if any(f.severity is Severity.ERROR for f in result.findings):
                return result
            _swap_in(stage, out)
            cache.prune()
            result.out = out
            result.written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
            return result
        finally:
            shutil.rmtree(stage, ignore_errors=True)
            janitor.forget_dir(stage)


def _make_stage(out: Path) -> Path:
    """The temporary folder beside OUT that the build fills; stale ones of killed builds go first."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in out.parent.glob(f".{out.name}.tmp-*"):
            if stale.is_dir() and not _in_use(stale):
                shutil.rmtree(stale, ignore_errors=True)
        return apply_umask(Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent)))
    except OSError as e:
        raise UsageProblem(tr(f"Không ghi được vào '{out.parent}' ({e.strerror or e}): hãy chọn thư mục khác "
                              "với -o, hoặc xin quyền ghi thư mục đó.",
                              f"Cannot write to '{out.parent}' ({e.strerror or e}): choose another folder with -o, "
                              "or get permission to write to that folder.")) from None


def _in_use(stage: Path) -> bool:
    """Is the build that made `stage` still running? (its pid is in the name)"""
    try:
        pid = int(stage.name.split(".tmp-", 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _build_into(stage: Path, report: Report, opts: BuildOptions, result: BuildResult, progress: Progress,
                cache: BuildCache, janitor: Janitor | None = None) -> None:
    docs_dir = stage / DOCUMENTS
    docs_dir.mkdir()
    with result.timed("render"):
        jobs = keyed_documents(report, opts.templates, result.draft, cache)
        documents = _render(docs_dir, jobs, result, progress, cache)
    if opts.pdf:
        with result.timed("convert"):
            pdfs = _convert(documents, report, opts, result, progress, cache, janitor)
        if pdfs is None:
            return
        with result.timed("bundle"):
            _make_bundle(stage, documents, pdfs, report, opts, result)
        if any(f.severity is Severity.ERROR for f in result.findings):
            return
    with result.timed("render"):
        _danh_sach_xlsx(docs_dir / DANH_SACH_XLSX, jobs, report, result, cache)
    (stage / VALIDATION).write_text(json.dumps(report.to_json("vi"), ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    with result.timed("bag"):
        _make_bag(stage, report)


def keyed_documents(report: Report, templates_dir: Path | None, draft: bool,
                    cache: BuildCache | None = None) -> list[tuple[DocumentJob, str]]:
    """The round's documents with their cache keys: the hash of everything each one's bytes depend on."""
    from dhtt_docs.documents.render import plan_documents

    base = {"tool": __version__, "profile": profile_digest(report.profile.id) if report.profile else None}
    templates: dict[Path, tuple[str, frozenset[str] | None]] = {}
    out = []
    for job in plan_documents(report, templates_dir=templates_dir, draft=draft):
        if job.template not in templates:
            digest = file_digest(job.template)
            templates[job.template] = (digest, _template_names(job.template, digest, cache))
        digest, names = templates[job.template]
        out.append((job, key_of(base | {"template": digest, "document": job.fingerprint(names)})))
    return out


def _template_names(template: Path, digest: str, cache: BuildCache | None) -> frozenset[str] | None:
    """The variables a template uses, remembered per template content (parsing one costs ~20 ms)."""
    from dhtt_docs.documents.render import template_names

    key = key_of({"tool": __version__, "template-names": digest})
    known = cache.fetch_json(key) if cache is not None else None
    if isinstance(known, list):
        return frozenset(known)
    names = template_names(template)
    if names is not None and cache is not None:
        cache.store_json(key, sorted(names))
    return names


def pdf_key(docx_key: str, title: str, report: Report, opts: BuildOptions, engine: str) -> str:
    """The cache key of a document's PDF: its DOCX, the converter, the PDF options and metadata."""
    return key_of({"docx": docx_key, "pdfa": opts.pdfa, "engine": engine, "meta": _meta(report), "title": title,
                   "when": submission_datetime(report).isoformat()})


def _render(docs_dir: Path, jobs: list[tuple[DocumentJob, str]], result: BuildResult, progress: Progress,
            cache: BuildCache) -> list[RenderedDocument]:
    """Every DOCX, from the cache when its key is known, rendered otherwise."""
    documents = []
    for i, (job, key) in enumerate(jobs, 1):
        path = docs_dir / job.file_name
        if cache.fetch("docx", key, path):
            result.stats["docx_reused"] = result.stats.get("docx_reused", 0) + 1
        else:
            path.write_bytes(job.render())
            cache.store("docx", key, path)
            result.stats["docx_rendered"] = result.stats.get("docx_rendered", 0) + 1
        documents.append(RenderedDocument(job.kind, job.candidate_id, job.title, path, key))
        progress("render", i, len(jobs))
    return documents


def _danh_sach_xlsx(path: Path, jobs: list[tuple[DocumentJob, str]], report: Report, result: BuildResult,
                    cache: BuildCache) -> None:
    """The Danh sách as a workbook; reused while the round's values are the same.

    Keyed on the whole round context (not on the variables the Danh sách
    template uses: a user's template may show less than the workbook does).
    """
    job = next(j for j, _ in jobs if j.kind == "danh-sach")
    key = key_of({"xlsx": job.fingerprint(), "tool": __version__,
                  "profile": profile_digest(report.profile.id) if report.profile else None})
    if not cache.fetch("xlsx", key, path):
        from dhtt_docs.excel.danh_sach import write_danh_sach_xlsx
        write_danh_sach_xlsx(report, path, draft=result.draft)
        cache.store("xlsx", key, path)


def _convert(documents: list[RenderedDocument], report: Report, opts: BuildOptions, result: BuildResult,
             progress: Progress, cache: BuildCache, janitor: Janitor | None = None) -> dict[Path, Path] | None:
    """Every PDF: from the cache, or converted (all missing ones in one pooled run) and normalised."""
    from dhtt_docs.pdf.bundle import normalise_pdf
    from dhtt_docs.pdf.convert import convert_many, converter_identity

    meta = _meta(report)
    when = submission_datetime(report)
    engine = converter_identity(opts.converter)
    pdfs: dict[Path, Path] = {}
    todo: list[tuple[RenderedDocument, Path, str]] = []
    for d in documents:
        pdf = d.path.with_suffix(".pdf")
        key = pdf_key(d.key, d.title, report, opts, engine)
        pdfs[d.path] = pdf
        if cache.fetch("pdf", key, pdf):
            result.stats["pdf_reused"] = result.stats.get("pdf_reused", 0) + 1
        else:
            todo.append((d, pdf, key))
    done = len(documents) - len(todo)
    progress("convert", done, len(documents))

    def tick(_path: Path) -> None:
        nonlocal done
        done += 1
        progress("convert", done, len(documents))

    failures = convert_many([(d.path, pdf) for d, pdf, _ in todo], workers=opts.jobs, timeout=opts.timeout,
                            pdfa=opts.pdfa, backend=opts.converter, progress=tick,
                            profiles=cache.profiles_dir(), janitor=janitor) if todo else []
    for f in failures:
        result.findings.append(Finding(Severity.ERROR, f.reason, file=f"{DOCUMENTS}/{f.source.name}",
                                       clause="build", code="convert.failed"))
    if failures:
        return None
    for d, pdf, key in todo:
        normalise_pdf(pdf, title=d.title, author=meta["author"], subject=meta["subject"],
                      keywords=meta["keywords"], creation_date=when)
        cache.store("pdf", key, pdf)
    result.stats["pdf_converted"] = len(todo)
    return pdfs


def _meta(report: Report) -> dict[str, str]:
    sub = report.round.submission
    plan = report.profile.id if report.profile else sub.plan
    return {
        "title": f"Hồ sơ đề nghị công nhận điển hình tiên tiến năm {sub.year} - {sub.unit.name}",
        "author": sub.unit.name,
        "subject": report.profile.title if report.profile else "Điển hình tiên tiến",
        "keywords": f"{plan}; điển hình tiên tiến; năm {sub.year}",
    }


def _make_bundle(stage: Path, documents, pdfs: dict[Path, Path], report: Report, opts: BuildOptions,
                 result: BuildResult) -> None:
    from dhtt_docs.pdf.bundle import BundleError, BundleMeta, BundlePart, build_bundle

    by_candidate: dict[str, list] = {}
    for a in report.attachments:
        by_candidate.setdefault(a.candidate, []).append(a)
    parts = []
    for d in documents:
        atts = [BundlePart(title=a.title, pdf=a.path) for a in by_candidate.get(d.candidate_id or "", [])]
        parts.append(BundlePart(title=d.title, pdf=pdfs[d.path], attachments=atts))
    meta = _meta(report)
    bundle_dir = stage / BUNDLE
    bundle_dir.mkdir(exist_ok=True)
    try:
        build_bundle(parts, bundle_dir / f"{report.round.name}.pdf",
                     meta=BundleMeta(date=submission_datetime(report), **meta),
                     duplex=opts.duplex, pdfa=opts.pdfa)
    except BundleError as e:
        result.findings.append(Finding(Severity.ERROR, str(e), clause="build", code="bundle.failed",
                                       file=f"{BUNDLE}/{report.round.name}.pdf"))


def bag_payload(stage: Path, report: Report) -> dict[str, Path]:
    """What the archive keeps: the YAML sources, the attachments used, the documents and the bundle."""
    rnd: Round = report.round
    payload: dict[str, Path] = {"submission.yaml": rnd.folder / "submission.yaml"}
    for c in rnd.candidates:
        payload[c.file] = c.path
    for a in report.attachments:
        payload[a.rel.replace("\\", "/")] = a.path
    for sub in (DOCUMENTS, BUNDLE):
        for p in sorted((stage / sub).glob("*")):
            if p.is_file() and p.suffix != ".zip":
                payload[f"{sub}/{p.name}"] = p
    payload[VALIDATION] = stage / VALIDATION
    return payload


def _make_bag(stage: Path, report: Report) -> None:
    from dhtt_docs.archive.bag import make_bag_zip

    sub = report.round.submission
    plan = report.profile.id if report.profile else sub.plan
    info = {
        "Source-Organization": sub.unit.name,
        "External-Identifier": report.round.name,
        "External-Description": f"Hồ sơ đề nghị công nhận điển hình tiên tiến năm {sub.year} theo Kế hoạch {plan}",
        "Bagging-Date": sub.submission.date.isoformat(),
        "Internal-Sender-Description": "Bagging-Date là ngày của Tờ trình (submission.date), không phải ngày đóng "
                                       "gói: cùng một hồ sơ luôn cho cùng một gói.",
        "DHTT-Plan": plan,
        "DHTT-Round-Year": str(sub.year),
        "Bag-Software-Agent": f"dhtt-docs {__version__}",
    }
    (stage / BUNDLE).mkdir(exist_ok=True)
    make_bag_zip(stage / BUNDLE / f"{report.round.name}.zip", bag_payload(stage, report), info=info)


def _swap_in(stage: Path, out: Path) -> None:
    """Replace OUT by the finished stage folder: two renames, the old one removed after."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
