"""Incremental builds: unchanged documents are reused, changed inputs never served stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from conftest import SAMPLE_ROUND
from dhtt_docs.build import pipeline
from dhtt_docs.build.pipeline import BuildOptions, build

pytestmark = pytest.mark.slow   # each test builds a round two or more times

N_DOCS = 9  # Tờ trình, Danh sách, Biên bản, 6 reports


@pytest.fixture
def work(tmp_path) -> Path:
    folder = tmp_path / "bhxh-thanh-hoa-2024"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    return folder


def go(folder: Path, pdf: bool = False, **kw):
    result = build(folder, BuildOptions(out=folder / "build", pdf=pdf, **kw))
    assert result.out is not None, [f.message for f in result.findings]
    return result


def text(path: Path) -> str:
    doc = Document(path)
    return "\n".join(p.text for p in doc.paragraphs)


def test_unchanged_rebuild_reuses_everything(work):
    first = go(work)
    assert first.stats == {"docx_rendered": N_DOCS}
    before = {p.name: p.read_bytes() for p in (work / "build/documents").iterdir()}
    second = go(work)
    assert second.stats == {"docx_reused": N_DOCS}
    after = {p.name: p.read_bytes() for p in (work / "build/documents").iterdir()}
    assert before == after


def test_changed_candidate_rebuilds_only_what_shows_it(work):
    go(work)
    f = work / "candidates/bui-thi-lan-anh.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Câu mới thêm vào.\n", 1),
                 encoding="utf-8")
    result = go(work)
    assert result.stats == {"docx_rendered": 1, "docx_reused": N_DOCS - 1}
    assert "Câu mới thêm vào." in text(work / "build/documents/bao-cao-thanh-tich-bui-thi-lan-anh.docx")


def test_changed_vote_rebuilds_round_documents(work):
    go(work)
    f = work / "submission.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("le-van-hung: 8", "le-van-hung: 7"), encoding="utf-8")
    result = go(work)
    assert result.stats["docx_rendered"] >= 2  # Danh sách and Biên bản show the votes
    assert "77,8" in "\n".join(c.text for t in Document(work / "build/documents/danh-sach.docx").tables
                               for r in t.rows for c in r.cells)


def test_changed_submission_date_rebuilds_everything(work):
    go(work)
    f = work / "submission.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("date: 2024-11-25", "date: 2024-11-26"), encoding="utf-8")
    assert go(work).stats == {"docx_rendered": N_DOCS}


def test_changed_template_rebuilds_its_documents(work, tmp_path):
    from dhtt_docs.documents.render import export_templates
    mine = tmp_path / "mau"
    export_templates(mine)
    go(work, templates=mine)
    doc = Document(mine / "to-trinh.docx")
    doc.paragraphs[-1].add_run(" Dòng mới của mẫu.")
    doc.save(mine / "to-trinh.docx")
    result = go(work, templates=mine)
    assert result.stats == {"docx_rendered": 1, "docx_reused": N_DOCS - 1}
    assert "Dòng mới của mẫu." in text(work / "build/documents/to-trinh.docx")


def test_new_tool_version_rebuilds_everything(work, monkeypatch):
    go(work)
    monkeypatch.setattr(pipeline, "__version__", "99.0")
    assert go(work).stats == {"docx_rendered": N_DOCS}


def test_changed_plan_profile_rebuilds_everything(work, monkeypatch):
    go(work)
    monkeypatch.setattr(pipeline, "profile_digest", lambda plan_id: "another profile")
    assert go(work).stats == {"docx_rendered": N_DOCS}


def test_damaged_cache_entry_is_not_served(work):
    go(work)
    entries = sorted((work / ".dhtt-cache/docx").glob("*.docx"))
    assert len(entries) == N_DOCS
    entries[0].write_bytes(b"damaged")
    shutil.rmtree(work / "build")   # else nothing needs doing: the outputs are current
    result = go(work)
    assert result.stats == {"docx_rendered": 1, "docx_reused": N_DOCS - 1}
    for p in (work / "build/documents").glob("*.docx"):
        Document(p)  # all open


def test_force_without_errors_changes_nothing(work):
    go(work)
    result = go(work, force=True)  # no error finding: not a draft, the same documents
    assert result.stats == {"docx_reused": N_DOCS}


def test_draft_and_final_do_not_share_entries(work):
    from dhtt_docs.dossier.loader import load_round
    from dhtt_docs.build.pipeline import keyed_documents
    from dhtt_docs.rules.engine import evaluate
    report = evaluate(load_round(work))
    final = [key for _, key in keyed_documents(report, None, draft=False)]
    draft = [key for _, key in keyed_documents(report, None, draft=True)]
    assert len(set(final)) == N_DOCS and not set(final) & set(draft)


def test_cache_holds_only_the_last_build(work):
    go(work)
    f = work / "candidates/bui-thi-lan-anh.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same values: same key
    go(work)
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  X.\n", 1),
                 encoding="utf-8")
    go(work)
    assert len(list((work / ".dhtt-cache/docx").glob("*.docx"))) == N_DOCS


def test_no_cache_option_and_read_only_folder(work, tmp_path):
    assert go(work, cache=False).stats == {"docx_rendered": N_DOCS}
    assert not (work / ".dhtt-cache").exists()
    # A folder nobody may write, root included (chmod 0500 does not stop root, and CI runs as root):
    # /proc refuses new entries to every user. The build goes on without a cache (and without its lock).
    unwritable = Path("/proc/dhtt-cache")
    result = go(work, cache_dir=unwritable)
    assert result.stats == {"docx_rendered": N_DOCS}
    assert result.out is not None and not unwritable.exists()


def test_pdfs_are_reused_and_reconverted_when_needed(work):
    first = go(work, pdf=True)
    assert first.stats["pdf_converted"] == N_DOCS
    second = go(work, pdf=True)
    assert second.stats["pdf_converted"] == 0 and second.stats["pdf_reused"] == N_DOCS
    f = work / "candidates/le-van-hung.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Đoạn mới.\n", 1),
                 encoding="utf-8")
    third = go(work, pdf=True)
    # the report is converted again with the reports it is converted together with (build/chunks.py)
    plan = pipeline.plan_round(third.report, BuildOptions(out=work / "build", pdf=True), third,
                               pipeline.BuildCache(None))
    chunk = next((c for c in plan.chunks
                  if any(plan.jobs[i][0].candidate_id == "le-van-hung" for i in c)), [None])
    assert third.stats["pdf_converted"] == len(chunk)
    from pypdf import PdfReader
    body = "".join(p.extract_text() for p in PdfReader(work / "build/documents/bao-cao-thanh-tich-le-van-hung.pdf").pages)
    assert "Đoạn mới." in body
    bundle = "".join(p.extract_text() for p in PdfReader(work / "build/bundle/bhxh-thanh-hoa-2024.pdf").pages)
    assert "Đoạn mới." in bundle


def test_rebuild_with_nothing_changed_rewrites_nothing(work):
    first = go(work)
    stamps = {p: p.stat().st_mtime_ns for p in (work / "build").rglob("*") if p.is_file()}
    second = go(work)
    assert second.written == second.unchanged == first.written and not second.changed
    assert second.reused == N_DOCS and second.rendered == 0
    assert {p: p.stat().st_mtime_ns for p in (work / "build").rglob("*") if p.is_file()} == stamps


def test_rebuild_after_one_change_keeps_the_other_files(work):
    first = go(work)
    stamps = {p.relative_to(work / "build"): p.stat().st_mtime_ns for p in (work / "build").rglob("*") if p.is_file()}
    f = work / "candidates/bui-thi-lan-anh.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Câu mới.\n", 1),
                 encoding="utf-8")
    second = go(work)
    assert second.rendered == 1 and second.reused == N_DOCS - 1
    changed = {p.as_posix() for p in second.changed}
    assert "documents/bao-cao-thanh-tich-bui-thi-lan-anh.docx" in changed
    assert "documents/to-trinh.docx" not in changed
    assert len(second.unchanged) + len(changed) == len(first.written)
    for rel in second.unchanged:   # kept as they were: same file, same date
        assert (work / "build" / rel).stat().st_mtime_ns == stamps[rel]


def test_damaging_an_output_makes_the_next_build_repair_it(work):
    go(work)
    target = work / "build/documents/to-trinh.docx"
    target.write_bytes(b"not a docx")
    result = go(work)
    assert not result.unchanged or Path("documents/to-trinh.docx") not in result.unchanged
    Document(target)


def test_new_field_rules_remake_sign_ready_pdfs_from_the_cached_plain_ones(work, monkeypatch):
    """The plain PDF is cached apart from the sign-ready one: new placement rules need no conversion."""
    from dhtt_docs.signing import fields

    go(work, pdf=True)
    monkeypatch.setattr(fields, "FIELDS_VERSION", fields.FIELDS_VERSION + 1)
    again = build(work, BuildOptions(out=work / "again", pdf=True))
    assert again.stats["pdf_converted"] == 0 and again.stats["pdf_reused"] == N_DOCS
    for sub in ("documents", "bundle"):   # made again from the same plain PDFs: the same bytes
        for path in sorted((work / "build" / sub).glob("*.pdf")):
            assert (work / "again" / sub / path.name).read_bytes() == path.read_bytes(), path.name
    assert fields.signature_field_names(work / "again/documents/to-trinh.pdf") == ["co-quan", "nguoi-ky"]


def test_a_rebuilt_bag_copies_the_unchanged_files_from_the_last_and_equals_a_cold_one(work, tmp_path, monkeypatch):
    from dhtt_docs.archive import detzip

    go(work)
    copied = []
    real = detzip.copy_entry
    monkeypatch.setattr(detzip, "copy_entry", lambda zf, src, name, span: copied.append(name) or real(zf, src, name, span))
    f = work / "candidates/bui-thi-lan-anh.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  X.\n", 1),
                 encoding="utf-8")
    go(work)
    assert len(copied) >= N_DOCS                                  # the unchanged documents and attachments
    assert not any("bui-thi-lan-anh" in name for name in copied)  # the changed report written afresh
    cold = build(work, BuildOptions(out=tmp_path / "cold", pdf=False, cache=False))
    name = f"bundle/{work.name}.zip"
    assert (work / "build" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()
    assert len(list((work / ".dhtt-cache/zip").glob("*.zip"))) == 1   # the last bag only


def test_an_output_copied_apart_from_its_cache_entry_becomes_one_file_again_with_its_date(work):
    import json
    import os

    go(work)
    doc = work / "build/documents/to-trinh.docx"
    was = doc.stat()
    apart = doc.with_name("apart.tmp")                         # as an older version left OUT: a copy
    apart.write_bytes(doc.read_bytes())
    os.utime(apart, ns=(was.st_atime_ns, was.st_mtime_ns))
    os.replace(apart, doc)
    assert doc.stat().st_ino != was.st_ino
    f = work / "candidates/bui-thi-lan-anh.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Y.\n", 1),
                 encoding="utf-8")
    go(work)
    now = doc.stat()
    assert now.st_mtime_ns == was.st_mtime_ns                  # its date kept
    entries = {p.stat().st_ino: p for p in (work / ".dhtt-cache/docx").glob("*.docx")}
    assert now.st_ino in entries                               # and one file with its cache entry again
    noted = json.loads((work / ".dhtt-cache/checked-entries.json").read_text())[entries[now.st_ino].name]
    assert noted[:3] == [now.st_ino, now.st_size, now.st_mtime_ns]   # the next build need not read it
