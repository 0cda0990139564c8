"""Pydantic schemas (Create / Update / Public per entity).

Input types are bounded so that any malformed value is a 422 from validation and never reaches
the database as an overflow or a NUL byte (both would otherwise surface as a 500).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from operational_app.api.openapi_docs import describe_fields
from operational_app.db.models import DEAL_STATUSES, LEGAL_FORMS, PARTNER_KINDS, naive_utc
from operational_app.domain.deal_fields import DEAL_FIELDS, EntryField

# Ids are BIGINT in PostgreSQL; anything larger would overflow in the driver.
MAX_ID = 2**63 - 1


def _reject_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text and SQLite truncates at it: reject it at the door.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def text(max_length: int, min_length: int = 1) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_reject_nul),
    ]


def _utc_in_range(value: dt.datetime) -> dt.datetime:
    """Times are stored as naive UTC; an offset given by the client is honoured."""
    value = naive_utc(value)
    if not 1900 <= value.year <= 2999:
        raise ValueError("the year must be between 1900 and 2999")
    return value


# A date and time from a client, stored as naive UTC.
Timestamp = Annotated[dt.datetime, AfterValidator(_utc_in_range)]


def _utc_aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


# A stored time in a response, with its offset (+00:00): RFC 3339's date-time needs one.
UtcTimestamp = Annotated[dt.datetime, AfterValidator(_utc_aware)]
Id = Annotated[int, Field(gt=0, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Amount = Annotated[Decimal, Field(ge=0, lt=Decimal("1e13"), max_digits=15, decimal_places=2)]
Probability = Annotated[int, Field(ge=0, le=100)]
# Wide enough for any typo, narrow enough to bound input; the domain explains the ИНН/КПП rules.
InnInput = text(32)
KppInput = text(32, min_length=0)
PartnerKind = Literal["customer", "supplier", "other"]
LegalForm = Literal["legal_entity", "individual_entrepreneur", "person"]
DealStatus = Literal["in_progress", "won", "lost"]
Name200 = text(200)
Name300 = text(300)
LongText = text(4000, min_length=0)
Phone = text(50, min_length=0)
Address = text(500, min_length=0)
PlannedDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))]

assert set(PartnerKind.__args__) == set(PARTNER_KINDS)
assert set(LegalForm.__args__) == set(LEGAL_FORMS)
assert set(DealStatus.__args__) == set(DEAL_STATUSES)

ItemT = TypeVar("ItemT")


class Documented(BaseModel):
    """Base of every API schema: a field without a description gets one from FIELD_DOCS."""

    model_config = ConfigDict(json_schema_extra=describe_fields)


class Input(Documented):
    # Unknown keys are a client bug worth reporting, not something to drop silently.
    model_config = ConfigDict(extra="forbid")


class PatchInput(Input):
    """A PATCH: omitted fields stay; `null` is allowed only where the column is nullable."""

    non_nullable: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> PatchInput:
        for name in self.non_nullable:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"version"})


class Paged(Documented, Generic[ItemT]):
    items: list[ItemT]
    total: int

    @classmethod
    def of(
        cls, rows: Iterable[Any], total: int, public: Callable[[Any], Any] | None = None
    ) -> Self:
        """`Paged[XPublic].of(page.items, page.total)`: each row through `public`, by default
        the item schema's `model_validate` (rows are ORM objects or mappings)."""
        if public is None:
            public = cls.__pydantic_generic_metadata__["args"][0].model_validate
        return cls(items=[public(row) for row in rows], total=total)


class Public(Documented):
    model_config = ConfigDict(from_attributes=True)


# Schemas derived from a field spec (domain/deal_fields.py): one input type per kind, bounded as
# everywhere else here, and the plain type a response carries.
def entry_type(field: EntryField) -> Any:
    if field.kind == "text":
        assert field.max_length is not None, field.name
        return text(field.max_length)
    return {"id": Id, "amount": Amount, "percent": Probability, "date": PlannedDate}[field.kind]


_READ_TYPES = {"id": int, "text": str, "amount": Decimal, "percent": int, "date": dt.date}


def create_schema(name: str, fields: tuple[EntryField, ...]) -> type[Input]:
    """Required fields without a default, the others optional (their default or null)."""
    definitions: dict[str, Any] = {}
    for field in fields:
        if field.required:
            definitions[field.name] = (entry_type(field), ...)
        elif field.default is not None:
            definitions[field.name] = (entry_type(field), field.default)
        else:
            definitions[field.name] = (entry_type(field) | None, None)
    return create_model(name, __base__=Input, __module__=__name__, **definitions)


def update_schema(name: str, fields: tuple[EntryField, ...]) -> type[PatchInput]:
    """A PATCH of the editable fields with the record's version; null only where nullable."""
    editable = [field for field in fields if field.editable]
    schema = create_model(
        name,
        __base__=PatchInput,
        __module__=__name__,
        version=(Version, ...),
        **{field.name: (entry_type(field) | None, None) for field in editable},
    )
    schema.non_nullable = tuple(field.name for field in editable if not field.nullable)
    return schema


def public_schema(name: str, base: type[Public], fields: tuple[EntryField, ...]) -> type[Public]:
    """`base` (the read-only columns) with the entry fields as stored."""
    definitions: dict[str, Any] = {}
    for field in fields:
        read_type = _READ_TYPES[field.kind] | None if field.nullable else _READ_TYPES[field.kind]
        definitions[field.name] = (read_type, ... if field.always_in_response else None)
    return create_model(name, __base__=base, __module__=__name__, **definitions)


# Counterparties


class CounterpartyFields(Input):
    legal_form: LegalForm
    inn: InnInput
    kpp: KppInput | None = None
    legal_name: text(300)
    legal_address: Address | None = None
    phone: Phone | None = None


class CounterpartyCreate(CounterpartyFields):
    partner_id: Id


class CounterpartyUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("legal_form", "inn", "legal_name")
    version: Version
    legal_form: LegalForm | None = None
    inn: InnInput | None = None
    kpp: KppInput | None = None
    legal_name: text(300) | None = None
    legal_address: Address | None = None
    phone: Phone | None = None


class CounterpartyPublic(Public):
    id: int
    partner_id: int
    legal_form: str
    inn: str
    kpp: str | None
    legal_name: str
    legal_address: str | None
    phone: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


# Partners


class PartnerCreate(Input):
    name: Name200
    kind: PartnerKind = "customer"
    business_region_id: Id | None = None
    manager_id: Id | None = None
    comment: LongText | None = None
    # The main counterparty may come with the partner, created in the same transaction.
    counterparty: CounterpartyFields | None = None


class PartnerUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "kind")
    version: Version
    name: Name200 | None = None
    kind: PartnerKind | None = None
    business_region_id: Id | None = None
    manager_id: Id | None = None
    comment: LongText | None = None


class PartnerPublic(Public):
    id: int
    name: str
    kind: str
    business_region_id: int | None
    manager_id: int | None
    comment: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PartnerDetail(PartnerPublic):
    counterparties: list[CounterpartyPublic] = []


# Deals


# Create, update and the entry part of the read schema come from DEAL_FIELDS
# (domain/deal_fields.py); the read-only columns are DealPublic's own.
DealCreate = create_schema("DealCreate", DEAL_FIELDS)
DealUpdate = update_schema("DealUpdate", DEAL_FIELDS)


class DealAction(Input):
    """Body of /win and /reopen; `version` is optional so a bare POST works too."""

    version: Version | None = None


class DealAdvance(DealAction):
    stage_id: Id


class DealLose(DealAction):
    # Optional in the schema so the domain answers with its own rule when it is missing.
    loss_reason_id: Id | None = None
    comment: LongText | None = None


class StageHistoryPublic(Public):
    id: int
    stage_id: int
    entered_at: dt.datetime
    left_at: dt.datetime | None
    was_skipped: bool
    user_id: int | None


class _DealReadOnly(Public):
    """What a deal carries besides its entry fields: set by the app and the stage actions."""

    id: int
    status: str
    current_stage_id: int | None
    closed_at: dt.datetime | None
    loss_reason_id: int | None
    loss_comment: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


DealPublic = public_schema("DealPublic", _DealReadOnly, DEAL_FIELDS)


class DealDetail(DealPublic):
    stage_history: list[StageHistoryPublic] = []


# Classifiers


class StagePublic(Public):
    id: int
    name: str
    sequence: int


class DealKindPublic(Public):
    id: int
    name: str
    has_stages: bool
    stages: list[StagePublic] = []


class LossReasonPublic(Public):
    id: int
    name: str


class BusinessRegionPublic(Public):
    id: int
    name: str
    code: str | None


class UserPublic(Public):
    id: int
    login: str
    full_name: str
    role: str
