"""Round-trip edits of a dossier YAML file: the user's comments, key order and layout are kept.

The web forms send values by key path (`awards[0].decision.date`,
`ratings.2023`); `apply` puts them into the ruamel.yaml tree of the file,
touching only what changed, and `dump` gives the new text (the page writes it
with the project's one `fsutil.atomic_write`, so a crash never leaves half a
file), and `digest` is what a form carries to notice a file changed on disk since the
page was loaded.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

# (mapping indent, sequence indent, sequence dash offset): the two layouts dossiers are written in.
_LAYOUTS = ((2, 4, 2), (2, 2, 0))
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """The digest of a file's bytes ('' when it does not exist)."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return ""


def parse_key(key: str) -> tuple:
    """'awards[0].decision.date' -> ('awards', 0, 'decision', 'date'); 'ratings.2023' -> ('ratings', '2023')."""
    out: list[Any] = []
    for name, index in _TOKEN.findall(key):
        out.append(int(index) if index else name)
    return tuple(out)


def _yaml(layout: tuple[int, int, int]) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096                       # never re-wrap a long line of the user's
    y.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return y


@dataclass
class Document:
    """A YAML file loaded for editing."""

    text: str
    data: Any
    layout: tuple[int, int, int]

    @classmethod
    def parse(cls, text: str) -> "Document":
        """Load `text`, choosing the indentation layout that reproduces it best."""
        best = None
        for layout in _LAYOUTS:
            data = _yaml(layout).load(text)
            doc = cls(text, data, layout)
            if doc.dump() == text:
                return doc
            best = best or doc
        return best

    def dump(self) -> str:
        buf = io.StringIO()
        _yaml(self.layout).dump(self.data, buf)
        return buf.getvalue()


# --------------------------------------------------------------------------- values


def to_yaml_value(text: str, kind: str, old: Any = None) -> Any:
    """A form's text as the YAML value of a field of `kind` (see forms.FieldSpec.kind).

    A value that cannot be read as its kind stays text, so the checks can say what is wrong with it.
    """
    text = text.replace("\r\n", "\n")
    if kind != "longtext":
        text = text.strip()
    try:
        if kind in ("int", "year"):
            return int(text)
        if kind == "number":
            num = float(text.replace(",", "."))
            return int(num) if num.is_integer() and "." not in text and "," not in text else num
        if kind == "date":
            return _dt.date.fromisoformat(text)
        if kind == "datetime":
            return _dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
        if kind == "flag":
            return {"true": True, "false": False}.get(text, text)
    except ValueError:
        return text
    if kind == "longtext" and ("\n" in text or isinstance(old, LiteralScalarString)):
        return LiteralScalarString(text if text.endswith("\n") else text + "\n")
    return text


def same(old: Any, new: Any) -> bool:
    """Whether a field would not change (so the file's own spelling of it is kept)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    if isinstance(old, str) and isinstance(new, str):
        return old.rstrip("\n") == new.rstrip("\n")
    if isinstance(old, _dt.datetime) and isinstance(new, _dt.datetime):
        return old.replace(tzinfo=None) == new
    return type(old) is type(new) and old == new


def _child_key(mapping: Any, part: Any) -> Any:
    """The key in `mapping` that the form's part names (years are ints in the YAML, text in a form)."""
    if isinstance(part, str) and part.isdigit():
        if part in mapping:
            return part
        return int(part)
    return part


def set_value(root: Any, path: tuple, value: Any) -> bool:
    """Set (or, with value None, remove) the value at `path`; create missing groups. True when changed."""
    node = root
    for depth, part in enumerate(path[:-1]):
        nxt = path[depth + 1]
        if isinstance(node, list):
            if part >= len(node):
                if value is None:
                    return False
                node.extend(CommentedMap() for _ in range(part + 1 - len(node)))
            child = node[part]
        else:
            key = _child_key(node, part)
            child = node.get(key)
            if not isinstance(child, (dict, list)):
                if value is None:
                    return False
                child = CommentedSeq() if isinstance(nxt, int) else CommentedMap()
                if isinstance(child, CommentedMap) and key in node and node[key] is not None:
                    return False       # a text where a group belongs: the checks will say so
                node[key] = child
        node = child
    last = path[-1]
    if isinstance(node, list):
        if last >= len(node):
            if value is None:
                return False
            node.extend("" for _ in range(last + 1 - len(node)))
        if same(node[last], value):
            return False
        node[last] = "" if value is None else value
        return True
    key = _child_key(node, last)
    if value is None:
        if key in node:
            del node[key]
            return True
        return False
    if key in node and same(node[key], value):
        return False
    node[key] = value
    return True


def get_value(root: Any, path: tuple) -> Any:
    node = root
    for part in path:
        if isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                return None
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(_child_key(node, part))
        else:
            return None
    return node


def keep_rows(root: Any, path: tuple, sources: list[str]) -> bool:
    """Make the list at `path` the rows `sources` names: an index keeps that row, 'n' is a new row.

    Rows kept stay where they were (with their comments); new rows come last. True when changed.
    """
    seq = get_value(root, path)
    kept = {int(s) for s in sources if s.isdigit()}
    new = sum(1 for s in sources if s == "n")
    if not isinstance(seq, list):
        if not new:
            return False
        set_value(root, path + (0,), CommentedMap())
        seq = get_value(root, path)
        del seq[0]
    changed = False
    for i in range(len(seq) - 1, -1, -1):
        if i not in kept:
            del seq[i]
            changed = True
    return changed or bool(new)
