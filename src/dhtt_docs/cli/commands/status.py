"""`dhtt-docs status`: One table for the round."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import FOLDER, check_folder, lang_option, plural as _n
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
    from dhtt_docs.findings import Severity
    from dhtt_docs.build.pipeline import BuildOptions
    from dhtt_docs.build.status import MISSING, STALE, format_table, state_label, status_table

    report = evaluate(load_round(check_folder(folder)))
    opts = BuildOptions(out=out, templates=templates_dir)
    header, rows = status_table(report, folder, opts)
    click.echo(format_table(header, rows))
    errors = sum(1 for f in report.all_findings() if f.severity is Severity.ERROR)
    warnings = sum(1 for f in report.all_findings() if f.severity is Severity.WARNING)
    redo = (state_label(STALE), state_label(MISSING))
    stale = sum(1 for r in rows if r[6] in redo or r[7] == state_label(STALE))
    click.echo("")
    n = len(report.verdicts)
    known = report.round.submission is not None     # without it no document can be keyed, so none is "up to date"
    by_state = ", ".join(f"{count} {str(state.label).lower()}" for state, count in report.counts().items() if count)
    click.echo(tr(f"{n} ứng viên ({by_state or '0'}); {errors} lỗi, {warnings} cảnh báo "
                  f"(chi tiết: dhtt-docs validate {folder}); "
                  + (f"{stale} văn bản cần lập lại (dhtt-docs build {folder})." if stale
                     else "văn bản đã mới nhất." if known else "chưa xác định được văn bản: submission.yaml còn lỗi."),
                  f"{_n(n, 'candidate')} ({by_state or '0'}); {_n(errors, 'error')}, {_n(warnings, 'warning')} "
                  f"(details: dhtt-docs validate {folder}); "
                  + (f"{_n(stale, 'document')} to build or rebuild (dhtt-docs build {folder})." if stale
                     else "the documents are up to date." if known
                     else "the documents cannot be listed while submission.yaml has errors.")))
    sys.exit(0 if report.ok else 1)
