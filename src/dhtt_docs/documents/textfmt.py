"""Text helpers for the template values: cleaning, punctuation, capitals, typography.

Everything here is a pure function of strings: the context builder
(documents/context.py) calls them, the templates never format anything.
"""

from __future__ import annotations

import re
import unicodedata

from dhtt_docs.documents.ooxml import HEADER_COLUMN_PT, HEADER_FONT_PT
from dhtt_docs.vnformat import format_percent

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(s: str) -> str:
    """Text as typed, minus what XML cannot hold (control characters, lone surrogates)."""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL_XML.sub("", unicodedata.normalize("NFC", s))


def sanitize(value):
    """Apply clean_text to every string of a context, recursively."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    return value


def upper(s: str | None) -> str:
    return (s or "").upper()


def capitalize_first(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def two(n: int) -> str:
    """Counts in running text: 02, 12."""
    return f"{n:02d}"


def paragraphs(text: str | None) -> list[dict]:
    """A multi-line field as paragraphs; lines starting '- ' (or '+ ', '• ') are bullets."""
    out = []
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^[-+•–]\s+(.*)$", line)
        out.append({"text": m.group(1), "bullet": True} if m else {"text": line, "bullet": False})
    return out


def punctuate(items: list[str], last: str = ".") -> list[str]:
    """List entries ending ';' and the last one '.', unless the author already punctuated."""
    out = []
    for i, s in enumerate(items):
        s = s.rstrip()
        end = last if i == len(items) - 1 else ";"
        out.append(s if s[-1:] in ".;:!?" else s + end)
    return out


def percent_value(share: float | None) -> str:
    """0.8889 -> '88,9' (for a column headed '(%)')."""
    return "" if share is None else format_percent(share).rstrip("%")


# Advance widths (1/1000 em) of Times New Roman Bold capitals, to break the
# issuer's name into lines the way Word would, but between balanced halves.
_CAPS_WIDTH = {**dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                           722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667))),
               "Đ": 722, " ": 250, "-": 333, ".": 250, ",": 250, "(": 333, ")": 333, "&": 833, "/": 278}


def caps_width(text: str, size: float = HEADER_FONT_PT) -> float:
    total = 0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch != "Đ" else ch
        total += _CAPS_WIDTH.get(base, 500 if base.isdigit() else 722) + (74 if ch in "ƯỨỪỬỮỰƠỚỜỞỠỢ" else 0)
    return total * size / 1000


def balance_lines(text: str, width_pt: float = HEADER_COLUMN_PT, size: float = HEADER_FONT_PT) -> str:
    """A capitalised name that does not fit one line, split into two balanced lines."""
    text = " ".join(text.split())
    if caps_width(text, size) <= width_pt * 0.985:
        return text
    words = text.split(" ")
    best = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        cost = max(caps_width(a, size), caps_width(b, size))
        if best is None or cost < best[0]:
            best = (cost, a, b)
    return text if best is None else f"{best[1]}\n{best[2]}"
