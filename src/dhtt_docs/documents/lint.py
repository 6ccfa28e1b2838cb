"""Checking a user's templates before anything is rendered.

`lint_templates(dir)` reports Jinja syntax errors, variables that the
context does not have (with a "did you mean"), blocks not closed or closed at
another level (p/tr/tc), and tags that Word split across runs or paragraphs.
Each finding names the template file and the tag.
"""

from __future__ import annotations

import difflib
import re
import shlex
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from lxml import etree

from dhtt_docs.documents.compiled import jinja_env as _env
from dhtt_docs.documents.context import ROUND_NAMES, VARIABLES, Var
from dhtt_docs.documents.ooxml import FOOTER_REL, HEADER_REL
from dhtt_docs.documents.ooxml import W as _W
from dhtt_docs.documents.templates import REPORT_KINDS, TEMPLATE_FILES, VARIABLES_FILE
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import tr

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN = re.compile(r"\{[{%#]")
_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}
_DOCXTPL_PREFIX = re.compile(r"^(\{[{%#])(?:p|tr|tc|r)\s")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_BLOCKS = {"for": "endfor", "if": "endif", "macro": "endmacro", "call": "endcall", "filter": "endfilter",
           "with": "endwith", "block": "endblock", "raw": "endraw"}
_DICT_METHODS = {"items", "keys", "values", "get"}
_ANY = object()


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


def lint_templates(templates_dir: Path) -> list[Finding]:
    """Check every template of a folder: errors stop the build before anything is rendered."""
    templates_dir = Path(templates_dir)
    if not templates_dir.is_dir():
        return [_finding(Severity.ERROR, str(templates_dir), None, "no_folder",
                         tr(f"Không thấy thư mục mẫu '{templates_dir}'. Tạo bằng `dhtt-docs templates export "
                            f"{templates_dir}`.",
                            f"Template folder '{templates_dir}' not found. Create it with "
                            f"`dhtt-docs templates export {shlex.quote(str(templates_dir))}`."))]
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
