"""`dhtt-docs init`: Create a new round folder."""

from __future__ import annotations

from pathlib import Path

import click

from dhtt_docs.cli.options import command, lang_option
from dhtt_docs.i18n import tr


@click.command()
@lang_option
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1945, 2100), default=None,
              help="Năm xét (mặc định: năm nay).")
def init(folder: Path, year: int | None) -> None:
    """Tạo thư mục một đợt xét mới: submission.yaml có chú thích, candidates/, attachments/.

    \b
    Ví dụ:
      dhtt-docs init dossiers/bhxh-thanh-hoa-2025
      dhtt-docs init bhxh-quang-binh-2024 --year 2024
    """
    import datetime as _dt
    from dhtt_docs.dossier.scaffold import init_round

    created = init_round(folder, year or _dt.date.today().year)
    click.echo(tr(f"Đã tạo đợt xét trong {folder}:", f"Created a round in {folder}:"))
    for p in created:
        click.echo(f"  {p}")
    click.echo(tr("Tiếp theo: điền submission.yaml; thêm ứng viên bằng "
                  f"`{command('dhtt-docs', 'new', 'individual')} <mã> --in {command(folder)}` hoặc `dhtt-docs xlsx template ds.xlsx`; "
                  f"kiểm tra bằng `{command('dhtt-docs', 'validate', folder)}`.",
                  "Next: fill in submission.yaml; add candidates with "
                  f"`{command('dhtt-docs', 'new', 'individual')} <id> --in {command(folder)}` or `dhtt-docs xlsx template ds.xlsx`; "
                  f"check with `{command('dhtt-docs', 'validate', folder)}`."))
