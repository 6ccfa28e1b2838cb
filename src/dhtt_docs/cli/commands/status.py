"""`dhtt-docs status`: One table for the round."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import FOLDER, check_folder, command, lang_option, plural as _n
from dhtt_docs.i18n import tr
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate


@click.command()
@lang_option
@click.argument("folder", type=FOLDER, default=".")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Thư mục kết quả của lệnh build (mặc định: FOLDER/build).")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Thư mục mẫu đã dùng khi build, nếu có.")
def status(folder: Path, out: Path | None, templates_dir: Path | None) -> None:
    """Một bảng cho cả đợt xét: kết quả, số phiếu, văn bản đã lập (mới hay cũ), đính kèm.

    \b
    Ví dụ:
      dhtt-docs status dossiers/bhxh-thanh-hoa-2024
    """
    from dhtt_docs.build.pipeline import BuildOptions
    from dhtt_docs.build.status import format_table, round_status, status_table

    report = evaluate(load_round(check_folder(folder)))
    st = round_status(report, folder, BuildOptions(out=out, templates=templates_dir))
    click.echo(format_table(*status_table(st)))
    click.echo("")
    n, errors, warnings = len(report.verdicts), st.errors, st.warnings
    validate_cmd, build_cmd = command("dhtt-docs", "validate", folder), command("dhtt-docs", "build", folder)
    todo_vi = "; ".join(part for part in (f"{st.missing} văn bản chưa lập" if st.missing else "",
                                          f"{st.stale} văn bản cần lập lại" if st.stale else "") if part)
    todo_en = "; ".join(part for part in (f"{_n(st.missing, 'document')} not built yet" if st.missing else "",
                                          f"{_n(st.stale, 'document')} to rebuild" if st.stale else "") if part)
    click.echo(tr(f"{n} ứng viên; {errors} lỗi, {warnings} cảnh báo (chi tiết: {validate_cmd}); "
                  + (f"{todo_vi} ({build_cmd})." if todo_vi else "văn bản đã mới nhất."),
                  f"{_n(n, 'candidate')}; {_n(errors, 'error')}, {_n(warnings, 'warning')} "
                  f"(details: {validate_cmd}); "
                  + (f"{todo_en} ({build_cmd})." if todo_en else "the documents are up to date.")))
    sys.exit(0 if report.ok else 1)
