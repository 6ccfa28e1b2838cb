"""The command line: a thin layer that parses options, calls the library, prints.

Exit codes (spec/cli-contract.md): 0 done without error findings; 1 error
findings; 2 wrong usage or a missing tool. Tracebacks only with --debug.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from dhtt_docs import __version__
from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import LANGS, set_lang, tr
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.cli.textreport import render_text

FOLDER = click.Path(file_okay=False, dir_okay=True, path_type=Path)
LANG_HELP = "Ngôn ngữ của thông báo: vi (mặc định) hoặc en. / Language of messages: vi (default) or en."


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_lang(value)
    return value


def lang_option(f):
    """`--lang` on a command too, so `dhtt-docs validate FOLDER --lang en` works like `dhtt-docs --lang en ...`.

    Eager, so the language is set before any other option or argument is
    checked and before the command runs.
    """
    return click.option("--lang", type=click.Choice(LANGS), default=None, expose_value=False, is_eager=True,
                        callback=_set_lang, help=LANG_HELP)(f)


def _default_lang() -> str:
    env = os.environ.get("DHTT_LANG", "vi")
    return env if env in LANGS else "vi"


def _n(count: int, noun: str) -> str:
    """'1 file', '3 files': an English count."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


class _Group(click.Group):
    """Turns any unexpected exception into one clean line unless --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.secho(tr("Đã dừng (Ctrl-C). Kết quả lần trước (nếu có) vẫn giữ nguyên.",
                           "Stopped (Ctrl-C). The previous results (if any) are left as they were."),
                        err=True, fg="yellow")
            sys.exit(130 if ctx.obj and ctx.obj.get("debug") else 1)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.secho(tr(f"Lỗi nội bộ của dhtt-docs: {type(exc).__name__}: {exc}. "
                           "Chạy lại với --debug để xem chi tiết và gửi cho người bảo trì.",
                           f"Internal error in dhtt-docs: {type(exc).__name__}: {exc}. "
                           "Run again with --debug to see the details, and send them to the maintainers."),
                        err=True, fg="red")
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dhtt-docs")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi (traceback), cho người bảo trì.")
@click.option("--lang", type=click.Choice(LANGS), default=None, expose_value=True, help=LANG_HELP)
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """Lập hồ sơ điển hình tiên tiến (Kế hoạch 1935/KH-BHXH) từ các tệp YAML.

    \b
    Ví dụ:
      dhtt-docs validate samples/bhxh-thanh-hoa-2024
      dhtt-docs build samples/bhxh-thanh-hoa-2024 -o out
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    # pypdf warns about every small flaw of a scanned PDF; a secretary needs our findings, not those.
    logging.getLogger("pypdf").setLevel(logging.DEBUG if debug else logging.ERROR)
    # Each command starts from the chosen language (or DHTT_LANG, or Vietnamese), never from a previous
    # in-process run's; a --lang after the subcommand then overrides it.
    set_lang(lang or _default_lang())


def _check_folder(folder: Path) -> Path:
    if not folder.exists():
        raise click.BadParameter(tr(f"thư mục '{folder}' không tồn tại.", f"folder '{folder}' does not exist."),
                                 param_hint="FOLDER")
    return folder


@cli.command()
@lang_option
@click.argument("folder", type=FOLDER, default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: để đọc; json: cho chương trình khác.")
def validate(folder: Path, fmt: str) -> None:
    """Kiểm tra hồ sơ một đợt xét theo tiêu chí của kế hoạch.

    \b
    Ví dụ:
      dhtt-docs validate dossiers/bhxh-thanh-hoa-2024
      dhtt-docs validate . --format json > ket-qua.json
    """
    report = evaluate(load_round(_check_folder(folder)))
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))
    sys.exit(0 if report.ok else 1)


@cli.command()
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
@click.option("--converter", default=None, metavar="URL",
              help="Chuyển PDF qua máy chủ unoserver: unoserver://host:port[,host:port...].")
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

    opts = BuildOptions(out=out, pdf=pdf or pdfa, pdfa=pdfa, duplex=duplex, jobs=jobs, force=force,
                        templates=templates_dir, converter=converter, timeout=timeout, cache=cache,
                        cache_dir=cache_dir)
    progress = TerminalProgress()
    try:
        result = run_build(_check_folder(folder), opts, progress)
    finally:
        progress.close()
    report = result.report
    if result.out is None:
        if not report.ok and not force:
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
    for rel in result.written:
        click.echo(f"  {rel.as_posix()}")
    from dhtt_docs.findings import Severity
    warnings = [f for f in report.all_findings() if f.severity is Severity.WARNING]
    if warnings:
        click.secho(tr(f"Lưu ý: hồ sơ có {len(warnings)} cảnh báo để Hội đồng xem xét "
                       f"(chi tiết: dhtt-docs validate {folder}).",
                       f"Note: the dossier has {_n(len(warnings), 'warning')} for the council to consider "
                       f"(details: dhtt-docs validate {folder})."), fg="yellow")
    sys.exit(1 if result.draft else 0)


@cli.command()
@lang_option
@click.argument("bag", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(bag: Path) -> None:
    """Kiểm tra một hồ sơ lưu trữ (.zip BagIt): đủ tệp, không tệp nào bị sửa.

    \b
    Ví dụ:
      dhtt-docs verify build/bundle/bhxh-thanh-hoa-2024.zip
    """
    from dhtt_docs.archive.bag import verify_bag_zip

    problems = verify_bag_zip(bag)
    if problems:
        click.secho(tr(f"Hồ sơ lưu trữ {bag} KHÔNG toàn vẹn ({len(problems)} vấn đề):",
                       f"Archive {bag} is NOT intact ({_n(len(problems), 'problem')}):"), fg="red", bold=True)
        for p in problems:
            click.echo(f"  - {p}")
        sys.exit(1)
    click.secho(tr(f"Hồ sơ lưu trữ {bag} toàn vẹn: mọi tệp đủ và đúng mã kiểm tra SHA-256.",
                   f"Archive {bag} is intact: every file is present and matches its SHA-256 checksum."), fg="green")


@cli.command()
@lang_option
def doctor() -> None:
    """Kiểm tra máy: LibreOffice, phông chữ thay Times New Roman, tiếng Việt.

    \b
    Ví dụ:
      dhtt-docs doctor
    """
    import platform
    from dhtt_docs.pdf.convert import find_soffice, font_for, libreoffice_version
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
        problems.append("sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui")
    name, covers = font_for("Times New Roman")
    if not name:
        click.secho(tr("Phông thay Times New Roman: không kiểm tra được (thiếu fontconfig).",
                       "Font standing in for Times New Roman: cannot check (fontconfig is missing)."), fg="yellow")
        problems.append("sudo apt-get install -y fontconfig fonts-liberation2")
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
        problems.append("sudo apt-get install -y fonts-liberation2")
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


@cli.group()
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


@cli.command()
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
        click.echo(f"  {p.relative_to(folder.parent) if p != folder else p}")
    click.echo(tr("Tiếp theo: điền submission.yaml; thêm ứng viên bằng "
                  f"`dhtt-docs new individual <mã> --in {folder}` hoặc `dhtt-docs xlsx template ds.xlsx`; "
                  f"kiểm tra bằng `dhtt-docs validate {folder}`.",
                  "Next: fill in submission.yaml; add candidates with "
                  f"`dhtt-docs new individual <id> --in {folder}` or `dhtt-docs xlsx template ds.xlsx`; "
                  f"check with `dhtt-docs validate {folder}`."))


@cli.command()
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
    click.echo(tr(f"Đã tạo {path}. Điền các trường còn trống rồi chạy `dhtt-docs validate {folder}`.",
                  f"Created {path}. Fill in the empty fields, then run `dhtt-docs validate {folder}`."))


@cli.group()
def xlsx() -> None:
    """Nhập danh sách ứng viên từ Excel."""


@xlsx.command("template")
@lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Ghi đè tệp đã có.")
def xlsx_template(file: Path, overwrite: bool) -> None:
    """Tạo tệp Excel mẫu (các sheet Cá nhân, Tập thể, Khen thưởng..., có danh mục chọn sẵn).

    \b
    Ví dụ:
      dhtt-docs xlsx template danh-sach-2025.xlsx
    """
    from dhtt_docs.exceptions import UsageProblem
    from dhtt_docs.excel.xlsx import write_template

    if file.exists() and not overwrite:
        raise UsageProblem(tr(f"Đã có tệp {file}: không ghi đè. Chọn tên khác hoặc thêm --overwrite.",
                              f"{file} already exists and was not overwritten. Choose another name or add "
                              "--overwrite."))
    write_template(file)
    click.echo(tr(f"Đã tạo {file}. Đọc sheet 'Hướng dẫn', điền các sheet, rồi chạy "
                  f"`dhtt-docs xlsx import {file} <thư mục đợt xét>`.",
                  f"Created {file}. Read the 'Hướng dẫn' (instructions) sheet, fill in the sheets, then run "
                  f"`dhtt-docs xlsx import {file} <round folder>`."))


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
    from dhtt_docs.excel.xlsx import import_workbook

    written, findings = import_workbook(file, folder, overwrite=overwrite)
    for f in sort_findings(findings):
        colour = {"error": "red", "warning": "yellow", "info": "cyan"}[f.severity.value]
        click.echo(click.style(f"{f.severity.label:<9}", fg=colour) + f" {f.key or f.file}: {f.message}")
    if any(f.severity is Severity.ERROR for f in findings):
        click.secho(tr("Chưa ghi tệp nào: sửa các ô báo LỖI rồi nhập lại.",
                       "Nothing written: fix the cells marked ERROR and import again."), fg="red")
        sys.exit(1)
    click.echo(tr(f"Đã ghi {len(written)} hồ sơ vào {folder / 'candidates'}:",
                  f"Wrote {_n(len(written), 'candidate file')} to {folder / 'candidates'}:"))
    for p in written:
        click.echo(f"  {p.name}")
    click.echo(tr(f"Tiếp theo: `dhtt-docs validate {folder}`.", f"Next: `dhtt-docs validate {folder}`."))


@cli.command()
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

    report = evaluate(load_round(_check_folder(folder)))
    opts = BuildOptions(out=out, templates=templates_dir)
    header, rows = status_table(report, folder, opts)
    click.echo(format_table(header, rows))
    errors = sum(1 for f in report.all_findings() if f.severity is Severity.ERROR)
    warnings = sum(1 for f in report.all_findings() if f.severity is Severity.WARNING)
    redo = (state_label(STALE), state_label(MISSING))
    stale = sum(1 for r in rows if r[6] in redo or r[7] == state_label(STALE))
    click.echo("")
    n = len(report.verdicts)
    click.echo(tr(f"{n} ứng viên; {errors} lỗi, {warnings} cảnh báo "
                  f"(chi tiết: dhtt-docs validate {folder}); "
                  + (f"{stale} văn bản cần lập lại (dhtt-docs build {folder})." if stale
                     else "văn bản đã mới nhất."),
                  f"{_n(n, 'candidate')}; {_n(errors, 'error')}, {_n(warnings, 'warning')} "
                  f"(details: dhtt-docs validate {folder}); "
                  + (f"{_n(stale, 'document')} to build or rebuild (dhtt-docs build {folder})." if stale
                     else "the documents are up to date.")))
    sys.exit(0 if report.ok else 1)


def main() -> None:
    try:
        cli(prog_name="dhtt-docs")
    except DhttError as e:  # raised outside a command context
        e.show()
        sys.exit(e.exit_code)


if __name__ == "__main__":
    main()
