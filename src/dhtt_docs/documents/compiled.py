"""Templates read, patched and compiled once per process; many documents rendered from each.

docxtpl re-opens the template and re-runs its regex patching (`patch_xml`)
for the body and every header and footer of every document; for a round of
500 candidates that was half of the rendering time. Here the patched source of
each part is kept per template content, and Jinja compiles each source once.
The output is byte-identical to a fresh DocxTemplate per document.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, meta
from lxml import etree

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


class _Parts:
    """The patched Jinja source of a template's body and of each header/footer, by relationship id."""

    def __init__(self, data: bytes):
        self.data = data
        self.body: str | None = None
        self.headers_footers: dict[str, str] = {}


_SOURCES: dict[tuple[str, bytes], _Parts] = {}
_SOURCES_LOCK = threading.Lock()


def _prepare(xml: str) -> str:
    """What docxtpl's render_xml_part does to a source before Jinja sees it (done once)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


class FastTemplate(DocxTemplate):
    """A DocxTemplate whose patched sources come from a per-template store.

    The template is opened from bytes held in memory; `patch_xml` and the
    line splitting run once per part and template content. Everything after
    Jinja (table fixes, listing, saving) is docxtpl's own code, per document.
    """

    def __init__(self, path: Path):
        data = Path(path).read_bytes()
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
            xml = None
            if source is None:
                xml = self.get_part_xml(part)
                source = self._parts.headers_footers[cache_key] = (
                    self.get_headers_footers_encoding(xml), _prepare(self.patch_xml(xml)))
            encoding, prepared = source
            rendered = self._render_prepared(prepared, part, context, jinja_env)
            yield rel_key, rendered.encode(encoding)

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
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(dst_xml)


def template_names(path: Path) -> frozenset[str] | None:
    """The top-level variables a template uses (body, headers, footers), or None if it cannot be parsed.

    The build cache keys a document on these values only, so that a change a
    document does not show (a vote, for a report) does not redo it.
    """
    from dhtt_docs.documents.ooxml import FOOTER_REL, HEADER_REL

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
