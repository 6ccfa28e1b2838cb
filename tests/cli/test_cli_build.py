"""`dhtt-docs build` as a user runs it: what it prints and its exit codes."""

from __future__ import annotations

import re

from conftest import SAMPLE_ROUND, SCREENING_ROUND
from helpers import assert_english_text, cli_run


def test_round_with_errors_writes_nothing(tmp_path, lang):
    out = tmp_path / "out"
    result = cli_run("build", SCREENING_ROUND, "-o", out, "--no-pdf", "--lang", lang)
    assert result.exit_code == 1 and not out.exists()
    assert "--force" in result.stderr
    if lang == "vi":
        assert "KHÔNG ĐẠT" in result.stdout
    else:
        assert "Total: 9 candidates, 6 eligible, 3 not eligible;" in result.stdout
        line = ("Nothing written: the dossier still has errors. Fix the ERROR items, or add --force to build a "
                "DRAFT (DỰ THẢO).")
        assert line in result.stderr
        assert_english_text(result.stderr)


def test_missing_libreoffice_exits_2_with_fix(tmp_path, lang):
    result = cli_run("build", SAMPLE_ROUND, "-o", tmp_path / "out", "--lang", lang,
                     env={"DHTT_SOFFICE": "/nonexistent"})
    assert result.exit_code == 2
    err = result.stderr
    assert "apt-get install" in err and "--no-pdf" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
    if lang == "en":
        assert err.startswith("Error: LibreOffice (soffice), needed to make PDFs, was not found at "
                              "DHTT_SOFFICE=/nonexistent")
        assert "install LibreOffice: sudo apt-get install" in err and "or add --no-pdf" in err
        assert "Lỗi" not in err
        assert_english_text(err)


def test_build_no_pdf_and_verify_in_english(tmp_path):
    out = tmp_path / "out"
    result = cli_run("--lang", "en", "build", SAMPLE_ROUND, "-o", out, "--no-pdf", "--no-cache")
    assert result.exit_code == 0, result.output
    assert re.search(r"^Wrote \d+ files in ", result.stdout, re.MULTILINE)
    assert "Note: the dossier has 1 warning for the council to consider (details: dhtt-docs validate" in result.stdout
    for line in result.stdout.splitlines():
        if not line.startswith("  "):
            assert_english_text(line)
    bag = next((out / "bundle").glob("*.zip"))
    result = cli_run("verify", bag, "--lang", "en")
    assert result.exit_code == 0
    assert "is intact: every file is present and matches its SHA-256 checksum." in result.stdout
    assert_english_text(result.stdout)

