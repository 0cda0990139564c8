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
from sqlalchemy.orm.util import identity_key

from operational_app.db.models import (
    Deal,
    DealKind,
    DealStageHistory,
    LossReason,
    MarketingEvent,
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
from operational_app.domain.deal_fields import EDITABLE_FIELDS
from operational_app.domain.errors import (
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.numbering import allocate_number

NUMBER_PREFIX = "СД-"
MAX_AMOUNT = Decimal("1e13")


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
    marketing_event_id: int | None = None,
) -> Deal:
    now = now or utc_now()
    require_reference(session, Partner, partner_id, "partner_id")
    require_reference(session, MarketingEvent, marketing_event_id, "marketing_event_id")
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
        marketing_event_id=marketing_event_id,
        created_at=now,
        updated_at=now,
    )
    session.add(deal)
    session.flush()
    if stages:
        session.add(
            DealStageHistory(
                deal_id=deal.id, stage_id=stages[0].id, entered_at=now, user_id=user_id
            )
        )
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
    if "marketing_event_id" in changes:
        event_id = changes["marketing_event_id"]
        require_reference(session, MarketingEvent, event_id, "marketing_event_id")
        deal.marketing_event_id = event_id
    session.flush()
    return deal


# The actions (advance, win, lose, reopen) are one read and one versioned write in plain SQL:
# the stage change is the busiest write of the app (bench/bench_api.py), and the statements are
# built once because constructing them costs more than running them on SQLite. Each action
# takes the deal's id and returns its row as it now stands, with its stage history under
# `stage_history`; a copy of the deal already loaded in the session is expired, so it reads the
# new state on next use.
_deals, _stages, _kinds = Deal.__table__, SalesStage.__table__, DealKind.__table__
_history, _loss_reasons = DealStageHistory.__table__, LossReason.__table__
# What an action may change on the deal, besides updated_at and version.
_ACTION_COLUMNS = (
    "current_stage_id",
    "status",
    "probability",
    "closed_at",
    "loss_reason_id",
    "loss_comment",
)
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
_SELECT_LOSS_REASON = select(_loss_reasons.c.id).where(
    _loss_reasons.c.id == bindparam("reason_id"), _loss_reasons.c.deleted_at.is_(None)
)
_UPDATE_DEAL = (
    update(_deals)
    .where(_deals.c.id == bindparam("b_deal_id"), _deals.c.version == bindparam("b_version"))
    .values(
        {name: bindparam(f"b_{name}") for name in _ACTION_COLUMNS}
        | {"updated_at": bindparam("b_now"), "version": bindparam("b_new_version")}
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
# PostgreSQL: the writes and the history read as one statement, atomic without a transaction
# (the API runs a stage change in autocommit, api/deps.py `run_write`). Data-modifying CTEs run
# once and to completion; the final SELECT sees the table as it was before them, so the rows
# `closed` just closed come back with left_at still empty and take :now here. The last row,
# all nulls, marks that `moved` updated the deal; without it another writer got there first.
_WRITE_POSTGRESQL = text(
    """
    with moved as (
        update deals
        set current_stage_id = :current_stage_id, status = :status,
            probability = :probability, closed_at = :closed_at,
            loss_reason_id = :loss_reason_id, loss_comment = :loss_comment,
            updated_at = :now, version = version + 1
        where id = :deal_id and version = :version
        returning id
    ),
    closed as (
        update deal_stage_history
        set left_at = :now, updated_at = :now, version = version + 1
        where deal_id in (select id from moved) and left_at is null
            and cast(:close_open as boolean)
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
            case when entry.is_closed then cast(:now as timestamp) end,
            entry.was_skipped,
            cast(:user_id as bigint),
            cast(:now as timestamp),
            cast(:now as timestamp),
            1
        from moved
        cross join unnest(
            cast(:stage_ids as bigint []),
            cast(:skipped as boolean []),
            cast(:closed as boolean [])
        ) with ordinality as entry (stage_id, was_skipped, is_closed, position)
        order by entry.position
        returning id, stage_id, entered_at, left_at, was_skipped, user_id
    )
    select
        history.id,
        history.stage_id,
        history.entered_at,
        case
            when cast(:close_open as boolean)
                then coalesce(history.left_at, cast(:now as timestamp))
            else history.left_at
        end as left_at,
        history.was_skipped,
        history.user_id
    from deal_stage_history as history
    where history.deal_id = :deal_id and exists (select from moved)
    union all
    select id, stage_id, entered_at, left_at, was_skipped, user_id from entered
    union all
    select null, null, null, null, null, null from moved
    order by entered_at, id
    """
)


def advance_deal(
    session: Session,
    deal_id: int,
    stage_id: int,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Move a deal forward to `stage_id`; stages jumped over are recorded as skipped."""
    now = now or utc_now()
    connection, deal, stages = _read(session, deal_id, expected_version)
    _require_in_progress(deal, "moved to another stage")
    if not deal.has_stages:
        raise TransitionNotAllowed(
            "deal.non_process_kind", "This deal kind has no stages; a deal of it cannot advance."
        )
    target = next((row for row in stages if row.stage_id == stage_id), None)
    if target is None:
        raise ValidationFailed(
            "deal.stage_not_of_kind",
            f"Stage {stage_id} is not a stage of deal kind '{deal.kind_name}'.",
            field="stage_id",
            params={"stage_id": stage_id},
        )
    skipped = _stages_jumped_over(connection, deal, stages, target)
    entries = [(skipped_id, True, True) for skipped_id in skipped]
    entries.append((target.stage_id, False, False))
    changes = {"current_stage_id": target.stage_id}
    return _write(session, deal, changes, entries, close_open=True, now=now, user_id=user_id)


def win_deal(
    session: Session,
    deal_id: int,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """A win passes through the final stage: stages jumped over count as skipped."""
    now = now or utc_now()
    connection, deal, stages = _read(session, deal_id, expected_version)
    _require_in_progress(deal, "won")
    changes: dict[str, Any] = {"status": "won", "closed_at": now, "probability": 100}
    entries: list[tuple[int, bool, bool]] = []
    staged = deal.has_stages and stages[-1].stage_id is not None
    final = stages[-1]
    if staged and deal.current_stage_id != final.stage_id:
        skipped = _stages_jumped_over(connection, deal, stages, final)
        entries = [(stage_id, True, True) for stage_id in skipped]
        entries.append((final.stage_id, False, True))
        changes["current_stage_id"] = final.stage_id
    return _write(session, deal, changes, entries, close_open=staged, now=now, user_id=user_id)


def lose_deal(
    session: Session,
    deal_id: int,
    loss_reason_id: int | None,
    comment: str | None = None,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """The deal stays on its current stage: that is the stage it was lost at."""
    now = now or utc_now()
    connection, deal, _ = _read(session, deal_id, expected_version)
    _require_in_progress(deal, "lost")
    if loss_reason_id is None:
        raise ValidationFailed(
            "deal.loss_reason_required",
            "A loss reason is required to mark a deal lost.",
            field="loss_reason_id",
        )
    if connection.execute(_SELECT_LOSS_REASON, {"reason_id": loss_reason_id}).first() is None:
        raise ValidationFailed(
            "deal.loss_reason_unknown",
            f"Loss reason {loss_reason_id} does not exist.",
            field="loss_reason_id",
            params={"id": loss_reason_id},
        )
    changes = {
        "status": "lost",
        "loss_reason_id": loss_reason_id,
        "loss_comment": clean_text(comment),
        "closed_at": now,
        "probability": 0,
    }
    return _write(session, deal, changes, [], close_open=True, now=now, user_id=user_id)


def reopen_deal(
    session: Session,
    deal_id: int,
    *,
    now: dt.datetime | None = None,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """A reopened deal enters again the stage it was lost at."""
    now = now or utc_now()
    _, deal, _ = _read(session, deal_id, expected_version)
    if deal.status == "won":
        raise TransitionNotAllowed("deal.won_is_final", "A won deal is final; it cannot reopen.")
    if deal.status != "lost":
        raise TransitionNotAllowed("deal.reopen_requires_lost", "Only a lost deal can be reopened.")
    changes = {"status": "in_progress", "loss_reason_id": None, "loss_comment": None}
    changes["closed_at"] = None
    entries = [] if deal.current_stage_id is None else [(deal.current_stage_id, False, False)]
    return _write(session, deal, changes, entries, close_open=False, now=now, user_id=user_id)


def _read(
    session: Session, deal_id: int, expected_version: int | None
) -> tuple[Connection, Row, Sequence[Row]]:
    """The deal with its kind's stages, after the session's pending changes are written."""
    session.flush()
    connection = session.connection()
    rows = connection.execute(_SELECT_DEAL_WITH_STAGES, {"deal_id": deal_id}).all()
    deal = rows[0] if rows else None
    if deal is None or deal.deleted_at is not None:
        raise not_found(Deal, deal_id)
    check_version(deal, expected_version)
    return connection, deal, rows


def _stages_jumped_over(
    connection: Connection, deal: Row, stages: Sequence[Row], target: Row
) -> list[int]:
    """The stages between the deal's current stage and `target`; refuses a move back."""
    current_sequence = _sequence_of(connection, stages, deal.current_stage_id)
    if target.stage_sequence <= current_sequence:
        raise TransitionNotAllowed(
            "deal.stage_not_forward",
            f"A deal only moves forward: stage '{target.stage_name}' is not after the current "
            "stage.",
            field="stage_id",
            params={"stage": target.stage_name},
        )
    return [
        row.stage_id
        for row in stages
        if current_sequence < row.stage_sequence < target.stage_sequence
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


def _write(
    session: Session,
    deal: Row,
    changes: Mapping[str, Any],
    entries: Sequence[tuple[int, bool, bool]],
    *,
    close_open: bool,
    now: dt.datetime,
    user_id: int | None,
) -> dict[str, Any]:
    """Write a checked action: one versioned UPDATE of the deal (0 rows = another writer got
    there first), then close the open history row (`close_open`) and insert `entries`, each
    (stage id, was skipped, is closed). Returns the deal's row with its stage history."""
    connection = session.connection()
    values = {name: getattr(deal, name) for name in _ACTION_COLUMNS} | dict(changes)
    if connection.dialect.name == "postgresql":
        result = connection.execute(
            _WRITE_POSTGRESQL,
            values
            | {
                "deal_id": deal.id,
                "version": deal.version,
                "now": now,
                "user_id": user_id,
                "close_open": close_open,
                "stage_ids": [entry[0] for entry in entries],
                "skipped": [entry[1] for entry in entries],
                "closed": [entry[2] for entry in entries],
            },
        )
        rows = [dict(row) for row in result.mappings()]
        if not rows:
            raise StaleDataError(f"deal {deal.id} changed while it was being written")
        history = [row for row in rows if row["id"] is not None]
    else:
        moved = connection.execute(
            _UPDATE_DEAL,
            {f"b_{name}": value for name, value in values.items()}
            | {
                "b_deal_id": deal.id,
                "b_version": deal.version,
                "b_new_version": deal.version + 1,
                "b_now": now,
            },
        )
        if moved.rowcount != 1:
            raise StaleDataError(f"deal {deal.id} changed while it was being written")
        if close_open:
            connection.execute(_CLOSE_OPEN_HISTORY, {"b_deal_id": deal.id, "b_now": now})
        if entries:
            row = {"deal_id": deal.id, "entered_at": now, "user_id": user_id, "created_at": now}
            row |= {"updated_at": now, "version": 1, "deleted_at": None}
            connection.execute(
                _INSERT_HISTORY,
                [
                    row
                    | {"stage_id": stage_id, "was_skipped": skipped}
                    | {"left_at": now if closed else None}
                    for stage_id, skipped, closed in entries
                ],
            )
        history = [
            dict(row)
            for row in connection.execute(_SELECT_HISTORY, {"deal_id": deal.id}).mappings()
        ]
    loaded = session.identity_map.get(identity_key(Deal, deal.id))  # read anew on next use
    if loaded is not None:
        session.expire(loaded)
    return (
        {column.name: getattr(deal, column.name) for column in _deals.c}
        | values
        | {
            "updated_at": now,
            "version": deal.version + 1,
            "stage_history": history,
        }
    )
