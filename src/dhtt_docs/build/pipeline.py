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
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from pathlib import Path
from typing import Callable

from typing import TYPE_CHECKING

from dhtt_docs import __version__, interrupt
from dhtt_docs.build import kept
from dhtt_docs.build.janitor import Janitor
from dhtt_docs.build.lock import build_lock
from dhtt_docs.fsutil import apply_umask
from dhtt_docs.exceptions import ToolMissing, UsageProblem
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, get_lang, set_lang, t, tr
from dhtt_docs.install import libreoffice_hint
from dhtt_docs.build.cache import DEFAULT_DIR as CACHE_DIR
from dhtt_docs.build.cache import BuildCache, file_digest, key_of
from dhtt_docs.build.chunks import chunk_keys, chunks_of, template_combinable
from dhtt_docs.build.incremental import (NOT_BUILT, Plan, files_under, forget_last, keep_unchanged, make_record,
                                         remember, still_current)
from dhtt_docs.rules.profile_files import profile_digest   # light: pydantic is imported when a profile is read

if TYPE_CHECKING:   # loaded when a build needs them: a rebuild with nothing changed never does
    from dhtt_docs.documents.render import DocumentJob
    from dhtt_docs.dossier.loader import Round
    from dhtt_docs.rules.engine import Report

DOCUMENTS = "documents"
BUNDLE = "bundle"
VALIDATION = "validation.json"
DANH_SACH_XLSX = "danh-sach.xlsx"
PRIVATE = ".private"                # LibreOffice's scratch space inside the stage, removed before the swap


@dataclass
class BuildOptions:
    out: Path | None = None            # default FOLDER/build
    pdf: bool = True
    pdfa: bool = False
    duplex: bool = False
    jobs: int | None = None            # conversion workers; default one per CPU
    force: bool = False                # build despite error findings, marking every page DỰ THẢO
    templates: Path | None = None      # a folder of user templates (same file names as the built-in ones)
    converter: str | None = None       # None: local LibreOffice; "warm" (pdf/warm.py); "unoserver://host:port[,...]"
    timeout: float = 120.0
    cache: bool = True                 # reuse documents whose inputs did not change
    cache_dir: Path | None = None      # default FOLDER/.dhtt-cache


@dataclass
class BuildResult:
    report: Report
    findings: list[Finding] = field(default_factory=list)   # problems and warnings of the build itself
    out: Path | None = None
    written: list[Path] = field(default_factory=list)        # files in OUT, relative: all of them
    unchanged: list[Path] = field(default_factory=list)      # those of `written` whose bytes did not change (not rewritten)
    draft: bool = False
    rendered: int = 0                                        # DOCX rendered by this build
    reused: int = 0                                          # DOCX taken from the cache
    converted: int = 0                                       # PDFs converted by this build
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (for benchmarks, never written)
    pdf_reused: int | None = None                            # PDFs taken from the cache (None: no PDFs asked for)
    provisional: bool = False   # outputs not all as a build from nothing makes them: not remembered as current

    @property
    def stats(self) -> dict[str, int]:
        """The counts as one record (for benchmarks and tests): zeros left out, but PDFs converted when asked for."""
        out = {k: v for k, v in (("docx_rendered", self.rendered), ("docx_reused", self.reused)) if v}
        if self.pdf_reused is not None:
            out["pdf_converted"] = self.converted
            if self.pdf_reused:
                out["pdf_reused"] = self.pdf_reused
        return out

    @property
    def changed(self) -> list[Path]:
        """The files of OUT this build wrote anew."""
        same = set(self.unchanged)
        return [p for p in self.written if p not in same]

    @contextmanager
    def timed(self, stage: str):
        start = _time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + _time.perf_counter() - start

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


def keep_signed(out: Path) -> None:
    """A build that would replace OUT never throws away what was signed or scanned there (OUT/signed, OUT/scan).

    Those files are the record of what was sent; a new build makes new documents that they no longer match.
    The user moves them away (or builds into another folder) first: exit 2, saying so.
    """
    kept = [out / d for d in NOT_BUILT if (out / d).is_dir() and any((out / d).iterdir())]
    if kept:
        names = ", ".join(str(k) for k in kept)
        raise UsageProblem(tr(f"'{out}' đang giữ văn bản đã ký hoặc bản quét ({names}); lập lại sẽ thay cả thư mục "
                              "này. Hãy chuyển các thư mục đó đi nơi khác để lưu, hoặc lập vào thư mục khác với -o.",
                              f"'{out}' holds signed documents or the scanned copy ({names}); a new build would "
                              "replace the whole folder. Move those folders somewhere safe first, or build into "
                              "another folder with -o."))


def check_converter(opts: BuildOptions) -> None:
    if not opts.pdf or (opts.converter and opts.converter.strip().lower() not in ("soffice", "warm")):
        return
    from dhtt_docs.pdf.libreoffice import SOFFICE_ENV, find_soffice
    if find_soffice() is None:
        chosen, hint = os.environ.get(SOFFICE_ENV), libreoffice_hint()
        if chosen is None:
            raise ToolMissing(tr(f"Không tìm thấy LibreOffice (soffice) để lập PDF: {hint.vi}.",
                                 f"LibreOffice (soffice), needed to make PDFs, was not found: {hint.en}."))
        raise ToolMissing(tr(f"Không tìm thấy LibreOffice (soffice) ở {SOFFICE_ENV}={chosen} để lập PDF: {hint.vi}.",
                             f"LibreOffice (soffice), needed to make PDFs, was not found at {SOFFICE_ENV}={chosen}: "
                             f"{hint.en}."))


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
    cache_root = cache_root_of(folder, opts)
    seen: dict = {}                     # the inputs hashed by the check below, for the record
    same = _nothing_changed(folder, out, opts, cache_root, start, seen)
    if same is not None:
        return same
    with ExitStack() as stack:
        early = start_converters(out, opts, stack)
        return _load_and_build(folder, out, opts, progress, cache_root, start, stack, early, seen)


def _load_and_build(folder: Path, out: Path, opts: BuildOptions, progress: Progress, cache_root: Path | None,
                    start: float, stack: ExitStack, early: EarlyConverters | None, seen: dict) -> BuildResult:
    from dhtt_docs.build.memo import Memo
    from dhtt_docs.dossier.attachments import prestart_checker, stop_prestarted
    from dhtt_docs.dossier.loader import load_round
    from dhtt_docs.rules.engine import evaluate

    memo = Memo(cache_root, folder)
    prestart_checker(folder)            # the attachments' checker starts while the round is read
    stack.callback(stop_prestarted)
    report = evaluate(load_round(folder, memo=memo.parsed, loaded=kept.candidates()), kept=kept.checks())
    interrupt.check()                   # a Ctrl-C swallowed on the way stops the build between stages
    result = BuildResult(report)
    result.timings["load"] = _time.perf_counter() - start
    if report.round.submission is None or (not report.ok and not opts.force):
        return result
    result.draft = not report.ok

    lint = []
    if opts.templates:
        from dhtt_docs.documents.render import lint_templates
        lint = lint_templates(opts.templates)
    result.findings.extend(lint)
    if any(f.severity is Severity.ERROR for f in lint):
        return result

    cache = BuildCache(cache_root)
    with build_lock(out, cache.root):   # one build at a time per OUT and cache
        memo.save(cache)
        with result.timed("plan"):
            plan = plan_round(report, opts, result, cache)
            plan = replace(plan, record=make_record(folder, out, opts, report, plan.jobs, lint, result.draft,
                                                    __version__, profile_digest, seen))
        interrupt.check()
        if still_current(out, plan, cache, result):
            return result
        keep_signed(out)
        janitor = early.janitor if early is not None else stack.enter_context(Janitor())
        return _build_and_swap(out, plan, opts, result, progress, cache, janitor,
                               early.pool if early is not None else None)


@dataclass
class EarlyConverters:
    """Conversion workers started before the round is loaded, and the janitor that watches them."""
    pool: object
    janitor: Janitor


def start_converters(out: Path, opts: BuildOptions, stack: ExitStack) -> EarlyConverters | None:
    """Start the LibreOffice workers now, when PDFs are wanted and they keep LibreOffice running.

    A cold LibreOffice takes 0.2-0.5 s of CPU to come up (on a profile marked as seen, see
    pdf/libreoffice.mark_profile_seen; 0.9 s without), more on a busy machine: started here it does
    so while the round is loaded, checked and planned. They are stopped unused (when the stack
    closes) if the round has errors or every PDF comes from the cache. Not with ``--converter``, nor when a warm
    converter is running (a small rebuild goes to it).
    """
    if not opts.pdf or (opts.converter or "soffice").strip().lower() != "soffice":
        return None
    from dhtt_docs.pdf import warm
    from dhtt_docs.pdf.libreoffice import find_soffice, profiles_root
    from dhtt_docs.pdf.pool import SofficePool
    from dhtt_docs.pdf.unoworker import usable

    exe = find_soffice()
    if exe is None or usable(exe) is None or (warm.enabled() and warm.running(exe)):
        return None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-lo-", dir=out.parent))
    except OSError:
        return None                     # said later, with the fix, when the stage is made
    janitor = stack.enter_context(Janitor())
    janitor.watch_dir(scratch)

    def remove_scratch() -> None:
        shutil.rmtree(scratch, ignore_errors=True)
        janitor.forget_dir(scratch)

    stack.callback(remove_scratch)
    pool = SofficePool(exe, workers=opts.jobs or os.cpu_count() or 1, timeout=opts.timeout, pdfa=opts.pdfa,
                       profiles=profiles_root(), scratch=scratch, janitor=janitor, keep_running=True)
    stack.callback(pool.stop)           # after produce closed it: nothing left to stop
    pool.start()
    return EarlyConverters(pool, janitor)


def cache_root_of(folder: Path, opts: BuildOptions) -> Path | None:
    """The build cache's folder for `folder` (FOLDER/.dhtt-cache unless --cache-dir), None with --no-cache."""
    return Path(opts.cache_dir or folder / CACHE_DIR).absolute() if opts.cache else None


def _nothing_changed(folder: Path, out: Path, opts: BuildOptions, cache_root: Path | None,
                     start: float, seen: dict) -> BuildResult | None:
    """The short cut: every input and OUT as the last build left them -> its result again, nothing loaded."""
    from dhtt_docs.build.incremental import RecordedReport, recorded_findings, unchanged_since

    if cache_root is None or not cache_root.is_dir():
        return None
    with build_lock(out, cache_root):
        same = unchanged_since(folder, out, opts, cache_root, __version__, profile_digest, seen)
    if same is None:
        return None
    record = same["record"]
    try:
        findings, lint = recorded_findings(record)
        draft, documents = bool(record["draft"]), int(record["documents"])
    except (KeyError, TypeError, ValueError, IndexError):   # a damaged record: the normal way
        return None
    result = BuildResult(RecordedReport(folder, findings), findings=lint, out=out, written=same["files"],
                         unchanged=same["files"], draft=draft, reused=documents,
                         pdf_reused=documents if opts.pdf else None)
    result.timings["check"] = _time.perf_counter() - start
    return result


def _build_and_swap(out: Path, plan: Plan, opts: BuildOptions, result: BuildResult, progress: Progress,
                    cache: BuildCache, janitor: Janitor, pool=None) -> BuildResult:
    """Build into a stage folder beside OUT and swap it in when whole; the stage never outlives this call."""
    stage = _make_stage(out)
    janitor.watch_dir(stage)
    try:
        _build_into(stage, plan, opts, result, progress, cache, janitor, pool)
        if any(f.severity is Severity.ERROR for f in result.findings):
            return result
        interrupt.check()               # never swapped in after a Ctrl-C, even one swallowed
        with result.timed("swap"):
            shutil.rmtree(stage / PRIVATE, ignore_errors=True)
            result.unchanged = keep_unchanged(stage, out, cache.redated)
            _swap_in(stage, out)
            cache.prune()
            cache.save_checked()
            result.out = out
            result.written = [Path(rel) for rel in files_under(out)]
            if result.provisional:
                forget_last(out, cache)
            else:
                remember(out, plan, cache, result)
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


def plan_round(report: Report, opts: BuildOptions, result: BuildResult, cache: BuildCache) -> Plan:
    from dhtt_docs.signing.fields import FIELDS_VERSION

    jobs = keyed_documents(report, opts.templates, result.draft, cache)
    pdf_keys = None
    chunks: list[list[int]] = []
    alone: dict[str, str] = {}
    if opts.pdf:
        pdf_keys, chunks, alone_keys = pdf_keys_of(jobs, report, opts)
        alone = {own: key for own, key in zip(alone_keys, pdf_keys) if own != key}
    rnd = report.round
    sources = [rnd.folder / "submission.yaml"] + [c.path for c in rnd.candidates]
    key = key_of({
        "tool": __version__, "documents": [k for _, k in jobs], "pdfs": pdf_keys, "duplex": opts.duplex,
        "pdfa": opts.pdfa, "draft": result.draft, "validation": report.to_json("vi"),
        "profile": profile_digest(report.profile.id) if report.profile else None,
        "sources": {str(p): file_digest(p) for p in sources if p.is_file()},
        "attachments": [(a.rel, a.candidate, a.title, file_digest(a.path)) for a in report.attachments],
        "fields": FIELDS_VERSION if opts.pdf else None,   # placement rules: the sign-ready PDFs' own key
    })
    return Plan(jobs, pdf_keys, key, chunks=chunks, alone=alone)


def _build_into(stage: Path, plan: Plan, opts: BuildOptions, result: BuildResult, progress: Progress,
                cache: BuildCache, janitor: Janitor | None = None, pool=None) -> None:
    from dhtt_docs.build.produce import ProduceOptions, produce

    report = result.report
    docs_dir = stage / DOCUMENTS
    docs_dir.mkdir()
    private = stage / PRIVATE
    def xlsx() -> None:   # needs no PDF: made while LibreOffice converts (its time is inside "documents" then)
        with result.timed("xlsx"):
            _danh_sach_xlsx(docs_dir / DANH_SACH_XLSX, plan.jobs, report, result, cache)

    with result.timed("documents"):
        produced = produce(docs_dir, plan.jobs, plan.pdf_keys, _pdf_info(report) if opts.pdf else None,
                           ProduceOptions(pdf=opts.pdf, workers=opts.jobs, timeout=opts.timeout, pdfa=opts.pdfa,
                                          converter=opts.converter, scratch=private,
                                          janitor=janitor, pool=pool, chunks=plan.chunks),
                           cache, progress, meanwhile=xlsx)
    interrupt.check()
    result.rendered, result.reused, result.converted = produced.rendered, produced.reused, produced.converted
    result.provisional = produced.provisional
    result.pdf_reused = produced.pdf_reused if opts.pdf else None
    for f in produced.failures:
        result.findings.append(Finding(Severity.ERROR, f.reason, file=f"{DOCUMENTS}/{f.source.name}",
                                       clause="build", code="convert.failed"))
    if produced.failures:
        return
    if opts.pdf:
        from dhtt_docs.signing.fields import unplaced_warnings
        for d in produced.documents:   # sign-ready PDFs were made with the conversion (build/produce.py)
            result.findings.extend(unplaced_warnings(produced.pdfs[d.path].name, produced.unplaced.get(d.path, [])))
        with result.timed("bundle"):
            _make_bundle(stage, produced, report, opts, result, cache)
        if any(f.severity is Severity.ERROR for f in result.findings):
            return
    validation = report.to_json("vi")
    warnings = [f for f in result.findings if f.severity is not Severity.ERROR and f.clause != "template"]
    if warnings:   # the build's own warnings (bundle, PDF/A, conversion) are part of the record
        validation["findings"] = validation["findings"] + [f.to_json("vi") for f in warnings]
    (stage / VALIDATION).write_text(json.dumps(validation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with result.timed("bag"):
        _make_bag(stage, report, cache)


def keyed_documents(report: Report, templates_dir: Path | None, draft: bool,
                    cache: BuildCache | None = None) -> list[tuple[DocumentJob, str]]:
    """The round's documents with their cache keys: the hash of everything each one's bytes depend on."""
    from dhtt_docs.documents.render import plan_documents

    base = {"tool": __version__, "profile": profile_digest(report.profile) if report.profile else None}
    templates: dict[Path, tuple[str, frozenset[str] | None]] = {}
    known = kept.keys()
    out = []
    for job in plan_documents(report, templates_dir=templates_dir, draft=draft, kept=kept.contexts()):
        if job.template not in templates:
            digest = file_digest(job.template)
            templates[job.template] = (digest, _template_names(job.template, digest, cache))
        digest, names = templates[job.template]
        fingerprint = job.fingerprint(names)
        mine = known.mine(job, fingerprint, base, digest) if known is not None else None
        key = known.get(mine) if mine is not None else None
        if key is None:
            key = key_of(base | {"template": digest, "document": fingerprint})
            if mine is not None:
                known.put(mine, key)
        out.append((job, key))
    if known is not None:
        known.forget_unseen()
    return out


class KeptKeys:
    """The keys of the candidates' reports from earlier builds of this process (the warm builder,
    build/kept.py). A report's variables are mostly its candidate's, kept as the very same object
    while the candidate's file is unchanged (documents/context.py's KeptCandidates): its key is given
    again while that object, the template and everything else in the document's fingerprint are the
    same (compared, not hashed again)."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple] = {}
        self._seen: set[str] = set()

    def mine(self, job: DocumentJob, fingerprint: dict, base: dict, template: str) -> tuple | None:
        """What a report's key is kept by (its candidate id, its candidate's variables, the rest of its
        fingerprint, the base, the template), worked out once per document; None for a round-level one."""
        context = fingerprint["context"]
        if job.candidate_id is None or context.get("candidate") is None:
            return None
        self._seen.add(job.candidate_id)
        rest = {k: v for k, v in context.items() if k != "candidate"}
        return job.candidate_id, context["candidate"], {**fingerprint, "context": rest}, base, template

    def get(self, mine: tuple) -> str | None:
        entry = self._by_id.get(mine[0])
        if entry is None or entry[0] is not mine[1] or entry[1:4] != mine[2:]:
            return None
        return entry[4]

    def put(self, mine: tuple, key: str) -> None:
        cid, candidate, rest, base, template = mine
        self._by_id[cid] = (candidate, rest, dict(base), template, key)

    def forget_unseen(self) -> None:
        self._by_id = {k: e for k, e in self._by_id.items() if k in self._seen}
        self._seen = set()


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


def pdf_keys_of(jobs: list[tuple[DocumentJob, str]], report: Report,
                opts: BuildOptions) -> tuple[list[str], list[list[int]], list[str]]:
    """The PDF key of every document, the chunks of reports converted together (build/chunks.py), and
    the key each PDF would have converted alone (the same but for combined reports; `status` uses it)."""
    from dhtt_docs.pdf.libreoffice import converter_identity

    engine = converter_identity(opts.converter)
    pdf_keys = [pdf_key(key, job.title, report, opts, engine) for job, key in jobs]
    if not engine.startswith("soffice:") or opts.pdfa:
        # only our own LibreOffice exports where each report starts; PDF/A is tagged (pdf/split.py)
        return pdf_keys, [], pdf_keys
    chunks = chunks_of([job for job, _ in jobs], _combinable_template)
    return chunk_keys(pdf_keys, [key for _, key in jobs], chunks), chunks, pdf_keys


def _combinable_template(template: Path) -> bool:
    return template_combinable(template, file_digest(template))


def pdf_key(docx_key: str, title: str, report: Report, opts: BuildOptions, engine: str) -> str:
    """The cache key of a document's (plain) PDF: its DOCX, the converter, the PDF options and metadata,
    and how it is normalised."""
    from dhtt_docs.pdf.normalise import NORMALISE_VERSION

    return key_of({"docx": docx_key, "pdfa": opts.pdfa, "engine": engine, "meta": _meta(report), "title": title,
                   "when": submission_datetime(report).isoformat(), "normalise": NORMALISE_VERSION})


def _danh_sach_xlsx(path: Path, jobs: list[tuple[DocumentJob, str]], report: Report, result: BuildResult,
                    cache: BuildCache) -> None:
    """The Danh sách as a workbook; reused while the round's values are the same.

    Keyed on the whole round context (not on the variables the Danh sách
    template uses: a user's template may show less than the workbook does).
    """
    job = next(j for j, _ in jobs if j.kind == "danh-sach")
    key = key_of({"xlsx": job.fingerprint(), "tool": __version__,
                  "profile": profile_digest(report.profile) if report.profile else None})
    if not cache.fetch("xlsx", key, path):
        from dhtt_docs.excel.danh_sach import write_danh_sach_xlsx
        write_danh_sach_xlsx(report, path, draft=result.draft)
        cache.store("xlsx", key, path)


def _pdf_info(report: Report):
    """The fixed metadata every PDF of the round carries (the title is each document's own)."""
    from dhtt_docs.build.produce import PdfInfo

    meta = _meta(report)
    return PdfInfo(title=meta["title"], author=meta["author"], subject=meta["subject"], keywords=meta["keywords"],
                   when=submission_datetime(report))


def _meta(report: Report) -> dict[str, str]:
    sub = report.round.submission
    plan = report.profile.id if report.profile else sub.plan
    return {
        "title": f"Hồ sơ đề nghị công nhận điển hình tiên tiến năm {sub.year} - {sub.unit.name}",
        "author": sub.unit.name,
        "subject": report.profile.title if report.profile else "Điển hình tiên tiến",
        "keywords": f"{plan}; điển hình tiên tiến; năm {sub.year}",
    }


BUNDLE_SCANS = "bundle-scans"   # cache note: what the bundle found in each document PDF, by the PDF's hash


def _make_bundle(stage: Path, produced, report: Report, opts: BuildOptions, result: BuildResult,
                 cache: BuildCache) -> None:
    """The bundle PDF, merged from the plain PDFs (no signature fields: it is for printing): reused from
    the cache when its parts are the same bytes, merged otherwise.

    Its warnings (e.g. with --pdfa, attachments that are not PDF/A) become findings.
    """
    from dhtt_docs.pdf.bundle import BundleError

    parts = bundle_parts(report, [(d.title, d.candidate_id, produced.plain[d.path], produced.pdfs[d.path].name)
                                  for d in produced.documents])
    bundle_dir = stage / BUNDLE
    bundle_dir.mkdir(exist_ok=True)
    target = bundle_dir / f"{report.round.name}.pdf"
    digests = {p.pdf: cache.file_digest(p.pdf) for top in parts for p in top.with_attachments()}   # the key, the memo's
    key = key_of({"bundle": [(p.title, digests[p.pdf], [(a.title, digests[a.pdf]) for a in p.attachments])
                             for p in parts],
                  "meta": _meta(report), "when": submission_datetime(report).isoformat(), "duplex": opts.duplex,
                  "pdfa": opts.pdfa, "tool": __version__})
    known = cache.fetch_json(key)
    if isinstance(known, dict) and cache.fetch("pdf", key, target):
        warnings = [t(w["vi"], w["en"]) for w in known.get("warnings", [])]
    else:
        try:
            warnings = merge_bundle(parts, digests, target, report, opts, cache)
        except BundleError as e:
            result.findings.append(Finding(Severity.ERROR, _text(e), clause="build", code="bundle.failed",
                                           file=f"{BUNDLE}/{report.round.name}.pdf"))
            return
        cache.store("pdf", key, target)
        cache.store_json(key, {"warnings": [{"vi": w.vi, "en": w.en} for w in warnings]})
    for w in warnings:
        result.findings.append(Finding(Severity.WARNING, w, clause="build", code="bundle.warning",
                                       file=f"{BUNDLE}/{report.round.name}.pdf"))


def bundle_parts(report: Report, documents: list[tuple[str, str | None, Path, str]]) -> list:
    """The bundle's parts, in order: each document (title, candidate id, plain PDF, the name of its
    sign-ready PDF in OUT/documents) followed by its candidate's attachments."""
    from dhtt_docs.pdf.bundle import BundlePart

    by_candidate: dict[str, list] = {}
    for a in report.attachments:
        by_candidate.setdefault(a.candidate, []).append(a)
    return [BundlePart(title=title, pdf=pdf, trusted=True, name=f"{DOCUMENTS}/{name}",   # not the private folder
                       attachments=[BundlePart(title=a.title, pdf=a.path) for a in by_candidate.get(cid or "", [])])
            for title, cid, pdf, name in documents]


def merge_bundle(parts: list, digests: dict[Path, str], target: Path, report: Report, opts: BuildOptions,
                 cache: BuildCache, note: bool = True) -> list[Text]:
    """Merge `parts` (their SHA-256 in `digests`) into `target`, in place in the kept merge where this
    process keeps one (build/kept.py); its warnings. `note`: write down what was found in each PDF,
    for the next merge from nothing (the cache note BUNDLE_SCANS)."""
    from dhtt_docs.pdf.bundle import BundleMeta, ScanMemo, build_bundle

    lang = get_lang()
    set_lang("vi")   # bundle.py's messages are plain strings: keep validation.json the same for every --lang
    try:
        # what was found in each document last time (fonts, shared streams), replayed if it is unchanged
        known = cache.read_note(BUNDLE_SCANS)
        known = known.get("scans") if isinstance(known, dict) and known.get("tool") == __version__ else None
        memo = ScanMemo(known, {Path(p): d for p, d in digests.items()})
        made = build_bundle(parts, target, meta=BundleMeta(date=submission_datetime(report), **_meta(report)),
                            duplex=opts.duplex, pdfa=opts.pdfa, memo=memo, keep=kept.bundle())
        if note:
            cache.write_note(BUNDLE_SCANS, {"tool": __version__, "scans": memo.records()})
    finally:
        set_lang(lang)
    return [_text(w) for w in made.warnings]


def _text(message) -> Text:
    """A stage's message as a Text (bundle.py still gives the chosen language's string)."""
    if isinstance(message, Text):
        return message
    return t(str(message), str(message))


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
    if report.profile is not None and report.profile.source is not None:   # the rules that judged it
        payload[f"plan/{report.profile.source.name}"] = report.profile.source
    payload[VALIDATION] = stage / VALIDATION
    return payload


def _make_bag(stage: Path, report: Report, cache: BuildCache) -> None:
    """The BagIt zip: reused from the cache when its payload and bag-info are the same, written otherwise."""
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
        "DHTT-Plan-Profile-SHA256": profile_digest(report.profile),
        "DHTT-Round-Year": str(sub.year),
        "Bag-Software-Agent": f"dhtt-docs {__version__}",
    }
    (stage / BUNDLE).mkdir(exist_ok=True)
    payload = bag_payload(stage, report)
    target = stage / BUNDLE / f"{report.round.name}.zip"
    digests = {name: cache.file_digest(path) for name, path in payload.items()}
    key = key_of({"bag": digests, "info": info, "tool": __version__})
    index_key = _bag_index_key(key)
    if cache.fetch("zip", key, target):
        cache.fetch_json(index_key)            # kept with it, for the next bag
    else:
        # the manifest from these hashes (no second pass); unchanged files copied from the last bag
        index = make_bag_zip(target, payload, info=info, digests=digests, earlier=_earlier_bag(cache))
        full = cache.store("zip", key, target)
        cache.store_json(index_key, dict(index, sha256=full))
    cache.write_note(LAST_BAG, {"key": key})


#: The note naming the last bag made with this cache (its index is cached beside it: `_earlier_bag`).
LAST_BAG = "last-bag"


def _bag_index_key(bag_key: str) -> str:
    """The cache key of a bag's index (kept as JSON beside the bag)."""
    return key_of({"bag-index": bag_key})


def _earlier_bag(cache: BuildCache):
    """The last bag made with this cache and its index, when both are there and sound, else None."""
    from dhtt_docs.archive.bag import EarlierBag

    note = cache.read_note(LAST_BAG)
    key = note.get("key") if isinstance(note, dict) else None
    if not isinstance(key, str):
        return None
    found = cache.entry("zip", key)
    index = cache.fetch_json(_bag_index_key(key), keep=False)
    if found is None or not isinstance(index, dict) or index.get("sha256") != found[1]:
        return None
    return EarlierBag(found[0], index)


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
