"""Every command used wrongly: exit 2 and one line saying what is wrong, in Vietnamese (English with --lang en).

Click's own words (usage errors, help headings) are translated too
(dhtt_docs.cli.clicktext); suggested commands are shell-quoted.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_ROUND

# Click's English, which must not reach a Vietnamese user.
CLICK_ENGLISH = ("Usage", "Error", "Invalid value", "Missing", "does not exist", "is a file", "No such", "Try '",
                 "is not one of", "for help")


def wrong_uses(tmp: Path, make: bool = True) -> dict[str, list]:
    not_a_round = tmp / "trong"
    existing_round = tmp / "dot-cu"
    if make:
        not_a_round.mkdir(exist_ok=True)
        existing_round.mkdir(exist_ok=True)
        (existing_round / "submission.yaml").write_text("plan: 1935/KH-BHXH\n", encoding="utf-8")
    missing = tmp / "khong-co"
    return {
        "validate-missing-folder": ["validate", missing],
        "validate-a-file": ["validate", SAMPLE_ROUND / "submission.yaml"],
        "validate-no-submission": ["validate", not_a_round],
        "validate-bad-format": ["validate", SAMPLE_ROUND, "--format", "xml"],
        "validate-bad-option": ["validate", SAMPLE_ROUND, "--bogus"],
        "build-missing-folder": ["build", missing, "--no-pdf"],
        "build-no-submission": ["build", not_a_round, "--no-pdf"],
        "build-bad-jobs": ["build", SAMPLE_ROUND, "-j", "0"],
        "status-a-file": ["status", SAMPLE_ROUND / "submission.yaml"],
        "status-no-submission": ["status", not_a_round],
        "verify-no-argument": ["verify"],
        "verify-missing-file": ["verify", tmp / "khong-co.zip"],
        "init-no-argument": ["init"],
        "init-existing-round": ["init", existing_round, "--year", "2024"],
        "new-bad-kind": ["new", "robot", "nguyen-van-an"],
        "new-no-id": ["new", "individual"],
        "doctor-bad-option": ["doctor", "--bogus"],
        "templates-no-subcommand-argument": ["templates", "export"],
        "templates-check-missing": ["templates", "check", missing],
        "xlsx-import-missing-file": ["xlsx", "import", tmp / "khong-co.xlsx", not_a_round],
        "xlsx-template-no-argument": ["xlsx", "template"],
        "unknown-command": ["bogus"],
        "unknown-lang": ["--lang", "fr", "validate", SAMPLE_ROUND],
    }


CASES = sorted(wrong_uses(Path("placeholder"), make=False))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_command_used_wrongly_exits_2_with_one_line(run_cli, tmp_path, case, language):
    args = wrong_uses(tmp_path)[case]
    env = None
    if language == "en":
        if case == "unknown-lang":
            env = {"DHTT_LANG": "en"}     # --lang itself is wrong: the environment chooses
        else:
            args = ["--lang", "en", *args]
    result = run_cli(*args, env=env)
    assert result.exit_code == 2, (case, result.output)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if language == "vi":
        assert lines[0].startswith("Lỗi: ")
        assert not [w for w in CLICK_ENGLISH if w in lines[0]], lines[0]
    else:
        assert lines[0].startswith("Error: ")
        assert "Lỗi" not in lines[0]


def test_a_file_given_as_folder_names_the_folder_to_pass(run_cli, tmp_path):
    folder = tmp_path / "Hồ sơ ĐHTT 2025"
    folder.mkdir()
    (folder / "submission.yaml").write_text("plan: 1935/KH-BHXH\n", encoding="utf-8")
    result = run_cli("validate", folder / "submission.yaml")
    assert result.exit_code == 2
    assert "cần thư mục của đợt xét" in result.stderr
    suggested = result.stderr.split("hãy chạy ", 1)[1].split(" (hướng dẫn")[0]
    assert shlex.split(suggested) == ["dhtt-docs", "validate", str(folder)]


def test_a_folder_without_submission_yaml_says_init(run_cli, tmp_path):
    result = run_cli("validate", tmp_path)
    assert result.exit_code == 2
    assert "không có submission.yaml" in result.stderr and "dhtt-docs init" in result.stderr


@pytest.mark.parametrize("language, usage, options, commands",
                         [("vi", "Cách dùng:", "Tùy chọn:", "Lệnh:"), ("en", "Usage:", "Options:", "Commands:")])
def test_help_headings_in_the_chosen_language(language, usage, options, commands):
    # In a process of its own: click makes each command's --help option once and keeps its words.
    def run(*args):
        return subprocess.run([sys.executable, "-m", "dhtt_docs", *args], capture_output=True, text=True).stdout

    out = run("--lang", language, "--help")
    assert out.startswith(f"{usage} dhtt-docs") and f"\n{options}\n" in out and f"\n{commands}\n" in out
    sub = run("--lang", language, "validate", "--help")
    assert sub.startswith(f"{usage} dhtt-docs validate") and f"\n{options}\n" in sub
    assert ("Hiện hướng dẫn này rồi thoát." if language == "vi" else "Show this message and exit.") in sub


def test_suggested_commands_are_shell_quoted(run_cli, tmp_path):
    folder = tmp_path / "Hồ sơ ĐHTT 2025" / "Nghệ An đợt 2"
    out = run_cli("init", folder, "--year", "2024").stdout
    check = out.split("kiểm tra bằng `", 1)[1].split("`", 1)[0]
    assert shlex.split(check) == ["dhtt-docs", "validate", str(folder)]
    # init prints every path in one form: the folder as given, then paths under it
    listed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert listed and all(p.startswith(str(folder)) for p in listed)
    new = run_cli("new", "individual", "nguyen-van-an", "--in", folder).stdout
    run = new.split("rồi chạy `", 1)[1].split("`", 1)[0]
    assert shlex.split(run) == ["dhtt-docs", "validate", str(folder)]
