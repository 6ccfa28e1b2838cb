"""The text form of a validation report, for a secretary at a terminal."""

from __future__ import annotations

import click

from dhtt_docs.findings import Finding, Severity, sort_findings
from dhtt_docs.i18n import t, tr
from dhtt_docs.rules.engine import Report, Verdict, VerdictState
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
    if v.state is VerdictState.NOT_CHECKED:
        why = v.not_checked_because or t("hồ sơ có lỗi", "the dossier has errors")
        return tr(f"CHƯA KIỂM TRA ĐƯỢC: {why.vi}", f"NOT CHECKED: {why.en}")
    if v.eligible:
        held = v.held()
        return tr(f"ĐẠT theo tiêu chí {' và '.join(held)} ({clause})",
                  f"ELIGIBLE by the {' and '.join(held)} track{'s' if len(held) > 1 else ''} ({clause})")
    failed = v.failed()
    return tr(f"KHÔNG ĐẠT tiêu chuẩn {clause}: " + ", ".join(f"không đạt tiêu chí {x}" for x in failed),
              f"NOT ELIGIBLE under {clause}: " + (f"meets neither the {failed[0]} track nor the {failed[1]} track"
                                                  if len(failed) == 2 else
                                                  "does not meet the " + ", ".join(failed) + " track"
                                                  + ("s" if len(failed) > 1 else "")))


def finding_lines(f: Finding) -> list[str]:
    """A finding as the two lines the text report prints (severity and place; the message)."""
    return _finding_lines(f)


def _finding_lines(f: Finding) -> list[str]:
    tag = click.style(f"{f.severity.label:<9}", fg=_COLOURS[f.severity], bold=f.severity is Severity.ERROR)
    where = f.where()
    clause = f" [{f.clause}]" if f.clause and f.clause != "dossier" else ""
    return [f"    {tag} {where}{clause}", f"              {f.message}"]


def render_text(report: Report) -> str:
    rnd = report.round
    lines: list[str] = []
    sub = rnd.submission
    plan = report.profile.id if report.profile else (report.plan or "?")
    head = tr(f"Đợt xét: {rnd.name}", f"Round: {rnd.name}")
    if sub:
        head += tr(f" — {sub.unit.name}, năm {sub.year}", f" — {sub.unit.name}, year {sub.year}")
    head += tr(f" (kế hoạch {plan})", f" (plan {plan})")
    lines += [click.style(head, bold=True), ""]
    for v in report.verdicts:
        clause = report.profile.clause_for(v.candidate.kind) if report.profile else ""
        verdict = verdict_line(v, clause)
        colour = "green" if v.eligible and not v.has_errors else "red" if v.has_errors and v.eligible is not None \
            else "yellow"
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
    states = report.counts()
    ok, no, unchecked = (states[VerdictState.ELIGIBLE], states[VerdictState.NOT_ELIGIBLE],
                         states[VerdictState.NOT_CHECKED])
    summary = tr(f"Tổng: {n} ứng viên, {ok} đạt tiêu chuẩn, {no} không đạt"
                 + (f", {unchecked} chưa kiểm tra được" if unchecked else "") + "; "
                 f"{count[Severity.ERROR]} lỗi, {count[Severity.WARNING]} cảnh báo, {count[Severity.INFO]} lưu ý.",
                 f"Total: {_count_en(n, 'candidate')}, {ok} eligible, {no} not eligible"
                 + (f", {unchecked} not checked" if unchecked else "") + "; "
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
