"""Рабочий стол менеджера (issue 26): what a manager has to do today.

- today: their planned interactions due on `now`'s day (UTC);
- overdue: their planned interactions due before that day;
- deals without a next step: their deals in progress with no planned interaction about them
  (a planned one, even overdue, is a next step: it shows under overdue);
- offers expiring this week: their sent offers (awaiting the customer) valid until a day from
  `now`'s day through six days later.

`now` is naive UTC and passed in, so nothing depends on the wall clock (tests pin it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import CommercialOffer, Deal, Interaction

DESKTOP_LIMIT = 50
OFFER_HORIZON_DAYS = 6


def manager_desktop(session: Session, manager_id: int, now: dt.datetime) -> dict[str, Any]:
    """The four blocks of the desktop, each `{"rows": [...], "total": n}`."""
    day_start = dt.datetime.combine(now.date(), dt.time())
    day_end = day_start + dt.timedelta(days=1)
    planned = (
        Interaction.deleted_at.is_(None),
        Interaction.status == "planned",
        Interaction.responsible_id == manager_id,
    )
    today = (
        select(Interaction)
        .where(*planned, Interaction.planned_at >= day_start, Interaction.planned_at < day_end)
        .order_by(Interaction.planned_at, Interaction.id)
    )
    overdue = (
        select(Interaction)
        .where(*planned, Interaction.planned_at < day_start)
        .order_by(Interaction.planned_at, Interaction.id)
    )
    next_steps = select(Interaction.deal_id).where(
        Interaction.deleted_at.is_(None),
        Interaction.status == "planned",
        Interaction.deal_id.is_not(None),
    )
    stalled = (
        select(Deal)
        .where(
            Deal.deleted_at.is_(None),
            Deal.status == "in_progress",
            Deal.manager_id == manager_id,
            Deal.id.not_in(next_steps),
        )
        .order_by(Deal.created_at, Deal.id)
    )
    expiring = (
        select(CommercialOffer)
        .where(
            CommercialOffer.deleted_at.is_(None),
            CommercialOffer.status == "sent",
            CommercialOffer.manager_id == manager_id,
            CommercialOffer.valid_until >= now.date(),
            CommercialOffer.valid_until <= now.date() + dt.timedelta(days=OFFER_HORIZON_DAYS),
        )
        .order_by(CommercialOffer.valid_until, CommercialOffer.id)
    )

    def block(query: Any) -> dict[str, Any]:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return {"rows": list(session.scalars(query.limit(DESKTOP_LIMIT))), "total": total}

    return {
        "today": block(today),
        "overdue": block(overdue),
        "stalled_deals": block(stalled),
        "expiring_offers": block(expiring),
    }
