"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
from pathlib import Path

import click

from dhtt_docs.i18n import LANGS, set_lang, tr

FOLDER = click.Path(file_okay=False, dir_okay=True, path_type=Path)
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
    if not folder.exists():
        raise click.BadParameter(tr(f"thư mục '{folder}' không tồn tại.", f"folder '{folder}' does not exist."),
                                 param_hint="FOLDER")
    return folder
