"""The text form of a validation report, for a secretary at a terminal."""

from __future__ import annotations

import click

from dhtt_docs.findings import Finding, Severity, sort_findings
from dhtt_docs.i18n import tr
from dhtt_docs.rules.engine import Report, Verdict, track_label
from dhtt_docs.vnformat import format_percent

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
KIND_VI = {"individual": "cá nhân", "collective": "tập thể", None: "chưa rõ loại"}
KIND_EN = {"individual": "individual", "collective": "collective", None: "unknown kind"}


def kind_label(kind: str | None) -> str:
    """The kind of a candidate in the chosen language."""
    return tr(KIND_VI[kind], KIND_EN[kind])


def _count_en(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def verdict_line(v: Verdict, clause: str) -> str:
    if v.candidate.model is None:
        return tr("CHƯA KIỂM TRA ĐƯỢC: hồ sơ có lỗi, sửa các lỗi dưới đây rồi chạy lại",
                  "NOT CHECKED: the dossier has errors; fix the errors below and run again")
    if v.eligible:
        held = [track_label(t) for t, ok in v.tracks.items() if ok]
        return tr(f"ĐẠT theo tiêu chí {' và '.join(held)} ({clause})",
                  f"ELIGIBLE by the {' and '.join(held)} track{'s' if len(held) > 1 else ''} ({clause})")
    return tr(f"KHÔNG ĐẠT tiêu chuẩn {clause}: không đạt tiêu chí thành tích, không đạt tiêu chí khen thưởng",
              f"NOT ELIGIBLE under {clause}: meets neither the performance track nor the awards track")


def _finding_lines(f: Finding) -> list[str]:
    tag = click.style(f"{f.severity.label:<9}", fg=_COLOURS[f.severity], bold=f.severity is Severity.ERROR)
    where = f.where()
    clause = f" [{f.clause}]" if f.clause and f.clause != "dossier" else ""
    return [f"    {tag} {where}{clause}", f"              {f.message}"]


def render_text(report: Report) -> str:
    rnd = report.round
    lines: list[str] = []
    sub = rnd.submission
    plan = report.profile.id if report.profile else (sub.plan if sub else "?")
    head = tr(f"Đợt xét: {rnd.name}", f"Round: {rnd.name}")
    if sub:
        head += tr(f" — {sub.unit.name}, năm {sub.year}", f" — {sub.unit.name}, year {sub.year}")
    head += tr(f" (kế hoạch {plan})", f" (plan {plan})")
    lines += [click.style(head, bold=True), ""]
    for v in report.verdicts:
        clause = ""
        if report.profile:
            clause = report.profile.individual.clause if v.candidate.is_individual else report.profile.collective.clause
        verdict = verdict_line(v, clause)
        colour = "green" if v.eligible and not v.has_errors else "red" if v.has_errors else "yellow"
        votes = ""
        if v.votes is not None and sub:
            votes = tr(f" — {v.votes}/{len(sub.council.members)} phiếu ({format_percent(v.approval or 0)})",
                       f" — {v.votes}/{len(sub.council.members)} votes ({format_percent(v.approval or 0)})")
        lines.append(f"[{kind_label(v.candidate.kind)}] {v.id} — {v.candidate.name}: "
                     + click.style(verdict, fg=colour, bold=True) + votes)
        for f in sort_findings(v.findings):
            lines += _finding_lines(f)
        lines.append("")
    if report.findings:
        lines.append(click.style(tr("Cả đợt xét:", "Whole round:"), bold=True))
        for f in sort_findings(report.findings):
            lines += _finding_lines(f)
        lines.append("")
    all_f = report.all_findings()
    count = {s: sum(1 for f in all_f if f.severity is s) for s in Severity}
    n = len(report.verdicts)
    ok = sum(1 for v in report.verdicts if v.eligible)
    summary = tr(f"Tổng: {n} ứng viên, {ok} đạt tiêu chuẩn, {n - ok} không đạt; "
                 f"{count[Severity.ERROR]} lỗi, {count[Severity.WARNING]} cảnh báo, {count[Severity.INFO]} lưu ý.",
                 f"Total: {_count_en(n, 'candidate')}, {ok} eligible, {n - ok} not eligible; "
                 f"{_count_en(count[Severity.ERROR], 'error')}, {_count_en(count[Severity.WARNING], 'warning')}, "
                 f"{_count_en(count[Severity.INFO], 'note')}.")
    lines.append(click.style(summary, bold=True))
    if report.ok:
        lines.append(click.style(tr("Hồ sơ không có lỗi: có thể lập văn bản (dhtt-docs build).",
                                   "No errors in the dossier: the documents can be built (dhtt-docs build)."),
                                fg="green"))
    else:
        lines.append(click.style(tr("Hồ sơ còn lỗi: sửa các mục LỖI ở trên rồi chạy lại.",
                                   "The dossier still has errors: fix the ERROR items above and run again."),
                                fg="red"))
    return "\n".join(lines)
