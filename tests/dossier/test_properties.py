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


# --- issue 13.3: no pydantic location shape can crash the mapping -------------------------------

LOC_PART = st.one_of(
    st.integers(min_value=-5, max_value=10_000),
    st.sampled_from(["[key]", "function-after[_date(), str]", "list[Honour]", "note[1]", "", "[0]", "kind",
                     "council", "members", "awards", "decision", "date", "votes", "ratings"]),
    st.text(max_size=20),
)
ERROR_TYPE = st.sampled_from(["missing", "extra_forbidden", "string_type", "int_parsing", "dict_type",
                              "list_type", "literal_error", "too_short", "value_error", "dhtt"])


@settings(max_examples=400, deadline=None)
@given(locs=st.lists(st.tuples(st.lists(LOC_PART, max_size=6), ERROR_TYPE), min_size=1, max_size=5),
       data=st.one_of(st.none(), st.dictionaries(st.text(max_size=8), st.integers(), max_size=3)))
def test_any_pydantic_location_maps_to_a_finding(locs, data):
    from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

    from dhtt_docs.dossier.loader import validation_findings
    from dhtt_docs.dossier.schema import Individual
    from dhtt_docs.dossier.yamlsource import SourceMap

    details = []
    for loc, etype in locs:
        if etype == "dhtt":
            kind = PydanticCustomError("dhtt", "{vi}", {"vi": "sai", "en": "wrong"})
        elif etype == "value_error":
            kind = PydanticCustomError("value_error", "bad {x}", {"x": 1})
        else:
            kind = etype
        ctx = {"expected": "'a'"} if etype == "literal_error" else {"field_type": "List", "min_length": 1,
                                                                    "actual_length": 0} if etype == "too_short" else None
        detail = InitErrorDetails(type=kind, loc=tuple(loc), input="x")
        if ctx:
            detail["ctx"] = ctx
        details.append(detail)
    try:
        err = ValidationError.from_exception_data("Individual", details)
    except Exception:  # noqa: BLE001 - a combination pydantic itself refuses to build
        return
    source = SourceMap("candidates/x.yaml", {("kind",): 1, ("awards", 0): 7})
    out = validation_findings(err, Individual, source, data=data) if data is not None else \
        validation_findings(err, Individual, source)
    assert len(out) == len(details)
    for f in out:
        assert f.file == "candidates/x.yaml" and f.text("vi") and f.text("en")
        assert f.line is None or f.line >= 1
