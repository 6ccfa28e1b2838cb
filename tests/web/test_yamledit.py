"""Round-trip YAML edits: values by key path, layouts kept, atomic writes."""

from __future__ import annotations

import datetime as dt

import pytest

from dhtt_docs.dossier.schema import Individual, Submission
from dhtt_docs.web import forms, yamledit

SEQ_INDENTED = """\
# đầu tệp
kind: individual
ratings:   # theo năm
  2023: HTXSNV
awards:
  - year: 2023
    decision: {number: 1/QĐ, date: 2023-01-02, issuer: A}   # giữ dòng này
"""
SEQ_FLUSH = SEQ_INDENTED.replace("  - year", "- year").replace("    decision", "  decision")


@pytest.mark.parametrize("text", [SEQ_INDENTED, SEQ_FLUSH])
def test_both_layouts_round_trip_byte_for_byte(text: str) -> None:
    assert yamledit.Document.parse(text).dump() == text


def test_parse_key() -> None:
    assert yamledit.parse_key("awards[0].decision.date") == ("awards", 0, "decision", "date")
    assert yamledit.parse_key("ratings.2023") == ("ratings", "2023")
    assert yamledit.parse_key("council.votes.nguyen-van-an") == ("council", "votes", "nguyen-van-an")


def test_values_change_in_place_and_comments_stay() -> None:
    doc = yamledit.Document.parse(SEQ_INDENTED)
    assert yamledit.set_value(doc.data, ("ratings", "2023"), "HTTNV")
    assert yamledit.set_value(doc.data, ("ratings", "2022"), "HTTNV")
    assert yamledit.set_value(doc.data, ("awards", 0, "decision", "date"), dt.date(2023, 1, 3))
    assert not yamledit.set_value(doc.data, ("kind",), "individual")
    out = doc.dump()
    assert "  2023: HTTNV\n  2022: HTTNV\n" in out
    assert "decision: {number: 1/QĐ, date: 2023-01-03, issuer: A}   # giữ dòng này" in out
    assert out.startswith("# đầu tệp\n") and "ratings:   # theo năm" in out


def test_form_text_becomes_the_field_type() -> None:
    assert yamledit.to_yaml_value("2023-02-01", "date") == dt.date(2023, 2, 1)
    assert yamledit.to_yaml_value("2023-02-30", "date") == "2023-02-30"      # left for the checks to explain
    assert yamledit.to_yaml_value("2024-12-05 08:30", "datetime") == dt.datetime(2024, 12, 5, 8, 30)
    assert yamledit.to_yaml_value(" 7 ", "int") == 7
    assert yamledit.to_yaml_value("1,74", "number") == 1.74
    assert yamledit.to_yaml_value("true", "flag") is True
    assert str(yamledit.to_yaml_value("a\nb", "longtext")) == "a\nb\n"
    assert forms.kind_at(Individual, ("awards", 0, "decision", "date")) == "date"
    assert forms.kind_at(Individual, ("ratings", "2023")) == "rating"
    assert forms.kind_at(Submission, ("council", "members", 2, "present")) == "flag"
    assert forms.kind_at(Submission, ("council", "votes", "an")) == "int"


def test_rows_kept_removed_and_added() -> None:
    doc = yamledit.Document.parse(SEQ_INDENTED + "  - year: 2022\n    title: B\n")
    forms.apply_form(doc.data, Individual, {"awards[1].title": "C"}, {"awards": ["1", "n"]}, {})
    assert [a.get("title") for a in doc.data["awards"]] == ["B", "C"]
