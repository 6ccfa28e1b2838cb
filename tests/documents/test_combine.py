"""Reports combined into one DOCX for one conversion (documents/combine.py), and the chunks (build/chunks.py).

Real reports of the sample rounds are combined and read back with python-docx;
each thing that would change a report's pages in company (counting lists,
NUMPAGES, footnotes, odd/even headers, a second section, different styles)
is put into a real report and must stop the combining.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import QUANG_BINH, SAMPLE_ROUND
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from dhtt_docs.build.chunks import MAX_SIZE, chunk_keys, chunks_of, template_combinable
from dhtt_docs.documents.combine import combinable_parts, combine, mark_name, parts_of
from dhtt_docs.documents.render import builtin_templates_dir, render_documents
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, list[Path]]:
    """The individual reports of each round, by template, in the round's order."""
    out: dict[str, list[Path]] = {}
    for name, folder in (("sample", SAMPLE_ROUND), ("qb", QUANG_BINH)):
        docs = render_documents(evaluate(load_round(folder)), tmp_path_factory.mktemp(name))
        for d in docs:
            if d.kind == "bao-cao":
                kind = "tap-the" if "bhxh-" in d.path.name or "phong-" in d.path.name else "ca-nhan"
                out.setdefault(f"{name}-{kind}", []).append(d.path)
    return out



def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def body_texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def test_reports_combine_into_one_section_each_with_its_mark_and_its_own_page_numbers(reports, tmp_path):
    sources = reports["sample-ca-nhan"]
    assert len(sources) >= 3
    target = tmp_path / "combined.docx"
    assert combine(sources, target)
    combined = Document(str(target))
    assert len(combined.sections) == len(sources)
    xml = zipfile.ZipFile(target).read("word/document.xml").decode()
    assert re.findall(r'w:name="(dhttpart\d{4})"', xml) == [mark_name(k) for k in range(len(sources))]
    for sect in combined.element.body.iter(f"{W}sectPr"):
        assert sect.find(f"{W}type").get(f"{W}val") == "nextPage"
        assert sect.find(f"{W}pgNumType").get(f"{W}start") == "1"
        assert sect.find(f"{W}titlePg") is not None          # no page number on each report's first page
    # every paragraph of every report, in order, and nothing else (no empty paragraph added after one
    # that ends with a paragraph; the table-ending reports get the empty paragraph Word gives them anyway)
    assert body_texts(target) == [t for s in sources for t in body_texts(s)]
    # every other part is the first report's, unchanged
    first, made = parts_of(sources[0]), parts_of(target)
    assert {n: d for n, d in made.items() if n != "word/document.xml"} == \
        {n: d for n, d in first.items() if n != "word/document.xml"}


def test_collective_reports_and_other_rounds_combine_too(reports, tmp_path):
    for name, sources in reports.items():
        if len(sources) > 1:
            assert combine(sources, tmp_path / f"{name}.docx"), name
            assert len(Document(str(tmp_path / f"{name}.docx")).sections) == len(sources)


def test_the_builtin_report_templates_can_be_combined():
    folder = builtin_templates_dir()
    for name in ("bao-cao-thanh-tich-ca-nhan.docx", "bao-cao-thanh-tich-tap-the.docx"):
        assert template_combinable(folder / name, "builtin"), name


def _mutate(parts: dict[str, bytes], name: str, old: bytes, new: bytes) -> dict[str, bytes]:
    assert old in parts[name], (name, old)
    return dict(parts, **{name: parts[name].replace(old, new, 1)})


def _header(parts: dict[str, bytes]) -> str:
    return next(n for n, d in parts.items() if n.startswith("word/header") and b"PAGE" in d)


@pytest.mark.parametrize("change", [
    "counting list", "numpages", "footnote", "odd and even headers", "two sections", "text box", "field in body",
])
def test_what_would_lay_out_differently_in_company_is_never_combined(reports, tmp_path, change):
    source = reports["sample-ca-nhan"][0]
    parts = parts_of(source)
    assert combinable_parts(parts)
    if change == "counting list":
        bad = _mutate(parts, "word/numbering.xml", b'w:val="bullet"', b'w:val="decimal"')
    elif change == "numpages":
        bad = _mutate(parts, _header(parts), b" PAGE ", b" NUMPAGES ")
    elif change == "footnote":
        bad = _mutate(parts, "word/document.xml", b"<w:r>", b'<w:r><w:footnoteReference w:id="1"/></w:r><w:r>')
    elif change == "odd and even headers":
        bad = _mutate(parts, "word/settings.xml", b"<w:zoom", b"<w:evenAndOddHeaders/><w:zoom")
    elif change == "two sections":
        sect = re.search(rb"<w:sectPr>.*?</w:sectPr>", parts["word/document.xml"], re.DOTALL).group(0)
        bad = _mutate(parts, "word/document.xml", b"</w:tbl>", b"</w:tbl><w:p><w:pPr>" + sect + b"</w:pPr></w:p>")
    elif change == "text box":
        bad = _mutate(parts, "word/document.xml", b"<w:r>", b"<w:r><w:txbxContent><w:p/></w:txbxContent></w:r><w:r>")
    else:
        bad = _mutate(parts, "word/document.xml", b"<w:r>",
                      b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> SEQ x </w:instrText></w:r><w:r>')
    assert not combinable_parts(bad)
    other = write_parts(tmp_path / "bad.docx", bad)
    target = tmp_path / "combined.docx"
    assert not combine([reports["sample-ca-nhan"][1], other], target)
    assert not target.exists()


def test_reports_whose_styles_differ_are_not_combined(reports, tmp_path):
    one = reports["sample-ca-nhan"][0]
    parts = parts_of(reports["sample-ca-nhan"][1])
    restyled = write_parts(tmp_path / "restyled.docx", _mutate(parts, "word/styles.xml", b'w:val="26"', b'w:val="28"'))
    assert not combine([one, restyled], tmp_path / "restyled-combined.docx")


def test_a_section_ending_with_a_paragraph_carries_the_break_in_that_paragraph(reports, tmp_path):
    source = reports["sample-ca-nhan"][0]
    parts = parts_of(source)
    xml = parts["word/document.xml"]
    ends_with_paragraph = xml.replace(b"</w:tbl><w:sectPr", "</w:tbl><w:p><w:r><w:t>Hết.</w:t></w:r></w:p><w:sectPr".encode())
    assert ends_with_paragraph != xml
    member = write_parts(tmp_path / "p.docx", dict(parts, **{"word/document.xml": ends_with_paragraph}))
    target = tmp_path / "combined.docx"
    assert combine([member, member], target)
    combined = Document(str(target))
    last_of_first = next(p for p in combined.paragraphs if p.text == "Hết.")
    assert last_of_first._p.pPr.find(f"{W}sectPr") is not None
    assert len(combined.sections) == 2
    assert body_texts(target) == body_texts(member) * 2


# --------------------------------------------------------------------------- chunks


class J:
    def __init__(self, kind: str, cid: str | None, template: str = "ca-nhan"):
        self.kind, self.candidate_id, self.template = kind, cid, Path(template)


def _round(ids: list[str]) -> list[J]:
    return [J("to-trinh", None), J("danh-sach", None), J("bien-ban", None)] + [J("bao-cao", i) for i in ids]


ids_strategy = st.lists(st.text("abcdefghik0123456789-", min_size=1, max_size=8), min_size=0, max_size=60,
                        unique=True)


@settings(max_examples=200, deadline=None)
@given(ids_strategy)
def test_chunks_are_runs_of_reports_from_one_template_of_bounded_size(ids):
    jobs = _round(ids)
    chunks = chunks_of(jobs, lambda _t: True)
    seen = [i for c in chunks for i in c]
    assert seen == sorted(set(seen))                             # in order, each document at most once
    for chunk in chunks:
        assert 2 <= len(chunk) <= MAX_SIZE
        assert chunk == list(range(chunk[0], chunk[-1] + 1))     # consecutive
        assert all(jobs[i].kind == "bao-cao" for i in chunk)
    if len(ids) >= MAX_SIZE:
        assert chunks                                            # a long run is always combined


def test_adding_or_removing_a_candidate_changes_few_chunks_not_all_after_it():
    """Chunk ends depend on ids, not positions: after an insertion or a removal the chunks re-align soon
    (measured over every place in a round of 300: about 2 chunks changed, of 50)."""
    ids = [f"nguyen-van-{i:04d}" for i in range(300)]
    base = {tuple(c) for c in _ids_of(_round(ids))}
    inserted = [len(base - {tuple(c) for c in _ids_of(_round(ids[:at] + ["moi"] + ids[at:]))})
                for at in range(len(ids))]
    removed = [len(base - {tuple(c) for c in _ids_of(_round(ids[:at] + ids[at + 1:]))}) for at in range(len(ids))]
    assert len(base) > 40
    assert sum(inserted) / len(inserted) < 3 and sum(removed) / len(removed) < 3
    assert max(inserted) < len(base) / 3 and max(removed) < len(base) / 3


def _ids_of(jobs: list[J]) -> list[list[str]]:
    return [[jobs[i].candidate_id for i in c] for c in chunks_of(jobs, lambda _t: True)]


def test_chunks_stop_at_a_template_change_and_skip_what_cannot_be_combined():
    jobs = _round([f"c{i}" for i in range(3)]) + [J("bao-cao", f"t{i}", "tap-the") for i in range(3)]
    asked = []
    assert chunks_of(jobs, lambda t: asked.append(t) or True) == [[3, 4, 5], [6, 7, 8]]
    assert sorted(asked) == [Path("ca-nhan"), Path("tap-the")]           # once per template, not per report
    assert chunks_of(jobs, lambda t: t.name == "tap-the") == [[6, 7, 8]]
    assert chunks_of(jobs, lambda _t: False) == []


def test_a_combined_reports_key_names_its_company():
    pdf, docx = ["p0", "p1", "p2", "p3"], ["d0", "d1", "d2", "d3"]
    keys = chunk_keys(pdf, docx, [[1, 2, 3]])
    assert keys[0] == "p0" and len(set(keys)) == 4
    assert chunk_keys(pdf, docx, [[1, 2, 3]]) == keys                        # same company, same keys
    edited = chunk_keys(pdf, ["d0", "d1", "d2*", "d3"], [[1, 2, 3]])
    assert edited[1] != keys[1] and edited[3] != keys[3]                      # one edit: the whole chunk again
    assert chunk_keys(pdf, docx, [[1, 2]])[1] != keys[1]                      # other company, other key
