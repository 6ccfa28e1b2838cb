"""The rules engine: checks a loaded round against its plan's profile.

The profile (data) holds every criterion, its clause and its words; the
modules here only combine: `criteria` (one function per kind of criterion),
`candidate` (a candidate's tracks, all / any / k of n), `approval` (the
council's votes), `roundcheck` (the round as a whole), `verdict` (what is
given back). A candidate that cannot be checked (its file, the plan, or a
round-level value its checks need is broken) is "not checked"
(`eligible: None`), never "not eligible".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from dhtt_docs.dossier.attachments import check_attachments
from dhtt_docs.dossier.loader import Round
from dhtt_docs.dossier.schema import Date, Year
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.candidate import check_candidate
from dhtt_docs.rules.criteria import longest_run
from dhtt_docs.rules.profile import Profile, resolve_profile
from dhtt_docs.rules.profile_files import covering
from dhtt_docs.rules.roundcheck import check_leaders, check_round
from dhtt_docs.rules.verdict import (TRACK_LABELS, TRACK_LABELS_EN, Report, Verdict, VerdictState,
                                     track_label)

__all__ = ["evaluate", "KeptChecks", "Report", "Verdict", "VerdictState", "track_label", "longest_run", "TRACK_LABELS",
           "TRACK_LABELS_EN", "round_profile"]


@dataclass
class _RoundValues:
    """What every candidate's checks need from submission.yaml."""

    plan: str | None
    year: int | None
    submitted: date | None
    missing: list[str]


def _round_values(rnd: Round) -> _RoundValues:
    sub = rnd.submission
    if sub is not None:
        plan = sub.plan if "plan" in sub.model_fields_set else None
        return _RoundValues(plan, sub.year, sub.submission.date, [])
    raw = getattr(rnd, "submission_data", None)
    raw = raw if isinstance(raw, dict) else {}
    plan = raw.get("plan") if isinstance(raw.get("plan"), str) else None
    year = _parse(Year, raw.get("year"))
    info = raw.get("submission")
    submitted = _parse(Date, info.get("date")) if isinstance(info, dict) else None
    missing = (["year"] if year is None else []) + (["submission.date"] if submitted is None else [])
    return _RoundValues(plan, year, submitted, missing)


def _parse(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    try:
        return TypeAdapter(annotation).validate_python(value)
    except (ValidationError, ValueError, TypeError):
        return None


def round_profile(rnd: Round) -> tuple[Profile | None, list[Finding]]:
    """The profile `plan:` of a round stands for, and the findings about it (on the `plan` line)."""
    vals = _round_values(rnd)
    return resolve_profile(vals.plan, rnd.folder, vals.year, where=rnd.submission_source.at("plan"))


class KeptChecks:
    """Each candidate's own checks (`check_candidate`) from earlier builds of this process (the warm
    builder, build/kept.py), given again for the very candidate object checked before (an unchanged
    file gives back the same one: dossier/loader.py's LoadedCandidates) against the same profile
    object, year, submission date and findings of its file. The round's checks run every time."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple] = {}
        self._seen: set[int] = set()

    def restore(self, v: Verdict, profile: Profile, args: tuple) -> bool:
        c = v.candidate
        self._seen.add(id(c))
        entry = self._by_id.get(id(c))
        if entry is None or entry[0] is not c or entry[1] is not profile or entry[2] != args:
            return False
        labels, tracks, eligible, basis, findings = entry[3]
        v.labels, v.tracks, v.eligible, v.basis, v.findings = dict(labels), dict(tracks), eligible, list(basis), \
            list(findings)
        return True

    def keep(self, v: Verdict, profile: Profile, args: tuple) -> None:
        self._by_id[id(v.candidate)] = (v.candidate, profile, args, (dict(v.labels), dict(v.tracks), v.eligible,
                                                                     tuple(v.basis), tuple(v.findings)))

    def forget_unseen(self) -> None:
        """Drop the candidates not checked since the last call (another round, a file changed or gone)."""
        self._by_id = {k: e for k, e in self._by_id.items() if k in self._seen}
        self._seen = set()


def evaluate(rnd: Round, profile: Profile | None = None, kept: KeptChecks | None = None) -> Report:
    """Check every candidate and the round; the report holds verdicts and findings. `kept`: the
    candidates' own checks from earlier builds of this process (see KeptChecks)."""
    top: list[Finding] = []
    per_file: dict[str, list[Finding]] = {}
    for f in rnd.findings:
        per_file.setdefault(f.file or "", []).append(f)
    cand_files = {c.file for c in rnd.candidates}
    for fname, fs in per_file.items():
        if fname not in cand_files:
            top.extend(fs)

    vals = _round_values(rnd)
    plan = vals.plan or ""          # no plan named and none found: say none, never a default
    if profile is None and rnd.submission is None and vals.plan is None:
        # submission.yaml itself is broken (said on its own lines): no word about 'plan' on top of that
        found = covering(vals.year)
        profile = found[0] if found else None
    elif profile is None:
        profile, about_plan = resolve_profile(vals.plan, rnd.folder, vals.year,
                                              where=rnd.submission_source.at("plan"))
        top.extend(about_plan)
        if profile is not None:
            plan = profile.id
    why_not = _why_not_checked(profile, vals)

    verdicts: list[Verdict] = []
    for c in rnd.candidates:
        v = Verdict(c, findings=list(per_file.get(c.file, [])))
        verdicts.append(v)
        if c.model is None:
            v.not_checked_because = t("hồ sơ có lỗi, sửa các lỗi dưới đây rồi chạy lại",
                                      "the dossier has errors; fix the errors below and run again")
            continue
        if why_not is not None:
            v.not_checked_because = why_not
            continue
        if not profile.selects_kind(c.kind):
            v.not_checked_because = t(f"kế hoạch {profile.id} không xét {_kind_vi(c.kind)}",
                                      f"plan {profile.id} does not select {c.kind}s")
            v.findings.append(Finding(Severity.ERROR, t(
                f"Kế hoạch {profile.id} không xét {_kind_vi(c.kind)}: hãy bỏ tệp này khỏi thư mục candidates/ "
                "(và dòng của nó trong 'council.votes').",
                f"Plan {profile.id} does not select {c.kind}s: remove this file from the candidates/ folder "
                "(and its line under 'council.votes')."), file=c.file, line=1, key="kind",
                clause=profile.council.clause, code="round.kind_not_selected", params={"kind": c.kind}))
            continue
        if kept is None:
            check_candidate(v, profile, vals.year, vals.submitted, len(per_file.get(c.file, [])))
            continue
        args = (vals.year, vals.submitted, tuple(v.findings))
        if not kept.restore(v, profile, args):
            check_candidate(v, profile, vals.year, vals.submitted, len(per_file.get(c.file, [])))
            kept.keep(v, profile, args)
    if kept is not None:
        kept.forget_unseen()

    attachments, problems = check_attachments(rnd)
    for v in verdicts:
        v.findings.extend(problems.get(v.id, []))
    if rnd.submission is not None and profile is not None:
        check_leaders(verdicts, profile)
        check_round(rnd, rnd.submission, profile, verdicts, top)
    return Report(rnd, profile, verdicts, top, attachments, plan=plan)


def _kind_vi(kind: str | None) -> str:
    return {"individual": "cá nhân", "collective": "tập thể"}.get(kind or "", str(kind))


def _why_not_checked(profile: Profile | None, vals: _RoundValues) -> Text | None:
    if vals.missing:
        keys = ", ".join(vals.missing)
        return t(f"submission.yaml có lỗi ở giá trị cần cho việc xét ({keys}); sửa lỗi đó rồi chạy lại",
                 f"submission.yaml has an error in a value the checks need ({keys}); fix it and run again")
    if profile is None:
        return t("chưa có bộ tiêu chí của kế hoạch (xem lỗi ở trường 'plan' của submission.yaml)",
                 "no plan criteria to check against (see the error on 'plan' in submission.yaml)")
    return None
