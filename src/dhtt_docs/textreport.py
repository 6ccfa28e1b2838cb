"""The text form of a validation report, for a secretary at a terminal."""

from __future__ import annotations

import click

from .findings import Finding, Severity, sort_findings
from .rules import TRACK_LABELS, Report, Verdict
from .vnformat import format_percent

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
KIND_VI = {"individual": "cá nhân", "collective": "tập thể", None: "chưa rõ loại"}


def verdict_line(v: Verdict, clause: str) -> str:
    if v.candidate.model is None:
        return "CHƯA KIỂM TRA ĐƯỢC: hồ sơ có lỗi, sửa các lỗi dưới đây rồi chạy lại"
    if v.eligible:
        held = [TRACK_LABELS[t] for t, ok in v.tracks.items() if ok]
        return f"ĐẠT theo tiêu chí {' và '.join(held)} ({clause})"
    return f"KHÔNG ĐẠT tiêu chuẩn {clause}: không đạt tiêu chí thành tích, không đạt tiêu chí khen thưởng"


def _finding_lines(f: Finding) -> list[str]:
    tag = click.style(f"{f.severity.label_vi:<9}", fg=_COLOURS[f.severity], bold=f.severity is Severity.ERROR)
    where = f.where()
    clause = f" [{f.clause}]" if f.clause and f.clause != "dossier" else ""
    return [f"    {tag} {where}{clause}", f"              {f.message}"]


def render_text(report: Report) -> str:
    rnd = report.round
    lines: list[str] = []
    sub = rnd.submission
    plan = report.profile.id if report.profile else (sub.plan if sub else "?")
    head = f"Đợt xét: {rnd.name}"
    if sub:
        head += f" — {sub.unit.name}, năm {sub.year}"
    head += f" (kế hoạch {plan})"
    lines += [click.style(head, bold=True), ""]
    for v in report.verdicts:
        clause = ""
        if report.profile:
            clause = report.profile.individual.clause if v.candidate.is_individual else report.profile.collective.clause
        verdict = verdict_line(v, clause)
        colour = "green" if v.eligible and not v.has_errors else "red" if v.has_errors else "yellow"
        votes = ""
        if v.votes is not None and sub:
            votes = f" — {v.votes}/{len(sub.council.members)} phiếu ({format_percent(v.approval or 0)})"
        lines.append(f"[{KIND_VI[v.candidate.kind]}] {v.id} — {v.candidate.name}: "
                     + click.style(verdict, fg=colour, bold=True) + votes)
        for f in sort_findings(v.findings):
            lines += _finding_lines(f)
        lines.append("")
    if report.findings:
        lines.append(click.style("Cả đợt xét:", bold=True))
        for f in sort_findings(report.findings):
            lines += _finding_lines(f)
        lines.append("")
    all_f = report.all_findings()
    count = {s: sum(1 for f in all_f if f.severity is s) for s in Severity}
    n = len(report.verdicts)
    ok = sum(1 for v in report.verdicts if v.eligible)
    summary = (f"Tổng: {n} ứng viên, {ok} đạt tiêu chuẩn, {n - ok} không đạt; "
               f"{count[Severity.ERROR]} lỗi, {count[Severity.WARNING]} cảnh báo, {count[Severity.INFO]} lưu ý.")
    lines.append(click.style(summary, bold=True))
    if report.ok:
        lines.append(click.style("Hồ sơ không có lỗi: có thể lập văn bản (dhtt-docs build).", fg="green"))
    else:
        lines.append(click.style("Hồ sơ còn lỗi: sửa các mục LỖI ở trên rồi chạy lại.", fg="red"))
    return "\n".join(lines)
