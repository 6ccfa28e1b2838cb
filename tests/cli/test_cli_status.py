"""`dhtt-docs status`: one table for the round, in the chosen language; typed document states."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE_ROUND, SCREENING_ROUND
from helpers import assert_english_text, candidate_names, cli_run

from dhtt_docs.build.pipeline import BuildOptions, build
from dhtt_docs.build.status import DocState, round_status
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate

WORDS = {
    "vi": {"header": ["Mã", "Tên", "Loại", "Kết", "quả", "Phiếu", "Tỷ", "lệ", "Báo", "cáo", "DOCX", "PDF", "Đính", "kèm"],
           "individual": "cá nhân", "not_eligible": "KHÔNG ĐẠT", "not_built": "chưa lập",
           "eligible": "ĐẠT (thành tích, khen thưởng)", "round": "văn bản chung",
           "summary": "9 ứng viên (6 đạt, 3 không đạt); 11 lỗi, 2 cảnh báo (chi tiết: dhtt-docs validate",
           "todo": "12 văn bản chưa lập"},
    "en": {"header": ["ID", "Name", "Kind", "Result", "Votes", "Share", "Report", "DOCX", "PDF", "Attachments"],
           "individual": "individual", "not_eligible": "NOT ELIGIBLE", "not_built": "not built",
           "eligible": "ELIGIBLE (performance, awards)", "round": "round document",
           "summary": "9 candidates (6 eligible, 3 not eligible); 11 errors, 2 warnings (details: dhtt-docs validate",
           "todo": "12 documents not built yet"},
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_status_table_and_summary(tmp_path, language):
    w = WORDS[language]
    result = cli_run("status", SCREENING_ROUND, "-o", tmp_path / "out", "--lang", language)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == w["header"]
    hoang = next(line for line in lines if line.startswith("hoang-van-long"))
    assert w["individual"] in hoang and w["not_eligible"] in hoang and w["not_built"] in hoang
    hung = next(line for line in lines if line.startswith("le-van-hung"))
    assert w["eligible"] in hung
    assert any(w["round"] in line for line in lines)
    summary = lines[-1]
    assert summary.startswith(w["summary"])
    assert w["todo"] in summary
    if language == "en":
        names = candidate_names(SCREENING_ROUND)
        for line in [lines[0], hoang, hung, summary]:
            assert_english_text(line, names)


def test_states_are_typed_and_tell_never_built_from_stale(tmp_path):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    opts = BuildOptions(pdf=False)
    before = round_status(evaluate(load_round(folder)), folder, opts)
    assert {d.docx for d in before.documents} == {DocState.MISSING}
    assert before.missing == len(before.documents) == 9 and before.stale == 0
    assert build(folder, opts).out is not None
    built = round_status(evaluate(load_round(folder)), folder, opts)
    assert {d.docx for d in built.documents} == {DocState.FRESH} and built.missing == built.stale == 0
    # a candidate's data changes: only the documents that show it are stale
    cand = folder / "candidates" / "le-van-hung.yaml"
    cand.write_text(cand.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Mới.\n", 1),
                    encoding="utf-8")
    changed = round_status(evaluate(load_round(folder)), folder, opts)
    stale = {d.candidate_id for d in changed.documents if d.docx is DocState.STALE}
    assert "le-van-hung" in stale and changed.missing == 0 and 0 < changed.stale < 9
    out = cli_run("status", folder).stdout.splitlines()[-1]
    assert f"{changed.stale} văn bản cần lập lại" in out and "chưa lập" not in out
