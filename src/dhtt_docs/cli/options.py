"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import click

from dhtt_docs.exceptions import UsageProblem
from dhtt_docs.i18n import LANGS, set_lang, tr

SUBMISSION_FILE = "submission.yaml"


def command(*words: str | Path) -> str:
    """A command line to suggest, each word shell-quoted so that pasting it works ('Hồ sơ 2025/đợt 2')."""
    return " ".join(shlex.quote(str(w)) for w in words)


class _RoundFolder(click.Path):
    """A round folder; given a file (e.g. FOLDER/submission.yaml), says which folder to pass instead."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, dir_okay=True, path_type=Path)

    def convert(self, value, param, ctx):
        path = Path(value)
        if path.is_file():
            parent = path.parent
            suggestion = command(*(ctx.command_path.split() if ctx else ["dhtt-docs"]), parent)
            self.fail(tr(f"'{path}' là một tệp; cần thư mục của đợt xét (thư mục chứa {SUBMISSION_FILE}): "
                         f"hãy chạy {suggestion}",
                         f"'{path}' is a file; the round's folder (the one holding {SUBMISSION_FILE}) is expected: "
                         f"run {suggestion}"), param, ctx)
        return super().convert(value, param, ctx)


FOLDER = _RoundFolder()
LANG_HELP = "Ngôn ngữ của thông báo: vi (mặc định) hoặc en. / Language of messages: vi (default) or en."


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_lang(value)
    return value


def lang_option(f):
    """`--lang` on a command too, so `dhtt-docs validate FOLDER --lang en` works like `dhtt-docs --lang en ...`.

    Eager, so the language is set before any other option or argument is
    checked and before the command runs.
    """
    return click.option("--lang", type=click.Choice(LANGS), default=None, expose_value=False, is_eager=True,
                        callback=_set_lang, help=LANG_HELP)(f)


def default_lang() -> str:
    env = os.environ.get("DHTT_LANG", "vi")
    return env if env in LANGS else "vi"


def plural(count: int, noun: str) -> str:
    """'1 file', '3 files': an English count."""
    return f"{count} {noun}" + ("" if count == 1 else "s")



def check_folder(folder: Path) -> Path:
    """A round folder that exists and holds submission.yaml, or a usage error (exit 2) saying what to do."""
    if not folder.exists():
        raise click.BadParameter(tr(f"thư mục '{folder}' không tồn tại.", f"folder '{folder}' does not exist."),
                                 param_hint="FOLDER")
    if not (folder / SUBMISSION_FILE).is_file():
        raise UsageProblem(tr(f"thư mục '{folder}' không phải một đợt xét (không có {SUBMISSION_FILE}): hãy chỉ "
                              f"đúng thư mục đợt xét, hoặc tạo đợt mới bằng {command('dhtt-docs', 'init', folder)}",
                              f"the folder '{folder}' is not a round (it has no {SUBMISSION_FILE}): name the "
                              f"round's folder, or make a new round with {command('dhtt-docs', 'init', folder)}"))
    return folder
