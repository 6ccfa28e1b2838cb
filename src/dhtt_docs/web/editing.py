"""A form submitted for one YAML file: the file's tree with the form's values in it, not yet written."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel

from dhtt_docs.dossier.schema import Collective, Individual, Submission
from dhtt_docs.vocab import match_kind
from dhtt_docs.web import forms, yamledit


def model_for(rel: str, data: Any) -> type[BaseModel]:
    if rel == "submission.yaml":
        return Submission
    raw = data.get("kind") if isinstance(data, dict) else None
    return Collective if isinstance(raw, str) and match_kind(raw) == "collective" else Individual


@dataclass
class Edit:
    rel: str
    model: type[BaseModel]
    doc: yamledit.Document
    rows: dict[str, list[str]]
    disk_digest: str

    def nodes(self, extra_keys: dict | None = None) -> list[forms.Node]:
        keys = dict(extra_keys or {})
        keys.update({"_rows." + k: v for k, v in self.rows.items()})
        return forms.model_nodes(self.model, (), self.doc.data, keys)

    def text(self) -> str:
        return self.doc.dump()

    def final_text(self) -> str:
        """The text to write: new rows left blank are dropped."""
        forms.drop_blank_new(self.doc.data, self.rows)
        return self.doc.dump()


_PARSED: dict[tuple[str, str], yamledit.Document] = {}     # (path, digest) -> the file parsed, as loaded


def load_edit(path: Path, rel: str) -> Edit:
    """The file as it is on disk, ready to edit (a parsed file is reused while its bytes are the same)."""
    raw = path.read_bytes()
    digest = yamledit.digest(raw)
    parsed = _PARSED.get((str(path), digest))
    if parsed is None:
        if len(_PARSED) > 64:
            _PARSED.clear()
        parsed = _PARSED[(str(path), digest)] = yamledit.Document.parse(raw.decode("utf-8-sig"))
    doc = yamledit.Document(parsed.text, copy.deepcopy(parsed.data), parsed.layout)
    return Edit(rel, model_for(rel, doc.data), doc, {}, digest)


def edit_from_form(path: Path, rel: str, items: Iterable[tuple[str, str]], op: str = "") -> Edit:
    """The file with the form's values (and an added or removed row, `op` 'add:KEY' / 'remove:KEY:INDEX')."""
    edit = load_edit(path, rel)
    values, rows, new, _ = forms.split_form(items)
    forms.apply_form(edit.doc.data, edit.model, values, rows, new)
    forms.pad_rows(edit.doc.data, edit.model, rows)
    edit.rows = rows
    verb, _, rest = op.partition(":")
    if verb == "add":
        sources = rows.setdefault(rest, [str(i) for i in range(_length(edit.doc.data, rest))])
        sources.append("n")
        forms.pad_rows(edit.doc.data, edit.model, {rest: sources})
    elif verb == "remove":
        key, _, index = rest.rpartition(":")
        seq = yamledit.get_value(edit.doc.data, yamledit.parse_key(key))
        if index.isdigit() and isinstance(seq, list) and int(index) < len(seq):
            sources = rows.setdefault(key, [str(i) for i in range(len(seq))])
            del seq[int(index)]
            if int(index) < len(sources):
                del sources[int(index)]
    return edit


def _length(data: Any, key: str) -> int:
    seq = yamledit.get_value(data, yamledit.parse_key(key))
    return len(seq) if isinstance(seq, list) else 0
