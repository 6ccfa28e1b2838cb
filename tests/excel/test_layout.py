"""The workbook's columns come from the schema: a field with no column and no exclusion is caught."""

from __future__ import annotations

import pytest
from pydantic import create_model

from dhtt_docs.dossier import schema
from dhtt_docs.excel import layout
from dhtt_docs.rules.profile import load_profile


@pytest.mark.parametrize("sheet", list(layout.MODELS))
def test_every_schema_field_has_a_column_or_a_stated_exclusion(sheet):
    cols = {c.field for c in layout.columns(sheet)}
    for path, _info, _required in layout.leaf_fields(layout.MODELS[sheet]):
        top = path.split(".")[0]
        assert path in cols or top in layout.EXCLUDED[sheet], f"{sheet}: {path} has no column"
    # and the label table names no field the schema does not have
    fields = {p for p, _, _ in layout.leaf_fields(layout.MODELS[sheet])}
    assert set(layout.LABELS[sheet]) - set(layout.PSEUDO[sheet]) <= fields


def test_every_list_of_a_candidate_has_its_sheet():
    """What the candidate sheets exclude is a list that another sheet holds (or the kind, or the ratings)."""
    for sheet in (layout.SHEET_INDIVIDUALS, layout.SHEET_COLLECTIVES):
        for name, why in layout.EXCLUDED[sheet].items():
            assert name in layout.MODELS[sheet].model_fields
            assert any(s in why for s in layout.MODELS) or name in ("kind", "ratings"), (name, why)


def test_a_new_schema_field_without_a_column_fails(monkeypatch):
    """A field added to Individual and forgotten in the label table is refused, naming it."""
    grown = create_model("Individual", __base__=schema.Individual, nickname=(schema.Text | None, None))
    monkeypatch.setitem(layout.MODELS, layout.SHEET_INDIVIDUALS, grown)
    with pytest.raises(layout.LayoutError, match="nickname"):
        layout.columns(layout.SHEET_INDIVIDUALS)
    monkeypatch.setitem(layout.LABELS[layout.SHEET_INDIVIDUALS], "nickname",
                        layout.Label("Tên gọi khác", 12, "Không bắt buộc", "Tư"))
    col = layout.columns(layout.SHEET_INDIVIDUALS)[-1]
    assert (col.field, col.kind, col.required, col.header) == ("nickname", "text", False, "Tên gọi khác")


def test_kinds_and_requirement_come_from_the_schema():
    by_field = {c.field: c for c in layout.columns(layout.SHEET_INDIVIDUALS)}
    assert by_field["birth_date"].kind == "date" and by_field["birth_date"].required
    assert by_field["gender"].kind == "gender" and by_field["leader"].kind == "flag"
    assert not by_field["ethnicity"].required
    hon = {c.field: c for c in layout.columns(layout.SHEET_HONOURS)}
    assert hon["decision.date"].kind == "date" and hon["decision.date"].required and not hon["year"].required
    ini = {c.field: c for c in layout.columns(layout.SHEET_INITIATIVES)}
    assert not ini["recognition.number"].required          # the recognition is optional as a whole


def test_rating_columns_follow_the_plan_window():
    profile = load_profile()
    cols = layout.individual_columns(profile)
    years = [int(c.field.split(":")[1]) for c in cols if c.field.startswith("rating:")]
    assert years == list(range(profile.window.first_year, profile.window.last_year + 1))
