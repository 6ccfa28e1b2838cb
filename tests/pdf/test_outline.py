"""The bundle's outline, made directly (pdf/bundle.py `_outline`), is what pikepdf's open_outline() makes:
the same bytes once written, for nested items, Vietnamese titles, and none at all."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dhtt_docs.pdf.bundle import PlacedDocument, _outline

TITLES = st.sampled_from(["Tờ trình", "Danh sách (Phụ lục)", "Báo cáo thành tích: Nguyễn Văn Ánh",
                          "Biên bản họp Hội đồng", "Giấy khen 2024.pdf", "Plain ASCII", "«quoted» – dash"])


def _with_pikepdf(pdf: pikepdf.Pdf, placed) -> None:
    """The outline as pikepdf's own model writes it (what `_outline` did before)."""
    def item(doc: PlacedDocument) -> pikepdf.OutlineItem:
        entry = pikepdf.OutlineItem(doc.title, pikepdf.Array([pdf.pages[doc.start_page - 1].obj, pikepdf.Name.Fit]))
        entry.children.extend(item(a) for a in doc.attachments)
        return entry

    with pdf.open_outline() as outline:
        outline.root.extend(item(doc) for doc in placed)


@st.composite
def placements(draw, depth: int = 0):
    count = draw(st.integers(0, 4 if depth == 0 else 2))
    docs = []
    for _ in range(count):
        children = draw(placements(depth + 1)) if depth < 2 else ()
        docs.append(PlacedDocument(draw(TITLES), Path("x.pdf"), draw(st.integers(1, 6)), 1, attachments=children))
    return tuple(docs)


def written(make, placed) -> bytes:
    pdf = pikepdf.new()
    for _ in range(6):
        pdf.add_blank_page()
    make(pdf, placed)
    buf = io.BytesIO()
    pdf.save(buf, static_id=True, deterministic_id=False)
    return buf.getvalue()


@settings(max_examples=60, deadline=None)
@given(placements())
def test_the_outline_is_the_bytes_pikepdf_writes(placed):
    assert written(_outline, placed) == written(_with_pikepdf, placed)


@pytest.mark.parametrize("placed", [(), (PlacedDocument("Tờ trình", Path("a.pdf"), 1, 2, attachments=(
    PlacedDocument("Phụ lục", Path("b.pdf"), 3, 1),)),)])
def test_an_empty_and_a_nested_outline(placed):
    assert written(_outline, placed) == written(_with_pikepdf, placed)
    with pikepdf.open(io.BytesIO(written(_outline, placed))) as pdf, pdf.open_outline() as outline:
        assert [(i.title, [c.title for c in i.children]) for i in outline.root] == \
            [(d.title, [a.title for a in d.attachments]) for d in placed]


def test_a_page_tree_with_intermediate_nodes():
    """A tree qpdf did not flatten: pages are found through it (pikepdf's page list), not by /Kids index."""
    def nested() -> pikepdf.Pdf:
        pdf = pikepdf.new()
        for _ in range(4):
            pdf.add_blank_page()
        root = pdf.Root.Pages
        pages = list(root.Kids)
        halves = []
        for part in (pages[:2], pages[2:]):
            node = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Kids=pikepdf.Array(part),
                                                        Count=len(part), Parent=root))
            for page in part:
                page.Parent = node
            halves.append(node)
        root.Kids = pikepdf.Array(halves)                # 2 kids for 4 pages
        return pdf

    placed = tuple(PlacedDocument(f"Văn bản {i}", Path("x.pdf"), i, 1) for i in (1, 3, 4))

    def write(make) -> bytes:
        pdf = nested()
        make(pdf, placed)
        buf = io.BytesIO()
        pdf.save(buf, static_id=True)
        return buf.getvalue()

    assert write(_outline) == write(_with_pikepdf)
    with pikepdf.open(io.BytesIO(write(_outline))) as pdf, pdf.open_outline() as outline:
        assert [pdf.pages.index(pikepdf.Page(i.destination[0])) for i in outline.root] == [0, 2, 3]
