"""Reports converted in chunks by the build (build/chunks.py): what changes costs its chunk, and every
output is what a build from nothing writes.

The sample round with six more individual candidates (copies of one, under new ids), so that it has
chunks of several reports. Real LibreOffice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_ROUND
from pypdf import PdfReader

from dhtt_docs.build import pipeline
from dhtt_docs.build.pipeline import BuildOptions, build
from dhtt_docs.build.status import DocState, document_states
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate
from test_kept import build_from_nothing, edit, files_of, withdraw

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("soffice")]

EXTRA = [f"bui-thi-lan-anh-{k}" for k in range(2, 8)]


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    source = (folder / "candidates/bui-thi-lan-anh.yaml").read_text(encoding="utf-8")
    submission = (folder / "submission.yaml").read_text(encoding="utf-8")
    for k, cid in enumerate(EXTRA):
        (folder / f"candidates/{cid}.yaml").write_text(
            source.replace("full_name: Bùi Thị Lan Anh", f"full_name: Bùi Thị Lan Anh {k + 2}"), encoding="utf-8")
        submission = submission.replace("    bui-thi-lan-anh: 6\n", f"    bui-thi-lan-anh: 6\n    {cid}: 6\n", 1)
    (folder / "submission.yaml").write_text(submission, encoding="utf-8")
    return folder


@pytest.fixture
def plans(monkeypatch) -> list:
    """The plan of every build that follows."""
    seen = []
    real = pipeline.plan_round

    def spy(*args, **kwargs):
        plan = real(*args, **kwargs)
        seen.append(plan)
        return plan

    monkeypatch.setattr(pipeline, "plan_round", spy)
    monkeypatch.setenv("DHTT_WARM", "0")
    return seen


def go(folder: Path, out: Path):
    result = build(folder, BuildOptions(out=out, pdf=True))
    assert result.out is not None, [str(f.message) for f in result.findings]
    return result


def report_file(plan, i: int) -> str:
    return plan.jobs[i][0].file_name


def test_an_edit_converts_its_chunk_again_and_every_output_is_a_cold_builds(folder, plans, tmp_path):
    first = go(folder, folder / "build")
    plan = plans[-1]
    assert plan.chunks and max(len(c) for c in plan.chunks) >= 4
    assert first.stats["pdf_converted"] == len(plan.jobs)
    # each report's PDF has its own pages, begins with its own title and candidate
    for chunk in plan.chunks:
        for i in chunk:
            job = plan.jobs[i][0]
            pdf = PdfReader(folder / "build/documents" / job.file_name.replace(".docx", ".pdf"))
            first_page = pdf.pages[0].extract_text()
            assert "BÁO CÁO THÀNH TÍCH" in first_page.upper()
            assert job.title.split(": ", 1)[-1] in "".join(p.extract_text() for p in pdf.pages)

    chunk = next(c for c in plan.chunks if len(c) >= 3)
    edited = plan.jobs[chunk[1]][0].candidate_id
    edit(folder / f"candidates/{edited}.yaml")
    # `status` says what the user changed: that report, not the others of its chunk
    states = {d.candidate_id: d for d in document_states(evaluate(load_round(folder)), folder,
                                                         BuildOptions(out=folder / "build", pdf=True))}
    for i in chunk:
        cid = plan.jobs[i][0].candidate_id
        expected = DocState.STALE if cid == edited else DocState.FRESH
        assert states[cid].docx is expected and states[cid].pdf is expected, cid
    second = go(folder, folder / "build")
    assert second.stats["pdf_converted"] == len(chunk)          # its chunk, and nothing else
    assert plans[-1].chunks == plan.chunks                      # an edit moves no chunk
    body = "".join(p.extract_text() for p in PdfReader(
        folder / "build/documents" / report_file(plan, chunk[1]).replace(".docx", ".pdf")).pages)
    assert "Bổ sung." in body

    build_from_nothing(folder, tmp_path / "cold")
    assert files_of(folder / "build") == files_of(tmp_path / "cold")

    # a candidate withdrawn: the reports that were in its chunk are in new company, converted again
    gone = plan.jobs[chunk[0]][0].candidate_id
    withdraw(folder, folder / f"candidates/{gone}.yaml")
    third = go(folder, folder / "build")
    assert third.stats["pdf_converted"] >= len(chunk) - 1
    build_from_nothing(folder, tmp_path / "cold-2")
    assert files_of(folder / "build") == files_of(tmp_path / "cold-2")


def test_a_chunk_that_cannot_be_cut_is_converted_report_by_report_and_not_cached(folder, plans, tmp_path,
                                                                                 monkeypatch):
    from dhtt_docs.pdf import split

    real = split.split_at_marks
    monkeypatch.setattr(split, "split_at_marks", lambda *a: False)    # e.g. a warm LibreOffice without the marks
    first = go(folder, folder / "build")
    plan = plans[-1]
    assert plan.chunks
    assert first.stats["pdf_converted"] == len(plan.jobs)
    members = [i for c in plan.chunks for i in c]
    for i in members:
        pdf = folder / "build/documents" / report_file(plan, i).replace(".docx", ".pdf")
        assert len(PdfReader(pdf).pages) >= 2

    monkeypatch.setattr(split, "split_at_marks", real)
    second = go(folder, folder / "build")
    assert second.stats["pdf_converted"] == len(members)        # they were not kept: combined now
    build_from_nothing(folder, tmp_path / "cold")
    assert files_of(folder / "build") == files_of(tmp_path / "cold")


def test_no_chunks_for_pdfa_or_a_unoserver(folder):
    """PDF/A is tagged (a tagged PDF is not cut) and unoserver's LibreOffice does not export the marks:
    then every report is converted alone."""
    from dhtt_docs.build.pipeline import keyed_documents, pdf_keys_of

    report = evaluate(load_round(folder))
    jobs = keyed_documents(report, None, False)
    keys, chunks, alone = pdf_keys_of(jobs, report, BuildOptions(out=folder / "build", pdf=True))
    members = {i for c in chunks for i in c}
    assert chunks
    for i, (key, own) in enumerate(zip(keys, alone)):
        assert (key != own) == (i in members)     # a combined report's key names its chunk, never its own
    for opts in (BuildOptions(out=folder / "build", pdf=True, pdfa=True),
                 BuildOptions(out=folder / "build", pdf=True, converter="unoserver://127.0.0.1:2003")):
        keys_here, no_chunks, alone_here = pdf_keys_of(jobs, report, opts)
        assert no_chunks == [] and keys_here == alone_here
