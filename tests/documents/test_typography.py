"""Documents read as if typed by a careful văn thư: checked on the PDFs of rounds made to trigger each rule.

The round is the sample with text chosen to put year ranges, document numbers
and names at every position of a line (paragraphs that grow one word at a
time), paragraphs ending in a short word, a section III table long enough to
cross a page, an at_most target, quotes typed straight, a collective with its
own place, and votes listed in an order of the user's own. Every PDF is read
back with `pdftotext -layout` (tests/documents/layoutcheck.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from docx import Document

from conftest import QUANG_BINH, SAMPLE_ROUND
from layoutcheck import pages, problems

from dhtt_docs.documents.textfmt import (
    NB_HYPHEN,
    NBSP,
    finisher,
    keep_together,
    map_strings,
    names_pattern,
    plain_all,
    smart_quotes,
    tie_last,
    typeset,
    typeset_all,
)
from dhtt_docs.dossier.yamlsource import clean_text

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                reason="LibreOffice is needed to make the PDFs")

WORDS = "Đơn vị phối hợp chặt chẽ với các sở, ngành trên địa bàn tỉnh".split()
LONG_NAME = "Nguyễn Hoàng Thị Phương Thảo Nguyên"


def _padding(n: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(n))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def make_trigger_round(dest: Path) -> Path:
    shutil.copytree(SAMPLE_ROUND, dest)
    cands = dest / "candidates"
    # Year ranges, document numbers and names at every position of a line: each paragraph one word longer.
    hung = _load(cands / "le-van-hung.yaml")
    hung["achievements"] += "".join(
        f"{_padding(n)} giai đoạn 2021 - 2025 theo Quyết định số 45/QĐ-BHXH, đồng chí {LONG_NAME} "
        f"chủ trì, được Hội đồng thông qua.\n" for n in range(1, 16))
    # A long section III table: it must break across pages with its header repeated.
    hung["awards"] = hung.get("awards") or []
    hung["awards"] += [{"year": 2021 + i % 3, "title": "Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam",
                        "decision": {"number": f"{1000 + i}/QĐ-BHXH", "date": f"{2021 + i % 3}-12-{10 + i % 15}",
                                     "issuer": "Tổng Giám đốc Bảo hiểm xã hội Việt Nam"}} for i in range(28)]
    _dump(cands / "le-van-hung.yaml", hung)
    # Headings at every height of a page: other reports grow by a paragraph each.
    for k, cid in enumerate(["nguyen-thi-thu-trang", "tran-quoc-dat", "bui-thi-lan-anh"]):
        data = _load(cands / f"{cid}.yaml")
        data["achievements"] += "".join(f"{_padding(20 + 7 * j)} nhiệm kỳ 2020 - 2025.\n" for j in range(3 + 2 * k))
        _dump(cands / f"{cid}.yaml", data)
    # A district collective dates its report from its own place.
    hh = _load(cands / "bhxh-huyen-hoang-hoa.yaml")
    hh["place"] = "Hoằng Hóa"
    _dump(cands / "bhxh-huyen-hoang-hoa.yaml", hh)
    # Long names in the council; the votes listed in the user's own order.
    sub = (dest / "submission.yaml").read_text(encoding="utf-8")
    sub = sub.replace("Lê Thị Hồng Nhung", LONG_NAME)
    (dest / "submission.yaml").write_text(sub, encoding="utf-8")
    return dest


def _build(folder: Path, out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out), "--no-cache"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return out / "documents"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("typography")
    trig = make_trigger_round(root / "bhxh-thanh-hoa-trigger")
    return {"trigger": _build(trig, root / "out-trigger"), "qb": _build(QUANG_BINH, root / "out-qb"),
            "sample": _build(SAMPLE_ROUND, root / "out-sample")}


def _text(pdf: Path) -> str:
    return "\n".join("\n".join(pg) for pg in pages(pdf))


# --- the rules, on strings -------------------------------------------------------------


def test_typeset_ties_year_ranges_numbers_and_units():
    assert typeset("giai đoạn 2021 - 2025;") == f"giai đoạn 2021{NBSP}{NB_HYPHEN}{NBSP}2025;"
    assert typeset("2021-2025") == f"2021{NBSP}{NB_HYPHEN}{NBSP}2025"
    assert typeset("Số: 125/TTr-BHXH") == f"Số:{NBSP}125/TTr{NB_HYPHEN}BHXH"
    assert typeset("Số:      /BB-HĐTĐKT") == f"Số:{NBSP * 6}/BB{NB_HYPHEN}HĐTĐKT"     # the blank is kept
    assert typeset("03 tập thể và 24 người") == f"03{NBSP}tập thể và 24{NBSP}người"
    assert typeset("ngày 25 tháng 11 năm 2024") == "ngày 25 tháng 11 năm 2024"           # dates may break
    assert typeset('Hội thi "Cán bộ thu giỏi" năm 2022') == "Hội thi “Cán bộ thu giỏi” năm 2022"
    assert smart_quotes('một dấu " lẻ') == 'một dấu " lẻ'                               # unpaired: as typed
    assert keep_together("Lê  Văn Bình") == f"Lê{NBSP}Văn{NBSP}Bình"
    long = "Báo cáo tổng kết công tác thi đua, khen thưởng của đơn vị đã được Hội đồng thông qua."
    assert tie_last(long) == long[:-5] + NBSP + "qua."
    assert tie_last("Đoạn ngắn được thông qua.") == "Đoạn ngắn được thông qua."        # fits one line anyway
    assert tie_last("làm việc rất chuyên nghiệp.") == "làm việc rất chuyên nghiệp."    # a long last word


# --- the built documents ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("round_name", ["trigger", "qb", "sample"])
def test_no_broken_year_range_number_or_stranded_heading(built, round_name):
    pdfs = sorted(built[round_name].glob("*.pdf"))
    assert len(pdfs) >= 4
    found = [x for pdf in pdfs for x in problems(pdf)]
    assert found == []


@pytest.mark.slow
def test_the_trigger_round_really_puts_ranges_at_line_ends(built):
    """The check above is not idle: without no-break characters these ranges would fall at line ends."""
    text = _text(built["trigger"] / "bao-cao-thanh-tich-le-van-hung.pdf")
    lines = [ln.strip() for ln in text.splitlines()]
    at_end = [ln for ln in lines if re.search(r"2021 - 2025$", ln)]
    at_start = [ln for ln in lines if ln.startswith("2021 - 2025")]
    assert at_end and at_start          # ranges moved whole to the next line, never split


@pytest.mark.slow
def test_no_lone_short_word_ends_a_paragraph(built):
    text = _text(built["trigger"] / "bao-cao-thanh-tich-le-van-hung.pdf")
    assert text.count("thông qua.") == 15
    assert not [ln for ln in text.splitlines() if ln.strip() == "qua."]


@pytest.mark.slow
def test_long_names_are_never_broken(built):
    """Names the dossier knows (council, signers, candidates) stay whole, in running text too."""
    assert _text(built["trigger"] / "bien-ban-hop-hoi-dong.pdf").count(LONG_NAME) >= 1
    for pdf in built["trigger"].glob("*.pdf"):
        flat = " ".join(ln.strip() for ln in _text(pdf).splitlines())
        n = _text(pdf).count(LONG_NAME)
        assert flat.count(LONG_NAME) == n, pdf.name      # every occurrence whole on one line


@pytest.mark.slow
def test_long_honours_table_breaks_across_pages_with_its_header_repeated(built):
    pdf = built["trigger"] / "bao-cao-thanh-tich-le-van-hung.pdf"
    pgs = [pg for pg in pages(pdf) if any(ln.strip() for ln in pg)]
    with_rows = [i for i, pg in enumerate(pgs) if any("/QĐ-BHXH" in ln and "Bằng khen" in ln for ln in pg)]
    assert len(with_rows) >= 2
    heads = [i for i, pg in enumerate(pgs) if any("Hình thức khen thưởng" in ln and "Năm" in ln for ln in pg)]
    assert set(with_rows) <= set(heads)                 # the header row on every page of the table
    first = with_rows[0]
    filled = len([ln for ln in pgs[first] if ln.strip()])
    full = max(len([ln for ln in pg if ln.strip()]) for pg in pgs[:-1])
    assert filled >= 0.75 * full                        # the page where it starts is not left half empty
    # rows are not split: every row's decision number is on the page of its first line
    text = _text(pdf)
    assert sum(text.count(f"{1000 + i}/QĐ-BHXH") for i in range(28)) == 28


@pytest.mark.slow
def test_typographic_quotes_in_documents(built):
    text = _text(built["sample"] / "bao-cao-thanh-tich-le-van-hung.pdf")
    assert "“Cán bộ thu giỏi”" in text and '"' not in text


@pytest.mark.slow
def test_at_most_target_shows_a_rate_and_a_note(built):
    d = Document(str(built["sample"] / "bao-cao-thanh-tich-phong-quan-ly-thu.docx"))
    rows = [[c.text for c in r.cells] for r in d.tables[1].rows]
    assert rows[0][-1] == "Tỷ lệ (%)"
    assert all(r[-1] not in ("Đạt", "Không đạt") for r in rows[1:])
    at_most = [r for r in rows[1:] if r[1].endswith("(*)")]
    assert at_most and all(re.fullmatch(r"\d+(,\d)?", r[-1]) for r in at_most)
    assert any(p.text.startswith("(*) Chỉ tiêu càng thấp càng tốt") for p in d.paragraphs)


@pytest.mark.slow
def test_to_trinh_closes_once_in_the_forms_words(built):
    text = unicodedata.normalize("NFC", " ".join(_text(built["sample"] / "to-trinh.pdf").split()))
    assert "kính đề nghị" not in text
    assert text.count("kính trình") == 1
    assert "kính trình Tổng Giám đốc Bảo hiểm xã hội Việt Nam xem xét, quyết định./." in text


@pytest.mark.slow
def test_collective_report_dated_from_its_own_place(built):
    own = " ".join(_text(built["trigger"] / "bao-cao-thanh-tich-bhxh-huyen-hoang-hoa.pdf").split())
    assert "Hoằng Hóa, ngày 25 tháng 11 năm 2024" in own
    other = " ".join(_text(built["trigger"] / "bao-cao-thanh-tich-phong-quan-ly-thu.pdf").split())
    assert "Thanh Hóa, ngày 25 tháng 11 năm 2024" in other
    tt = " ".join(_text(built["trigger"] / "to-trinh.pdf").split())
    assert "Thanh Hóa, ngày 25 tháng 11 năm 2024" in tt


@pytest.mark.slow
def test_danh_sach_in_the_order_of_council_votes(built):
    d = Document(str(built["sample"] / "danh-sach.docx"))
    names = [r.cells[1].text.replace(NBSP, " ") for r in d.tables[0].rows[1:] if r.cells[0].text.isdigit()]
    assert names == ["Phòng Quản lý thu", "Bảo hiểm xã hội huyện Hoằng Hóa", "Nguyễn Thị Thu Trang",
                     "Trần Quốc Đạt", "Lê Văn Hùng", "Bùi Thị Lan Anh"]


_VALUE_TEXT = st.text(alphabet=st.sampled_from(list('ab Số:/-–"2019 20 5 người%\u200b\r\nĐTT-BHXHLê Văn Bình\x01')),
                      max_size=40)
_CONTEXT = st.recursive(_VALUE_TEXT | st.integers() | st.none(),
                        lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.sampled_from("xyz"), kids,
                                                                                    max_size=3),
                        max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_CONTEXT, st.booleans())
def test_finisher_gives_what_cleaning_then_typesetting_each_value_gives(value, typography):
    """The context builder's one memoised pass (textfmt.finisher) = clean_text, then typeset_all or
    plain_all, value by value, however often a string repeats."""
    names = names_pattern(["Lê Văn Bình", "Bình Lê"])
    cleaned = map_strings(value, clean_text)
    expected = typeset_all(cleaned, names) if typography else plain_all(cleaned)
    finish = finisher(names, typography)
    assert finish(value) == expected
    assert finish([value, value]) == [expected, expected]     # the second time from the memo
