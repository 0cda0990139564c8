"""Defaults that save the operator typing: the partner's manager on a new deal, the deal's (or
partner's) manager as the responsible of a new interaction, local time in time inputs."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import Deal, Interaction, User
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)


def selected(html: str, name: str) -> str:
    block = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)"\s+selected>', block.group(1))
    return chosen.group(1) if chosen else ""


def test_new_deal_takes_the_partners_manager(
    client: TestClient, db: Session, classifiers: Classifiers, admin: User
):
    partner = create_random_partner(db, manager_id=classifiers.other_manager.id)
    form = client.get(f"/deals/new?partner_id={partner.id}").text
    assert selected(form, "manager_id") == str(classifiers.other_manager.id)
    # Chosen in the form without the partner known beforehand: a blank manager is filled in.
    base = {"partner_id": str(partner.id), "deal_kind_id": str(classifiers.kind.id)}
    created = client.post("/deals", data={**base, "name": "Сделка А"}, follow_redirects=False)
    assert created.status_code == 303
    deal = db.scalars(select(Deal).where(Deal.name == "Сделка А")).one()
    assert deal.manager_id == classifiers.other_manager.id
    # An explicit choice wins.
    client.post(
        "/deals",
        data={**base, "name": "Сделка Б", "manager_id": str(classifiers.manager.id)},
        follow_redirects=False,
    )
    other = db.scalars(select(Deal).where(Deal.name == "Сделка Б")).one()
    assert other.manager_id == classifiers.manager.id


def test_interaction_responsible_defaults(
    client: TestClient, db: Session, classifiers: Classifiers, admin: User
):
    partner = create_random_partner(db, manager_id=classifiers.other_manager.id)
    deal = create_random_deal(
        db, classifiers, partner_id=partner.id, manager_id=classifiers.manager.id
    )
    by_deal = client.get(f"/interactions/new?deal_id={deal.id}").text
    assert selected(by_deal, "responsible_id") == str(classifiers.manager.id)
    by_partner = client.get(f"/interactions/new?partner_id={partner.id}").text
    assert selected(by_partner, "responsible_id") == str(classifiers.other_manager.id)
    nobody = create_random_partner(db)
    fallback = client.get(f"/interactions/new?partner_id={nobody.id}").text
    assert selected(fallback, "responsible_id") == str(admin.id)


def test_interaction_times_are_typed_and_shown_in_local_time(
    client: TestClient, db: Session, classifiers: Classifiers
):
    partner = create_random_partner(db)
    created = client.post(
        "/interactions",
        data={
            "kind": "call",
            "direction": "outbound",
            "partner_id": str(partner.id),
            "summary": "Звонок",
            "planned_at": "2026-07-01T10:00",
            "responsible_id": str(classifiers.manager.id),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    interaction = db.scalars(select(Interaction)).one()
    assert interaction.planned_at == dt.datetime(2026, 7, 1, 7, 0)  # Moscow is UTC+3
    card = client.get(created.headers["location"]).text
    assert "01.07.2026 10:00" in card
    assert 'name="planned_at" value="2026-07-01T10:00"' in card
    # Saving the form with the time untouched keeps the moment (no drift by the zone's offset).
    values = {
        "version": "1",
        "kind": "call",
        "direction": "outbound",
        "partner_id": str(partner.id),
        "summary": "Звонок",
        "planned_at": "2026-07-01T10:00",
        "responsible_id": str(classifiers.manager.id),
    }
    saved = client.post(
        f"/interactions/{interaction.id}/edit",
        data={**values, "summary": "Звонок клиенту"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    db.refresh(interaction)
    assert (interaction.planned_at, interaction.version) == (dt.datetime(2026, 7, 1, 7, 0), 2)
    # A stale copy lists only what really changed, not the unchanged time.
    stale = client.post(
        f"/interactions/{interaction.id}/edit",
        data={**values, "summary": "Другое"},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert 'data-field="summary"' in stale.text and 'data-field="planned_at"' not in stale.text
