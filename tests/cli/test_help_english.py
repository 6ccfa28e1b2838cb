"""Every command's --help in English with --lang en (or DHTT_LANG=en), and unchanged in Vietnamese otherwise.

The help is written in Vietnamese where each command is defined; its English
is in dhtt_docs.cli.helptext.EN, looked up when click renders the help
(dhtt_docs.cli.clicktext). All of this runs in one process, one language after
the other, because click keeps some help texts from the first --help it built.
"""

from __future__ import annotations

import inspect
import unicodedata

import click
import pytest
from click.testing import CliRunner

from dhtt_docs.cli import cli
from dhtt_docs.cli.clicktext import VI
from dhtt_docs.cli.helptext import EN


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path + (name,))


COMMANDS = [((), cli)] + list(_commands(cli))
IDS = [" ".join(path) or "dhtt-docs" for path, _ in COMMANDS]


def _help(args, env=None) -> str:
    result = CliRunner().invoke(cli, args, env=env or {"DHTT_LANG": None}, prog_name="dhtt-docs")
    assert result.exit_code == 0, result.output
    return result.output


def vietnamese_letters(text: str) -> list[str]:
    """The lines with a Vietnamese letter (ă â đ ê ô ơ ư, tone marks), leaving out example command lines and
    the usage line (command syntax: `new` accepts 'cá nhân' as a value)."""
    return [line for line in text.splitlines()
            if not line.lstrip().startswith(("dhtt-docs", "Usage:"))
            and any(unicodedata.name(ch, "").startswith("LATIN") and "WITH" in unicodedata.name(ch, "")
                    for ch in line)]


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=IDS)
def test_help_in_english(path, cmd):
    runs = [["--lang", "en", *path, "--help"], ["--lang", "en", *path, "-h"]]
    if any("--lang" in p.opts for p in cmd.params):      # --lang after --help counts too
        runs.append([*path, "--help", "--lang", "en"])
    for args in runs:
        out = _help(args)
        assert "Usage:" in out and "Options:" in out
        assert vietnamese_letters(out) == [], args
        if cmd.help and "Ví dụ" in cmd.help:
            assert "Examples:" in out and "Ví dụ" not in out


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=IDS)
def test_help_stays_vietnamese(path, cmd):
    before = _help([*path, "--help"])
    _help(["--lang", "en", *path, "--help"])
    after = _help([*path, "--help"])
    assert after == before                       # the English run left nothing behind
    assert "Cách dùng:" in after and "Tùy chọn:" in after and "Hiện hướng dẫn này rồi thoát." in after
    if cmd.help and "Ví dụ" in cmd.help:
        assert "Ví dụ:" in after and "Examples:" not in after
    first_line = inspect.cleandoc(cmd.help).splitlines()[0]
    assert " ".join(first_line.split()[:4]) in " ".join(after.split())


def test_dhtt_lang_env_and_one_process_order():
    vi = _help(["validate", "--help"])
    assert "Kiểm tra hồ sơ một đợt xét" in vi
    en = _help(["validate", "--help"], env={"DHTT_LANG": "en"})
    assert "Check a round's dossier" in en and "Show this message and exit." in en
    assert _help(["validate", "--help"]) == vi
    group_en = _help(["--help"], env={"DHTT_LANG": "en"})
    assert "Show the version and exit." in group_en and vietnamese_letters(group_en) == []


def test_every_help_text_has_its_english():
    """Each docstring and option help is in the catalogue (click's own words are in clicktext), and the
    catalogue holds nothing else; examples keep their command lines."""
    used = set()
    for _path, cmd in COMMANDS:
        texts = [inspect.cleandoc(cmd.help)] + [p.help for p in cmd.params if isinstance(p, click.Option) and p.help]
        for text in texts:
            if text in VI.values():
                continue
            assert text in EN, text
            used.add(text)
            examples = [line for line in text.splitlines() if line.lstrip().startswith("dhtt-docs")]
            assert examples == [line for line in EN[text].splitlines() if line.lstrip().startswith("dhtt-docs")]
    assert set(EN) - used == set()


def test_missing_english_falls_back_to_vietnamese():
    @click.command()
    @click.option("--x", help="Chưa có bản tiếng Anh.")
    def extra(x):
        """Lệnh chưa dịch."""

    cli.add_command(extra, "extra-untranslated")
    try:
        out = _help(["--lang", "en", "extra-untranslated", "--help"])
    finally:
        cli.commands.pop("extra-untranslated")
    assert "Lệnh chưa dịch." in out and "Chưa có bản tiếng Anh." in out and "Usage:" in out
