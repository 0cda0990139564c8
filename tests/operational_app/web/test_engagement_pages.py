"""Engagement pages: plain form posts, errors beside fields, the Предмет chain navigable."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import Claim, ContactPerson, Interaction
from tests.operational_app.utils.engagement import contact, order_with_shipment
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)
from tests.operational_app.utils.users import bearer, create_token, create_user


def post(client: TestClient, url: str, **kwargs: object):
    return client.post(url, follow_redirects=False, **kwargs)


def test_admin_classifier_pages(client: TestClient, db: Session, classifiers: Classifiers):
    index = client.get("/admin/classifiers")
    assert index.status_code == 200 and "Причины претензий" in index.text
    created = post(client, "/admin/classifiers/claim-reasons", data={"name": "Качество"})
    assert created.status_code == 303
    duplicate_role = post(client, "/admin/classifiers/partner-roles", data={"name": ""})
    assert duplicate_role.status_code == 422 and 'id="name-error"' in duplicate_role.text
    stages = client.get(f"/admin/classifiers/sales-stages?deal_kind_id={classifiers.kind.id}")
    assert stages.status_code == 200 and "Квалификация" in stages.text
    second = classifiers.stages[1]
    assert post(client, f"/admin/classifiers/sales-stages/{second.id}/up").status_code == 303
    db.expire_all()
    assert second.sequence == 10
    create_random_deal(db, classifiers)  # sits on the (new) first stage: second
    refused = post(client, f"/admin/classifiers/sales-stages/{second.id}/delete", data={})
    assert refused.status_code == 409 and "сделки в работе" in refused.text
    stale = post(
        client,
        f"/admin/classifiers/loss-reasons/{classifiers.loss_reasons[0].id}/edit",
        data={"version": "7", "name": "Дорого"},
    )
    assert stale.status_code == 409 and 'id="stale-changes"' in stale.text
    assert "Высокая цена" in stale.text and 'value="Дорого"' in stale.text
    operator = bearer(create_token(db, create_user(db, "operator")))
    assert client.get("/admin/classifiers", headers=operator).status_code == 403
    assert (
        post(
            client, "/admin/classifiers/partner-roles", data={"name": "X"}, headers=operator
        ).status_code
        == 403
    )


def test_partner_card_sections_and_contact_forms(client: TestClient, db: Session):
    partner = create_random_partner(db)
    typed = {"partner_id": str(partner.id), "full_name": "Кузнецова Ольга", "email": "not-an-email"}
    refused = post(client, "/contacts", data=typed)
    assert refused.status_code == 422 and 'id="email-error"' in refused.text
    assert 'value="Кузнецова Ольга"' in refused.text
    created = post(client, "/contacts", data={**typed, "email": "olga@example.ru"})
    assert created.status_code == 303
    person = db.scalars(select(ContactPerson)).one()
    card = client.get(f"/partners/{partner.id}").text
    assert "Контактные лица" in card and "Кузнецова Ольга" in card
    assert f'href="/claims/new?partner_id={partner.id}&amp;source=partner_card"' in card
    assert "Взаимодействия" in card and "Претензии клиентов" in card
    stale = post(
        client, f"/contacts/{person.id}/edit", data={"version": "99", "full_name": "Иная Ольга"}
    )
    assert stale.status_code == 409 and "Кузнецова Ольга" in stale.text
    assert client.get("/contacts", params={"q": "кузнецова"}).text.count("/contacts/") >= 1


def test_file_claim_from_partner_card_and_work_it(client: TestClient, db: Session):
    partner = create_random_partner(db)
    _, shipment = order_with_shipment(db, partner.id)
    form = client.get(f"/claims/new?partner_id={partner.id}&source=partner_card")
    assert form.status_code == 200 and "Карточка партнёра" in form.text
    no_shipment = post(
        client,
        "/claims",
        data={
            "partner_id": str(partner.id),
            "source": "discrepancy_act",
            "claimed_amount": "1 500,50",
        },
    )
    assert no_shipment.status_code == 422 and 'id="shipment_id-error"' in no_shipment.text
    assert 'value="1 500,50"' in no_shipment.text
    created = post(
        client,
        "/claims",
        data={
            "partner_id": str(partner.id),
            "source": "partner_card",
            "claimed_amount": "1 500,50",
        },
    )
    assert created.status_code == 303
    claim = db.scalars(select(Claim)).one()
    url = f"/claims/{claim.id}"
    assert post(client, f"{url}/take", data={"version": "1"}).status_code == 303
    assert post(client, f"{url}/add_task", data={"title": "Осмотр"}).status_code == 303
    no_result = post(client, f"{url}/resolve", data={"version": "2"})
    assert no_result.status_code == 422 and "Укажите результат" in no_result.text
    blocked = post(client, f"{url}/resolve", data={"version": "2", "result": "satisfied"})
    assert blocked.status_code == 409 and "открыто задач" in blocked.text
    forced = post(
        client, f"{url}/resolve", data={"version": "2", "result": "satisfied", "force": "1"}
    )
    assert forced.status_code == 303
    card = client.get(url).text
    assert "Решена" in card and "Удовлетворена" in card and "План работ" in card
    assert str(shipment.number) not in card  # not chosen
    listed = client.get("/claims", params={"status": "resolved"}).text
    assert claim.number in listed


def test_interaction_subject_chain(client: TestClient, db: Session, classifiers: Classifiers):
    partner, other = create_random_partner(db), create_random_partner(db)
    deal = create_random_deal(db, classifiers, partner_id=partner.id)
    foreign_deal = create_random_deal(db, classifiers, partner_id=other.id)
    deal_card = client.get(f"/deals/{deal.id}").text
    assert f'href="/interactions/new?deal_id={deal.id}"' in deal_card
    form = client.get(f"/interactions/new?deal_id={deal.id}").text
    assert f'value="deal:{deal.id}" selected' in form
    base = {
        "kind": "call",
        "direction": "outbound",
        "partner_id": str(partner.id),
        "summary": "Уточнить сроки",
        "planned_at": "2026-03-02T09:00",
    }
    mismatch = post(client, "/interactions", data={**base, "subject": f"deal:{foreign_deal.id}"})
    assert mismatch.status_code == 422 and 'id="subject-error"' in mismatch.text
    assert 'value="Уточнить сроки"' in mismatch.text
    created = post(client, "/interactions", data={**base, "subject": f"deal:{deal.id}"})
    assert created.status_code == 303
    interaction = db.scalars(select(Interaction)).one()
    card = client.get(f"/interactions/{interaction.id}").text
    assert f'href="/deals/{deal.id}"' in card and "Телефонный звонок" in card
    assert "Уточнить сроки" in client.get(f"/deals/{deal.id}").text
    no_time = post(
        client, f"/interactions/{interaction.id}/complete", data={"version": "1", "done_at": ""}
    )
    assert no_time.status_code == 422
    done = post(
        client,
        f"/interactions/{interaction.id}/complete",
        data={"version": "1", "done_at": "2026-03-02T10:00"},
    )
    assert done.status_code == 303
    assert (
        post(client, f"/interactions/{interaction.id}/review", data={"version": "2"}).status_code
        == 303
    )
    html = client.get("/interactions", params={"status": "done", "is_reviewed": "yes"}).text
    assert re.search(r'id="total">1<', html)


def test_english_labels(client_en: TestClient, db: Session):
    partner = create_random_partner(db)
    contact(db, partner.id)
    html = client_en.get(f"/partners/{partner.id}").text
    assert "Contact persons" in html and "File a claim" in html and "Контактные лица" not in html
    assert "Customer claims" in client_en.get("/claims").text
