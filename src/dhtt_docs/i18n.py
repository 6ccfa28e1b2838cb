"""The language of messages: Vietnamese by default, English with `--lang en`.

Every user-facing message is written in both languages where it is made, so
a translation can never drift away from its source:

    tr(f"Thiếu trường bắt buộc '{key}'.", f"Missing required field '{key}'.")

A finding's words are not chosen when the finding is made: its message is a
`Text`, which holds both languages, made with `t(vi, en)`; the edge that prints
it (the CLI, the web app) picks the language, and what is archived
(`validation.json`, the bag) is always Vietnamese, whatever `--lang` is:

    Finding(Severity.ERROR, t(f"Năm {y} ...", f"Year {y} ..."), code="rating.future", params={"year": y})

The documents themselves (Tờ trình, Biên bản, ...) are always Vietnamese:
only what the tool says to its user changes. The language is chosen once per
command (the CLI calls `set_lang`) or by the DHTT_LANG environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

LANGS = ("vi", "en")
_lang = os.environ.get("DHTT_LANG", "vi") if os.environ.get("DHTT_LANG", "vi") in LANGS else "vi"


def set_lang(lang: str) -> None:
    global _lang
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    _lang = lang


def get_lang() -> str:
    return _lang


def tr(vi: str, en: str) -> str:
    """The message in the chosen language."""
    return en if _lang == "en" else vi


@dataclass(frozen=True)
class Text:
    """Words in both languages; which one is printed is chosen when it is printed.

    `str(text)` gives the chosen language (as `tr` would); `text.render("vi")`
    the Vietnamese whatever the choice, for what is archived.
    """

    vi: str
    en: str

    def render(self, lang: str | None = None) -> str:
        return self.en if (lang or _lang) == "en" else self.vi

    def __str__(self) -> str:
        return self.render()

    def __contains__(self, part: str) -> bool:
        """`"words" in text`: in the chosen language's words."""
        return part in self.render()

    def __add__(self, other: "Text | str") -> "Text":
        if isinstance(other, Text):
            return Text(self.vi + other.vi, self.en + other.en)
        return Text(self.vi + other, self.en + other)

    def __radd__(self, other: str) -> "Text":
        return Text(other + self.vi, other + self.en)


def t(vi: str, en: str) -> Text:
    """A text in both languages, chosen when printed (for findings and anything kept as data)."""
    return Text(vi, en)


def render(text: "Text | str", lang: str | None = None) -> str:
    """A Text in `lang` (the chosen language when None); a plain string as it is."""
    return text.render(lang) if isinstance(text, Text) else text
