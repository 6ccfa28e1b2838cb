"""Findings: every problem the tool reports is data until the CLI prints it.

A finding says how bad it is (severity), which clause of the plan or which part
of the input contract it rests on (clause), where it is (file, line, key) and,
what is wrong and how to fix it (message), and the data it rests on (code,
params). The message is a `Text` in both languages: the edge that prints a
finding chooses the language; `validation.json` and the archive are always
Vietnamese (`to_json("vi")`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Mapping

from dhtt_docs.i18n import Text, render, tr


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def label_vi(self) -> str:
        return {"error": "LỖI", "warning": "CẢNH BÁO", "info": "LƯU Ý"}[self.value]

    @property
    def label_en(self) -> str:
        return {"error": "ERROR", "warning": "WARNING", "info": "NOTE"}[self.value]

    @property
    def label(self) -> str:
        """The label in the chosen language (LỖI / ERROR, ...)."""
        return tr(self.label_vi, self.label_en)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: Text | str
    file: str | None = None
    line: int | None = None
    key: str | None = None
    clause: str | None = None
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (the chosen language when None)."""
        return render(self.message, lang)

    def to_json(self, lang: str | None = None) -> dict:
        return {
            "severity": self.severity.value,
            "clause": self.clause,
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "code": self.code,
            "message": self.text(lang),
        }

    def where(self) -> str:
        """'candidates/an.yaml:23 (ratings.2023)' — the place a secretary opens."""
        place = self.file or ""
        if self.line:
            place += f":{self.line}"
        if self.key:
            place += f" ({self.key})" if place else self.key
        return place


def sort_findings(items: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by file and line, so the list reads top to bottom."""
    return sorted(items, key=lambda f: (f.severity.rank, f.file or "", f.line or 0, f.key or ""))
