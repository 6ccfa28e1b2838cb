"""Files nobody on the project wrote (tests/corpus/README.md says where each comes from).

Every YAML case, used as a candidate file or as submission.yaml, gives an error
finding naming that file; never a crash, never a candidate silently dropped.
Every PDF, used as an attachment, gives a finding naming it, or is merged into
a bundle that `qpdf --check` accepts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import RoundBuilder
from dhtt_docs.cli import cli
from dhtt_docs.dossier.attachments import check_attachments, inspect_pdfs
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.findings import Severity
from dhtt_docs.pdf.bundle import BundleMeta, BundlePart, build_bundle
from dhtt_docs.rules.engine import evaluate

HERE = Path(__file__).resolve().parent
YAML_CASES = sorted((HERE / "yaml").glob("*.yaml"))
PDF_CASES = sorted((HERE / "pdf").glob("*.pdf"))
META = BundleMeta("Hồ sơ", "BHXH", "ĐHTT", "1935/KH-BHXH", datetime(2024, 11, 25))

# What each PDF must give: "ok" (merged cleanly), "warn" (merged, with a warning naming it), "refuse".
EXPECTED = {
    "made-1201-pages.pdf": "refuse", "made-aes128-owner-only.pdf": "warn", "made-aes256-user-password.pdf": "refuse",
    "made-bad-content.pdf": "refuse", "made-bad-xref.pdf": "warn", "made-deep-nesting.pdf": "refuse",
    "made-flate-bomb.pdf": "ok", "made-fuzzed-1.pdf": "ok", "made-fuzzed-2.pdf": "ok",
    "made-fuzzed-3.pdf": "refuse", "made-fuzzed-4.pdf": "refuse", "made-not-a-pdf.pdf": "refuse",
    "made-null-pages.pdf": "refuse", "made-page-loop.pdf": "refuse", "made-rc4-user-password.pdf": "refuse",
    "made-truncated.pdf": "refuse", "made-zero-pages.pdf": "refuse",
    "pypdf-r2-empty-password.pdf": "warn", "pypdf-r3-user-password.pdf": "refuse",
    "pypdf-r4-aes-user-password.pdf": "refuse", "pypdf-r4-aes-v2-no-key-length.pdf": "warn",
    "pypdf-r4-owner-password.pdf": "warn", "pypdf-r5-user-password.pdf": "warn",
    "pypdf-r6-empty-password.pdf": "warn", "pypdf-r6-owner-password.pdf": "warn",
    "sample-002-trivial-libre-office-writer.pdf": "ok", "sample-annotated_pdf.pdf": "ok",
    "sample-crazyones-pdfa.pdf": "ok", "sample-habibi.pdf": "ok", "sample-imagemagick-CCITTFaxDecode.pdf": "ok",
    "sample-inline-image.pdf": "ok", "sample-minimal-document.pdf": "ok", "sample-pdflatex-outline.pdf": "ok",
}


def test_the_corpus_is_small_and_complete():
    size = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file())
    assert size < 3_000_000
    assert len(YAML_CASES) >= 30 and sorted(p.name for p in PDF_CASES) == sorted(EXPECTED)


@pytest.mark.parametrize("case", YAML_CASES, ids=lambda p: p.name)
def test_a_yaml_case_as_a_candidate_is_an_error_on_that_file(tmp_path, case):
    rnd_dir = RoundBuilder(tmp_path / "round")
    rnd_dir.write("candidates/x.yaml", case.read_bytes())
    report = evaluate(load_round(rnd_dir.root))
    (v,) = [v for v in report.verdicts if v.id == "x"]     # never dropped
    errors = [f for f in v.findings if f.severity is Severity.ERROR and f.file == "candidates/x.yaml"]
    assert errors, [f.text() for f in v.findings]
    assert all(f.text("vi") and f.text("en") for f in errors)


@pytest.mark.parametrize("case", YAML_CASES, ids=lambda p: p.name)
def test_a_yaml_case_as_submission_is_an_error_on_that_file(tmp_path, case):
    rnd_dir = RoundBuilder(tmp_path / "round")
    rnd_dir.write("submission.yaml", case.read_bytes())
    rnd = load_round(rnd_dir.root)
    assert any(f.severity is Severity.ERROR and f.file == "submission.yaml" for f in rnd.findings)


def test_validate_json_on_every_yaml_case_at_once(tmp_path):
    """All cases in one round: exit 1, JSON, each candidate listed with an error of its own."""
    rnd_dir = RoundBuilder(tmp_path / "round")
    ids = []
    for i, case in enumerate(YAML_CASES):
        cid = f"case-{i:02d}"
        rnd_dir.write(f"candidates/{cid}.yaml", case.read_bytes())
        ids.append(cid)
    res = CliRunner().invoke(cli, ["validate", str(rnd_dir.root), "--format", "json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    by_id = {c["id"]: c for c in data["candidates"]}
    assert data["ok"] is False
    for cid in ids:
        assert any(f["severity"] == "error" for f in by_id[cid]["findings"]), cid


@pytest.fixture(scope="module")
def checks():
    return inspect_pdfs(PDF_CASES)


@pytest.mark.parametrize("case", PDF_CASES, ids=lambda p: p.name)
def test_a_pdf_case_as_an_attachment(tmp_path, case, checks):
    rnd_dir = RoundBuilder(tmp_path / "round")
    rnd_dir.write("attachments/qd.pdf", case.read_bytes())
    rnd_dir.edit("candidates/an.yaml", "issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}",
                 "issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}\n    attachment: attachments/qd.pdf")
    good, problems = check_attachments(load_round(rnd_dir.root))
    found = problems.get("an", [])
    expected = EXPECTED[case.name]
    if expected == "refuse":
        (f,) = found
        assert f.severity is Severity.ERROR and f.code == "attachment.unusable"
        assert "attachments/qd.pdf" in f.text("vi") and "attachments/qd.pdf" in f.text("en")
        assert str(tmp_path) not in f.text() and " at 0x" not in f.text()
        assert good == []
        return
    if expected == "warn":
        (f,) = found
        assert f.severity is Severity.WARNING and "attachments/qd.pdf" in f.text()
    else:
        assert found == [], [f.text() for f in found]
    (att,) = good
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf chưa cài (scripts/setup --dev cài nó)")
    cover = tmp_path / "cover.pdf"
    from pypdf import PdfWriter
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.write(cover)
    out = tmp_path / "ho-so.pdf"
    build_bundle([BundlePart("Báo cáo", cover, [BundlePart("Quyết định", att.path, name=att.rel)])], out, meta=META)
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout


def test_a_pdf_that_exhausts_the_limits_is_refused(tmp_path, monkeypatch):
    """Bounded memory: with a tiny allowance even a small file is refused with a finding, not a crash."""
    import dhtt_docs.dossier.attachments as attachments

    monkeypatch.setattr(attachments, "CHECK_MEMORY", 160 << 20)
    monkeypatch.setattr(attachments, "_CACHE", {})
    check = attachments.inspect_pdf(HERE / "pdf" / "made-flate-bomb.pdf")
    assert check.status == "too_big" and not check.usable
    assert "bộ nhớ" in attachments._check_words(check).vi
    monkeypatch.setattr(attachments, "CHECK_MEMORY", 1536 << 20)
    monkeypatch.setattr(attachments, "_CACHE", {})
    assert attachments.inspect_pdf(HERE / "pdf" / "made-flate-bomb.pdf", seconds=0.01).status == "too_slow"


def _sample_with(tmp_path: Path, pdf: Path) -> Path:
    from conftest import SAMPLE_ROUND

    folder = tmp_path / "ho-so"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    (folder / "attachments" / "qd-3120-2022.pdf").write_bytes(pdf.read_bytes())
    return folder


@pytest.mark.parametrize("name", ["made-null-pages.pdf", "pypdf-r4-aes-user-password.pdf"])
def test_build_with_a_refused_attachment_exits_1_naming_it(tmp_path, name):
    folder = _sample_with(tmp_path, HERE / "pdf" / name)
    res = CliRunner().invoke(cli, ["build", str(folder), "--no-pdf"])
    assert res.exit_code == 1, res.output
    assert "attachments/qd-3120-2022.pdf" in res.output and "Traceback" not in res.output


@pytest.mark.slow
def test_build_with_a_repaired_attachment_gives_a_bundle_qpdf_accepts(tmp_path):
    from dhtt_docs.pdf.libreoffice import find_soffice

    if find_soffice() is None or shutil.which("qpdf") is None:
        pytest.skip("LibreOffice or qpdf missing")
    folder = _sample_with(tmp_path, HERE / "pdf" / "made-bad-xref.pdf")
    res = CliRunner().invoke(cli, ["build", str(folder)])
    assert res.exit_code == 0, res.output
    bundle = folder / "build" / "bundle" / "ho-so.pdf"
    check = subprocess.run(["qpdf", "--check", str(bundle)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors found" in check.stdout
    fonts = subprocess.run(["pdffonts", str(bundle)], capture_output=True, text=True).stdout
    assert "BAAAAA+" not in fonts and bundle.read_bytes()[:8] >= b"%PDF-1.4"
