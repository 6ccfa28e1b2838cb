"""The command line: a thin layer that parses options, calls the library, prints.

Exit codes (spec/cli-contract.md): 0 done without error findings; 1 error
findings; 2 wrong usage or a missing tool. Tracebacks only with --debug.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .exceptions import DhttError
from .loader import load_round
from .rules import evaluate
from .textreport import render_text

FOLDER = click.Path(file_okay=False, dir_okay=True, path_type=Path)


class _Group(click.Group):
    """Turns any unexpected exception into one clean line unless --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.secho("Đã dừng (Ctrl-C). Kết quả lần trước (nếu có) vẫn giữ nguyên.", err=True, fg="yellow")
            sys.exit(130 if ctx.obj and ctx.obj.get("debug") else 1)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.secho(f"Lỗi nội bộ của dhtt-docs: {type(exc).__name__}: {exc}. "
                        "Chạy lại với --debug để xem chi tiết và gửi cho người bảo trì.", err=True, fg="red")
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dhtt-docs")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi (traceback), cho người bảo trì.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Lập hồ sơ điển hình tiên tiến (Kế hoạch 1935/KH-BHXH) từ các tệp YAML.

    \b
    Ví dụ:
      dhtt-docs validate samples/bhxh-thanh-hoa-2024
      dhtt-docs build samples/bhxh-thanh-hoa-2024 -o out
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _check_folder(folder: Path) -> Path:
    if not folder.exists():
        raise click.BadParameter(f"thư mục '{folder}' không tồn tại.", param_hint="FOLDER")
    return folder


@cli.command()
@click.argument("folder", type=FOLDER, default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: để đọc; json: cho chương trình khác.")
def validate(folder: Path, fmt: str) -> None:
    """Kiểm tra hồ sơ một đợt xét theo tiêu chí của kế hoạch.

    \b
    Ví dụ:
      dhtt-docs validate dossiers/bhxh-thanh-hoa-2024
      dhtt-docs validate . --format json > ket-qua.json
    """
    report = evaluate(load_round(_check_folder(folder)))
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))
    sys.exit(0 if report.ok else 1)


def main() -> None:
    try:
        cli(prog_name="dhtt-docs")
    except DhttError as e:  # raised outside a command context
        e.show()
        sys.exit(e.exit_code)


if __name__ == "__main__":
    main()
