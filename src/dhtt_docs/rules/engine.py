"""The rules engine: checks a loaded round against a plan profile.

The profile (data) says which awards qualify, the window, the thresholds and
the clause each rule cites; this module holds the checks themselves. Each
candidate has two tracks (plan II.2: "phải đạt một trong những tiêu chuẩn"):
`performance` and `awards`; it is eligible when either holds. A failed
condition is an `error` when the candidate is eligible by no track; when
another track carries it, only missed targets are listed (as `info`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dhtt_docs.dossier.attachments import Attachment, check_attachments
from dhtt_docs.findings import Finding, Severity, sort_findings
from dhtt_docs.i18n import tr
from dhtt_docs.dossier.loader import Candidate, Round
from dhtt_docs.rules.profile import DEFAULT_PLAN, Profile, available_plans, load_profile
from dhtt_docs.dossier.schema import Collective, Honour, Individual
from dhtt_docs.vnformat import format_date_short, format_number, format_percent
from dhtt_docs.vocab import closest
from dhtt_docs.dossier.yamlsource import SourceMap

TRACKS = ("performance", "awards")
TRACK_LABELS = {"performance": "thành tích", "awards": "khen thưởng"}
TRACK_LABELS_EN = {"performance": "performance", "awards": "awards"}


def track_label(track: str) -> str:
    """The name of a track in the chosen language (TRACK_LABELS stays Vietnamese, for the documents)."""
    return tr(TRACK_LABELS[track], TRACK_LABELS_EN[track])

# Failed conditions still listed (as info) when another track carries the
# candidate: the rules ask for every missed target to be named.
_LISTED_WHEN_ELIGIBLE = {"track.performance.target_missed"}


@dataclass
class Verdict:
    candidate: Candidate
    eligible: bool = False
    tracks: dict[str, bool] = field(default_factory=lambda: {t: False for t in TRACKS})
    votes: int | None = None
    approval: float | None = None
    approved: bool = False
    basis: list[str] = field(default_factory=list)     # what the met track rests on, for the Danh sách
    findings: list[Finding] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.candidate.id

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def to_json(self, lang: str | None = None) -> dict:
        return {
            "id": self.id,
            "kind": self.candidate.kind,
            "name": self.candidate.name,
            "eligible": self.eligible,
            "tracks": dict(self.tracks),
            "approval": self.approval,
            "votes": self.votes,
            "findings": [f.to_json(lang) for f in sort_findings(self.findings)],
        }


@dataclass
class Report:
    round: Round
    profile: Profile | None
    verdicts: list[Verdict]
    findings: list[Finding]                 # those of the round as a whole
    attachments: list[Attachment] = field(default_factory=list)   # usable ones, in dossier order

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.all_findings())

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for v in self.verdicts:
            out.extend(v.findings)
        return out

    def to_json(self, lang: str | None = None) -> dict:
        """The JSON of `validate --format json`; messages in `lang` (the chosen language when None)."""
        plan = self.profile.id if self.profile else (
            self.round.submission.plan if self.round.submission else DEFAULT_PLAN)
        return {
            "ok": self.ok,
            "plan": plan,
            "candidates": [v.to_json(lang) for v in self.verdicts],
            "findings": [f.to_json(lang) for f in sort_findings(self.findings)],
        }

    def verdict(self, cid: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.id == cid), None)


class _Collector:
    """Adds findings for one file with a fixed clause, computing lines from paths."""

    def __init__(self, source: SourceMap, clause: str, into: list[Finding]):
        self.source, self.clause, self.into = source, clause, into

    def add(self, severity: Severity, code: str, message: str, *path, clause: str | None = None,
            line: int | None = None) -> None:
        """A finding at `path`; `line` overrides the path's line (a finding about a whole file)."""
        where = self.source.at(*path)
        if line is not None:
            where["line"] = line
        self.into.append(Finding(severity, message, clause=clause or self.clause, code=code, **where))


@dataclass
class _Failure:
    """A failed condition of a track; becomes an error or an info once all tracks are known."""

    code: str
    message: str
    path: tuple


# --- helpers ----------------------------------------------------------------


def longest_run(years: list[int]) -> list[int]:
    """The longest run of consecutive years in `years` (earliest run on ties)."""
    best: list[int] = []
    run: list[int] = []
    for y in sorted(set(years)):
        run = run + [y] if run and y == run[-1] + 1 else [y]
        if len(run) > len(best):
            best = run
    return best


def _years(ys: list[int], none: str = "không có") -> str:
    return ", ".join(str(y) for y in sorted(ys)) or none


def _years_msg(ys: list[int]) -> str:
    """`_years` for a message: 'none' in English."""
    return _years(ys, tr("không có", "none"))


def _decision_text(h: Honour) -> str:
    return f"Quyết định số {h.decision.number} ngày {format_date_short(h.decision.date)}"


def _decision_msg(h: Honour) -> str:
    """`_decision_text` for a message, in the chosen language (the documents keep `_decision_text`)."""
    return tr(_decision_text(h), f"Decision No. {h.decision.number} of {format_date_short(h.decision.date)}")


def _quoted(names) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _honours(model: Individual | Collective) -> list[tuple[str, int, Honour]]:
    return [("emulation_titles", i, h) for i, h in enumerate(model.emulation_titles)] + \
           [("awards", i, h) for i, h in enumerate(model.awards)]


# --- candidate checks ---------------------------------------------------------


def _check_honours(model, profile: Profile, qualifying: list[str], kind_word: str,
                   col: _Collector, submitted: date | None) -> tuple[list[str], list[_Failure]]:
    """Track B. Returns the qualifying honours' texts, or the failure."""
    window = profile.window
    found: list[str] = []
    near: list[str] = []
    for field_name, i, h in _honours(model):
        entry = profile.match_award(h.title)
        if entry is None:
            hint = closest(h.title, profile.known_award_names(), cutoff=0.0)
            col.add(Severity.WARNING, "award.unknown",
                    tr(f"Không nhận ra danh hiệu/hình thức khen thưởng '{h.title}' trong danh mục của kế hoạch "
                       f"{profile.id}, nên không tính vào tiêu chuẩn. Tên gần nhất trong danh mục: '{hint}'. "
                       "Nếu đúng là danh hiệu đó, hãy ghi đúng tên như trên quyết định.",
                       f"Title or award '{h.title}' is not in the catalogue of plan {profile.id}, so it does not "
                       f"count towards the criteria. Closest name in the catalogue: '{hint}'. If it is that "
                       "award, write its name exactly as on the decision."),
                    field_name, i, "title")
            continue
        if submitted and h.decision.date > submitted:
            col.add(Severity.ERROR, "award.after_submission",
                    tr(f"{_decision_text(h)} sau ngày Tờ trình ({format_date_short(submitted)}): "
                       "quyết định chưa có khi trình thì không được kê khai. Hãy kiểm tra lại ngày.",
                       f"{_decision_msg(h)} is dated after the submission (Tờ trình, "
                       f"{format_date_short(submitted)}): a decision that did not exist when the dossier was "
                       "submitted cannot be declared. Check the date."),
                    field_name, i, "decision", "date", clause=window.clause)
            continue
        if entry.id not in qualifying:
            if entry.id in profile.individual.awards.qualifying + profile.collective.awards.qualifying:
                other_en, this_en = (("individuals", "collectives") if kind_word == "tập thể"
                                     else ("collectives", "individuals"))
                near.append(tr(f"'{h.title}' chỉ tính cho {'cá nhân' if kind_word == 'tập thể' else 'tập thể'}, "
                               f"không tính cho {kind_word}",
                               f"'{h.title}' counts only for {other_en}, not for {this_en}"))
            continue
        if h.decision.date.year not in window:
            near.append(tr(f"'{h.title}' theo {_decision_text(h)} ban hành ngoài thời gian "
                           f"{window.text()}",
                           f"'{h.title}' by {_decision_msg(h)} was issued outside the period {window.text()}"))
            continue
        found.append(f"{h.title} ({_decision_text(h)})")
    if found:
        return found, []
    names = "; ".join(profile.entry(q).name for q in qualifying)
    names_en = "; ".join(f"'{profile.entry(q).name}'" for q in qualifying)
    msg = tr(f"Chưa đạt tiêu chuẩn khen thưởng: cần một trong các danh hiệu, hình thức khen thưởng "
             f"({names}) có quyết định ban hành trong thời gian {window.text()}",
             f"Awards criterion not met: one of these titles or awards is needed ({names_en}), "
             f"with a decision issued in the period {window.text()}")
    msg += (". " + "; ".join(near) + ".") if near else "."
    path = ("awards",) if model.awards else ("emulation_titles",) if model.emulation_titles else ()
    return [], [_Failure("track.awards", msg, path)]


def _check_individual(c: Candidate, m: Individual, profile: Profile, year: int,
                      submitted: date | None, out: list[Finding]) -> tuple[dict, list[str], list[_Failure]]:
    rules = profile.individual
    perf = rules.performance
    col = _Collector(c.source, rules.clause, out)
    window = profile.window

    # Consistency: ratings after the round, excellent years with discipline.
    disciplined = {d.year: d for d in m.discipline}
    for i, d in enumerate(m.discipline):
        if profile.discipline_form(d.form) is None:
            hint = closest(d.form, profile.discipline.forms)
            col.add(Severity.ERROR, "discipline.unknown_form",
                    _unknown_form(d.form, hint, profile), "discipline", i, "form", clause="dossier")
    for y, code in sorted(m.ratings.items()):
        if y > year:
            col.add(Severity.ERROR, "rating.future",
                    tr(f"Xếp loại năm {y} sau năm xét {year}: năm đó chưa được đánh giá. Hãy xóa dòng này.",
                       f"Rating for {y} is after the round year {year}: that year has not been assessed yet. "
                       "Delete this line."),
                    "ratings", y)
        if code == "HTXSNV" and y in disciplined:
            col.add(Severity.ERROR, "rating.disciplined_year",
                    tr(f"Năm {y} được xếp loại hoàn thành xuất sắc nhiệm vụ nhưng cũng bị kỷ luật "
                       f"({disciplined[y].form}): năm bị kỷ luật không thể xếp loại HTXSNV. "
                       "Hãy kiểm tra lại xếp loại hoặc kỷ luật năm đó.",
                       f"{y} is rated 'excellently completed duties' (HTXSNV) but also has a disciplinary "
                       f"measure ('{disciplined[y].form}'): a year with a disciplinary measure cannot be rated "
                       "HTXSNV. Check the rating or the discipline of that year."), "ratings", y)
    for i, ini in enumerate(m.initiatives):
        _check_initiative(ini, i, col, submitted)

    # Track A: performance.
    failures: list[_Failure] = []
    basis: list[str] = []
    last = min(window.last_year, year)
    excellent = [y for y, r in m.ratings.items() if r == "HTXSNV" and window.first_year <= y <= last
                 and y not in disciplined]
    run = longest_run(excellent)
    need = perf.consecutive_excellent_years
    if len(run) >= need:
        basis.append(f"{len(run):02d} năm liên tục hoàn thành xuất sắc nhiệm vụ ({_years(run)})")
    else:
        failures.append(_Failure(
            "track.performance.ratings",
            tr(f"Chưa có {need:02d} năm liên tục được xếp loại hoàn thành xuất sắc nhiệm vụ trong giai đoạn "
               f"{window.first_year}-{last} (các năm HTXSNV đã ghi: {_years(excellent)}). "
               "Nếu có, hãy bổ sung vào 'ratings'.",
               f"Fewer than {need} consecutive years rated 'excellently completed duties' (HTXSNV) in "
               f"{window.first_year}-{last} (HTXSNV years recorded: {_years_msg(excellent)}). "
               "If there are more, add them under 'ratings'."), ("ratings",)))
    n_ini = len(m.initiatives)
    if n_ini >= perf.min_initiatives:
        basis.append(f"{n_ini:02d} sáng kiến, giải pháp được công nhận")
        if n_ini < perf.warn_initiatives_below:
            col.add(Severity.WARNING, "initiatives.few",
                    tr(f"Chỉ có {n_ini:02d} sáng kiến, giải pháp được công nhận, trong khi kế hoạch yêu cầu "
                       "\"có nhiều sáng kiến, giải pháp được công nhận\": Hội đồng cần xem xét. "
                       "Nếu còn sáng kiến khác đã được công nhận, hãy bổ sung vào 'initiatives'.",
                       f"Only {n_ini} recognised initiative{'s' if n_ini != 1 else ''} or solution"
                       f"{'s' if n_ini != 1 else ''}, while the plan asks for \"many recognised initiatives and "
                       "solutions\": the council must consider this. If other initiatives have been recognised, "
                       "add them under 'initiatives'."), "initiatives")
    else:
        failures.append(_Failure(
            "track.performance.initiatives",
            tr("Chưa có sáng kiến, giải pháp nào được công nhận: hãy ghi vào 'initiatives' "
               "(tên sáng kiến và quyết định công nhận).",
               "No recognised initiative or solution yet: add it under 'initiatives' "
               "(the initiative's title and its recognition decision)."), ("initiatives",)))
    if len(m.activities) >= perf.min_activities:
        basis.append("tích cực tham gia đoàn thể, phong trào")
    else:
        failures.append(_Failure(
            "track.performance.activities",
            tr("Chưa ghi hoạt động đoàn thể hoặc giải thưởng trong các cuộc thi, hoạt động văn hóa, văn nghệ, "
               "thể dục thể thao: hãy ghi vào 'activities'.",
               "No activity in mass organisations (đoàn thể) and no prize in competitions or cultural, arts or "
               "sports events recorded yet: add them under 'activities'."), ("activities",)))
    perf_ok = not failures

    awards_found, award_failures = _check_honours(m, profile, rules.awards.qualifying, "cá nhân", col, submitted)
    tracks = {"performance": perf_ok, "awards": bool(awards_found)}
    basis_out = (basis if perf_ok else []) + awards_found
    return tracks, basis_out, failures + award_failures


def _check_initiative(ini, i: int, col: _Collector, submitted: date | None) -> None:
    if ini.recognition is None:
        col.add(Severity.WARNING, "initiative.no_recognition",
                tr(f"Sáng kiến '{ini.title}' chưa ghi quyết định công nhận: kế hoạch chỉ tính sáng kiến, giải pháp "
                   "được công nhận. Hãy ghi 'recognition' (số, ngày, cơ quan ban hành).",
                   f"Initiative '{ini.title}' has no recognition decision: the plan counts only recognised "
                   "initiatives and solutions. Add 'recognition' (number, date, issuing body)."), "initiatives", i)
    elif submitted and ini.recognition.date > submitted:
        col.add(Severity.ERROR, "initiative.after_submission",
                tr(f"Quyết định công nhận sáng kiến '{ini.title}' có ngày {format_date_short(ini.recognition.date)}, "
                   f"sau ngày Tờ trình ({format_date_short(submitted)}). Hãy kiểm tra lại ngày.",
                   f"The recognition decision of initiative '{ini.title}' is dated "
                   f"{format_date_short(ini.recognition.date)}, after the submission (Tờ trình, "
                   f"{format_date_short(submitted)}). Check the date."),
                "initiatives", i, "recognition", "date")


def _check_collective(c: Candidate, m: Collective, profile: Profile, year: int,
                      submitted: date | None, out: list[Finding]) -> tuple[dict, list[str], list[_Failure]]:
    rules = profile.collective
    col = _Collector(c.source, rules.clause, out)
    window = profile.window
    failures: list[_Failure] = []
    basis: list[str] = []
    for i, ini in enumerate(m.initiatives):
        _check_initiative(ini, i, col, submitted)

    # Targets: every recorded year met, and enough consecutive years.
    last = min(window.last_year, year)
    years_met: dict[int, bool] = {}
    misses: list[_Failure] = []
    for i, t in enumerate(m.targets):
        if t.year > year:
            col.add(Severity.ERROR, "target.future",
                    tr(f"Chỉ tiêu năm {t.year} sau năm xét {year}: năm đó chưa có kết quả. Hãy xóa mục này.",
                       f"Target for {t.year} is after the round year {year}: that year has no results yet. "
                       "Delete this entry."),
                    "targets", i, "year")
            continue
        if not window.first_year <= t.year <= last:
            continue
        years_met[t.year] = years_met.get(t.year, True) and t.met
        if not t.met:
            word = "không vượt quá" if t.direction == "at_most" else "đạt"
            misses.append(_Failure(
                "track.performance.target_missed",
                tr(f"Năm {t.year}, chỉ tiêu '{t.name}' chưa hoàn thành: kế hoạch {word} {format_number(t.plan)}"
                   f"{_unit(t.unit)}, thực hiện {format_number(t.actual)}{_unit(t.unit)}.",
                   f"{t.year}: target '{t.name}' not met: planned "
                   f"{'at most ' if t.direction == 'at_most' else ''}{format_number(t.plan)}{_unit(t.unit)}, "
                   f"achieved {format_number(t.actual)}{_unit(t.unit)}."),
                ("targets", i)))
    met_years = [y for y, ok in years_met.items() if ok]
    need = rules.performance.consecutive_target_years
    run = longest_run(met_years)
    failures.extend(misses)
    if not misses and len(run) >= need:
        basis.append(f"hoàn thành vượt mức các chỉ tiêu được giao {len(run):02d} năm liên tục ({_years(run)})")
    elif not misses:
        failures.append(_Failure(
            "track.performance.targets",
            tr(f"Chưa chứng minh được {need:02d} năm liên tục hoàn thành vượt mức chỉ tiêu trong giai đoạn "
               f"{window.first_year}-{last} (các năm có chỉ tiêu: {_years(list(years_met))}). "
               "Hãy ghi các chỉ tiêu được giao và kết quả từng năm vào 'targets'.",
               f"{need} consecutive years of exceeding the assigned targets in {window.first_year}-{last} are "
               f"not shown (years with targets: {_years_msg(list(years_met))}). Record each year's assigned "
               "targets and results under 'targets'."), ("targets",)))
    if len(m.initiatives) >= rules.performance.min_initiatives:
        basis.append(f"{len(m.initiatives):02d} giải pháp, sáng kiến, mô hình mới")
    else:
        failures.append(_Failure(
            "track.performance.initiatives",
            tr("Chưa có giải pháp, sáng kiến, cách làm hay, mô hình mới nào: hãy ghi vào 'initiatives'.",
               "No solution, initiative, good practice or new model yet: add it under 'initiatives'."),
            ("initiatives",)))
    disqualified = []
    for i, d in enumerate(m.staff_discipline):
        if profile.discipline_form(d.form) is None:
            hint = closest(d.form, profile.discipline.forms)
            col.add(Severity.ERROR, "discipline.unknown_form",
                    _unknown_form(d.form, hint, profile), "staff_discipline", i, "form", clause="dossier")
            continue
        if profile.is_disqualifying(d.form) and d.year in window:
            disqualified.append((i, d))
    for i, d in disqualified:
        failures.append(_Failure(
            "track.performance.discipline",
            tr(f"Năm {d.year}, {d.person} bị kỷ luật hình thức {d.form}: tập thể có công chức, viên chức, "
               "người lao động bị kỷ luật từ hình thức cảnh cáo trở lên thì không đạt tiêu chuẩn thành tích.",
               f"In {d.year}, {d.person} received the disciplinary measure '{d.form}': a collective with a civil "
               "servant, public employee or worker disciplined with a formal warning ('cảnh cáo') or anything heavier does "
               "not meet the performance criterion."),
            ("staff_discipline", i)))
    perf_ok = not failures

    awards_found, award_failures = _check_honours(m, profile, rules.awards.qualifying, "tập thể", col, submitted)
    if awards_found and not perf_ok and disqualified:
        i, d = disqualified[0]
        col.add(Severity.WARNING, "awards.with_discipline",
                tr(f"Tập thể đạt tiêu chuẩn khen thưởng, nhưng năm {d.year} có {d.person} bị kỷ luật hình thức "
                   f"{d.form}: Hội đồng cần xem xét trước khi lựa chọn.",
                   f"The collective meets the awards criterion, but in {d.year} {d.person} received the "
                   f"disciplinary measure '{d.form}': the council must consider this before selecting it."),
                "staff_discipline", i)
    tracks = {"performance": perf_ok, "awards": bool(awards_found)}
    return tracks, (basis if perf_ok else []) + awards_found, failures + award_failures


def _unknown_form(form: str, hint: str | None, profile: Profile) -> str:
    forms = profile.discipline.forms
    return tr(f"Hình thức kỷ luật '{form}' không có trong danh mục"
              + (f": có phải '{hint}'?" if hint else f" ({', '.join(forms)})."),
              f"Disciplinary measure '{form}' is not in the catalogue"
              + (f": did you mean '{hint}'?" if hint else f" ({_quoted(forms)})."))


def _count_en(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _unit(u: str | None) -> str:
    return "" if not u else ("%" if u == "%" else f" {u}")


# --- the round ------------------------------------------------------------------


def evaluate(rnd: Round, profile: Profile | None = None) -> Report:
    """Check every candidate and the round; the report holds verdicts and findings."""
    top: list[Finding] = []
    verdicts: list[Verdict] = []
    per_file: dict[str, list[Finding]] = {}
    for f in rnd.findings:
        per_file.setdefault(f.file or "", []).append(f)
    cand_files = {c.file for c in rnd.candidates}
    for fname, fs in per_file.items():
        if fname not in cand_files:
            top.extend(fs)

    sub = rnd.submission
    if profile is None and sub is not None:
        profile = load_profile(sub.plan)
        if profile is None:
            top.append(Finding(
                Severity.ERROR,
                tr(f"Không có bộ tiêu chí cho kế hoạch '{sub.plan}'. Các kế hoạch có sẵn: "
                   f"{', '.join(available_plans())}. Hãy sửa trường 'plan'.",
                   f"There is no set of criteria for plan '{sub.plan}'. Available plans: "
                   f"{', '.join(available_plans())}. Fix the 'plan' field."),
                clause="dossier", code="plan.unknown", **rnd.submission_source.at("plan")))
    elif profile is None:
        profile = load_profile(DEFAULT_PLAN)

    submitted = sub.submission.date if sub else None
    year = sub.year if sub else (submitted.year if submitted else 9999)
    for c in rnd.candidates:
        v = Verdict(c, findings=list(per_file.get(c.file, [])))
        verdicts.append(v)
        if c.model is None or profile is None or sub is None:
            continue
        checked = _check_individual if isinstance(c.model, Individual) else _check_collective
        v.tracks, basis, failures = checked(c, c.model, profile, year, submitted, v.findings)
        v.eligible = any(v.tracks.values())
        v.basis = basis
        clause = profile.individual.clause if c.is_individual else profile.collective.clause
        for fl in failures:
            if v.eligible and fl.code not in _LISTED_WHEN_ELIGIBLE:
                continue
            sev = Severity.INFO if v.eligible else Severity.ERROR
            v.findings.append(Finding(sev, fl.message, clause=clause, code=fl.code, **c.source.at(*fl.path)))
        if not v.eligible:
            v.findings.insert(len(per_file.get(c.file, [])), Finding(
                Severity.ERROR,
                tr(f"{c.name} không đạt tiêu chuẩn điển hình tiên tiến theo mục {clause} của kế hoạch "
                   f"{profile.id}: không đạt tiêu chuẩn thành tích, cũng không đạt tiêu chuẩn khen thưởng "
                   "(lý do ở các dòng dưới).",
                   f"{c.name} does not meet the advanced-model (điển hình tiên tiến) criteria of clause {clause} "
                   f"of plan {profile.id}: meets neither the performance criterion nor the awards criterion "
                   "(the reasons are in the lines below)."), clause=clause, code="verdict.ineligible", file=c.file, line=1,
                key=None))

    attachments, problems = check_attachments(rnd)
    for v in verdicts:
        v.findings.extend(problems.get(v.id, []))
    if sub is not None and profile is not None:
        _check_leaders(rnd, verdicts, profile)
        _check_round(rnd, sub, profile, verdicts, top)
    return Report(rnd, profile, verdicts, top, attachments)


def _check_leaders(rnd: Round, verdicts: list[Verdict], profile: Profile) -> None:
    by_id = {v.id: v for v in verdicts}
    for v in verdicts:
        m = v.candidate.model
        if not isinstance(m, Individual):
            continue
        col = _Collector(v.candidate.source, profile.individual.clause, v.findings)
        if m.leader:
            col.add(Severity.INFO, "leader.qualities",
                    tr("Cá nhân giữ chức vụ lãnh đạo, quản lý: Hội đồng xem xét thêm trách nhiệm người đứng đầu, "
                       "khả năng quy tụ, đổi mới, dân chủ, công tâm (mục II.2.b, đoạn 2 của kế hoạch).",
                       "The individual holds a leadership or management post: the council also weighs their "
                       "responsibility as head, ability to unite people, innovation, democracy and fairness "
                       "(II.2.b, paragraph 2 of the plan)."), "leader")
        if m.leads:
            target = by_id.get(m.leads)
            if target is None or not target.candidate.is_collective:
                ids = [x.id for x in verdicts if x.candidate.is_collective]
                hint = closest(m.leads, ids)
                col.add(Severity.WARNING, "leader.unknown_collective",
                        tr(f"'leads: {m.leads}' không phải mã một tập thể trong đợt xét này"
                           + (f": có phải '{hint}'?" if hint else ".")
                           + " Nếu tập thể không được đề nghị trong đợt này, hãy xóa dòng 'leads'.",
                           f"'leads: {m.leads}' is not the id of a collective in this round"
                           + (f": did you mean '{hint}'?" if hint else ".")
                           + " If the collective is not proposed in this round, delete the 'leads' line."),
                        "leads")
            elif not target.eligible:
                col.add(Severity.WARNING, "leader.collective_ineligible",
                        tr(f"Cá nhân lãnh đạo {target.candidate.name} ({m.leads}), nhưng tập thể này không đạt tiêu "
                           "chuẩn điển hình tiên tiến: kế hoạch yêu cầu người lãnh đạo \"gắn với tiêu chuẩn ĐHTT của "
                           "tập thể\". Hội đồng cần xem xét.",
                           f"The individual leads {target.candidate.name} ({m.leads}), but that collective does not "
                           "meet the advanced-model (ĐHTT) criteria: the plan ties a leader to \"the ĐHTT criteria "
                           "of the collective\". The council must consider this."), "leads")


def _check_round(rnd: Round, sub, profile: Profile, verdicts: list[Verdict], top: list[Finding]) -> None:
    src = rnd.submission_source
    council = sub.council
    rules = profile.council
    c_col = _Collector(src, rules.clause, top)

    n_coll = sum(1 for v in verdicts if v.candidate.is_collective)
    n_ind = sum(1 for v in verdicts if v.candidate.is_individual)
    if n_coll < rules.min_collectives or n_ind < rules.min_individuals:
        missing = []
        missing_en = []
        if n_coll < rules.min_collectives:
            missing.append(f"{rules.min_collectives:02d} tập thể")
            missing_en.append(_count_en(rules.min_collectives, "collective"))
        if n_ind < rules.min_individuals:
            missing.append(f"{rules.min_individuals:02d} cá nhân")
            missing_en.append(_count_en(rules.min_individuals, "individual"))
        c_col.add(Severity.ERROR, "round.too_few",
                  tr(f"Hội đồng phải lựa chọn ít nhất {rules.min_collectives:02d} tập thể và "
                     f"{rules.min_individuals:02d} cá nhân; đợt này còn thiếu {' và '.join(missing)} "
                     f"(hiện có {n_coll} tập thể, {n_ind} cá nhân). Hãy thêm hồ sơ vào thư mục candidates/.",
                     f"The council must select at least {_count_en(rules.min_collectives, 'collective')} and "
                     f"{_count_en(rules.min_individuals, 'individual')}; this round is short of "
                     f"{' and '.join(missing_en)} (it has {_count_en(n_coll, 'collective')} and "
                     f"{_count_en(n_ind, 'individual')}). Add dossiers to the candidates/ folder."),
                  "council", line=1)   # about the round as a whole: the file, from its first line

    # Members and ballots.
    total = len(council.members)
    present = [m for m in council.members if m.present]
    for i, m in enumerate(council.members):
        if not m.present and not m.written_opinion:
            c_col.add(Severity.WARNING, "council.absent_no_opinion",
                      tr(f"Thành viên {m.name} vắng mặt và chưa có ý kiến bằng văn bản: Biên bản phải ghi ý kiến của "
                         "thành viên vắng mặt. Nếu đã có, ghi 'written_opinion: true'.",
                         f"Council member {m.name} is absent and has given no written opinion: the minutes "
                         "(Biên bản) must record the opinions of absent members. If there is one, write "
                         "'written_opinion: true'."), "council", "members", i)
    if council.chair.name not in {m.name for m in council.members}:
        c_col.add(Severity.WARNING, "council.chair_not_member",
                  tr(f"Chủ tịch Hội đồng {council.chair.name} không có trong danh sách 'members': "
                     "danh sách phải ghi mọi thành viên, kể cả Chủ tịch.",
                     f"Council chair {council.chair.name} is not in the 'members' list: the list must name every "
                     "member, the chair included."), "council", "chair", "name")
    b = council.ballots
    if b.issued > total:
        c_col.add(Severity.ERROR, "ballots.issued_over_members",
                  tr(f"Số phiếu phát ra ({b.issued}) nhiều hơn số thành viên Hội đồng ({total}). Hãy kiểm tra lại.",
                     f"More ballots issued ({b.issued}) than council members ({total}). Check the numbers."),
                  "council", "ballots", "issued")
    elif b.issued != len(present):
        c_col.add(Severity.WARNING, "ballots.issued_vs_present",
                  tr(f"Số phiếu phát ra ({b.issued}) khác số thành viên có mặt ({len(present)}). Hãy kiểm tra lại "
                     "số phiếu hoặc trường 'present' của các thành viên.",
                     f"Ballots issued ({b.issued}) differ from the members present ({len(present)}). Check the "
                     "ballot count or the members' 'present' field."), "council", "ballots", "issued")
    if b.returned > b.issued:
        c_col.add(Severity.ERROR, "ballots.returned_over_issued",
                  tr(f"Số phiếu thu về ({b.returned}) nhiều hơn số phiếu phát ra ({b.issued}). Hãy sửa lại.",
                     f"More ballots returned ({b.returned}) than issued ({b.issued}). Fix the numbers."),
                  "council", "ballots", "returned")
    if b.valid > b.returned:
        c_col.add(Severity.ERROR, "ballots.valid_over_returned",
                  tr(f"Số phiếu hợp lệ ({b.valid}) nhiều hơn số phiếu thu về ({b.returned}). Hãy sửa lại.",
                     f"More valid ballots ({b.valid}) than ballots returned ({b.returned}). Fix the numbers."),
                  "council", "ballots", "valid")

    # Votes against files, approval.
    ids = {v.id for v in verdicts}
    for cid in council.votes:
        if cid not in ids:
            hint = closest(cid, sorted(ids))
            c_col.add(Severity.ERROR, "votes.no_file",
                      tr(f"Có số phiếu cho '{cid}' nhưng không có tệp candidates/{cid}.yaml"
                         + (f": có phải '{hint}'?" if hint else ". Hãy thêm hồ sơ hoặc xóa dòng này."),
                         f"Votes are recorded for '{cid}' but there is no file candidates/{cid}.yaml"
                         + (f": did you mean '{hint}'?" if hint else ". Add the dossier or delete this line.")),
                      "council", "votes", cid)
    for v in verdicts:
        votes = council.votes.get(v.id)
        vc = _Collector(src, rules.clause, v.findings)
        if votes is None:
            vc.add(Severity.ERROR, "votes.missing",
                   tr(f"Chưa có số phiếu bầu cho {v.candidate.name}: hãy thêm dòng '{v.id}: <số phiếu>' "
                      "vào 'council.votes'.",
                      f"No vote count for {v.candidate.name} yet: add the line '{v.id}: <votes>' "
                      "under 'council.votes'."), "council", "votes")
            continue
        v.votes = votes
        v.approval = votes / total if total else 0.0
        v.approved = rules.approves(v.approval)
        if votes > b.valid:
            vc.add(Severity.ERROR, "votes.over_valid",
                   tr(f"{v.candidate.name} có {votes} phiếu, nhiều hơn số phiếu hợp lệ ({b.valid}). Hãy sửa lại.",
                      f"{v.candidate.name} has {votes} votes, more than the valid ballots ({b.valid}). "
                      "Fix the number."),
                   "council", "votes", v.id)
        elif not v.approved:
            word = "trên" if rules.approval_strictly_above else "từ"
            word_en = "more than" if rules.approval_strictly_above else "at least"
            vc.add(Severity.ERROR, "votes.below_threshold",
                   tr(f"{v.candidate.name} được {votes}/{total} thành viên Hội đồng đồng ý "
                      f"({format_percent(v.approval)}), chưa {word} {format_percent(rules.approval_threshold)} "
                      f"tổng số thành viên ({rules.approval_clause}). Không thể đề nghị; nếu số phiếu ghi nhầm, "
                      "hãy sửa lại.",
                      f"{v.candidate.name} is approved by {votes}/{total} council members "
                      f"({format_percent(v.approval)}), not {word_en} {format_percent(rules.approval_threshold)} "
                      f"of all members ({rules.approval_clause}). The candidate cannot be proposed; if the vote "
                      "count was mistyped, fix it."), "council", "votes", v.id)

    # Date order.
    meeting = council.meeting
    if meeting.end is not None and meeting.end <= meeting.start:
        c_col.add(Severity.ERROR, "meeting.end_before_start",
                  tr("Giờ kết thúc cuộc họp không sau giờ bắt đầu. Hãy sửa 'end' (năm-tháng-ngày giờ:phút).",
                     "The meeting does not end after it starts. Fix 'end' (year-month-day hour:minute)."),
                  "council", "meeting", "end", clause="dossier")
    if meeting.start.date() > sub.submission.date:
        c_col.add(Severity.ERROR, "meeting.after_submission",
                  tr(f"Cuộc họp Hội đồng ({format_date_short(meeting.start.date())}) sau ngày Tờ trình "
                     f"({format_date_short(sub.submission.date)}): Tờ trình phải căn cứ Biên bản đã họp. "
                     "Hãy sửa ngày.",
                     f"The council meeting ({format_date_short(meeting.start.date())}) is after the submission "
                     f"(Tờ trình, {format_date_short(sub.submission.date)}): the Tờ trình must rest on the "
                     "minutes (Biên bản) of a meeting already held. Fix the date."),
                  "submission", "date", clause="dossier")
    if sub.year not in profile.window:
        _Collector(src, profile.window.clause, top).add(
            Severity.WARNING, "round.year_outside_plan",
            tr(f"Năm xét {sub.year} ngoài giai đoạn của kế hoạch {profile.id} ({profile.window.text()}). "
               "Hãy kiểm tra 'year' và 'plan'.",
               f"Round year {sub.year} is outside the period of plan {profile.id} ({profile.window.text()}). "
               "Check 'year' and 'plan'."), "year")
