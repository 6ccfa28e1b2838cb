"""Load a round folder (submission.yaml + candidates/*.yaml) into typed models.

Every problem becomes a finding naming file, line and key; all problems of a
file are reported in one run. Nothing here raises for bad input.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import tr
from dhtt_docs.dossier.schema import Collective, Individual, Submission
from dhtt_docs.vocab import match_kind, slugify
from dhtt_docs.dossier.yamlsource import SourceMap, path_to_key, read_yaml

ID_RX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUBMISSION_FILE = "submission.yaml"
CANDIDATES_DIR = "candidates"


@dataclass
class Candidate:
    id: str
    file: str                                  # relative to the round folder
    path: Path
    source: SourceMap
    model: Individual | Collective | None      # None when the file could not be read
    kind: str | None                           # "individual" / "collective", when known

    @property
    def name(self) -> str:
        if self.model is not None:
            return self.model.display_name
        return self.id

    @property
    def is_individual(self) -> bool:
        return self.kind == "individual"

    @property
    def is_collective(self) -> bool:
        return self.kind == "collective"


@dataclass
class Round:
    folder: Path
    submission: Submission | None
    submission_source: SourceMap
    candidates: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # loader findings of every file

    @property
    def name(self) -> str:
        return self.folder.resolve().name

    def candidate(self, cid: str) -> Candidate | None:
        return next((c for c in self.candidates if c.id == cid), None)


# --- pydantic errors -> findings --------------------------------------------

_GROUP = ("cần một nhóm trường (các dòng 'tên: giá trị' thụt vào)",
          "must be a group of fields (indented 'name: value' lines)")
_TYPE_WORDS = {   # (Vietnamese, English)
    "string_type": ("cần một dòng chữ", "must be a line of text"),
    "int_type": ("cần một số nguyên", "must be a whole number"),
    "int_parsing": ("cần một số nguyên", "must be a whole number"),
    "float_type": ("cần một con số", "must be a number"),
    "float_parsing": ("cần một con số", "must be a number"),
    "bool_type": ("cần true hoặc false", "must be true or false"),
    "bool_parsing": ("cần true hoặc false", "must be true or false"),
    "list_type": ("cần một danh sách (mỗi mục một dòng bắt đầu bằng '- ')",
                  "must be a list (one item per line, each starting with '- ')"),
    "dict_type": _GROUP,
    "model_type": _GROUP,
    "model_attributes_type": _GROUP,
    "too_short": ("danh sách đang trống: cần ít nhất một mục", "the list is empty: add at least one item"),
    "literal_error": ("giá trị không hợp lệ", "the value is not valid"),
}


def _unwrap(annotation: Any) -> Any:
    """The model class inside Optional[...], list[...], dict[..., ...], Annotated[...]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    if origin in (list, dict):
        return _unwrap(typing.get_args(annotation)[-1])
    return annotation


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """Which model class owns the mapping at `loc` (for 'did you mean' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        f = current.model_fields.get(part)
        if f is None:
            return None
        current = _unwrap(f.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def schema_error_words(e: dict) -> str:
    """What one pydantic error says, in the user's words (where it is, the caller says)."""
    if e["type"] == "dhtt":
        return e["msg"]
    return tr(*_TYPE_WORDS[e["type"]]) if e["type"] in _TYPE_WORDS else e["msg"]


def clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's internal parts ('[key]', function names) from a location."""
    out = []
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, str) and ("[" in part or "function-" in part):
            continue
        out.append(part)
    return tuple(out)


def validation_findings(err: ValidationError, model: type[BaseModel], source: SourceMap,
                        clause: str = "dossier") -> list[Finding]:
    out: list[Finding] = []
    for e in err.errors(include_url=False):
        loc = clean_loc(tuple(e["loc"]))
        key = path_to_key(loc) or None
        where = source.at(*loc)
        etype = e["type"]
        if etype == "missing":
            msg = tr(f"Thiếu trường bắt buộc '{loc[-1]}': hãy thêm dòng '{loc[-1]}: ...'",
                     f"Missing required field '{loc[-1]}': add a line '{loc[-1]}: ...'")
            parent = loc[:-1]
            if parent:
                msg += tr(f" trong nhóm '{path_to_key(parent)}'", f" in the group '{path_to_key(parent)}'")
            msg += "."
            where = source.at(*parent) | {"key": key}
        elif etype == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            known = list(owner.model_fields) if owner else []
            hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
            msg = tr(f"Trường '{loc[-1]}' không có trong mẫu hồ sơ",
                     f"Field '{loc[-1]}' is not part of the dossier template")
            msg += tr(f": có phải '{hint[0]}'?", f": did you mean '{hint[0]}'?") if hint else (
                tr(f"; các trường hợp lệ ở đây: {', '.join(known)}.", f"; the valid fields here are: {', '.join(known)}.")
                if known else ".")
            if hint:
                msg += tr(f" Hãy sửa tên trường thành '{hint[0]}'.", f" Rename the field to '{hint[0]}'.")
        else:
            word = schema_error_words(e)
            got = e.get("input")
            shown = "" if etype == "dhtt" or isinstance(got, (dict, list)) else tr(f" (đang ghi '{got}')",
                                                                                 f" (currently '{got}')")
            msg = f"'{key}': {word}{shown}." if key else f"{word}."
        out.append(Finding(Severity.ERROR, msg[0].upper() + msg[1:], clause=clause,
                           code=f"schema.{etype}", **where))
    return out


def _validate(model: type[BaseModel], data: Any, source: SourceMap) -> tuple[Any, list[Finding]]:
    if not isinstance(data, dict):
        return None, [Finding(Severity.ERROR,
                              tr("Tệp phải là một nhóm trường 'tên: giá trị' (mỗi trường một dòng), "
                                 "không phải một danh sách hay một dòng chữ.",
                                 "The file must be a group of 'name: value' fields (one field per line), "
                                 "not a list or a single line of text."),
                              file=source.file, line=1, clause="dossier", code="schema.root")]
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        return None, validation_findings(err, model, source)


# --- the round ---------------------------------------------------------------


def load_candidate(path: Path, folder: Path) -> tuple[Candidate, list[Finding]]:
    rel = path.relative_to(folder).as_posix()
    doc = read_yaml(path, rel)
    findings = list(doc.findings)
    cid = path.stem
    kind = None
    model = None
    if doc.data is not None:
        raw_kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
        kind = match_kind(raw_kind) if isinstance(raw_kind, str) else None
        if kind is None and isinstance(doc.data, dict):
            # Validate by the likelier shape so the other fields are checked too.
            guess = "individual" if "full_name" in doc.data else "collective" if "name" in doc.data else None
            if raw_kind is None:
                findings.append(Finding(
                    Severity.ERROR,
                    tr("Thiếu trường 'kind': ghi 'kind: individual' (cá nhân) hoặc 'kind: collective' (tập thể) "
                       "ở dòng đầu tệp.",
                       "Missing field 'kind': write 'kind: individual' or 'kind: collective' "
                       "on the first line of the file."), file=rel, line=1, key="kind", clause="dossier", code="schema.missing"))
                data = dict(doc.data, kind=guess) if guess else doc.data
            else:
                data = doc.data  # the schema reports the bad kind
            kind = guess
        else:
            data = doc.data
        cls = Collective if kind == "collective" else Individual
        model, errs = _validate(cls, data, doc.source)
        findings.extend(errs)
    return Candidate(cid, rel, path, doc.source, model, kind), findings


def load_round(folder: Path) -> Round:
    """Read a round folder. Problems are in `round.findings`; never raises for content."""
    folder = Path(folder)
    sub_path = folder / SUBMISSION_FILE
    findings: list[Finding] = []
    submission = None
    source = SourceMap(SUBMISSION_FILE)
    if not sub_path.is_file():
        findings.append(Finding(
            Severity.ERROR,
            tr(f"Không thấy tệp {SUBMISSION_FILE} trong thư mục '{folder}'. Hãy chạy lệnh trong thư mục của đợt xét, "
               "hoặc tạo đợt mới bằng `dhtt-docs init <thư mục>`.",
               f"No {SUBMISSION_FILE} file in the folder '{folder}'. Run the command in the folder of the round, "
               "or create a new round with `dhtt-docs init <folder>`."),
            file=SUBMISSION_FILE, line=None, clause="dossier", code="file.missing"))
    else:
        doc = read_yaml(sub_path, SUBMISSION_FILE)
        source = doc.source
        findings.extend(doc.findings)
        if doc.data is not None:
            submission, errs = _validate(Submission, doc.data, doc.source)
            findings.extend(errs)

    rnd = Round(folder, submission, source)
    cand_dir = folder / CANDIDATES_DIR
    files = sorted(cand_dir.glob("*")) if cand_dir.is_dir() else []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() not in (".yaml", ".yml"):
            findings.append(Finding(
                Severity.WARNING,
                tr(f"Tệp '{path.name}' trong candidates/ không phải tệp .yaml nên bị bỏ qua. "
                   "Hồ sơ mỗi ứng viên là một tệp .yaml; bản quét hãy để trong attachments/.",
                   f"The file '{path.name}' in candidates/ is not a .yaml file, so it was skipped. "
                   "Each candidate dossier is one .yaml file; put scans in attachments/."),
                file=rel, line=None, clause="dossier", code="file.ignored"))
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            findings.append(Finding(
                Severity.ERROR, tr(f"Tệp '{rel}' là liên kết trỏ ra ngoài thư mục đợt xét: hãy chép tệp thật vào đây.",
                                   f"The file '{rel}' is a link pointing outside the round folder: "
                                   "copy the real file here instead."),
                file=rel, line=None, clause="dossier", code="file.outside"))
            continue
        if not ID_RX.match(path.stem):
            suggestion = slugify(path.stem)
            findings.append(Finding(
                Severity.ERROR,
                tr(f"Tên tệp '{path.name}' không dùng được làm mã ứng viên: chỉ dùng chữ thường không dấu, số và '-'"
                   + (f" (ví dụ '{suggestion}{path.suffix}')" if suggestion else "") + ". Hãy đổi tên tệp.",
                   f"The file name '{path.name}' cannot be used as a candidate id: use only lowercase letters "
                   "without diacritics, digits and '-'"
                   + (f" (for example '{suggestion}{path.suffix}')" if suggestion else "") + ". Rename the file."),
                file=rel, line=None, key=None, clause="dossier", code="file.bad_id"))
            continue
        if any(c.id == path.stem for c in rnd.candidates):
            findings.append(Finding(
                Severity.ERROR, tr(f"Mã '{path.stem}' trùng với một tệp khác (.yaml và .yml): hãy xóa một tệp.",
                                   f"The id '{path.stem}' is used by another file too (.yaml and .yml): "
                                   "delete one of the two files."),
                file=rel, line=None, clause="dossier", code="file.duplicate_id"))
            continue
        cand, errs = load_candidate(path, folder)
        rnd.candidates.append(cand)
        findings.extend(errs)
    if not cand_dir.is_dir() and sub_path.is_file():
        findings.append(Finding(
            Severity.ERROR, tr("Chưa có thư mục candidates/ (mỗi ứng viên một tệp .yaml): hãy tạo thư mục đó "
                               "hoặc dùng `dhtt-docs new individual <mã>`.",
                               "There is no candidates/ folder yet (one .yaml file per candidate): create it "
                               "or use `dhtt-docs new individual <id>`."), file=CANDIDATES_DIR, line=None, clause="III.1",
            code="file.no_candidates"))
    rnd.findings = findings
    return rnd
