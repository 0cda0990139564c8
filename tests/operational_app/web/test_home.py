"""The home page is the signed-in person's desk: their overdue interactions, open deals and
claims in work, each with a link; nobody else's."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import User
from operational_app.domain import deals as deal_service
from operational_app.domain import interactions as interaction_service
from operational_app.web.home import my_work
from tests.operational_app.utils import engagement
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)

NOW = dt.datetime(2026, 6, 30, 12, 0)  # a fixed "now": nothing here reads the clock


def _plan(db: Session, partner_id: int, summary: str, at: dt.datetime, who: int) -> object:
    made = interaction_service.create_interaction(
        db, kind="call", partner_id=partner_id, summary=summary, planned_at=at, responsible_id=who
    )
    db.commit()
    return made


def test_my_work_selects_only_mine_and_only_open(
    db: Session, classifiers: Classifiers, admin: User
):
    me, other = admin.id, classifiers.manager.id
    partner = create_random_partner(db)
    _plan(db, partner.id, "Старый звонок", NOW - dt.timedelta(days=40), me)
    _plan(db, partner.id, "Вчерашний звонок", NOW - dt.timedelta(days=1), me)
    _plan(db, partner.id, "Будущий звонок", NOW + dt.timedelta(days=1), me)
    _plan(db, partner.id, "Чужой звонок", NOW - dt.timedelta(days=1), other)
    done = _plan(db, partner.id, "Сделанный звонок", NOW - dt.timedelta(days=2), me)
    interaction_service.complete_interaction(db, done, NOW - dt.timedelta(days=2))
    db.commit()
    mine = create_random_deal(db, classifiers, partner_id=partner.id, manager_id=me)
    create_random_deal(db, classifiers, partner_id=partner.id, manager_id=other)
    lost = create_random_deal(db, classifiers, partner_id=partner.id, manager_id=me)
    deal_service.lose_deal(db, lost.id, classifiers.loss_reasons[0].id, None)
    db.commit()
    registered = engagement.claim(db, partner.id, responsible_id=me)
    in_work = engagement.claim_in_work(db, partner.id, responsible_id=me)
    engagement.claim_in_work(db, partner.id, responsible_id=other)

    work = my_work(db, me, NOW)
    assert [i.summary for i in work["overdue"]["rows"]] == ["Старый звонок", "Вчерашний звонок"]
    assert work["overdue"]["total"] == 2
    assert [d.id for d in work["deals"]["rows"]] == [mine.id]
    assert {c.id for c in work["claims"]["rows"]} == {registered.id, in_work.id}
    # A year later the future call is overdue too.
    later = my_work(db, me, NOW + dt.timedelta(days=365))
    assert later["overdue"]["total"] == 3


def test_home_page_links_my_work(
    client: TestClient, db: Session, classifiers: Classifiers, admin: User
):
    partner = create_random_partner(db, name="ООО «Домашний»")
    call = _plan(db, partner.id, "Перезвонить", dt.datetime(2020, 1, 10, 9, 0), admin.id)
    deal = create_random_deal(db, classifiers, partner_id=partner.id, manager_id=admin.id)
    claim = engagement.claim_in_work(db, partner.id, responsible_id=admin.id)
    html = client.get("/").text
    assert admin.full_name in html
    overdue = re.search(r'<section class="desk-block" id="my-overdue">.*?</section>', html, re.S)
    assert overdue and f'<a href="/interactions/{call.id}">Перезвонить</a>' in overdue.group(0)
    assert "10.01.2020 12:00" in overdue.group(0)  # 09:00 UTC in Moscow
    deals = re.search(r'id="my-deals">.*?</section>', html, re.S).group(0)
    assert f'<a href="/deals/{deal.id}">{deal.number}</a>' in deals
    assert f'<a href="/partners/{partner.id}">ООО «Домашний»</a>' in deals
    claims = re.search(r'id="my-claims">.*?</section>', html, re.S).group(0)
    assert f'<a href="/claims/{claim.id}">{claim.number}</a>' in claims
    assert f"/deals?status=in_progress&amp;manager_id={admin.id}" in html


def test_menu_is_grouped_like_1c(client: TestClient):
    html = client.get("/").text
    sections = re.findall(r'<div class="menu-section" data-section="(\w+)">', html)
    assert sections == ["crm", "sales", "nsi", "admin"]
    for title in ("CRM и маркетинг", "Продажи", "НСИ", "Администрирование"):
        assert f'tabindex="0">{title}</span>' in html
    crm = re.search(r'data-section="crm">.*?</div>\s*</div>', html, re.S).group(0)
    for href in ("/partners", "/deals", "/interactions", "/claims", "/contacts"):
        assert f'href="{href}"' in crm
    assert "BANNER SLOT" not in html  # the slot's comment is a template comment, not output
