"""Options shared by the commands: --lang before or after the command, DHTT_LANG, the default language."""

from __future__ import annotations

import click
from conftest import SCREENING_ROUND
from helpers import cli_run

from dhtt_docs.cli import cli
from dhtt_docs.i18n import get_lang, set_lang


def test_vietnamese_is_back_after_an_english_run():
    assert "ELIGIBLE by" in cli_run("--lang", "en", "validate", SCREENING_ROUND).stdout
    set_lang("vi")
    out = cli_run("validate", SCREENING_ROUND).stdout
    assert "Trần Quốc Đạt: ĐẠT theo tiêu chí khen thưởng (II.2.b)" in out
    assert "Tổng: 9 ứng viên, 6 đạt tiêu chuẩn, 3 không đạt" in out
    # Each command starts from the default language, not from the one a previous in-process run left.
    set_lang("en")
    assert "Tổng: 9 ứng viên" in cli_run("validate", SCREENING_ROUND).stdout
    assert get_lang() == "vi"


def test_dhtt_lang_environment_variable():
    out = cli_run("validate", SCREENING_ROUND, env={"DHTT_LANG": "en"}).stdout
    assert "Total: 9 candidates, 6 eligible, 3 not eligible;" in out
    # --lang beats the environment
    out = cli_run("validate", SCREENING_ROUND, "--lang", "vi", env={"DHTT_LANG": "en"}).stdout
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

