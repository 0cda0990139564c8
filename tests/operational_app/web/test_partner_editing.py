"""The partner card: edit the partner (optimistic lock), add, edit and delete its legal entities."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Counterparty, Partner
from operational_app.domain import partners as partner_service
from tests.operational_app.utils.factories import (
    Classifiers,
    legal_entity_inn,
    personal_inn,
)


def post(client: TestClient, url: str, data: dict[str, object]):
    return client.post(url, data=data, follow_redirects=False)


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<span class="error" id="{name}-error">([^<]*)</span>', html)
    assert match, f"no error shown next to {name}"
    return match.group(1)


def _partner_with_entity(db: Session, classifiers: Classifiers) -> tuple[Partner, Counterparty]:
    partner, counterparty = partner_service.create_partner_with_counterparty(
        db,
        partner={"name": "ООО «Старт»", "manager_id": classifiers.manager.id},
        counterparty={
            "legal_form": "legal_entity",
            "inn": legal_entity_inn(),
            "kpp": "773601001",
            "legal_name": "ООО «Старт»",
            "legal_address": "г. Москва, ул. Тверская, д. 1",
            "phone": "+7 495 111-22-33",
        },
    )
    db.commit()
    return partner, counterparty


def test_card_shows_address_phone_and_edit_links(
    client: TestClient, db: Session, classifiers: Classifiers
):
    partner, counterparty = _partner_with_entity(db, classifiers)
    html = client.get(f"/partners/{partner.id}").text
    assert re.search(r'id="partner-address">г\. Москва, ул\. Тверская, д\. 1<', html)
    assert re.search(r'id="partner-phone">\+7 495 111-22-33<', html)
    assert f'href="/partners/{partner.id}/edit"' in html
    assert f'href="/counterparties/{counterparty.id}"' in html
    assert f'href="/partners/{partner.id}/counterparties/new"' in html


def test_edit_partner_saves_and_refuses_a_stale_copy(
    client: TestClient, db: Session, classifiers: Classifiers
):
    partner, _ = _partner_with_entity(db, classifiers)
    form = client.get(f"/partners/{partner.id}/edit").text
    assert 'name="version" value="1"' in form
    typed = {
        "version": "1",
        "name": "ООО «Старт-2»",
        "kind": "supplier",
        "business_region_id": str(classifiers.region.id),
        "manager_id": str(classifiers.other_manager.id),
        "comment": "Ключевой клиент",
    }
    saved = post(client, f"/partners/{partner.id}/edit", typed)
    assert (saved.status_code, saved.headers["location"]) == (303, f"/partners/{partner.id}")
    db.refresh(partner)
    assert (partner.name, partner.kind, partner.version) == ("ООО «Старт-2»", "supplier", 2)
    assert partner.manager_id == classifiers.other_manager.id
    card = client.get(f"/partners/{partner.id}").text
    assert classifiers.region.name in card and classifiers.other_manager.full_name in card

    # Someone else's form, opened at version 1, is refused with what changed, nothing lost.
    stale = post(
        client,
        f"/partners/{partner.id}/edit",
        {**typed, "name": "Чужая правка", "manager_id": str(classifiers.manager.id)},
    )
    assert stale.status_code == 409
    assert 'id="stale-changes"' in stale.text
    assert re.search(r'data-field="name">.*?ООО «Старт-2».*?Чужая правка', stale.text, re.S)
    # Names, not ids, for the manager.
    manager_row = re.search(r'data-field="manager_id">(.*?)</tr>', stale.text, re.S)
    assert manager_row and classifiers.other_manager.full_name in manager_row.group(1)
    assert classifiers.manager.full_name in manager_row.group(1)
    # The form now carries the stored version, so saving again is a deliberate overwrite.
    assert 'name="version" value="2"' in stale.text
    db.refresh(partner)
    assert partner.name == "ООО «Старт-2»"


def test_edit_partner_bad_input_is_a_form_error(
    client: TestClient, db: Session, classifiers: Classifiers
):
    partner, _ = _partner_with_entity(db, classifiers)
    blank = post(client, f"/partners/{partner.id}/edit", {"version": "1", "name": " "})
    assert blank.status_code == 422 and field_error(blank.text, "name") == "Заполните поле."
    no_version = post(client, f"/partners/{partner.id}/edit", {"name": "X"})
    assert no_version.status_code == 422
    unknown_manager = post(
        client,
        f"/partners/{partner.id}/edit",
        {"version": "1", "name": "X", "manager_id": "999999"},
    )
    assert unknown_manager.status_code == 422
    assert client.get("/partners/999999/edit").status_code == 404
    db.refresh(partner)
    assert (partner.name, partner.version) == ("ООО «Старт»", 1)


def test_add_edit_delete_counterparty(client: TestClient, db: Session, classifiers: Classifiers):
    partner, main = _partner_with_entity(db, classifiers)
    inn = personal_inn()
    added = post(
        client,
        f"/partners/{partner.id}/counterparties",
        {
            "legal_form": "individual_entrepreneur",
            "inn": inn,
            "legal_name": "ИП Петров П. П.",
            "legal_address": "г. Тверь",
            "phone": "+7 4822 00-00-00",
        },
    )
    assert added.status_code == 303, added.text
    second = db.scalars(select(Counterparty).where(Counterparty.inn == inn)).one()
    assert second.partner_id == partner.id
    card = client.get(f"/partners/{partner.id}").text
    assert "ИП Петров П. П." in card and "г. Тверь" in card

    # ИНН rules and the duplicate check apply on the card's forms too.
    bad = post(
        client,
        f"/partners/{partner.id}/counterparties",
        {"legal_form": "legal_entity", "inn": "7707083894", "kpp": "773601001", "legal_name": "Б"},
    )
    assert bad.status_code == 422
    assert field_error(bad.text, "inn") == "Неверные контрольные цифры ИНН."
    dup = post(
        client,
        f"/partners/{partner.id}/counterparties",
        {"legal_form": "legal_entity", "inn": main.inn, "kpp": main.kpp, "legal_name": "Копия"},
    )
    assert dup.status_code == 422 and "ООО «Старт»" in field_error(dup.text, "inn")

    edit = client.get(f"/counterparties/{second.id}").text
    assert 'value="ИП Петров П. П."' in edit
    edited = post(
        client,
        f"/counterparties/{second.id}/edit",
        {
            "version": "1",
            "legal_form": "individual_entrepreneur",
            "inn": inn,
            "legal_name": "ИП Петров Пётр",
            "phone": "+7 900 000-00-00",
        },
    )
    assert edited.status_code == 303
    db.refresh(second)
    assert (second.legal_name, second.phone, second.version) == (
        "ИП Петров Пётр",
        "+7 900 000-00-00",
        2,
    )
    stale = post(
        client,
        f"/counterparties/{second.id}/edit",
        {"version": "1", "legal_form": "individual_entrepreneur", "inn": inn, "legal_name": "Y"},
    )
    assert stale.status_code == 409 and 'data-field="legal_name"' in stale.text

    refused = post(client, f"/counterparties/{second.id}/delete", {"version": "1"})
    assert refused.status_code == 409
    deleted = post(client, f"/counterparties/{second.id}/delete", {"version": "2"})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"/partners/{partner.id}#counterparties"
    assert "ИП Петров Пётр" not in client.get(f"/partners/{partner.id}").text
    assert client.get(f"/counterparties/{second.id}").status_code == 404
    # Soft: the row is kept for the orders that point at it.
    assert db.scalar(select(func.count()).select_from(Counterparty)) == 2
