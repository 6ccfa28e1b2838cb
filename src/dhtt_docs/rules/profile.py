"""Plan profiles: the criteria of a plan as data, read from `plans/*.yaml`.

A profile is looked up by the plan's number as written in submission.yaml
(`plan: 1935/KH-BHXH`); its file name is that number with "/" as "-".
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from dhtt_docs.vocab import norm

DEFAULT_PLAN = "1935/KH-BHXH"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanDocument(_Strict):
    number: str
    date: date
    issuer: str
    basis: str


class Window(_Strict):
    first_year: int
    last_year: int
    clause: str

    def __contains__(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def text(self) -> str:
        return f"{self.first_year}-{self.last_year}"


class IndividualPerformance(_Strict):
    consecutive_excellent_years: int = 2
    min_initiatives: int = 1
    warn_initiatives_below: int = 2
    min_activities: int = 1


class CollectivePerformance(_Strict):
    consecutive_target_years: int = 2
    min_initiatives: int = 1


class AwardTrack(_Strict):
    qualifying: list[str]


class IndividualRules(_Strict):
    clause: str
    performance: IndividualPerformance
    awards: AwardTrack


class CollectiveRules(_Strict):
    clause: str
    performance: CollectivePerformance
    awards: AwardTrack


class Discipline(_Strict):
    forms: list[str]
    disqualifying: list[str]


class CouncilRules(_Strict):
    clause: str
    min_collectives: int = 1
    min_individuals: int = 1
    approval_threshold: float = 0.5
    approval_strictly_above: bool = True
    approval_clause: str = ""

    def approves(self, share: float) -> bool:
        t = self.approval_threshold
        return share > t + 1e-12 if self.approval_strictly_above else share >= t - 1e-12


class CatalogueEntry(_Strict):
    id: str
    name: str
    names: list[str] = Field(default_factory=list)
    prefixes: list[str] = Field(default_factory=list)


class Profile(_Strict):
    id: str
    title: str
    document: PlanDocument
    proposal: str
    window: Window
    individual: IndividualRules
    collective: CollectiveRules
    discipline: Discipline
    council: CouncilRules
    catalogue: list[CatalogueEntry]

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

    def is_disqualifying(self, form: str) -> bool:
        return norm(form) in {norm(f) for f in self.discipline.disqualifying}

    def discipline_form(self, form: str) -> str | None:
        """The canonical spelling of a discipline form, or None if unknown."""
        key = norm(form)
        return next((f for f in self.discipline.forms if norm(f) == key), None)


def plan_file_name(plan_id: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", plan_id).strip("-") + ".yaml"


def plans_dir() -> Path:
    return Path(str(resources.files("dhtt_docs.rules") / "plans"))


def available_plans() -> list[str]:
    return sorted(load_profile_file(p).id for p in plans_dir().glob("*.yaml"))


@cache
def load_profile_file(path: Path) -> Profile:
    with open(path, encoding="utf-8") as fh:
        return Profile.model_validate(yaml.safe_load(fh))


def load_profile(plan_id: str = DEFAULT_PLAN) -> Profile | None:
    """The profile of a plan by its number, or None when no profile ships for it."""
    path = plans_dir() / plan_file_name(plan_id.strip())
    if not path.is_file():
        return None
    return load_profile_file(path)


def profile_digest(plan_id: str) -> str:
    """SHA-256 of a plan profile's file: part of every cached document's key."""
    import hashlib
    path = plans_dir() / plan_file_name(plan_id.strip())
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "none"
