"""One candidate against its kind's rules: the checks every dossier gets, then the
criteria, combined per track and across tracks (all / any / k of n)."""

from __future__ import annotations

from dhtt_docs.dossier.schema import Individual
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.criteria import CHECKS, Check, Result, decision_text, honours, \
    warn_discipline_when_eligible
from dhtt_docs.rules.profile import KindRules, Profile, needed
from dhtt_docs.rules.verdict import Collector, Failure, Verdict
from dhtt_docs.vnformat import format_date_short
from dhtt_docs.vocab import closest


def check_candidate(v: Verdict, profile: Profile, year: int, submitted, insert_at: int) -> None:
    """Fill `v` (tracks, eligible, basis, findings) from the candidate's kind rules."""
    c = v.candidate
    rules: KindRules = profile.rules_for(c.kind)
    col = Collector(c.source, rules.clause, v.findings)
    ck = Check(c, c.model, profile, c.kind, rules.clause, year, submitted, col)
    consistency(ck)

    results: list[tuple[str, list[tuple[object, Result]]]] = []
    for track in rules.tracks:
        ck.track = track.id
        results.append((track.id, [(crit, _run(ck, crit)) for crit in track.criteria]))
    v.labels = {track.id: track.label.text() for track in rules.tracks}
    v.tracks = {}
    basis: list[str] = []
    for track, (tid, res) in zip(rules.tracks, results):
        held = sum(1 for _, r in res if r.ok)
        v.tracks[tid] = held >= needed(track.combine, len(res))
        if v.tracks[tid]:
            basis += [b for _, r in res if r.ok for b in r.basis]
    v.eligible = sum(v.tracks.values()) >= needed(rules.combine, len(v.tracks))
    v.basis = basis if v.eligible else []

    failures: list[Failure] = []
    for track, (tid, res) in zip(rules.tracks, results):
        for crit, r in res:
            if r.ok:
                continue
            if v.eligible and crit.type == "discipline" and r.disqualified:
                ck.track = tid
                warn_discipline_when_eligible(ck, crit, r)
            failures += r.failures
    for fl in failures:
        if v.eligible and not fl.listed_when_eligible:
            continue
        sev = Severity.INFO if v.eligible else Severity.ERROR
        v.findings.append(Finding(sev, fl.message, clause=fl.clause or rules.clause, code=fl.code,
                                  params=fl.params, **c.source.at(*fl.path)))
    if not v.eligible:
        v.findings.insert(insert_at, Finding(
            Severity.ERROR, _ineligible(v, profile, rules), clause=rules.clause, code="verdict.ineligible",
            file=c.file, line=1, key=None, params={"tracks": dict(v.tracks)}))


def _run(ck: Check, crit) -> Result:
    return CHECKS[crit.type](ck, crit)


def _ineligible(v: Verdict, profile: Profile, rules: KindRules) -> Text:
    labels = list(v.labels.values())
    n, k = len(labels), needed(rules.combine, len(labels))
    if k == 1:
        why = Text("không đạt tiêu chuẩn " + ", cũng không đạt tiêu chuẩn ".join(x.vi for x in labels),
                   f"does not meet the {labels[0].en} criterion" if n == 1 else
                   f"meets neither the {labels[0].en} criterion nor the {labels[1].en} criterion" if n == 2 else
                   "meets none of the criteria: " + ", ".join(x.en for x in labels))
    else:
        held = sum(v.tracks.values())
        failed = [v.labels[tid] for tid, ok in v.tracks.items() if not ok]
        why = Text(f"đạt {held}/{n} tiêu chuẩn, cần {k} (chưa đạt: {', '.join(x.vi for x in failed)})",
                   f"meets {held} of {n} criteria, {k} needed (not met: {', '.join(x.en for x in failed)})")
    name = v.candidate.name
    return t(f"{name} không đạt tiêu chuẩn điển hình tiên tiến theo mục {rules.clause} của kế hoạch {profile.id}: ",
             f"{name} does not meet the advanced-model (điển hình tiên tiến) criteria of clause {rules.clause} "
             f"of plan {profile.id}: ") + why + t(" (lý do ở các dòng dưới).", " (the reasons are in the lines below).")


# --- what every dossier is checked for, whatever the criteria ---------------------------


def consistency(ck: Check) -> None:
    m, col, p = ck.model, ck.col, ck.profile
    if isinstance(m, Individual):
        disciplined = {d.year: d for d in m.discipline}
        for i, d in enumerate(m.discipline):
            _known_form(ck, d.form, ("discipline", i, "form"))
        for y, code in sorted(m.ratings.items()):
            if y > ck.year:
                col.add(Severity.ERROR, "rating.future",
                        t(f"Xếp loại năm {y} sau năm xét {ck.year}: năm đó chưa được đánh giá. Hãy xóa dòng này.",
                          f"Rating for {y} is after the round year {ck.year}: that year has not been assessed yet. "
                          "Delete this line."), "ratings", y, params={"year": y})
            if code == "HTXSNV" and y in disciplined:
                col.add(Severity.ERROR, "rating.disciplined_year",
                        t(f"Năm {y} được xếp loại hoàn thành xuất sắc nhiệm vụ nhưng cũng bị kỷ luật "
                          f"({disciplined[y].form}): năm bị kỷ luật không thể xếp loại HTXSNV. "
                          "Hãy kiểm tra lại xếp loại hoặc kỷ luật năm đó.",
                          f"{y} is rated 'excellently completed duties' (HTXSNV) but also has a disciplinary "
                          f"measure ('{disciplined[y].form}'): a year with a disciplinary measure cannot be rated "
                          "HTXSNV. Check the rating or the discipline of that year."), "ratings", y,
                        params={"year": y})
    for i, ini in enumerate(m.initiatives):
        _initiative(ck, ini, i)
    if not isinstance(m, Individual):
        for i, tg in enumerate(m.targets):
            if tg.year > ck.year:
                col.add(Severity.ERROR, "target.future",
                        t(f"Chỉ tiêu năm {tg.year} sau năm xét {ck.year}: năm đó chưa có kết quả. Hãy xóa mục này.",
                          f"Target for {tg.year} is after the round year {ck.year}: that year has no results yet. "
                          "Delete this entry."), "targets", i, "year", params={"year": tg.year})
    for field_name, i, h in honours(m):
        entry = p.match_award(h.title)
        if entry is None:
            hint = closest(h.title, p.known_award_names(), cutoff=0.0)
            col.add(Severity.WARNING, "award.unknown",
                    t(f"Không nhận ra danh hiệu/hình thức khen thưởng '{h.title}' trong danh mục của kế hoạch "
                      f"{p.id}, nên không tính vào tiêu chuẩn. Tên gần nhất trong danh mục: '{hint}'. "
                      "Nếu đúng là danh hiệu đó, hãy ghi đúng tên như trên quyết định.",
                      f"Title or award '{h.title}' is not in the catalogue of plan {p.id}, so it does not "
                      f"count towards the criteria. Closest name in the catalogue: '{hint}'. If it is that "
                      "award, write its name exactly as on the decision."),
                    field_name, i, "title", params={"title": h.title, "closest": hint})
        elif ck.submitted and h.decision.date > ck.submitted:
            dt, sd = decision_text(h), format_date_short(ck.submitted)
            col.add(Severity.ERROR, "award.after_submission",
                    t(f"{dt.vi} sau ngày Tờ trình ({sd}): quyết định chưa có khi trình thì không được kê khai. "
                      "Hãy kiểm tra lại ngày.",
                      f"{dt.en} is dated after the submission (Tờ trình, {sd}): a decision that did not exist "
                      "when the dossier was submitted cannot be declared. Check the date."),
                    field_name, i, "decision", "date", clause=p.window.clause or "dossier")
    if not isinstance(m, Individual):
        for i, d in enumerate(m.staff_discipline):
            _known_form(ck, d.form, ("staff_discipline", i, "form"))


def _known_form(ck: Check, form: str, path: tuple) -> None:
    p = ck.profile
    if p.discipline_form(form) is not None:
        return
    hint = closest(form, p.discipline.forms)
    forms = p.discipline.forms
    ck.col.add(Severity.ERROR, "discipline.unknown_form",
               t(f"Hình thức kỷ luật '{form}' không có trong danh mục"
                 + (f": có phải '{hint}'?" if hint else f" ({', '.join(forms)})."),
                 f"Disciplinary measure '{form}' is not in the catalogue"
                 + (f": did you mean '{hint}'?" if hint else f" ({', '.join(repr(f) for f in forms)}).")),
               *path, clause="dossier", params={"form": form, "closest": hint})


def _initiative(ck: Check, ini, i: int) -> None:
    if ini.recognition is None:
        ck.col.add(Severity.WARNING, "initiative.no_recognition",
                   t(f"Sáng kiến '{ini.title}' chưa ghi quyết định công nhận: kế hoạch chỉ tính sáng kiến, giải pháp "
                     "được công nhận. Hãy ghi 'recognition' (số, ngày, cơ quan ban hành).",
                     f"Initiative '{ini.title}' has no recognition decision: the plan counts only recognised "
                     "initiatives and solutions. Add 'recognition' (number, date, issuing body)."), "initiatives", i)
    elif ck.submitted and ini.recognition.date > ck.submitted:
        d, sd = format_date_short(ini.recognition.date), format_date_short(ck.submitted)
        ck.col.add(Severity.ERROR, "initiative.after_submission",
                   t(f"Quyết định công nhận sáng kiến '{ini.title}' có ngày {d}, sau ngày Tờ trình ({sd}). "
                     "Hãy kiểm tra lại ngày.",
                     f"The recognition decision of initiative '{ini.title}' is dated {d}, after the submission "
                     f"(Tờ trình, {sd}). Check the date."), "initiatives", i, "recognition", "date")
