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
@click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Chứng thư gốc (PEM) để kiểm tra chữ ký số có tin cậy không.")
def verify(bag: Path, trust: Path | None) -> None:
    """Kiểm tra một hồ sơ lưu trữ (.zip BagIt): đủ tệp, không tệp nào bị sửa; hoặc chữ ký số của một tệp PDF.

    \b
    Ví dụ:
      dhtt-docs verify build/bundle/bhxh-thanh-hoa-2024.zip
      dhtt-docs verify build/signed/to-trinh.pdf --trust goc.pem
    """
    from dhtt_docs.archive.verify import verify_bag_zip
    from dhtt_docs.signing.report import verify_signatures

    if bag.suffix.lower() == ".pdf":
        sys.exit(verify_signatures(bag, trust))
    problems = verify_bag_zip(bag)
    if not problems and verify_signatures(bag, trust, in_bag=True):
        sys.exit(1)
    if problems:
        click.secho(tr(f"Hồ sơ lưu trữ {bag} KHÔNG toàn vẹn ({len(problems)} vấn đề):",
                       f"Archive {bag} is NOT intact ({_n(len(problems), 'problem')}):"), fg="red", bold=True)
        for p in problems:
            click.echo(f"  - {p}")
        sys.exit(1)
    click.secho(tr(f"Hồ sơ lưu trữ {bag} toàn vẹn: mọi tệp đủ và đúng mã kiểm tra SHA-256.",
                   f"Archive {bag} is intact: every file is present and matches its SHA-256 checksum."), fg="green")
