"""`dhtt-docs doctor`: Check the machine: LibreOffice, fonts."""

from __future__ import annotations

import sys

import click

from dhtt_docs.cli.options import lang_option
from dhtt_docs.i18n import tr
from dhtt_docs import __version__, install


@click.command()
@lang_option
def doctor() -> None:
    """Kiểm tra máy: LibreOffice, phông chữ thay Times New Roman, tiếng Việt.

    \b
    Ví dụ:
      dhtt-docs doctor
    """
    import platform
    from dhtt_docs.pdf.fonts import font_for
    from dhtt_docs.pdf.libreoffice import find_soffice, libreoffice_version
    from dhtt_docs.rules.profile import available_plans

    problems = []
    click.echo(f"dhtt-docs {__version__}, Python {platform.python_version()}")
    soffice = find_soffice()
    if soffice:
        click.echo(f"LibreOffice: {libreoffice_version(soffice) or tr('không rõ phiên bản', 'unknown version')} "
                   f"({soffice})")
    else:
        click.secho(tr("LibreOffice: KHÔNG CÓ — cần để lập PDF.", "LibreOffice: MISSING — needed to make PDFs."),
                    fg="red")
        problems.append(install.LIBREOFFICE)
    name, covers = font_for("Times New Roman")
    if not name:
        click.secho(tr("Phông thay Times New Roman: không kiểm tra được (thiếu fontconfig).",
                       "Font standing in for Times New Roman: cannot check (fontconfig is missing)."), fg="yellow")
        problems.append(install.FONTCONFIG)
    elif covers and "liberation serif" in name.lower():
        click.echo(tr(f"Phông thay Times New Roman: {name} — đủ mọi chữ tiếng Việt.",
                      f"Font standing in for Times New Roman: {name} — has every Vietnamese letter."))
    else:
        click.secho(tr(f"Phông thay Times New Roman: {name} — ", f"Font standing in for Times New Roman: {name} — ")
                    + (tr("đủ chữ tiếng Việt nhưng khác khổ chữ Times New Roman (xuống dòng sẽ khác).",
                          "has the Vietnamese letters but not the metrics of Times New Roman (lines will break "
                          "differently).") if covers
                       else tr("THIẾU chữ tiếng Việt (Ơ, Ư, ạ... sẽ thành ô vuông hoặc lẫn phông khác).",
                               "LACKS Vietnamese letters (Ơ, Ư, ạ... will show as boxes or in another font).")),
                    fg="red")
        problems.append(install.FONTS)
    click.echo(tr(f"Bộ tiêu chí có sẵn: {', '.join(available_plans())}",
                  f"Plans with criteria: {', '.join(available_plans())}"))
    if problems:
        click.secho(tr("Cần cài thêm:", "To install:"), fg="red", bold=True)
        for cmd in dict.fromkeys(problems):
            click.echo(f"  {cmd}")
        click.echo(tr("(hoặc chạy scripts/setup trong thư mục mã nguồn dhtt-docs)",
                      "(or run scripts/setup in the dhtt-docs source folder)"))
        sys.exit(2)
    click.secho(tr("Máy sẵn sàng lập văn bản và PDF.", "This machine is ready to build documents and PDFs."),
                fg="green")
