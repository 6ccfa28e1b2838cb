"""A secretary's whole day through the command line: init, Excel, validate, build, status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pypdf import PdfReader

from helpers import _fill_workbook
from scaffold_fill import fill_submission

pytestmark = pytest.mark.slow   # the whole day through the command line, with PDFs


def dhtt(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dhtt_docs", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd)


def test_the_whole_day(tmp_path):
    folder = tmp_path / "bhxh-quang-tri-2024"
    book = tmp_path / "danh-sach.xlsx"

    r = dhtt("init", folder, "--year", "2024")
    assert r.returncode == 0, r.stderr
    assert (folder / "submission.yaml").is_file() and (folder / "candidates").is_dir()

    r = dhtt("validate", folder)                      # fresh: the blanks are named, no traceback
    assert r.returncode == 1 and "submission.yaml:" in r.stdout and "Traceback" not in r.stderr

    r = dhtt("xlsx", "template", book, "--year", "2024")
    assert r.returncode == 0 and book.is_file()
    assert dhtt("xlsx", "template", book).returncode == 2      # refuses to overwrite

    _fill_workbook(book)                              # typed by the secretary in Excel
    r = dhtt("xlsx", "import", book, folder)
    assert r.returncode == 0, r.stdout
    assert sorted(p.name for p in (folder / "candidates").iterdir()) == [
        "le-van-hung.yaml", "nguyen-thi-thu-trang.yaml", "phong-quan-ly-thu.yaml"]
    r = dhtt("xlsx", "import", book, folder)          # again: nothing overwritten
    assert r.returncode == 1 and "--overwrite" in r.stdout

    fill_submission(folder, {"nguyen-thi-thu-trang": 1, "le-van-hung": 1, "phong-quan-ly-thu": 1})
    r = dhtt("new", "individual", "Trần Văn Bình", "--in", folder)
    assert r.returncode == 1 and "tran-van-binh" in r.stderr   # a name is not an id; the message says which

    r = dhtt("validate", folder)
    assert r.returncode == 0, r.stdout
    assert "Tổng: 3 ứng viên, 3 đạt tiêu chuẩn" in r.stdout

    r = dhtt("status", folder)
    assert r.returncode == 0 and r.stdout.count("chưa lập") >= 6

    r = dhtt("build", folder)
    assert r.returncode == 0, r.stdout + r.stderr
    bundle = PdfReader(folder / "build/bundle/bhxh-quang-tri-2024.pdf")
    assert len(bundle.outline) == 6 and (folder / "build/documents/danh-sach.xlsx").is_file()
    assert dhtt("verify", folder / "build/bundle/bhxh-quang-tri-2024.zip").returncode == 0

    r = dhtt("status", folder)
    assert r.returncode == 0 and "chưa lập" not in r.stdout and " cũ " not in r.stdout
    assert "văn bản đã mới nhất" in r.stdout

    f = folder / "candidates/le-van-hung.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("Vượt kế hoạch thu.", "Vượt kế hoạch thu 5%."),
                 encoding="utf-8")
    r = dhtt("status", folder)
    row = next(line for line in r.stdout.splitlines() if line.startswith("le-van-hung"))
    assert " cũ " in row + " "
    assert "1 văn bản cần lập lại" in r.stdout


def test_every_command_help_has_an_example():
    for cmd in (["validate"], ["build"], ["verify"], ["init"], ["new"], ["doctor"], ["status"],
                ["templates", "export"], ["xlsx", "template"], ["xlsx", "import"]):
        r = dhtt(*cmd, "--help")
        assert r.returncode == 0 and "Ví dụ" in r.stdout, cmd
