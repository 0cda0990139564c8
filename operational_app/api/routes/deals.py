"""Сделки с клиентами: CRUD plus the state-machine actions (advance, win, lose, reopen)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session

from operational_app.api.deps import (
    CurrentUser,
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
    run_write,
)
from operational_app.api.schemas import (
    DealAction,
    DealAdvance,
    DealCreate,
    DealDetail,
    DealLose,
    DealPublic,
    DealStatus,
    DealUpdate,
    Paged,
    StageHistoryPublic,
)
from operational_app.db.models import Deal
from operational_app.domain import deals as service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["deals"])


def _detail(session: SessionDep, deal: Deal) -> DealDetail:
    history = service.stage_history(session, deal.id)
    return DealDetail.model_validate(
        {
            **DealPublic.model_validate(deal).model_dump(),
            "stage_history": [StageHistoryPublic.model_validate(row) for row in history],
        }
    )


@router.get("/deals", response_model=Paged[DealPublic])
def list_deals(
    session: SessionDep,
    q: SearchText = None,
    status: DealStatus | None = None,
    partner_id: IdFilter = None,
    manager_id: IdFilter = None,
    deal_kind_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[DealPublic]:
    """List deals (Сделки с клиентами), filtered and paged.

    `q` searches the name and number; filter by `status` (in_progress, won, lost), `partner_id`,
    `manager_id` or `deal_kind_id`."""
    page = queries.list_deals(
        session,
        q=q,
        status=status,
        partner_id=partner_id,
        manager_id=manager_id,
        deal_kind_id=deal_kind_id,
        limit=limit,
        offset=offset,
    )
    return Paged[DealPublic].of(page.items, page.total)


@router.get("/deals/{deal_id}", response_model=DealDetail)
def get_deal(session: SessionDep, deal_id: IdPath) -> DealDetail:
    """Read a deal with its stage history (История этапов), oldest stage first."""
    return _detail(session, get_or_404(session, Deal, deal_id))


@router.post("/deals", response_model=DealDetail, status_code=status.HTTP_201_CREATED)
def create_deal(session: SessionDep, user: CurrentUser, body: DealCreate) -> DealDetail:
    """Open a deal (Сделка с клиентом).

    It starts in_progress on the first stage of its kind when the kind has stages. `number` is
    assigned when omitted; a number in use is `deal.number_taken`. `potential_amount` and
    `probability` are range-checked (`deal.amount_range`, `deal.probability_range`)."""
    deal = service.create_deal(session, **body.model_dump(), user_id=user.id)
    session.commit()
    return _detail(session, deal)


@router.patch("/deals/{deal_id}", response_model=DealDetail)
def update_deal(session: SessionDep, deal_id: IdPath, body: DealUpdate) -> DealDetail:
    """Change a deal's descriptive fields (PATCH).

    Name, amount, probability, planned close date and manager only: status and stage change only
    through /advance, /win, /lose and /reopen. A won deal is final (`deal.won_is_final`). Send the
    `version` you read: an older one is 409 `stale_version`."""
    deal = get_or_404(session, Deal, deal_id)
    service.update_deal(session, deal, body.changes(), expected_version=body.version)
    session.commit()
    return _detail(session, deal)


# The actions run on the app's write executor in autocommit: each writes in one statement on
# PostgreSQL, guarded by the deal's version (api/deps.py `run_write`). They return plain rows,
# validated once against DealDetail by FastAPI (no ORM objects to load).


@router.post("/deals/{deal_id}/advance", response_model=DealDetail)
async def advance_deal(
    request: Request, user: CurrentUser, deal_id: IdPath, body: DealAdvance
) -> dict[str, Any]:
    """Move an in-progress deal forward to a stage of its kind (Этап продаж).

    Stages jumped over are recorded as skipped. Refused: a kind without stages
    (`deal.non_process_kind`), a stage of another kind (`deal.stage_not_of_kind`), a move back or
    to the same stage (`deal.stage_not_forward`), a deal not in progress (`deal.not_in_progress`).
    `version`, when sent, must be current (409 `stale_version`)."""

    def advance(session: Session) -> dict[str, Any]:
        return service.advance_deal(
            session, deal_id, body.stage_id, expected_version=body.version, user_id=user.id
        )

    return await run_write(request, advance, atomic_statements=True)


@router.post("/deals/{deal_id}/win", response_model=DealDetail)
async def win_deal(
    request: Request, user: CurrentUser, deal_id: IdPath, body: DealAction | None = None
) -> dict[str, Any]:
    """Win a deal (Выиграна): status won, closed now; final.

    The deal passes through its kind's last stage; stages jumped over count as skipped. Only an
    in-progress deal (`deal.not_in_progress`). The body, with `version`, is optional."""

    def win(session: Session) -> dict[str, Any]:
        version = body.version if body else None
        return service.win_deal(session, deal_id, expected_version=version, user_id=user.id)

    return await run_write(request, win, atomic_statements=True)


@router.post("/deals/{deal_id}/lose", response_model=DealDetail)
async def lose_deal(
    request: Request, user: CurrentUser, deal_id: IdPath, body: DealLose
) -> dict[str, Any]:
    """Lose a deal (Проиграна): status lost, closed now, with a loss reason.

    The deal stays on the stage it was lost at. `loss_reason_id` is required
    (`deal.loss_reason_required`) and must be a live reason (`deal.loss_reason_unknown`); only an
    in-progress deal (`deal.not_in_progress`)."""

    def lose(session: Session) -> dict[str, Any]:
        return service.lose_deal(
            session,
            deal_id,
            body.loss_reason_id,
            body.comment,
            expected_version=body.version,
            user_id=user.id,
        )

    return await run_write(request, lose, atomic_statements=True)


@router.post("/deals/{deal_id}/reopen", response_model=DealDetail)
async def reopen_deal(
    request: Request, user: CurrentUser, deal_id: IdPath, body: DealAction | None = None
) -> dict[str, Any]:
    """Reopen a lost deal: back to in_progress on the stage it was lost at.

    Only a lost deal (`deal.reopen_requires_lost`); a won deal is final (`deal.won_is_final`). The
    body, with `version`, is optional."""

    def reopen(session: Session) -> dict[str, Any]:
        version = body.version if body else None
        return service.reopen_deal(session, deal_id, expected_version=version, user_id=user.id)

    return await run_write(request, reopen, atomic_statements=True)
