"""Property-based tests: whatever is typed, the tool answers with findings, never a crash,
and what it prints is what was typed."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

import yaml
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RoundBuilder
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.documents.render import plan_documents
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.dossier.yamlsource import clean_text, parse_yaml_text, read_yaml

pytestmark = pytest.mark.slow   # property tests run hundreds of examples

# Text as it arrives from PDFs, phones and Excel: any Unicode, surrogates aside (they cannot be in a UTF-8 file).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2000))
def test_loading_any_bytes_never_raises(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "x.yaml"
    path.write_bytes(data)
    doc = read_yaml(path, "candidates/x.yaml")
    for f in doc.findings:
        assert f.file == "candidates/x.yaml" and f.message


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_parsing_any_text_never_raises(text):
    parse_yaml_text(text, "x.yaml")


def _doc_text(path: Path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return "\n".join(parts)


def _visible(text: str) -> str:
    """What the document must show: the text as the loader keeps it, spaces folded like Word's runs."""
    return " ".join(clean_text(text).split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=ANY_TEXT, unit=ANY_TEXT, duty=ANY_TEXT)
def test_any_unicode_in_text_fields_renders_as_typed(tmp_path_factory, name, unit, duty):
    rb = RoundBuilder(tmp_path_factory.mktemp("r") / "round")
    text = (rb.root / "candidates/an.yaml").read_text(encoding="utf-8")
    for key, value in (("full_name", name), ("unit", unit), ("duties", duty)):
        old = next(line for line in text.splitlines() if line.startswith(f"{key}:"))
        text = text.replace(old, yaml.safe_dump({key: value}, allow_unicode=True, width=10**9).rstrip("\n"))
    rb.write("candidates/an.yaml", text)
    report = evaluate(load_round(rb.root))
    m = report.round.candidate("an").model
    if m is None:  # e.g. a name of only invisible characters: a finding says so, nothing to render
        assert any(f.file == "candidates/an.yaml" for f in report.all_findings())
        return
    assert unicodedata.is_normalized("NFC", m.full_name + m.unit + m.duties)
    job = next(j for j in plan_documents(report) if j.candidate_id == "an")
    out = tmp_path_factory.mktemp("d") / job.file_name
    out.write_bytes(job.render())
    shown = " ".join(_doc_text(out).split())
    for typed in (name, unit):
        assert _visible(typed) in shown
    for line in clean_text(duty).split("\n"):
        if line.strip() and not line.strip().startswith("- "):
            assert " ".join(line.split()) in shown


DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.from_regex(r"\A\d{1,5}-\d{1,3}-\d{1,3}\Z"),
    st.text(max_size=20),
    st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
)
RATINGS = st.one_of(st.sampled_from(["HTXSNV", "htxsnv", "hoàn thành tốt nhiệm vụ", "HTNV", "KHTNV"]),
                    st.text(max_size=30), st.integers(), st.none())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(birth=DATES, decision=DATES, ratings=st.dictionaries(st.integers(1900, 2100) | st.text(max_size=6),
                                                            RATINGS, max_size=5))
def test_any_dates_and_ratings_give_findings_not_exceptions(tmp_path_factory, birth, decision, ratings):
    rb = RoundBuilder(tmp_path_factory.mktemp("r") / "round")
    text = (rb.root / "candidates/an.yaml").read_text(encoding="utf-8")
    text = text.replace("birth_date: 1980-05-12", yaml.safe_dump({"birth_date": birth}).rstrip("\n"))
    text = text.replace("date: 2022-12-28", "date: " + yaml.safe_dump(decision, default_flow_style=True)
                        .replace("\n...", "").strip())
    head, tail = text.split("ratings:\n", 1)
    tail = tail.split("awards:", 1)[1]
    text = head + yaml.safe_dump({"ratings": ratings}, allow_unicode=True) + "awards:" + tail
    rb.write("candidates/an.yaml", text)
    report = evaluate(load_round(rb.root))
    for f in report.all_findings():
        assert f.message and (f.file is None or f.line is None or f.line >= 1)
    report.to_json()
