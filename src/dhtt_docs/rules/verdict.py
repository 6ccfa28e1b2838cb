"""What the engine gives back: a verdict per candidate, the report of a round."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from dhtt_docs.dossier.attachments import Attachment
from dhtt_docs.dossier.loader import Candidate, Round
from dhtt_docs.dossier.yamlsource import SourceMap
from dhtt_docs.findings import Finding, Severity, sort_findings
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.profile import Profile

# Names of the two tracks of profiles in the older format (and of plan 1935), for
# callers that have no profile at hand; a profile's own labels win (`Verdict.labels`).
TRACK_LABELS = {"performance": "thành tích", "awards": "khen thưởng"}
TRACK_LABELS_EN = {"performance": "performance", "awards": "awards"}


def track_label(track: str, labels: dict[str, Text] | None = None) -> str:
    """The name of a track in the chosen language."""
    if labels and track in labels:
        return str(labels[track])
    return str(t(TRACK_LABELS.get(track, track), TRACK_LABELS_EN.get(track, track)))


class VerdictState(str, Enum):
    """Where a candidate stands: the engine's answer, typed (for status, text, JSON)."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NOT_CHECKED = "not_checked"       # its file, or a round-level value its checks need, is broken

    @property
    def label(self) -> Text:
        return {"eligible": t("ĐẠT", "ELIGIBLE"), "not_eligible": t("KHÔNG ĐẠT", "NOT ELIGIBLE"),
                "not_checked": t("CHƯA KIỂM TRA", "NOT CHECKED")}[self.value]


@dataclass
class Verdict:
    candidate: Candidate
    eligible: bool | None = None          # None: not checked
    tracks: dict[str, bool] = field(default_factory=dict)
    labels: dict[str, Text] = field(default_factory=dict)    # track id -> its name, from the profile
    votes: int | None = None
    approval: float | None = None
    approved: bool = False
    basis: list[str] = field(default_factory=list)     # what the met track rests on, for the Danh sách
    findings: list[Finding] = field(default_factory=list)
    not_checked_because: Text | None = None

    @property
    def id(self) -> str:
        return self.candidate.id

    @property
    def state(self) -> VerdictState:
        if self.eligible is None:
            return VerdictState.NOT_CHECKED
        return VerdictState.ELIGIBLE if self.eligible else VerdictState.NOT_ELIGIBLE

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def held(self) -> list[str]:
        """The names of the tracks that hold, in the chosen language."""
        return [track_label(k, self.labels) for k, ok in self.tracks.items() if ok]

    def failed(self) -> list[str]:
        return [track_label(k, self.labels) for k, ok in self.tracks.items() if not ok]

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
    plan: str = ""                          # what `plan:` says (or the plan assumed)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.all_findings())

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for v in self.verdicts:
            out.extend(v.findings)
        return out

    def counts(self) -> dict[VerdictState, int]:
        """How many candidates stand in each state."""
        return {s: sum(1 for v in self.verdicts if v.state is s) for s in VerdictState}

    def to_json(self, lang: str | None = None) -> dict:
        """The JSON of `validate --format json`; messages in `lang` (the chosen language when None)."""
        plan = self.profile.id if self.profile else self.plan
        return {
            "ok": self.ok,
            "plan": plan,
            "candidates": [v.to_json(lang) for v in self.verdicts],
            "findings": [f.to_json(lang) for f in sort_findings(self.findings)],
        }

    def verdict(self, cid: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.id == cid), None)


class Collector:
    """Adds findings for one file with a fixed clause, computing lines from paths."""

    def __init__(self, source: SourceMap, clause: str, into: list[Finding]):
        self.source, self.clause, self.into = source, clause, into

    def add(self, severity: Severity, code: str, message: Text, *path, clause: str | None = None,
            line: int | None = None, params: dict | None = None) -> None:
        """A finding at `path`; `line` overrides the path's line (a finding about a whole file)."""
        where = self.source.at(*path)
        if line is not None:
            where["line"] = line
        self.into.append(Finding(severity, message, clause=clause or self.clause, code=code,
                                 params=params or {}, **where))


@dataclass
class Failure:
    """A failed criterion; becomes an error (or an info) once the candidate's verdict is known."""

    code: str
    message: Text
    path: tuple
    clause: str | None = None
    listed_when_eligible: bool = False     # e.g. each missed target stays listed, as info
    params: dict = field(default_factory=dict)
