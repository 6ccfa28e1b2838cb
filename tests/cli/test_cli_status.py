"""`dhtt-docs status`: one table for the round, in the chosen language."""

from __future__ import annotations

from conftest import SCREENING_ROUND
from helpers import assert_english_text, candidate_names, cli_run


def test_status_in_english(tmp_path):
    result = cli_run("status", SCREENING_ROUND, "-o", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "Name", "Kind", "Result", "Votes", "Share", "Report", "DOCX", "PDF",
                                "Attachments"]
    hoang = next(line for line in lines if line.startswith("hoang-van-long"))
    assert "individual" in hoang and "NOT ELIGIBLE" in hoang and "not built" in hoang
    hung = next(line for line in lines if line.startswith("le-van-hung"))
    assert "ELIGIBLE (performance, awards)" in hung
    assert any("round document" in line for line in lines)
    summary = lines[-1]
    assert summary.startswith("9 candidates; 11 errors, 2 warnings (details: dhtt-docs validate")
    assert "12 documents not built yet" in summary
    names = candidate_names(SCREENING_ROUND)
    for line in [lines[0], hoang, hung, summary]:
        assert_english_text(line, names)

