"""Plan profiles: the criteria of a plan as data (docs/plan-profile.md lists every key).

A profile says which kinds a round selects, the criteria of each kind (grouped
in tracks, each combined as all / any / "k of n"), their windows, clauses and
the words findings and documents print, the discipline forms that disqualify,
and how the council's approval is counted. The engine only combines.

Profiles written before criteria were data (`performance:` / `awards:` under a
kind, `approval_threshold` under `council`) still load: they are turned into
tracks with neutral wording (`_legacy_tracks`).

Loading a file, resolving `plan:` and the shipped plans are in
`rules.profile_files`; the names are re-exported here.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from dhtt_docs.i18n import Text
from dhtt_docs.rules.wording import Wording, _check_fields, _check_k_of_n, _split, needed, parse_combine
from dhtt_docs.vnformat import format_percent
from dhtt_docs.vocab import norm

DEFAULT_PLAN = "1935/KH-BHXH"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the plan and its window ------------------------------------------------------


class PlanDocument(_Strict):
    number: str
    date: date
    issuer: str
    basis: str


class Window(_Strict):
    first_year: int
    last_year: int
    clause: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.last_year < self.first_year:
            raise ValueError(f"last_year {self.last_year} trước first_year {self.first_year} / "
                             "last_year is before first_year")
        return self

    def __contains__(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def text(self) -> str:
        return f"{self.first_year}-{self.last_year}"


# --- criteria ---------------------------------------------------------------------

CRITERION_TYPES = ("ratings", "initiatives", "activities", "targets", "discipline", "awards")

# The `{fields}` each wording of each type may use (filled by rules.criteria).
FIELDS: dict[str, dict[str, set[str]]] = {
    "ratings": {"fail": {"need", "first", "last", "years", "rating"},
                "basis": {"count", "years", "rating"}},
    "initiatives": {"fail": {"need", "count"}, "basis": {"count"}, "warn": {"count", "need", "s"}},
    "activities": {"fail": {"need", "count"}, "basis": {"count"}},
    "targets": {"fail": {"need", "first", "last", "years"}, "basis": {"count", "years"}},
    "discipline": {"fail": {"year", "person", "form", "forms"}, "basis": set(),
                   "warn_when_eligible": {"year", "person", "form", "forms"}},
    "awards": {"fail": {"names", "window", "need"}, "basis": {"title", "decision"}},
}


class Criterion(_Strict):
    """One checkable condition, with its clause and the words printed for it."""

    type: Literal["ratings", "initiatives", "activities", "targets", "discipline", "awards"]
    id: str = ""
    label: Wording | None = None           # its short name ("xếp loại"), for the text report
    clause: str | None = None              # default: the kind's clause
    window: Window | None = None           # default: the plan's window (not used by activities)
    rating: str = "HTXSNV"                 # ratings: which rating counts
    years: int = Field(2, ge=1)            # ratings, targets: consecutive years needed
    min: int = Field(1, ge=0)              # initiatives, activities, awards: how many needed
    warn_below: int = Field(0, ge=0)       # initiatives: a warning under this many
    qualifying: list[str] = Field(default_factory=list)    # awards: catalogue ids
    forms: list[str] | None = None         # discipline: forms that fail it (default: discipline.disqualifying)
    fail: Wording | None = None            # the finding when it fails
    basis: Wording | None = None           # the Danh sách line when it holds
    warn: Wording | None = None            # initiatives: the warning under warn_below
    warn_when_eligible: Wording | None = None   # discipline: when another track carries the candidate

    @field_validator("window", mode="before")
    @classmethod
    def _any_year(cls, v: Any) -> Any:
        """`window: any`: every year counts (no window)."""
        return {"first_year": 1, "last_year": 9999, "clause": ""} if isinstance(v, str) and \
            v.strip().lower() in ("any", "none", "không giới hạn") else v

    @model_validator(mode="after")
    def _fits_type(self) -> "Criterion":
        if not self.id:
            object.__setattr__(self, "id", self.type)
        if self.type == "awards" and not self.qualifying:
            raise ValueError("awards: cần 'qualifying' (mã các danh hiệu trong catalogue) / needs 'qualifying'")
        if self.qualifying and self.type != "awards":
            raise ValueError(f"'qualifying' chỉ dùng cho type: awards, không dùng cho {self.type} / "
                             "only for type: awards")
        if self.forms is not None and self.type != "discipline":
            raise ValueError("'forms' chỉ dùng cho type: discipline / only for type: discipline")
        for slot in ("fail", "basis", "warn", "warn_when_eligible"):
            allowed = FIELDS[self.type].get(slot)
            value = getattr(self, slot)
            if value is not None and allowed is None:
                raise ValueError(f"'{slot}' không dùng cho type: {self.type} / not used by type: {self.type}")
            _check_fields(value, allowed or set(), slot)
        return self


class Track(_Strict):
    """A group of criteria (plan 1935: 'thành tích' and 'khen thưởng'), combined all / any / k of n."""

    id: str
    label: Wording
    combine: str = "all"
    criteria: list[Criterion] = Field(min_length=1)

    _combine = field_validator("combine", mode="before")(classmethod(lambda cls, v: parse_combine(v)))

    @model_validator(mode="after")
    def _k(self) -> "Track":
        _check_k_of_n(self.combine, len(self.criteria), "combine")
        return self


# Today's older format, still read (turned into tracks by _legacy_tracks).
class IndividualPerformance(_Strict):
    consecutive_excellent_years: int = Field(2, ge=1)
    min_initiatives: int = Field(1, ge=0)
    warn_initiatives_below: int = Field(2, ge=0)
    min_activities: int = Field(1, ge=0)


class CollectivePerformance(_Strict):
    consecutive_target_years: int = Field(2, ge=1)
    min_initiatives: int = Field(1, ge=0)


class AwardTrack(_Strict):
    qualifying: list[str]


class LeaderNote(_Strict):
    """Individuals with `leader: true`: a note for the council, and the tie to the collective they lead."""

    note: Wording | None = None            # an info finding on every leader
    clause: str | None = None
    collective_ineligible: Wording | None = None   # a warning when the collective they lead is not eligible

    @model_validator(mode="after")
    def _fields(self) -> "LeaderNote":
        _check_fields(self.note, set(), "note")
        _check_fields(self.collective_ineligible, {"collective", "id"}, "collective_ineligible")
        return self


class KindRules(_Strict):
    """The criteria of one kind (individual or collective)."""

    clause: str
    combine: str = "any"                   # how the tracks combine
    tracks: list[Track] | None = None
    performance: dict[str, Any] | None = None   # the older format
    awards: AwardTrack | None = None             # the older format
    leader: LeaderNote | None = None             # individuals only

    _combine = field_validator("combine", mode="before")(classmethod(lambda cls, v: parse_combine(v)))

    @model_validator(mode="after")
    def _has_tracks(self) -> "KindRules":
        if self.tracks is None and self.performance is None and self.awards is None:
            raise ValueError("cần 'tracks' (các nhóm tiêu chí) / needs 'tracks'")
        if self.tracks is not None and (self.performance is not None or self.awards is not None):
            raise ValueError("dùng 'tracks' hoặc dạng cũ 'performance'/'awards', không dùng cả hai / "
                             "use either 'tracks' or the older 'performance'/'awards', not both")
        if self.tracks is not None:
            ids = [t.id for t in self.tracks]
            dup = next((i for i in ids if ids.count(i) > 1), None)
            if dup:
                raise ValueError(f"hai nhóm tiêu chí cùng id '{dup}' / two tracks with the id '{dup}'")
            _check_k_of_n(self.combine, len(self.tracks), "combine")
        return self

    def track(self, tid: str) -> Track | None:
        return next((t for t in self.tracks or [] if t.id == tid), None)


class Discipline(_Strict):
    forms: list[str]
    disqualifying: list[str] = Field(default_factory=list)


class Approval(_Strict):
    """How the council's votes are counted and what share carries a candidate."""

    base: Literal["members", "present", "valid_ballots"] = "members"
    threshold: Fraction = Fraction(1, 2)
    strictly_above: bool = True
    clause: str = ""
    words: Wording | None = None           # the threshold as printed: "trên 50%", "ít nhất 2/3"
    of: Wording | None = None              # what it is counted on, as printed: "tổng số thành viên Hội đồng"
    fail: Wording | None = None            # the finding when a candidate's share is under the threshold

    @model_validator(mode="after")
    def _fields(self) -> "Approval":
        _check_fields(self.fail, {"name", "votes", "base", "share", "threshold", "clause"}, "fail")
        return self

    @field_validator("threshold", mode="before")
    @classmethod
    def _fraction(cls, v: Any) -> Fraction:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError("cần một phân số như '2/3' hoặc một số như 0.5 / must be a fraction like '2/3' "
                             "or a number like 0.5")
        try:
            f = Fraction(str(v).replace(",", ".").strip().rstrip("%")) / (100 if str(v).strip().endswith("%")
                                                                            else 1)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"'{v}' không phải một phân số như '2/3' / is not a fraction like '2/3'") from None
        if not 0 <= f <= 1:
            raise ValueError(f"'{v}': ngưỡng phải từ 0 đến 1 / the threshold must be between 0 and 1")
        return f

    def approves(self, votes: int, base: int) -> bool:
        if base <= 0:
            return False
        share = Fraction(votes, base)
        return share > self.threshold if self.strictly_above else share >= self.threshold

    def threshold_words(self) -> Text:
        if self.words is not None:
            return self.words.text()
        pct = format_percent(float(self.threshold))
        return Text(f"{'trên' if self.strictly_above else 'từ'} {pct}",
                    f"{'more than' if self.strictly_above else 'at least'} {pct}")

    def base_words(self) -> Text:
        if self.of is not None:
            return self.of.text()
        return {"members": Text("tổng số thành viên Hội đồng", "of all council members"),
                "present": Text("số thành viên Hội đồng có mặt", "of the council members present"),
                "valid_ballots": Text("số phiếu hợp lệ", "of the valid ballots")}[self.base]


class CouncilRules(_Strict):
    clause: str
    min_collectives: int = Field(1, ge=0)
    min_individuals: int = Field(1, ge=0)
    approval: Approval | None = None
    # the older format:
    approval_threshold: float | None = None
    approval_strictly_above: bool | None = None
    approval_clause: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "CouncilRules":
        old = {k: v for k, v in (("threshold", self.approval_threshold),
                                 ("strictly_above", self.approval_strictly_above),
                                 ("clause", self.approval_clause)) if v is not None}
        if self.approval is not None and old:
            raise ValueError("dùng 'approval' hoặc các khóa cũ approval_*, không dùng cả hai / "
                             "use 'approval' or the older approval_* keys, not both")
        if self.approval is None:
            object.__setattr__(self, "approval", Approval(**old))
        return self


class CatalogueEntry(_Strict):
    id: str
    name: str
    names: list[str] = Field(default_factory=list)
    prefixes: list[str] = Field(default_factory=list)


class Selection(_Strict):
    min: int = Field(1, ge=0)


KINDS = ("individual", "collective")


class Profile(_Strict):
    id: str
    title: str
    document: PlanDocument
    proposal: str
    window: Window
    selects: dict[Literal["individual", "collective"], Selection] | None = None
    individual: KindRules | None = None
    collective: KindRules | None = None
    discipline: Discipline
    council: CouncilRules
    catalogue: list[CatalogueEntry]

    _source: Any = PrivateAttr(default=None)     # the file it was read from (a Path)
    _digest: str = PrivateAttr(default="none")   # SHA-256 of that file

    @model_validator(mode="after")
    def _defaults(self) -> "Profile":
        if self.selects is None:
            sel = {k: Selection(min=getattr(self.council, f"min_{k}s")) for k in KINDS if getattr(self, k)}
            object.__setattr__(self, "selects", sel)
        for kind in KINDS:
            rules = getattr(self, kind)
            if rules is not None and rules.tracks is None:
                object.__setattr__(rules, "tracks", _legacy_tracks(kind, rules))
        return self

    def problems(self) -> list[tuple[tuple, Text]]:
        """Mistakes across keys (an award id not in the catalogue, ...): (path, message) each."""
        out: list[tuple[tuple, Text]] = []
        ids = [e.id for e in self.catalogue]
        for i, e in enumerate(self.catalogue):
            if e.id in ids[:i]:
                out.append((("catalogue", i, "id"), Text(f"Mã '{e.id}' lặp lại trong catalogue: mỗi danh hiệu một mã.",
                                                          f"The id '{e.id}' is used twice in the catalogue.")))
        if not self.selects:
            out.append((("selects",), Text("Cần ít nhất một loại được xét: 'individual' hoặc 'collective'.",
                                           "At least one kind must be selected: 'individual' or 'collective'.")))
        for kind in self.selects or {}:
            if getattr(self, kind) is None:
                out.append((("selects", kind), Text(
                    f"'selects' có '{kind}' nhưng chưa có nhóm '{kind}:' ghi tiêu chí của loại này.",
                    f"'selects' names '{kind}' but there is no '{kind}:' section with its criteria.")))
        known = set(ids)
        forms = {norm(f) for f in self.discipline.forms}
        for kind in KINDS:
            rules = getattr(self, kind)
            if rules is None:
                continue
            try:
                _check_k_of_n(rules.combine, len(rules.tracks or []), "combine")
            except ValueError as e:
                out.append(((kind, "combine"), Text(*_split(str(e)))))
            for ti, track in enumerate(rules.tracks or []):
                for ci, c in enumerate(track.criteria):
                    at = (kind, "tracks", ti, "criteria", ci)
                    for qi, q in enumerate(c.qualifying):
                        if q not in known:
                            out.append((at + ("qualifying", qi), Text(
                                f"'{q}' không phải mã một danh hiệu trong 'catalogue'.",
                                f"'{q}' is not the id of an entry of the 'catalogue'.")))
                    for fi, f in enumerate(c.forms or []):
                        if norm(f) not in forms:
                            out.append((at + ("forms", fi), Text(
                                f"Hình thức '{f}' không có trong 'discipline.forms'.",
                                f"The form '{f}' is not in 'discipline.forms'.")))
                    if (c.type in ("ratings", "activities") and kind == "collective") or \
                            (c.type == "targets" and kind == "individual"):
                        out.append((at + ("type",), Text(
                            f"Tiêu chí type: {c.type} không dùng được cho {kind}.",
                            f"A criterion of type {c.type} does not apply to {kind}.")))
        for i, f in enumerate(self.discipline.disqualifying):
            if norm(f) not in forms:
                out.append((("discipline", "disqualifying", i), Text(
                    f"Hình thức '{f}' không có trong 'discipline.forms'.",
                    f"The form '{f}' is not in 'discipline.forms'.")))
        return out

    # --- lookups -------------------------------------------------------------------

    @property
    def source(self):
        """The file this profile was read from (None for one built in memory)."""
        return self._source

    @property
    def digest(self) -> str:
        return self._digest

    def rules_for(self, kind: str | None) -> KindRules | None:
        return getattr(self, kind) if kind in KINDS else None

    def clause_for(self, kind: str | None) -> str:
        rules = self.rules_for(kind)
        return rules.clause if rules else ""

    def selects_kind(self, kind: str | None) -> bool:
        return kind in (self.selects or {})

    def entry(self, award_id: str) -> CatalogueEntry:
        return next(e for e in self.catalogue if e.id == award_id)

    @cached_property
    def _award_index(self) -> tuple[dict[str, CatalogueEntry], list[tuple[str, CatalogueEntry]]]:
        """The catalogue's names normalised once (the first entry wins, as in file order)."""
        exact: dict[str, CatalogueEntry] = {}
        for e in self.catalogue:
            for n in [e.name, *e.names]:
                exact.setdefault(norm(n), e)
        prefixes = [(norm(p), e) for e in self.catalogue for p in e.prefixes]
        return exact, prefixes

    def match_award(self, name: str) -> CatalogueEntry | None:
        """The catalogue entry a typed award name stands for, or None."""
        exact, prefixes = self._award_index
        key = norm(name)
        if key in exact:
            return exact[key]
        for pk, e in prefixes:
            if key == pk or key.startswith(pk + " "):
                return e
        return None

    def known_award_names(self) -> list[str]:
        return [e.name for e in self.catalogue]

    def qualifying_anywhere(self) -> set[str]:
        """Award ids that count for some kind (to say 'counts only for individuals')."""
        out = set()
        for kind in KINDS:
            for c in self.criteria_of(kind):
                out |= set(c.qualifying)
        return out

    def qualifying_for(self, kind: str) -> set[str]:
        return {q for c in self.criteria_of(kind) for q in c.qualifying}

    def criteria_of(self, kind: str) -> list[Criterion]:
        rules = self.rules_for(kind)
        return [c for t in (rules.tracks or []) for c in t.criteria] if rules else []

    def is_disqualifying(self, form: str, forms: list[str] | None = None) -> bool:
        return norm(form) in {norm(f) for f in (self.discipline.disqualifying if forms is None else forms)}

    def discipline_form(self, form: str) -> str | None:
        """The canonical spelling of a discipline form, or None if unknown."""
        key = norm(form)
        return next((f for f in self.discipline.forms if norm(f) == key), None)

    def approval_text(self) -> Text:
        """'trên 50% tổng số thành viên Hội đồng': the threshold and what it is counted on."""
        a = self.council.approval
        return a.threshold_words() + " " + a.base_words()


def _legacy_tracks(kind: str, rules: KindRules) -> list[Track]:
    """The older `performance:` / `awards:` keys as tracks, with neutral wording."""
    perf = (IndividualPerformance if kind == "individual" else CollectivePerformance)(**(rules.performance or {}))
    criteria: list[Criterion]
    if kind == "individual":
        criteria = [Criterion(type="ratings", years=perf.consecutive_excellent_years),
                    Criterion(type="initiatives", min=perf.min_initiatives, warn_below=perf.warn_initiatives_below),
                    Criterion(type="activities", min=perf.min_activities)]
    else:
        criteria = [Criterion(type="targets", years=perf.consecutive_target_years),
                    Criterion(type="initiatives", min=perf.min_initiatives),
                    Criterion(type="discipline")]
    tracks = [Track(id="performance", label=Wording(vi="thành tích", en="performance"), criteria=criteria)]
    if rules.awards is not None:
        tracks.append(Track(id="awards", label=Wording(vi="khen thưởng", en="awards"),
                            criteria=[Criterion(type="awards", qualifying=rules.awards.qualifying)]))
    return tracks


# Loading, resolving `plan:`, the shipped plans (re-exported: callers import them from here).
from dhtt_docs.rules.profile_files import (  # noqa: E402
    ProfileError, available_plans, check_profile_file, covering, load_profile, load_profile_file, plan_file_name,
    plans_dir, profile_digest, resolve_profile, shipped_plans,
)

__all__ = [
    "DEFAULT_PLAN", "Profile", "KindRules", "Track", "Criterion", "Wording", "Window", "Approval",
    "CouncilRules", "Discipline", "CatalogueEntry", "ProfileError", "available_plans", "check_profile_file",
    "covering", "load_profile", "load_profile_file", "plan_file_name", "plans_dir", "profile_digest", "resolve_profile",
    "shipped_plans", "needed", "parse_combine",
]
