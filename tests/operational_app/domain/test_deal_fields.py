"""DEAL_FIELDS (domain/deal_fields.py) is what the API, the forms and the importer derive a deal's
entry fields from; the ORM column is written by hand, so each field must match its column."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import String

from operational_app.api.schemas import DealCreate, DealPublic, DealUpdate
from operational_app.db.models import Deal
from operational_app.domain.deal_fields import DEAL_FIELDS, EDITABLE_FIELDS, EntryField
from operational_app.importer.entities import DealImporter
from operational_app.web.forms import DealEditForm, DealForm


@pytest.mark.parametrize("field", DEAL_FIELDS, ids=lambda field: field.name)
def test_each_field_matches_its_column(field: EntryField) -> None:
    column = Deal.__table__.c[field.name]
    assert column.nullable == field.nullable
    if field.kind == "text":
        assert isinstance(column.type, String)
        assert column.type.length == field.max_length


def test_every_surface_takes_the_fields_it_should() -> None:
    names = [field.name for field in DEAL_FIELDS]
    assert list(DealCreate.model_fields) == names
    assert set(DealPublic.model_fields) >= set(names)
    assert list(DealUpdate.model_fields) == ["version", *EDITABLE_FIELDS]
    assert set(DealUpdate.non_nullable) == {
        field.name for field in DEAL_FIELDS if field.editable and not field.nullable
    }
    assert list(DealForm.model_fields) == [
        field.name for field in DEAL_FIELDS if field.on_create_form
    ]
    assert set(DealEditForm.model_fields) - {"version"} <= set(EDITABLE_FIELDS)
    for field in DEAL_FIELDS:
        if field.imported_as:
            name, kind = field.imported_as
            assert DealImporter.FIELDS[name] == kind


def test_a_blank_form_input_takes_the_fields_default() -> None:
    form = DealForm.model_validate(
        {"partner_id": "1", "deal_kind_id": "2", "name": "Поставка", "potential_amount": " "}
    )
    fields = form.fields()
    assert fields["potential_amount"] == 0 and fields["probability"] == 0
    assert fields["manager_id"] is None
    edit = DealEditForm.model_validate(
        {"version": "3", "name": "Поставка", "potential_amount": "1 500,50"}
    )
    assert edit.fields()["potential_amount"] == Decimal("1500.50")
    assert "version" not in edit.fields()
