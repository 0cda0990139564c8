"""Претензии клиентов: registration, the status machine and the work plan (DESIGN.md §4).

Status: registered -> in_work -> resolved (result satisfied | not_satisfied, required;
resolved_at set). Decisions:

- a claim is resolved only from "in work" (it must be taken into work first);
- a resolved claim is read-only; only an administrator may reopen it (back to "in work", the
  result and resolved_at cleared);
- a claim with open work-plan tasks cannot be resolved; a manager or administrator may force it
  (`force=True`), leaving the open tasks as they were, read-only with the claim;
- the source "discrepancy act" (акт о расхождениях после отгрузки) requires the shipment; a
  shipment or an order must belong to the claim's partner, and a shipment to the given order
  (the order is filled in from the shipment when omitted);
- only a claim still "registered" can be deleted (soft).

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.auth import Forbidden, role_at_least
from operational_app.db.models import (
    CLAIM_RESULTS,
    CLAIM_SOURCES,
    Claim,
    ClaimReason,
    ClaimTask,
    CustomerOrder,
    Partner,
    Shipment,
    User,
    utc_now,
)
from operational_app.domain import listing
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.numbering import allocate_number
from operational_app.domain.queries import Page

NUMBER_PREFIX = "ПР-"
MAX_AMOUNT = Decimal("1e13")
EDITABLE_FIELDS = (
    "claim_reason_id",
    "customer_order_id",
    "shipment_id",
    "claimed_amount",
    "description",
    "responsible_id",
)
TASK_FIELDS = ("title", "due_date", "responsible_id")


def _next_number(session: Session) -> str:
    return allocate_number(session, Claim, NUMBER_PREFIX)


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ValidationFailed(
            "claim.amount_range",
            "The claimed amount must be at least 0 and below 10 000 000 000 000.",
            field="claimed_amount",
        )
    return amount.quantize(Decimal("0.01"))


def _documents(
    session: Session,
    partner_id: int,
    source: str,
    order_id: int | None,
    shipment_id: int | None,
) -> tuple[int | None, int | None]:
    """The order/shipment a claim refers to must be the partner's; returns (order, shipment)."""
    order = require_reference(session, CustomerOrder, order_id, "customer_order_id")
    shipment = require_reference(session, Shipment, shipment_id, "shipment_id")
    if order is not None and order.partner_id != partner_id:
        raise ValidationFailed(
            "claim.order_of_other_partner",
            f"Order {order.number} belongs to another partner.",
            field="customer_order_id",
            params={"number": order.number},
        )
    if shipment is not None:
        shipment_order = session.get(CustomerOrder, shipment.customer_order_id)
        if shipment_order is None or shipment_order.partner_id != partner_id:
            raise ValidationFailed(
                "claim.shipment_of_other_partner",
                f"Shipment {shipment.number} was not made for this partner.",
                field="shipment_id",
                params={"number": shipment.number},
            )
        if order is not None and shipment.customer_order_id != order.id:
            raise ValidationFailed(
                "claim.shipment_not_of_order",
                f"Shipment {shipment.number} was not made against order {order.number}.",
                field="shipment_id",
                params={"number": shipment.number, "order": order.number},
            )
        order_id = shipment.customer_order_id
    if source == "discrepancy_act" and shipment is None:
        raise ValidationFailed(
            "claim.shipment_required",
            "A claim from a discrepancy act must name the shipment.",
            field="shipment_id",
        )
    return order_id, shipment_id


def note_response(claim: Claim, now: dt.datetime | None = None) -> None:
    """The first time an operator acts on a claim (status change, task, interaction) is its
    first response (portal adoption: time to first response); later actions keep it."""
    if claim.first_response_at is None:
        claim.first_response_at = now or utc_now()


def _require_open(claim: Claim) -> None:
    if claim.status == "resolved":
        raise TransitionNotAllowed(
            "claim.resolved_read_only",
            "The claim is resolved; an administrator has to reopen it before any change.",
        )


def create_claim(
    session: Session,
    *,
    partner_id: int,
    claim_reason_id: int | None = None,
    source: str = "claims_list",
    customer_order_id: int | None = None,
    shipment_id: int | None = None,
    claimed_amount: Decimal | int | str = Decimal(0),
    description: str | None = None,
    responsible_id: int | None = None,
    registered_at: dt.datetime | None = None,
    registered_by_id: int | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    now = now or utc_now()
    require_reference(session, Partner, partner_id, "partner_id")
    if source not in CLAIM_SOURCES:
        raise ValidationFailed(
            "claim.source_unknown",
            f"Source must be one of {', '.join(CLAIM_SOURCES)}.",
            field="source",
        )
    require_reference(session, ClaimReason, claim_reason_id, "claim_reason_id")
    require_reference(session, User, responsible_id, "responsible_id")
    order_id, shipment_id = _documents(session, partner_id, source, customer_order_id, shipment_id)
    claim = Claim(
        number=_next_number(session),
        partner_id=partner_id,
        claim_reason_id=claim_reason_id,
        source=source,
        customer_order_id=order_id,
        shipment_id=shipment_id,
        responsible_id=responsible_id,
        claimed_amount=_amount(claimed_amount),
        description=clean_text(description),
        registered_at=registered_at or now,
        registered_by_id=registered_by_id,
        status="registered",
        created_at=now,
        updated_at=now,
    )
    session.add(claim)
    session.flush()
    return claim


def update_claim(
    session: Session,
    claim: Claim,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Claim:
    check_version(claim, expected_version)
    changes = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    if not changes:
        return claim
    _require_open(claim)
    if "claim_reason_id" in changes:
        require_reference(session, ClaimReason, changes["claim_reason_id"], "claim_reason_id")
        claim.claim_reason_id = changes["claim_reason_id"]
    if "responsible_id" in changes:
        require_reference(session, User, changes["responsible_id"], "responsible_id")
        claim.responsible_id = changes["responsible_id"]
    if "claimed_amount" in changes:
        claim.claimed_amount = _amount(changes["claimed_amount"])
    if "description" in changes:
        claim.description = clean_text(changes["description"])
    if "customer_order_id" in changes or "shipment_id" in changes:
        claim.customer_order_id, claim.shipment_id = _documents(
            session,
            claim.partner_id,
            claim.source,
            changes.get("customer_order_id", claim.customer_order_id),
            changes.get("shipment_id", claim.shipment_id),
        )
    session.flush()
    return claim


def open_tasks(session: Session, claim: Claim) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ClaimTask)
            .where(
                ClaimTask.claim_id == claim.id,
                ClaimTask.deleted_at.is_(None),
                ClaimTask.status == "open",
            )
        )
        or 0
    )


def take_into_work(
    session: Session,
    claim: Claim,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    check_version(claim, expected_version)
    if claim.status != "registered":
        raise TransitionNotAllowed(
            "claim.take_requires_registered",
            f"Only a registered claim can be taken into work; this one is {claim.status}.",
            params={"status": claim.status},
        )
    claim.status = "in_work"
    claim.updated_at = now or utc_now()
    note_response(claim, claim.updated_at)
    session.flush()
    return claim


def resolve_claim(
    session: Session,
    claim: Claim,
    result: str | None,
    comment: str | None = None,
    *,
    force: bool = False,
    actor_role: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    now = now or utc_now()
    check_version(claim, expected_version)
    if claim.status != "in_work":
        raise TransitionNotAllowed(
            "claim.resolve_requires_in_work",
            f"Only a claim in work can be resolved; this one is {claim.status}.",
            params={"status": claim.status},
        )
    if result is None or not str(result).strip():
        raise ValidationFailed(
            "claim.result_required",
            "Choose the result: satisfied or not satisfied.",
            field="result",
        )
    if result not in CLAIM_RESULTS:
        raise ValidationFailed(
            "claim.result_unknown",
            f"Result must be one of {', '.join(CLAIM_RESULTS)}.",
            field="result",
        )
    count = open_tasks(session, claim)
    if count and not force:
        raise TransitionNotAllowed(
            "claim.open_tasks",
            f"{count} work-plan task(s) are still open; complete them or force the resolution.",
            params={"count": count},
        )
    if count and not role_at_least(actor_role, "manager"):
        raise Forbidden(
            "claim.force_requires_manager",
            "Only a manager or an administrator may resolve a claim with open tasks.",
        )
    claim.status = "resolved"
    claim.result = result
    claim.resolution_comment = clean_text(comment)
    claim.resolved_at = now
    claim.updated_at = now
    note_response(claim, now)
    session.flush()
    return claim


def reopen_claim(
    session: Session,
    claim: Claim,
    *,
    actor_role: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    check_version(claim, expected_version)
    if claim.status != "resolved":
        raise TransitionNotAllowed(
            "claim.reopen_requires_resolved", "Only a resolved claim can be reopened."
        )
    if not role_at_least(actor_role, "administrator"):
        raise Forbidden(
            "claim.reopen_requires_administrator",
            "Only an administrator may reopen a resolved claim.",
        )
    claim.status = "in_work"
    claim.result = None
    claim.resolved_at = None
    claim.resolution_comment = None
    claim.updated_at = now or utc_now()
    session.flush()
    return claim


def delete_claim(
    session: Session,
    claim: Claim,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Claim:
    check_version(claim, expected_version)
    if claim.status != "registered":
        raise TransitionNotAllowed(
            "claim.delete_requires_registered",
            "Only a claim not yet taken into work can be deleted.",
        )
    claim.deleted_at = now or utc_now()
    session.flush()
    return claim


# --- Work plan (План работ) -------------------------------------------------------------------


def claim_tasks(session: Session, claim_id: int) -> list[ClaimTask]:
    return list(
        session.scalars(
            select(ClaimTask)
            .where(ClaimTask.claim_id == claim_id, ClaimTask.deleted_at.is_(None))
            .order_by(ClaimTask.due_date.is_(None), ClaimTask.due_date, ClaimTask.id)
        )
    )


def _task_claim(session: Session, task: ClaimTask) -> Claim:
    claim = session.get(Claim, task.claim_id)
    assert claim is not None
    _require_open(claim)
    return claim


def add_task(
    session: Session,
    claim: Claim,
    *,
    title: str,
    due_date: dt.date | None = None,
    responsible_id: int | None = None,
    now: dt.datetime | None = None,
) -> ClaimTask:
    _require_open(claim)
    require_reference(session, User, responsible_id, "responsible_id")
    task = ClaimTask(
        claim_id=claim.id,
        title=require_text(title, "title"),
        due_date=due_date,
        responsible_id=responsible_id,
        status="open",
    )
    session.add(task)
    note_response(claim, now)
    session.flush()
    return task


def update_task(
    session: Session,
    task: ClaimTask,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> ClaimTask:
    check_version(task, expected_version)
    _task_claim(session, task)
    if "title" in changes:
        task.title = require_text(changes["title"], "title")
    if "due_date" in changes:
        task.due_date = changes["due_date"]
    if "responsible_id" in changes:
        require_reference(session, User, changes["responsible_id"], "responsible_id")
        task.responsible_id = changes["responsible_id"]
    session.flush()
    return task


def complete_task(
    session: Session,
    task: ClaimTask,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ClaimTask:
    check_version(task, expected_version)
    _task_claim(session, task)
    if task.status != "open":
        raise TransitionNotAllowed("claim_task.not_open", "The task is already done.")
    task.status = "done"
    task.done_at = now or utc_now()
    session.flush()
    return task


def reopen_task(
    session: Session, task: ClaimTask, *, expected_version: int | None = None
) -> ClaimTask:
    check_version(task, expected_version)
    _task_claim(session, task)
    if task.status != "done":
        raise TransitionNotAllowed("claim_task.not_done", "Only a done task can be reopened.")
    task.status = "open"
    task.done_at = None
    session.flush()
    return task


def delete_task(
    session: Session,
    task: ClaimTask,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ClaimTask:
    check_version(task, expected_version)
    _task_claim(session, task)
    task.deleted_at = now or utc_now()
    session.flush()
    return task


# --- Reads ------------------------------------------------------------------------------------


def list_claims(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    result: str | None = None,
    source: str | None = None,
    partner_id: int | None = None,
    claim_reason_id: int | None = None,
    responsible_id: int | None = None,
    customer_order_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Claim]:
    query = select(Claim).where(Claim.deleted_at.is_(None))
    if q:
        text = q.strip()
        query = query.where(
            Claim.number.icontains(text, autoescape=True)
            | Claim.description.icontains(text, autoescape=True)
        )
    for column, value in (
        (Claim.status, status),
        (Claim.result, result),
        (Claim.source, source),
        (Claim.partner_id, partner_id),
        (Claim.responsible_id, responsible_id),
        (Claim.customer_order_id, customer_order_id),
    ):
        if value is not None and value != "":
            query = query.where(column == value)
    if claim_reason_id is not None:
        # A group reason finds the claims filed under its sub-reasons too (one level down).
        children = select(ClaimReason.id).where(ClaimReason.parent_id == claim_reason_id)
        query = query.where(
            (Claim.claim_reason_id == claim_reason_id) | Claim.claim_reason_id.in_(children)
        )
    columns = {
        "number": Claim.number,
        "registered_at": Claim.registered_at,
        "status": Claim.status,
        "claimed_amount": Claim.claimed_amount,
        "resolved_at": Claim.resolved_at,
        "updated_at": Claim.updated_at,
    }
    return listing.page(
        session,
        query,
        sort=sort,
        columns=columns,
        default="-registered_at",
        tiebreak=Claim.id.desc(),
        limit=limit,
        offset=offset,
    )
