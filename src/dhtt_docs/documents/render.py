"""DOCX documents from the templates: Tờ trình, Danh sách, Biên bản, Báo cáo thành tích.

* `plan_documents(report, ...)` lists the documents of a round (bundle order)
  as `DocumentJob`s; `job.render()` makes one DOCX's bytes.
* `render_documents(report, out_dir, templates_dir=None, draft=False)` writes
  them all (the pipeline does the same with its cache, in parallel for big rounds).
* Template lookup is in `templates`, the linter in `lint`, raw XML in `ooxml`,
  the once-per-template compilation in `compiled`.

How each document is made (see known pitfalls of docxtpl): from its template
compiled once per process (`compiled.CompiledTemplate`: the same bytes as
docxtpl's own render, which `compiled.FastTemplate` still does for what the
compiled path does not cover and for the message of a template error); Jinja
with autoescape=True (a value containing `&`, `<`, `>` or quotes stays text)
and StrictUndefined (a misspelt variable is an error, not an empty string);
values are data and never evaluated, so `{{ ... }}` typed in a dossier is
printed as typed; XML-illegal characters are dropped from the values
(textfmt.finisher); with draft=True a boxed "DỰ THẢO" is put in every header,
the first-page one included; the file is written deterministically (docxfix)
so that the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from dhtt_docs.documents.compiled import FastTemplate, compiled, fill_empty_cells, jinja_env as _env, template_names
from dhtt_docs.documents.context import KeptCandidates, RoundContext, build_context
from dhtt_docs.documents.docxfix import normalize_docx
from dhtt_docs.documents.lint import _TAG, _paragraph_texts, _parts, lint_template, lint_templates
from dhtt_docs.documents.ooxml import DRAFT_TEXT, DRAFT_XML, HEADER_REL
from dhtt_docs.documents.templates import (
    REPORT_KINDS,
    TEMPLATE_FILES,
    VARIABLES_FILE,
    builtin_templates_dir,
    export_templates,
    template_path,
)
from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import tr
from dhtt_docs.rules.engine import Report

__all__ = ["DRAFT_TEXT", "REPORT_KINDS", "TEMPLATE_FILES", "VARIABLES_FILE", "DocumentJob", "RenderedDocument",
           "TemplateProblem", "builtin_templates_dir", "export_templates", "lint_template", "lint_templates",
           "plan_documents", "render_docx", "render_documents", "template_names", "template_path"]


class TemplateProblem(DhttError):
    """A template cannot be rendered; the message names the template and the tag."""


@dataclass(frozen=True)
class RenderedDocument:
    kind: str                    # "to-trinh", "danh-sach", "bien-ban", "bao-cao"
    candidate_id: str | None     # for "bao-cao"
    title: str                   # for bookmarks: "Tờ trình", "Báo cáo thành tích: Nguyễn Văn An"
    path: Path
    key: str = ""                # the build cache's key of its inputs, when built by the pipeline


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
            rel._target._element.insert(0, etree.fromstring(DRAFT_XML))


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
    """One document: from the template compiled once (`compiled`), else by docxtpl's own render."""
    data = compiled(template).render(context, draft=draft, title=title, author=author, when=when, subject=subject)
    if data is not None:
        return data
    tpl = FastTemplate(template)
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
    fill_empty_cells(tpl.docx.element.body)
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


def plan_documents(report: Report, *, templates_dir: Path | None = None, draft: bool = False,
                   kept: KeptCandidates | None = None) -> list[DocumentJob]:
    """The documents of a round, in bundle order (Tờ trình, Danh sách, Biên bản, reports); `kept`: the
    candidates' variables from earlier builds of this process (see context.KeptCandidates)."""
    ctx: RoundContext = build_context(report, draft=draft, kept=kept)
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
