"""Классификаторы: the administrator's reference lists (DESIGN.md §4).

One generic create/update/delete path with per-classifier rules:

- names of flat classifiers are unique across live *and* soft-deleted rows (the database unique
  constraint sees deleted rows too), so a duplicate is a clear 422, never an IntegrityError;
- sales stages are ordered per deal kind; `sequence` stays unique within the kind (deleted stages
  keep theirs), a reorder only permutes the sequences the live stages already hold, and the last
  live stage is the final "won" stage. A stage an open deal sits on cannot be deleted; stages
  referenced only by closed deals or history are soft-deleted (rows are never removed);
- a deal kind cannot be deleted, nor switched between "with stages" and "non-process", while it
  has open deals;
- claim reasons form a tree: a parent must exist, and no reason may become its own ancestor;
  a reason with live children cannot be deleted;
- marketing events end on or after the day they start, have a known kind (or none) and a
  cost that is never negative;
- departments (Подразделения) form a tree like claim reasons, with a head (a live operator)
  and a business region; a department with live sub-departments or people cannot be deleted.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    CUSTOMER_ROLE,
    MARKETING_EVENT_KINDS,
    BusinessRegion,
    ClaimReason,
    ContactRole,
    Deal,
    DealKind,
    Department,
    InteractionTopic,
    LossReason,
    MarketingEvent,
    PartnerRole,
    ReturnReason,
    SalesStage,
    User,
    utc_now,
)
from operational_app.domain import listing
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import (
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.queries import Page


@dataclass(frozen=True)
class ClassifierSpec:
    key: str  # the URL slug
    model: type
    fields: tuple[str, ...]  # editable attributes
    name_length: int = 200
    unique_name: bool = True


SPECS: dict[str, ClassifierSpec] = {
    spec.key: spec
    for spec in (
        ClassifierSpec("deal-kinds", DealKind, ("name", "has_stages")),
        ClassifierSpec(
            "sales-stages", SalesStage, ("deal_kind_id", "name", "sequence"), unique_name=False
        ),
        ClassifierSpec("partner-roles", PartnerRole, ("name",), name_length=100),
        ClassifierSpec("contact-roles", ContactRole, ("name",), name_length=100),
        ClassifierSpec("loss-reasons", LossReason, ("name",)),
        ClassifierSpec("return-reasons", ReturnReason, ("name",)),
        ClassifierSpec("claim-reasons", ClaimReason, ("name", "parent_id"), unique_name=False),
        ClassifierSpec("interaction-topics", InteractionTopic, ("name",)),
        ClassifierSpec("business-regions", BusinessRegion, ("name", "code")),
        ClassifierSpec(
            "departments",
            Department,
            ("name", "parent_id", "head_user_id", "business_region_id", "is_regional_office"),
        ),
        ClassifierSpec(
            "marketing-events",
            MarketingEvent,
            ("name", "starts_on", "ends_on", "kind", "cost"),
            unique_name=False,
        ),
    )
}


def spec_for(key: str) -> ClassifierSpec:
    spec = SPECS.get(key)
    if spec is None:
        raise NotFound(
            "classifier.unknown", f"There is no classifier {key!r}.", params={"key": key}
        )
    return spec


def get_entry(session: Session, key: str, entry_id: int, *, include_deleted: bool = False) -> Any:
    spec = spec_for(key)
    entry = session.get(spec.model, entry_id)
    if entry is None or (entry.deleted_at is not None and not include_deleted):
        raise NotFound(
            "classifier.entry_not_found",
            f"{key} {entry_id} does not exist.",
            params={"id": entry_id},
        )
    return entry


# --- Validation -------------------------------------------------------------------------------


def _name(spec: ClassifierSpec, session: Session, entry: Any, value: Any) -> str:
    name = require_text(value, "name")
    if len(name) > spec.name_length:
        raise ValidationFailed(
            "classifier.name_too_long",
            f"The name is longer than {spec.name_length} characters.",
            field="name",
            params={"max": spec.name_length},
        )
    if spec.unique_name:
        query = select(spec.model.id).where(spec.model.name == name)
        if entry.id is not None:
            query = query.where(spec.model.id != entry.id)
        existing = session.scalars(query.limit(1)).first()
        if existing is not None:
            raise ValidationFailed(
                "classifier.name_taken",
                f"The name '{name}' is already used (id {existing}, possibly a deleted entry).",
                field="name",
                params={"name": name, "id": existing},
            )
    return name


def _open_deals(session: Session, *conditions: Any) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Deal)
            .where(Deal.deleted_at.is_(None), Deal.status == "in_progress", *conditions)
        )
        or 0
    )


def _check_parent(session: Session, entry: Any, parent_id: int | None) -> None:
    """No cycles: walking up from the new parent must never reach the entry itself (claim
    reasons and departments)."""
    if parent_id is None:
        return
    model = type(entry)
    require_reference(session, model, parent_id, "parent_id")
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if entry.id is not None and current == entry.id:
            if model is Department:
                raise ValidationFailed(
                    "department.cycle",
                    "A department cannot be placed under itself or one of its sub-departments.",
                    field="parent_id",
                    params={"id": parent_id},
                )
            raise ValidationFailed(
                "claim_reason.cycle",
                "A claim reason cannot be placed under itself or one of its sub-reasons.",
                field="parent_id",
                params={"id": parent_id},
            )
        seen.add(current)
        parent = session.get(model, current)
        current = parent.parent_id if parent is not None else None


def _max_sequence(session: Session, deal_kind_id: int) -> int:
    # Deleted stages count: they keep their sequence and the unique constraint sees them.
    return (
        session.scalar(
            select(func.max(SalesStage.sequence)).where(SalesStage.deal_kind_id == deal_kind_id)
        )
        or 0
    )


def _check_sequence(session: Session, stage: SalesStage, sequence: Any) -> int:
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 0 < sequence < 2**31:
        raise ValidationFailed(
            "sales_stage.sequence_range",
            "The sequence is a whole number from 1.",
            field="sequence",
        )
    query = select(SalesStage.id).where(
        SalesStage.deal_kind_id == stage.deal_kind_id, SalesStage.sequence == sequence
    )
    if stage.id is not None:
        query = query.where(SalesStage.id != stage.id)
    taken = session.scalars(query.limit(1)).first()
    if taken is not None:
        raise ValidationFailed(
            "sales_stage.sequence_taken",
            f"Sequence {sequence} is already used by stage {taken} of this deal kind "
            "(possibly a deleted one).",
            field="sequence",
            params={"sequence": sequence, "id": taken},
        )
    return sequence


def _apply(session: Session, spec: ClassifierSpec, entry: Any, values: Mapping[str, Any]) -> None:
    values = {k: v for k, v in values.items() if k in spec.fields}
    if "name" in values:
        entry.name = _name(spec, session, entry, values["name"])
    apply_own_fields = _OWN_FIELDS.get(spec.model)
    if apply_own_fields is not None:
        apply_own_fields(session, entry, values)


def _apply_business_region(session: Session, entry: Any, values: Mapping[str, Any]) -> None:
    if "code" in values:
        code = clean_text(values["code"])
        if code is not None and len(code) > 20:
            raise ValidationFailed(
                "classifier.code_too_long", "The code is at most 20 characters.", field="code"
            )
        entry.code = code


def _apply_deal_kind(session: Session, entry: Any, values: Mapping[str, Any]) -> None:
    if "has_stages" in values:
        has_stages = bool(values["has_stages"])
        if entry.id is not None and has_stages != entry.has_stages:
            if _open_deals(session, Deal.deal_kind_id == entry.id):
                raise TransitionNotAllowed(
                    "deal_kind.process_change_with_open_deals",
                    "A deal kind with open deals cannot switch between staged and non-process.",
                    field="has_stages",
                )
        entry.has_stages = has_stages


def _apply_claim_reason(session: Session, entry: Any, values: Mapping[str, Any]) -> None:
    if "parent_id" in values:
        _check_parent(session, entry, values["parent_id"])
        entry.parent_id = values["parent_id"]


def _apply_department(session: Session, entry: Any, values: Mapping[str, Any]) -> None:
    if "parent_id" in values:
        _check_parent(session, entry, values["parent_id"])
        entry.parent_id = values["parent_id"]
    if "head_user_id" in values:
        head = require_reference(session, User, values["head_user_id"], "head_user_id")
        if head is not None and head.role == CUSTOMER_ROLE:
            raise ValidationFailed(
                "department.head_customer",
                "A portal customer cannot head a department.",
                field="head_user_id",
            )
        entry.head_user_id = values["head_user_id"]
    if "business_region_id" in values:
        require_reference(
            session, BusinessRegion, values["business_region_id"], "business_region_id"
        )
        entry.business_region_id = values["business_region_id"]
    if "is_regional_office" in values:
        entry.is_regional_office = bool(values["is_regional_office"])
    elif entry.id is None:
        entry.is_regional_office = False


def _apply_marketing_event(session: Session, entry: Any, values: Mapping[str, Any]) -> None:
    starts_on = values.get("starts_on", entry.starts_on)
    ends_on = values.get("ends_on", entry.ends_on)
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, dt.date):
            raise ValidationFailed(
                "text.required", f"{field} is required.", field=field, params={"field": field}
            )
    if ends_on < starts_on:
        raise ValidationFailed(
            "marketing_event.dates_order",
            "A marketing event cannot end before it starts.",
            field="ends_on",
        )
    entry.starts_on, entry.ends_on = starts_on, ends_on
    if "kind" in values:
        kind = values["kind"] or None
        if kind is not None and kind not in MARKETING_EVENT_KINDS:
            raise ValidationFailed(
                "marketing_event.kind",
                f"Unknown marketing event kind {kind!r}.",
                field="kind",
                params={"kind": kind},
            )
        entry.kind = kind
    if "cost" in values or entry.id is None:
        cost = Decimal(values.get("cost") or 0)
        if cost < 0:
            raise ValidationFailed(
                "marketing_event.cost", "The cost is never negative.", field="cost"
            )
        entry.cost = cost.quantize(Decimal("0.01"))


def _apply_sales_stage(session: Session, entry: Any, values: Mapping[str, Any]) -> None:
    if entry.id is None:
        kind = require_reference(session, DealKind, values.get("deal_kind_id"), "deal_kind_id")
        if kind is None:
            raise ValidationFailed(
                "text.required", "deal_kind_id is required.", field="deal_kind_id"
            )
        if not kind.has_stages:
            raise ValidationFailed(
                "sales_stage.non_process_kind",
                f"Deal kind '{kind.name}' is non-process: it has no stages.",
                field="deal_kind_id",
            )
        entry.deal_kind_id = kind.id
    elif "deal_kind_id" in values and values["deal_kind_id"] != entry.deal_kind_id:
        raise ValidationFailed(
            "sales_stage.kind_fixed",
            "A stage cannot move to another deal kind; create a new stage instead.",
            field="deal_kind_id",
        )
    sequence = values.get("sequence")
    if sequence is None and entry.id is None:
        sequence = _max_sequence(session, entry.deal_kind_id) + 1
    if sequence is not None:
        entry.sequence = _check_sequence(session, entry, sequence)


# The fields a classifier has besides its name, and their rules.
_OWN_FIELDS: dict[type, Callable[[Session, Any, Mapping[str, Any]], None]] = {
    BusinessRegion: _apply_business_region,
    DealKind: _apply_deal_kind,
    ClaimReason: _apply_claim_reason,
    Department: _apply_department,
    MarketingEvent: _apply_marketing_event,
    SalesStage: _apply_sales_stage,
}


# --- Services ---------------------------------------------------------------------------------


def create_entry(session: Session, key: str, values: Mapping[str, Any]) -> Any:
    spec = spec_for(key)
    entry = spec.model()
    if "name" not in values:
        raise ValidationFailed("text.required", "name is required.", field="name")
    _apply(session, spec, entry, values)
    session.add(entry)
    session.flush()
    return entry


def create_deal_kind(session: Session, name: Any, stages: Sequence[str] = ()) -> DealKind:
    """A deal kind with its sales stages in process order (the last one is the final, "won"
    stage); no stages makes a non-process kind. Every rule of `create_entry` applies to the
    kind and to each stage; stage names must differ within the kind."""
    names = [require_text(stage, "stages") for stage in stages]
    seen: set[str] = set()
    for stage in names:
        if stage.casefold() in seen:
            raise ValidationFailed(
                "deal_kind.stage_twice",
                f"The stage '{stage}' is named twice.",
                field="stages",
                params={"name": stage},
            )
        seen.add(stage.casefold())
    kind = create_entry(session, "deal-kinds", {"name": name, "has_stages": bool(names)})
    for stage in names:
        create_entry(session, "sales-stages", {"deal_kind_id": kind.id, "name": stage})
    return kind


def update_entry(
    session: Session,
    key: str,
    entry: Any,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Any:
    spec = spec_for(key)
    check_version(entry, expected_version)
    _apply(session, spec, entry, changes)
    session.flush()
    return entry


def delete_entry(
    session: Session,
    key: str,
    entry: Any,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """Soft delete, refused while the entry still carries live work."""
    spec = spec_for(key)
    check_version(entry, expected_version)
    if spec.model is SalesStage:
        count = _open_deals(session, Deal.current_stage_id == entry.id)
        if count:
            raise TransitionNotAllowed(
                "sales_stage.in_use",
                f"{count} open deal(s) sit on this stage; move or close them first.",
                params={"count": count},
            )
    elif spec.model is DealKind:
        count = _open_deals(session, Deal.deal_kind_id == entry.id)
        if count:
            raise TransitionNotAllowed(
                "deal_kind.in_use",
                f"{count} open deal(s) are of this kind; close them first.",
                params={"count": count},
            )
    elif spec.model is ClaimReason:
        children = session.scalar(
            select(func.count())
            .select_from(ClaimReason)
            .where(ClaimReason.parent_id == entry.id, ClaimReason.deleted_at.is_(None))
        )
        if children:
            raise TransitionNotAllowed(
                "claim_reason.has_children",
                "Delete or move the sub-reasons of this claim reason first.",
                params={"count": children},
            )
    elif spec.model is Department:
        children = session.scalar(
            select(func.count())
            .select_from(Department)
            .where(Department.parent_id == entry.id, Department.deleted_at.is_(None))
        )
        people = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.department_id == entry.id, User.deleted_at.is_(None))
        )
        if children or people:
            raise TransitionNotAllowed(
                "department.in_use",
                "Move the sub-departments and people of this department elsewhere first.",
                params={"count": (children or 0) + (people or 0)},
            )
    entry.deleted_at = now or utc_now()
    session.flush()
    return entry


def restore_entry(
    session: Session, key: str, entry: Any, *, expected_version: int | None = None
) -> Any:
    spec = spec_for(key)
    check_version(entry, expected_version)
    if spec.model is ClaimReason and entry.parent_id is not None:
        parent = session.get(ClaimReason, entry.parent_id)
        if parent is None or parent.deleted_at is not None:
            raise TransitionNotAllowed(
                "claim_reason.parent_deleted", "Restore the parent claim reason first."
            )
    if spec.model is Department and entry.parent_id is not None:
        parent = session.get(Department, entry.parent_id)
        if parent is None or parent.deleted_at is not None:
            raise TransitionNotAllowed(
                "department.parent_deleted", "Restore the parent department first."
            )
    if spec.model is SalesStage:
        kind = session.get(DealKind, entry.deal_kind_id)
        if kind is None or kind.deleted_at is not None:
            raise TransitionNotAllowed("sales_stage.kind_deleted", "Restore the deal kind first.")
    entry.deleted_at = None
    session.flush()
    return entry


def live_stages(session: Session, deal_kind_id: int) -> list[SalesStage]:
    return list(
        session.scalars(
            select(SalesStage)
            .where(SalesStage.deal_kind_id == deal_kind_id, SalesStage.deleted_at.is_(None))
            .order_by(SalesStage.sequence)
        )
    )


def reorder_stages(session: Session, deal_kind_id: int, stage_ids: list[int]) -> list[SalesStage]:
    """Put the live stages of a kind in the given order; the last one becomes the final stage.

    The stages keep the set of sequence numbers they hold, permuted, so no soft-deleted stage's
    number is ever reused. Two steps (out of the way, then into place) keep the unique
    (deal_kind_id, sequence) constraint satisfied at every UPDATE.
    """
    require_reference(session, DealKind, deal_kind_id, "deal_kind_id")
    stages = live_stages(session, deal_kind_id)
    by_id = {stage.id: stage for stage in stages}
    if len(stage_ids) != len(set(stage_ids)) or set(stage_ids) != set(by_id):
        raise ValidationFailed(
            "sales_stage.reorder_mismatch",
            "List every live stage of the deal kind exactly once.",
            field="stage_ids",
        )
    sequences = sorted(stage.sequence for stage in stages)
    parking = _max_sequence(session, deal_kind_id) + 1
    for offset, stage in enumerate(stages):
        stage.sequence = parking + offset
    session.flush()
    for sequence, stage_id in zip(sequences, stage_ids, strict=True):
        by_id[stage_id].sequence = sequence
    session.flush()
    return [by_id[stage_id] for stage_id in stage_ids]


def move_stage(session: Session, stage: SalesStage, direction: str) -> list[SalesStage]:
    """One step up or down: what the admin page's arrows do."""
    ids = [s.id for s in live_stages(session, stage.deal_kind_id)]
    index = ids.index(stage.id)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    return reorder_stages(session, stage.deal_kind_id, ids)


# --- Reads ------------------------------------------------------------------------------------


def list_entries(
    session: Session,
    key: str,
    *,
    q: str | None = None,
    include_deleted: bool = False,
    deal_kind_id: int | None = None,
    parent_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    spec = spec_for(key)
    model = spec.model
    query = select(model)
    if not include_deleted:
        query = query.where(model.deleted_at.is_(None))
    if q:
        query = query.where(model.name.icontains(q.strip(), autoescape=True))
    columns: dict[str, Any] = {"name": model.name, "id": model.id, "updated_at": model.updated_at}
    default = "name"
    if model is SalesStage:
        columns["sequence"] = SalesStage.sequence
        default = "sequence"
        if deal_kind_id is not None:
            query = query.where(SalesStage.deal_kind_id == deal_kind_id)
    if model in (ClaimReason, Department) and parent_id is not None:
        query = query.where(model.parent_id == parent_id)
    if model is MarketingEvent:
        columns["starts_on"] = MarketingEvent.starts_on
        default = "-starts_on"
    if model is SalesStage and deal_kind_id is None:
        # Without a kind filter keep the stages of one kind together.
        return listing._page(
            session,
            query,
            (SalesStage.deal_kind_id, *listing.order_by(sort, columns, default, model.id)),
            limit,
            offset,
        )
    return listing.page(
        session,
        query,
        sort=sort,
        columns=columns,
        default=default,
        tiebreak=model.id,
        limit=limit,
        offset=offset,
    )


def claim_reason_paths(session: Session) -> dict[int, str]:
    """ "Group / sub-reason" labels for every claim reason, deleted ones included."""
    reasons = {r.id: r for r in session.scalars(select(ClaimReason))}
    paths: dict[int, str] = {}
    for reason_id in reasons:
        parts: list[str] = []
        current: int | None = reason_id
        seen: set[int] = set()
        while current is not None and current in reasons and current not in seen:
            seen.add(current)
            parts.append(reasons[current].name)
            current = reasons[current].parent_id
        paths[reason_id] = " / ".join(reversed(parts))
    return paths


def department_paths(session: Session, *, live_only: bool = False) -> dict[int, str]:
    """ "Office / team" labels for every department (deleted ones included unless
    `live_only`)."""
    departments = {d.id: d for d in session.scalars(select(Department))}
    paths: dict[int, str] = {}
    for department_id, department in departments.items():
        if live_only and department.deleted_at is not None:
            continue
        parts: list[str] = []
        current: int | None = department_id
        seen: set[int] = set()
        while current is not None and current in departments and current not in seen:
            seen.add(current)
            parts.append(departments[current].name)
            current = departments[current].parent_id
        paths[department_id] = " / ".join(reversed(parts))
    return paths
