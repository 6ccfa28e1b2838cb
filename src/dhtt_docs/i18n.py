"""The language of messages: Vietnamese by default, English with `--lang en`.

Every user-facing message is written in both languages where it is made, so
a translation can never drift away from its source:

    tr(f"Thiếu trường bắt buộc '{key}'.", f"Missing required field '{key}'.")

The documents themselves (Tờ trình, Biên bản, ...) are always Vietnamese:
only what the tool says to its user changes. The language is chosen once per
command (the CLI calls `set_lang`) or by the DHTT_LANG environment variable.
"""

from __future__ import annotations

import os

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
