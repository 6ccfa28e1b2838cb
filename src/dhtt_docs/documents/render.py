"""DOCX documents from the templates: Tờ trình, Danh sách, Biên bản, Báo cáo thành tích.

* `render_documents(report, out_dir, templates_dir=None, draft=False)` writes
  to-trinh.docx, danh-sach.docx, bien-ban-hop-hoi-dong.docx and one
  bao-cao-thanh-tich-<id>.docx per candidate (collectives first, then
  individuals, in file order) and returns them in that order.
* `lint_templates(dir)` checks a user's templates before anything is
  rendered: Jinja syntax, variables that the context does not have, tags that
  Word split across runs or paragraphs. Each finding names the template file
  and the tag.
* `export_templates(dest)` copies the built-in templates out, to customise.

How each document is made (see known pitfalls of docxtpl): a fresh
DocxTemplate per document; Jinja with autoescape=True (a value containing
`&`, `<`, `>` or quotes stays text) and StrictUndefined (a misspelt variable is
an error, not an empty string); values are data and never evaluated, so
`{{ ... }}` typed in a dossier is printed as typed; XML-illegal characters
are dropped from the values (context.sanitize); with draft=True a boxed
"DỰ THẢO" is put in every header, the first-page one included; the saved
file is normalised (docxfix) so that the same input gives the same bytes.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, meta, nodes
from lxml import etree

from dhtt_docs.documents.context import (
    ROUND_NAMES,
    VARIABLES,
    RoundContext,
    Var,
    build_context,
    variables_markdown,
)
from dhtt_docs.documents.docxfix import normalize_docx
from dhtt_docs.exceptions import DhttError
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import tr
from dhtt_docs.rules.engine import Report

# Template kind -> file name (in templates/ and in a user's --templates folder).
TEMPLATE_FILES = {
    "to-trinh": "to-trinh.docx",
    "danh-sach": "danh-sach.docx",
    "bien-ban": "bien-ban-hop-hoi-dong.docx",
    "bao-cao-ca-nhan": "bao-cao-thanh-tich-ca-nhan.docx",
    "bao-cao-tap-the": "bao-cao-thanh-tich-tap-the.docx",
}
REPORT_KINDS = ("bao-cao-ca-nhan", "bao-cao-tap-the")
VARIABLES_FILE = "template-variables.md"
DRAFT_TEXT = "DỰ THẢO"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


class TemplateProblem(DhttError):
    """A template cannot be rendered; the message names the template and the tag."""


@dataclass(frozen=True)
class RenderedDocument:
    kind: str                    # "to-trinh", "danh-sach", "bien-ban", "bao-cao"
    candidate_id: str | None     # for "bao-cao"
    title: str                   # for bookmarks: "Tờ trình", "Báo cáo thành tích: Nguyễn Văn An"
    path: Path
    key: str = ""                # the build cache's key of its inputs, when built by the pipeline


# --- where the templates are --------------------------------------------------


def builtin_templates_dir() -> Path:
    """The templates shipped in the wheel (dhtt_docs/templates), else the repository's templates/."""
    try:
        shipped = resources.files("dhtt_docs") / "templates"
        if shipped.is_dir() and (shipped / TEMPLATE_FILES["to-trinh"]).is_file():
            return Path(str(shipped))
    except (ModuleNotFoundError, TypeError):   # pragma: no cover - unusual installs
        pass
    return Path(__file__).resolve().parents[3] / "templates"


def template_path(kind: str, templates_dir: Path | None = None) -> Path:
    """A user's template when the folder has one by that name, else the built-in one."""
    name = TEMPLATE_FILES[kind]
    if templates_dir is not None and (Path(templates_dir) / name).is_file():
        return Path(templates_dir) / name
    return builtin_templates_dir() / name


def export_templates(dest: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the built-in templates (and the list of variables) into `dest`; never overwrite by default."""
    dest = Path(dest)
    src = builtin_templates_dir()
    targets = [dest / name for name in TEMPLATE_FILES.values()] + [dest / VARIABLES_FILE]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        names = ", ".join(t.name for t in existing)
        raise DhttError(tr(f"Thư mục '{dest}' đã có {names}: không ghi đè. "
                           "Hãy chọn thư mục khác, hoặc xóa (đổi tên) các tệp đó rồi chạy lại.",
                           f"The folder '{dest}' already has {names}: not overwriting. "
                           "Choose another folder, or delete (rename) those files and run again."))
    dest.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES.values():
        shutil.copyfile(src / name, dest / name)
    (dest / VARIABLES_FILE).write_text(variables_markdown(), encoding="utf-8")
    return targets


# --- linting ----------------------------------------------------------------------

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN = re.compile(r"\{[{%#]")
_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}
_DOCXTPL_PREFIX = re.compile(r"^(\{[{%#])(?:p|tr|tc|r)\s")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_BLOCKS = {"for": "endfor", "if": "endif", "macro": "endmacro", "call": "endcall", "filter": "endfilter",
           "with": "endwith", "block": "endblock", "raw": "endraw"}
_DICT_METHODS = {"items", "keys", "values", "get"}
_ANY = object()


class _Environment(jinja2.Environment):
    """Compiles each template part once per process.

    docxtpl calls `from_string` for the body, every header and footer of every
    document; a round of 1000 candidates renders the same five templates 1003
    times, so the compiled parts are kept (keyed by their source, which
    includes every edit a user makes to a template).
    """

    _compiled: dict[tuple[str, bool], jinja2.Template] = {}
    _LIMIT = 256

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's name
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = (source, bool(self.autoescape))
        hit = self._compiled.get(key)
        if hit is None:
            if len(self._compiled) >= self._LIMIT:
                self._compiled.clear()
            hit = self._compiled[key] = super().from_string(source)
        return hit


_ENV = _Environment(autoescape=True, undefined=StrictUndefined)


def _env() -> jinja2.Environment:
    return _ENV


def _finding(severity: Severity, file: str, tag: str | None, code: str, message: str) -> Finding:
    return Finding(severity, message, file=file, key=tag, clause="template", code=f"template.{code}")


def _parts(doc) -> list[tuple[str, etree._Element]]:
    """(name, element) of the body and of every header and footer."""
    out = [(tr("văn bản", "body"), doc.element.body)]
    for rel in sorted(doc.part.rels.values(), key=lambda r: r.rId):
        if rel.reltype in (HEADER_REL, FOOTER_REL) and not rel.is_external:
            where = tr("đầu trang", "header") if rel.reltype == HEADER_REL else tr("chân trang", "footer")
            out.append((where, etree.fromstring(rel.target_part.blob)))
    return out


def _paragraph_texts(el: etree._Element) -> list[list[str]]:
    """For each paragraph, its w:t texts in order (the boundaries are where runs split)."""
    return [[t.text or "" for t in p.iter(f"{_W}t")] for p in el.iter(f"{_W}p")]


def _split_findings(file: str, el: etree._Element) -> list[Finding]:
    out = []
    for pieces in _paragraph_texts(el):
        text = "".join(pieces)
        if "{" not in text:
            continue
        bounds, pos = set(), 0
        for piece in pieces[:-1]:
            pos += len(piece)
            bounds.add(pos)
        para_tag = re.search(r"\{%-?\s*p\s.*?%\}", text)
        if para_tag and text.replace(para_tag.group(0), "").strip():
            out.append(_finding(
                Severity.WARNING, file, para_tag.group(0), "paragraph_text",
                tr(f"Mẫu {file}: đoạn có thẻ {para_tag.group(0)} còn chữ khác ('{text.strip()[:50]}'): cả đoạn bị thay "
                   "bằng thẻ khi lập văn bản nên phần chữ đó mất. Hãy để thẻ {%p ...%} đứng một mình một đoạn.",
                   f"Template {file}: the paragraph with the tag {para_tag.group(0)} has other text "
                   f"('{text.strip()[:50]}'): the whole paragraph is replaced by the tag when the document is made, "
                   "so that text is lost. Put the {%p ...%} tag alone in its own paragraph.")))
        covered = []
        for m in _TAG.finditer(text):
            covered.append((m.start(), m.end()))
            if any(m.start() < b < m.end() for b in bounds):
                out.append(_finding(
                    Severity.WARNING, file, m.group(0), "split",
                    tr(f"Mẫu {file}: thẻ {m.group(0)} bị Word tách thành nhiều đoạn định dạng (run). Hãy xóa cả thẻ "
                       "rồi gõ lại một lần, không đổi định dạng (đậm, nghiêng, cỡ chữ) giữa chừng.",
                       f"Template {file}: Word split the tag {m.group(0)} into several formatting runs. Delete the "
                       "whole tag and type it again in one go, without changing the formatting (bold, italic, "
                       "font size) in the middle.")))
        for m in _OPEN.finditer(text):
            if not any(s <= m.start() < e for s, e in covered):
                frag = text[m.start():m.start() + 40]
                closing = _CLOSE[m.group(0)]
                out.append(_finding(
                    Severity.ERROR, file, frag, "unclosed",
                    tr(f"Mẫu {file}: thẻ bắt đầu bằng '{frag}' không đóng trong cùng đoạn (thiếu '{closing}', "
                       "hoặc thẻ bị ngắt xuống dòng). Mỗi thẻ phải nằm trọn trong một đoạn.",
                       f"Template {file}: the tag starting with '{frag}' is not closed in the same paragraph "
                       f"('{closing}' is missing, or the tag was broken across lines). Each tag must lie entirely "
                       "within one paragraph.")))
    return out


def _clean_tag(tag: str) -> str:
    return _DOCXTPL_PREFIX.sub(r"\1 ", tag.translate(_QUOTES))


def _line_tags(xml_lines: list[str], lineno: int | None) -> list[str]:
    if not lineno or lineno > len(xml_lines):
        return []
    return _TAG.findall(re.sub(r"<[^>]+>", "", xml_lines[lineno - 1]))


_DOCXTPL_SPECIAL = {"colspan", "cellbg", "vm", "hm"}
_SIMPLE_STATEMENTS = {"set", "do", "break", "continue", "include", "import", "from"}


def _tag_word(tag: str) -> tuple[str, str]:
    """('p', 'for') for '{%p for x in y %}'; ('', '') for an expression."""
    m = re.match(r"\{%-?\s*(?:(p|tr|tc|r)\s+)?(\w*)", tag)
    return (m.group(1) or "", m.group(2)) if m else ("", "")


def _tag_error(tag: str, env: jinja2.Environment) -> str | None:
    """Jinja's complaint about one tag on its own (block tags are closed for the test), or None."""
    clean = _clean_tag(tag)
    if clean.startswith("{#"):
        return None
    if clean.startswith("{{"):
        source = clean
    else:
        _, word = _tag_word(tag)
        if word in _BLOCKS:
            source = clean + "{% " + _BLOCKS[word] + " %}"
        elif word in ("else", "elif"):
            source = "{% if x %}" + clean + "{% endif %}"
        elif word.startswith("end") or word in _DOCXTPL_SPECIAL:
            return None
        elif word in _SIMPLE_STATEMENTS:
            source = clean
        else:
            return tr(f"không có lệnh '{word}' (dùng for, if, elif, else, endfor, endif, set)",
                      f"there is no statement '{word}' (use for, if, elif, else, endfor, endif, set)")
    try:
        env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return exc.message
    return None


def _structure_error(tags: list[str]) -> tuple[str, str] | None:
    """The first block that is not closed, closed twice, or closed at another level (p/tr/tc)."""
    stack: list[tuple[str, str, str]] = []          # (word, level, tag)
    for tag in tags:
        level, word = _tag_word(tag)
        if word in _BLOCKS:
            stack.append((word, level, tag))
        elif word in ("else", "elif"):
            if not stack or stack[-1][0] not in ("if", "for"):
                return tag, tr(f"thẻ {tag} không nằm trong khối if/for nào",
                               f"the tag {tag} is not inside any if/for block")
        elif word.startswith("end") and word[3:] in _BLOCKS:
            if not stack:
                return tag, tr(f"thẻ đóng {tag} không có thẻ mở tương ứng: hãy xóa thẻ này",
                               f"the closing tag {tag} has no matching opening tag: delete it")
            open_word, open_level, open_tag = stack.pop()
            if _BLOCKS[open_word] != word:
                return open_tag, tr(f"khối {open_tag} chưa đóng thì đã gặp {tag}: hãy thêm thẻ đóng {_BLOCKS[open_word]}",
                                    f"the block {open_tag} is not closed before {tag}: add the closing tag "
                                    f"{_BLOCKS[open_word]}")
            if open_level != level:
                want = "{%" + (open_level + " " if open_level else " ") + word + " %}"
                return open_tag, tr(f"khối {open_tag} phải đóng bằng {want} (cùng loại p/tr/tc), "
                                    f"không phải {tag}",
                                    f"the block {open_tag} must be closed with {want} (the same p/tr/tc kind), "
                                    f"not {tag}")
    if stack:
        word, level, tag = stack[-1]
        want = "{%" + (level + " " if level else " ") + _BLOCKS[word] + " %}"
        return tag, tr(f"khối {tag} không có thẻ đóng {want}", f"the block {tag} has no closing tag {want}")
    return None


def _dotted(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_dotted(node.node)}[{arg!r}]"
    return "…"


def _check_paths(ast: nodes.Template, scope: dict) -> list[tuple[str, str, list[str], int]]:
    """Attributes that the documented context does not have: (path, attr, known, lineno)."""
    problems: list[tuple[str, str, list[str], int]] = []

    def resolve(node, scope):
        if isinstance(node, nodes.Name):
            return scope.get(node.name, _ANY)
        attr = None
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attr = node.arg.value
        if attr is not None:
            base = resolve(node.node, scope)
            if isinstance(base, Var) and base.fields is not None:
                if attr in base.fields:
                    return base.fields[attr]
                if attr not in _DICT_METHODS:
                    problems.append((_dotted(node), attr, list(base.fields), node.lineno))
            return _ANY
        if isinstance(node, nodes.Getitem):
            base = resolve(node.node, scope)
            walk(node.arg, scope)
            if isinstance(base, Var) and base.item is not None:
                return base if isinstance(node.arg, nodes.Slice) else base.item
            return _ANY
        walk(node, scope)
        return _ANY

    def bind(target, value, scope):
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for t in target.items:
                bind(t, _ANY, scope)

    def walk(node, scope):
        if isinstance(node, nodes.For):
            it = resolve(node.iter, scope)
            inner = dict(scope)
            bind(node.target, it.item if isinstance(it, Var) and it.item is not None else _ANY, inner)
            inner["loop"] = _ANY
            if node.test is not None:
                walk(node.test, inner)
            for n in node.body:
                walk(n, inner)
            for n in node.else_:
                walk(n, scope)
        elif isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            resolve(node, scope)
        elif isinstance(node, nodes.Assign):
            walk(node.node, scope)
            bind(node.target, _ANY, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for a in getattr(node, "args", []):
                bind(a, _ANY, inner)
            inner["caller"] = _ANY
            for n in node.body:
                walk(n, inner)
        else:
            for child in node.iter_child_nodes():
                walk(child, scope)

    walk(ast, dict(scope))
    return problems


def lint_template(path: Path, kind: str | None = None) -> list[Finding]:
    """Findings for one template file (kind: one of TEMPLATE_FILES, for the variables it may use)."""
    file = path.name
    try:
        tpl = DocxTemplate(str(path))
        doc = tpl.get_docx()
        parts = _parts(doc)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding, not a crash
        return [_finding(Severity.ERROR, file, None, "unreadable",
                         tr(f"Không mở được mẫu {file} ({type(exc).__name__}): tệp phải là văn bản Word .docx. "
                            "Hãy lưu lại bằng Word/LibreOffice dạng .docx, hoặc xuất lại mẫu gốc bằng "
                            "`dhtt-docs templates export`.",
                            f"Cannot open the template {file} ({type(exc).__name__}): it must be a Word .docx "
                            "document. Save it again as .docx with Word/LibreOffice, or export the original "
                            "templates again with `dhtt-docs templates export`."))]
    known = set(ROUND_NAMES) | ({"candidate"} if kind in REPORT_KINDS or kind is None else set())
    scope = {name: VARIABLES[name] for name in known}
    env = _env()
    out: list[Finding] = []
    for where, el in parts:
        out += _split_findings(file, el)
        raw_tags = [t for pieces in _paragraph_texts(el) for t in _TAG.findall("".join(pieces))]
        problems = [(t, err) for t in raw_tags if (err := _tag_error(t, env))]
        for tag, err in problems:
            out.append(_finding(Severity.ERROR, file, tag, "syntax",
                                tr(f"Mẫu {file} ({where}): thẻ {tag} viết sai ({err}). Viết như {{{{ unit.name }}}} "
                                   "hoặc {%p for x in danh_sach %} ... {%p endfor %}.",
                                   f"Template {file} ({where}): the tag {tag} is malformed ({err}). Write it like "
                                   "{{ unit.name }} or {%p for x in danh_sach %} ... {%p endfor %}.")))
        structure = None if problems else _structure_error(raw_tags)
        if structure:
            tag, err = structure
            out.append(_finding(Severity.ERROR, file, tag, "syntax",
                                tr(f"Mẫu {file} ({where}): {err}.", f"Template {file} ({where}): {err}.")))
        if problems or structure:
            continue
        xml = tpl.patch_xml(etree.tostring(el, encoding="unicode"))
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        lines = xml.split("\n")
        all_tags = _TAG.findall(re.sub(r"<[^>]+>", "", xml))
        try:
            ast = env.parse(xml)
        except jinja2.TemplateSyntaxError as exc:
            tags = _line_tags(lines, exc.lineno)
            tag = tags[-1] if tags else None
            out.append(_finding(Severity.ERROR, file, tag, "syntax",
                                tr(f"Mẫu {file} ({where}): thẻ {tag or '(không rõ)'} viết sai ({exc.message}). "
                                   "Kiểm tra chính tả của for/if/endfor/endif và các ngoặc.",
                                   f"Template {file} ({where}): the tag {tag or '(unknown)'} is malformed "
                                   f"({exc.message}). Check the spelling of for/if/endfor/endif and the brackets.")))
            continue
        for name in sorted(meta.find_undeclared_variables(ast) - known):
            tag = next((t for t in all_tags if re.search(rf"\b{re.escape(name)}\b", t)), None)
            hint = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            extra = (tr("; biến 'candidate' chỉ có trong mẫu báo cáo thành tích.",
                        "; the variable 'candidate' exists only in the achievement report templates.")
                     if name == "candidate" else
                     tr(f"; có phải '{hint[0]}'?", f"; did you mean '{hint[0]}'?") if hint else ".")
            out.append(_finding(Severity.ERROR, file, tag, "unknown",
                                tr(f"Mẫu {file} ({where}): thẻ {tag} dùng biến '{name}' không có trong dữ liệu{extra} "
                                   f"Danh sách biến: tệp {VARIABLES_FILE} (xuất cùng mẫu) hoặc docs/{VARIABLES_FILE}.",
                                   f"Template {file} ({where}): the tag {tag} uses the variable '{name}', which is "
                                   f"not in the data{extra} List of variables: the file {VARIABLES_FILE} (exported "
                                   f"with the templates) or docs/{VARIABLES_FILE}.")))
        for path_text, attr, fields, lineno in _check_paths(ast, scope):
            tags = [t for t in _line_tags(lines, lineno) if attr in t] or _line_tags(lines, lineno)
            tag = tags[0] if tags else path_text
            hint = difflib.get_close_matches(attr, fields, n=1, cutoff=0.6)
            out.append(_finding(Severity.ERROR, file, tag, "unknown",
                                tr(f"Mẫu {file} ({where}): thẻ {tag} dùng '{path_text}', nhưng không có trường '{attr}'"
                                   + (f"; có phải '{hint[0]}'?" if hint else f" (có: {', '.join(fields)}).")
                                   + f" Danh sách biến: {VARIABLES_FILE}.",
                                   f"Template {file} ({where}): the tag {tag} uses '{path_text}', but there is no "
                                   f"field '{attr}'"
                                   + (f"; did you mean '{hint[0]}'?" if hint else
                                      f" (available: {', '.join(fields)}).")
                                   + f" List of variables: {VARIABLES_FILE}.")))
    return out


def template_names(path: Path) -> frozenset[str] | None:
    """The top-level variables a template uses (body, headers, footers), or None if it cannot be parsed.

    The build cache keys a document on these values only, so that a change a
    document does not show (a vote, for a report) does not redo it.
    """
    try:
        tpl = DocxTemplate(str(path))
        names: set[str] = set()
        env = _env()
        for _where, el in _parts(tpl.get_docx()):
            xml = tpl.patch_xml(etree.tostring(el, encoding="unicode"))
            names |= meta.find_undeclared_variables(env.parse(xml))
        return frozenset(names)
    except Exception:  # noqa: BLE001 - then the key covers the whole context
        return None


def lint_templates(templates_dir: Path) -> list[Finding]:
    """Check every template of a folder: errors stop the build before anything is rendered."""
    templates_dir = Path(templates_dir)
    if not templates_dir.is_dir():
        return [_finding(Severity.ERROR, str(templates_dir), None, "no_folder",
                         tr(f"Không thấy thư mục mẫu '{templates_dir}'. Tạo bằng `dhtt-docs templates export "
                            f"{templates_dir}`.",
                            f"Template folder '{templates_dir}' not found. Create it with "
                            f"`dhtt-docs templates export {templates_dir}`."))]
    by_name = {name: kind for kind, name in TEMPLATE_FILES.items()}
    out: list[Finding] = []
    for path in sorted(templates_dir.glob("*.docx")):
        if path.name.startswith(("~$", ".")):
            continue   # Word's lock file of an open document
        kind = by_name.get(path.name)
        if kind is None:
            hint = difflib.get_close_matches(path.name, list(by_name), n=1, cutoff=0.6)
            out.append(_finding(Severity.WARNING, path.name, None, "unused",
                                tr(f"Tệp {path.name} trong thư mục mẫu không được dùng: tên mẫu phải là một trong "
                                   f"{', '.join(TEMPLATE_FILES.values())}"
                                   + (f" (có phải '{hint[0]}'?)." if hint else "."),
                                   f"{path.name} in the template folder is not used: a template must be named one of "
                                   f"{', '.join(TEMPLATE_FILES.values())}"
                                   + (f" (did you mean '{hint[0]}'?)." if hint else "."))))
            continue
        out += lint_template(path, kind)
    for kind, name in TEMPLATE_FILES.items():
        if not (templates_dir / name).is_file():
            out.append(_finding(Severity.INFO, name, None, "builtin",
                                tr(f"Thư mục mẫu không có {name}: dùng mẫu có sẵn.",
                                   f"The template folder has no {name}: using the built-in template.")))
    return out


# --- rendering --------------------------------------------------------------------------

_DRAFT_XML = (
    f'<w:p xmlns:w="{W_NS}"><w:pPr><w:framePr w:w="2268" w:hSpace="142" w:wrap="around" w:vAnchor="page" '
    'w:hAnchor="margin" w:xAlign="right" w:y="284"/><w:pBdr>'
    + "".join(f'<w:{s} w:val="single" w:sz="12" w:space="1" w:color="auto"/>' for s in ("top", "left", "bottom", "right"))
    + '</w:pBdr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    '<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" '
    'w:eastAsia="Times New Roman"/><w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr>'
    f"<w:t>{DRAFT_TEXT}</w:t></w:r></w:p>"
)


def _mark_draft(doc) -> None:
    """A boxed 'DỰ THẢO' at the top right of every page: in every header, the first-page one included."""
    sec = doc.sections[0]
    wanted = [sec.header] + ([sec.first_page_header] if sec.different_first_page_header_footer else []) \
        + ([sec.even_page_header] if doc.settings.odd_and_even_pages_header_footer else [])
    for h in wanted:
        if h.is_linked_to_previous:      # a page type with no header yet: give it one
            h.is_linked_to_previous = False
    # docxtpl replaced the rendered header parts behind python-docx's back (rel._target),
    # so walk the relationships themselves rather than python-docx's cached part map.
    for rel in doc.part.rels.values():
        if rel.reltype == HEADER_REL and not rel.is_external:
            rel._target._element.insert(0, etree.fromstring(_DRAFT_XML))


def _fill_empty_cells(doc) -> None:
    """A table cell whose paragraphs were all looped away gets an empty one (Word requires one)."""
    for tc in doc.element.body.iter(f"{_W}tc"):
        if tc.find(f"{_W}p") is None and tc.find(f"{_W}tbl") is None:
            etree.SubElement(tc, f"{_W}p")


def _error_tag(exc: Exception, template: Path) -> str | None:
    """The tag a Jinja error is about: from docxtpl's context lines, else by the names in the message."""
    lines = list(getattr(exc, "docx_context", None) or [])
    lineno = getattr(exc, "lineno", None)
    if lines and lineno:
        idx = min(lineno - 1 - max(lineno - 4, 0), len(lines) - 1)
        tags = _TAG.findall(lines[idx])
        if tags:
            return tags[-1]
    names = [n for n in re.findall(r"'([^']+)'", str(exc)) if n != "dict object"]
    try:
        doc = DocxTemplate(str(template)).get_docx()
        tags = [t for _, el in _parts(doc) for pieces in _paragraph_texts(el)
                for t in _TAG.findall("".join(pieces))]
    except Exception:  # noqa: BLE001 - only for a better message
        return None
    for name in reversed(names):
        hit = next((t for t in tags if re.search(rf"\b{re.escape(name)}\b", t)), None)
        if hit:
            return hit
    return None


def render_docx(template: Path, context: dict, *, draft: bool, title: str, author: str, when: date,
                subject: str = "") -> bytes:
    """One document: a fresh DocxTemplate, rendered, marked, normalised."""
    tpl = DocxTemplate(str(template))
    try:
        tpl.render(context, jinja_env=_env(), autoescape=True)
    except jinja2.TemplateError as exc:
        tag = _error_tag(exc, template)
        raise TemplateProblem(tr(f"Mẫu {template.name}: lỗi khi điền thẻ {tag or '(không rõ)'}: {exc}. "
                                 "Kiểm tra mẫu bằng `dhtt-docs build --templates ...` (báo lỗi trước khi lập văn bản)"
                                 f" và danh sách biến trong {VARIABLES_FILE}.",
                                 f"Template {template.name}: error while filling the tag {tag or '(unknown)'}: {exc}. "
                                 "Check the template with `dhtt-docs build --templates ...` (it reports errors before "
                                 f"making any document) and the list of variables in {VARIABLES_FILE}.")) from exc
    _fill_empty_cells(tpl.docx)
    if draft:
        _mark_draft(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return normalize_docx(buf.getvalue(), title=title, author=author, when=when, subject=subject)


@dataclass(frozen=True)
class DocumentJob:
    """One document to make: which template, with which values, under which name."""

    kind: str                    # "to-trinh", "danh-sach", "bien-ban", "bao-cao"
    template_kind: str           # a key of TEMPLATE_FILES
    candidate_id: str | None
    title: str
    file_name: str
    template: Path
    context: dict
    draft: bool
    author: str
    when: date
    subject: str

    def render(self) -> bytes:
        return render_docx(self.template, self.context, draft=self.draft, title=self.title, author=self.author,
                           when=self.when, subject=self.subject)

    def fingerprint(self, names: frozenset[str] | None = None) -> dict:
        """Everything the document's bytes depend on, besides the code and the template file.

        With `names` (the variables the template uses), only those values count.
        """
        context = self.context if names is None else {k: v for k, v in self.context.items() if k in names}
        return {"kind": self.kind, "template_kind": self.template_kind, "candidate": self.candidate_id,
                "title": self.title, "file": self.file_name, "context": context, "draft": self.draft,
                "author": self.author, "when": self.when.isoformat(), "subject": self.subject}


def plan_documents(report: Report, *, templates_dir: Path | None = None, draft: bool = False) -> list[DocumentJob]:
    """The documents of a round, in bundle order (Tờ trình, Danh sách, Biên bản, reports)."""
    ctx: RoundContext = build_context(report, draft=draft)
    sub = report.round.submission
    plan = ctx.common["plan"]
    specs: list[tuple[str, str, str | None, str, str, str]] = [
        # (template kind, document kind, candidate, title, file name, subject)
        ("to-trinh", "to-trinh", None, "Tờ trình", "to-trinh.docx", plan["subject"]),
        ("danh-sach", "danh-sach", None, "Danh sách (Phụ lục)", "danh-sach.docx",
         f"Danh sách tập thể, cá nhân đề nghị {plan['proposal']}"),
        ("bien-ban", "bien-ban", None, "Biên bản họp Hội đồng", "bien-ban-hop-hoi-dong.docx",
         ctx.common["meeting"]["subject"]),
    ]
    for cid, c in ctx.candidates.items():
        kind = "bao-cao-ca-nhan" if c["kind"] == "individual" else "bao-cao-tap-the"
        specs.append((kind, "bao-cao", cid, f"Báo cáo thành tích: {c['name']}", f"bao-cao-thanh-tich-{cid}.docx",
                      f"Báo cáo thành tích đề nghị {plan['proposal']}"))
    return [DocumentJob(dkind, tkind, cid, title, name, template_path(tkind, templates_dir),
                        ctx.for_document(tkind, cid), draft, sub.unit.name, sub.submission.date, subject)
            for tkind, dkind, cid, title, name, subject in specs]


def render_documents(report: Report, out_dir: Path, *, templates_dir: Path | None = None,
                     draft: bool = False) -> list[RenderedDocument]:
    """Write every document of the round into `out_dir` (file names of the CLI contract)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    done = []
    for job in plan_documents(report, templates_dir=templates_dir, draft=draft):
        path = out_dir / job.file_name
        path.write_bytes(job.render())
        done.append(RenderedDocument(job.kind, job.candidate_id, job.title, path))
    return done
