"""`dhtt-docs xlsx`: The Excel workbook: template and import."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import command, lang_option, plural as _n
from dhtt_docs.i18n import tr


@click.group()
def xlsx() -> None:
    """Nhập danh sách ứng viên từ Excel."""


@xlsx.command("template")
@lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plan", "plan", metavar="ID|FILE", default=None,
              help="Kế hoạch áp dụng: số hiệu một kế hoạch có sẵn, hoặc đường dẫn tới tệp kế hoạch .yaml "
                   "(mặc định: kế hoạch của đợt xét chứa tệp, hoặc kế hoạch có sẵn mới nhất "
                   "gồm năm xét).")
@click.option("--year", type=click.IntRange(1945, 2100), default=None,
              help="Năm xét, để chọn kế hoạch khi không có --plan (mặc định: năm nay).")
@click.option("--overwrite", is_flag=True, help="Ghi đè tệp đã có.")
def xlsx_template(file: Path, plan: str | None, year: int | None, overwrite: bool) -> None:
    """Tạo tệp Excel mẫu (các sheet Cá nhân, Tập thể, Khen thưởng..., có danh mục chọn sẵn).

    Cột xếp loại từng năm và danh mục khen thưởng theo kế hoạch áp dụng.

    \b
    Ví dụ:
      dhtt-docs xlsx template danh-sach-2025.xlsx
      dhtt-docs xlsx template danh-sach.xlsx --plan ../ke-hoach/ke-hoach-2026-2030.yaml
    """
    import datetime as _dt

    from dhtt_docs.dossier.scaffold import assumed_plan, choose_plan
    from dhtt_docs.exceptions import UsageProblem
    from dhtt_docs.excel.importer import round_profile
    from dhtt_docs.excel.template import write_template

    if file.exists() and not overwrite:
        raise UsageProblem(tr(f"Đã có tệp {file}: không ghi đè. Chọn tên khác hoặc thêm --overwrite.",
                              f"{file} already exists and was not overwritten. Choose another name or add "
                              "--overwrite."))
    profile = round_profile(file.parent) or round_profile(Path.cwd()) if plan is None and year is None else None
    note = None
    if profile is None:
        this_year = _dt.date.today().year
        profile, _ = choose_plan(plan, year, this_year, Path.cwd())
        note = assumed_plan(plan, year, this_year, profile)
    write_template(file, profile)
    if note:
        click.secho(note, fg="yellow")
    click.echo(tr(f"Đã tạo {file} theo kế hoạch {profile.id}. Đọc sheet 'Hướng dẫn', điền các sheet, rồi chạy "
                  f"`{command('dhtt-docs', 'xlsx', 'import', file)} <thư mục đợt xét>`.",
                  f"Created {file} for the plan {profile.id}. Read the 'Hướng dẫn' (instructions) sheet, fill in "
                  f"the sheets, then run `{command('dhtt-docs', 'xlsx', 'import', file)} <round folder>`."))


@xlsx.command("import")
@lang_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Ghi đè hồ sơ ứng viên đã có cùng mã.")
def xlsx_import(file: Path, folder: Path, overwrite: bool) -> None:
    """Chuyển tệp Excel đã điền thành hồ sơ ứng viên (candidates/*.yaml).

    Có lỗi ở ô nào thì không ghi tệp nào; mỗi lỗi ghi rõ sheet, dòng, cột.

    \b
    Ví dụ:
      dhtt-docs xlsx import danh-sach-2025.xlsx dossiers/bhxh-thanh-hoa-2025
    """
    from dhtt_docs.findings import Severity, sort_findings
    from dhtt_docs.excel.importer import import_workbook, only_existing_files

    written, findings = import_workbook(file, folder, overwrite=overwrite)
    for f in sort_findings(findings):
        colour = {"error": "red", "warning": "yellow", "info": "cyan"}[f.severity.value]
        click.echo(click.style(f"{f.severity.label:<9}", fg=colour) + f" {f.key or f.file}: {f.message}")
    if only_existing_files(findings):
        click.secho(tr("Chưa ghi tệp nào: các hồ sơ trên đã có trong thư mục. Muốn thay bằng dữ liệu trong tệp "
                       "Excel, hãy chạy lại lệnh với --overwrite.",
                       "Nothing written: the records above already exist in the folder. To replace them with the "
                       "data in the Excel file, run the command again with --overwrite."), fg="red")
        sys.exit(1)
    if any(f.severity is Severity.ERROR for f in findings):
        click.secho(tr("Chưa ghi tệp nào: sửa các ô báo LỖI rồi nhập lại.",
                       "Nothing written: fix the cells marked ERROR and import again."), fg="red")
        sys.exit(1)
    click.echo(tr(f"Đã ghi {len(written)} hồ sơ vào {folder / 'candidates'}:",
                  f"Wrote {_n(len(written), 'candidate file')} to {folder / 'candidates'}:"))
    for p in written:
        click.echo(f"  {p.name}")
    next_step = command("dhtt-docs", "validate", folder)
    click.echo(tr(f"Tiếp theo: `{next_step}`.", f"Next: `{next_step}`."))
