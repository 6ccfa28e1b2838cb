"""Templates compiled once: every document has the bytes docxtpl's own render gives it, alone or among many.

The reference is docxtpl's plain path, as the tool rendered before templates
were compiled: a fresh DocxTemplate per document, its own patching, table
fixes and listing, python-docx's save, then docxfix's normalisation.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE_ROUND, SCREENING_ROUND
from docx import Document
from docxtpl import DocxTemplate

from dhtt_docs.documents import compiled as compiled_mod
from dhtt_docs.documents import docxfix
from dhtt_docs.documents.compiled import compiled, fill_empty_cells, jinja_env
from dhtt_docs.documents.render import _mark_draft, builtin_templates_dir, plan_documents
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate


def docxtpl_bytes(job) -> bytes:
    """The document as docxtpl renders it alone, saved by python-docx and normalised."""
    tpl = DocxTemplate(str(job.template))
    tpl.render(job.context, jinja_env=jinja_env(), autoescape=True)
    fill_empty_cells(tpl.docx.element.body)
    if job.draft:
        _mark_draft(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return docxfix.normalize_docx(buf.getvalue(), title=job.title, author=job.author, when=job.when,
                                  subject=job.subject)


def fast_bytes(job) -> bytes | None:
    """The compiled path alone (None: it hands the document to docxtpl)."""
    return compiled(job.template).render(job.context, draft=job.draft, title=job.title, author=job.author,
                                         when=job.when, subject=job.subject)


def forget_templates() -> None:
    """A process that has compiled nothing yet."""
    compiled_mod._COMPILED.clear()
    compiled_mod._SOURCES.clear()
    compiled_mod._ENV._compiled.clear()


def jobs_of(folder: Path, draft: bool, templates_dir: Path | None = None):
    return plan_documents(evaluate(load_round(folder)), draft=draft, templates_dir=templates_dir)


def edited(src: Path, dest: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """A copy of a template with texts replaced in some of its parts (a user's edit in Word)."""
    with zipfile.ZipFile(src) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
    for part, changes in edits.items():
        xml = items[part].decode("utf-8")
        for old, new in changes:
            assert old in xml, (part, old)
            xml = xml.replace(old, new)
        items[part] = xml.encode("utf-8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("folder, draft", [(SAMPLE_ROUND, False), (SCREENING_ROUND, True)])
def test_every_document_has_the_bytes_of_docxtpls_own_render(folder, draft):
    for job in jobs_of(folder, draft):
        data = fast_bytes(job)
        assert data is not None, job.file_name          # the built-in templates take the compiled path
        assert data == docxtpl_bytes(job), job.file_name


@pytest.mark.slow
def test_many_documents_from_one_compiled_template_are_each_as_rendered_alone():
    jobs = jobs_of(SAMPLE_ROUND, False) + jobs_of(SCREENING_ROUND, True)
    forget_templates()
    together = [job.render() for job in jobs]
    assert [job.render() for job in reversed(jobs)] == together[::-1]     # no state left between documents
    for job, data in zip(jobs, together):
        forget_templates()
        assert job.render() == data, job.file_name
    assert len(set(together)) == len(jobs)


def test_values_with_tabs_breaks_and_page_breaks_are_laid_out_as_docxtpl_does():
    job = next(j for j in jobs_of(SAMPLE_ROUND, False) if j.kind == "bao-cao")
    candidate = dict(job.context["candidate"], name="Nguyễn\tVăn\aAn\fHai\ndòng")
    odd = dataclasses.replace(job, context=dict(job.context, candidate=candidate))
    data = fast_bytes(odd)
    assert data == docxtpl_bytes(odd)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert '<w:br w:type="page"/>' in xml and "<w:tab/>" in xml


def _user_templates(tmp_path: Path) -> Path:
    """User templates as Word leaves them or as a user breaks them: each case docxtpl handles its way."""
    src, user = builtin_templates_dir(), tmp_path / "mau"
    # Word's revision ids in the body and a header (dropped from the output); a value in the header.
    edited(src / "to-trinh.docx", user / "to-trinh.docx",
           {"word/document.xml": [("<w:p>", '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">')],
            "word/header1.xml": [("<w:p>", '<w:p w:rsidR="00D4E5F6">'),
                                 ("<w:t>2</w:t>", "<w:t>2</w:t></w:r><w:r><w:t>{{ unit.name }}</w:t>")]})
    # A grid one column short and one column too many: docxtpl's fix_tables widens / narrows them.
    edited(src / "danh-sach.docx", user / "danh-sach.docx",
           {"word/document.xml": [('<w:gridCol w:w="737"/>', "")]})
    edited(src / "bien-ban-hop-hoi-dong.docx", user / "bien-ban-hop-hoi-dong.docx",
           {"word/document.xml": [("</w:tblGrid>", '<w:gridCol w:w="500"/></w:tblGrid>')]})
    # No first-page header: a draft needs one, which python-docx adds (docxtpl's path).
    edited(src / "bao-cao-thanh-tich-ca-nhan.docx", user / "bao-cao-thanh-tich-ca-nhan.docx",
           {"word/document.xml": [(re.search(r'<w:headerReference w:type="first"[^>]*/>',
                                             zipfile.ZipFile(src / "bao-cao-thanh-tich-ca-nhan.docx")
                                             .read("word/document.xml").decode()).group(0), "")]})
    return user


@pytest.mark.parametrize("draft", [False, True])
def test_user_templates_give_the_bytes_of_docxtpls_own_render(tmp_path, draft):
    user = _user_templates(tmp_path)
    jobs = jobs_of(SCREENING_ROUND, draft, templates_dir=user)
    for job in jobs:
        assert job.render() == docxtpl_bytes(job), job.file_name
    first = next(j for j in jobs if j.template.name == "to-trinh.docx")
    with zipfile.ZipFile(io.BytesIO(first.render())) as z:
        assert b"w:rsid" not in z.read("word/document.xml") + z.read("word/header1.xml")
        assert first.context["unit"]["name"] in z.read("word/header1.xml").decode()
    report = next(j for j in jobs if j.template.name == "bao-cao-thanh-tich-ca-nhan.docx")
    assert (fast_bytes(report) is None) == draft     # only the draft needs the header python-docx adds


def test_an_edited_template_is_compiled_again(tmp_path):
    user = tmp_path / "mau"
    src = builtin_templates_dir() / "to-trinh.docx"
    edited(src, user / "to-trinh.docx", {"word/document.xml": [("kính trình", "trân trọng trình")]})
    job = next(j for j in jobs_of(SAMPLE_ROUND, False, templates_dir=user) if j.kind == "to-trinh")
    text = lambda: "\n".join(p.text for p in Document(io.BytesIO(job.render())).paragraphs)  # noqa: E731
    assert "trân trọng trình" in text()
    edited(src, user / "to-trinh.docx", {"word/document.xml": [("kính trình", "kính đề nghị")]})
    assert "kính đề nghị" in text() and "trân trọng trình" not in text()


def test_parts_compressed_once_are_the_bytes_zipfile_writes():
    """docxfix assembles each zip from zipfile's own entries: the bytes of writing them all with zipfile."""
    from dhtt_docs.archive import detzip

    with zipfile.ZipFile(builtin_templates_dir() / "danh-sach.docx") as z:
        entries = {i.filename: z.read(i.filename) for i in z.infolist()}
    entries["word/tệp có dấu.xml"] = '<w:p w:rsidR="00AB"/>'.encode()      # a UTF-8 name, a revision id
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(entries, key=lambda n: (n != "[Content_Types].xml", n)):
            detzip.write_entry(zf, name, docxfix.clean_part(name, entries[name]), unix=False)
    expected = buf.getvalue()
    records = {name: docxfix.record(name, blob) for name, blob in entries.items()}
    mixed = {name: (records[name] if i % 2 else blob) for i, (name, blob) in enumerate(entries.items())}
    assert docxfix.write_docx(entries) == expected
    assert docxfix.write_docx(records) == expected
    assert docxfix.write_docx(mixed) == expected
    with zipfile.ZipFile(io.BytesIO(expected)) as z:
        assert z.testzip() is None
        assert z.read("word/tệp có dấu.xml") == b"<w:p/>"


def test_a_template_jinja_cannot_parse_is_reported_by_name_and_tag(tmp_path):
    from dhtt_docs.documents.render import TemplateProblem

    user = tmp_path / "mau"
    edited(builtin_templates_dir() / "to-trinh.docx", user / "to-trinh.docx",
           {"word/document.xml": [("{{ plan.subject }}", "{% if %}")]})
    job = next(j for j in jobs_of(SAMPLE_ROUND, False, templates_dir=user) if j.kind == "to-trinh")
    assert compiled(job.template).fast is False
    with pytest.raises(TemplateProblem) as exc:
        job.render()
    assert "to-trinh.docx" in str(exc.value.message) and "{% if %}" in str(exc.value.message)
