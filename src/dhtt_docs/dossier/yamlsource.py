"""Read one YAML file of a dossier safely, keeping the line of every value.

PyYAML's constructors lose positions and keep the last of two duplicate keys
silently. Here the composed node tree is walked by hand instead, so that:

- every value's path ("council.members[2].present") maps to its line;
- duplicate keys, anchors/aliases, merge keys and object tags are findings;
- text is Unicode NFC, with zero-width and XML-illegal control characters
  removed (with a warning naming the field);
- dates stay text (parsing them, ISO or day/month/year, is the schema's job,
  so "2023-02-30" is reported, not crashed on);
- a document with nothing in it ('---' alone, a directive then '---', null)
  is an error on its line, never a silently empty candidate;
- `cap_findings` keeps at most 200 findings per file, and counts the rest;
- bad bytes (not UTF-8, UTF-16, NUL, too large) are explained, never raised.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.vnformat import format_number
from dhtt_docs.i18n import Text, t

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_STRING = 100_000

Path_ = tuple  # a value's path: keys and list indexes


def path_to_key(path: Path_) -> str:
    """('council', 'members', 2, 'present') -> 'council.members[2].present'."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool) and out and not out.endswith("."):
            # list index (keys that are years are ints too; they read better dotted)
            out += f"[{part}]" if _is_index(part) else f".{part}"
        else:
            out += ("." if out else "") + str(part)
    return out


def _is_index(part: int) -> bool:
    return 0 <= part < 1000


@dataclass
class SourceMap:
    """Where each value of one file stands: file (relative to the round) and lines."""

    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path) -> int | None:
        """Line of the value at path, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def at(self, *path) -> dict:
        """file, line and key for a Finding at this path."""
        return {"file": self.file, "line": self.line(*path), "key": path_to_key(path) or None}


# Characters that are invisible or illegal in XML 1.0 (and so in DOCX).
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff" + _ZERO_WIDTH + "]"
)


def clean_text(s: str) -> str:
    """NFC, no zero-width or XML-illegal characters, Windows line ends folded."""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _ILLEGAL.sub("", s)
    return unicodedata.normalize("NFC", s)


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type: dates stay text."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):
        """The same, parsed by libyaml (about 4x faster than the pure-Python parser)."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _Loader

# libyaml's composer recurses in C: a file nested deeper than this goes to the
# pure-Python parser, which stops at Python's recursion limit instead of crashing.
_FAST_MAX_BRACKETS = 64
_FAST_MAX_INDENT = 256


_DEEP_INDENT = re.compile(rf"^ {{{_FAST_MAX_INDENT + 1}}}", re.M)


def _loader_for(text: str) -> type:
    if _DEEP_INDENT.search(text):
        return _Loader
    if text.count("[") + text.count("{") <= _FAST_MAX_BRACKETS:
        return _FastLoader   # nesting cannot be deeper than the brackets opened
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch in "]}":
            depth = max(0, depth - 1)
    return _Loader if deepest > _FAST_MAX_BRACKETS else _FastLoader


class _Problem(Exception):
    def __init__(self, message: Text, path: Path_, line: int | None, code: str):
        super().__init__(message)
        self.message, self.path, self.line, self.code = message, path, line, code


@dataclass
class YamlDoc:
    data: Any
    source: SourceMap
    findings: list[Finding]


def _decode(raw: bytes, rel: str, findings: list[Finding]) -> str | None:
    def err(msg: str, code: str, line: int | None = 1) -> None:
        findings.append(Finding(Severity.ERROR, msg, file=rel, line=line, code=code, clause="dossier"))

    if len(raw) > MAX_FILE_BYTES:
        err(t(f"Tệp quá lớn ({format_number(len(raw))} byte; tối đa {format_number(MAX_FILE_BYTES)}). "
               "Một hồ sơ YAML chỉ chứa chữ: hãy để ảnh, bản quét vào thư mục attachments/.",
               f"The file is too large ({len(raw):,} bytes; at most {MAX_FILE_BYTES:,}). A YAML dossier holds "
               "only text: put photos and scans in the attachments/ folder."), "file.too_large")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        err(t("Tệp được lưu bằng mã UTF-16. Hãy mở tệp và lưu lại với mã UTF-8 "
               "(Notepad: Save As → Encoding: UTF-8).",
               "The file is saved in the UTF-16 encoding. Open it and save it again as UTF-8 "
               "(Notepad: Save As → Encoding: UTF-8)."), "file.encoding")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 BOM is harmless: Notepad writes it
    if b"\x00" in raw:
        err(t("Tệp chứa byte NUL: đây không phải tệp văn bản YAML (có thể là tệp Word/Excel đổi tên). "
               "Hãy ghi lại nội dung bằng một trình soạn thảo văn bản, lưu với mã UTF-8.",
               "The file contains NUL bytes: it is not a YAML text file (perhaps a renamed Word/Excel file). "
               "Write the content again in a text editor and save it as UTF-8."), "file.binary")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        err(t("Tệp không phải mã UTF-8 (byte lạ ở dòng %d). Có thể tệp được gõ bằng bảng mã cũ "
               "(Windows-1258, TCVN3/ABC, VNI): hãy mở bằng Unikey → Công cụ chuyển mã, hoặc trình soạn thảo, "
               "và lưu lại với mã Unicode UTF-8." % line,
               "The file is not UTF-8 encoded (unexpected byte at line %d). It was probably typed in a legacy "
               "Vietnamese encoding (Windows-1258, TCVN3/ABC, VNI): convert it with Unikey → Công cụ chuyển mã "
               "(conversion tool), or open it in a text editor, and save it again as Unicode UTF-8." % line),
            "file.encoding", line)
        return None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        err(t("Tệp rỗng: chưa có nội dung nào. Hãy điền các trường theo mẫu "
               "(lệnh `dhtt-docs new` hoặc `dhtt-docs init` tạo tệp mẫu).",
               "The file is empty: it has no content yet. Fill in the fields of the template "
               "(the `dhtt-docs new` or `dhtt-docs init` command creates a template file)."), "file.empty")
        return None
    return text


def read_yaml(path: Path, rel: str, memo=None, raw: bytes | None = None) -> YamlDoc:
    """Parse one file; never raises for bad content (OSError aside).

    `memo` (a `parsecache.ParseMemo`): the earlier result when the file's bytes are the same.
    `raw`: the file's bytes, when the caller has read them already.
    """
    raw = path.read_bytes() if raw is None else raw
    if memo is not None:
        known = memo.get(rel, raw)
        if known is not None:
            return known
    findings: list[Finding] = []
    source = SourceMap(rel)
    text = _decode(raw, rel, findings)
    doc = YamlDoc(None, source, findings) if text is None else parse_yaml_text(text, rel, source, findings)
    if memo is not None:
        memo.put(rel, doc)
    return doc


_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _drop_raw_controls(text: str, rel: str, findings: list[Finding]) -> str:
    """YAML refuses control characters anywhere; text pasted from PDFs has them. Drop and say where."""
    if not _RAW_CONTROL.search(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _RAW_CONTROL.search(line):
            findings.append(Finding(
                Severity.WARNING,
                t(f"Dòng {i + 1} có ký tự điều khiển không in được (thường do sao chép từ PDF, web): đã bỏ các ký tự "
                   "đó. Hãy xem lại dòng này.",
                   f"Line {i + 1} has non-printing control characters (usually copied from a PDF or a web page): "
                   "they were removed. Check this line again."), file=rel, line=i + 1, clause="dossier", code="value.invisible_chars"))
            lines[i] = _RAW_CONTROL.sub("", line)
    return "\n".join(lines)


def parse_yaml_text(text: str, rel: str, source: SourceMap | None = None,
                    findings: list[Finding] | None = None) -> YamlDoc:
    source = source or SourceMap(rel)
    findings = findings if findings is not None else []
    text = _drop_raw_controls(text, rel, findings)
    loader = None
    try:
        try:
            loader = _loader_for(text)(text)
            node = loader.get_single_node()
        except yaml.YAMLError:
            if isinstance(loader, _Loader):
                raise
            # libyaml's messages are terser: the pure-Python parser explains the same error better
            loader = None
            loader = _Loader(text)
            node = loader.get_single_node()
        finally:
            if loader is not None:
                loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        problem = (e.problem or e.context or "invalid syntax").strip()
        why = _explain_yaml(problem)
        findings.append(Finding(
            Severity.ERROR,
            t(f"Lỗi cú pháp YAML ở dòng {line}: {problem} ({why.vi}).",
              f"YAML syntax error at line {line}: {problem} ({why.en})."),
            file=rel, line=line, clause="dossier", code="yaml.syntax"))
        return YamlDoc(None, source, findings)
    except yaml.YAMLError as e:
        line = text[: getattr(e, "position", 0) or 0].count("\n") + 1
        findings.append(Finding(Severity.ERROR,
                                t(f"Không đọc được tệp YAML ở dòng {line} ({e}). Hãy kiểm tra dòng đó.",
                                   f"Could not read the YAML file at line {line} ({e}). Check that line."),
                                file=rel, line=line, clause="dossier", code="yaml.syntax"))
        return YamlDoc(None, source, findings)
    except RecursionError:
        findings.append(Finding(Severity.ERROR,
                                t("Tệp lồng quá nhiều cấp (ngoặc [ ] hoặc { } lồng nhau quá sâu): "
                                   "hồ sơ chỉ cần vài cấp; hãy viết lại theo mẫu.",
                                   "The file is nested too deeply (brackets [ ] or { } inside each other too many "
                                   "times): a dossier needs only a few levels; rewrite it following the template."),
                                file=rel, line=1,
                                clause="dossier", code="yaml.depth"))
        return YamlDoc(None, source, findings)
    if node is None:
        findings.append(Finding(Severity.ERROR, t("Tệp rỗng: chưa có nội dung nào.",
                                                   "The file is empty: it has no content yet."), file=rel, line=1,
                                clause="dossier", code="file.empty"))
        return YamlDoc(None, source, findings)
    walker = _Walker(loader, source, findings)
    try:
        data = walker.build(node, ())
    except _Problem as p:
        findings.append(Finding(Severity.ERROR, p.message, file=rel, line=p.line,
                                key=path_to_key(p.path) or None, clause="dossier", code=p.code))
        return YamlDoc(None, source, findings)
    if data is None or data == "":
        # '---' alone, '%YAML 1.2' then '---', '~' or 'null': a document with nothing in it.
        lines = text.splitlines()
        line = min(node.start_mark.line + 1, max(1, len(lines)))
        marker = [i + 1 for i in range(line) if i < len(lines) and lines[i].startswith("---")]
        line = marker[-1] if marker else line
        findings.append(Finding(
            Severity.ERROR,
            t(f"Tệp không có nội dung (dòng {line} chỉ có dấu '---', chỉ thị '%YAML' hoặc giá trị rỗng). "
              "Hãy điền các trường theo mẫu (lệnh `dhtt-docs new` tạo tệp mẫu).",
              f"The file has no content (line {line} holds only '---', a '%YAML' directive or an empty value). "
              "Fill in the fields of the template (the `dhtt-docs new` command creates a template file)."),
            file=rel, line=line, clause="dossier", code="file.empty"))
        return YamlDoc(None, source, findings)
    return YamlDoc(data, source, findings)


def _explain_yaml(problem: str) -> Text:
    p = problem.lower()
    if "mapping values are not allowed" in p:
        return t("có dấu ':' trong giá trị; hãy đặt cả giá trị trong ngoặc kép \"...\"",
                  "a value contains ':'; put the whole value in double quotes \"...\"")
    if "could not find expected ':'" in p:
        return t("thiếu dấu ':' sau tên trường, hoặc thụt lề sai",
                  "a ':' is missing after a field name, or the indentation is wrong")
    if "found character '\\t'" in p or "tab" in p:
        return t("YAML không dùng phím Tab để thụt lề; hãy thay bằng dấu cách",
                  "YAML does not allow the Tab key for indentation; use spaces instead")
    if "expected <block end>" in p or "did not find expected key" in p:
        return t("thụt lề không đều: các trường cùng cấp phải thẳng cột",
                  "uneven indentation: fields at the same level must line up in the same column")
    if "found unacceptable character" in p or "special characters" in p:
        return t("có ký tự điều khiển không in được (thường do sao chép từ PDF); hãy gõ lại đoạn đó",
                  "there are non-printing control characters (usually copied from a PDF); retype that passage")
    if "unclosed" in p or "found unexpected end of stream" in p:
        return t("thiếu dấu ngoặc kép hoặc ngoặc đóng",
                  "a closing quote or bracket is missing")
    return t("hãy kiểm tra thụt lề và dấu ':' ở dòng đó và dòng trên",
              "check the indentation and the ':' signs on that line and the line above")


_STR = "tag:yaml.org,2002:str"


class _Walker:
    def __init__(self, loader: _Loader, source: SourceMap, findings: list[Finding]):
        self.loader, self.source, self.findings = loader, source, findings
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        line = node.start_mark.line + 1
        if len(path) > MAX_DEPTH:
            raise _Problem(t("Tệp lồng quá nhiều cấp: hồ sơ chỉ cần vài cấp; hãy viết lại theo mẫu.",
                              "The file is nested too deeply: a dossier needs only a few levels; "
                              "rewrite it following the template."),
                           path, line, "yaml.depth")
        if id(node) in self.seen:
            raise _Problem(t("Không dùng anchor/alias (&tên, *tên) trong hồ sơ: hãy viết đầy đủ giá trị ở mỗi chỗ.",
                              "Anchors and aliases (&name, *name) are not allowed in a dossier: "
                              "write the full value out in each place."),
                           path, self.source.lines.get(path, line), "yaml.alias")
        self.seen.add(id(node))
        self.source.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                raise self._tag_problem(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self._tag_problem(node, path)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _tag_problem(self, node: yaml.Node, path: Path_) -> _Problem:
        return _Problem(t(f"Thẻ YAML '{node.tag}' không được phép: hồ sơ chỉ chứa chữ, số, danh sách. "
                           "Hãy xóa thẻ đó (phần bắt đầu bằng '!').",
                           f"The YAML tag '{node.tag}' is not allowed: a dossier holds only text, numbers and lists. "
                           "Delete the tag (the part starting with '!')."), path, node.start_mark.line + 1, "yaml.tag")

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        if node.tag == _STR:
            value = node.value          # what construct_object gives a str node, without its bookkeeping
        elif node.tag.startswith("tag:yaml.org,2002:") and node.tag.rsplit(":", 1)[1] in (
                "str", "int", "float", "bool", "null"):
            try:
                value = self.loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError):
                value = node.value
        elif node.tag == "tag:yaml.org,2002:timestamp":
            value = node.value  # explicit !!timestamp: keep as text, the schema parses it
        else:
            raise self._tag_problem(node, path)
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise _Problem(t(f"Giá trị quá dài ({len(value)} ký tự; tối đa {MAX_STRING}). "
                                  "Hãy rút gọn hoặc chia thành nhiều đoạn.",
                                  f"The value is too long ({len(value)} characters; at most {MAX_STRING}). "
                                  "Shorten it or split it into several parts."), path, node.start_mark.line + 1,
                               "value.too_long")
            if "\r" not in value and not _ILLEGAL.search(value):
                return unicodedata.normalize("NFC", value)    # clean_text's answer for most values
            cleaned = clean_text(value)
            if _ILLEGAL.sub("", value.replace("\r", "")) != value.replace("\r", ""):
                self.findings.append(Finding(
                    Severity.WARNING,
                    t("Giá trị có ký tự ẩn hoặc ký tự điều khiển (thường do sao chép từ PDF, web): "
                       "đã bỏ các ký tự đó. Hãy xem lại đoạn chữ này.",
                       "The value has invisible or control characters (usually copied from a PDF or a web page): "
                       "they were removed. Check this text again."),
                    file=self.source.file, line=node.start_mark.line + 1, key=path_to_key(path) or None,
                    clause="dossier", code="value.invisible_chars"))
            value = cleaned
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            kline = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Problem(t("Không dùng khóa gộp '<<' trong hồ sơ: hãy viết đầy đủ các trường.",
                                  "Merge keys '<<' are not allowed in a dossier: write out every field in full."),
                               path, kline, "yaml.merge")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Problem(t("Tên trường phải là chữ hoặc số, không phải danh sách hay nhóm.",
                                  "A field name must be text or a number, not a list or a group."),
                               path, kline, "yaml.key")
            key = self._scalar(key_node, path)
            if isinstance(key, float) or key is None or isinstance(key, bool):
                key = key_node.value
            if key in out:
                first = self.source.lines.get(path + (key,))
                self.findings.append(Finding(
                    Severity.ERROR,
                    t(f"Trường '{key}' được khai hai lần (dòng {first} và dòng {kline}): "
                       "hãy giữ một và xóa dòng kia.",
                       f"Field '{key}' is written twice (lines {first} and {kline}): "
                       "keep one and delete the other line."),
                    file=self.source.file, line=kline, key=path_to_key(path + (key,)),
                    clause="dossier", code="yaml.duplicate_key"))
                continue
            self.source.lines[path + (key,)] = kline
            out[key] = self.build(value_node, path + (key,))
            self.source.lines[path + (key,)] = kline
        return out


#: At most this many findings per file; the rest are counted in one more finding.
MAX_FINDINGS_PER_FILE = 200


def cap_findings(findings: list[Finding], limit: int = MAX_FINDINGS_PER_FILE) -> list[Finding]:
    """Keep the first `limit` findings of each file (in the order given) and say how many more there were.

    A file with 50,000 wrong keys must not give a report nobody can read (or
    hundreds of megabytes of JSON): the first ones show what is wrong.
    """
    counts: dict[str | None, int] = {}
    dropped: dict[str | None, list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        n = counts.get(f.file, 0)
        counts[f.file] = n + 1
        if n < limit:
            out.append(f)
        else:
            dropped.setdefault(f.file, []).append(f)
    for file, rest in dropped.items():
        worst = min(rest, key=lambda f: f.severity.rank).severity
        more = len(rest)
        out.append(Finding(
            worst,
            t(f"Còn {format_number(more)} lỗi, cảnh báo khác trong tệp này không được liệt kê (chỉ hiện "
              f"{limit} mục đầu). Hãy sửa các mục trên rồi chạy lại để xem tiếp.",
              f"{more:,} more findings in this file are not listed (only the first {limit} are shown). "
              "Fix the ones above and run again to see the rest."),
            file=file, line=None, clause="dossier", code="findings.capped", params={"more": more, "limit": limit}))
    return out
