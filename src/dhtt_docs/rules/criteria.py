"""One function per kind of criterion: does it hold for a candidate, on what basis, and why not.

Each returns a `Result`; the words come from the profile's criterion (`fail`,
`basis`, `warn`, ...) or, for a profile that gives none, from the neutral words
here. What a plan says is in its profile, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dhtt_docs.dossier.loader import Candidate
from dhtt_docs.dossier.schema import Collective, Honour, Individual
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.profile import Criterion, Profile, Window, Wording
from dhtt_docs.rules.verdict import Collector, Failure
from dhtt_docs.vnformat import format_date_short, format_number


@dataclass
class Check:
    """What a criterion is checked against."""

    candidate: Candidate
    model: Individual | Collective
    profile: Profile
    kind: str
    clause: str             # the kind's clause
    year: int               # the round's year
    submitted: date | None  # the Tờ trình's date
    col: Collector          # direct findings (warnings) of the candidate's file
    track: str = ""


@dataclass
class Result:
    ok: bool
    basis: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    disqualified: list[tuple[int, object]] = field(default_factory=list)   # discipline records that failed it


# --- helpers ---------------------------------------------------------------------


def longest_run(years: list[int]) -> list[int]:
    """The longest run of consecutive years in `years` (earliest run on ties)."""
    best: list[int] = []
    run: list[int] = []
    for y in sorted(set(years)):
        run = run + [y] if run and y == run[-1] + 1 else [y]
        if len(run) > len(best):
            best = run
    return best


def years_text(ys: list[int]) -> Text:
    s = ", ".join(str(y) for y in sorted(ys))
    return Text(s or "không có", s or "none")


def decision_text(h: Honour) -> Text:
    d = format_date_short(h.decision.date)
    return Text(f"Quyết định số {h.decision.number} ngày {d}", f"Decision No. {h.decision.number} of {d}")


def honours(model: Individual | Collective) -> list[tuple[str, int, Honour]]:
    return [("emulation_titles", i, h) for i, h in enumerate(model.emulation_titles)] + \
           [("awards", i, h) for i, h in enumerate(model.awards)]


def _words(given: Wording | None, vi: str, en: str) -> Wording:
    return given if given is not None else Wording(vi=vi, en=en)


def _code(ck: Check, c: Criterion) -> str:
    return f"track.{ck.track}" if c.id == ck.track else f"track.{ck.track}.{c.id}"


def _window(ck: Check, c: Criterion) -> Window:
    return c.window or ck.profile.window


def _fail(ck: Check, c: Criterion, message: Text, path: tuple, **params) -> Failure:
    return Failure(_code(ck, c), message, path, clause=c.clause, params=params)


# --- the criteria ------------------------------------------------------------------


def ratings(ck: Check, c: Criterion) -> Result:
    m: Individual = ck.model
    w = _window(ck, c)
    disciplined = {d.year for d in m.discipline}
    last = min(w.last_year, ck.year)
    good = [y for y, r in m.ratings.items() if r == c.rating and w.first_year <= y <= last and y not in disciplined]
    run = longest_run(good)
    if len(run) >= c.years:
        basis = _words(c.basis, "{count:02d} năm liên tục xếp loại {rating} ({years})", "").text(
            count=len(run), years=", ".join(map(str, sorted(run))), rating=c.rating)
        return Result(True, [basis.vi])
    msg = _words(c.fail, "Chưa có {need:02d} năm liên tục được xếp loại {rating} trong giai đoạn {first}-{last} "
                         "(các năm đã ghi: {years}). Nếu có, hãy bổ sung vào 'ratings'.",
                 "Fewer than {need} consecutive years rated {rating} in {first}-{last} (years recorded: {years}). "
                 "If there are more, add them under 'ratings'.").text(
        need=c.years, first=w.first_year, last=last, years=years_text(good), rating=c.rating)
    return Result(False, failures=[_fail(ck, c, msg, ("ratings",), need=c.years)])


def _in_window(ini, w: Window) -> bool:
    return ini.recognition is None or ini.recognition.date.year in w


def initiatives(ck: Check, c: Criterion) -> Result:
    w = _window(ck, c)
    n = sum(1 for ini in ck.model.initiatives if _in_window(ini, w))
    if n >= c.min:
        if n < c.warn_below:
            ck.col.add(Severity.WARNING, "initiatives.few", _words(
                c.warn, "Chỉ có {count:02d} sáng kiến, giải pháp được công nhận: Hội đồng cần xem xét. Nếu còn "
                        "sáng kiến khác đã được công nhận, hãy bổ sung vào 'initiatives'.",
                "Only {count} recognised initiative{s}: the council must consider this. If others have been "
                "recognised, add them under 'initiatives'.").text(count=n, need=c.warn_below,
                                                                   s="" if n == 1 else "s"),
                "initiatives", clause=c.clause, params={"count": n})
        basis = _words(c.basis, "{count:02d} sáng kiến, giải pháp được công nhận", "").text(count=n)
        return Result(True, [basis.vi])
    msg = _words(c.fail, "Chưa đủ {need:02d} sáng kiến, giải pháp được công nhận (hiện có {count:02d}): hãy ghi "
                         "vào 'initiatives' (tên sáng kiến và quyết định công nhận).",
                 "Fewer than {need} recognised initiatives ({count} recorded): add them under 'initiatives' "
                 "(the initiative's title and its recognition decision).").text(need=c.min, count=n)
    return Result(False, failures=[_fail(ck, c, msg, ("initiatives",), need=c.min, count=n)])


def activities(ck: Check, c: Criterion) -> Result:
    n = len(ck.model.activities)
    if n >= c.min:
        return Result(True, [_words(c.basis, "tích cực tham gia đoàn thể, phong trào", "").text(count=n).vi])
    msg = _words(c.fail, "Chưa đủ {need:02d} hoạt động đoàn thể, phong trào (hiện có {count:02d}): hãy ghi vào "
                         "'activities'.",
                 "Fewer than {need} activities recorded ({count}): add them under 'activities'.").text(
        need=c.min, count=n)
    return Result(False, failures=[_fail(ck, c, msg, ("activities",), need=c.min, count=n)])


def _unit(u: str | None) -> str:
    return "" if not u else ("%" if u == "%" else f" {u}")


def targets(ck: Check, c: Criterion) -> Result:
    m: Collective = ck.model
    w = _window(ck, c)
    last = min(w.last_year, ck.year)
    years_met: dict[int, bool] = {}
    misses: list[Failure] = []
    for i, tg in enumerate(m.targets):
        if tg.year > ck.year or not w.first_year <= tg.year <= last:
            continue
        years_met[tg.year] = years_met.get(tg.year, True) and tg.met
        if not tg.met:
            word = "không vượt quá" if tg.direction == "at_most" else "đạt"
            plan, actual, unit = format_number(tg.plan), format_number(tg.actual), _unit(tg.unit)
            misses.append(Failure(
                f"track.{ck.track}.target_missed",
                t(f"Năm {tg.year}, chỉ tiêu '{tg.name}' chưa hoàn thành: kế hoạch {word} {plan}{unit}, "
                  f"thực hiện {actual}{unit}.",
                  f"{tg.year}: target '{tg.name}' not met: planned "
                  f"{'at most ' if tg.direction == 'at_most' else ''}{plan}{unit}, achieved {actual}{unit}."),
                ("targets", i), clause=c.clause, listed_when_eligible=True,
                params={"year": tg.year, "target": tg.name}))
    run = longest_run([y for y, ok in years_met.items() if ok])
    if not misses and len(run) >= c.years:
        basis = _words(c.basis, "hoàn thành vượt mức các chỉ tiêu được giao {count:02d} năm liên tục ({years})",
                       "").text(count=len(run), years=", ".join(map(str, run)))
        return Result(True, [basis.vi])
    if misses:
        return Result(False, failures=misses)
    msg = _words(c.fail, "Chưa chứng minh được {need:02d} năm liên tục hoàn thành vượt mức chỉ tiêu trong giai đoạn "
                         "{first}-{last} (các năm có chỉ tiêu: {years}). Hãy ghi các chỉ tiêu được giao và kết quả "
                         "từng năm vào 'targets'.",
                 "{need} consecutive years of exceeding the assigned targets in {first}-{last} are not shown "
                 "(years with targets: {years}). Record each year's assigned targets and results under 'targets'."
                 ).text(need=c.years, first=w.first_year, last=last, years=years_text(list(years_met)))
    return Result(False, failures=[_fail(ck, c, msg, ("targets",), need=c.years)])


def discipline(ck: Check, c: Criterion) -> Result:
    """No disciplinary measure of the listed forms in the window (the person's own, or a collective's staff)."""
    w = _window(ck, c)
    forms = c.forms if c.forms is not None else ck.profile.discipline.disqualifying
    field_name = "discipline" if ck.kind == "individual" else "staff_discipline"
    records = getattr(ck.model, field_name)
    bad = [(i, d) for i, d in enumerate(records)
           if ck.profile.discipline_form(d.form) is not None and ck.profile.is_disqualifying(d.form, forms)
           and d.year in w]
    if not bad:
        return Result(True)
    words = _words(c.fail, "Năm {year}, {person} bị kỷ luật hình thức {form}, thuộc các hình thức làm mất tiêu chuẩn "
                           "này ({forms}).",
                   "In {year}, {person} received the disciplinary measure '{form}', one of the forms that fail "
                   "this criterion ({forms}).")
    failures = [_fail(ck, c, words.text(year=d.year, person=_person(ck, d), form=d.form, forms=", ".join(forms)),
                      (field_name, i)) for i, d in bad]
    return Result(False, failures=failures, disqualified=bad)


def _person(ck: Check, d) -> str:
    return getattr(d, "person", None) or ck.candidate.name


def warn_discipline_when_eligible(ck: Check, c: Criterion, res: Result) -> None:
    """A discipline criterion failed but the candidate is eligible by another track: the council looks."""
    i, d = res.disqualified[0]
    forms = c.forms if c.forms is not None else ck.profile.discipline.disqualifying
    field_name = "discipline" if ck.kind == "individual" else "staff_discipline"
    msg = _words(c.warn_when_eligible,
                 "Đạt tiêu chuẩn theo nhóm tiêu chí khác, nhưng năm {year} có {person} bị kỷ luật hình thức {form}: "
                 "Hội đồng cần xem xét trước khi lựa chọn.",
                 "Eligible by another track, but in {year} {person} received the disciplinary measure '{form}': "
                 "the council must consider this before selecting.").text(
        year=d.year, person=_person(ck, d), form=d.form, forms=", ".join(forms))
    ck.col.add(Severity.WARNING, "awards.with_discipline", msg, field_name, i, clause=c.clause)


def awards(ck: Check, c: Criterion) -> Result:
    """At least `min` honours of the qualifying list, decided in the window (and not after the Tờ trình)."""
    p, w = ck.profile, _window(ck, c)
    found: list[str] = []
    near: list[Text] = []
    elsewhere = p.qualifying_anywhere()
    for _field, _i, h in honours(ck.model):
        entry = p.match_award(h.title)
        if entry is None or (ck.submitted and h.decision.date > ck.submitted):
            continue   # said once by the consistency checks
        if entry.id not in c.qualifying:
            if entry.id in elsewhere and entry.id not in p.qualifying_for(ck.kind):
                this_vi, other_vi = ("tập thể", "cá nhân") if ck.kind == "collective" else ("cá nhân", "tập thể")
                this_en, other_en = ("collectives", "individuals") if ck.kind == "collective" \
                    else ("individuals", "collectives")
                near.append(t(f"'{h.title}' chỉ tính cho {other_vi}, không tính cho {this_vi}",
                              f"'{h.title}' counts only for {other_en}, not for {this_en}"))
            continue
        if h.decision.date.year not in w:
            dt = decision_text(h)
            near.append(t(f"'{h.title}' theo {dt.vi} ban hành ngoài thời gian {w.text()}",
                          f"'{h.title}' by {dt.en} was issued outside the period {w.text()}"))
            continue
        found.append(_words(c.basis, "{title} ({decision})", "").text(title=h.title, decision=decision_text(h)).vi)
    if len(found) >= c.min:
        return Result(True, found)
    names = Text("; ".join(p.entry(q).name for q in c.qualifying),
                 "; ".join(f"'{p.entry(q).name}'" for q in c.qualifying))
    msg = _words(c.fail, "Chưa đạt tiêu chuẩn khen thưởng: cần một trong các danh hiệu, hình thức khen thưởng "
                         "({names}) có quyết định ban hành trong thời gian {window}",
                 "Awards criterion not met: one of these titles or awards is needed ({names}), with a decision "
                 "issued in the period {window}").text(names=names, window=w.text(), need=c.min)
    msg = Text(msg.vi.rstrip(". "), msg.en.rstrip(". "))
    msg += (Text(". ", ". ") + _join(near, "; ") + ".") if near else "."
    m = ck.model
    path = ("awards",) if m.awards else ("emulation_titles",) if m.emulation_titles else ()
    return Result(False, failures=[_fail(ck, c, msg, path, need=c.min)])


def _join(texts: list[Text], sep: str) -> Text:
    return Text(sep.join(x.vi for x in texts), sep.join(x.en for x in texts))


CHECKS = {"ratings": ratings, "initiatives": initiatives, "activities": activities, "targets": targets,
          "discipline": discipline, "awards": awards}
