"""`dhtt-docs archive --scan`: the scanned paper copy, checked (pages, PDF 1.4+, colour, 200 dpi) and bagged."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from dhtt_docs.signing.scan import check_scan, page_images
from signing_helpers import run
from signing_fixtures import built_round, fresh_round, keys  # noqa: F401 - fixtures


pytestmark = pytest.mark.slow


def fake_scan(bundle: Path, out: Path, *, dpi: int = 200, mode: str = "RGB", drop: int | None = None,
              version: str | None = None) -> Path:
    """A 'scan' of the printed bundle: one image per page at `dpi`, of the page's size (a red seal on page 1)."""
    pages = []
    for i, page in enumerate(PdfReader(str(bundle)).pages):
        if drop is not None and i == drop:
            continue
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        img = Image.new("RGB", (round(w / 72 * dpi), round(h / 72 * dpi)), (250, 250, 245))
        ImageDraw.Draw(img).ellipse((50, 50, 150, 150), outline=(220, 20, 30), width=6)
        pages.append(img.convert(mode) if mode != "RGB" else img)
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    if version:
        data = out.read_bytes()
        out.write_bytes(data.replace(data[:8], f"%PDF-{version}".encode(), 1))
    return out


@pytest.fixture
def bundle(fresh_round) -> Path:
    return next(p for p in (fresh_round / "build" / "bundle").glob("*.pdf"))


def test_a_good_scan_is_added_to_the_bag_and_verifies(fresh_round, bundle, tmp_path):
    scan = fake_scan(bundle, tmp_path / "scan.pdf")
    assert {round(i.dpi) for i in page_images(PdfReader(str(scan)).pages[0])} == {200}
    proc = run("archive", fresh_round, "--scan", scan)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bag = next(p for p in (fresh_round / "build" / "bundle").glob("*.zip"))
    with zipfile.ZipFile(bag) as zf:
        names = zf.namelist()
        root = names[0].split("/")[0]
        stored = zf.read(f"{root}/data/scan/{root}-ban-quet.pdf")
    assert stored == scan.read_bytes()
    assert f"{root}/data/documents/to-trinh.pdf" in names
    assert run("verify", bag).returncode == 0
    # a changed byte in the archived scan is caught like any payload
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(bag) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("-ban-quet.pdf"):
                data = data[:-10] + b"x" + data[-9:]
            dst.writestr(item, data)
    proc = run("verify", damaged)
    assert proc.returncode == 1 and "ban-quet.pdf" in proc.stdout


def test_a_missing_page_is_refused_and_located(fresh_round, bundle, tmp_path):
    count = len(PdfReader(str(bundle)).pages)
    scan = fake_scan(bundle, tmp_path / "scan.pdf", drop=count - 1)
    proc = run("archive", fresh_round, "--scan", scan)
    assert proc.returncode == 1
    assert f"có {count - 1} trang, hồ sơ in có {count} trang: thiếu 1 trang" in proc.stdout
    assert not (fresh_round / "build" / "scan").exists()


def test_150_dpi_is_refused(fresh_round, bundle, tmp_path):
    scan = fake_scan(bundle, tmp_path / "scan.pdf", dpi=150)
    proc = run("archive", fresh_round, "--scan", scan)
    assert proc.returncode == 1
    assert "150 dpi" in proc.stdout and "200 dpi" in proc.stdout
    proc = run("--lang", "en", "archive", fresh_round, "--scan", scan)
    assert "scanned at 150 dpi" in proc.stdout and proc.stdout.count("150 dpi") == 1   # one line for all pages


def test_grey_scan_and_old_pdf_version_are_refused(bundle, tmp_path):
    grey = fake_scan(bundle, tmp_path / "grey.pdf", mode="L")
    assert {f.code for f in check_scan(grey, bundle)} == {"scan.colour"}
    old = fake_scan(bundle, tmp_path / "old.pdf", version="1.3")
    assert "scan.version" in {f.code for f in check_scan(old, bundle)}


def test_the_printed_bundle_itself_is_no_scan(bundle):
    codes = {f.code for f in check_scan(bundle, bundle)}
    assert "scan.not_scanned" in codes   # (and LibreOffice writes PDF 1.3: scan.version too)
