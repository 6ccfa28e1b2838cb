"""Parsed YAML files found again by the hash of their bytes: a rebuild re-reads only what changed.

Parsing a dossier file with its lines (yamlsource) costs about a millisecond; a
round of 500 candidates is half a second of it on every build. `ParseMemo`
remembers each file's result (data, lines, findings) under its path and the
SHA-256 of its bytes, as JSON, so that the build can keep it in its cache
folder (`build/memo.py`): the next build decodes the unchanged files (about 20
times faster) and parses only those whose bytes changed.

JSON, not pickle: the cache folder lies inside the round folder, which users
pass around; reading it must never run code. JSON keeps every type a dossier
can hold (text, whole numbers, numbers, true/false, null, lists, groups) but
not the keys that are numbers (years as keys: `ratings: {2023: ...}`), so a
group with such a key is written as a list of pairs under the key "\\x00",
which no dossier key can be (`clean_text` drops NUL).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text
from dhtt_docs.dossier.yamlsource import SourceMap, YamlDoc

#: Raised whenever what is kept, or how a file is parsed, changes: older records are then not read.
FORMAT = 1
_PAIRS = "\x00"
_SCALARS = (str, int, float, bool, type(None))


class _NotKept(Exception):
    """A value this format cannot keep exactly: the file is simply parsed again next time."""


class ParseMemo:
    """Parsed files by (path relative to the round, SHA-256 of the bytes); `saved` is an earlier `to_json()`."""

    def __init__(self, saved: Any = None, tag: str = ""):
        self.tag = tag                                 # e.g. the tool's version: another tag, nothing reused
        files = saved.get("files") if isinstance(saved, dict) and saved.get("format") == [FORMAT, tag] else None
        self._saved: dict[str, list] = files if isinstance(files, dict) else {}
        self._now: dict[str, list] = {}               # what this run read: the next record
        self.hits = 0
        self.parsed = 0

    def get(self, rel: str, raw: bytes) -> YamlDoc | None:
        """The file's earlier result when its bytes are the same, else None (then parse, and `put`)."""
        digest = hashlib.sha256(raw).hexdigest()
        entry = self._saved.get(rel)
        self._now[rel] = [digest, None]
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == digest and isinstance(entry[1], str):
            try:
                doc = _decode(rel, entry[1])
            except (ValueError, TypeError, KeyError, IndexError):
                return None
            self._now[rel] = entry
            self.hits += 1
            return doc
        return None

    def keep(self, rel: str, digest: str) -> None:
        """The file, of these bytes (SHA-256), was not read again (its candidate was kept in memory): its
        earlier record stays, as after `get`."""
        entry = self._saved.get(rel)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == digest:
            self._now[rel] = entry
        else:
            self._now[rel] = [digest, None]

    def put(self, rel: str, doc: YamlDoc) -> None:
        """The result of parsing the bytes last given to `get` for `rel`."""
        self.parsed += 1
        entry = self._now.get(rel)
        if entry is None:
            return
        try:
            entry[1] = _encode(doc)
        except _NotKept:
            entry[1] = None

    @property
    def changed(self) -> bool:
        """Does the record differ from the one read (a file parsed, added or gone)?"""
        return self.parsed > 0 or set(self._now) != set(self._saved)

    def to_json(self) -> dict:
        files = {rel: e for rel, e in self._now.items() if e[1] is not None}
        return {"format": [FORMAT, self.tag], "files": files}


# --- one file's result as JSON ----------------------------------------------------------------


def _encode(doc: YamlDoc) -> str:
    data = _value(doc.data)
    lines = [[list(path), line] for path, line in doc.source.lines.items()]
    findings = [_finding(f) for f in doc.findings]
    return json.dumps([data, lines, findings], ensure_ascii=False, separators=(",", ":"), allow_nan=True)


def _value(v: Any) -> Any:
    if isinstance(v, dict):
        if all(type(k) is str for k in v) and _PAIRS not in v:
            return {k: _value(x) for k, x in v.items()}
        if not all(type(k) in (str, int) for k in v):
            raise _NotKept
        return {_PAIRS: [[k, _value(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return [_value(x) for x in v]
    if type(v) not in _SCALARS:
        raise _NotKept
    return v


def _finding(f: Finding) -> list:
    if isinstance(f.message, Text):
        message = ["t", f.message.vi, f.message.en]
    elif isinstance(f.message, str):
        message = ["s", f.message]
    else:
        raise _NotKept
    params = dict(f.params)
    if params and json.loads(json.dumps(params)) != params:
        raise _NotKept
    for v in (f.file, f.key, f.clause):
        if v is not None and type(v) is not str:
            raise _NotKept
    if f.line is not None and type(f.line) is not int:
        raise _NotKept
    return [f.severity.value, message, f.file, f.line, f.key, f.clause, f.code, params]


def _pairs_hook(d: dict) -> dict:
    pairs = d.get(_PAIRS)
    if pairs is None:
        return d
    return {k: v for k, v in pairs}


def _decode(rel: str, payload: str) -> YamlDoc:
    data, lines, findings = json.loads(payload, object_hook=_pairs_hook)
    source = SourceMap(rel, {tuple(path): line for path, line in lines})
    out = []
    for sev, message, file, line, key, clause, code, params in findings:
        text = Text(message[1], message[2]) if message[0] == "t" else message[1]
        out.append(Finding(Severity(sev), text, file=file, line=line, key=key, clause=clause, code=code,
                           params=params))
    return YamlDoc(data, source, out)
