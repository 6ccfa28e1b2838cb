"""`dhtt-docs build` end to end, as a secretary runs it: files, PDFs, bundle, bag."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import QUANG_BINH, SAMPLE_ROUND, SCREENING_ROUND

pytestmark = pytest.mark.slow   # each test builds a round, most with LibreOffice

DOCS = ["to-trinh", "danh-sach", "bien-ban-hop-hoi-dong"]
REPORTS = ["bhxh-huyen-hoang-hoa", "phong-quan-ly-thu", "bui-thi-lan-anh", "le-van-hung",
           "nguyen-thi-thu-trang", "tran-quoc-dat"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dhtt_docs", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    proc = run("build", SAMPLE_ROUND, "-o", out, "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_layout_follows_contract(built):
    names = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    expected = {"validation.json", "bundle/bhxh-thanh-hoa-2024.pdf", "bundle/bhxh-thanh-hoa-2024.zip"}
    for stem in DOCS + [f"bao-cao-thanh-tich-{r}" for r in REPORTS]:
        expected |= {f"documents/{stem}.docx", f"documents/{stem}.pdf"}
    expected.add("documents/danh-sach.xlsx")
    assert expected <= names
    assert not [n for n in names if n.startswith(".") or "/." in n]


def test_validation_json_is_validate_output(built):
    proc = run("validate", SAMPLE_ROUND, "--format", "json")
    assert json.loads((built / "validation.json").read_text(encoding="utf-8")) == json.loads(proc.stdout)


def test_bundle_is_the_documents_in_order_with_attachments(built):
    bundle = PdfReader(built / "bundle/bhxh-thanh-hoa-2024.pdf")
    order = DOCS + [f"bao-cao-thanh-tich-{r}" for r in REPORTS]
    pages = [len(PdfReader(built / "documents" / f"{s}.pdf").pages) for s in order]
    attachments = [SAMPLE_ROUND / "attachments/qd-187-2023.pdf", SAMPLE_ROUND / "attachments/qd-3120-2022.pdf"]
    extra = sum(len(PdfReader(a).pages) for a in attachments)
    assert len(bundle.pages) == sum(pages) + extra
    top = [o for o in bundle.outline if not isinstance(o, list)]
    assert [o.title for o in top][:3] == ["Tờ trình", "Danh sách (Phụ lục)", "Biên bản họp Hội đồng"]
    assert len(top) == len(order)
    starts = [bundle.get_destination_page_number(o) for o in top]
    assert starts[0] == 0 and starts[1] == pages[0] and starts[2] == pages[0] + pages[1]
    nested = [o for o in bundle.outline if isinstance(o, list)]
    assert len(nested) == 2 and "187/QĐ-BHXH" in nested[0][0].title
    # the Hoằng Hóa report is followed by its decision
    hh = order.index("bao-cao-thanh-tich-bhxh-huyen-hoang-hoa")
    att_page = bundle.get_destination_page_number(nested[0][0])
    assert att_page == starts[hh] + pages[hh]
    assert "187/QD-BHXH" in bundle.pages[att_page].extract_text()
    meta = bundle.metadata
    assert meta.author == "Bảo hiểm xã hội tỉnh Thanh Hóa" and "1935/KH-BHXH" in meta["/Keywords"]


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize("stem", DOCS + ["bao-cao-thanh-tich-le-van-hung"])
def test_documents_embed_liberation_serif_only(built, stem):
    fonts = _fonts(PdfReader(built / "documents" / f"{stem}.pdf"))
    assert fonts and all(f.startswith("LiberationSerif") for f in fonts), fonts


def test_vietnamese_text_extracts_as_typed(built):
    text = "\n".join(p.extract_text() for p in PdfReader(built / "documents/to-trinh.pdf").pages)
    text = unicodedata.normalize("NFC", text)
    for s in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 125/TTr-BHXH",
              "Thanh Hóa, ngày 25 tháng 11 năm 2024", "TỜ TRÌNH", "Kính gửi"]:
        assert s in text, s


def test_page_numbers_from_page_two(built):
    reader = PdfReader(built / "documents/bao-cao-thanh-tich-le-van-hung.pdf")
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text().strip().splitlines()
    second = reader.pages[1].extract_text().strip().splitlines()
    assert second[0].strip() == "2"
    assert first[0].strip() != "1"


def test_bag_verifies_and_holds_sources(built):
    bag = built / "bundle/bhxh-thanh-hoa-2024.zip"
    proc = run("verify", bag)
    assert proc.returncode == 0, proc.stdout
    with zipfile.ZipFile(bag) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        root = "bhxh-thanh-hoa-2024/"
        assert {root + n for n in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
                                    "data/submission.yaml", "data/candidates/le-van-hung.yaml",
                                    "data/attachments/qd-3120-2022.pdf", "data/documents/to-trinh.docx",
                                    "data/documents/to-trinh.pdf"]} <= set(names)
        info = zf.read(root + "bag-info.txt").decode("utf-8")
        assert "Bagging-Date: 2024-11-25" in info and "Source-Organization: Bảo hiểm xã hội tỉnh Thanh Hóa" in info
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())


def test_tampered_bag_fails_verify(built, tmp_path):
    bag = built / "bundle/bhxh-thanh-hoa-2024.zip"
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bag) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("data/submission.yaml"):
                data = data.replace(b"votes:", b"votes: ")
            dst.writestr(info, data)
    proc = run("verify", bad)
    assert proc.returncode == 1 and "submission.yaml" in proc.stdout


def test_second_build_is_byte_identical(built, tmp_path):
    out = tmp_path / "again"
    assert run("build", SAMPLE_ROUND, "-o", out, "--cache-dir", tmp_path / "cache").returncode == 0
    for p in built.rglob("*"):
        if p.is_file():
            assert (out / p.relative_to(built)).read_bytes() == p.read_bytes(), p.relative_to(built)


def test_docx_only_build_of_held_out_round(tmp_path):
    out = tmp_path / "qb"
    proc = run("build", QUANG_BINH, "-o", out, "--no-pdf", "--cache-dir", tmp_path / "cache")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "documents").iterdir()) == sorted(
        ["to-trinh.docx", "danh-sach.docx", "bien-ban-hop-hoi-dong.docx",
         "bao-cao-thanh-tich-bhxh-thanh-pho-dong-hoi.docx", "bao-cao-thanh-tich-dang-thi-thu-ha.docx",
         "bao-cao-thanh-tich-vo-van-thanh.docx", "danh-sach.xlsx"])
    assert not list(out.rglob("*.pdf"))
    assert (out / "bundle/bhxh-quang-binh-2024.zip").is_file()


def test_force_builds_drafts(tmp_path):
    from docx import Document
    out = tmp_path / "x"
    proc = run("build", SCREENING_ROUND, "-o", out, "--no-pdf", "--force", "--cache-dir", tmp_path / "cache")
    assert proc.returncode == 1 and "DỰ THẢO" in proc.stdout
    for docx in (out / "documents").glob("*.docx"):
        doc = Document(docx)
        headers = " ".join(p.text for s in doc.sections
                           for h in (s.header, s.first_page_header) for p in h.paragraphs)
        assert "DỰ THẢO" in headers, docx.name


def test_output_path_that_is_a_file_exits_2(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    proc = run("build", SAMPLE_ROUND, "-o", target, "--no-pdf")
    assert proc.returncode == 2 and "là một tệp" in proc.stderr
    assert target.read_text() == "x"


def test_templates_export_edit_and_build_with_them(tmp_path):
    from docx import Document
    mine = tmp_path / "mau"
    assert run("templates", "export", mine).returncode == 0
    doc = Document(mine / "to-trinh.docx")
    para = next(p for p in doc.paragraphs if "Kính gửi" in p.text or "kính trình" in p.text)
    para.runs[0].text = para.runs[0].text.replace(para.runs[0].text, "Ý KIẾN RIÊNG CỦA ĐƠN VỊ. " + para.runs[0].text, 1)
    doc.save(mine / "to-trinh.docx")
    assert run("templates", "check", mine).returncode == 0
    out = tmp_path / "out"
    proc = run("build", SAMPLE_ROUND, "-o", out, "--no-pdf", "--templates", mine, "--cache-dir", tmp_path / "cache")
    assert proc.returncode == 0, proc.stderr
    text = "\n".join(p.text for p in Document(out / "documents/to-trinh.docx").paragraphs)
    assert "Ý KIẾN RIÊNG CỦA ĐƠN VỊ." in text


def test_broken_user_template_stops_build_naming_template_and_tag(tmp_path):
    from docx import Document
    mine = tmp_path / "mau"
    run("templates", "export", mine)
    doc = Document(mine / "danh-sach.docx")
    doc.add_paragraph("{{ so_phieu_sai }}")
    doc.save(mine / "danh-sach.docx")
    check = run("templates", "check", mine)
    assert check.returncode == 1 and "danh-sach.docx" in check.stdout and "so_phieu_sai" in check.stdout
    out = tmp_path / "out"
    proc = run("build", SAMPLE_ROUND, "-o", out, "--no-pdf", "--templates", mine, "--cache-dir", tmp_path / "cache")
    assert proc.returncode == 1 and not out.exists()
    assert "danh-sach.docx" in proc.stderr and "so_phieu_sai" in proc.stderr


def test_danh_sach_xlsx_lists_the_proposed(built):
    from openpyxl import load_workbook
    ws = load_workbook(built / "documents/danh-sach.xlsx").active
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for name in ["Bảo hiểm xã hội huyện Hoằng Hóa", "Phòng Quản lý thu", "Lê Văn Hùng", "Trần Quốc Đạt"]:
        assert name in values


def test_duplex_and_pdfa_build_of_held_out_round(tmp_path):
    out = tmp_path / "qb"
    proc = run("build", QUANG_BINH, "-o", out, "--duplex", "--pdfa", "--no-cache")
    assert proc.returncode == 0, proc.stderr
    bundle = PdfReader(out / "bundle/bhxh-quang-binh-2024.pdf")
    docs = sorted((out / "documents").glob("*.pdf"))
    padded = sum(n + n % 2 for n in (len(PdfReader(p).pages) for p in docs))
    assert len(bundle.pages) == padded
    for o in bundle.outline:
        if not isinstance(o, list):
            assert bundle.get_destination_page_number(o) % 2 == 0   # every document starts on a front side
    root = bundle.trailer["/Root"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid:part" in xmp and "2" in xmp.split("pdfaid:part")[1][:5]
    for p in docs:
        assert "/OutputIntents" in PdfReader(p).trailer["/Root"]
    assert run("verify", out / "bundle/bhxh-quang-binh-2024.zip").returncode == 0


def test_build_with_relative_paths_as_typed_in_a_terminal(tmp_path):
    """`cd dossiers && dhtt-docs build bhxh-thanh-hoa-2024`: relative folder, default OUT and cache."""
    shutil.copytree(SAMPLE_ROUND, tmp_path / "bhxh-thanh-hoa-2024",
                    ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    env = dict(os.environ)
    if env.get("PYTHONPATH"):  # a development run from the source tree: keep it importable from elsewhere
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).absolute()) for p in env["PYTHONPATH"].split(os.pathsep))
    proc = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", "bhxh-thanh-hoa-2024"], capture_output=True,
                          text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "bhxh-thanh-hoa-2024/build/bundle/bhxh-thanh-hoa-2024.pdf").is_file()
    again = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", "."], capture_output=True, text=True,
                           cwd=tmp_path / "bhxh-thanh-hoa-2024", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (tmp_path / "bhxh-thanh-hoa-2024/build/bundle/bhxh-thanh-hoa-2024.zip").is_file()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) chưa cài")
def test_kill_9_during_conversion_leaves_no_libreoffice_litter(tmp_path):
    """LibreOffice's lu*.tmp go to a TMPDIR in the build's private folder, its OSL_PIPE socket is removed."""
    import re
    import signal
    import time

    from dhtt_docs.pdf.procs import osl_pipe

    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    for i, src in enumerate(sorted((folder / "candidates").glob("*.yaml")) * 3):   # more documents: a longer run
        if i >= 6:
            text = re.sub(r"^(full_name|name): (.+)$", lambda m: f"{m.group(1)}: {m.group(2)} {i}",
                          src.read_text(encoding="utf-8"), count=1, flags=re.M)
            (folder / "candidates" / f"{src.stem}-{i}.yaml").write_text(text, encoding="utf-8")
            sub = folder / "submission.yaml"
            sub.write_text(sub.read_text(encoding="utf-8").replace("  votes:\n", f"  votes:\n    {src.stem}-{i}: 7\n", 1),
                           encoding="utf-8")
    own_tmp = tmp_path / "tmp"          # the build's TMPDIR: LibreOffice must leave nothing here
    own_tmp.mkdir()
    # the build's TMPDIR, and the user's cache folder (the workers' LibreOffice profiles) of its own
    env = dict(os.environ, TMPDIR=str(own_tmp), XDG_CACHE_HOME=str(tmp_path / "user-cache"))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    # the build's private folders: the stage's .private, and the folder of the workers started early
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.tmp-*/**/tmp/lu*.tmp")):
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.tmp-*/**/tmp/lu*.tmp")), "LibreOffice never started in the private TMPDIR"
    slots = next((tmp_path / "user-cache" / "dhtt-docs" / "libreoffice").glob("*"))
    pipes = [osl_pipe(slots / f"slot-{n}") for n in range(4)]
    assert any(p.exists() for p in pipes)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20     # the watcher cleans up after the kill
    while time.monotonic() < deadline and (list(tmp_path.glob(".out.*")) or any(p.exists() for p in pipes)):
        time.sleep(0.2)
    assert [p for p in tmp_path.glob(".out.*") if p.name != ".out.lock"] == []   # the lock file stays, empty
    assert [p for p in pipes if p.exists()] == []
    assert list(own_tmp.glob("lu*.tmp")) == [] and list(own_tmp.glob("dhtt-soffice-*")) == []


def test_a_rebuild_never_throws_away_signed_or_scanned_files(tmp_path):
    """OUT/signed and OUT/scan are the record of what was sent: a build that would replace OUT stops (exit 2)."""
    import shutil as sh

    folder = tmp_path / "round"
    sh.copytree(SAMPLE_ROUND, folder, ignore=sh.ignore_patterns(".dhtt-cache", "build"))
    assert run_cli_build(folder).returncode == 0
    signed = folder / "build" / "signed" / "to-trinh.pdf"
    signed.parent.mkdir()
    signed.write_bytes(b"%PDF-1.7 signed")
    assert run_cli_build(folder).returncode == 0            # nothing changed: nothing replaced, nothing lost
    cand = folder / "candidates" / "le-van-hung.yaml"
    cand.write_text(cand.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Mới.\n", 1),
                    encoding="utf-8")
    proc = run_cli_build(folder)
    assert proc.returncode == 2 and "signed" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert signed.read_bytes() == b"%PDF-1.7 signed"


def run_cli_build(folder):
    return subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "--no-pdf"],
                          capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) chưa cài")
def test_workers_started_early_are_stopped_when_the_round_has_errors(tmp_path):
    """With PDFs wanted the build starts LibreOffice before loading the round; a round with errors
    converts nothing, and leaves no LibreOffice running and no private folder behind."""
    from helpers import live_soffice

    from dhtt_docs.build.pipeline import BuildOptions, build
    from dhtt_docs.pdf.unoworker import usable

    if usable(shutil.which("soffice")) is None:
        pytest.skip("python3-uno is not installed")
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    sub = folder / "submission.yaml"
    sub.write_text(sub.read_text(encoding="utf-8").replace("  votes:\n", "  votes:\n    nobody-at-all: 7\n", 1),
                   encoding="utf-8")
    profiles = os.environ["XDG_CACHE_HOME"]           # the suite's own user cache folder (conftest)
    result = build(folder, BuildOptions(out=tmp_path / "out"))
    assert not result.report.ok and result.out is None
    assert live_soffice(profiles) == []   # stopped before build() returned
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] in ([], [".out.lock"])

