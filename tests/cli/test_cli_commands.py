"""doctor, init, new, templates, xlsx as a user runs them."""

from __future__ import annotations

from helpers import assert_english_text, cli_run


def test_doctor_in_english():
    result = cli_run("doctor", "--lang", "en", env={"DHTT_SOFFICE": "/nonexistent"})
    assert result.exit_code == 2
    out = result.stdout
    assert "LibreOffice: MISSING — needed to make PDFs." in out
    assert "Plans with criteria: 1935/KH-BHXH" in out
    assert "To install:" in out and "(or run scripts/setup in the dhtt-docs source folder)" in out
    assert "Font standing in for Times New Roman:" in out
    assert_english_text(out)


def test_doctor_ready_in_english(soffice):
    result = cli_run("--lang", "en", "doctor")
    if result.exit_code == 0:
        assert "This machine is ready to build documents and PDFs." in result.stdout
    assert_english_text(result.stdout)


def test_init_new_templates_xlsx_in_english(tmp_path):
    folder = tmp_path / "round"
    result = cli_run("init", folder, "--year", "2024", "--lang", "en")
    assert result.exit_code == 0
    assert f"Created a round in {folder}:" in result.stdout
    assert "Next: fill in submission.yaml; add candidates with" in result.stdout
    result = cli_run("new", "individual", "nguyen-van-an", "--in", folder, "--lang", "en")
    assert result.exit_code == 0
    assert "Fill in the empty fields, then run `dhtt-docs validate" in result.stdout

    templates = tmp_path / "mau"
    result = cli_run("templates", "export", templates, "--lang", "en")
    assert result.exit_code == 0 and f"to {templates}:" in result.stdout and "Copied" in result.stdout
    assert "keep the {{ ... }} and {% ... %} tags as they are" in result.stdout
    result = cli_run("templates", "check", templates, "--lang", "en")
    assert result.exit_code == 0 and "The templates are usable." in result.stdout

    book = tmp_path / "ds.xlsx"
    assert cli_run("xlsx", "template", book, "--year", "2024").exit_code == 0
    result = cli_run("xlsx", "template", book, "--lang", "en")
    assert result.exit_code == 2
    assert "Error: " in result.stderr and "already exists and was not overwritten" in result.stderr
    for text in (result.stderr,):
        assert_english_text(text)

