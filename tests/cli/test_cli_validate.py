"""`dhtt-docs validate` as a user runs it: verdicts, JSON shape, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import QUANG_BINH, SAMPLE_ROUND, SCREENING_ROUND, validate_json
from helpers import assert_english_text, candidate_names, cli_run, rules_messages

# The verdicts samples/README.md explains.
SCREENING = {
    "nguyen-thi-thu-trang": ("individual", True, {"performance": True, "awards": False}),
    "tran-quoc-dat": ("individual", True, {"performance": False, "awards": True}),
    "le-van-hung": ("individual", True, {"performance": True, "awards": True}),
    "hoang-van-long": ("individual", False, {"performance": False, "awards": False}),
    "pham-thi-huong": ("individual", False, {"performance": False, "awards": False}),
    "bui-thi-lan-anh": ("individual", True, {"performance": True, "awards": False}),
    "phong-quan-ly-thu": ("collective", True, {"performance": True, "awards": False}),
    "bhxh-huyen-hoang-hoa": ("collective", True, {"performance": False, "awards": True}),
    "bhxh-huyen-quang-xuong": ("collective", False, {"performance": False, "awards": False}),
}


def test_screening_round_verdicts_match_samples_readme(run_cli):
    code, data = validate_json(run_cli, SCREENING_ROUND)
    assert code == 1 and data["ok"] is False and data["plan"] == "1935/KH-BHXH"
    got = {c["id"]: (c["kind"], c["eligible"], c["tracks"]) for c in data["candidates"]}
    assert got == SCREENING
    huong = next(c for c in data["candidates"] if c["id"] == "pham-thi-huong")
    assert huong["approval"] == 4 / 9
    assert any(f["code"] == "votes.below_threshold" and f["file"] == "submission.yaml"
               for f in huong["findings"])
    quang_xuong = next(c for c in data["candidates"] if c["id"] == "bhxh-huyen-quang-xuong")
    assert {f["key"] for f in quang_xuong["findings"] if f["severity"] == "error"} >= {"awards", "staff_discipline[0]"}
    assert data["findings"] == []


def test_final_sample_round_is_ok(run_cli):
    code, data = validate_json(run_cli, SAMPLE_ROUND)
    assert code == 0 and data["ok"] is True
    assert len(data["candidates"]) == 6 and all(c["eligible"] for c in data["candidates"])
    severities = [f["severity"] for c in data["candidates"] for f in c["findings"]]
    assert "error" not in severities and severities.count("warning") == 1


def test_json_shape_follows_contract(run_cli):
    code, data = validate_json(run_cli, QUANG_BINH)
    assert set(data) == {"ok", "plan", "candidates", "findings"}
    for c in data["candidates"]:
        assert {"id", "kind", "name", "eligible", "tracks", "approval", "findings"} <= set(c)
        assert set(c["tracks"]) == {"performance", "awards"}
        for f in c["findings"]:
            assert {"severity", "clause", "file", "line", "key", "message"} <= set(f)


@pytest.mark.parametrize("where", ["before", "after"])
def test_text_output_has_verdict_lines_and_summary(run_cli, lang, where):
    # --lang before or after the command; Vietnamese is also the default, without --lang
    option = ["--lang", lang] if lang == "en" or where == "after" else []
    args = [*option, "validate", SCREENING_ROUND] if where == "before" else ["validate", SCREENING_ROUND, *option]
    result = run_cli(*args)
    assert result.exit_code == 1
    out = result.stdout
    assert "candidates/hoang-van-long.yaml:" in out
    assert "\x1b[" not in out  # no colour when not a terminal
    if lang == "vi":
        assert "Trần Quốc Đạt: ĐẠT theo tiêu chí khen thưởng (II.2.b)" in out
        assert "Hoàng Văn Long: KHÔNG ĐẠT" in out
        assert "Tổng: 9 ứng viên, 6 đạt tiêu chuẩn, 3 không đạt" in out
    else:
        _assert_screening_text_english(out)


def _assert_screening_text_english(out: str) -> None:
    assert "Trần Quốc Đạt: ELIGIBLE by the awards track (II.2.b)" in out
    assert "Lê Văn Hùng: ELIGIBLE by the performance and awards tracks (II.2.b)" in out
    assert "Hoàng Văn Long: NOT ELIGIBLE under II.2.b: meets neither the performance track nor the awards track" in out
    assert "[individual] hoang-van-long" in out and "[collective] phong-quan-ly-thu" in out
    assert "Round: bhxh-thanh-hoa-2024-so-loai" in out and "(plan 1935/KH-BHXH)" in out
    assert "Total: 9 candidates, 6 eligible, 3 not eligible;" in out
    assert "The dossier still has errors: fix the ERROR items above and run again." in out
    assert re.search(r"^\s+ERROR\s+candidates/hoang-van-long\.yaml:1 \[II\.2\.b\]$", out, re.MULTILINE)
    assert re.search(r"^\s+WARNING\s+candidates/", out, re.MULTILINE) and re.search(r"^\s+NOTE\s+", out, re.MULTILINE)
    assert "LỖI" not in out and "CẢNH BÁO" not in out and "ĐẠT" not in out
    names = candidate_names(SCREENING_ROUND)
    framing = [line for line in out.splitlines()
               if line.startswith(("[", "Round:", "Total:", "The dossier", "Whole round"))]
    assert len(framing) == 9 + 3
    for line in framing:
        assert_english_text(line, names + ["Bảo hiểm xã hội tỉnh Thanh Hóa"])


def test_not_yaml_at_all_still_gives_json(run_cli, round_dir):
    round_dir.write("candidates/an.yaml", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    code, data = validate_json(run_cli, round_dir.root)
    assert code == 1 and data["ok"] is False
    an = next(c for c in data["candidates"] if c["id"] == "an")
    assert an["eligible"] is None   # not checked: its own file is broken
    assert [f["severity"] for f in an["findings"]] == ["error"]
    assert an["findings"][0]["file"] == "candidates/an.yaml" and an["findings"][0]["line"] == 1


def test_broken_submission_gives_top_level_finding(run_cli, round_dir):
    round_dir.write("submission.yaml", "year: [2024\n")
    code, data = validate_json(run_cli, round_dir.root)
    assert code == 1
    assert data["findings"][0]["file"] == "submission.yaml" and data["findings"][0]["line"] == 2


@pytest.mark.parametrize("language", ["vi", "en"])
def test_missing_folder_is_usage_error(run_cli, tmp_path, language):
    result = run_cli("validate", tmp_path / "khong-co", "--lang", language)
    assert result.exit_code == 2
    if language == "vi":
        assert "không tồn tại" in result.stderr
    else:
        assert "does not exist" in result.stderr and "không tồn tại" not in result.stderr


def test_bad_format_option_is_usage_error(run_cli):
    assert run_cli("validate", SAMPLE_ROUND, "--format", "xml").exit_code == 2


def test_installed_console_script_runs_without_traceback(round_dir):
    """The `dhtt-docs` script that `pip install .` puts beside Python (CI); `python -m` in a source checkout."""
    from pathlib import Path
    script = Path(sys.executable).with_name("dhtt-docs")
    cmd = [str(script)] if script.is_file() else [sys.executable, "-m", "dhtt_docs"]
    round_dir.write("submission.yaml", "plan: [\n")
    proc = subprocess.run([*cmd, "validate", str(round_dir.root), "--format", "json"],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert json.loads(proc.stdout)["ok"] is False


def test_internal_error_is_one_line_unless_debug(round_dir, monkeypatch):
    from click.testing import CliRunner

    from dhtt_docs.cli.commands import validate as cli_module
    from dhtt_docs.cli import cli

    def boom(*a, **k):
        raise RuntimeError("hỏng giả")
    monkeypatch.setattr(cli_module, "evaluate", boom)
    runner = CliRunner()
    plain = runner.invoke(cli, ["validate", str(round_dir.root)])
    assert plain.exit_code == 3   # a bug, not "the dossier has errors" (1)
    assert "Lỗi nội bộ" in plain.stderr and "--debug" in plain.stderr and "Traceback" not in plain.stderr
    assert len(plain.stderr.strip().splitlines()) == 1
    debug = runner.invoke(cli, ["--debug", "validate", str(round_dir.root)])
    assert isinstance(debug.exception, RuntimeError)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_internal_error_still_gives_json(round_dir, monkeypatch, lang):
    from click.testing import CliRunner

    from dhtt_docs.cli.commands import validate as cli_module
    from dhtt_docs.cli import cli

    def boom(*a, **k):
        raise IndexError("tuple index out of range")
    monkeypatch.setattr(cli_module, "evaluate", boom)
    result = CliRunner().invoke(cli, ["--lang", lang, "validate", str(round_dir.root), "--format", "json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["candidates"] == []
    [finding] = data["findings"]
    assert finding["severity"] == "error" and finding["code"] == "internal.error"
    assert "IndexError" in finding["message"]
    assert ("send them to the maintainers" if lang == "en" else "gửi cho người bảo trì") in finding["message"]


def test_output_folder_that_cannot_be_made_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(SAMPLE_ROUND), "-o", "/proc/khong-ghi-duoc",
                           "--no-pdf", "--cache-dir", str(tmp_path / "cache")], capture_output=True, text=True)
    assert proc.returncode == 2 and "Không ghi được" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- in English (--lang en)


def test_screening_findings_in_english_json_keys_unchanged():
    result = cli_run("validate", SCREENING_ROUND, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "plan", "candidates", "findings"}
    hoang = next(c for c in data["candidates"] if c["id"] == "hoang-van-long")
    assert hoang["eligible"] is False and hoang["tracks"] == {"performance": False, "awards": False}
    assert {"severity", "clause", "file", "line", "key", "code", "message"} <= set(hoang["findings"][0])
    assert {f["severity"] for f in hoang["findings"]} <= {"error", "warning", "info"}

    messages = {f["code"]: f["message"] for f in rules_messages(data)}
    assert "does not meet the advanced-model" in messages["verdict.ineligible"]
    assert "rated 'excellently completed duties' (HTXSNV)" in messages["track.performance.ratings"]
    assert messages["track.awards"].startswith("Awards criterion not met: one of these titles or awards is needed")
    assert "'Bằng khen của Thủ tướng Chính phủ'" in messages["track.awards"]   # catalogue names stay as values
    assert "not more than 50% of all members" in messages["votes.below_threshold"]
    assert "received the disciplinary measure 'cảnh cáo'" in messages["track.performance.discipline"]
    assert "target 'Số người tham gia bảo hiểm xã hội tự nguyện' not met" in messages[
        "track.performance.target_missed"]
    assert "add them under 'initiatives'" in messages["initiatives.few"]
    assert "leadership or management post" in messages["leader.qualities"]
    names = [c["name"] for c in data["candidates"]] + ["Đào Văn Thịnh"]
    for f in rules_messages(data):
        assert_english_text(f["message"], names)


def test_round_level_errors_in_english(round_dir):
    (round_dir.root / "candidates" / "phong-thu.yaml").unlink()
    round_dir.edit("submission.yaml", "ballots: {issued: 4, returned: 4, valid: 4}",
                   "ballots: {issued: 5, returned: 6, valid: 7}")
    round_dir.edit("submission.yaml", "present: true}\n  ballots", "present: false}\n  ballots")
    result = cli_run("validate", round_dir.root, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    top = {f["code"]: f for f in data["findings"]}
    assert top["round.too_few"]["clause"] == "III.1" and top["round.too_few"]["line"] == 1
    assert top["round.too_few"]["message"] == (
        "The council must select at least 1 collective and 1 individual; this round is short of 1 collective "
        "(it has 0 collectives and 1 individual). Add dossiers to the candidates/ folder.")
    assert top["ballots.issued_over_members"]["message"].startswith("More ballots issued (5) than council members (4)")
    assert top["ballots.returned_over_issued"]["message"].startswith("More ballots returned (6) than issued (5)")
    assert top["ballots.valid_over_returned"]["message"].startswith("More valid ballots (7) than ballots returned")
    assert "there is no file candidates/phong-thu.yaml" in top["votes.no_file"]["message"]
    assert "Council member Ngô Văn Tài is absent" in top["council.absent_no_opinion"]["message"]
    for f in rules_messages(data):
        assert_english_text(f["message"], ["Ngô Văn Tài", "Nguyễn Văn An"])

    text = cli_run("--lang", "en", "validate", round_dir.root).stdout
    assert "\nWhole round:\n" in text and "ERROR     submission.yaml:1 (council) [III.1]" in text
    assert "Total: 1 candidate, 1 eligible, 0 not eligible; 5 errors, 1 warning, 0 notes." in text

