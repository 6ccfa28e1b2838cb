"""Matching the fixed vocabularies of a dossier the way a secretary types them.

Matching ignores case, extra spaces and Unicode form; "sỹ" and "sĩ" are the
same letter in "Chiến sỹ thi đua", "BHXH" stands for "Bảo hiểm xã hội", and
"TP." for "thành phố". Which words exist (ratings, discipline forms, award
names) is data: ratings and kinds below are fixed by the input contract,
awards and discipline scales live in the plan profile.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

# Vietnamese has two spellings of some syllables; fold them to one.
_SPELLING = [
    (re.compile(r"\bsỹ\b"), "sĩ"),
    (re.compile(r"\bkỹ\b"), "kĩ"),
    (re.compile(r"\bmỹ\b"), "mĩ"),
    (re.compile(r"\bbhxh\b"), "bảo hiểm xã hội"),
    (re.compile(r"\bbhyt\b"), "bảo hiểm y tế"),
    (re.compile(r"\btp\.\s*"), "thành phố "),
    (re.compile(r"\bubnd\b"), "ủy ban nhân dân"),
    # old/new tone placement: "hoà" ~ "hòa", "thuỷ" ~ "thủy"
    (re.compile(r"oà"), "òa"), (re.compile(r"oá"), "óa"), (re.compile(r"oả"), "ỏa"),
    (re.compile(r"oã"), "õa"), (re.compile(r"oạ"), "ọa"),
    (re.compile(r"uỳ"), "ùy"), (re.compile(r"uý"), "úy"), (re.compile(r"uỷ"), "ủy"),
    (re.compile(r"uỹ"), "ũy"), (re.compile(r"uỵ"), "ụy"),
]


def norm(text: str) -> str:
    """A key for comparing names: NFC, lower case, one space, spelling folded."""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = s.replace("–", "-").replace("—", "-")
    s = re.sub(r"[\"“”'‘’]", "", s)
    s = re.sub(r"\s+", " ", s).strip().rstrip(".;")
    for rx, repl in _SPELLING:
        s = rx.sub(repl, s)
    return re.sub(r"\s+", " ", s).strip()


def slugify(text: str) -> str:
    """'Nguyễn Văn An' -> 'nguyen-van-an': an id made of lowercase ASCII letters, digits and '-'."""
    s = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def closest(text: str, choices: list[str], cutoff: float = 0.6) -> str | None:
    """The choice most like `text` (compared normalised), for 'did you mean' hints.

    Called only for names that are unknown; remembered, because a round repeats
    the same unknown name (e.g. a `leads:` id) in many files.
    """
    return _closest(text, tuple(choices), cutoff)


@functools.lru_cache(maxsize=1024)
def _keyed(choices: tuple[str, ...]) -> dict[str, str]:
    return {norm(c): c for c in choices}


@functools.lru_cache(maxsize=4096)
def _closest(text: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    keyed = _keyed(choices)
    hit = difflib.get_close_matches(norm(text), list(keyed), n=1, cutoff=cutoff)
    if not hit and cutoff <= 0 and keyed:  # always an answer: the most similar, however far
        key = norm(text)
        hit = [max(keyed, key=lambda k: difflib.SequenceMatcher(None, key, k).ratio())]
    return keyed[hit[0]] if hit else None


# --- kinds, genders, ratings: fixed by the input contract -------------------

KINDS = {"individual": "individual", "cá nhân": "individual",
         "collective": "collective", "tập thể": "collective"}

GENDERS = {"nam": "Nam", "nữ": "Nữ"}

# code -> (full name, rank: 0 is best)
RATINGS: dict[str, tuple[str, int]] = {
    "HTXSNV": ("hoàn thành xuất sắc nhiệm vụ", 0),
    "HTTNV": ("hoàn thành tốt nhiệm vụ", 1),
    "HTNV": ("hoàn thành nhiệm vụ", 2),
    "KHTNV": ("không hoàn thành nhiệm vụ", 3),
}
_RATING_KEYS = {norm(name): code for code, (name, _) in RATINGS.items()} | {
    code.casefold(): code for code in RATINGS}

SIGNER_PREFIXES = ["", "KT.", "TM.", "Q.", "TL.", "TUQ."]


def match_kind(value: str) -> str | None:
    return KINDS.get(norm(value))


def match_gender(value: str) -> str | None:
    return GENDERS.get(norm(value))


def match_rating(value: str) -> str | None:
    """'Hoàn thành xuất sắc nhiệm vụ', 'HTXSNV', 'htxsnv' -> 'HTXSNV'."""
    return _RATING_KEYS.get(norm(value))


def match_prefix(value: str) -> str | None:
    v = norm(value).upper().replace(" ", "")
    if v and not v.endswith("."):
        v += "."
    for p in SIGNER_PREFIXES:
        if v == p or (not p and not v):
            return p
    return None
