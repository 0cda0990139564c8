"""Сделки с клиентами: the deal state machine and its stage history (DESIGN.md §4).

Status: in_progress -> won (final) | lost -> (reopen) in_progress.
Stages: a deal of a kind with stages sits on one stage and only moves forward; stages it jumps
over are written to `deal_stage_history` with `was_skipped = true` so the funnel counts them as
passed. Non-process kinds (`has_stages = false`) have no stage and no history.

Every service flushes and leaves the commit to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

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
from operational_app.domain.common import (
    clean_text,
    not_found,
    require_reference,
    require_text,
)
from operational_app.domain.errors import (
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.numbering import allocate_number

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
    return allocate_number(session, Deal, NUMBER_PREFIX)


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
    """Move a loaded deal forward (pages, import); see `advance_deal_by_id` for the rules."""
    check_version(deal, expected_version)
    session.flush()  # pending changes of this deal reach the database before the SQL below
    advance_deal_by_id(
        session, deal.id, stage_id, now=now, user_id=user_id, expected_version=deal.version
    )
    session.refresh(deal)
    return deal


# The statements of the stage change, built once: constructing SQL expressions costs more than
# running them on SQLite (bench/bench_api.py).
_deals, _stages, _kinds = Deal.__table__, SalesStage.__table__, DealKind.__table__
_history = DealStageHistory.__table__
# The deal with its kind's live stages in process order: one row per stage (one row with no
# stage for a kind without stages).
_SELECT_DEAL_WITH_STAGES = (
    select(
        _deals,
        _kinds.c.name.label("kind_name"),
        _kinds.c.has_stages,
        _stages.c.id.label("stage_id"),
        _stages.c.name.label("stage_name"),
        _stages.c.sequence.label("stage_sequence"),
    )
    .select_from(_deals)
    .join(_kinds, _kinds.c.id == _deals.c.deal_kind_id)
    .outerjoin(_stages, (_stages.c.deal_kind_id == _kinds.c.id) & _stages.c.deleted_at.is_(None))
    .where(_deals.c.id == bindparam("deal_id"))
    .order_by(_stages.c.sequence)
)
_SELECT_STAGE_SEQUENCE = select(_stages.c.sequence).where(_stages.c.id == bindparam("stage_id"))
_MOVE_DEAL = (
    update(_deals)
    .where(_deals.c.id == bindparam("b_deal_id"), _deals.c.version == bindparam("b_version"))
    .values(
        current_stage_id=bindparam("b_stage_id"),
        updated_at=bindparam("b_now"),
        version=bindparam("b_new_version"),
    )
)
_CLOSE_OPEN_HISTORY = (
    update(_history)
    .where(_history.c.deal_id == bindparam("b_deal_id"), _history.c.left_at.is_(None))
    .values(
        left_at=bindparam("b_now"), updated_at=bindparam("b_now"), version=_history.c.version + 1
    )
)
_INSERT_HISTORY = insert(_history)
_SELECT_HISTORY = (
    select(
        _history.c.id,
        _history.c.stage_id,
        _history.c.entered_at,
        _history.c.left_at,
        _history.c.was_skipped,
        _history.c.user_id,
    )
    .where(_history.c.deal_id == bindparam("deal_id"))
    .order_by(_history.c.entered_at, _history.c.id)
)
# PostgreSQL: the three writes above and the history read as one statement. Data-modifying
# CTEs run once and to completion; the final SELECT sees the table as it was before them, so
# the rows `closed` just closed come back with left_at still empty and take :now here. No row
# at all means `moved` updated nothing: another writer got there first.
_MOVE_DEAL_POSTGRESQL = text(
    """
    with moved as (
        update deals
        set current_stage_id = :stage_id, updated_at = :now, version = version + 1
        where id = :deal_id and version = :version
        returning id
    ),
    closed as (
        update deal_stage_history
        set left_at = :now, updated_at = :now, version = version + 1
        where deal_id in (select id from moved) and left_at is null
    ),
    entered as (
        insert into deal_stage_history (
            deal_id, stage_id, entered_at, left_at, was_skipped, user_id,
            created_at, updated_at, version
        )
        select
            moved.id,
            entry.stage_id,
            cast(:now as timestamp),
            case when entry.was_skipped then cast(:now as timestamp) end,
            entry.was_skipped,
            cast(:user_id as bigint),
            cast(:now as timestamp),
            cast(:now as timestamp),
            1
        from moved
        cross join unnest(cast(:stage_ids as bigint []), cast(:skipped as boolean []))
            with ordinality as entry (stage_id, was_skipped, position)
        order by entry.position
        returning id, stage_id, entered_at, left_at, was_skipped, user_id
    )
    select
        history.id,
        history.stage_id,
        history.entered_at,
        coalesce(history.left_at, cast(:now as timestamp)) as left_at,
        history.was_skipped,
        history.user_id
    from deal_stage_history as history
    where history.deal_id = :deal_id and exists (select from moved)
    union all
    select id, stage_id, entered_at, left_at, was_skipped, user_id from entered
    order by entered_at, id
    """
)


def advance_deal_by_id(
    session: Session,
    deal_id: int,
    stage_id: int,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Move a deal forward to `stage_id`; returns the deal's row as it now stands, with its
    stage history under `stage_history`.

    The busiest write of the app (bench/bench_api.py), so it is a few SQL statements rather
    than ORM loads: read the deal with its kind's stages, then one versioned UPDATE of the
    deal (0 rows = another writer got there first), close the open history row and insert the
    new one plus any stages jumped over (recorded as skipped). On PostgreSQL the writes are one
    statement (`_MOVE_DEAL_POSTGRESQL`), atomic without a transaction: the API runs this in
    autocommit (api/deps.py `run_write`), two round trips in all.
    """
    now = now or utc_now()
    connection = session.connection()
    rows = connection.execute(_SELECT_DEAL_WITH_STAGES, {"deal_id": deal_id}).all()
    deal = rows[0] if rows else None
    if deal is None or deal.deleted_at is not None:
        raise not_found(Deal, deal_id)
    check_version(deal, expected_version)
    _require_in_progress(deal, "moved to another stage")
    if not deal.has_stages:
        raise TransitionNotAllowed(
            "deal.non_process_kind", "This deal kind has no stages; a deal of it cannot advance."
        )
    target = next((row for row in rows if row.stage_id == stage_id), None)
    if target is None:
        raise ValidationFailed(
            "deal.stage_not_of_kind",
            f"Stage {stage_id} is not a stage of deal kind '{deal.kind_name}'.",
            field="stage_id",
            params={"stage_id": stage_id},
        )
    current_sequence = _sequence_of(connection, rows, deal.current_stage_id)
    if target.stage_sequence <= current_sequence:
        raise TransitionNotAllowed(
            "deal.stage_not_forward",
            f"A deal only moves forward: stage '{target.stage_name}' is not after the current "
            "stage.",
            field="stage_id",
            params={"stage": target.stage_name},
        )
    skipped = [
        row.stage_id
        for row in rows
        if current_sequence < row.stage_sequence < target.stage_sequence
    ]
    history = _move_deal(connection, deal, target.stage_id, skipped, now=now, user_id=user_id)
    return {column.name: getattr(deal, column.name) for column in _deals.c} | {
        "current_stage_id": target.stage_id,
        "updated_at": now,
        "version": deal.version + 1,
        "stage_history": history,
    }


def _move_deal(
    connection: Connection,
    deal: Row,
    stage_id: int,
    skipped: list[int],
    *,
    now: dt.datetime,
    user_id: int | None,
) -> list[dict[str, Any]]:
    """Write a checked stage change; returns the deal's stage history, oldest first."""
    if connection.dialect.name == "postgresql":
        history = connection.execute(
            _MOVE_DEAL_POSTGRESQL,
            {
                "deal_id": deal.id,
                "version": deal.version,
                "stage_id": stage_id,
                "now": now,
                "user_id": user_id,
                "stage_ids": [*skipped, stage_id],
                "skipped": [True] * len(skipped) + [False],
            },
        )
        rows = [dict(row) for row in history.mappings()]
        if not rows:
            raise StaleDataError(f"deal {deal.id} changed while it was being moved")
        return rows
    moved = connection.execute(
        _MOVE_DEAL,
        {
            "b_deal_id": deal.id,
            "b_version": deal.version,
            "b_new_version": deal.version + 1,
            "b_stage_id": stage_id,
            "b_now": now,
        },
    )
    if moved.rowcount != 1:
        raise StaleDataError(f"deal {deal.id} changed while it was being moved")
    connection.execute(_CLOSE_OPEN_HISTORY, {"b_deal_id": deal.id, "b_now": now})
    row = {"deal_id": deal.id, "entered_at": now, "user_id": user_id, "created_at": now}
    row |= {"updated_at": now, "version": 1, "deleted_at": None}
    rows = [
        row | {"stage_id": skipped_id, "left_at": now, "was_skipped": True}
        for skipped_id in skipped
    ]
    rows.append(row | {"stage_id": stage_id, "left_at": None, "was_skipped": False})
    connection.execute(_INSERT_HISTORY, rows)
    return [
        dict(row) for row in connection.execute(_SELECT_HISTORY, {"deal_id": deal.id}).mappings()
    ]


def _sequence_of(connection: Connection, kind_stages: Sequence[Row], stage_id: int | None) -> int:
    """The sequence of the deal's current stage (0 before the first); a stage removed from
    the kind since keeps its place."""
    if stage_id is None:
        return 0
    for stage in kind_stages:
        if stage.stage_id == stage_id:
            return stage.stage_sequence
    sequence = connection.execute(_SELECT_STAGE_SEQUENCE, {"stage_id": stage_id}).scalar()
    return sequence if sequence is not None else 0


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
            advance_deal(session, deal, final.id, now=now, user_id=user_id)
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
