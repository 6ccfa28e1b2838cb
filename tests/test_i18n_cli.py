"""`--lang en`: the rules' findings, the report, status, build and doctor speak English.

The language is a process-wide setting and CliRunner runs in-process, so every
test here puts Vietnamese back afterwards (the autouse fixture), and one test
checks that a run without --lang after an English one is Vietnamese again.

Loader, schema and attachment messages are translated elsewhere: the checks
below only look at the findings of the rules engine (by code) and at the
CLI's own framing lines.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_ROUND, SCREENING_ROUND

from dhtt_docs.cli import cli
from dhtt_docs.i18n import get_lang, set_lang

VIETNAMESE = ("hãy", "tệp", "trường", "không", "được", "của", "cần", "thành viên")

# Findings made by rules.py (the loader's, schema's and attachments' codes are not listed).
RULES_CODES = re.compile(r"^(award|rating|track|initiatives?|target|discipline|awards|plan|verdict|leader|round|"
                         r"council|ballots|votes|meeting)\.")


@pytest.fixture(autouse=True)
def vietnamese_afterwards():
    try:
        yield
    finally:
        set_lang("vi")


def run(*args, env: dict | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def strip_values(text: str, names=()) -> str:
    """The text without what the user typed: quoted values and the given names."""
    text = click.unstyle(text)
    text = re.sub(r"'[^']*'", "''", text)
    text = re.sub(r'"[^"]*"', '""', text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "<name>")
    return text


def assert_english(text: str, names=()) -> None:
    bare = strip_values(text, names).lower()
    found = [w for w in VIETNAMESE if w in bare]
    assert not found, f"Vietnamese {found} in: {text!r}"


def candidate_names(folder: Path) -> list[str]:
    data = json.loads(run("--lang", "en", "validate", folder, "--format", "json").stdout)
    return [c["name"] for c in data["candidates"]]


def rules_messages(data: dict) -> list[dict]:
    found = [f for c in data["candidates"] for f in c["findings"]] + data["findings"]
    return [f for f in found if RULES_CODES.match(f["code"] or "")]


# --- validate ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_screening_round_in_english(where):
    args = ["--lang", "en", "validate", SCREENING_ROUND] if where == "before" else \
        ["validate", SCREENING_ROUND, "--lang", "en"]
    result = run(*args)
    assert result.exit_code == 1
    out = result.stdout
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
        assert_english(line, names + ["Bảo hiểm xã hội tỉnh Thanh Hóa"])


def test_screening_findings_in_english_json_keys_unchanged():
    result = run("validate", SCREENING_ROUND, "--format", "json", "--lang", "en")
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
        assert_english(f["message"], names)


def test_round_level_errors_in_english(round_dir):
    (round_dir.root / "candidates" / "phong-thu.yaml").unlink()
    round_dir.edit("submission.yaml", "ballots: {issued: 4, returned: 4, valid: 4}",
                   "ballots: {issued: 5, returned: 6, valid: 7}")
    round_dir.edit("submission.yaml", "present: true}\n  ballots", "present: false}\n  ballots")
    result = run("validate", round_dir.root, "--format", "json", "--lang", "en")
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
        assert_english(f["message"], ["Ngô Văn Tài", "Nguyễn Văn An"])

    text = run("--lang", "en", "validate", round_dir.root).stdout
    assert "\nWhole round:\n" in text and "ERROR     submission.yaml:1 (council) [III.1]" in text
    assert "Total: 1 candidate, 1 eligible, 0 not eligible; 5 errors, 1 warning, 0 notes." in text


def test_vietnamese_is_back_after_an_english_run():
    assert "ELIGIBLE by" in run("--lang", "en", "validate", SCREENING_ROUND).stdout
    set_lang("vi")
    out = run("validate", SCREENING_ROUND).stdout
    assert "Trần Quốc Đạt: ĐẠT theo tiêu chí khen thưởng (II.2.b)" in out
    assert "Tổng: 9 ứng viên, 6 đạt tiêu chuẩn, 3 không đạt" in out
    # Each command starts from the default language, not from the one a previous in-process run left.
    set_lang("en")
    assert "Tổng: 9 ứng viên" in run("validate", SCREENING_ROUND).stdout
    assert get_lang() == "vi"


def test_dhtt_lang_environment_variable():
    out = run("validate", SCREENING_ROUND, env={"DHTT_LANG": "en"}).stdout
    assert "Total: 9 candidates, 6 eligible, 3 not eligible;" in out
    # --lang beats the environment
    out = run("validate", SCREENING_ROUND, "--lang", "vi", env={"DHTT_LANG": "en"}).stdout
    assert "Tổng: 9 ứng viên" in out


def test_every_command_takes_lang_after_its_name():
    def commands(group: click.Group):
        for cmd in group.commands.values():
            if isinstance(cmd, click.Group):
                yield from commands(cmd)
            else:
                yield cmd
    seen = set()
    for cmd in commands(cli):
        lang = [p for p in cmd.params if p.name == "lang"]
        assert lang and lang[0].is_eager and not lang[0].expose_value, cmd.name
        seen.add(cmd.name)
    assert seen >= {"validate", "build", "verify", "doctor", "status", "init", "new", "export", "check",
                    "template", "import"}


def test_missing_folder_in_english(tmp_path):
    result = run("validate", tmp_path / "nowhere", "--lang", "en")
    assert result.exit_code == 2 and "does not exist" in result.stderr and "không tồn tại" not in result.stderr


# --- status --------------------------------------------------------------------


def test_status_in_english(tmp_path):
    result = run("status", SCREENING_ROUND, "-o", tmp_path / "out", "--lang", "en")
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
    assert "12 documents to build or rebuild" in summary
    names = candidate_names(SCREENING_ROUND)
    for line in [lines[0], hoang, hung, summary]:
        assert_english(line, names)


# --- build ---------------------------------------------------------------------


def test_build_with_errors_writes_nothing_in_english(tmp_path):
    out = tmp_path / "out"
    result = run("build", SCREENING_ROUND, "-o", out, "--no-pdf", "--lang", "en")
    assert result.exit_code == 1 and not out.exists()
    assert "Total: 9 candidates, 6 eligible, 3 not eligible;" in result.stdout
    line = ("Nothing written: the dossier still has errors. Fix the ERROR items, or add --force to build a "
            "DRAFT (DỰ THẢO).")
    assert line in result.stderr
    assert_english(result.stderr)


def test_build_without_libreoffice_in_english(tmp_path):
    result = run("build", SAMPLE_ROUND, "-o", tmp_path / "out", "--lang", "en",
                 env={"DHTT_SOFFICE": "/nonexistent"})
    assert result.exit_code == 2
    err = result.stderr
    assert err.startswith("Error: LibreOffice (soffice), needed to make PDFs, was not found at "
                          "DHTT_SOFFICE=/nonexistent")
    assert "install LibreOffice: sudo apt-get install" in err and "or add --no-pdf" in err
    assert "Lỗi" not in err
    assert_english(err)


def test_build_no_pdf_and_verify_in_english(tmp_path):
    out = tmp_path / "out"
    result = run("--lang", "en", "build", SAMPLE_ROUND, "-o", out, "--no-pdf", "--no-cache")
    assert result.exit_code == 0, result.output
    assert re.search(r"^Wrote \d+ files in ", result.stdout, re.MULTILINE)
    assert "Note: the dossier has 1 warning for the council to consider (details: dhtt-docs validate" in result.stdout
    for line in result.stdout.splitlines():
        if not line.startswith("  "):
            assert_english(line)
    bag = next((out / "bundle").glob("*.zip"))
    result = run("verify", bag, "--lang", "en")
    assert result.exit_code == 0
    assert "is intact: every file is present and matches its SHA-256 checksum." in result.stdout
    assert_english(result.stdout)


# --- doctor, init, new, templates, xlsx -------------------------------------------


def test_doctor_in_english():
    result = run("doctor", "--lang", "en", env={"DHTT_SOFFICE": "/nonexistent"})
    assert result.exit_code == 2
    out = result.stdout
    assert "LibreOffice: MISSING — needed to make PDFs." in out
    assert "Plans with criteria: 1935/KH-BHXH" in out
    assert "To install:" in out and "(or run scripts/setup in the dhtt-docs source folder)" in out
    assert "Font standing in for Times New Roman:" in out
    assert_english(out)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_doctor_ready_in_english():
    result = run("--lang", "en", "doctor")
    if result.exit_code == 0:
        assert "This machine is ready to build documents and PDFs." in result.stdout
    assert_english(result.stdout)


def test_init_new_templates_xlsx_in_english(tmp_path):
    folder = tmp_path / "round"
    result = run("init", folder, "--year", "2024", "--lang", "en")
    assert result.exit_code == 0
    assert f"Created a round in {folder}:" in result.stdout
    assert "Next: fill in submission.yaml; add candidates with" in result.stdout
    result = run("new", "individual", "nguyen-van-an", "--in", folder, "--lang", "en")
    assert result.exit_code == 0
    assert "Fill in the empty fields, then run `dhtt-docs validate" in result.stdout

    templates = tmp_path / "mau"
    result = run("templates", "export", templates, "--lang", "en")
    assert result.exit_code == 0 and f"to {templates}:" in result.stdout and "Copied" in result.stdout
    assert "keep the {{ ... }} and {% ... %} tags as they are" in result.stdout
    result = run("templates", "check", templates, "--lang", "en")
    assert result.exit_code == 0 and "The templates are usable." in result.stdout

    book = tmp_path / "ds.xlsx"
    assert run("xlsx", "template", book, "--year", "2024").exit_code == 0
    result = run("xlsx", "template", book, "--lang", "en")
    assert result.exit_code == 2
    assert "Error: " in result.stderr and "already exists and was not overwritten" in result.stderr
    for text in (result.stderr,):
        assert_english(text)
