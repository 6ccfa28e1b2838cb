"""`dhtt-docs templates`: Export and check the Word templates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import lang_option, plural as _n
from dhtt_docs.i18n import tr


@click.group()
def templates() -> None:
    """Mẫu văn bản (.docx) để sửa lời văn, rồi lập văn bản với --templates."""


@templates.command("export")
@lang_option
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Ghi đè các tệp mẫu đã có trong DEST.")
def templates_export(dest: Path, overwrite: bool) -> None:
    """Chép các mẫu có sẵn ra thư mục DEST để sửa bằng Word hoặc LibreOffice.

    \b
    Ví dụ:
      dhtt-docs templates export mau-cua-toi
      (sửa các tệp .docx trong mau-cua-toi, rồi)
      dhtt-docs build dossiers/bhxh-thanh-hoa-2024 --templates mau-cua-toi
    """
    from dhtt_docs.documents.render import export_templates

    written = export_templates(dest, overwrite=overwrite)
    click.echo(tr(f"Đã chép {len(written)} tệp vào {dest}:", f"Copied {_n(len(written), 'file')} to {dest}:"))
    for p in written:
        click.echo(f"  {p.name}")
    click.echo(tr("Sửa lời văn bằng Word/LibreOffice; giữ nguyên các thẻ {{ ... }} và {% ... %} "
                  "(danh sách biến: template-variables.md).",
                  "Edit the wording in Word/LibreOffice; keep the {{ ... }} and {% ... %} tags as they are "
                  "(the variables are listed in template-variables.md)."))


@templates.command("check")
@lang_option
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
def templates_check(folder: Path) -> None:
    """Kiểm tra các mẫu đã sửa (thẻ hỏng, biến không có) trước khi lập văn bản.

    \b
    Ví dụ:
      dhtt-docs templates check mau-cua-toi
    """
    from dhtt_docs.findings import Severity, sort_findings
    from dhtt_docs.documents.render import lint_templates

    findings = sort_findings(lint_templates(folder))
    for f in findings:
        click.echo(f"{f.severity.label:<9} {f.where()}: {f.message}")
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    if errors:
        click.secho(tr(f"{errors} lỗi trong mẫu: sửa rồi kiểm tra lại.",
                       f"{_n(errors, 'error')} in the templates: fix them and check again."), fg="red")
        sys.exit(1)
    click.secho(tr("Các mẫu dùng được.", "The templates are usable."), fg="green")
