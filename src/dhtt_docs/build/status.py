"""`dhtt-docs status`: the round at a glance, for the secretary's daily look.

One row per candidate (kind, verdict and track, votes and share, whether its
report is built and up to date, its attachments) and one per round document.
"Up to date" is decided the way the build decides what to redo: the
document's key (the hash of its inputs) against the cache entry that the
file in OUT came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dhtt_docs.dossier.attachments import declared
from dhtt_docs.build.cache import DEFAULT_DIR, BuildCache
from dhtt_docs.i18n import tr
from dhtt_docs.build.pipeline import DOCUMENTS, BuildOptions, keyed_documents, output_dir, pdf_key
from dhtt_docs.rules.engine import Report, Verdict, track_label

# A document's state, as `document_states` gives it (Vietnamese, language-independent);
# `state_label` turns it into the chosen language for the table.
FRESH, STALE, MISSING, UNKNOWN = "mới", "cũ", "chưa lập", "không rõ"
_STATE_EN = {FRESH: "up to date", STALE: "stale", MISSING: "not built", UNKNOWN: "unknown"}


def state_label(state: str) -> str:
    """A document state (FRESH, STALE, ...) in the chosen language."""
    return tr(state, _STATE_EN.get(state, state))


@dataclass
class DocState:
    title: str
    candidate_id: str | None
    docx: str
    pdf: str


def document_states(report: Report, folder: Path, opts: BuildOptions) -> list[DocState]:
    from dhtt_docs.pdf.convert import converter_identity
    from dhtt_docs.signing.fields import sign_ready_key

    out = output_dir(folder, opts) / DOCUMENTS
    cache = BuildCache(opts.cache_dir or folder / DEFAULT_DIR) if opts.cache else BuildCache(None)
    engine = converter_identity(opts.converter)
    states = []
    for job, key in keyed_documents(report, opts.templates, not report.ok, cache):
        docx = out / job.file_name
        pdf = docx.with_suffix(".pdf")
        states.append(DocState(job.title, job.candidate_id,
                               _state(cache, "docx", key, docx),
                               _state(cache, "pdf", sign_ready_key(pdf_key(key, job.title, report, opts, engine),
                                                                   job.kind), pdf)))
    return states


def _state(cache: BuildCache, kind: str, key: str, path: Path) -> str:
    if not path.is_file():
        return MISSING
    held = cache.holds(kind, key, path)
    if held is None:
        # no entry for today's inputs: built from other inputs (stale), unless there is no cache at all
        return STALE if cache.has_entries(kind) else UNKNOWN
    return FRESH if held else STALE


def _verdict(v: Verdict) -> str:
    if v.candidate.model is None:
        return tr("hồ sơ lỗi", "dossier error")
    if not v.eligible:
        return tr("KHÔNG ĐẠT", "NOT ELIGIBLE")
    held = [track_label(t) for t, ok in v.tracks.items() if ok]
    return tr("ĐẠT (", "ELIGIBLE (") + ", ".join(held) + ")"


def _attachments(v: Verdict, report: Report) -> str:
    named = len(declared(v.candidate))
    if not named:
        return "-"
    usable = sum(1 for a in report.attachments if a.candidate == v.id)
    return f"{usable}/{named}" + ("" if usable == named else tr(" (thiếu/hỏng)", " (missing/broken)"))


def status_table(report: Report, folder: Path, opts: BuildOptions) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the status table (text, ready to print)."""
    from dhtt_docs.vnformat import format_percent

    all_states = document_states(report, folder, opts) if report.round.submission else []
    states = {s.candidate_id: s for s in all_states if s.candidate_id}
    header = [tr(vi, en) for vi, en in zip(
        ["Mã", "Tên", "Loại", "Kết quả", "Phiếu", "Tỷ lệ", "Báo cáo DOCX", "PDF", "Đính kèm"],
        ["ID", "Name", "Kind", "Result", "Votes", "Share", "Report DOCX", "PDF", "Attachments"])]
    kinds = {"individual": tr("cá nhân", "individual"), "collective": tr("tập thể", "collective")}
    rows = []
    for v in report.verdicts:
        s = states.get(v.id)
        rows.append([v.id, v.candidate.name, kinds.get(v.candidate.kind, "?"),
                     _verdict(v), "-" if v.votes is None else str(v.votes),
                     "-" if v.approval is None else format_percent(v.approval),
                     state_label(s.docx) if s else "-", state_label(s.pdf) if s else "-", _attachments(v, report)])
    for s in (x for x in all_states if x.candidate_id is None):
        rows.append(["", s.title, tr("văn bản chung", "round document"), "", "", "",
                     state_label(s.docx), state_label(s.pdf), ""])
    return header, rows


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
