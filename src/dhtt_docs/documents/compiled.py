"""Templates compiled once per process; each document is then only Jinja, its own parts and one zip.

docxtpl re-opens the template, re-runs its regex patching (`patch_xml`) for the
body and every header and footer, re-reads the whole package with python-docx,
saves it and then `docxfix` re-reads and re-compresses it, for every document.
A `CompiledTemplate` does all that is the same for every document once, when
the template is first used:

* the body and each header and footer patched and compiled by Jinja;
* the document part's root without its body, and which parts docxtpl rewrites;
* every other part as python-docx saves it, cleaned and deflated once
  (`docxfix.record`), copied into each document's zip as it is.

Each document is then: Jinja, docxtpl's own post-processing of the result
(`finish_xml`, `DocxTemplate.fix_tables`, the drawing ids), the empty table
cells filled, the draft mark, and its few changed parts serialised and zipped
(`docxfix.write_docx`). The bytes are those of docxtpl's own render saved and
normalised, which the tests check (tests/documents/test_compiled.py).

A template this does not cover (footnotes, a header or footer shared by two
relationships or outside the package, core properties elsewhere than
docProps/core.xml, or a draft that needs a header the template lacks) and a
template error (for the message) go through `FastTemplate`, docxtpl's own
render with the patched sources kept per template.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zipfile
from datetime import date
from pathlib import Path

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, meta
from lxml import etree

from dhtt_docs.documents import docxfix
from dhtt_docs.documents.ooxml import DRAFT_XML, FOOTER_REL, HEADER_REL, W, W_NS


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


def jinja_env() -> jinja2.Environment:
    return _ENV


# --------------------------------------------------------------------------- docxtpl's steps, shared


def _prepare(xml: str) -> str:
    """What docxtpl's render_xml_part does to a source before Jinja sees it (done once)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


_LISTING = ("\t", "\a", "\n", "\f")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


def _resolve_listing(xml: str) -> str:
    """docxtpl's `resolve_listing`, skipping the paragraphs it leaves as they are.

    It only turns tabs, \\a, newlines and \\f inside a paragraph's text into
    runs and breaks; a paragraph without any of them comes back unchanged, so
    only the others go through its per-run regular expressions.
    """
    if not any(c in xml for c in _LISTING):
        return xml

    def paragraph(m: re.Match) -> str:
        text = m.group(0)
        if not any(c in text for c in _LISTING):
            return text
        return DocxTemplate.resolve_listing(None, text)   # the one paragraph (it uses no template state)

    return _PARAGRAPH.sub(paragraph, xml)


def finish_xml(dst_xml: str) -> str:
    """What docxtpl's render_xml_part does to Jinja's output."""
    dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")   # = re.sub(r"\n<w:p([ >])", ...)
    dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return _resolve_listing(dst_xml)


# --------------------------------------------------------------------------- docxtpl, sources kept


class _Parts:
    """The patched Jinja source of a template's body and of each header/footer, by relationship id."""

    def __init__(self, data: bytes):
        self.data = data
        self.body: str | None = None
        self.headers_footers: dict[str, tuple[str, str]] = {}


_SOURCES: dict[tuple[str, bytes], _Parts] = {}
_SOURCES_LOCK = threading.Lock()


class FastTemplate(DocxTemplate):
    """A DocxTemplate whose patched sources come from a per-template store.

    The template is opened from bytes held in memory; `patch_xml` and the
    line splitting run once per part and template content. Everything after
    Jinja (table fixes, listing, saving) is docxtpl's own code, per document.
    """

    def __init__(self, path: Path, data: bytes | None = None):
        data = Path(path).read_bytes() if data is None else data
        key = (str(path), data)
        with _SOURCES_LOCK:
            parts = _SOURCES.get(key)
            if parts is None:
                if len(_SOURCES) >= 16:
                    _SOURCES.clear()
                parts = _SOURCES[key] = _Parts(data)
        super().__init__(io.BytesIO(parts.data))
        self._parts = parts
        self._path = Path(path)

    def init_docx(self, reload: bool = True):
        if not self.docx or (self.is_rendered and reload):
            self.template_file = io.BytesIO(self._parts.data)
        super().init_docx(reload)

    def build_xml(self, context, jinja_env=None):
        if self._parts.body is None:
            self._parts.body = _prepare(self.patch_xml(self.get_xml()))
        return self._render_prepared(self._parts.body, self.docx._part, context, jinja_env)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            cache_key = f"{uri}#{rel_key}"
            source = self._parts.headers_footers.get(cache_key)
            if source is None:
                xml = self.get_part_xml(part)
                source = self._parts.headers_footers[cache_key] = (
                    self.get_headers_footers_encoding(xml), _prepare(self.patch_xml(xml)))
            encoding, prepared = source
            rendered = self._render_prepared(prepared, part, context, jinja_env)
            yield rel_key, rendered.encode(encoding)

    def resolve_listing(self, xml):
        return _resolve_listing(xml)

    def _render_prepared(self, src_xml: str, part, context, jinja_env):
        """docxtpl's render_xml_part, minus its first step (already in `src_xml`)."""
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else jinja2.Template(src_xml)
            dst_xml = template.render(context)
        except TemplateError as exc:
            if hasattr(exc, "lineno") and exc.lineno is not None:
                line_number = max(exc.lineno - 4, 0)
                exc.docx_context = map(lambda x: re.sub(r"<[^>]+>", "", x),
                                       src_xml.splitlines()[line_number: (line_number + 7)])
            raise exc
        return finish_xml(dst_xml)


# --------------------------------------------------------------------------- compiled once, rendered many times

_PARSERS = threading.local()      # an lxml parser is not to be shared between threads


def _parser(recover: bool = False) -> etree.XMLParser:
    """How python-docx parses a part (docx.oxml.parser, without its element classes: same tree, same
    bytes), or with `recover` how docxtpl's fix_tables parses the rendered body."""
    parsers = getattr(_PARSERS, "pair", None)
    if parsers is None:
        parsers = _PARSERS.pair = (etree.XMLParser(remove_blank_text=True, resolve_entities=False),
                                   etree.XMLParser(recover=True))
    return parsers[recover]


_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")   # docxtpl renders these
_SECTPRS = etree.XPath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W_NS})
_DOCPRS = etree.XPath("//wp:docPr", namespaces={
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"})
_ON_OFF = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}


_TBL, _GRID, _COL, _TR, _TC = (f"{W}{n}" for n in ("tbl", "tblGrid", "gridCol", "tr", "tc"))
_SPANS = etree.XPath("w:tc/w:tcPr[1]/w:gridSpan[1]", namespaces={"w": W_NS})   # fix_tables' get_cell_len


def _tables_to_fix(body) -> bool:
    """Whether docxtpl's `fix_tables` would change a table's grid (rarely: a loop over columns).

    It adds grid columns when a row has more cells than the grid, and drops
    them when no row spans them all; this asks the same questions without
    changing anything. Anything it cannot read (it would fail) counts as yes.
    """
    try:
        if body.nsmap.get("w") != W_NS:
            return True
        for tbl in body.iter(_TBL):
            columns = len(tbl.find(_GRID).findall(_COL))
            widest = 0
            for tr in tbl.iter(_TR):
                cells = len(tr.findall(_TC))
                if cells > columns:
                    return True
                widest = max(widest, cells + sum(int(span.get(f"{W}val")) - 1 for span in _SPANS(tr)))
            if widest < columns:
                return True
    except Exception:  # noqa: BLE001 - fix_tables itself then says what is wrong
        return True
    return False


def _serialise(element) -> bytes:
    """An XML part as python-docx writes it (docx.opc.oxml.serialize_part_xml)."""
    return etree.tostring(element, encoding="UTF-8", standalone=True)


_EMPTY_CELLS = etree.XPath(".//w:tc[not(w:p) and not(w:tbl)]", namespaces={"w": W_NS})


def fill_empty_cells(body) -> None:
    """A table cell whose paragraphs were all looped away gets an empty one (Word requires one)."""
    for tc in _EMPTY_CELLS(body):
        etree.SubElement(tc, f"{W}p")


class _Part:
    """A header or footer docxtpl renders: its zip name, Jinja template, encoding, whether it is a header.

    A part without a single "{" has no Jinja in it: the same bytes in every
    document, so they are made and deflated once (`fixed`, with and without
    the draft mark).
    """

    def __init__(self, name: str, source: str, encoding: str, header: bool):
        self.name, self.template, self.encoding, self.header = name, _ENV.from_string(source), encoding, header
        self.fixed: dict[bool, docxfix.Record] | None = None
        if "{" not in source:
            xml = self.template.render({})
            self.fixed = {draft: docxfix.record(name, self.finish(xml, draft)) for draft in (False, True)}

    def finish(self, rendered: str, draft: bool) -> bytes:
        """The part's bytes from Jinja's output, as docxtpl and python-docx write it (and the draft mark)."""
        el = etree.fromstring(finish_xml(rendered).encode(self.encoding), _parser())
        if draft and self.header:
            el.insert(0, etree.fromstring(DRAFT_XML))
        return _serialise(el)


class CompiledTemplate:
    """One template, patched, compiled and laid out once; `render` makes one document's DOCX bytes."""

    def __init__(self, path: Path, data: bytes):
        self.path, self.data = path, data
        try:
            self.fast = self._compile()
        except Exception:  # noqa: BLE001 - a template docxtpl cannot read: its own path says what is wrong
            self.fast = False

    def _compile(self) -> bool:
        """Compile the parts; False when the template needs docxtpl's own path (see the module's doc)."""
        tpl = DocxTemplate(io.BytesIO(self.data))
        doc = tpl.get_docx()
        part = doc.part
        rels = list(part.rels.values())
        hf_rels = [r for r in rels if r.reltype in (HEADER_REL, FOOTER_REL)]
        targets = [r.target_part for r in hf_rels if not r.is_external]
        core = doc.core_properties                    # docxtpl reads it: python-docx adds one when missing
        package_parts = list(doc.part.package.iter_parts())
        if not (len(targets) == len(hf_rels) == len({id(t) for t in targets}) and all(t.blob for t in targets)
                and all(p.content_type != _FOOTNOTES for p in package_parts)
                and any(p.partname == "/" + docxfix.CORE for p in package_parts)):
            return False
        self.body = _ENV.from_string(_prepare(tpl.patch_xml(tpl.get_xml())))
        self.parts = []
        for uri in (HEADER_REL, FOOTER_REL):           # docxtpl's order: headers, then footers
            for rel in hf_rels:
                if rel.reltype == uri:
                    xml = tpl.get_part_xml(rel.target_part)
                    self.parts.append(_Part(rel.target_part.partname.lstrip("/"), _prepare(tpl.patch_xml(xml)),
                                            tpl.get_headers_footers_encoding(xml), uri == HEADER_REL))
        self.properties = [_ENV.from_string(v) for v in (getattr(core, p) for p in _CORE_PROPERTIES) if "{" in v]
        self.even_pages = any(r.reltype == RT.SETTINGS for r in rels) and doc.settings.odd_and_even_pages_header_footer
        self.draft_ok = any(r.reltype == RT.SETTINGS for r in rels)   # else a draft adds a settings part
        root = etree.fromstring(_serialise(doc.element), _parser())
        body = root.find(f"{W}body")
        self.body_index = root.index(body)
        root.remove(body)
        self.skeleton = root
        self.document = part.partname.lstrip("/")
        buf = io.BytesIO()
        doc.save(buf)
        dynamic = {self.document, docxfix.CORE} | {p.name for p in self.parts}
        with zipfile.ZipFile(buf) as zf:
            self.static = {i.filename: docxfix.record(i.filename, zf.read(i.filename))
                           for i in zf.infolist() if i.filename not in dynamic}
        return True

    # ---- one document

    def render(self, context: dict, *, draft: bool, title: str, author: str, when: date,
               subject: str = "") -> bytes | None:
        """The document's DOCX bytes; None when docxtpl's own render must make it (or say what is wrong)."""
        if not self.fast or (draft and not self.draft_ok):
            return None
        try:
            body = self.body.render(context)
            parts = [(p, p.template.render(context)) for p in self.parts if p.fixed is None]
            for prop in self.properties:
                prop.render(context)
        except TemplateError:
            return None
        xml = finish_xml(body)
        tree = etree.fromstring(xml.encode(), _parser(recover=True))
        if _tables_to_fix(tree):
            tree = DocxTemplate.fix_tables(None, xml)
        for n, el in enumerate(_DOCPRS(tree), 1001):     # docxtpl's fix_docpr_ids
            el.attrib["id"] = str(n)
        fill_empty_cells(tree)
        if draft and not self._has_draft_headers(tree):
            return None
        root = copy.deepcopy(self.skeleton)
        root.insert(self.body_index, tree)
        entries: dict[str, bytes | docxfix.Record] = dict(self.static)
        entries[self.document] = _serialise(root)
        for p in self.parts:
            if p.fixed is not None:
                entries[p.name] = p.fixed[draft]
        for p, xml in parts:
            entries[p.name] = p.finish(xml, draft)
        entries[docxfix.CORE] = docxfix.core_xml(title=title, author=author, when=when, subject=subject)
        return docxfix.write_docx(entries)

    def _has_draft_headers(self, body) -> bool:
        """Whether every header the draft mark goes in exists (else python-docx would add one: docxtpl's path)."""
        sects = _SECTPRS(body)
        if not sects:
            return False
        sect = sects[0]
        wanted = ["default"]
        title_pg = sect.find(f"{W}titlePg")
        if title_pg is not None:
            on = _ON_OFF.get(title_pg.get(f"{W}val", "true"))
            if on is None:
                return False
            if on:
                wanted.append("first")
        if self.even_pages:
            wanted.append("even")
        have = {ref.get(f"{W}type") for ref in sect.findall(f"{W}headerReference")}
        return all(w in have for w in wanted)


_COMPILED: dict[str, CompiledTemplate] = {}
_COMPILED_LOCK = threading.Lock()


def compiled(path: Path) -> CompiledTemplate:
    """The compiled template at `path`, made on first use and made again when the file's bytes change."""
    data = Path(path).read_bytes()
    hit = _COMPILED.get(str(path))
    if hit is None or hit.data != data:          # compared, not hashed: a few microseconds
        with _COMPILED_LOCK:
            if len(_COMPILED) >= 16:
                _COMPILED.clear()
            hit = _COMPILED[str(path)] = CompiledTemplate(Path(path), data)
    return hit


def template_names(path: Path) -> frozenset[str] | None:
    """The top-level variables a template uses (body, headers, footers), or None if it cannot be parsed.

    The build cache keys a document on these values only, so that a change a
    document does not show (a vote, for a report) does not redo it.
    """
    try:
        tpl = DocxTemplate(str(path))
        doc = tpl.get_docx()
        els = [doc.element.body] + [etree.fromstring(rel.target_part.blob)
                                    for rel in sorted(doc.part.rels.values(), key=lambda r: r.rId)
                                    if rel.reltype in (HEADER_REL, FOOTER_REL) and not rel.is_external]
        names: set[str] = set()
        for el in els:
            xml = tpl.patch_xml(etree.tostring(el, encoding="unicode"))
            names |= meta.find_undeclared_variables(_ENV.parse(xml))
        return frozenset(names)
    except Exception:  # noqa: BLE001 - then the key covers the whole context
        return None
