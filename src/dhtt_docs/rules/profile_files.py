"""Profiles as files: reading one (every mistake a finding with its line), the shipped
ones, and what `plan:` in submission.yaml stands for.

`plan:` is either the id of a shipped profile (`1935/KH-BHXH`) or the path of a
profile file relative to the round folder (`../plans/2100-KH-BHXH.yaml`). Without
`plan:`, a round whose year lies in a shipped plan's period gets that plan, with a
warning saying so.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t

if TYPE_CHECKING:
    from dhtt_docs.rules.profile import Profile

CLAUSE = "plan"


class ProfileError(Exception):
    """A profile that cannot be used; `findings` say why, by file and line."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.text("en") for f in findings))
        self.findings = findings


def plan_file_name(plan_id: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", plan_id).strip("-") + ".yaml"


def plans_dir() -> Path:
    return Path(str(resources.files("dhtt_docs.rules") / "plans"))


# --- one file ---------------------------------------------------------------------

_CACHE: dict[tuple[str, str], tuple["Profile | None", tuple[Finding, ...]]] = {}


def check_profile_file(path: Path, shown: str | None = None) -> tuple["Profile | None", list[Finding]]:
    """Read and check a profile file: the profile (None if unusable) and every problem, by line."""
    from dhtt_docs.dossier.yamlsource import read_yaml

    shown = shown or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        return None, [Finding(Severity.ERROR, t(
            f"Không đọc được tệp bộ tiêu chí '{shown}' ({e.strerror or e}). Hãy kiểm tra đường dẫn.",
            f"Cannot read the plan profile file '{shown}' ({e.strerror or e}). Check the path."),
            file=shown, clause=CLAUSE, code="plan.unreadable", params={"file": shown})]
    digest = hashlib.sha256(raw).hexdigest()
    hit = _CACHE.get((digest, shown))
    if hit is not None:
        return hit[0], list(hit[1])
    profile, findings = _check(Path(path), shown, digest, read_yaml)
    _CACHE[(digest, shown)] = (profile, tuple(findings))
    return profile, findings


def _check(path: Path, shown: str, digest: str, read_yaml) -> tuple["Profile | None", list[Finding]]:
    from pydantic import ValidationError

    from dhtt_docs.dossier.loader import validation_findings
    from dhtt_docs.rules.profile import Profile

    doc = read_yaml(path, shown)
    findings = [_as_plan(f) for f in doc.findings]
    if doc.data is None:
        return None, findings or [_not_a_profile(shown)]
    if not isinstance(doc.data, dict):
        return None, findings + [_not_a_profile(shown)]
    try:
        profile = Profile.model_validate(doc.data)
    except ValidationError as err:
        mapped = validation_findings(err, Profile, doc.source, clause=CLAUSE)
        for e, f in zip(err.errors(include_url=False), mapped):
            if e["type"] == "value_error":
                msg = str(e["msg"]).removeprefix("Value error, ")
                vi, _, en = msg.rpartition(" / ")
                vi, en = (vi, en) if vi else (msg, msg)
                where = _child(doc.source, tuple(x for x in e["loc"] if isinstance(x, (str, int))), vi) or \
                    {"file": f.file, "line": f.line, "key": f.key}
                f = Finding(Severity.ERROR, t(vi[:1].upper() + vi[1:] + ".", en[:1].upper() + en[1:] + "."),
                            clause=CLAUSE, code="plan.value", **where)
            findings.append(_as_plan(f))
        return None, findings
    for where, message in profile.problems():
        findings.append(Finding(Severity.ERROR, message, clause=CLAUSE, code="plan.reference",
                                **doc.source.at(*where)))
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    profile._source = path
    profile._digest = digest
    return profile, findings


def _child(source, loc: tuple, message: str) -> dict | None:
    """A message "'fail': ..." about a key inside the model at `loc`: the place of that key."""
    m = re.match(r"^'([A-Za-z_.]+)'", message)
    if not m:
        return None
    path = loc + tuple(m.group(1).split("."))
    return source.at(*path) if path in source.lines else None


def _as_plan(f: Finding) -> Finding:
    code = f.code if f.code.startswith("plan.") else "plan." + f.code.split(".", 1)[-1]
    message = f.message
    if code == "plan.extra_forbidden" and isinstance(message, Text):   # the loader speaks of dossiers
        message = Text(message.vi.replace("mẫu hồ sơ", "bộ tiêu chí"),
                       message.en.replace("the dossier template", "a plan profile"))
    return Finding(f.severity, message, file=f.file, line=f.line, key=f.key, clause=CLAUSE, code=code,
                   params=f.params)


def _not_a_profile(shown: str) -> Finding:
    return Finding(Severity.ERROR, t(
        f"Tệp '{shown}' không phải một bộ tiêu chí: cần các trường 'id', 'title', 'window', ... "
        "(xem docs/plan-profile.md, hoặc tạo tệp mẫu bằng `dhtt-docs plan new`).",
        f"'{shown}' is not a plan profile: it needs the fields 'id', 'title', 'window', ... "
        "(see docs/plan-profile.md, or make a commented copy with `dhtt-docs plan new`)."),
        file=shown, line=1, clause=CLAUSE, code="plan.not_a_profile")


def load_profile_file(path: Path) -> "Profile":
    """A profile from a file; ProfileError (with the findings) when it cannot be used."""
    profile, findings = check_profile_file(Path(path))
    if profile is None:
        raise ProfileError(findings)
    return profile


# --- shipped profiles ---------------------------------------------------------------


@dataclass(frozen=True)
class Shipped:
    id: str
    path: Path
    profile: "Profile | None"
    findings: tuple[Finding, ...]


def shipped_plans() -> list[Shipped]:
    """Every profile in the package's plans/ folder; a broken one is listed with its findings."""
    out = []
    for p in sorted(plans_dir().glob("*.yaml")):
        profile, findings = check_profile_file(p, f"plans/{p.name}")
        out.append(Shipped(profile.id if profile else p.stem, p, profile, tuple(findings)))
    return out


def available_plans() -> list[str]:
    """The ids of the shipped profiles that can be used (a broken file is left out, never raised)."""
    return sorted(s.id for s in shipped_plans() if s.profile is not None)


def load_profile(plan_id: str | None = None) -> "Profile | None":
    """A shipped profile by its id (the default plan when None), or None when none ships or it is broken."""
    from dhtt_docs.rules.profile import DEFAULT_PLAN

    path = plans_dir() / plan_file_name((plan_id or DEFAULT_PLAN).strip())
    if not path.is_file():
        return None
    return check_profile_file(path, f"plans/{path.name}")[0]


def profile_digest(profile: "Profile | str | None") -> str:
    """SHA-256 of a profile's file (a Profile, or a shipped plan's id): part of every cached document's key."""
    if profile is None:
        return "none"
    if not isinstance(profile, str):
        return profile.digest
    path = plans_dir() / plan_file_name(profile.strip())
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "none"


# --- what `plan:` stands for -----------------------------------------------------------


def _names() -> str:
    return ", ".join(f"{s.id} ({s.profile.window.text()})" for s in shipped_plans() if s.profile) or "—"


def covering(year: int | None) -> list["Profile"]:
    """Shipped profiles whose period holds `year`, newest plan first."""
    if year is None:
        return []
    found = [s.profile for s in shipped_plans() if s.profile and year in s.profile.window]
    return sorted(found, key=lambda p: (p.window.first_year, p.document.date), reverse=True)


def _looks_like_path(spec: str) -> bool:
    return spec.lower().endswith((".yaml", ".yml")) or spec.startswith((".", "~")) or "\\" in spec


def resolve_profile(spec: str | None, base_dir: Path, year: int | None,
                    where: dict | None = None) -> tuple["Profile | None", list[Finding]]:
    """The profile `plan:` names, and what to tell the user about it.

    `spec`: the value of `plan:` (None when absent): a shipped id, or a profile
    file's path relative to `base_dir` (the round folder). `year`: the round's
    year, to pick a shipped plan when `spec` is None. `where`: file/line/key of
    the `plan:` field for the findings (they carry none when it is None).
    Findings: a warning when a plan is assumed; errors when none can be used
    (the profile is then None), including a broken profile file's own lines.
    """
    where = dict(where or {})
    where.setdefault("key", "plan")
    if spec is None or not str(spec).strip():
        found = covering(year)
        if found:
            p = found[0]
            return p, [Finding(Severity.WARNING, t(
                f"Chưa ghi 'plan' nên dùng bộ tiêu chí của kế hoạch {p.id} ({p.window.text()}), vì năm xét {year} "
                f"thuộc giai đoạn đó. Nếu đúng, hãy ghi 'plan: {p.id}' để khỏi nhắc lại.",
                f"No 'plan' given, so the criteria of plan {p.id} ({p.window.text()}) are used, as the round year "
                f"{year} lies in its period. If that is right, write 'plan: {p.id}' to silence this."),
                clause="dossier", code="plan.assumed", params={"plan": p.id, "year": year}, **where)]
        return None, [Finding(Severity.ERROR, t(
            f"Chưa ghi 'plan', và năm xét {year} không thuộc giai đoạn của kế hoạch có sẵn nào ({_names()}). "
            "Hãy ghi 'plan: <số kế hoạch>' hoặc đường dẫn tới tệp bộ tiêu chí của kế hoạch, ví dụ "
            "'plan: ../ke-hoach/2100-KH-BHXH.yaml' (tạo tệp mẫu bằng `dhtt-docs plan new`).",
            f"No 'plan' given, and the round year {year} lies in no shipped plan's period ({_names()}). "
            "Write 'plan: <plan number>' or the path of a plan profile file, for example "
            "'plan: ../plans/2100-KH-BHXH.yaml' (make one with `dhtt-docs plan new`)."),
            clause="dossier", code="plan.missing", params={"year": year}, **where)]
    spec = str(spec).strip()
    shipped = plans_dir() / plan_file_name(spec)
    if not _looks_like_path(spec) and shipped.is_file():
        profile, findings = check_profile_file(shipped, f"plans/{shipped.name}")
        return profile, findings
    path = (Path(base_dir) / Path(spec).expanduser())
    if path.is_file():
        return check_profile_file(path, spec)
    if _looks_like_path(spec):
        return None, [Finding(Severity.ERROR, t(
            f"Không thấy tệp bộ tiêu chí '{spec}' (tính từ thư mục đợt xét: {path}). Hãy sửa đường dẫn trong "
            "'plan', hoặc tạo tệp bằng `dhtt-docs plan new`.",
            f"The plan profile file '{spec}' was not found (relative to the round folder: {path}). Fix the path "
            "in 'plan', or make the file with `dhtt-docs plan new`."),
            clause="dossier", code="plan.file_missing", params={"plan": spec}, **where)]
    return None, [Finding(Severity.ERROR, t(
        f"Không có bộ tiêu chí cho kế hoạch '{spec}'. Các kế hoạch có sẵn: {_names()}. Hãy sửa trường 'plan', "
        "hoặc ghi đường dẫn tới tệp bộ tiêu chí của kế hoạch (ví dụ 'plan: ../ke-hoach/2100-KH-BHXH.yaml').",
        f"There is no set of criteria for plan '{spec}'. Shipped plans: {_names()}. Fix the 'plan' field, or "
        "write the path of the plan's profile file (for example 'plan: ../plans/2100-KH-BHXH.yaml')."),
        clause="dossier", code="plan.unknown", params={"plan": spec}, **where)]
