"""Text helpers for the template values: cleaning, punctuation, capitals, typography.

Everything here is a pure function of strings: the context builder
(documents/context.py) calls them, the templates never format anything.
"""

from __future__ import annotations

import re
import unicodedata

from dhtt_docs.documents.ooxml import HEADER_COLUMN_PT, HEADER_FONT_PT
from dhtt_docs.dossier.yamlsource import clean_text
from dhtt_docs.vnformat import format_percent


def map_strings(value, fn):
    """fn applied to every string of a context (dicts and lists walked), other values kept."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_strings(v, fn) for v in value]
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
        out.append({"text": tie_last(m.group(1)), "bullet": True} if m else
                   {"text": tie_last(line), "bullet": False})
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


# --- typography: what a careful văn thư types ------------------------------------------
#
# Applied to every value of a document's context (build_context(typography=True)),
# never to the .xlsx (a spreadsheet's text is searched and filtered, not set in lines).
# LibreOffice prints U+00A0 as a space and U+2011 as a hyphen; pdftotext reads them
# back as " " and "-", so the PDF's text is what was typed.

NBSP = "\u00a0"
NB_HYPHEN = "\u2011"

# "2021 - 2025", "2021-2025", "2021 – 2025": a range of years never breaks.
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-‐‑–—]\s*((?:19|20)\d\d)\b")
# "Số: 125/TTr-BHXH", "05/BB-HĐTĐKT", "45/QĐ-BHXH": a document number stays on one line.
_DOC_CODE = re.compile(r"\b(\d*\s*/[A-ZĐa-zđ]+)-([A-ZĐ][\wĐđ]*(?:-[A-ZĐ][\wĐđ]*)*)")
_SO = re.compile(r"\bSố:[ ]+(?=\d)")
_SO_BLANK = re.compile(r"\bSố:([ ]+)/(\S+)")       # "Số:      /TTr-BHXH", the number left to fill in
# A number and the unit after it: "24 người", "03 tập thể", "14 giờ 00", "3,41 triệu".
_UNITS = ("người", "tập thể", "cá nhân", "thành viên", "phiếu", "hồ sơ", "đơn vị", "lượt", "tỷ", "triệu",
          "nghìn", "đồng", "giờ", "phút", "lần", "sáng kiến", "%", "km", "ha")
_NUMBER_UNIT = re.compile(r"(\d)[ ]+(?=(?:" + "|".join(re.escape(u) for u in _UNITS) + r")(?!\w))")
_QUOTED = re.compile(r'"([^"\n]*)"')


def smart_quotes(s: str) -> str:
    """Straight double quotes in pairs become “ ”; an unpaired one is left as typed."""
    return _QUOTED.sub("\u201c\\1\u201d", s) if '"' in s else s


_DIGIT = re.compile(r"\d")


def typeset(s: str) -> str:
    """Typographic quotes and no-break spaces/hyphens where a line must not break."""
    if not s:
        return s
    s = smart_quotes(s)
    if "/" not in s and "Số:" not in s and not _DIGIT.search(s):
        return s    # nothing below can match (each needs a digit, a '/' or 'Số:'): most values of a round
    s = _YEAR_RANGE.sub(lambda m: f"{m.group(1)}{NBSP}{NB_HYPHEN}{NBSP}{m.group(2)}", s)
    s = _DOC_CODE.sub(lambda m: m.group(1).replace(" ", NBSP) + NB_HYPHEN + m.group(2).replace("-", NB_HYPHEN), s)
    s = _SO.sub("Số:" + NBSP, s)
    s = _SO_BLANK.sub(lambda m: "Số:" + NBSP * len(m.group(1)) + "/" + m.group(2).replace("-", NB_HYPHEN), s)
    s = _NUMBER_UNIT.sub(r"\1" + NBSP, s)
    return s


def keep_together(name: str) -> str:
    """A person's name never breaks across lines: 'Lê Văn Bình' with no-break spaces."""
    return NBSP.join(name.split()) if name else name


SHORT_LAST_WORD = 5      # characters, punctuation included: "qua.", "này.", "2024."
ONE_LINE = 80            # characters: a shorter paragraph fits one line of body text (16.5 cm, 14 pt)


def tie_last(s: str) -> str:
    """No lone short word on a paragraph's last line: the last two words joined by a no-break space.

    Only when it is cheap: the last word is short and the two words together
    stay well under a line, so the line before never has to stretch much.
    """
    head, sep, last = s.rstrip().rpartition(" ")
    if not sep or len(last) > SHORT_LAST_WORD or len(s) <= ONE_LINE:
        return s
    prev = head.rpartition(" ")[2]
    if len(prev) + len(last) > 18:
        return s
    return f"{head}{NBSP}{last}"


def names_pattern(names) -> re.Pattern | None:
    """One regex for the people's names a dossier knows (council, signers), longest first."""
    names = sorted({" ".join(n.split()) for n in names if n and " " in n.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names)) if names else None


def _kept_together(text: str, names: re.Pattern | None) -> str:
    """typeset(), and the known names kept together in running text."""
    s = typeset(text)
    if names is None or " " not in s or names.fullmatch(s):
        return s        # a name alone (a signature) may still wrap at a space when its column is narrow
    return names.sub(lambda m: keep_together(m.group(0)), s)


def typeset_all(value, names: re.Pattern | None = None):
    """typeset() on every string of a context, recursively; the known names kept together in running text."""
    return map_strings(value, lambda text: _kept_together(text, names))


def _plain(s: str) -> str:
    return s.replace(NBSP, " ").replace(NB_HYPHEN, "-")


def finisher(names: re.Pattern | None, typography: bool):
    """What the context builder applies to every value: clean_text, then typeset_all (names kept
    together) or, without `typography`, plain_all. Each distinct string is worked out once, whichever
    value holds it: a round repeats its years, units, numbers and names thousands of times."""
    memo: dict[str, str] = {}

    def one(text: str) -> str:
        hit = memo.get(text)
        if hit is None:
            cleaned = clean_text(text)
            hit = memo[text] = _kept_together(cleaned, names) if typography else _plain(cleaned)
        return hit

    return lambda value: map_strings(value, one)


def plain_all(value):
    """Every no-break space and hyphen back to a plain one (for the .xlsx)."""
    return map_strings(value, _plain)
