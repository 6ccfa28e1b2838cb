"""`dhtt-docs new`: Add a candidate file."""

from __future__ import annotations

from pathlib import Path

import click

from dhtt_docs.cli.options import command, lang_option
from dhtt_docs.i18n import tr


@click.command()
@lang_option
@click.argument("kind", type=click.Choice(["individual", "collective", "cá nhân", "tập thể"], case_sensitive=False))
@click.argument("cid", metavar="ID")
@click.option("--in", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Thư mục đợt xét.")
def new(kind: str, cid: str, folder: Path) -> None:
    """Thêm hồ sơ một ứng viên (tệp candidates/ID.yaml có chú thích từng trường).

    ID: chữ thường không dấu, số và '-', ví dụ nguyen-van-an.

    \b
    Ví dụ:
      dhtt-docs new individual nguyen-van-an --in dossiers/bhxh-thanh-hoa-2025
      dhtt-docs new collective phong-quan-ly-thu
    """
    from dhtt_docs.dossier.scaffold import new_candidate

    path = new_candidate(kind, cid, folder)
    click.echo(tr(f"Đã tạo {path}. Điền các trường còn trống rồi chạy `{command('dhtt-docs', 'validate', folder)}`.",
                  f"Created {path}. Fill in the empty fields, then run `{command('dhtt-docs', 'validate', folder)}`."))
