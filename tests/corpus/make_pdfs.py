"""Make the corpus's damaged PDFs (tests/corpus/pdf/made-*.pdf) from one small clean file.

Run once (`python tests/corpus/make_pdfs.py`); the outputs are committed, so the
suite does not depend on this script. Every change is deterministic (fixed
offsets, a seeded random for the fuzzed files), so running it again gives the
same bytes.
"""

from __future__ import annotations

import random
import re
import zlib
from pathlib import Path

import pikepdf

HERE = Path(__file__).resolve().parent / "pdf"
BASE = HERE / "sample-minimal-document.pdf"


def _save(pdf: pikepdf.Pdf, name: str, **kw) -> None:
    pdf.save(HERE / name, static_id=True, **kw)


def main() -> None:
    raw = BASE.read_bytes()
    # Cut short: the end of the file (xref, trailer) is missing.
    (HERE / "made-truncated.pdf").write_bytes(raw[: len(raw) * 6 // 10])
    # Wrong cross-reference offsets: qpdf rebuilds the table (repairable).
    plain = pikepdf.open(BASE)
    _save(plain, "made-plain.pdf", object_stream_mode=pikepdf.ObjectStreamMode.disable,
          compress_streams=False)
    text = (HERE / "made-plain.pdf").read_bytes()
    # /Pages null in the catalog (passed validate, then crashed build); same length, offsets stay right.
    (HERE / "made-null-pages.pdf").write_bytes(
        re.sub(rb"/Pages (\d+) 0 R", lambda m: b"/Pages null" + b" " * (len(m.group(0)) - 11), text, count=1))
    broken_xref = re.sub(rb"\n(\d{10}) 00000 n", lambda m: b"\n" + b"%010d" % (int(m.group(1)) + 7) + b" 00000 n",
                         text)
    (HERE / "made-bad-xref.pdf").write_bytes(broken_xref)
    (HERE / "made-plain.pdf").unlink()
    deep_source = text
    # No pages at all.
    empty = pikepdf.new()
    _save(empty, "made-zero-pages.pdf")
    # A content stream that does not parse.
    bad = pikepdf.open(BASE)
    bad.pages[0].Contents = bad.make_stream(b"BT /F1 12 Tf 72 712 Td (never closed ET q q ] >> Tj")
    _save(bad, "made-bad-content.pdf")
    # A page tree whose /Kids holds the tree itself.
    loop = pikepdf.open(BASE)
    kids = loop.Root.Pages.Kids
    kids.append(loop.Root.Pages)
    loop.Root.Pages.Count = 2
    _save(loop, "made-page-loop.pdf")
    # Encrypted with a password to open (AES-256) and with RC4 128.
    for name, enc in (("made-aes256-user-password.pdf", pikepdf.Encryption(user="1234", owner="5678", R=6)),
                      ("made-rc4-user-password.pdf", pikepdf.Encryption(user="1234", owner="5678", R=3, aes=False, metadata=False)),
                      ("made-aes128-owner-only.pdf", pikepdf.Encryption(user="", owner="5678", R=4))):
        pdf = pikepdf.open(BASE)
        _save(pdf, name, encryption=enc)
    # More pages than an attachment may have (the page budget).
    many = pikepdf.new()
    for _ in range(1201):
        many.add_blank_page(page_size=(595, 842))
    _save(many, "made-1201-pages.pdf")
    # A decompression bomb: 64 MB of zeros in a 64 KB stream.
    bomb = pikepdf.open(BASE)
    data = zlib.compress(b"0 0 m\n" + b" " * (64 << 20), 9)
    stream = pikepdf.Stream(bomb, data)
    stream.Filter = pikepdf.Name.FlateDecode
    bomb.pages[0].Contents = bomb.make_indirect(stream)
    _save(bomb, "made-flate-bomb.pdf")
    # Not a PDF at all, though named .pdf.
    (HERE / "made-not-a-pdf.pdf").write_bytes(b"<html><body>Quyet dinh</body></html>\n")
    # Nested arrays far deeper than any real file.
    deep = deep_source.replace(b"/Type /Catalog", b"/Type /Catalog /Deep " + b"[" * 5000 + b"]" * 5000, 1)
    (HERE / "made-deep-nesting.pdf").write_bytes(deep)
    # Fuzzed: a few bytes changed at random (seeded).
    rng = random.Random(20261130)
    for i in range(4):
        data = bytearray(raw)
        for _ in range(12):
            data[rng.randrange(len(data))] = rng.randrange(256)
        (HERE / f"made-fuzzed-{i + 1}.pdf").write_bytes(bytes(data))


if __name__ == "__main__":
    main()
