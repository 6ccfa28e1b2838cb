"""Attachments named in the dossier: each unusable one is a finding naming the file and saying what to do."""

from __future__ import annotations

import pytest
from helpers import assert_english



def _attach(round_dir, rel):
    round_dir.edit("candidates/an.yaml", "issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}",
                   f"issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}}\n    attachment: {rel}")
    rep = round_dir.report()
    (f,) = [f for f in rep.verdict("an").findings if f.code == "attachment.unusable"]
    assert f.key == "awards[0].attachment" and f.line == 17
    return f



@pytest.mark.parametrize("rel, words", [
    ("../secret.pdf", ["points outside the round folder", "copy the file into the attachments/ folder"]),
    ("/etc/passwd", ["is an absolute path", "'attachments/<file name>.pdf'"]),
    ("C:\\scan\\qd.pdf", ["is an absolute path"]),
    ("attachments/none.pdf", ["is not in the round folder", "copy the scan there"]),
])
def test_attachment_outside_or_missing(english, round_dir, rel, words):
    f = _attach(round_dir, rel)
    assert_english(f.message, "The attachment", *words)



@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04 not a pdf", ["is not a PDF file", "as PDF"]),
    (b"", ["is an empty file"]),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", ["is damaged or incomplete", "scan or download the file again"]),
])
def test_attachment_not_a_pdf(english, round_dir, content, words):
    round_dir.write("attachments/x.pdf", content)
    f = _attach(round_dir, "attachments/x.pdf")
    assert_english(f.message, "The attachment 'attachments/x.pdf'", *words)



def test_attachment_symlink_out_of_folder(english, round_dir, tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4 secret")
    (round_dir.root / "attachments").mkdir()
    (round_dir.root / "attachments/link.pdf").symlink_to(outside)
    f = _attach(round_dir, "attachments/link.pdf")
    assert_english(f.message, "is a link pointing outside the round folder")

