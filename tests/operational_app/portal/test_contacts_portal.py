"""Contact data in the portal: pages and API as a customer (bearer token), every change
recorded for the operators; stale edits keep the customer's values; no other partner's rows
are reachable; operators see and review the changes. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import (
    ContactDataChange,
    ContactPerson,
    DeliveryAddress,
    User,
)
from operational_app.domain import contact_data, contacts, partners
from tests.operational_app.utils.factories import create_random_partner, legal_entity_inn
from tests.operational_app.utils.users import bearer, create_token, csrf_from


@pytest.fixture
def world(db: Session) -> dict:
    """Two customers' partners, each with a contact person who signs in, a colleague and an
    address; the first partner also has a legal entity."""
    rows: dict = {}
    for key in ("mine", "theirs"):
        partner = create_random_partner(db)
        me = contacts.create_contact(db, partner_id=partner.id, full_name=f"Вход {key}")
        colleague = contacts.create_contact(
            db, partner_id=partner.id, full_name=f"Коллега {key}", phone="+7 900 000-00-01"
        )
        address = DeliveryAddress(partner_id=partner.id, address=f"Склад {key}", is_default=True)
        db.add(address)
        db.commit()
        user = User(
            login=f"portal-{key}",
            full_name=f"Клиент {key}",
            role="customer",
            partner_id=partner.id,
            contact_person_id=me.id,
        )
        db.add(user)
        db.commit()
        rows[key] = {
            "partner": partner,
            "me": me,
            "colleague": colleague,
            "address": address,
            "user": user,
        }
    inn = legal_entity_inn()
    partners.create_counterparty(
        db,
        partner_id=rows["mine"]["partner"].id,
        legal_form="legal_entity",
        inn=inn,
        kpp="770101001",
        legal_name="ООО «Моя фирма»",
        legal_address="Москва, ул. Юридическая, 1",
    )
    db.commit()
    rows["inn"] = inn
    return rows


@pytest.fixture
def portal(anon_client: TestClient, db: Session, world: dict) -> Iterator[TestClient]:
    anon_client.headers.update(bearer(create_token(db, world["mine"]["user"])))
    yield anon_client


def _history(db: Session, partner_id: int) -> list[tuple]:
    db.expire_all()
    rows = db.scalars(
        select(ContactDataChange)
        .where(ContactDataChange.partner_id == partner_id)
        .order_by(ContactDataChange.id)
    )
    return [(r.entity, r.action, r.field, r.old_value, r.new_value, r.changed_by_id) for r in rows]


def test_get_contact_data_is_the_partners_own(portal: TestClient, world: dict) -> None:
    response = portal.get("/api/portal/contacts")
    assert response.status_code == 200, response.text
    body = response.json()
    names = {c["full_name"]: c["is_you"] for c in body["contact_persons"]}
    assert names == {"Вход mine": True, "Коллега mine": False}
    assert [a["address"] for a in body["delivery_addresses"]] == ["Склад mine"]
    [entity] = body["counterparties"]
    assert (entity["inn"], entity["kpp"], entity["legal_name"]) == (
        world["inn"],
        "770101001",
        "ООО «Моя фирма»",
    )


def test_the_page_shows_persons_addresses_requisites_and_history(
    portal: TestClient, db: Session, world: dict
) -> None:
    contact_data.update_contact_person(
        db,
        world["mine"]["colleague"],
        {"phone": "+7 900 000-00-02"},
        expected_version=1,
        changed_by_id=world["mine"]["user"].id,
    )
    db.commit()
    page = portal.get("/portal/contacts")
    assert page.status_code == 200
    text = page.text
    for shown in ("Коллега mine", "Склад mine", world["inn"], "770101001", "ООО «Моя фирма»"):
        assert shown in text
    assert "+7 900 000-00-01" in text and "+7 900 000-00-02" in text  # was → now
    assert "Клиент mine" in text  # who
    for hidden in ("Коллега theirs", "Склад theirs"):
        assert hidden not in text
    # Requisites are read-only: no form posts to counterparties.
    assert "/counterparties" not in text


def test_api_edit_is_applied_and_recorded(portal: TestClient, db: Session, world: dict) -> None:
    colleague = world["mine"]["colleague"]
    response = portal.patch(
        f"/api/portal/contact-persons/{colleague.id}",
        json={"version": 1, "role": "Кладовщик", "email": "sklad@example.ru"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    me = world["mine"]["user"].id
    assert sorted(_history(db, world["mine"]["partner"].id)) == [
        ("contact_person", "updated", "email", None, "sklad@example.ru", me),
        ("contact_person", "updated", "role", None, "Кладовщик", me),
    ]
    changes = portal.get("/api/portal/contact-changes").json()
    assert changes["total"] == 2


def test_api_stale_edit_is_409_and_changes_nothing(
    portal: TestClient, db: Session, world: dict
) -> None:
    colleague = world["mine"]["colleague"]
    assert (
        portal.patch(
            f"/api/portal/contact-persons/{colleague.id}", json={"version": 1, "role": "A"}
        ).status_code
        == 200
    )
    stale = portal.patch(
        f"/api/portal/contact-persons/{colleague.id}", json={"version": 1, "role": "B"}
    )
    assert stale.status_code == 409
    assert stale.json()["rule"] == "stale_version"
    db.expire_all()
    assert db.get(ContactPerson, colleague.id).role == "A"
    bad = portal.patch(
        f"/api/portal/contact-persons/{colleague.id}", json={"version": 2, "phone": "звонить"}
    )
    assert bad.status_code == 422 and bad.json()["rule"] == "contact.phone_format"
    missing_version = portal.patch(
        f"/api/portal/contact-persons/{colleague.id}", json={"role": "C"}
    )
    assert missing_version.status_code == 422


def test_api_create_and_delete(portal: TestClient, db: Session, world: dict) -> None:
    created = portal.post(
        "/api/portal/contact-persons", json={"full_name": "Новый Сотрудник", "phone": "123-45-67"}
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    assert db.get(ContactPerson, new_id).partner_id == world["mine"]["partner"].id
    stale = portal.delete(f"/api/portal/contact-persons/{new_id}", params={"version": 5})
    assert stale.status_code == 409
    deleted = portal.delete(f"/api/portal/contact-persons/{new_id}", params={"version": 1})
    assert deleted.status_code == 200
    db.expire_all()
    assert db.get(ContactPerson, new_id).deleted_at is not None
    assert portal.get(f"/portal/contacts/persons/{new_id}").status_code == 404
    actions = [row[1] for row in _history(db, world["mine"]["partner"].id)]
    assert actions == ["created", "created", "deleted"]


def test_a_customer_cannot_delete_themselves(portal: TestClient, db: Session, world: dict) -> None:
    me = world["mine"]["me"]
    refused = portal.delete(f"/api/portal/contact-persons/{me.id}", params={"version": 1})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "contact_data.self_delete"
    page = portal.post(f"/portal/contacts/persons/{me.id}/delete", data={"version": "1"})
    assert page.status_code == 409
    assert "от имени которого вы вошли" in page.text
    db.expire_all()
    assert db.get(ContactPerson, me.id).deleted_at is None


def test_addresses_through_the_api_keep_one_default(
    portal: TestClient, db: Session, world: dict
) -> None:
    old = world["mine"]["address"]
    created = portal.post(
        "/api/portal/delivery-addresses",
        json={"address": "Тверь, Промышленная 3", "comment": "ворота 2", "is_default": True},
    )
    assert created.status_code == 201, created.text
    listed = portal.get("/api/portal/contacts").json()["delivery_addresses"]
    assert [(a["address"], a["is_default"]) for a in listed] == [
        ("Тверь, Промышленная 3", True),
        ("Склад mine", False),
    ]
    stale = portal.patch(
        f"/api/portal/delivery-addresses/{old.id}", json={"version": 1, "is_default": True}
    )
    assert stale.status_code == 409  # clearing the default made it version 2
    again = portal.patch(
        f"/api/portal/delivery-addresses/{old.id}", json={"version": 2, "is_default": True}
    )
    assert again.status_code == 200, again.text
    db.expire_all()
    defaults = db.scalars(
        select(DeliveryAddress.address).where(
            DeliveryAddress.partner_id == world["mine"]["partner"].id,
            DeliveryAddress.is_default.is_(True),
        )
    ).all()
    assert defaults == ["Склад mine"]
    gone = portal.delete(
        f"/api/portal/delivery-addresses/{created.json()['id']}", params={"version": 2}
    )
    assert gone.status_code == 200, gone.text


def test_another_partners_rows_are_out_of_reach(
    portal: TestClient, db: Session, world: dict
) -> None:
    theirs = world["theirs"]
    for method, url, kwargs in (
        ("get", f"/portal/contacts/persons/{theirs['colleague'].id}", {}),
        ("get", f"/portal/contacts/addresses/{theirs['address'].id}", {}),
        ("get", f"/portal/contacts/persons/{theirs['colleague'].id}/delete", {}),
        (
            "post",
            f"/portal/contacts/persons/{theirs['colleague'].id}",
            {"data": {"version": "1", "full_name": "Взлом"}},
        ),
        ("post", f"/portal/contacts/addresses/{theirs['address'].id}/delete", {"data": {}}),
        (
            "patch",
            f"/api/portal/contact-persons/{theirs['colleague'].id}",
            {"json": {"version": 1, "full_name": "Взлом"}},
        ),
        ("delete", f"/api/portal/contact-persons/{theirs['colleague'].id}", {}),
        (
            "patch",
            f"/api/portal/delivery-addresses/{theirs['address'].id}",
            {"json": {"version": 1, "address": "Взлом"}},
        ),
        ("delete", f"/api/portal/delivery-addresses/{theirs['address'].id}", {}),
    ):
        response = getattr(portal, method)(url, **kwargs)
        assert response.status_code == 404, (method, url, response.status_code)
    db.expire_all()
    assert db.get(ContactPerson, theirs["colleague"].id).full_name == "Коллега theirs"
    assert db.get(ContactPerson, theirs["colleague"].id).deleted_at is None
    assert db.get(DeliveryAddress, theirs["address"].id).deleted_at is None
    assert _history(db, theirs["partner"].id) == []
    assert portal.get("/api/portal/contact-changes").json()["total"] == 0


def test_page_forms_add_edit_and_delete(portal: TestClient, db: Session, world: dict) -> None:
    partner_id = world["mine"]["partner"].id
    added = portal.post(
        "/portal/contacts/persons",
        data={"full_name": "Сидорова Ольга", "role": "Менеджер", "phone": "+7 (912) 345-67-89"},
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"].startswith("/portal/contacts")
    new = db.scalars(select(ContactPerson).where(ContactPerson.full_name == "Сидорова Ольга")).one()
    assert new.partner_id == partner_id
    form = portal.get(f"/portal/contacts/persons/{new.id}")
    assert 'name="version" value="1"' in form.text
    edited = portal.post(
        f"/portal/contacts/persons/{new.id}",
        data={"version": "1", "full_name": "Сидорова Ольга", "role": "Директор", "phone": ""},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    confirm = portal.get(f"/portal/contacts/persons/{new.id}/delete")
    assert confirm.status_code == 200 and "Сидорова Ольга" in confirm.text
    deleted = portal.post(
        f"/portal/contacts/persons/{new.id}/delete", data={"version": "2"}, follow_redirects=False
    )
    assert deleted.status_code == 303
    address = portal.post(
        "/portal/contacts/addresses",
        data={"address": "Казань, Складская 9", "is_default": "on"},
        follow_redirects=False,
    )
    assert address.status_code == 303
    history = _history(db, partner_id)
    assert ("contact_person", "updated", "role", "Менеджер", "Директор") in [h[:5] for h in history]
    assert ("contact_person", "updated", "phone", "+7 (912) 345-67-89", None) in [
        h[:5] for h in history
    ]
    assert ("delivery_address", "updated", "is_default", "true", "false") in [
        h[:5] for h in history
    ]
    assert history[-1][1] in ("created", "updated")


def test_page_refusals_keep_the_customers_values(
    portal: TestClient, db: Session, world: dict
) -> None:
    colleague = world["mine"]["colleague"]
    invalid = portal.post(
        f"/portal/contacts/persons/{colleague.id}",
        data={"version": "1", "full_name": "Коллега mine", "email": "не-почта"},
    )
    assert invalid.status_code == 422
    assert 'value="не-почта"' in invalid.text
    # Someone else changes the phone meanwhile; the customer's edit made on version 1 is stale.
    contact_data.update_contact_person(
        db,
        colleague,
        {"phone": "+7 900 111-11-11"},
        expected_version=1,
        changed_by_id=world["mine"]["user"].id,
    )
    db.commit()
    stale = portal.post(
        f"/portal/contacts/persons/{colleague.id}",
        data={"version": "1", "full_name": "Коллега mine", "phone": "+7 900 222-22-22"},
    )
    assert stale.status_code == 409
    assert 'value="+7 900 222-22-22"' in stale.text  # nothing the customer typed is lost
    assert 'id="stale-changes"' in stale.text and "+7 900 111-11-11" in stale.text
    assert 'name="version" value="2"' in stale.text  # saving again is a deliberate overwrite
    db.expire_all()
    assert db.get(ContactPerson, colleague.id).phone == "+7 900 111-11-11"


def test_operators_see_and_review_the_changes(
    client: TestClient, db: Session, world: dict, admin: User
) -> None:
    mine = world["mine"]
    contact_data.update_contact_person(
        db,
        mine["colleague"],
        {"role": "Снабженец"},
        expected_version=1,
        changed_by_id=mine["user"].id,
    )
    contact_data.update_contact_person(
        db,
        world["theirs"]["colleague"],
        {"role": "Водитель"},
        expected_version=1,
        changed_by_id=world["theirs"]["user"].id,
    )
    db.commit()
    card = client.get(f"/partners/{mine['partner'].id}")
    assert card.status_code == 200
    assert "Изменения контактных данных из личного кабинета" in card.text
    assert "Снабженец" in card.text and "Водитель" not in card.text
    assert "Контактное лицо «Коллега mine»" in card.text  # which person the change is about
    assert "Склад mine" in card.text  # delivery addresses on the card
    assert 'class="unreviewed"' in card.text and "Отметить просмотренными" in card.text
    listed = client.get("/contact-changes")
    assert listed.status_code == 200
    assert "Снабженец" in listed.text and "Водитель" in listed.text
    api = client.get("/api/v1/contact-changes").json()
    assert {item["new_value"] for item in api["items"]} == {"Снабженец", "Водитель"}
    reviewed = client.post(
        "/contact-changes/review",
        data={"partner_id": str(mine["partner"].id), "back": "card"},
        follow_redirects=False,
    )
    assert reviewed.status_code == 303
    assert reviewed.headers["location"] == f"/partners/{mine['partner'].id}#contact-changes"
    card = client.get(f"/partners/{mine['partner'].id}")
    assert 'class="unreviewed"' not in card.text and "Снабженец" in card.text
    api = client.get("/api/v1/contact-changes").json()
    assert [item["new_value"] for item in api["items"]] == ["Водитель"]
    [theirs] = api["items"]
    one = client.post(f"/api/v1/contact-changes/{theirs['id']}/review")
    assert one.status_code == 200 and one.json()["reviewed_by_id"] == admin.id
    assert client.get("/api/v1/contact-changes").json()["total"] == 0
    assert client.get("/api/v1/contact-changes", params={"reviewed": True}).json()["total"] == 2
    assert "Все изменения просмотрены" in client.get("/contact-changes").text


def test_customers_cannot_reach_the_operator_review(
    portal: TestClient, db: Session, world: dict
) -> None:
    assert portal.get("/api/v1/contact-changes").status_code == 403
    assert portal.post("/api/v1/contact-changes/review", json={"partner_id": 1}).status_code == 403
    page = portal.get("/contact-changes", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/portal"


def test_page_forms_carry_the_csrf_token_of_a_browser_session(
    anon_client: TestClient, db: Session, world: dict
) -> None:
    token = auth.create_session(db, world["mine"]["user"])
    db.commit()
    anon_client.cookies.set(auth.SESSION_COOKIE, token)
    form = anon_client.get("/portal/contacts/persons/new")
    assert form.status_code == 200
    csrf = csrf_from(form.text)
    refused = anon_client.post("/portal/contacts/persons", data={"full_name": "Без токена"})
    assert refused.status_code == 403
    added = anon_client.post(
        "/portal/contacts/persons",
        data={"full_name": "С токеном", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = anon_client.get("/portal/contacts")
    assert "С токеном" in page.text and "Без токена" not in page.text
    person = world["mine"]["colleague"]
    confirm = anon_client.get(f"/portal/contacts/persons/{person.id}/delete")
    deleted = anon_client.post(
        f"/portal/contacts/persons/{person.id}/delete",
        data={"version": "1", "csrf_token": csrf_from(confirm.text)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
