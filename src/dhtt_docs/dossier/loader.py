"""Load a round folder (submission.yaml + candidates/*.yaml) into typed models.

Every problem becomes a finding naming file, line and key; all problems of a
file are reported in one run. Nothing here raises for bad input.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.dossier.schema import Collective, Individual, Submission
from dhtt_docs.vocab import match_kind, slugify
from dhtt_docs.dossier.labels import describe, field_label
from dhtt_docs.dossier.yamlsource import MAX_FINDINGS_PER_FILE, SourceMap, cap_findings, parse_yaml_text, path_to_key, read_yaml

if TYPE_CHECKING:
    from dhtt_docs.dossier.parsecache import ParseMemo

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
    raw_name: str | None = None                # the name as written, when the file has errors elsewhere

    @property
    def name(self) -> str:
        if self.model is not None:
            return self.model.display_name
        return self.raw_name or self.id

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
    submission_data: Any = None                              # submission.yaml as read, even when invalid
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


_NO_DATA = object()


def clean_loc(loc: tuple, data: Any = _NO_DATA) -> tuple:
    """Drop pydantic's internal parts ('[key]', 'function-after[...]', 'list[...]') from a location.

    The location is walked along the data that was validated, so a user's own
    key that looks like one of pydantic's ('note[1]', 'list[int]') is kept; past
    the data (a missing field) only pydantic's own shapes are dropped. Any
    location shape is safe: the result may be empty.
    """
    out = []
    cur = data
    for part in loc:
        if not isinstance(part, (str, int)):
            part = str(part)
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
            continue
        if isinstance(cur, list) and isinstance(part, int) and not isinstance(part, bool) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
            continue
        if isinstance(part, str) and (part == "[key]" or _PYDANTIC_PART.match(part)):
            continue
        out.append(part)
        cur = _NO_DATA
    return tuple(out)


_PYDANTIC_PART = re.compile(r"^(function-(before|after|wrap|plain)|list|dict|set|tuple|frozenset|"
                            r"nullable|default|union|tagged-union|lax-or-strict|json-or-python|chain|"
                            r"is-instance|literal)\[.*\]$")


def _shown(got: Any) -> Text:
    if isinstance(got, (dict, list)) or got is None:
        return t("", "")
    text = str(got)
    text = text if len(text) <= 80 else text[:77] + "..."
    return t(f" (đang ghi '{text}')", f" (currently '{text}')")


def schema_error_words(e: dict) -> Text:
    """What one pydantic error says, in both languages (where it is, the caller says): also the Excel import's."""
    etype = str(e.get("type", ""))
    ctx = e.get("ctx") or {}
    if etype == "dhtt" and isinstance(ctx.get("vi"), str) and isinstance(ctx.get("en"), str):
        return t(ctx["vi"], ctx["en"])
    if etype in _TYPE_WORDS:
        return t(*_TYPE_WORDS[etype]) + _shown(e.get("input"))
    detail = str(e.get("msg", "")) or etype
    return t(f"giá trị không hợp lệ ({detail})", f"the value is not valid ({detail})")


def _one_finding(e: dict, model: type[BaseModel], source: SourceMap, clause: str, data: Any = _NO_DATA) -> Finding:
    loc = clean_loc(tuple(e.get("loc") or ()), data)
    key = path_to_key(loc) or None
    where = source.at(*loc)
    etype = str(e.get("type", ""))
    last = str(loc[-1]) if loc else ""
    parent = loc[:-1]
    if etype == "missing" and loc:
        label = field_label(loc)
        named = t(f"'{last}'", f"'{last}'") + ((t(" (", " (") + label + ")") if label else "")
        msg = t(f"Thiếu trường bắt buộc {named.vi}: hãy thêm dòng '{last}: ...'",
                f"Missing required field {named.en}: add a line '{last}: ...'")
        if parent:
            msg += t(f" trong nhóm '{path_to_key(parent)}'", f" in the group '{path_to_key(parent)}'")
        msg += "."
        where = source.at(*parent) | {"key": key}
    elif etype == "extra_forbidden" and loc:
        owner = _model_at(model, parent)
        known = list(owner.model_fields) if owner else []
        hint = difflib.get_close_matches(last, known, n=1, cutoff=0.5)
        msg = t(f"Trường '{last}' không có trong mẫu hồ sơ", f"Field '{last}' is not part of the dossier template")
        if hint:
            msg += t(f": có phải '{hint[0]}'? Hãy sửa tên trường thành '{hint[0]}'.",
                     f": did you mean '{hint[0]}'? Rename the field to '{hint[0]}'.")
        elif known:
            msg += t(f"; các trường hợp lệ ở đây: {', '.join(known)}.",
                     f"; the valid fields here are: {', '.join(known)}.")
        else:
            msg += "."
    else:
        words = schema_error_words(e)
        msg = (describe(loc) + ": " + words + ".") if loc else (words + ".")
    msg = t(msg.vi[:1].upper() + msg.vi[1:], msg.en[:1].upper() + msg.en[1:])
    return Finding(Severity.ERROR, msg, clause=clause, code=f"schema.{etype or 'invalid'}", **where)


def validation_findings(err: ValidationError, model: type[BaseModel], source: SourceMap,
                        clause: str = "dossier", data: Any = _NO_DATA) -> list[Finding]:
    errors = err.errors(include_url=False)
    # Past the cap a finding is only counted (cap_findings): spare it the wording and the 'did you mean'.
    cheap = Finding(Severity.ERROR, t("", ""), file=source.file, clause=clause, code="schema.more")
    return [_one_finding(e, model, source, clause, data) if i <= MAX_FINDINGS_PER_FILE else cheap
            for i, e in enumerate(errors)]


def _validate(model: type[BaseModel], data: Any, source: SourceMap) -> tuple[Any, list[Finding]]:
    if not isinstance(data, dict):
        what = (t("một danh sách", "a list") if isinstance(data, list)
                else t(f"một dòng chữ ('{str(data)[:60]}')", f"a single value ('{str(data)[:60]}')"))
        return None, [Finding(Severity.ERROR,
                              t(f"Tệp phải là một nhóm trường 'tên: giá trị' (mỗi trường một dòng), "
                                f"nhưng đang là {what.vi}. Hãy viết lại theo mẫu (lệnh `dhtt-docs new`).",
                                f"The file must be a group of 'name: value' fields (one field per line), "
                                f"but it is {what.en}. Write it again following the template "
                                "(the `dhtt-docs new` command)."),
                              file=source.file, line=source.line(), clause="dossier", code="schema.root")]
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        return None, validation_findings(err, model, source, data=data)


# --- the round ---------------------------------------------------------------


class LoadedCandidates:
    """Candidates loaded by earlier builds of this process (the warm builder), by file and bytes.

    A file whose bytes are the same as when it was loaded gives the same candidate and findings
    without being parsed and checked against the schema again (the candidate is not changed once
    loaded; its findings are frozen). Only the files of the last round loaded are kept.
    """

    def __init__(self) -> None:
        self._by_file: dict[tuple[str, str], tuple[str, Candidate, tuple[Finding, ...]]] = {}
        self._seen: set[tuple[str, str]] = set()

    def load(self, path: Path, folder: Path, memo: ParseMemo | None) -> tuple[Candidate, list[Finding]]:
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        key = (os.fspath(path), os.fspath(folder))
        self._seen.add(key)
        known = self._by_file.get(key)
        if known is not None and known[0] == digest:
            if memo is not None:
                memo.keep(known[1].file, digest)
            return known[1], list(known[2])
        cand, findings = load_candidate(path, folder, memo=memo, raw=raw)
        self._by_file[key] = (digest, cand, tuple(findings))
        return cand, findings

    def forget_unseen(self) -> None:
        """Drop the files not loaded since the last call (another round, a file gone)."""
        self._by_file = {k: v for k, v in self._by_file.items() if k in self._seen}
        self._seen = set()


def load_candidate(path: Path, folder: Path, text: str | None = None,
                   memo: ParseMemo | None = None, raw: bytes | None = None) -> tuple[Candidate, list[Finding]]:
    """One candidate file; with `text`, that text stands for the file's content (the web form's unsaved edits).

    `memo`: files parsed before, found again by their bytes (a rebuild parses only what changed).
    `raw`: the file's bytes, when the caller has read them already.
    """
    rel = path.relative_to(folder).as_posix()
    doc = read_yaml(path, rel, memo, raw) if text is None else parse_yaml_text(text, rel)
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
                    t("Thiếu trường 'kind': ghi 'kind: individual' (cá nhân) hoặc 'kind: collective' (tập thể) "
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
    return Candidate(cid, rel, path, doc.source, model, kind, _readable_name(doc.data)), findings


def _readable_name(data: Any) -> str | None:
    """full_name (or name) as written, if it is a usable line of text, to name a candidate whose file has errors."""
    if not isinstance(data, dict):
        return None
    for key in ("full_name", "name"):
        value = data.get(key)
        if isinstance(value, str) and value.strip() and "\n" not in value.strip() and len(value) <= 200:
            return " ".join(value.split())
    return None


def load_submission(path: Path, text: str | None = None, memo: ParseMemo | None = None
                    ) -> tuple[Submission | None, SourceMap, list[Finding], Any]:
    """submission.yaml: the model, the lines, the findings and the data as read (even when invalid).

    With `text`, that text stands for the file's content (the web form's unsaved edits).
    """
    doc = read_yaml(path, SUBMISSION_FILE, memo) if text is None else parse_yaml_text(text, SUBMISSION_FILE)
    findings = list(doc.findings)
    submission = None
    if doc.data is not None:
        submission, errs = _validate(Submission, doc.data, doc.source)
        findings.extend(errs)
    return submission, doc.source, findings, doc.data


def load_round(folder: Path, memo: ParseMemo | None = None, loaded: LoadedCandidates | None = None) -> Round:
    """Read a round folder. Problems are in `round.findings`; never raises for content.

    `memo`: files parsed before, found again by their bytes (`dossier/parsecache.py`).
    `loaded`: candidates this process loaded before (the warm builder), found again by their bytes.
    """
    folder = Path(folder)
    sub_path = folder / SUBMISSION_FILE
    findings: list[Finding] = []
    submission = None
    raw = None
    source = SourceMap(SUBMISSION_FILE)
    if not sub_path.is_file():
        findings.append(Finding(
            Severity.ERROR,
            t(f"Không thấy tệp {SUBMISSION_FILE} trong thư mục '{folder}'. Hãy chạy lệnh trong thư mục của đợt xét, "
               "hoặc tạo đợt mới bằng `dhtt-docs init <thư mục>`.",
               f"No {SUBMISSION_FILE} file in the folder '{folder}'. Run the command in the folder of the round, "
               "or create a new round with `dhtt-docs init <folder>`."),
            file=SUBMISSION_FILE, line=None, clause="dossier", code="file.missing"))
    else:
        submission, source, errs, raw = load_submission(sub_path, memo=memo)
        findings.extend(errs)

    rnd = Round(folder, submission, source, submission_data=raw)
    cand_dir = folder / CANDIDATES_DIR
    files = sorted(cand_dir.glob("*")) if cand_dir.is_dir() else []
    seen: set[str] = set()   # ids already taken (a set: 500 candidates are not 125,000 comparisons)
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() not in (".yaml", ".yml"):
            findings.append(Finding(
                Severity.WARNING,
                t(f"Tệp '{path.name}' trong candidates/ không phải tệp .yaml nên bị bỏ qua. "
                   "Hồ sơ mỗi ứng viên là một tệp .yaml; bản quét hãy để trong attachments/.",
                   f"The file '{path.name}' in candidates/ is not a .yaml file, so it was skipped. "
                   "Each candidate dossier is one .yaml file; put scans in attachments/."),
                file=rel, line=None, clause="dossier", code="file.ignored"))
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            findings.append(Finding(
                Severity.ERROR, t(f"Tệp '{rel}' là liên kết trỏ ra ngoài thư mục đợt xét: hãy chép tệp thật vào đây.",
                                   f"The file '{rel}' is a link pointing outside the round folder: "
                                   "copy the real file here instead."),
                file=rel, line=None, clause="dossier", code="file.outside"))
            continue
        if not ID_RX.match(path.stem):
            suggestion = slugify(path.stem)
            findings.append(Finding(
                Severity.ERROR,
                t(f"Tên tệp '{path.name}' không dùng được làm mã ứng viên: chỉ dùng chữ thường không dấu, số và '-'"
                   + (f" (ví dụ '{suggestion}{path.suffix}')" if suggestion else "") + ". Hãy đổi tên tệp.",
                   f"The file name '{path.name}' cannot be used as a candidate id: use only lowercase letters "
                   "without diacritics, digits and '-'"
                   + (f" (for example '{suggestion}{path.suffix}')" if suggestion else "") + ". Rename the file."),
                file=rel, line=None, key=None, clause="dossier", code="file.bad_id"))
            continue
        if path.stem in seen:
            findings.append(Finding(
                Severity.ERROR, t(f"Mã '{path.stem}' trùng với một tệp khác (.yaml và .yml): hãy xóa một tệp.",
                                   f"The id '{path.stem}' is used by another file too (.yaml and .yml): "
                                   "delete one of the two files."),
                file=rel, line=None, clause="dossier", code="file.duplicate_id"))
            continue
        if loaded is not None:
            cand, errs = loaded.load(path, folder, memo)
        else:
            cand, errs = load_candidate(path, folder, memo=memo)
        seen.add(cand.id)
        rnd.candidates.append(cand)
        findings.extend(errs)
    if not cand_dir.is_dir() and sub_path.is_file():
        findings.append(Finding(
            Severity.ERROR, t("Chưa có thư mục candidates/ (mỗi ứng viên một tệp .yaml): hãy tạo thư mục đó "
                               "hoặc dùng `dhtt-docs new individual <mã>`.",
                               "There is no candidates/ folder yet (one .yaml file per candidate): create it "
                               "or use `dhtt-docs new individual <id>`."), file=CANDIDATES_DIR, line=None, clause="dossier",
            code="file.no_candidates"))
    if loaded is not None:
        loaded.forget_unseen()
    rnd.findings = cap_findings(findings)
    return rnd
