"""The forms of the web app, made from the dossier schema; inputs named by the key paths findings use.

`form_tree` turns a model class (Individual, Collective, Submission) and a
file's YAML data into a tree of fields, groups, rows (lists) and maps
(ratings per year, votes per candidate). Each input's `name` is the key path
the loader and the rules put in a finding (`full_name`, `ratings.2023`,
`awards[0].decision.date`, `council.votes.<id>`), so a finding lands beside
its field. `apply_form` puts a submitted form back into the YAML tree.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap

from dhtt_docs.dossier import schema
from dhtt_docs.dossier.yamlsource import path_to_key
from dhtt_docs.web import yamledit

_KINDS = {
    schema._text: "text", schema._multiline: "longtext", schema._date: "date", schema._datetime: "datetime",
    schema._year: "year", schema._count: "int", schema._number: "number", schema._flag: "flag",
    schema._kind: "kind", schema._gender: "gender", schema._rating: "rating", schema._prefix: "prefix",
}
CHOICES = {
    "gender": ["Nam", "Nữ"],
    "flag": ["true", "false"],
    "prefix": ["", "KT.", "TM.", "Q.", "TL.", "TUQ."],
}

# Labels of the fields, (Vietnamese, English); a field without one shows its YAML name.
LABELS: dict[str, tuple[str, str]] = {
    "kind": ("Loại", "Kind"), "full_name": ("Họ và tên", "Full name"), "gender": ("Giới tính", "Gender"),
    "birth_date": ("Ngày sinh", "Date of birth"), "ethnicity": ("Dân tộc", "Ethnicity"),
    "religion": ("Tôn giáo", "Religion"), "hometown": ("Quê quán", "Home town"),
    "residence": ("Nơi ở", "Residence"), "unit": ("Đơn vị", "Unit"), "position": ("Chức vụ", "Position"),
    "leader": ("Là lãnh đạo", "Is a leader"), "leads": ("Đứng đầu tập thể (mã)", "Heads the collective (id)"),
    "political_theory": ("Lý luận chính trị", "Political theory"), "education": ("Trình độ", "Education"),
    "duties": ("Nhiệm vụ được giao", "Duties"), "achievements": ("Thành tích đạt được", "Achievements"),
    "ratings": ("Xếp loại theo năm", "Ratings per year"), "initiatives": ("Sáng kiến", "Initiatives"),
    "activities": ("Hoạt động khác", "Other activities"),
    "emulation_titles": ("Danh hiệu thi đua", "Emulation titles"), "awards": ("Hình thức khen thưởng", "Awards"),
    "discipline": ("Kỷ luật", "Discipline"), "name": ("Tên", "Name"), "parent": ("Cơ quan cấp trên", "Parent body"),
    "head": ("Thủ trưởng", "Head"), "address": ("Địa chỉ", "Address"), "phone": ("Điện thoại", "Phone"),
    "staff_count": ("Số người", "Staff count"), "situation": ("Đặc điểm, tình hình", "Situation"),
    "functions": ("Chức năng, nhiệm vụ", "Functions"), "targets": ("Chỉ tiêu", "Targets"),
    "party_work": ("Công tác Đảng, đoàn thể", "Party and union work"),
    "staff_discipline": ("Kỷ luật cán bộ", "Staff discipline"), "title": ("Tên / chức danh", "Title"),
    "year": ("Năm", "Year"), "decision": ("Quyết định", "Decision"), "number": ("Số", "Number"),
    "date": ("Ngày", "Date"), "issuer": ("Người ký / cơ quan", "Issuer"),
    "attachment": ("Tệp đính kèm", "Attachment"), "recognition": ("Quyết định công nhận", "Recognition"),
    "form": ("Hình thức", "Form"), "person": ("Người bị kỷ luật", "Person"), "plan": ("Kế hoạch", "Plan"),
    "actual": ("Thực hiện", "Actual"), "direction": ("Chiều đánh giá", "Direction"),
    "council": ("Hội đồng", "Council"), "meeting": ("Cuộc họp", "Meeting"), "start": ("Bắt đầu", "Start"),
    "end": ("Kết thúc", "End"), "location": ("Địa điểm", "Location"), "chair": ("Chủ tọa", "Chair"),
    "secretary": ("Thư ký", "Secretary"), "members": ("Thành viên", "Members"),
    "council_role": ("Vai trò", "Role"), "present": ("Có mặt", "Present"),
    "written_opinion": ("Ý kiến bằng văn bản", "Written opinion"), "ballots": ("Phiếu bầu", "Ballots"),
    "issued": ("Phát ra", "Issued"), "returned": ("Thu về", "Returned"), "valid": ("Hợp lệ", "Valid"),
    "votes": ("Số phiếu đồng ý theo ứng viên", "Votes in favour per candidate"),
    "submission": ("Tờ trình", "Submission"), "to": ("Kính gửi", "To"),
    "legal_basis": ("Căn cứ", "Legal basis"), "copies_to": ("Nơi nhận", "Copies to"),
    "code": ("Ký hiệu", "Code"), "place": ("Địa danh", "Place"), "signer": ("Người ký", "Signer"),
    "prefix": ("Tiền tố ký", "Signing prefix"),
}


def label(name: str, lang: str) -> str:
    pair = LABELS.get(name)
    return (pair[1] if lang == "en" else pair[0]) if pair else name


@dataclass
class Node:
    kind: str                  # field kind, or "group", "rows", "map"
    key: str                   # the key path (the input's name)
    path: tuple
    name: str                  # the last part of the path, for the label
    required: bool = False
    value: str = ""
    choices: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    rows: list[list["Node"]] = field(default_factory=list)    # "rows": one list of nodes per row
    sources: list[str] = field(default_factory=list)          # "rows": where each row came from ('n' = new)
    entries: list[tuple[str, "Node"]] = field(default_factory=list)   # "map": (key shown, value field)
    entry_kind: str = ""       # "map": the kind of a new entry's value
    item: Any = None           # "rows": the annotation of one row


def _validator_kind(metadata: Iterable[Any]) -> str | None:
    for m in metadata:
        func = getattr(m, "func", None)
        if func in _KINDS:
            return _KINDS[func]
    return None


def _describe(annotation: Any, metadata: Iterable[Any] = ()) -> tuple[str, Any]:
    """(kind, inner) of an annotation: a field kind, 'model', 'rows' (list), 'map' (dict)."""
    kind = _validator_kind(metadata)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        return _describe(args[0], list(metadata) + list(annotation.__metadata__))
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _describe(inner[0], metadata)
    if origin is list:
        return "rows", typing.get_args(annotation)[0]
    if origin is dict:
        return "map", typing.get_args(annotation)[1]
    if origin is Literal:
        return "choice", list(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    return kind or "text", None


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return ""
    return str(value).rstrip("\n") if isinstance(value, str) else str(value)


def _node(kind: str, inner: Any, path: tuple, value: Any, required: bool, extra_keys: dict) -> Node:
    """One node; `extra_keys` maps a map's key to keys to show even when absent, and a list's key (prefixed
    '_rows.') to where its rows came from."""
    key = path_to_key(path)
    name = str(path[-1]) if path else ""
    if kind == "model":
        return Node("group", key, path, name, required, children=model_nodes(inner, path, value, extra_keys))
    if kind == "rows":
        item_kind, item_inner = _describe(inner)
        items = value if isinstance(value, list) else []
        node = Node("rows", key, path, name, required, entry_kind=item_kind, item=inner)
        sources = extra_keys.get("_rows." + key)
        for i, item in enumerate(items):
            node.rows.append([_node(item_kind, item_inner, path + (i,), item, True, extra_keys)])
            node.sources.append(sources[i] if sources and len(sources) == len(items) else str(i))
        return node
    if kind == "map":
        val_kind, _ = _describe(inner)
        node = Node("map", key, path, name, required, entry_kind=val_kind)
        data = value if isinstance(value, dict) else {}
        keys = [k for k in data] + [k for k in extra_keys.get(key, []) if k not in data and str(k) not in data]
        for k in keys:
            node.entries.append((str(k), _node(val_kind, None, path + (k,), data.get(k), False, extra_keys)))
        return node
    choices = inner if kind == "choice" else CHOICES.get(kind, [])
    return Node(kind, key, path, name, required, value=show(value), choices=[str(c) for c in choices])


def model_nodes(model: type[BaseModel], path: tuple, data: Any, extra_keys: dict | None = None) -> list[Node]:
    """The nodes of every field of `model`, filled from `data` (a mapping, or anything when broken)."""
    data = data if isinstance(data, dict) else {}
    out = []
    for name, f in model.model_fields.items():
        kind, inner = _describe(f.annotation, f.metadata)
        out.append(_node(kind, inner, path + (name,), data.get(name), f.is_required(), extra_keys or {}))
    return out


def blank(value: Any) -> bool:
    """Whether a row holds nothing at all (a new row left empty)."""
    if isinstance(value, dict):
        return all(blank(v) for v in value.values())
    if isinstance(value, list):
        return all(blank(v) for v in value)
    return value is None or (isinstance(value, str) and not value.strip())


def pad_rows(doc_data: Any, model: type[BaseModel], rows: dict[str, list[str]]) -> None:
    """Give every list as many rows as the form shows (new rows left blank), in the in-memory tree."""
    for key, sources in rows.items():
        path = yamledit.parse_key(key)
        seq = yamledit.get_value(doc_data, path)
        missing = len(sources) - (len(seq) if isinstance(seq, list) else 0)
        if missing <= 0:
            continue
        item_kind = _describe(_item_annotation(model, path))[0]
        for _ in range(missing):
            size = len(seq) if isinstance(seq, list) else 0
            yamledit.set_value(doc_data, path + (size,), "" if item_kind != "model" else CommentedMap())
            seq = yamledit.get_value(doc_data, path)


def drop_blank_new(doc_data: Any, rows: dict[str, list[str]]) -> None:
    """Before writing: new rows left empty are not written."""
    for key, sources in rows.items():
        seq = yamledit.get_value(doc_data, yamledit.parse_key(key))
        if not isinstance(seq, list):
            continue
        for i in range(min(len(seq), len(sources)) - 1, -1, -1):
            if sources[i] == "n" and blank(seq[i]):
                del seq[i]


def _item_annotation(model: type[BaseModel], path: tuple) -> Any:
    kind, current = "model", model
    for part in path:
        if kind == "model":
            f = current.model_fields[str(part)]
            kind, current = _describe(f.annotation, f.metadata)
        else:
            kind, current = _describe(current)
    return current


def walk(nodes: list[Node]) -> Iterable[Node]:
    for n in nodes:
        yield n
        yield from walk(n.children)
        for row in n.rows:
            yield from walk(row)
        for _, e in n.entries:
            yield from walk([e])


def kind_at(model: type[BaseModel], path: tuple) -> str:
    """The field kind of the value at `path` ('text' when the schema does not say)."""
    kind, current = "model", model
    for part in path:
        if kind == "model":
            f = current.model_fields.get(str(part))
            if f is None:
                return "text"
            kind, current = _describe(f.annotation, f.metadata)
        elif kind in ("rows", "map"):
            kind, current = _describe(current)
        else:
            return "text"
    return kind


def apply_form(doc_data: Any, model: type[BaseModel], form: dict[str, str], rows: dict[str, list[str]],
               new_entries: dict[str, tuple[str, str]]) -> bool:
    """Put a submitted form into the YAML tree. True when anything changed.

    `rows`: list key -> "0,2,n" (the rows the form shows, see `keep_rows`);
    `new_entries`: map key -> (new key, value), e.g. a new year of ratings.
    """
    changed = False
    for key, sources in sorted(rows.items()):
        changed |= yamledit.keep_rows(doc_data, yamledit.parse_key(key), sources)
    for key, (k, v) in new_entries.items():
        if k.strip() and v.strip():
            path = yamledit.parse_key(key) + (k.strip(),)
            changed |= yamledit.set_value(doc_data, path, yamledit.to_yaml_value(v, kind_at(model, path)))
    for key, text in form.items():
        path = yamledit.parse_key(key)
        if not path:
            continue
        kind = kind_at(model, path)
        old = yamledit.get_value(doc_data, path)
        value = None if not text.strip() else yamledit.to_yaml_value(text, kind, old)
        if value is None and isinstance(path[-1], int):
            value = ""        # an emptied line of a list stays a (blank) line until its row is removed
        changed |= yamledit.set_value(doc_data, path, value)
    return changed


def split_form(items: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]],
                                                         dict[str, tuple[str, str]], dict[str, str]]:
    """(values, rows, new map entries, controls) of a submitted form's fields."""
    values: dict[str, str] = {}
    rows: dict[str, list[str]] = {}
    new: dict[str, list[str]] = {}
    controls: dict[str, str] = {}
    for name, value in items:
        if name.startswith("_rows."):
            rows[name[6:]] = [x for x in value.split(",") if x]
        elif name.startswith("_newkey."):
            new.setdefault(name[8:], ["", ""])[0] = value
        elif name.startswith("_newval."):
            new.setdefault(name[8:], ["", ""])[1] = value
        elif name.startswith("_"):
            controls[name] = value
        else:
            values[name] = value
    return values, rows, {k: (v[0], v[1]) for k, v in new.items()}, controls
