"""`dhtt-docs validate` as a user runs it: verdicts, JSON shape, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import QUANG_BINH, SAMPLE_ROUND, SCREENING_ROUND, validate_json

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


def test_text_output_has_verdict_lines_and_summary(run_cli):
    result = run_cli("validate", SCREENING_ROUND)
    assert result.exit_code == 1
    out = result.stdout
    assert "Trần Quốc Đạt: ĐẠT theo tiêu chí khen thưởng (II.2.b)" in out
    assert "Hoàng Văn Long: KHÔNG ĐẠT" in out
    assert "candidates/hoang-van-long.yaml:" in out
    assert "Tổng: 9 ứng viên, 6 đạt tiêu chuẩn, 3 không đạt" in out
    assert "\x1b[" not in out  # no colour when not a terminal


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


def test_missing_folder_is_usage_error(run_cli, tmp_path):
    result = run_cli("validate", tmp_path / "khong-co")
    assert result.exit_code == 2
    assert "không tồn tại" in result.stderr


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
    assert plain.exit_code == 1
    assert "Lỗi nội bộ" in plain.stderr and "--debug" in plain.stderr and "Traceback" not in plain.stderr
    debug = runner.invoke(cli, ["--debug", "validate", str(round_dir.root)])
    assert isinstance(debug.exception, RuntimeError)


def test_output_folder_that_cannot_be_made_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(SAMPLE_ROUND), "-o", "/proc/khong-ghi-duoc",
                           "--no-pdf"], capture_output=True, text=True)
    assert proc.returncode == 2 and "Không ghi được" in proc.stderr and "Traceback" not in proc.stderr
