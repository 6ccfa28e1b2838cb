"""The command line: a thin layer that parses options, calls the library, prints.

Exit codes (the README's contract): 0 done without error findings; 1 error
findings; 2 wrong usage or a missing tool; 3 an internal error. Tracebacks only with --debug.
Each command lives in its own module under `commands/`.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import click

from dhtt_docs import __version__
from dhtt_docs.cli import clicktext

clicktext.install()   # before the commands are defined: click's own words in the chosen language

from dhtt_docs import interrupt
from dhtt_docs.cli.errors import EXIT_INTERNAL, EXIT_USAGE, internal_error_text, usage_line
from dhtt_docs.cli.options import LANG_HELP, _set_lang, default_lang
from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import LANGS, set_lang, tr


#: One module per command (cli/commands/<name>.py, the command is the module's attribute of that name),
#: imported when the command is run: `dhtt-docs build` never loads what `validate` or `serve` need.
COMMAND_MODULES = ("archive", "build", "doctor", "init", "new", "plan", "serve", "sign", "status", "templates",
                   "validate", "verify", "xlsx")


def _interrupt_handled() -> None:
    """Tell CPython that the Ctrl-C was handled here, so that the process ends with our exit code.

    CPython (3.8 and later) notes a KeyboardInterrupt that leaves an ``exec()`` of a string (a dataclass
    or namedtuple being made by an import while Ctrl-C comes) as unhandled, even when it is caught
    later, and ``python -m dhtt_docs`` then ends by SIGINT (exit -2) instead of 1. Each ``exec()`` of a
    string clears that note as it starts (Python/pythonrun.c, ``run_eval_code_obj``).
    """
    exec("pass")  # noqa: S102 - a constant: clears CPython's note, runs nothing


def _from_ctrl_c(exc: BaseException) -> bool:
    """Is `exc` a Ctrl-C that Python wrapped? (Python 3.11 turns a KeyboardInterrupt raised while a class
    is made, in a descriptor's ``__set_name__``, into a RuntimeError whose cause it is.)"""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def stopped_text() -> str:
    """What a build stopped by Ctrl-C says, in the chosen language."""
    return tr("Đã dừng (Ctrl-C). Kết quả lần trước (nếu có) vẫn giữ nguyên.",
              "Stopped (Ctrl-C). The previous results (if any) are left as they were.")


def _stopped(ctx: click.Context) -> NoReturn:
    """The end of a command stopped by Ctrl-C: one line, exit 1 (130 with --debug)."""
    _interrupt_handled()
    click.secho(stopped_text(), err=True, fg="yellow")
    sys.exit(130 if ctx.obj and ctx.obj.get("debug") else 1)


class _Group(click.Group):
    """Usage errors in one line (exit 2); any unexpected exception in one line (exit 3) unless --debug.

    The commands are imported when one is asked for (`get_command`); `commands` (help, a listing) has them all.
    """

    def __init__(self, *args, **kwargs):
        self._pending = list(COMMAND_MODULES)
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict:
        while self._pending:
            self._load(self._pending[0])
        return self._commands

    @commands.setter
    def commands(self, value: dict) -> None:
        self._commands = value

    def _load(self, name: str) -> None:
        import importlib

        self._pending.remove(name)
        module = importlib.import_module(f"dhtt_docs.cli.commands.{name}")
        cmd = getattr(module, name)
        self._commands[cmd.name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str):
        if cmd_name in self._pending:
            self._load(cmd_name)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        set_lang(default_lang())   # DHTT_LANG or Vietnamese, until --lang says otherwise
        interrupt.reset()          # a Ctrl-C is noted even where a library swallows it (interrupt.py)
        interrupt.install()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            click.secho(usage_line(e), err=True, fg="red")
            sys.exit(EXIT_USAGE)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except (click.exceptions.Abort, KeyboardInterrupt, EOFError):   # Ctrl-C outside a command's own handling
            _interrupt_handled()
            click.echo(tr("Đã dừng.", "Aborted."), err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _stopped(ctx)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if _from_ctrl_c(exc):
                _stopped(ctx)
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.secho(str(internal_error_text(exc)), err=True, fg="red")
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dhtt-docs")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi (traceback), cho người bảo trì.")
@click.option("--lang", type=click.Choice(LANGS), default=None, expose_value=True, is_eager=True,
              callback=_set_lang, help=LANG_HELP)
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """Lập hồ sơ điển hình tiên tiến theo bộ tiêu chí của kế hoạch, từ các tệp YAML.

    \b
    Ví dụ:
      dhtt-docs validate samples/bhxh-thanh-hoa-2024
      dhtt-docs build samples/bhxh-thanh-hoa-2024 -o out
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    # pypdf warns about every small flaw of a scanned PDF; a secretary needs our findings, not those.
    logging.getLogger("pypdf").setLevel(logging.DEBUG if debug else logging.ERROR)
    # Each command starts from the chosen language (or DHTT_LANG, or Vietnamese), never from a previous
    # in-process run's; a --lang after the subcommand then overrides it.
    set_lang(lang or default_lang())


def main() -> None:
    try:
        cli(prog_name="dhtt-docs")
    except DhttError as e:  # raised outside a command context
        e.show()
        sys.exit(e.exit_code)


if __name__ == "__main__":
    main()
