"""`xlsx template --plan ID|FILE`: the workbook follows the plan (title, rating years, award drop-down)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_docs.cli import cli
from dhtt_docs.excel.layout import SHEET_GUIDE, SHEET_INDIVIDUALS, SHEET_LISTS
from dhtt_docs.rules.profile import plans_dir

USER_PLAN_ID = "88/KH-BHXH"


def user_plan(folder: Path) -> Path:
    """A plan profile the user wrote: 2026-2030, its own title and an award of its own."""
    text = (plans_dir() / "1935-KH-BHXH.yaml").read_text(encoding="utf-8")
    text = text.replace("id: 1935/KH-BHXH", f"id: {USER_PLAN_ID}", 1)
    text = re.sub(r"^title: .*$", "title: Kế hoạch điển hình tiên tiến giai đoạn 2026 - 2030", text, count=1,
                  flags=re.M)
    text = text.replace("window: {first_year: 2021, last_year: 2025", "window: {first_year: 2026, last_year: 2030")
    text = text.replace("Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam",
                        "Bằng khen của Giám đốc Bảo hiểm xã hội Việt Nam")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ke-hoach-2026-2030.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _sheet_text(wb, name: str) -> str:
    return "\n".join(str(c.value) for row in wb[name].iter_rows() for c in row if c.value is not None)


def test_a_users_plan_file_gives_its_years_title_and_awards(tmp_path):
    plan = user_plan(tmp_path / "plans")
    book = tmp_path / "ds.xlsx"
    result = _run("xlsx", "template", book, "--plan", plan)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    headers = [c.value for c in wb[SHEET_INDIVIDUALS][1]]
    assert headers[-5:] == [f"Xếp loại {y}" for y in range(2026, 2031)]
    assert "Kế hoạch điển hình tiên tiến giai đoạn 2026 - 2030 (88/KH-BHXH)" in _sheet_text(wb, SHEET_GUIDE)
    awards = _sheet_text(wb, SHEET_LISTS)
    assert "Bằng khen của Giám đốc Bảo hiểm xã hội Việt Nam" in awards and "Tổng Giám đốc" not in awards
    everything = "\n".join(_sheet_text(wb, n) for n in wb.sheetnames)
    everything += "\n".join(c.comment.text for n in wb.sheetnames for c in wb[n][1] if c.comment)
    assert "1935" not in everything and "Tổng Giám đốc" not in everything and "2021 - 2025" not in everything


def test_a_shipped_id_and_the_year_choose_the_same_plan(tmp_path):
    by_id, by_year = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert _run("xlsx", "template", by_id, "--plan", "1935/KH-BHXH").exit_code == 0
    assert _run("xlsx", "template", by_year, "--year", "2023").exit_code == 0
    assert by_id.read_bytes() == by_year.read_bytes()
    headers = [c.value for c in openpyxl.load_workbook(by_id)[SHEET_INDIVIDUALS][1]]
    assert headers[-1] == "Xếp loại 2025"


def test_inside_a_round_the_rounds_plan_is_used(tmp_path):
    plan = user_plan(tmp_path / "plans")
    round_ = tmp_path / "round"
    assert _run("init", round_, "--plan", plan).exit_code == 0
    assert _run("xlsx", "template", round_ / "ds.xlsx").exit_code == 0
    headers = [c.value for c in openpyxl.load_workbook(round_ / "ds.xlsx")[SHEET_INDIVIDUALS][1]]
    assert headers[-1] == "Xếp loại 2030"


@pytest.mark.parametrize("args, words", [(["--year", "2031"], "--plan"),
                                         (["--plan", "9999/KH-XYZ"], "1935/KH-BHXH"),
                                         (["--plan", "khong-co.yaml"], "khong-co.yaml")])
def test_no_plan_for_the_year_or_an_unknown_plan_is_a_usage_error(tmp_path, args, words):
    result = _run("xlsx", "template", tmp_path / "ds.xlsx", *args)
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ds.xlsx").exists()


def test_a_broken_plan_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "hong.yaml"
    bad.write_text("id: 1/KH\ntitle: [\n", encoding="utf-8")
    result = _run("xlsx", "template", tmp_path / "ds.xlsx", "--plan", bad)
    assert result.exit_code == 2 and "hong.yaml" in result.output
