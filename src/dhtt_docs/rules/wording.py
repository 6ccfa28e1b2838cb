"""The words of a profile and how its groups combine: `Wording` (both languages, `{fields}`
checked when the profile is read) and `combine` ("all", "any", "k of n")."""

from __future__ import annotations

import re
import string
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from dhtt_docs.i18n import Text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- words ----------------------------------------------------------------------


class Wording(_Strict):
    """Words of the profile in both languages; a plain string in the file is used for both."""

    vi: str
    en: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"vi": value} if isinstance(value, str) else value

    def text(self, **params: Any) -> Text:
        """The words with `{name}` fields filled in (English falls back to the Vietnamese).

        A parameter that is a Text gives each language its own words ("không có" / "none").
        """
        vi = {k: (v.vi if isinstance(v, Text) else v) for k, v in params.items()}
        en = {k: (v.en if isinstance(v, Text) else v) for k, v in params.items()}
        try:
            return Text(self.vi.format(**vi), (self.en or self.vi).format(**en))
        except (ValueError, KeyError, IndexError, AttributeError, TypeError):
            return Text(self.vi, self.en or self.vi)    # checked when read; never a crash here

    def fields(self) -> set[str]:
        out = set()
        for s in (self.vi, self.en):
            out |= {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(s) if name}
        return out


def _check_fields(wording: Wording | None, allowed: set[str], key: str) -> None:
    """A `{name}` the engine does not fill is a mistake in the profile, said when it is read."""
    if wording is None:
        return
    try:
        unknown = sorted(wording.fields() - allowed)
    except ValueError as e:     # an unbalanced brace
        raise ValueError(f"'{key}': dấu ngoặc {{ }} không khớp ({e}) / '{key}': unbalanced braces ({e})") from None
    if unknown:
        known = ", ".join("{" + a + "}" for a in sorted(allowed)) or "—"
        raise ValueError(f"'{key}': không có trường {{{unknown[0]}}}; các trường dùng được: {known} / "
                         f"'{key}': there is no field {{{unknown[0]}}}; the fields known here: {known}")
    for s in (wording.vi, wording.en):
        try:
            s.format(**{f: 1 for f in allowed})
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
            raise ValueError(f"'{key}': không điền được '{s}' ({e}) / '{key}': cannot fill in '{s}' ({e})") from None


# --- how things combine -----------------------------------------------------------

_K_OF_N = re.compile(r"^\s*(\d+)\s*(?:of|/|trên|trong)\s*(\d+)\s*$", re.IGNORECASE)


def _split(message: str) -> tuple[str, str]:
    """'vi / en' (how this module words its ValueErrors) as (vi, en)."""
    vi, _, en = message.rpartition(" / ")
    return (vi, en) if vi else (message, message)


def parse_combine(value: Any) -> str:
    """'all', 'any' or 'k of n' (also an integer k): how many of a group must hold."""
    if isinstance(value, bool):
        raise ValueError("cần all, any hoặc 'k of n' / must be all, any or 'k of n'")
    if isinstance(value, int):
        value = f"{value} of *"
    if not isinstance(value, str):
        raise ValueError("cần all, any hoặc 'k of n' / must be all, any or 'k of n'")
    v = value.strip().lower()
    if v in ("all", "tất cả"):
        return "all"
    if v in ("any", "một trong", "bất kỳ"):
        return "any"
    m = _K_OF_N.match(v) or re.match(r"^\s*(\d+)\s*of\s*(\*)\s*$", v)
    if not m or int(m.group(1)) < 1:
        raise ValueError(f"'{value}': cần all, any hoặc 'k of n' như '2 of 3' / must be all, any or 'k of n' "
                         "such as '2 of 3'")
    return f"{int(m.group(1))} of {m.group(2)}"


def needed(combine: str, n: int) -> int:
    """How many of `n` items must hold under `combine`."""
    if combine == "all":
        return n
    if combine == "any":
        return 1 if n else 0
    return int(combine.split()[0])


def _check_k_of_n(combine: str, n: int, key: str) -> None:
    if combine in ("all", "any"):
        return
    k, total = combine.split()[0], combine.split()[-1]
    if total != "*" and int(total) != n:
        raise ValueError(f"'{key}': '{combine}' nhưng có {n} mục / '{key}': '{combine}' but there are {n} items")
    if int(k) > n:
        raise ValueError(f"'{key}': cần {k} nhưng chỉ có {n} mục / '{key}': needs {k} of only {n} items")
