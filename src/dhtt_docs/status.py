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

from .attachments import declared
from .cache import DEFAULT_DIR, BuildCache
from .pipeline import DOCUMENTS, BuildOptions, keyed_documents, output_dir, pdf_key
from .rules import Report, Verdict

FRESH, STALE, MISSING, UNKNOWN = "mới", "cũ", "chưa lập", "không rõ"


@dataclass
class DocState:
    title: str
    candidate_id: str | None
    docx: str
    pdf: str


def document_states(report: Report, folder: Path, opts: BuildOptions) -> list[DocState]:
    from .convert import converter_identity

    out = output_dir(folder, opts) / DOCUMENTS
    cache = BuildCache(opts.cache_dir or folder / DEFAULT_DIR) if opts.cache else BuildCache(None)
    engine = converter_identity(opts.converter)
    states = []
    for job, key in keyed_documents(report, opts.templates, not report.ok, cache):
        docx = out / job.file_name
        pdf = docx.with_suffix(".pdf")
        states.append(DocState(job.title, job.candidate_id,
                               _state(cache, "docx", key, docx),
                               _state(cache, "pdf", pdf_key(key, job.title, report, opts, engine), pdf)))
    return states


def _state(cache: BuildCache, kind: str, key: str, path: Path) -> str:
    if not path.is_file():
        return MISSING
    held = cache.holds(kind, key, path)
    if held is None:
        # no entry for today's inputs: built from other inputs (stale), unless there is no cache at all
        return STALE if cache.enabled and any((cache.root / kind).glob(f"*.{kind}")) else UNKNOWN
    return FRESH if held else STALE


def _verdict(v: Verdict) -> str:
    if v.candidate.model is None:
        return "hồ sơ lỗi"
    if not v.eligible:
        return "KHÔNG ĐẠT"
    held = [{"performance": "thành tích", "awards": "khen thưởng"}[t] for t, ok in v.tracks.items() if ok]
    return "ĐẠT (" + ", ".join(held) + ")"


def _attachments(v: Verdict, report: Report) -> str:
    named = len(declared(v.candidate))
    if not named:
        return "-"
    usable = sum(1 for a in report.attachments if a.candidate == v.id)
    return f"{usable}/{named}" + ("" if usable == named else " (thiếu/hỏng)")


def status_table(report: Report, folder: Path, opts: BuildOptions) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the status table (text, ready to print)."""
    from .vnformat import format_percent

    all_states = document_states(report, folder, opts) if report.round.submission else []
    states = {s.candidate_id: s for s in all_states if s.candidate_id}
    header = ["Mã", "Tên", "Loại", "Kết quả", "Phiếu", "Tỷ lệ", "Báo cáo DOCX", "PDF", "Đính kèm"]
    rows = []
    for v in report.verdicts:
        s = states.get(v.id)
        rows.append([v.id, v.candidate.name, {"individual": "cá nhân", "collective": "tập thể"}.get(v.candidate.kind, "?"),
                     _verdict(v), "-" if v.votes is None else str(v.votes),
                     "-" if v.approval is None else format_percent(v.approval),
                     s.docx if s else "-", s.pdf if s else "-", _attachments(v, report)])
    for s in (x for x in all_states if x.candidate_id is None):
        rows.append(["", s.title, "văn bản chung", "", "", "", s.docx, s.pdf, ""])
    return header, rows


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
