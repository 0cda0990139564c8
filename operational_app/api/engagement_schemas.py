"""Pydantic schemas of the engagement API: classifiers, contacts, interactions, claims.

Same conventions as `api.schemas`: bounded inputs (422 before the database), `extra="forbid"`,
PATCH bodies carry the `version` they were made from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from operational_app.api.schemas import (
    Amount,
    Id,
    Input,
    LongText,
    PatchInput,
    PlannedDate,
    Public,
    Timestamp,
    Version,
    text,
)
from operational_app.db.models import (
    CLAIM_RESULTS,
    CLAIM_SOURCES,
    CLAIM_STATUSES,
    DIRECTIONS,
    INTERACTION_KINDS,
    INTERACTION_STATUSES,
    INTERACTION_SUBJECTS,
    MARKETING_EVENT_KINDS,
)

InteractionKind = Literal["meeting", "call", "sms", "email"]
Direction = Literal["inbound", "outbound"]
InteractionStatus = Literal["planned", "done", "cancelled"]
SubjectType = Literal["deal", "claim", "marketing_event"]
ClaimSource = Literal["claims_list", "partner_card", "discrepancy_act", "portal"]
ClaimStatus = Literal["registered", "in_work", "resolved"]
ClaimResult = Literal["satisfied", "not_satisfied"]

assert set(InteractionKind.__args__) == set(INTERACTION_KINDS)
assert set(Direction.__args__) == set(DIRECTIONS)
assert set(InteractionStatus.__args__) == set(INTERACTION_STATUSES)
assert set(SubjectType.__args__) == set(INTERACTION_SUBJECTS)
assert set(ClaimSource.__args__) == set(CLAIM_SOURCES)
assert set(ClaimStatus.__args__) == set(CLAIM_STATUSES)
assert set(ClaimResult.__args__) == set(CLAIM_RESULTS)


Name100 = text(100)
Name200 = text(200)
Sequence = Annotated[int, Field(ge=1, le=2**31 - 1)]
Sort = Annotated[str | None, Field(max_length=40, pattern=r"^-?[a-z_]+$")]


class Action(Input):
    """Body of a state action; `version` is optional so a bare POST works too."""

    version: Version | None = None


# --- Classifiers ------------------------------------------------------------------------------


class ClassifierPublic(Public):
    id: int
    name: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class NamedCreate(Input):
    name: Name100


class NamedUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name",)
    version: Version
    name: Name100 | None = None


class LongNamedCreate(Input):
    name: Name200


class LongNamedUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name",)
    version: Version
    name: Name200 | None = None


class DealKindCreate(Input):
    name: Name200
    has_stages: bool = True


class DealKindUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "has_stages")
    version: Version
    name: Name200 | None = None
    has_stages: bool | None = None


class DealKindAdminPublic(ClassifierPublic):
    has_stages: bool


class SalesStageCreate(Input):
    deal_kind_id: Id
    name: Name200
    sequence: Sequence | None = None


class SalesStageUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "sequence")
    version: Version
    name: Name200 | None = None
    sequence: Sequence | None = None


class SalesStageAdminPublic(ClassifierPublic):
    deal_kind_id: int
    sequence: int


class StageReorder(Input):
    deal_kind_id: Id
    stage_ids: list[Id] = Field(max_length=500)


class ClaimReasonCreate(Input):
    name: Name200
    parent_id: Id | None = None


class ClaimReasonUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name",)
    version: Version
    name: Name200 | None = None
    parent_id: Id | None = None


class ClaimReasonPublic(ClassifierPublic):
    parent_id: int | None


class BusinessRegionCreate(Input):
    name: Name200
    code: text(20, min_length=0) | None = None


class BusinessRegionUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name",)
    version: Version
    name: Name200 | None = None
    code: text(20, min_length=0) | None = None


class BusinessRegionAdminPublic(ClassifierPublic):
    code: str | None


class DepartmentCreate(Input):
    name: Name200
    parent_id: Id | None = None
    head_user_id: Id | None = None
    business_region_id: Id | None = None
    is_regional_office: bool = False


class DepartmentUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "is_regional_office")
    version: Version
    name: Name200 | None = None
    parent_id: Id | None = None
    head_user_id: Id | None = None
    business_region_id: Id | None = None
    is_regional_office: bool | None = None


class DepartmentPublic(ClassifierPublic):
    parent_id: int | None
    head_user_id: int | None
    business_region_id: int | None
    is_regional_office: bool


MarketingEventKind = Literal["exhibition", "webinar", "seminar", "open_day", "mailing", "other"]
assert set(MarketingEventKind.__args__) == set(MARKETING_EVENT_KINDS)


class MarketingEventCreate(Input):
    name: Name200
    starts_on: PlannedDate
    ends_on: PlannedDate
    kind: MarketingEventKind | None = None
    cost: Amount = Decimal(0)


class MarketingEventUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "starts_on", "ends_on", "cost")
    version: Version
    name: Name200 | None = None
    starts_on: PlannedDate | None = None
    ends_on: PlannedDate | None = None
    kind: MarketingEventKind | None = None
    cost: Amount | None = None


class MarketingEventPublic(ClassifierPublic):
    starts_on: dt.date
    ends_on: dt.date
    kind: str | None
    cost: Decimal


# (create schema, update schema, public schema) per classifier slug.
CLASSIFIER_SCHEMAS: dict[str, tuple[type[Input], type[PatchInput], type[Public]]] = {
    "deal-kinds": (DealKindCreate, DealKindUpdate, DealKindAdminPublic),
    "sales-stages": (SalesStageCreate, SalesStageUpdate, SalesStageAdminPublic),
    "partner-roles": (NamedCreate, NamedUpdate, ClassifierPublic),
    "contact-roles": (NamedCreate, NamedUpdate, ClassifierPublic),
    "loss-reasons": (LongNamedCreate, LongNamedUpdate, ClassifierPublic),
    "return-reasons": (LongNamedCreate, LongNamedUpdate, ClassifierPublic),
    "claim-reasons": (ClaimReasonCreate, ClaimReasonUpdate, ClaimReasonPublic),
    "interaction-topics": (LongNamedCreate, LongNamedUpdate, ClassifierPublic),
    "business-regions": (BusinessRegionCreate, BusinessRegionUpdate, BusinessRegionAdminPublic),
    "marketing-events": (MarketingEventCreate, MarketingEventUpdate, MarketingEventPublic),
    "departments": (DepartmentCreate, DepartmentUpdate, DepartmentPublic),
}


# --- Contacts and partner roles ---------------------------------------------------------------


class ContactCreate(Input):
    partner_id: Id
    full_name: Name200
    contact_role_id: Id | None = None
    role: text(100, min_length=0) | None = None
    phone: text(50, min_length=0) | None = None
    email: text(200, min_length=0) | None = None


class ContactUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("full_name",)
    version: Version
    full_name: Name200 | None = None
    contact_role_id: Id | None = None
    role: text(100, min_length=0) | None = None
    phone: text(50, min_length=0) | None = None
    email: text(200, min_length=0) | None = None


class ContactPublic(Public):
    id: int
    partner_id: int
    full_name: str
    contact_role_id: int | None
    role: str | None
    phone: str | None
    email: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PartnerRoleAdd(Input):
    partner_role_id: Id


class PartnerRoleLinkPublic(Public):
    id: int
    partner_id: int
    partner_role_id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


# --- Interactions -----------------------------------------------------------------------------


class InteractionCreate(Input):
    kind: InteractionKind
    direction: Direction = "outbound"
    partner_id: Id
    contact_person_id: Id | None = None
    interaction_topic_id: Id | None = None
    subject_type: SubjectType | None = None
    subject_id: Id | None = None
    summary: text(300)
    description: LongText | None = None
    planned_at: Timestamp
    responsible_id: Id | None = None
    status: Literal["planned", "done"] = "planned"
    done_at: Timestamp | None = None


class InteractionUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = (
        "kind",
        "direction",
        "partner_id",
        "summary",
        "planned_at",
    )
    version: Version
    kind: InteractionKind | None = None
    direction: Direction | None = None
    partner_id: Id | None = None
    contact_person_id: Id | None = None
    interaction_topic_id: Id | None = None
    subject_type: SubjectType | None = None
    subject_id: Id | None = None
    summary: text(300) | None = None
    description: LongText | None = None
    planned_at: Timestamp | None = None
    responsible_id: Id | None = None


class InteractionComplete(Action):
    # Optional in the schema so the domain answers with its own rule when it is missing.
    done_at: Timestamp | None = None


class InteractionReview(Action):
    reviewed: bool = True


class InteractionPublic(Public):
    id: int
    kind: str
    direction: str
    partner_id: int
    contact_person_id: int | None
    interaction_topic_id: int | None
    subject_type: str | None
    subject_id: int | None = None
    deal_id: int | None
    claim_id: int | None
    marketing_event_id: int | None
    summary: str
    description: str | None
    planned_at: dt.datetime
    done_at: dt.datetime | None
    status: str
    is_reviewed: bool
    responsible_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, interaction: Any) -> InteractionPublic:
        public = cls.model_validate(interaction)
        public.subject_id = public.deal_id or public.claim_id or public.marketing_event_id
        return public


# --- Claims -----------------------------------------------------------------------------------


class ClaimCreate(Input):
    partner_id: Id
    claim_reason_id: Id | None = None
    source: ClaimSource = "claims_list"
    customer_order_id: Id | None = None
    shipment_id: Id | None = None
    claimed_amount: Amount = Decimal(0)
    description: LongText | None = None
    responsible_id: Id | None = None
    registered_at: Timestamp | None = None


class ClaimUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("claimed_amount",)
    version: Version
    claim_reason_id: Id | None = None
    customer_order_id: Id | None = None
    shipment_id: Id | None = None
    claimed_amount: Amount | None = None
    description: LongText | None = None
    responsible_id: Id | None = None


class ClaimResolve(Action):
    # Optional so that a missing result is the domain's 422 with its rule name.
    result: ClaimResult | None = None
    comment: LongText | None = None
    force: bool = False


class ClaimTaskCreate(Input):
    title: text(300)
    due_date: PlannedDate | None = None
    responsible_id: Id | None = None


class ClaimTaskUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("title",)
    version: Version
    title: text(300) | None = None
    due_date: PlannedDate | None = None
    responsible_id: Id | None = None


class ClaimTaskPublic(Public):
    id: int
    claim_id: int
    title: str
    due_date: dt.date | None
    responsible_id: int | None
    status: str
    done_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ClaimPublic(Public):
    id: int
    number: str
    partner_id: int
    claim_reason_id: int | None
    source: str
    customer_order_id: int | None
    shipment_id: int | None
    responsible_id: int | None
    claimed_amount: Decimal
    description: str | None
    registered_at: dt.datetime
    status: str
    result: str | None
    resolved_at: dt.datetime | None
    resolution_comment: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ClaimDetail(ClaimPublic):
    tasks: list[ClaimTaskPublic] = []
    interactions: list[InteractionPublic] = []
