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
from itertools import repeat
from operator import add

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
    return _norm(str(text))


@functools.lru_cache(maxsize=16384)   # a round repeats the same few names (ratings, titles) thousands of times
def _norm(text: str) -> str:
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
    the same unknown name (e.g. a `leads:` id) in many files, and from build to
    build (`closest_memo`: the build keeps it in its cache folder).
    """
    key = (str(text), _choices_key(tuple(choices)), float(cutoff))
    if key in _MEMO:
        hit = _MEMO[key]
    else:
        hit = _MEMO[key] = _closest(text, tuple(choices), cutoff)
    _USED.add(key)
    return hit


#: (text, choices' digest, cutoff) -> answer; seeded from and saved to the build cache by the pipeline.
_MEMO: dict[tuple[str, str, float], str | None] = {}
_USED: set[tuple[str, str, float]] = set()


@functools.lru_cache(maxsize=256)
def _choices_key(choices: tuple[str, ...]) -> str:
    import hashlib

    return hashlib.sha256("\x00".join(choices).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def closest_memo() -> list[list]:
    """The answers `closest` gave in this process (for the build cache): [text, choices digest, cutoff, answer]."""
    return [[k[0], k[1], k[2], _MEMO[k]] for k in sorted(_USED) if k in _MEMO]


def seed_closest(entries) -> None:
    """Answers remembered by an earlier build (see `closest_memo`); anything malformed is ignored."""
    for e in entries if isinstance(entries, list) else ():
        if (isinstance(e, list) and len(e) == 4 and isinstance(e[0], str) and isinstance(e[1], str)
                and isinstance(e[2], (int, float)) and (e[3] is None or isinstance(e[3], str))):
            _MEMO.setdefault((e[0], e[1], float(e[2])), e[3])


@functools.lru_cache(maxsize=1024)
def _keyed(choices: tuple[str, ...]) -> dict[str, str]:
    return {norm(c): c for c in choices}


def _closest(text: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    keyed = _keyed(choices)
    hit = _best_match(norm(text), list(keyed), cutoff)
    if hit is None and cutoff <= 0 and keyed:  # always an answer: the most similar, however far
        key = norm(text)
        hit = max(keyed, key=lambda k: difflib.SequenceMatcher(None, key, k).ratio())
    return keyed[hit] if hit is not None else None


@functools.lru_cache(maxsize=64)
def _letter_counts(possibilities: tuple[str, ...]) -> dict[str, list[int]]:
    """For each letter, how many times each choice holds it (one list per letter, in the choices' order):
    what quick_ratio() counts, made once per list of choices."""
    columns: dict[str, list[int]] = {}
    for i, x in enumerate(possibilities):
        for ch in x:
            column = columns.get(ch)
            if column is None:
                column = columns[ch] = [0] * len(possibilities)
            column[i] += 1
    return columns


def _best_match(word: str, possibilities: list[str], cutoff: float) -> str | None:
    """`difflib.get_close_matches(word, possibilities, n=1, cutoff)[0]` (or None), the same answer, faster.

    get_close_matches keeps every (ratio, choice) at or above the cutoff and returns the largest pair.
    ratio() never exceeds quick_ratio(), the share of letters two strings have in common; here that
    share is counted for all the choices at once, from letter counts made once per list of choices.
    The choices are then tried from the highest quick_ratio down, and the search stops at the first
    one whose quick_ratio is below the best ratio found.
    """
    if not 0.0 <= cutoff <= 1.0:
        raise ValueError(f"cutoff must be in [0.0, 1.0]: {cutoff!r}")
    choices = tuple(possibilities)
    columns = _letter_counts(choices)
    common = [0] * len(choices)
    for ch in set(word):
        column = columns.get(ch)
        if column is not None:
            common = list(map(add, common, map(min, column, repeat(word.count(ch)))))
    size = len(word)
    hopeful: list[tuple[float, str]] = []
    for x, shared in zip(choices, common):
        total = len(x) + size
        if total and 2.0 * min(len(x), size) / total < cutoff:      # real_quick_ratio()
            continue
        quick = 2.0 * shared / total if total else 1.0              # quick_ratio(), as difflib computes it
        if quick >= cutoff:
            hopeful.append((quick, x))
    hopeful.sort(reverse=True)
    s = difflib.SequenceMatcher()
    s.set_seq2(word)
    best: tuple[float, str] | None = None
    for quick, x in hopeful:
        if best is not None and quick < best[0]:
            break                   # every choice left has a quick_ratio, so a ratio, below the best
        if best is not None and (quick, x) <= best:
            continue
        s.set_seq1(x)
        ratio = s.ratio()
        if ratio >= cutoff and (best is None or (ratio, x) > best):
            best = (ratio, x)
    return best[1] if best is not None else None


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
