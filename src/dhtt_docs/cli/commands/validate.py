"""`dhtt-docs validate`: Check a round against its plan's criteria."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dhtt_docs.cli.errors import internal_error_json
from dhtt_docs.cli.options import FOLDER, check_folder, lang_option
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.cli.textreport import render_text


@click.command()
@lang_option
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
    folder = check_folder(folder)
    try:
        report = evaluate(load_round(folder))
    except Exception as exc:  # a bug: JSON readers still get JSON, with one finding saying to report it
        if fmt == "json":
            click.echo(json.dumps(internal_error_json(exc), ensure_ascii=False, indent=2))
        raise   # the CLI group prints the one line and exits 3
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))
    sys.exit(0 if report.ok else 1)
