"""Рабочий стол менеджера at a pinned moment: today's and overdue planned interactions, deals
without a next step, sent offers expiring within the week; an administrator picks a manager."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import CommercialOffer, Interaction
from operational_app.domain.desktop import manager_desktop
from operational_app.web import desktop as desktop_page
from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.users import bearer, create_token

NOW = dt.datetime(2026, 3, 11, 9, 30)  # a Wednesday morning, UTC


def _interaction(db: Session, manager_id: int, deal, planned_at, status="planned") -> Interaction:
    interaction = Interaction(
        kind="call",
        partner_id=deal.partner_id,
        subject_type="deal",
        deal_id=deal.id,
        summary=f"Звонок {planned_at:%d.%m %H:%M}",
        planned_at=planned_at,
        status=status,
        done_at=planned_at if status == "done" else None,
        responsible_id=manager_id,
    )
    db.add(interaction)
    db.flush()
    return interaction


def _offer(db: Session, number: str, manager_id: int, partner_id: int, valid_until, status="sent"):
    offer = CommercialOffer(
        number=number,
        partner_id=partner_id,
        manager_id=manager_id,
        status=status,
        valid_until=valid_until,
        total_amount=Decimal("1000.00"),
    )
    db.add(offer)
    db.flush()
    return offer


@pytest.fixture
def desk(db: Session, classifiers: Classifiers) -> dict:
    me, other = classifiers.manager, classifiers.other_manager
    with_today = create_random_deal(db, classifiers, manager_id=me.id)
    with_overdue = create_random_deal(db, classifiers, manager_id=me.id)
    with_future = create_random_deal(db, classifiers, manager_id=me.id)
    only_done = create_random_deal(db, classifiers, manager_id=me.id)
    bare = create_random_deal(db, classifiers, manager_id=me.id)
    others = create_random_deal(db, classifiers, manager_id=other.id)
    rows = {
        "today_early": _interaction(db, me.id, with_today, NOW.replace(hour=7)),
        "today_late": _interaction(db, me.id, with_today, NOW.replace(hour=15)),
        "overdue": _interaction(db, me.id, with_overdue, NOW - dt.timedelta(days=2)),
        "future": _interaction(db, me.id, with_future, NOW + dt.timedelta(days=3)),
        "done": _interaction(db, me.id, only_done, NOW - dt.timedelta(days=1), "done"),
        "tomorrow": _interaction(db, me.id, with_future, NOW + dt.timedelta(days=1)),
        "someone_else": _interaction(db, other.id, others, NOW.replace(hour=11)),
    }
    partner = with_today.partner_id
    offers = {
        "today": _offer(db, "КП-1", me.id, partner, NOW.date()),
        "in_six_days": _offer(db, "КП-2", me.id, partner, NOW.date() + dt.timedelta(days=6)),
        "in_seven_days": _offer(db, "КП-3", me.id, partner, NOW.date() + dt.timedelta(days=7)),
        "yesterday": _offer(db, "КП-4", me.id, partner, NOW.date() - dt.timedelta(days=1)),
        "draft": _offer(db, "КП-5", me.id, partner, NOW.date(), status="draft"),
        "others": _offer(db, "КП-6", other.id, partner, NOW.date()),
    }
    db.commit()
    return {"me": me, "other": other, "rows": rows, "offers": offers, "deals": (only_done, bare)}


def _ids(block: dict) -> list[int]:
    return [row.id for row in block["rows"]]


def test_the_desktop_blocks_at_a_pinned_moment(db: Session, desk: dict) -> None:
    work = manager_desktop(db, desk["me"].id, NOW)
    rows, offers = desk["rows"], desk["offers"]
    assert _ids(work["today"]) == [rows["today_early"].id, rows["today_late"].id]
    assert _ids(work["overdue"]) == [rows["overdue"].id]
    # Planned steps (today, overdue or ahead) count; a done interaction is no next step.
    assert _ids(work["stalled_deals"]) == [deal.id for deal in desk["deals"]]
    assert _ids(work["expiring_offers"]) == [offers["today"].id, offers["in_six_days"].id]
    assert work["today"]["total"] == 2


def test_the_page_shows_the_signed_in_managers_desk_and_executives_choose(
    app_client: TestClient, db: Session, desk: dict, admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desktop_page, "utc_now", lambda: NOW)
    mine = app_client.get("/desktop", headers=bearer(create_token(db, desk["me"])))
    assert mine.status_code == 200
    totals = dict(re.findall(r'id="desk-(\w+)".*?data-total="(\d+)"', mine.text, re.S))
    assert totals == {"today": "2", "overdue": "1", "stalled_deals": "2", "expiring_offers": "2"}
    # A manager cannot look at someone else's desk: the parameter is ignored.
    peek = app_client.get(
        "/desktop",
        params={"manager_id": desk["other"].id},
        headers=bearer(create_token(db, desk["me"])),
    )
    assert desk["me"].full_name in peek.text and 'name="manager_id"' not in peek.text
    theirs = app_client.get(
        "/desktop",
        params={"manager_id": desk["other"].id},
        headers=bearer(create_token(db, admin)),
    )
    totals = dict(re.findall(r'id="desk-(\w+)".*?data-total="(\d+)"', theirs.text, re.S))
    assert totals == {"today": "1", "overdue": "0", "stalled_deals": "0", "expiring_offers": "1"}
