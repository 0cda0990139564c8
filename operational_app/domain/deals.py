"""Сделки с клиентами: the deal state machine and its stage history (DESIGN.md §4).

Status: in_progress -> won (final) | lost -> (reopen) in_progress.
Stages: a deal of a kind with stages sits on one stage and only moves forward; stages it jumps
over are written to `deal_stage_history` with `was_skipped = true` so the funnel counts them as
passed. Non-process kinds (`has_stages = false`) have no stage and no history.

Every service flushes and leaves the commit to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Deal,
    DealKind,
    DealStageHistory,
    LossReason,
    Partner,
    SalesStage,
    User,
    utc_now,
)
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version

NUMBER_PREFIX = "СД-"
MAX_AMOUNT = Decimal("1e13")
EDITABLE_FIELDS = ("name", "potential_amount", "probability", "planned_close_date", "manager_id")


def kind_stages(session: Session, deal_kind_id: int) -> list[SalesStage]:
    """Live stages of a kind in process order."""
    return list(
        session.scalars(
            select(SalesStage)
            .where(SalesStage.deal_kind_id == deal_kind_id, SalesStage.deleted_at.is_(None))
            .order_by(SalesStage.sequence)
        )
    )


def stage_history(session: Session, deal_id: int) -> list[DealStageHistory]:
    return list(
        session.scalars(
            select(DealStageHistory)
            .where(DealStageHistory.deal_id == deal_id)
            .order_by(DealStageHistory.entered_at, DealStageHistory.id)
        )
    )


def _next_number(session: Session) -> str:
    # Numbers follow the id sequence; a hand-entered number may already hold a slot, so step on.
    candidate = (session.scalar(select(func.max(Deal.id))) or 0) + 1
    while True:
        number = f"{NUMBER_PREFIX}{candidate:06d}"
        if session.scalar(select(Deal.id).where(Deal.number == number)) is None:
            return number
        candidate += 1


def _validate_amount(value: Decimal | int | float) -> Decimal:
    amount = Decimal(str(value))
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ValidationFailed(
            "deal.amount_range",
            "Potential amount must be at least 0 and below 10 000 000 000 000.",
            field="potential_amount",
        )
    return amount.quantize(Decimal("0.01"))


def _validate_probability(value: int) -> int:
    if not 0 <= value <= 100:
        raise ValidationFailed(
            "deal.probability_range", "Probability must be between 0 and 100.", field="probability"
        )
    return value


def _require_in_progress(deal: Deal, action: str) -> None:
    if deal.status != "in_progress":
        raise TransitionNotAllowed(
            "deal.not_in_progress",
            f"Only a deal in progress can be {action}; this deal is {deal.status}.",
            params={"status": deal.status},
        )


def _open_row(session: Session, deal: Deal) -> DealStageHistory | None:
    return session.scalars(
        select(DealStageHistory)
        .where(DealStageHistory.deal_id == deal.id, DealStageHistory.left_at.is_(None))
        .order_by(DealStageHistory.id.desc())
        .limit(1)
    ).first()


def _close_open_row(session: Session, deal: Deal, now: dt.datetime) -> None:
    row = _open_row(session, deal)
    if row is not None:
        row.left_at = now


def _write_row(
    session: Session,
    deal: Deal,
    stage: SalesStage,
    now: dt.datetime,
    user_id: int | None,
    *,
    skipped: bool = False,
    closed: bool = False,
) -> None:
    session.add(
        DealStageHistory(
            deal_id=deal.id,
            stage_id=stage.id,
            entered_at=now,
            left_at=now if closed or skipped else None,
            was_skipped=skipped,
            user_id=user_id,
        )
    )


def _current_sequence(session: Session, deal: Deal) -> int:
    if deal.current_stage_id is None:
        return 0
    stage = session.get(SalesStage, deal.current_stage_id)
    return stage.sequence if stage is not None else 0


def _move_to(
    session: Session,
    deal: Deal,
    stages: list[SalesStage],
    target: SalesStage,
    now: dt.datetime,
    user_id: int | None,
) -> None:
    """Close the current stage, record the ones jumped over as skipped, open the target."""
    current_sequence = _current_sequence(session, deal)
    _close_open_row(session, deal, now)
    for stage in stages:
        if current_sequence < stage.sequence < target.sequence:
            _write_row(session, deal, stage, now, user_id, skipped=True)
    _write_row(session, deal, target, now, user_id)
    deal.current_stage_id = target.id


def create_deal(
    session: Session,
    *,
    partner_id: int,
    deal_kind_id: int,
    name: str,
    manager_id: int | None = None,
    potential_amount: Decimal | int = Decimal(0),
    probability: int = 0,
    planned_close_date: dt.date | None = None,
    number: str | None = None,
    now: dt.datetime | None = None,
    user_id: int | None = None,
) -> Deal:
    now = now or utc_now()
    require_reference(session, Partner, partner_id, "partner_id")
    kind = require_reference(session, DealKind, deal_kind_id, "deal_kind_id")
    require_reference(session, User, manager_id, "manager_id")
    assert kind is not None  # deal_kind_id is not optional
    stages = kind_stages(session, kind.id) if kind.has_stages else []
    if kind.has_stages and not stages:
        raise ValidationFailed(
            "deal.kind_without_stages",
            f"Deal kind '{kind.name}' is a staged process but has no stages defined.",
            field="deal_kind_id",
        )
    number = clean_text(number)
    if number is not None:
        if session.scalar(select(Deal.id).where(Deal.number == number)) is not None:
            raise ValidationFailed(
                "deal.number_taken", f"Deal number {number} is already used.", field="number"
            )
    else:
        number = _next_number(session)
    deal = Deal(
        number=number,
        name=require_text(name, "name"),
        partner_id=partner_id,
        deal_kind_id=kind.id,
        manager_id=manager_id,
        status="in_progress",
        current_stage_id=stages[0].id if stages else None,
        potential_amount=_validate_amount(potential_amount),
        probability=_validate_probability(probability),
        planned_close_date=planned_close_date,
        created_at=now,
        updated_at=now,
    )
    session.add(deal)
    session.flush()
    if stages:
        _write_row(session, deal, stages[0], now, user_id)
        session.flush()
    return deal


def update_deal(
    session: Session,
    deal: Deal,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Deal:
    """Edit the descriptive attributes; status and stage change only through the actions."""
    check_version(deal, expected_version)
    changes = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    if changes and deal.status == "won":
        raise TransitionNotAllowed("deal.won_is_final", "A won deal is final and cannot be edited.")
    if "name" in changes:
        deal.name = require_text(changes["name"], "name")
    if "potential_amount" in changes:
        deal.potential_amount = _validate_amount(changes["potential_amount"])
    if "probability" in changes:
        deal.probability = _validate_probability(changes["probability"])
    if "planned_close_date" in changes:
        deal.planned_close_date = changes["planned_close_date"]
    if "manager_id" in changes:
        require_reference(session, User, changes["manager_id"], "manager_id")
        deal.manager_id = changes["manager_id"]
    session.flush()
    return deal


def advance_deal(
    session: Session,
    deal: Deal,
    stage_id: int,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Deal:
    now = now or utc_now()
    check_version(deal, expected_version)
    _require_in_progress(deal, "moved to another stage")
    kind = session.get(DealKind, deal.deal_kind_id)
    if kind is None or not kind.has_stages:
        raise TransitionNotAllowed(
            "deal.non_process_kind", "This deal kind has no stages; a deal of it cannot advance."
        )
    stages = kind_stages(session, kind.id)
    target = next((stage for stage in stages if stage.id == stage_id), None)
    if target is None:
        raise ValidationFailed(
            "deal.stage_not_of_kind",
            f"Stage {stage_id} is not a stage of deal kind '{kind.name}'.",
            field="stage_id",
            params={"stage_id": stage_id},
        )
    if target.sequence <= _current_sequence(session, deal):
        raise TransitionNotAllowed(
            "deal.stage_not_forward",
            f"A deal only moves forward: stage '{target.name}' is not after the current stage.",
            field="stage_id",
            params={"stage": target.name},
        )
    _move_to(session, deal, stages, target, now, user_id)
    deal.updated_at = now
    session.flush()
    return deal


def win_deal(
    session: Session,
    deal: Deal,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Deal:
    now = now or utc_now()
    check_version(deal, expected_version)
    _require_in_progress(deal, "won")
    kind = session.get(DealKind, deal.deal_kind_id)
    stages = kind_stages(session, deal.deal_kind_id) if kind and kind.has_stages else []
    if stages:
        final = stages[-1]
        # A win passes through the final stage: jumped-over stages count as skipped.
        if deal.current_stage_id != final.id:
            _move_to(session, deal, stages, final, now, user_id)
            session.flush()
        _close_open_row(session, deal, now)
    deal.status = "won"
    deal.closed_at = now
    deal.probability = 100
    deal.updated_at = now
    session.flush()
    return deal


def lose_deal(
    session: Session,
    deal: Deal,
    loss_reason_id: int | None,
    comment: str | None = None,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Deal:
    """The deal stays on its current stage: that is the stage it was lost at."""
    now = now or utc_now()
    check_version(deal, expected_version)
    _require_in_progress(deal, "lost")
    if loss_reason_id is None:
        raise ValidationFailed(
            "deal.loss_reason_required",
            "A loss reason is required to mark a deal lost.",
            field="loss_reason_id",
        )
    reason = session.get(LossReason, loss_reason_id)
    if reason is None or reason.deleted_at is not None:
        raise ValidationFailed(
            "deal.loss_reason_unknown",
            f"Loss reason {loss_reason_id} does not exist.",
            field="loss_reason_id",
            params={"id": loss_reason_id},
        )
    _close_open_row(session, deal, now)
    deal.status = "lost"
    deal.loss_reason_id = reason.id
    deal.loss_comment = clean_text(comment)
    deal.closed_at = now
    deal.probability = 0
    deal.updated_at = now
    session.flush()
    return deal


def reopen_deal(
    session: Session,
    deal: Deal,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Deal:
    now = now or utc_now()
    check_version(deal, expected_version)
    if deal.status == "won":
        raise TransitionNotAllowed("deal.won_is_final", "A won deal is final; it cannot reopen.")
    if deal.status != "lost":
        raise TransitionNotAllowed("deal.reopen_requires_lost", "Only a lost deal can be reopened.")
    deal.status = "in_progress"
    deal.loss_reason_id = None
    deal.loss_comment = None
    deal.closed_at = None
    deal.updated_at = now
    if deal.current_stage_id is not None:
        stage = session.get(SalesStage, deal.current_stage_id)
        if stage is not None:
            _write_row(session, deal, stage, now, user_id)
    session.flush()
    return deal
