"""Attachments named in the dossier: each unusable one is a finding naming the file and saying what to do."""

from __future__ import annotations

import io

import pytest
from helpers import assert_english
from pypdf import PdfWriter

from dhtt_docs.findings import Severity


def _attach(round_dir, rel):
    round_dir.edit("candidates/an.yaml", "issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}",
                   f"issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}}\n    attachment: {rel}")
    rep = round_dir.report()
    return rep, [f for f in rep.verdict("an").findings if f.code == "attachment.unusable"]


def _unusable(round_dir, rel):
    rep, (f,) = _attach(round_dir, rel)
    assert f.key == "awards[0].attachment" and f.line == 17
    return rep, f


def test_good_attachment_is_listed(round_dir):
    from conftest import SAMPLE_ROUND
    round_dir.write("attachments/qd.pdf", (SAMPLE_ROUND / "attachments/qd-3120-2022.pdf").read_bytes())
    rep, bad = _attach(round_dir, "attachments/qd.pdf")
    assert bad == [] and [a.rel for a in rep.attachments] == ["attachments/qd.pdf"]


@pytest.mark.parametrize("rel, vi, en", [
    ("../secret.pdf", "ngoài thư mục",
     ["points outside the round folder", "copy the file into the attachments/ folder"]),
    ("/etc/passwd", "tuyệt đối", ["is an absolute path", "'attachments/<file name>.pdf'"]),
    ("C:\\scan\\qd.pdf", "tuyệt đối", ["is an absolute path"]),
    ("attachments/none.pdf", "không có trong thư mục", ["is not in the round folder", "copy the scan there"]),
])
def test_attachment_outside_or_missing(round_dir, rel, vi, en, lang):
    rep, f = _unusable(round_dir, rel)
    if lang == "vi":
        assert vi in f.text()
    else:
        assert_english(f.message, "The attachment", *en)
    assert rep.attachments == []


def test_attachment_symlink_out_of_folder(round_dir, tmp_path, lang):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4 secret")
    (round_dir.root / "attachments").mkdir()
    (round_dir.root / "attachments/link.pdf").symlink_to(outside)
    rep, f = _unusable(round_dir, "attachments/link.pdf")
    if lang == "vi":
        assert "liên kết" in f.text()
    else:
        assert_english(f.message, "is a link pointing outside the round folder")


@pytest.mark.parametrize("content, vi, en", [
    (b"PK\x03\x04 not a pdf", "không phải tệp PDF", ["is not a PDF file", "as PDF"]),
    (b"", "rỗng", ["is an empty file"]),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "hỏng",
     ["is damaged or incomplete", "scan or download the file again"]),
])
def test_attachment_not_a_readable_pdf(round_dir, content, vi, en, lang):
    round_dir.write("attachments/x.pdf", content)
    rep, f = _unusable(round_dir, "attachments/x.pdf")
    assert f.severity is Severity.ERROR
    if lang == "vi":
        assert vi in f.text()
    else:
        assert_english(f.message, "The attachment 'attachments/x.pdf'", *en)


def test_encrypted_attachment(round_dir):
    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret")
    buf = io.BytesIO()
    w.write(buf)
    round_dir.write("attachments/x.pdf", buf.getvalue())
    rep, (f,) = _attach(round_dir, "attachments/x.pdf")
    assert "mật khẩu" in f.text()


# --------------------------------------------------------------------------- the checker started early


def _round_with_pdfs(tmp_path):
    from conftest import SAMPLE_ROUND
    folder = tmp_path / "round"
    (folder / "attachments").mkdir(parents=True)
    good = folder / "attachments/qd.pdf"
    good.write_bytes((SAMPLE_ROUND / "attachments/qd-3120-2022.pdf").read_bytes())
    bad = folder / "attachments/hong.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really a pdf")
    return folder, [good, bad]


def test_a_checker_started_early_gives_the_answers_a_late_one_gives(tmp_path, monkeypatch):
    from dhtt_docs.dossier import attachments

    folder, pdfs = _round_with_pdfs(tmp_path)
    monkeypatch.setattr(attachments, "_CACHE", {})
    late = attachments.inspect_pdfs(pdfs)
    monkeypatch.setattr(attachments, "_CACHE", {})
    attachments.prestart_checker(folder)
    (proc, _err), = attachments._PRESTARTED
    early = attachments.inspect_pdfs(pdfs)
    assert early == late and [c.status for c in early.values()] == ["ok", "broken"]
    assert attachments._PRESTARTED == [] and proc.wait(10) == 0       # used, and ended when done


def test_a_checker_started_early_and_not_used_is_stopped(tmp_path, monkeypatch):
    from dhtt_docs.dossier import attachments

    folder, _ = _round_with_pdfs(tmp_path)
    monkeypatch.setattr(attachments, "_CACHE", {})
    attachments.prestart_checker(folder)
    attachments.prestart_checker(folder)                             # one is enough
    (proc, _err), = attachments._PRESTARTED
    attachments.stop_prestarted()
    assert attachments._PRESTARTED == [] and proc.poll() is not None


def test_a_checker_started_early_that_died_is_replaced(tmp_path, monkeypatch):
    from dhtt_docs.dossier import attachments

    folder, pdfs = _round_with_pdfs(tmp_path)
    monkeypatch.setattr(attachments, "_CACHE", {})
    attachments.prestart_checker(folder)
    (proc, _err), = attachments._PRESTARTED
    proc.kill()
    proc.wait()
    checks = attachments.inspect_pdfs(pdfs)
    assert [c.status for c in checks.values()] == ["ok", "broken"]   # not "broken" for the good one


def test_no_checker_is_started_early_without_pdfs_or_with_checks_remembered(tmp_path, monkeypatch):
    from dhtt_docs.dossier import attachments

    folder, pdfs = _round_with_pdfs(tmp_path)
    monkeypatch.setattr(attachments, "_CACHE", {})
    attachments.prestart_checker(tmp_path)                           # no attachments/ folder
    assert attachments._PRESTARTED == []
    attachments.inspect_pdfs(pdfs)                                   # now remembered (as a rebuild seeds them)
    attachments.prestart_checker(folder)
    assert attachments._PRESTARTED == []
