"""One broken round-level value: an error on its own line, candidates "not checked", never "KHÔNG ĐẠT"."""

from __future__ import annotations

import json

import pytest

from conftest import validate_json


@pytest.mark.parametrize("bad", ["2025-13-45", "hôm qua"])
def test_broken_submission_date_leaves_candidates_not_checked(round_dir, run_cli, bad):
    round_dir.edit("submission.yaml", "date: 2024-11-25", f"date: {bad}")
    code, data = validate_json(run_cli, round_dir.root)
    assert code == 1
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert [(f["file"], f["key"], f["line"]) for f in errors] == [("submission.yaml", "submission.date", 29)]
    assert [c["eligible"] for c in data["candidates"]] == [None, None]
    assert all(c["findings"] == [] for c in data["candidates"])
    text = run_cli("validate", round_dir.root).stdout
    assert "KHÔNG ĐẠT" not in text
    assert text.count("CHƯA KIỂM TRA ĐƯỢC: submission.yaml có lỗi ở giá trị cần cho việc xét (submission.date)") == 2
    assert "Tổng: 2 ứng viên, 0 đạt tiêu chuẩn, 0 không đạt, 2 chưa kiểm tra được; 1 lỗi" in text
    en = run_cli("--lang", "en", "validate", round_dir.root).stdout
    assert "NOT ELIGIBLE" not in en and "0 not eligible, 2 not checked" in en


def test_status_says_not_checked_and_nothing_built(round_dir, run_cli):
    round_dir.edit("submission.yaml", "date: 2024-11-25", "date: hôm qua")
    out = run_cli("status", round_dir.root).stdout
    assert "KHÔNG ĐẠT" not in out and out.count("CHƯA KIỂM TRA") == 2
    assert "mới" not in [c.strip() for line in out.splitlines() for c in line.split("  ")]
    assert "văn bản đã mới nhất" not in out and "2 chưa kiểm tra" in out


def test_other_broken_round_value_still_checks_the_candidates(round_dir):
    """A value the candidates' checks do not need (the meeting's place) leaves their verdicts standing."""
    round_dir.edit("submission.yaml", "    location: Phòng họp tầng 2", "    location: [tầng 2, tầng 3]")
    rep = round_dir.report()
    assert rep.round.submission is None and not rep.ok
    assert [v.eligible for v in rep.verdicts] == [True, True]
    assert [f.key for f in rep.findings if f.severity.value == "error"] == ["council.meeting.location"]


def test_verdict_state_is_typed(round_dir):
    from dhtt_docs.rules.verdict import VerdictState
    rep = round_dir.report()
    assert {v.state for v in rep.verdicts} == {VerdictState.ELIGIBLE}
    round_dir.edit("submission.yaml", "date: 2024-11-25", "date: hôm qua")
    rep = round_dir.report()
    assert rep.counts() == {VerdictState.ELIGIBLE: 0, VerdictState.NOT_ELIGIBLE: 0, VerdictState.NOT_CHECKED: 2}
    assert json.loads(json.dumps(rep.to_json("vi")))["candidates"][0]["eligible"] is None
