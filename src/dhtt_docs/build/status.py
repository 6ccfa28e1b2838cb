"""`dhtt-docs status`: the round at a glance, for the secretary's daily look.

One row per candidate (kind, verdict and track, votes and share, whether its
report is built and up to date, its attachments) and one per round document.
"Up to date" is decided the way the build decides what to redo: the
document's key (the hash of its inputs) against the cache entry that the
file in OUT came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from dhtt_docs.dossier.attachments import declared
from dhtt_docs.build.cache import BuildCache
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import tr
# The pipeline's public key API: the same keys decide what `build` redoes and what `status` calls stale.
from dhtt_docs.build.incremental import chunked_last
from dhtt_docs.build.pipeline import DOCUMENTS, BuildOptions, cache_root_of, keyed_documents, output_dir, pdf_keys_of
from dhtt_docs.rules.engine import Report, Verdict, VerdictState


class DocState(str, Enum):
    """Whether a built file in OUT matches today's inputs."""

    FRESH = "fresh"        # built from today's inputs
    STALE = "stale"        # built from other inputs
    MISSING = "missing"    # not built
    UNKNOWN = "unknown"    # built, but there is no cache to tell

    @property
    def label(self) -> str:
        """The state in the chosen language, for the table."""
        return tr(*_STATE_LABELS[self])


_STATE_LABELS = {DocState.FRESH: ("mới", "up to date"), DocState.STALE: ("cũ", "stale"),
                 DocState.MISSING: ("chưa lập", "not built"), DocState.UNKNOWN: ("không rõ", "unknown")}


@dataclass(frozen=True)
class DocumentStatus:
    title: str
    candidate_id: str | None
    docx: DocState
    pdf: DocState

    @property
    def stale(self) -> bool:
        """Built, but from other inputs: `build` would make it again."""
        return self.docx is DocState.STALE or self.pdf is DocState.STALE

    @property
    def missing(self) -> bool:
        """Never built (a DOCX-only build leaves the PDFs missing: that is not counted)."""
        return self.docx is DocState.MISSING


@dataclass(frozen=True)
class CandidateStatus:
    verdict: Verdict
    document: DocumentStatus | None      # the candidate's report, when the round's documents can be planned
    attachments_named: int
    attachments_usable: int


@dataclass
class RoundStatus:
    """The round at a glance: what `dhtt-docs status` prints, as data."""

    report: Report
    candidates: list[CandidateStatus] = field(default_factory=list)
    documents: list[DocumentStatus] = field(default_factory=list)   # every document, in build order

    @property
    def errors(self) -> int:
        return sum(1 for f in self.report.all_findings() if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.report.all_findings() if f.severity is Severity.WARNING)

    @property
    def stale(self) -> int:
        return sum(1 for d in self.documents if d.stale and not d.missing)

    @property
    def missing(self) -> int:
        return sum(1 for d in self.documents if d.missing)


def round_status(report: Report, folder: Path, opts: BuildOptions) -> RoundStatus:
    documents = document_states(report, folder, opts) if report.round.submission else []
    by_candidate = {d.candidate_id: d for d in documents if d.candidate_id}
    candidates = [CandidateStatus(v, by_candidate.get(v.id), len(declared(v.candidate)),
                                  sum(1 for a in report.attachments if a.candidate == v.id))
                  for v in report.verdicts]
    return RoundStatus(report, candidates, documents)


def document_states(report: Report, folder: Path, opts: BuildOptions) -> list[DocumentStatus]:
    from dhtt_docs.signing.fields import sign_ready_key

    out = output_dir(folder, opts) / DOCUMENTS
    root = cache_root_of(folder, opts)
    # status only reads: a round never built keeps no cache folder because it was asked about
    cache = BuildCache(root if root is not None and root.is_dir() else None)
    jobs = keyed_documents(report, opts.templates, not report.ok, cache)
    pdf_keys, chunks, alone_keys = pdf_keys_of(jobs, report, opts)
    last = chunked_last(output_dir(folder, opts), cache) if chunks else {}
    states = []
    for (job, key), pdf_key, alone_key in zip(jobs, pdf_keys, alone_keys):
        docx = out / job.file_name
        pdf = docx.with_suffix(".pdf")
        state = _state(cache, "pdf", sign_ready_key(pdf_key, job.kind), pdf)
        earlier = last.get(alone_key) if alone_key != pdf_key else None
        if state is DocState.STALE and earlier is not None and \
                _state(cache, "pdf", sign_ready_key(earlier, job.kind), pdf) is DocState.FRESH:
            # its content as it is; only the reports converted with it changed (build/chunks.py)
            state = DocState.FRESH
        states.append(DocumentStatus(job.title, job.candidate_id, _state(cache, "docx", key, docx), state))
    return states


def _state(cache: BuildCache, kind: str, key: str, path: Path) -> DocState:
    if not path.is_file():
        return DocState.MISSING
    held = cache.holds(kind, key, path)
    if held is None:
        # no entry for today's inputs: built from other inputs (stale), unless there is no cache at all
        return DocState.STALE if cache.has_entries(kind) else DocState.UNKNOWN
    return DocState.FRESH if held else DocState.STALE


def _verdict(v: Verdict) -> str:
    if v.candidate.model is None:
        return tr("hồ sơ lỗi", "dossier error")
    if v.state is not VerdictState.ELIGIBLE:
        return str(v.state.label)
    return tr("ĐẠT (", "ELIGIBLE (") + ", ".join(v.held()) + ")"


def _attachments(c: CandidateStatus) -> str:
    if not c.attachments_named:
        return "-"
    return (f"{c.attachments_usable}/{c.attachments_named}"
            + ("" if c.attachments_usable == c.attachments_named else tr(" (thiếu/hỏng)", " (missing/broken)")))


def status_table(status: RoundStatus) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the status table (text in the chosen language, ready to print)."""
    from dhtt_docs.vnformat import format_percent

    header = [tr(vi, en) for vi, en in zip(
        ["Mã", "Tên", "Loại", "Kết quả", "Phiếu", "Tỷ lệ", "Báo cáo DOCX", "PDF", "Đính kèm"],
        ["ID", "Name", "Kind", "Result", "Votes", "Share", "Report DOCX", "PDF", "Attachments"])]
    kinds = {"individual": tr("cá nhân", "individual"), "collective": tr("tập thể", "collective")}
    rows = []
    for c in status.candidates:
        v, d = c.verdict, c.document
        rows.append([v.id, v.candidate.name, kinds.get(v.candidate.kind, "?"),
                     _verdict(v), "-" if v.votes is None else str(v.votes),
                     "-" if v.approval is None else format_percent(v.approval),
                     d.docx.label if d else "-", d.pdf.label if d else "-", _attachments(c)])
    for d in (x for x in status.documents if x.candidate_id is None):
        rows.append(["", d.title, tr("văn bản chung", "round document"), "", "", "", d.docx.label, d.pdf.label, ""])
    return header, rows


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
