"""`dhtt-docs verify`: Check an archived bag."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import lang_option, plural as _n
from dhtt_docs.i18n import tr


@click.command()
@lang_option
@click.argument("bag", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(bag: Path) -> None:
    """Kiểm tra một hồ sơ lưu trữ (.zip BagIt): đủ tệp, không tệp nào bị sửa.

    \b
    Ví dụ:
      dhtt-docs verify build/bundle/bhxh-thanh-hoa-2024.zip
    """
    from dhtt_docs.archive.verify import verify_bag_zip

    problems = verify_bag_zip(bag)
    if problems:
        click.secho(tr(f"Hồ sơ lưu trữ {bag} KHÔNG toàn vẹn ({len(problems)} vấn đề):",
                       f"Archive {bag} is NOT intact ({_n(len(problems), 'problem')}):"), fg="red", bold=True)
        for p in problems:
            click.echo(f"  - {p}")
        sys.exit(1)
    click.secho(tr(f"Hồ sơ lưu trữ {bag} toàn vẹn: mọi tệp đủ và đúng mã kiểm tra SHA-256.",
                   f"Archive {bag} is intact: every file is present and matches its SHA-256 checksum."), fg="green")
