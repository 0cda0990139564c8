"""Contact data customers edit in the portal: applied at once, recorded field by field, stale
edits refused, one default delivery address, no deleting oneself; operators' review. Runs on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from operational_app.db.models import ContactDataChange, ContactPerson, DeliveryAddress, User
from operational_app.domain import contact_data, contacts
from operational_app.domain.errors import (
    StaleVersion,
    TransitionNotAllowed,
    ValidationFailed,
)
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.users import create_user

T0 = dt.datetime(2026, 3, 2, 9, 30)
T1 = dt.datetime(2026, 3, 3, 14, 0)


@pytest.fixture
def setup(db: Session) -> tuple[int, ContactPerson, User]:
    partner = create_random_partner(db)
    contact = contacts.create_contact(
        db, partner_id=partner.id, full_name="Иванова Анна", phone="+7 495 111-22-33"
    )
    db.commit()
    user = User(
        login="anna",
        full_name="Иванова Анна",
        role="customer",
        partner_id=partner.id,
        contact_person_id=contact.id,
    )
    db.add(user)
    db.commit()
    return partner.id, contact, user


def _history(db: Session, partner_id: int) -> list[tuple]:
    rows = db.scalars(
        select(ContactDataChange)
        .where(ContactDataChange.partner_id == partner_id)
        .order_by(ContactDataChange.id)
    )
    return [(r.entity, r.action, r.field, r.old_value, r.new_value) for r in rows]


def test_an_edit_applies_at_once_and_records_only_changed_fields(db: Session, setup) -> None:
    partner_id, contact, user = setup
    rows = contact_data.update_contact_person(
        db,
        contact,
        {
            "full_name": "Иванова Анна",  # unchanged
            "role": "Главный бухгалтер",
            "phone": "+7 495 111-22-44",
            "email": "anna@example.ru",
        },
        expected_version=1,
        changed_by_id=user.id,
        now=T0,
    )
    db.commit()
    db.expire_all()
    stored = db.get(ContactPerson, contact.id)
    assert (stored.role, stored.phone, stored.email) == (
        "Главный бухгалтер",
        "+7 495 111-22-44",
        "anna@example.ru",
    )
    assert stored.version == 2
    assert len(rows) == 3
    assert sorted(_history(db, partner_id)) == [
        ("contact_person", "updated", "email", None, "anna@example.ru"),
        ("contact_person", "updated", "phone", "+7 495 111-22-33", "+7 495 111-22-44"),
        ("contact_person", "updated", "role", None, "Главный бухгалтер"),
    ]
    change = db.scalars(select(ContactDataChange)).first()
    assert (change.changed_by_id, change.changed_at, change.reviewed_at) == (user.id, T0, None)


def test_an_edit_that_changes_nothing_leaves_no_trace(db: Session, setup) -> None:
    partner_id, contact, user = setup
    rows = contact_data.update_contact_person(
        db,
        contact,
        {"full_name": " Иванова Анна ", "phone": "+7 495 111-22-33", "email": ""},
        expected_version=1,
        changed_by_id=user.id,
    )
    db.commit()
    assert rows == []
    assert _history(db, partner_id) == []
    assert db.get(ContactPerson, contact.id).version == 1


def test_a_stale_edit_is_refused_and_writes_nothing(db: Session, setup) -> None:
    partner_id, contact, user = setup
    contact_data.update_contact_person(
        db, contact, {"role": "Директор"}, expected_version=1, changed_by_id=user.id
    )
    db.commit()
    with pytest.raises(StaleVersion) as refused:
        contact_data.update_contact_person(
            db, contact, {"role": "Бухгалтер"}, expected_version=1, changed_by_id=user.id
        )
    assert refused.value.status_code == 409
    db.rollback()
    assert db.get(ContactPerson, contact.id).role == "Директор"
    assert len(_history(db, partner_id)) == 1


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        ({"phone": "позвоните"}, "contact.phone_format"),
        ({"phone": "12"}, "contact.phone_format"),
        ({"phone": "+7 (495) 123-45-67-89-00-11"}, "contact.phone_format"),
        ({"email": "anna at example.ru"}, "contact.email_format"),
        ({"full_name": "  "}, "text.required"),
    ],
)
def test_phone_and_email_formats_are_checked(db: Session, setup, values, rule) -> None:
    partner_id, contact, user = setup
    with pytest.raises(ValidationFailed) as refused:
        contact_data.update_contact_person(
            db, contact, values, expected_version=1, changed_by_id=user.id
        )
    assert refused.value.rule == rule
    db.rollback()
    assert _history(db, partner_id) == []


def test_a_new_contact_person_is_recorded_field_by_field(db: Session, setup) -> None:
    partner_id, _, user = setup
    contact = contact_data.create_contact_person(
        db,
        partner_id=partner_id,
        values={"full_name": "Петров Олег", "phone": "8 800 555-35-35", "role": None},
        changed_by_id=user.id,
        now=T0,
    )
    db.commit()
    assert contact.partner_id == partner_id
    assert sorted(_history(db, partner_id)) == [
        ("contact_person", "created", "full_name", None, "Петров Олег"),
        ("contact_person", "created", "phone", None, "8 800 555-35-35"),
    ]
    assert {c.entity_id for c in db.scalars(select(ContactDataChange))} == {contact.id}


def test_deleting_is_soft_and_recorded(db: Session, setup) -> None:
    partner_id, _, user = setup
    other = contacts.create_contact(db, partner_id=partner_id, full_name="Петров Олег")
    db.commit()
    contact_data.delete_contact_person(
        db,
        other,
        expected_version=1,
        changed_by_id=user.id,
        own_contact_person_id=user.contact_person_id,
        now=T1,
    )
    db.commit()
    assert db.get(ContactPerson, other.id).deleted_at == T1
    assert _history(db, partner_id) == [("contact_person", "deleted", None, "Петров Олег", None)]


def test_a_customer_cannot_delete_themselves(db: Session, setup) -> None:
    partner_id, contact, user = setup
    with pytest.raises(TransitionNotAllowed) as refused:
        contact_data.delete_contact_person(
            db,
            contact,
            expected_version=1,
            changed_by_id=user.id,
            own_contact_person_id=user.contact_person_id,
        )
    assert refused.value.rule == "contact_data.self_delete"
    db.rollback()
    assert db.get(ContactPerson, contact.id).deleted_at is None
    assert _history(db, partner_id) == []


def test_nor_a_colleague_with_a_portal_account(db: Session, setup) -> None:
    partner_id, _, user = setup
    colleague = contacts.create_contact(db, partner_id=partner_id, full_name="Петров Олег")
    db.commit()
    db.add(
        User(
            login="oleg",
            full_name="Петров Олег",
            role="customer",
            partner_id=partner_id,
            contact_person_id=colleague.id,
        )
    )
    db.commit()
    with pytest.raises(TransitionNotAllowed) as refused:
        contact_data.delete_contact_person(
            db,
            colleague,
            expected_version=1,
            changed_by_id=user.id,
            own_contact_person_id=user.contact_person_id,
        )
    assert refused.value.rule == "contact_data.has_portal_account"


def _defaults(db: Session, partner_id: int) -> list[str]:
    return list(
        db.scalars(
            select(DeliveryAddress.address).where(
                DeliveryAddress.partner_id == partner_id,
                DeliveryAddress.deleted_at.is_(None),
                DeliveryAddress.is_default.is_(True),
            )
        )
    )


def test_at_most_one_default_delivery_address(db: Session, setup) -> None:
    partner_id, _, user = setup
    other_partner = create_random_partner(db)
    elsewhere = contact_data.create_delivery_address(
        db,
        partner_id=other_partner.id,
        values={"address": "Казань, ул. Баумана, 1", "is_default": True},
        changed_by_id=None,
    )
    first = contact_data.create_delivery_address(
        db,
        partner_id=partner_id,
        values={"address": "Москва, ул. Складская, 5", "is_default": True},
        changed_by_id=user.id,
        now=T0,
    )
    db.commit()
    second = contact_data.create_delivery_address(
        db,
        partner_id=partner_id,
        values={"address": "Тверь, ш. Промышленное, 2", "comment": "с 9 до 17", "is_default": True},
        changed_by_id=user.id,
        now=T1,
    )
    db.commit()
    assert _defaults(db, partner_id) == ["Тверь, ш. Промышленное, 2"]
    assert _defaults(db, other_partner.id) == ["Казань, ул. Баумана, 1"]
    assert first.version == 2 and elsewhere.is_default
    history = _history(db, partner_id)
    assert ("delivery_address", "updated", "is_default", "true", "false") in history
    assert ("delivery_address", "created", "comment", None, "с 9 до 17") in history
    # Making the first the default again clears the second.
    contact_data.update_delivery_address(
        db, first, {"is_default": True}, expected_version=2, changed_by_id=user.id
    )
    db.commit()
    assert _defaults(db, partner_id) == ["Москва, ул. Складская, 5"]
    assert db.get(DeliveryAddress, second.id).is_default is False


def test_address_edit_stale_and_delete(db: Session, setup) -> None:
    partner_id, _, user = setup
    address = contact_data.create_delivery_address(
        db, partner_id=partner_id, values={"address": "Москва, 1"}, changed_by_id=user.id
    )
    db.commit()
    with pytest.raises(ValidationFailed):
        contact_data.update_delivery_address(
            db, address, {"address": " "}, expected_version=1, changed_by_id=user.id
        )
    db.rollback()
    contact_data.update_delivery_address(
        db, address, {"address": "Москва, 2"}, expected_version=1, changed_by_id=user.id
    )
    db.commit()
    with pytest.raises(StaleVersion):
        contact_data.delete_delivery_address(db, address, expected_version=1, changed_by_id=user.id)
    db.rollback()
    contact_data.delete_delivery_address(db, address, expected_version=2, changed_by_id=user.id)
    db.commit()
    assert db.get(DeliveryAddress, address.id).deleted_at is not None
    assert _history(db, partner_id) == [
        ("delivery_address", "created", "address", None, "Москва, 1"),
        ("delivery_address", "updated", "address", "Москва, 1", "Москва, 2"),
        ("delivery_address", "deleted", None, "Москва, 2", None),
    ]


def test_operators_mark_changes_reviewed(db: Session, setup) -> None:
    partner_id, contact, user = setup
    operator = create_user(db, "operator")
    other_partner = create_random_partner(db)
    contact_data.update_contact_person(
        db,
        contact,
        {"role": "Директор", "email": "a@b.ru"},
        expected_version=1,
        changed_by_id=user.id,
    )
    contact_data.create_delivery_address(
        db, partner_id=other_partner.id, values={"address": "Омск"}, changed_by_id=None
    )
    db.commit()
    listed = contact_data.list_changes(db)
    assert listed.total == 3
    role_change = next(c for c in listed.items if c.field == "role")
    marked = contact_data.mark_reviewed(
        db, reviewed_by_id=operator.id, change_ids=[role_change.id], now=T1
    )
    db.commit()
    assert [c.id for c in marked] == [role_change.id]
    assert (role_change.reviewed_by_id, role_change.reviewed_at) == (operator.id, T1)
    assert contact_data.count_unreviewed(db, partner_id) == 1
    marked = contact_data.mark_reviewed(db, reviewed_by_id=operator.id, partner_id=partner_id)
    db.commit()
    assert [c.field for c in marked] == ["email"]  # the role was reviewed already
    assert contact_data.count_unreviewed(db, partner_id) == 0
    assert contact_data.list_changes(db).total == 1  # the other partner's is still new
    assert role_change.reviewed_at == T1  # first review kept
    with pytest.raises(ValidationFailed):
        contact_data.mark_reviewed(db, reviewed_by_id=operator.id)
    assert db.scalar(select(func.count()).select_from(ContactDataChange)) == 3


def test_changes_name_what_they_are_about(db: Session, setup) -> None:
    partner_id, contact, user = setup
    address = contact_data.create_delivery_address(
        db, partner_id=partner_id, values={"address": "Москва, 1"}, changed_by_id=user.id
    )
    contact_data.update_contact_person(
        db, contact, {"role": "Директор"}, expected_version=1, changed_by_id=user.id
    )
    db.commit()
    contact_data.delete_delivery_address(db, address, expected_version=1, changed_by_id=user.id)
    db.commit()
    rows = contact_data.partner_changes(db, partner_id)
    titles = contact_data.change_titles(db, rows)
    assert titles == {
        ("contact_person", contact.id): "Иванова Анна",
        ("delivery_address", address.id): "Москва, 1",
    }
    # Narrowed to live rows (as the portal's scope does), a deleted address keeps its title.
    live = contact_data.change_titles(
        db, rows, live=lambda model, statement: statement.where(model.deleted_at.is_(None))
    )
    assert live == titles


def test_two_defaults_chosen_at_once_leave_one(db: Session, engine: Engine, setup) -> None:
    partner_id, _, user = setup
    done = threading.Event()
    errors: list[BaseException] = []

    def choose(session: Session, address: str) -> None:
        contact_data.create_delivery_address(
            session,
            partner_id=partner_id,
            values={"address": address, "is_default": True},
            changed_by_id=user.id,
        )

    def second_customer() -> None:
        try:
            with Session(engine) as second:
                choose(second, "Тверь")
                second.commit()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            done.set()

    with Session(engine) as first:
        choose(first, "Москва")
        # The first holds the partner (PostgreSQL's row lock, SQLite's write turn) until it
        # commits: the second waits, then sees the first's default and clears it.
        thread = threading.Thread(target=second_customer)
        thread.start()
        assert not done.wait(0.5)
        first.commit()
    thread.join(30)
    assert done.is_set() and errors == []
    assert _defaults(db, partner_id) == ["Тверь"]
