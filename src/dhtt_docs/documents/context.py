"""The data a document template sees: plain dicts, lists and ready-made Vietnamese strings.

Templates (``templates/*.docx``, docxtpl/Jinja syntax) never format anything
themselves: every date, number, percentage, upper-case title and punctuation
is prepared here, so a user editing a template in Word only moves text around.
``VARIABLES`` (documents/variables.py) documents every variable;
``docs/template-variables.md`` is generated from it (``python tools/make_templates.py``), and the template
linter checks user templates against it.

Every document gets the round-level variables (``unit``, ``council``,
``plan``, ``submission``, ``meeting``, ``signature``, ``results``,
``proposed``, ``header``, ``place_date``, ``draft``, ``year``); the
achievement reports also get ``candidate``. ``header`` differs per document
(the issuer box at the top left).

Decisions worth knowing:

* The Biên bản is numbered in the council's own series with the code
  ``BB-HĐTĐKT``: "Số: 05/BB-HĐTĐKT" (NĐ 30: a council that uses the agency's
  seal keeps its own numbers). A missing number prints a blank to fill in.
* "Proposed" (đề nghị) means eligible by the plan's criteria AND approved by
  the council's vote; the Tờ trình counts and the Danh sách list only those.
  The Biên bản lists every candidate with "Đề nghị" / "Không đề nghị".
* Lists (Biên bản results, Tờ trình, Danh sách) put collectives first, then
  individuals, each in the order of ``council.votes`` as the user typed it
  (candidates without a vote after, in file order); the reports come in file
  order. A candidate file that could not be read has no data and is left out.
* Typography (documents, not the .xlsx): textfmt.typeset puts no-break spaces
  and hyphens in year ranges, document numbers and numbers with units,
  typographic quotes for straight ones, and keeps the council's names whole.
* A collective's report is dated from its own ``place`` when it has one.
* Long issuer names are broken into two balanced lines (an explicit line
  break) so that the header box never ends with one orphaned word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dhtt_docs.documents import danh_sach
from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import tr
from dhtt_docs.rules.approval import not_approved_reason
from dhtt_docs.rules.engine import Report, Verdict
from dhtt_docs.rules.profile import Profile
from dhtt_docs.dossier.schema import Collective, Decision, Individual, Member, Submission
from dhtt_docs.vnformat import (
    doc_code,
    doc_number,
    format_date,
    format_date_short,
    format_datetime,
    format_number,
    format_place_date,
    format_time,
)
from dhtt_docs.documents.ooxml import WIDE_ISSUER_PT
from dhtt_docs.documents.textfmt import (
    balance_lines,
    capitalize_first,
    caps_width,
    finisher,
    paragraphs,
    percent_value,
    punctuate,
    keep_together,
    names_pattern,
    plain_all,
    tie_last,
    two,
    upper,
)
from dhtt_docs.documents.variables import ROUND_NAMES, VARIABLES, Var, variables_markdown
from dhtt_docs.vocab import RATINGS

__all__ = ["ROUND_NAMES", "VARIABLES", "RoundContext", "Var", "build_context", "variables_markdown"]

# Document type codes (NĐ 30, Phụ lục III) and the council's own code.
TTR = "TTr"
BB = "BB"
COUNCIL_CODE = "HĐTĐKT"



@dataclass
class RoundContext:
    """The round-level variables and, per candidate id, the report's `candidate`."""

    common: dict
    candidates: dict[str, dict] = field(default_factory=dict)
    headers: dict[str, dict] = field(default_factory=dict)   # document kind or candidate id -> header
    place_dates: dict[str, str] = field(default_factory=dict)  # candidate id -> its report's place line

    def for_document(self, kind: str, candidate_id: str | None = None) -> dict:
        ctx = dict(self.common)
        ctx["header"] = self.headers[candidate_id or kind]
        if candidate_id is not None:
            ctx["candidate"] = self.candidates[candidate_id]
            ctx["place_date"] = self.place_dates.get(candidate_id, ctx["place_date"])
        return ctx   # parts already cleaned by build_context


def _header(parent: str | None, issuer: str) -> dict:
    lines = balance_lines(upper(issuer))
    return {"parent": balance_lines(upper(parent)) if parent else "", "issuer": lines,
            "wide": max(caps_width(x) for x in lines.split("\n")) > WIDE_ISSUER_PT}


def _person(m: Member) -> dict:
    line = f"{keep_together(m.name)}, {m.title}" + (f" - {m.council_role}" if m.council_role else "")
    return {"name": m.name, "title": m.title, "role": m.council_role or "", "line": line,
            "written_opinion": m.written_opinion}


def _opinion(m: Member) -> str:
    who = f"Đồng chí {keep_together(m.name)}, {m.title}"
    if m.written_opinion:
        return f"{who}, vắng mặt, có ý kiến bằng văn bản gửi Hội đồng trước cuộc họp (kèm theo Biên bản này)."
    return f"{who}, vắng mặt, không có ý kiến bằng văn bản."


def signature_block(sub: Submission) -> dict:
    """Who signs for the unit: prefix KT./TM./Q./TL./TUQ. or the head in person (NĐ 30, ô số 7)."""
    unit = sub.unit
    head_title = upper(unit.head.title)
    s = unit.signer
    if s is None:
        return {"lines": [head_title], "name": unit.head.name}
    p = s.prefix
    if p == "":
        lines = [upper(s.title)]
    elif p == "Q.":
        lines = [f"Q. {head_title}"]
    elif p == "TM.":
        lines = [f"TM. {upper(unit.name)}", upper(s.title)]
    else:   # KT., TL., TUQ.
        lines = [f"{p} {head_title}", upper(s.title)]
    return {"lines": lines, "name": s.name}


def _count_text(n_coll: int, n_ind: int) -> str:
    parts = ([f"{two(n_coll)} tập thể"] if n_coll else []) + ([f"{two(n_ind)} cá nhân"] if n_ind else [])
    return " và ".join(parts) if parts else "không có tập thể, cá nhân nào"


def _join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def _ordered(report: Report) -> list[Verdict]:
    """Collectives first, then individuals, each in file order; unreadable files left out."""
    usable = [v for v in report.verdicts if v.candidate.model is not None]
    return ([v for v in usable if isinstance(v.candidate.model, Collective)]
            + [v for v in usable if isinstance(v.candidate.model, Individual)])


def _user_order(verdicts: list[Verdict], votes: dict[str, int]) -> list[Verdict]:
    """The lists' order: as the user typed `council.votes`; candidates without a vote after, in file order."""
    rank = {cid: i for i, cid in enumerate(votes)}
    return sorted(verdicts, key=lambda v: rank.get(v.id, len(rank)))     # stable: file order among the rest


def is_proposed(v: Verdict) -> bool:
    return v.eligible and v.approved


def _post_unit(v: Verdict) -> str:
    m = v.candidate.model
    return f"{m.position}, {m.unit}" if isinstance(m, Individual) else m.parent


def _reason(v: Verdict, report: Report, clause_plan: str) -> str:
    reasons = []
    if v.eligible is None:
        reasons.append("chưa kiểm tra được tiêu chuẩn (hồ sơ còn lỗi)")
    elif not v.eligible:
        reasons.append(f"chưa đạt tiêu chuẩn theo mục {report.profile.clause_for(v.candidate.kind)} của {clause_plan}")
    if v.votes is None:
        reasons.append("chưa có kết quả bỏ phiếu")
    elif not v.approved:
        reasons.append(not_approved_reason(v, report.profile, report.round.submission))
    return "; ".join(reasons)


def _threshold(report: Report) -> str:
    return report.profile.council.approval.threshold_words().vi


def _checked(report: Report) -> tuple[Submission, Profile]:
    """The submission and the plan profile, or a DhttError saying which file to fix."""
    sub = report.round.submission
    profile = report.profile
    if sub is None:
        raise DhttError(tr("Chưa đọc được submission.yaml nên không lập được văn bản: hãy sửa các lỗi của tệp này.",
                           "submission.yaml could not be read, so no document can be made: fix that file's errors."))
    if profile is None:
        raise DhttError(tr(f"Không có bộ tiêu chí cho kế hoạch '{sub.plan}' nên không lập được văn bản: "
                           "hãy sửa trường 'plan' trong submission.yaml.",
                           f"There are no criteria for the plan '{sub.plan}', so no document can be made: "
                           "fix the field 'plan' in submission.yaml."))
    return sub, profile


def _short_council_name(sub: Submission) -> str:
    """Council name without the unit's name, for the header box and the meeting's name."""
    unit, council = sub.unit, sub.council
    if unit.name and council.name.casefold().endswith(unit.name.casefold()) and \
            len(council.name) > len(unit.name):
        return council.name[: -len(unit.name)].strip(" ,-")
    return council.name


def _plan_vars(report: Report, profile: Profile) -> dict:
    """`plan`: the commendation plan the round answers."""
    return {
        "id": profile.id,
        "reference": f"Kế hoạch số {profile.document.number} ngày {format_date_short(profile.document.date)} "
                     f"của {profile.document.issuer}",
        "proposal": profile.proposal,
        "proposal_upper": upper(profile.proposal),
        "subject": f"Về việc đề nghị {profile.proposal}",
        "threshold": _threshold(report),
        "approval_text": report.profile.approval_text().vi,
        "approval_of": profile.council.approval.base_words().vi,
        "kinds_upper": danh_sach.kinds_upper(profile.selects_kind("individual"), profile.selects_kind("collective")),
        "approval_counted_on": _counted_on(profile, len(report.round.submission.council.members)),
        "kinds": danh_sach.kinds_upper(profile.selects_kind("individual"), profile.selects_kind("collective")).lower(),
    }


def _counted_on(profile: Profile, members: int) -> str:
    """What the share of votes is counted on, as the plan words it; all members with their number (09)."""
    words = profile.council.approval.base_words().vi
    if profile.council.approval.base == "members" and words.startswith("tổng số thành viên"):
        return words.replace("tổng số thành viên", f"tổng số {two(members)} thành viên", 1)
    return words


def _unit_vars(sub: Submission) -> dict:
    """`unit`: the unit that submits."""
    unit = sub.unit
    return {
        "name": unit.name, "name_upper": upper(unit.name),
        "parent": unit.parent or "", "parent_upper": upper(unit.parent),
        "code": unit.code, "place": unit.place,
        "head": {"name": unit.head.name, "title": unit.head.title, "title_upper": upper(unit.head.title)},
    }


def _submission_vars(sub: Submission, profile: Profile) -> dict:
    """`submission`: the Tờ trình (number, date, legal basis, recipients)."""
    unit, council, meeting, info = sub.unit, sub.council, sub.council.meeting, sub.submission
    meeting_code = doc_code(meeting.number, BB, COUNCIL_CODE)
    bb_basis = f"Căn cứ Biên bản họp {council.name} số {meeting_code} {format_date(meeting.start.date())}"
    extra = [b if b.casefold().startswith("căn cứ") else f"Căn cứ {b[:1].lower()}{b[1:]}"
             for b in (x.strip().rstrip(";.") for x in info.legal_basis) if b]
    basis = [profile.document.basis.strip().rstrip(";."), *extra, bb_basis]
    recipients = list(info.to)
    return {
        "number_line": doc_number(info.number, TTR, unit.code),
        "code": doc_code(info.number, TTR, unit.code),
        "date": format_date(info.date),
        "date_short": format_date_short(info.date),
        "recipients": recipients,
        "recipient_lines": punctuate([f"- {r}" for r in recipients]),
        "recipients_text": _join_and(recipients),
        "basis_lines": punctuate(basis),
        "copies_to": punctuate([f"- {c.strip().rstrip(';.')}" for c in info.copies_to], last=";"),
        "reference": f"Tờ trình số {doc_code(info.number, TTR, unit.code)} {format_date(info.date)} "
                     f"của {unit.name}",
    }


def _council_vars(sub: Submission) -> dict:
    """`council`: the commendation council."""
    council = sub.council
    return {
        "name": council.name,
        "short_name": _short_council_name(sub),
        "members_total": two(len(council.members)),
        "chair": _person(council.chair),
        "secretary": _person(council.secretary),
    }


def _meeting_vars(sub: Submission, profile: Profile, verdicts: list[Verdict]) -> dict:
    """`meeting`: the council's meeting (Biên bản): who came, ballots, how many candidates."""
    council, meeting = sub.council, sub.council.meeting
    present = [m for m in council.members if m.present]
    absent = [m for m in council.members if not m.present]
    if meeting.end is not None:
        closing = f"Cuộc họp kết thúc vào {format_time(meeting.end)}, {format_date(meeting.end.date())}"
    else:
        closing = f"Cuộc họp kết thúc vào ..... giờ ....., {format_date(meeting.start.date())}"
    all_coll = sum(1 for v in verdicts if v.candidate.kind == "collective")
    return {
        "number_line": doc_number(meeting.number, BB, COUNCIL_CODE),
        "code": doc_code(meeting.number, BB, COUNCIL_CODE),
        "subject": f"Họp {_short_council_name(sub)} xét đề nghị {profile.proposal}",
        "date": format_date(meeting.start.date()),
        "start": format_datetime(meeting.start),
        "closing": closing,
        "location": meeting.location,
        "present_count": two(len(present)),
        "absent_count": two(len(absent)),
        "present": [_person(m) for m in present],
        "absent": [_person(m) for m in absent],
        "present_lines": punctuate([f"Đồng chí {_person(m)['line']}" for m in present]),
        "absent_lines": punctuate([f"Đồng chí {_person(m)['line']}"
                                   + (" (có ý kiến bằng văn bản)" if m.written_opinion
                                      else " (không có ý kiến bằng văn bản)")
                                   for m in absent]),
        "opinion_lines": [_opinion(m) for m in absent] or ["Không có thành viên vắng mặt."],
        "ballots": {"issued": two(council.ballots.issued), "returned": two(council.ballots.returned),
                    "valid": two(council.ballots.valid)},
        "candidates_text": _count_text(all_coll, len(verdicts) - all_coll),
    }


def _results_and_proposed(report: Report, profile: Profile, verdicts: list[Verdict]) -> tuple[dict, dict]:
    """`results` (every candidate's vote) and `proposed` (eligible and approved), collectives then individuals."""
    votes, plan_short = report.round.submission.council.votes, f"Kế hoạch số {profile.document.number}"
    result_groups, proposed_groups = [], []
    not_proposed = []
    names = {"collective": [], "individual": []}
    for kind, heading in (("collective", "TẬP THỂ"), ("individual", "CÁ NHÂN")):
        members = _user_order([v for v in verdicts if v.candidate.kind == kind], votes)
        rows = [{"stt": str(i), "id": v.id, "name": v.candidate.name,
                 "votes": "" if v.votes is None else str(v.votes), "percent": percent_value(v.approval),
                 "result": "Đề nghị" if is_proposed(v) else "Không đề nghị", "proposed": is_proposed(v)}
                for i, v in enumerate(members, 1)]
        if rows:
            result_groups.append({"heading": f"{_roman(len(result_groups) + 1)}. {heading}", "rows": rows})
        chosen = [v for v in members if is_proposed(v)]
        prow = [{"stt": str(i), "id": v.id, "name": v.candidate.name, "post_unit": _post_unit(v),
                 "basis": [f"- {capitalize_first(b)}" for b in v.basis] or [""],
                 "votes": str(v.votes), "percent": percent_value(v.approval)}
                for i, v in enumerate(chosen, 1)]
        if prow:
            proposed_groups.append({"heading": f"{_roman(len(proposed_groups) + 1)}. {heading}", "rows": prow})
        names[kind] = [v.candidate.name if kind == "collective" else
                       f"{keep_together(v.candidate.name)}, {_post_unit(v)}" for v in chosen]
        not_proposed += [{"name": keep_together(v.candidate.name) if kind == "individual" else v.candidate.name,
                          "reason": _reason(v, report, plan_short)}
                         for v in members if not is_proposed(v)]
    n_coll, n_ind = len(names["collective"]), len(names["individual"])
    results = {"groups": result_groups, "not_proposed": punctuate_reasons(not_proposed)}
    proposed = {
        "count_text": _count_text(n_coll, n_ind),
        "collectives_count": two(n_coll),
        "individuals_count": two(n_ind),
        "collectives": punctuate(names["collective"]),
        "individuals": punctuate(names["individual"]),
        "groups": proposed_groups,
    }
    return results, proposed


class KeptCandidates:
    """Each candidate's report variables, finished, kept by a process that runs build after build (the
    warm builder): found again while the candidate is the very same object (``LoadedCandidates`` gives
    an unchanged file's candidate back) and the names kept together and the typography are the same."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[object, tuple, dict]] = {}

    def get(self, cid: str, model: object, how: tuple) -> dict | None:
        known = self._by_id.get(cid)
        return known[2] if known is not None and known[0] is model and known[1] == how else None

    def put(self, cid: str, model: object, how: tuple, value: dict) -> None:
        self._by_id[cid] = (model, how, value)

    def keep_only(self, ids) -> None:
        self._by_id = {k: v for k, v in self._by_id.items() if k in ids}


def _add_headers_and_candidates(ctx: RoundContext, sub: Submission, verdicts: list[Verdict],
                                found: dict[str, dict]) -> None:
    """Each document's header box, and per candidate, in the verdicts' order, its report's `candidate`
    (`found`: those kept from an earlier build, already finished), header and place line."""
    unit, council = sub.unit, sub.council
    short = _short_council_name(sub)
    issuer = _header(unit.parent, unit.name)
    council_header = _header(unit.name, short) if short != council.name else _header(unit.name, council.name)
    ctx.headers.update({"to-trinh": issuer, "danh-sach": issuer, "bien-ban": council_header})
    for v in verdicts:
        m = v.candidate.model
        ctx.candidates[v.id] = found[v.id] if v.id in found else _candidate(v.id, m)
        ctx.headers[v.id] = _header(m.parent, m.name) if isinstance(m, Collective) else issuer
        if isinstance(m, Collective) and m.place:
            # A collective's report is issued by the collective: its own place (a district's name).
            ctx.place_dates[v.id] = format_place_date(m.place, sub.submission.date)


def _kept_together(sub: Submission) -> list[str]:
    """The council's and the signers' names (a handful: cheap on a round of 1000 candidates)."""
    unit, council = sub.unit, sub.council
    known = [m.name for m in council.members] + [council.chair.name, council.secretary.name, unit.head.name]
    return known + ([unit.signer.name] if unit.signer else [])


def _finish(ctx: RoundContext, names: list[str], typography: bool, done=frozenset()) -> None:
    """Clean every value once: typographic quotes, no-break spaces and `names` kept together, or plain
    text (the candidates in `done` are finished already)."""
    # Cleaned once here, not per document: every document shares `common`, and a
    # per-document pass made a 1000-candidate round quadratic in time and memory.
    finish = finisher(names_pattern(names), typography)
    ctx.common = finish(ctx.common)
    for part in ("submission", "meeting"):
        # The "Số: 125/TTr-BHXH" line sits alone in its 8 cm header cell: it never breaks there, and
        # a no-break space would only force a break inside a word if a long code did not fit.
        ctx.common[part]["number_line"] = plain_all(ctx.common[part]["number_line"])
    ctx.candidates = {k: v if k in done else finish(v) for k, v in ctx.candidates.items()}
    ctx.headers = {k: finish(v) for k, v in ctx.headers.items()}
    ctx.place_dates = {k: finish(v) for k, v in ctx.place_dates.items()}


def build_context(report: Report, *, draft: bool = False, typography: bool = True,
                  candidates: bool = True, kept: KeptCandidates | None = None) -> RoundContext:
    """Everything the templates need, from an evaluated round.

    With `typography` (documents), values get typographic quotes and no-break
    spaces and hyphens (textfmt.typeset); without it (the .xlsx), plain text.
    Without `candidates` (the .xlsx), only `common`: no report's `candidate`, no headers.
    `kept`: the candidates' variables from earlier builds of this process, used while still the same.
    """
    sub, profile = _checked(report)
    verdicts = _ordered(report)
    results, proposed = _results_and_proposed(report, profile, verdicts)
    common = {
        "draft": draft,
        "year": str(sub.year),
        "place_date": format_place_date(sub.unit.place, sub.submission.date),
        "plan": _plan_vars(report, profile),
        "unit": _unit_vars(sub),
        "signature": signature_block(sub),
        "submission": _submission_vars(sub, profile),
        "council": _council_vars(sub),
        "meeting": _meeting_vars(sub, profile, verdicts),
        "results": results,
        "proposed": proposed,
    }
    ctx = RoundContext(common)
    names = _kept_together(sub)
    how = (tuple(names), typography)
    found: dict[str, dict] = {}
    if candidates and kept is not None:
        for v in verdicts:
            value = kept.get(v.id, v.candidate.model, how)
            if value is not None:
                found[v.id] = value
    if candidates:
        _add_headers_and_candidates(ctx, sub, verdicts, found)
    _finish(ctx, names, typography, found.keys())
    if candidates and kept is not None:
        for v in verdicts:
            kept.put(v.id, v.candidate.model, how, ctx.candidates[v.id])
        kept.keep_only(set(ctx.candidates))
    return ctx


def _decision(d: Decision, word: str = "Quyết định") -> str:
    return f"{word} số {d.number} ngày {format_date_short(d.date)} của {d.issuer}"


def punctuate_reasons(items: list[dict]) -> list[dict]:
    ends = punctuate([x["reason"] for x in items])
    return [dict(x, reason=r) for x, r in zip(items, ends)]


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V"][n]


def _honour_rows(items) -> list[dict]:
    rows = [{"year": str(h.year or h.decision.date.year), "title": h.title, "decision": _decision(h.decision)}
            for h in items]
    return rows or [{"year": "", "title": "Không có", "decision": ""}]


def _initiatives(items) -> list[str]:
    return [tie_last(x) for x in punctuate([f"{i.title} ({_decision(i.recognition, 'Quyết định công nhận')})"
                                            if i.recognition else i.title for i in items])]


_EMPTY_CANDIDATE = {k: "" for k in VARIABLES["candidate"].fields}


def _candidate(cid: str, m: Individual | Collective) -> dict:
    c = dict(_EMPTY_CANDIDATE)
    for k, var in VARIABLES["candidate"].fields.items():
        if var.item is not None:
            c[k] = []
    c["head"] = {"name": "", "title": "", "title_upper": ""}
    c.update({
        "id": cid,
        "name": m.display_name,
        "name_upper": upper(m.display_name),
        "achievements": paragraphs(m.achievements),
        "initiatives": _initiatives(m.initiatives),
        "emulation_titles": _honour_rows(m.emulation_titles),
        "awards": _honour_rows(m.awards),
    })
    if isinstance(m, Individual):
        c.update({
            "kind": "individual",
            "gender": m.gender,
            "birth_date": format_date_short(m.birth_date),
            "ethnicity": m.ethnicity or "",
            "religion": m.religion or "",
            "hometown": m.hometown,
            "residence": m.residence or "",
            "unit": m.unit,
            "position": m.position,
            "political_theory": m.political_theory or "",
            "education": m.education or "",
            "duties": paragraphs(m.duties),
            "activities": [tie_last(x) for x in punctuate(list(m.activities))],
            "ratings": punctuate([f"Năm {y}: {RATINGS[code][0]}" for y, code in sorted(m.ratings.items())]),
        })
    else:
        c.update({
            "kind": "collective",
            "parent": m.parent,
            "head": {"name": m.head.name, "title": m.head.title, "title_upper": upper(m.head.title)},
            "address": m.address or "",
            "phone": m.phone or "",
            "staff_count": "" if m.staff_count is None else str(m.staff_count),
            "situation": paragraphs(m.situation),
            "functions": paragraphs(m.functions),
            "targets": _targets(m),
            "targets_note": AT_MOST_NOTE if any(t.direction == "at_most" for t in m.targets) else "",
            "party_work": paragraphs(m.party_work),
        })
    return c


AT_MOST_NOTE = ("(*) Chỉ tiêu càng thấp càng tốt (như tỷ lệ nợ): đạt khi số thực hiện không vượt kế hoạch; "
                "tỷ lệ dưới 100% là vượt chỉ tiêu.")


def _targets(m: Collective) -> list[dict]:
    rows = []
    for i, t in enumerate(m.targets, 1):
        # The column is "Tỷ lệ (%)": always actual / plan. A lower-is-better target is marked (*)
        # and explained under the table (targets_note): 80,7% of a debt ceiling is a success.
        rate = percent_value(t.actual / t.plan) if t.plan else ""
        name = f"{t.name} (*)" if t.direction == "at_most" else t.name
        rows.append({"stt": str(i), "name": name, "year": str(t.year), "unit": t.unit or "",
                     "plan": format_number(t.plan), "actual": format_number(t.actual), "rate": rate})
    return rows or [{"stt": "", "name": "Không có", "year": "", "unit": "", "plan": "", "actual": "", "rate": ""}]

