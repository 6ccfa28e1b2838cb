"""`dhtt-docs build`: Build the documents, PDFs, bundle and archive."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import FOLDER, check_folder, command, lang_option, plural as _n
from dhtt_docs.i18n import tr


@click.command()
@lang_option
@click.argument("folder", type=FOLDER, default=".")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Thư mục kết quả (mặc định: FOLDER/build).")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Lập cả PDF và tệp hồ sơ gộp (cần LibreOffice); --no-pdf: chỉ DOCX.")
@click.option("--pdfa", is_flag=True, help="PDF/A-2b để lưu trữ lâu dài.")
@click.option("--duplex", is_flag=True, help="In hai mặt: thêm trang trắng để mỗi văn bản bắt đầu ở mặt trước.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Số tiến trình LibreOffice chạy song song (mặc định: số CPU).")
@click.option("--force", is_flag=True,
              help="Vẫn lập văn bản khi hồ sơ còn lỗi; mọi trang mang dấu DỰ THẢO.")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Thư mục mẫu văn bản tự sửa (xem `dhtt-docs templates export`).")
@click.option("--converter", default=None, metavar="warm|URL",
              help="Cách chuyển PDF: warm (giữ sẵn LibreOffice và tiến trình lập văn bản giữa các lần chạy, "
                   "cho lần lập lại sau khi sửa) hoặc máy chủ unoserver://host:port[,host:port...].")
@click.option("--timeout", type=click.FloatRange(5, 3600), default=120.0, show_default=True,
              help="Thời gian tối đa (giây) để chuyển một văn bản sang PDF.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Dùng lại văn bản đã lập khi dữ liệu của nó không đổi.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Thư mục bộ nhớ đệm (mặc định: FOLDER/.dhtt-cache).")
def build(folder: Path, out: Path | None, pdf: bool, pdfa: bool, duplex: bool, jobs: int | None, force: bool,
          templates_dir: Path | None, converter: str | None, timeout: float, cache: bool,
          cache_dir: Path | None) -> None:
    """Lập Tờ trình, Danh sách, Biên bản, Báo cáo thành tích (DOCX, PDF) và hồ sơ gộp.

    \b
    Ví dụ:
      dhtt-docs build dossiers/bhxh-thanh-hoa-2024
      dhtt-docs build . -o ket-qua --no-pdf
      dhtt-docs build . --duplex --pdfa
    """
    from dhtt_docs.build.pipeline import BuildOptions, build as run_build
    from dhtt_docs.build.progress import TerminalProgress
    from dhtt_docs.pdf import warm

    opts = BuildOptions(out=out, pdf=pdf or pdfa, pdfa=pdfa, duplex=duplex, jobs=jobs, force=force,
                        templates=templates_dir, converter=converter, timeout=timeout, cache=cache,
                        cache_dir=cache_dir)
    if warm.chosen(converter):
        from dhtt_docs.cli import resident

        resident.start(folder, opts)   # the warm builder: later builds run in it (cli/resident.py); not waited for
    progress = TerminalProgress()
    try:
        result = run_build(check_folder(folder), opts, progress)
    finally:
        progress.close()
    report = result.report
    if result.out is None:
        if not report.ok and not force:
            from dhtt_docs.cli.textreport import render_text
            click.echo(render_text(report))
            click.secho(tr("Chưa lập văn bản nào vì hồ sơ còn lỗi. Sửa các mục LỖI, hoặc thêm --force để lập "
                           "bản DỰ THẢO.",
                           "Nothing written: the dossier still has errors. Fix the ERROR items, or add --force "
                           "to build a DRAFT (DỰ THẢO)."), err=True, fg="red")
        for f in result.findings:
            click.secho(tr("LỖI", "ERROR") + f" {f.where()}: {f.message}", err=True, fg="red")
        if not result.findings and report.round.submission is None and report.ok:
            click.secho(tr("Không lập được văn bản: thiếu submission.yaml.",
                           "Could not build the documents: submission.yaml is missing."), err=True, fg="red")
        sys.exit(1)
    if result.draft:
        click.secho(tr("Đã lập bản DỰ THẢO (hồ sơ còn lỗi): không dùng để trình ký.",
                       "Built a DRAFT (DỰ THẢO; the dossier still has errors): not for signing."), fg="yellow")
    click.echo(tr(f"Đã lập {len(result.written)} tệp trong {result.out}:",
                  f"Wrote {_n(len(result.written), 'file')} in {result.out}:"))
    if result.written:   # one write (1,500 lines at N=500: the warm builder sends each write to its caller)
        click.echo("\n".join(f"  {rel.as_posix()}" for rel in result.written))
    from dhtt_docs.findings import Severity
    warnings = [f for f in report.all_findings() if f.severity is Severity.WARNING]
    if warnings:
        click.secho(tr(f"Lưu ý: hồ sơ có {len(warnings)} cảnh báo để Hội đồng xem xét "
                       f"(chi tiết: {command('dhtt-docs', 'validate', folder)}).",
                       f"Note: the dossier has {_n(len(warnings), 'warning')} for the council to consider "
                       f"(details: {command('dhtt-docs', 'validate', folder)})."), fg="yellow")
    pdf_part = (tr(f"; chuyển {result.converted} PDF", f"; {_n(result.converted, 'PDF')} converted")
                if opts.pdf else "")
    click.echo(tr(f"Lần này: lập {result.rendered} văn bản, dùng lại {result.reused} văn bản không đổi{pdf_part}.",
                  f"This run: {_n(result.rendered, 'document')} made again, {result.reused} reused unchanged"
                  f"{pdf_part}."))
    sys.exit(1 if result.draft else 0)
