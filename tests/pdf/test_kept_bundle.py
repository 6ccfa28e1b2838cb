"""The bundle kept open between builds (KeptBundle): every merge is the same bytes as a merge from nothing.

The warm builder keeps the last merge and puts in again only the parts that changed. What could go
wrong is sharing: a stream held by several files is written once, as the copy of its first holder in
bundle order; after parts move, come and go, or a file changes under the same name, the kept merge
must point every holder where a merge from nothing would. The property test draws rounds of small
PDFs that share fonts and page contents (files used twice, attachments, files rewritten in place)
and compares each kept merge with a merge from nothing, byte for byte and page for page. Real
LibreOffice PDF/A files through a kept merge: test_bundle.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from dhtt_docs.pdf.bundle import BundleError, BundlePart, KeptBundle, ScanMemo, build_bundle
from test_bundle import META

TEXTS = ("Tờ trình", "Biên bản", "Danh sách")
FONTS = ("Serif", "Sans", "Mono")


def font_pdf(path: Path, texts: tuple[str, ...], fonts: tuple[str, ...], aside: bool = False) -> Path:
    """A PDF whose pages draw `texts` (one page each) with subset fonts named as LibreOffice names them
    (BAAAAA+...); equal texts give equal content streams, equal fonts equal programs, across files.
    ``aside``: the first page also points at the first font's program from a key no scan reads (a
    stream shared with a holder and also reached another way)."""
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary()
    programs = []
    for i, name in enumerate(fonts):
        program = pdf.make_stream(f"font program {name} ".encode() * 40)
        programs.append(program)
        desc = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(f"/{chr(66 + i)}AAAAA+{name}"),
            Flags=4, FontFile2=program))
        resources[f"/F{i}"] = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
            BaseFont=pikepdf.Name(f"/{chr(66 + i)}AAAAA+{name}"), FontDescriptor=desc,
            ToUnicode=pdf.make_stream(f"cmap {name}".encode())))
    for text in texts:
        content = pdf.make_stream(f"BT /F0 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET"
                                  .encode())
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=content,
            Resources=pikepdf.Dictionary(Font=resources)))))
    if aside:
        pdf.pages[0].obj.PieceInfo = pikepdf.Dictionary(Kept=pikepdf.Dictionary(Private=programs[0]))
    pdf.save(path)
    return path


def _memo(parts: list[BundlePart]) -> ScanMemo:
    """A memo as the build gives it: every file's SHA-256 (the kept merge knows a file by it)."""
    files = {p.pdf for top in parts for p in top.with_attachments()}
    return ScanMemo(None, {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files})


def _both(parts: list[BundlePart], keep: KeptBundle, tmp: Path, **options) -> tuple[bytes, bytes]:
    kept = build_bundle(parts, tmp / "kept.pdf", meta=META, keep=keep, memo=_memo(parts), **options)
    cold = build_bundle(parts, tmp / "cold.pdf", meta=META, memo=_memo(parts), **options)
    assert kept.parts == cold.parts and kept.total_pages == cold.total_pages
    return (tmp / "kept.pdf").read_bytes(), (tmp / "cold.pdf").read_bytes()


_file = st.tuples(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=3).map(tuple),
                  st.lists(st.sampled_from(FONTS), min_size=1, max_size=2, unique=True).map(tuple),
                  st.booleans())
_top = st.tuples(st.integers(0, 4), st.lists(st.integers(0, 4), max_size=2))
_step = st.tuples(st.lists(_top, min_size=1, max_size=6),
                  st.dictionaries(st.integers(0, 4), _file, max_size=2))   # files rewritten before the step


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pool=st.lists(_file, min_size=5, max_size=5), steps=st.lists(_step, min_size=2, max_size=5),
       duplex=st.booleans(), compress=st.booleans())
def test_every_kept_merge_is_the_merge_from_nothing(tmp_path_factory, pool, steps, duplex, compress) -> None:
    tmp = tmp_path_factory.mktemp("kept")
    files = [font_pdf(tmp / f"f{i}.pdf", *spec) for i, spec in enumerate(pool)]
    keep = KeptBundle()
    try:
        for tops, rewrites in steps:
            for i, spec in rewrites.items():
                font_pdf(files[i], *spec)   # the same name, new content
            parts = [BundlePart(f"Tài liệu {n}", files[doc], [BundlePart(f"Kèm {n}.{a}", files[a]) for a in atts],
                                trusted=True) for n, (doc, atts) in enumerate(tops)]
            kept, cold = _both(parts, keep, tmp, duplex=duplex, compress=compress)
            assert kept == cold
    finally:
        keep.close()


def _round(tmp: Path, n: int) -> list[BundlePart]:
    """n reports, no two alike (each has a font of its own), sharing fonts and pages with the others."""
    return [BundlePart(f"Báo cáo {i}", font_pdf(tmp / f"bc-{i}.pdf", TEXTS[: 1 + i % 3],
                                                (*FONTS[: 1 + i % 2], f"Rieng{i}")), trusted=True) for i in range(n)]


def test_a_change_puts_in_only_its_pages(tmp_path: Path) -> None:
    """One report changed among twenty: its pages are replaced, the other documents' pages are the same
    objects as before (the kept merge did not copy them again), and the bytes are those of a cold merge."""
    parts = _round(tmp_path, 20)
    keep = KeptBundle()
    _both(parts, keep, tmp_path)
    before = [page.objgen for page in keep._merge.pdf.pages]
    parts[7] = BundlePart("Báo cáo 7", font_pdf(tmp_path / "bc-7b.pdf", ("Danh sách", "Tờ trình"), ("Serif",)),
                          trusted=True)
    kept, cold = _both(parts, keep, tmp_path)
    assert kept == cold
    after = [page.objgen for page in keep._merge.pdf.pages]
    start = sum(len(TEXTS[: 1 + i % 3]) for i in range(7))
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [start, start + 1]   # report 7's two pages (it had two before as well)
    assert keep._garbage == 2
    keep.close()


def test_pages_taken_out_are_let_go_once_they_outnumber_the_pages_in_use(tmp_path: Path) -> None:
    parts = _round(tmp_path, 4)
    keep = KeptBundle()
    for n in range(6):   # each round replaces every document (a font of the round's own): all pages go
        parts = [BundlePart(p.title, font_pdf(tmp_path / f"v{n}-{i}.pdf", TEXTS[: 1 + (i + n) % 3],
                                              (FONTS[0], f"Round{n}")), trusted=True) for i, p in enumerate(parts)]
        kept, cold = _both(parts, keep, tmp_path)
        assert kept == cold
        assert keep.reused == 0 and keep._garbage <= 2 * keep._merge.count
    keep.close()


def test_after_an_error_the_next_merge_starts_afresh(tmp_path: Path, lang: str) -> None:
    parts = _round(tmp_path, 3)
    keep = KeptBundle()
    _both(parts, keep, tmp_path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really")
    with pytest.raises(BundleError) as info:
        build_bundle([*parts, BundlePart("Hỏng", broken, trusted=True)], tmp_path / "x.pdf", meta=META, keep=keep)
    assert str(broken) in str(info.value)
    assert keep._merge is None   # nothing half-done is kept
    kept, cold = _both(parts[1:], keep, tmp_path)
    assert kept == cold


def test_a_file_rewritten_under_its_name_is_read_again_without_a_memo(tmp_path: Path) -> None:
    """Known by inode, size and date when no memo gives its hash (an attachment edited in place)."""
    parts = _round(tmp_path, 3)
    keep = KeptBundle()
    build_bundle(parts, tmp_path / "a.pdf", meta=META, keep=keep)
    font_pdf(parts[1].pdf, ("Tờ trình", "Biên bản", "Danh sách", "Tờ trình"), ("Mono",))
    build_bundle(parts, tmp_path / "kept.pdf", meta=META, keep=keep)
    build_bundle(parts, tmp_path / "cold.pdf", meta=META)
    assert (tmp_path / "kept.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    assert len(PdfReader(tmp_path / "kept.pdf").pages) == 1 + 4 + 3
    keep.close()


def test_a_stream_shared_with_a_file_since_rewritten_is_shared_anew(tmp_path: Path) -> None:
    """B's font program pointed at the copy of A's, its first holder; A is rewritten without that font:
    B's holder must get its own copy back (which B's page also reaches another way), as from nothing."""
    a = font_pdf(tmp_path / "a.pdf", ("Tờ trình",), ("Serif",))
    b = font_pdf(tmp_path / "b.pdf", ("Biên bản",), ("Serif",), aside=True)
    parts = [BundlePart("A", a, trusted=True), BundlePart("B", b, trusted=True)]
    keep = KeptBundle()
    kept, cold = _both(parts, keep, tmp_path)
    assert kept == cold
    font_pdf(a, ("Tờ trình",), ("Sans",))
    kept, cold = _both(parts, keep, tmp_path)
    assert kept == cold
    keep.close()
