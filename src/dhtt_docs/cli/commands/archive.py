"""`dhtt-docs archive`: add the scanned, signed paper copy to the bag, after checking it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import FOLDER, check_folder, lang_option
from dhtt_docs.i18n import tr


@click.command()
@lang_option
@click.argument("folder", type=FOLDER, default=".")
@click.option("--scan", "scan", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Bản quét (PDF) của hồ sơ giấy đã ký, đóng dấu.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Thư mục kết quả của build (mặc định: FOLDER/build).")
def archive(folder: Path, scan: Path, out: Path | None) -> None:
    """Lưu bản quét hồ sơ giấy đã ký vào hồ sơ lưu trữ, sau khi kiểm tra số trang và quy định số hóa.

    \b
    Bản quét phải đủ trang như hồ sơ in, PDF 1.4 trở lên, ảnh màu, từ 200 dpi (NĐ 30/2020).
    Ví dụ:
      dhtt-docs archive . --scan ban-quet.pdf
    """
    from dhtt_docs.signing.bagging import SCAN_DIR, built_bag, write_bags
    from dhtt_docs.signing.scan import check_scan

    out = out if out is not None else check_folder(folder) / "build"
    bag = built_bag(out)
    bundle = bag.with_suffix(".pdf")
    if not bundle.is_file():
        raise click.UsageError(tr(f"Không có hồ sơ in {bundle}: chạy dhtt-docs build (có PDF) trước.",
                                  f"The printed bundle {bundle} is missing: run dhtt-docs build (with PDF) first."))
    findings = check_scan(scan, bundle)
    if findings:
        click.secho(tr(f"Chưa lưu bản quét {scan}:", f"The scan {scan} was not archived:"), fg="red", bold=True)
        for f in findings:
            click.echo(f"  - {f.text()}")
        sys.exit(1)
    target = out / SCAN_DIR / f"{bag.stem}-ban-quet.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.pdf"):
        old.unlink()
    shutil.copyfile(scan, target)
    for written in write_bags(out):
        click.echo(tr(f"Hồ sơ lưu trữ: {written} (bản quét: data/{SCAN_DIR}/{target.name})",
                      f"Archive: {written} (scan: data/{SCAN_DIR}/{target.name})"))
    click.secho(tr("Đã kiểm tra và lưu bản quét: đủ trang, PDF 1.4+, ảnh màu, từ 200 dpi.",
                   "Scan checked and archived: every page, PDF 1.4+, colour, 200 dpi or more."), fg="green")
