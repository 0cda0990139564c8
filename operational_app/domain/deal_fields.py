"""The deal's entry fields, declared once.

The API's DealCreate / DealUpdate / DealPublic (api/schemas.py), the operators' create and edit
forms (web/forms.py), the fields `update_deal` accepts and the importer's field list
(importer/entities.py) are all derived from DEAL_FIELDS. The ORM column (db/models.py, with its
migration) and the templates are still written by hand; tests/operational_app/domain/
test_deal_fields.py checks that every field here is a column of the same length and nullability.

Adding a descriptive deal field: the column and migration, a line here, a FIELD_DOCS entry
(api/openapi_docs.py), and its input in templates/deals/form.html and card.html.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

# id: a reference by id; text: bounded text; amount: money (2 decimals); percent: 0-100;
# date: a calendar date.
FieldKind = Literal["id", "text", "amount", "percent", "date"]


@dataclass(frozen=True)
class EntryField:
    name: str
    kind: FieldKind
    max_length: int | None = None  # text only
    required: bool = False  # must be given on create
    default: Any = None  # taken on create when omitted (and for a blank form input)
    nullable: bool = True  # the column may hold null (null clears it in a PATCH)
    editable: bool = True  # may change after creation (PATCH, the card's edit form)
    on_create_form: bool = True  # an input of the operators' create form
    on_edit_form: bool = True  # an input of the deal card's edit form (if editable)
    # The importer's name and type for the field (importer/mapping.py), None if not imported.
    imported_as: tuple[str, str] | None = None
    # Declared in every response; False keeps a field added after the first API clients
    # optional in DealPublic's schema.
    always_in_response: bool = True


DEAL_FIELDS: tuple[EntryField, ...] = (
    EntryField(
        "partner_id",
        "id",
        required=True,
        nullable=False,
        editable=False,
        imported_as=("partner", "ref"),
    ),
    EntryField(
        "deal_kind_id",
        "id",
        required=True,
        nullable=False,
        editable=False,
        imported_as=("deal_kind", "ref"),
    ),
    EntryField(
        "name",
        "text",
        max_length=300,
        required=True,
        nullable=False,
        imported_as=("name", "text:300"),
    ),
    EntryField("manager_id", "id", imported_as=("manager", "ref")),
    EntryField(
        "potential_amount",
        "amount",
        default=Decimal(0),
        nullable=False,
        imported_as=("potential_amount", "amount"),
    ),
    EntryField(
        "probability", "percent", default=0, nullable=False, imported_as=("probability", "percent")
    ),
    EntryField("planned_close_date", "date", imported_as=("planned_close_date", "date")),
    # Allocated (СД-...) when not given; the operators' form always leaves it to the app.
    EntryField(
        "number",
        "text",
        max_length=30,
        nullable=False,
        editable=False,
        on_create_form=False,
        imported_as=("number", "text:30"),
    ),
    # The marketing event the deal came from (issue 26); chosen on create, not on the card.
    EntryField("marketing_event_id", "id", on_edit_form=False, always_in_response=False),
)

# What `update_deal` may change: status and stage change only through the actions.
EDITABLE_FIELDS = tuple(field.name for field in DEAL_FIELDS if field.editable)
