"""Contact data a customer edits in the portal: contact persons and delivery addresses.

A change applies at once and is recorded field by field in `ContactDataChange` (old and new
value, when, which portal user) in the same transaction; unchanged fields leave no row.
Operators see the history on the partner card and mark it reviewed. Contact persons are
validated by the operators' rules (domain/contacts.py) plus a phone format; a partner has at
most one default delivery address (choosing a new one clears the old). Edits carry the row's
version: a stale one is refused (409) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    ContactDataChange,
    ContactPerson,
    DeliveryAddress,
    Partner,
    User,
    utc_now,
)
from operational_app.domain import contacts as contact_service
from operational_app.domain import listing
from operational_app.domain.common import clean_text, require_text
from operational_app.domain.errors import (
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.queries import Page

# What a customer may change of a contact person (the contact role classifier is operators').
CONTACT_FIELDS = ("full_name", "role", "phone", "email")
ADDRESS_FIELDS = ("address", "comment", "is_default")
ENTITY_CONTACT = "contact_person"
ENTITY_ADDRESS = "delivery_address"
# A phone as people type it: digits with spaces, brackets, dashes, dots and a leading plus.
_PHONE = re.compile(r"^\+?[0-9 ()\-.]+$")
PHONE_DIGITS = (5, 15)  # E.164 allows at most 15 digits; shorter than 5 is no phone number


def check_phone(phone: str | None) -> str | None:
    """The phone as typed (trimmed), or ValidationFailed when it cannot be a phone number."""
    cleaned = clean_text(phone)
    if cleaned is None:
        return None
    digits = sum(char.isdigit() for char in cleaned)
    if not _PHONE.match(cleaned) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationFailed(
            "contact.phone_format",
            "The phone number is not valid: use digits, spaces, brackets, dashes and a "
            f"leading +, {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits.",
            field="phone",
        )
    return cleaned


def _shown(value: Any) -> str | None:
    """A value as the history stores it: text, booleans as true/false, blanks as NULL."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _snapshot(entity: Any, fields: Iterable[str]) -> dict[str, str | None]:
    return {field: _shown(getattr(entity, field)) for field in fields}


def _record(
    session: Session,
    *,
    partner_id: int,
    entity: str,
    entity_id: int,
    action: str,
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    changed_by_id: int | None,
    now: dt.datetime,
) -> list[ContactDataChange]:
    """One history row per field whose value differs between `before` and `after`."""
    rows = [
        ContactDataChange(
            partner_id=partner_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            field=field,
            old_value=before.get(field),
            new_value=after.get(field),
            changed_at=now,
            changed_by_id=changed_by_id,
        )
        for field in after.keys() | before.keys()
        if before.get(field) != after.get(field)
    ]
    rows.sort(key=lambda row: row.field or "")
    session.add_all(rows)
    return rows


def _record_deleted(
    session: Session,
    *,
    partner_id: int,
    entity: str,
    entity_id: int,
    title: str,
    changed_by_id: int | None,
    now: dt.datetime,
) -> ContactDataChange:
    row = ContactDataChange(
        partner_id=partner_id,
        entity=entity,
        entity_id=entity_id,
        action="deleted",
        field=None,
        old_value=title,
        new_value=None,
        changed_at=now,
        changed_by_id=changed_by_id,
    )
    session.add(row)
    return row


# --- Contact persons --------------------------------------------------------------------------


def _contact_values(values: Mapping[str, Any]) -> dict[str, Any]:
    picked = {field: values[field] for field in CONTACT_FIELDS if field in values}
    if "phone" in picked:
        picked["phone"] = check_phone(picked["phone"])
    return picked


def create_contact_person(
    session: Session,
    *,
    partner_id: int,
    values: Mapping[str, Any],
    changed_by_id: int | None,
    now: dt.datetime | None = None,
) -> ContactPerson:
    """A new contact person of the partner, recorded as `created` field by field."""
    now = now or utc_now()
    picked = _contact_values(values)
    contact = contact_service.create_contact(
        session,
        partner_id=partner_id,
        full_name=picked.get("full_name"),  # type: ignore[arg-type] - require_text refuses None
        role=picked.get("role"),
        phone=picked.get("phone"),
        email=picked.get("email"),
    )
    _record(
        session,
        partner_id=partner_id,
        entity=ENTITY_CONTACT,
        entity_id=contact.id,
        action="created",
        before={},
        after=_snapshot(contact, CONTACT_FIELDS),
        changed_by_id=changed_by_id,
        now=now,
    )
    session.flush()
    return contact


def update_contact_person(
    session: Session,
    contact: ContactPerson,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    changed_by_id: int | None,
    now: dt.datetime | None = None,
) -> list[ContactDataChange]:
    """Apply the customer's edit; returns the history rows (none when nothing changed)."""
    now = now or utc_now()
    check_version(contact, expected_version)
    picked = _contact_values(values)
    before = _snapshot(contact, CONTACT_FIELDS)
    if {field: _shown(clean_text(value)) for field, value in picked.items()} == {
        field: before[field] for field in picked
    }:
        return []  # nothing changed: no new version, no history
    contact.updated_at = now  # set before the one flush, so the version goes up once
    contact_service.update_contact(session, contact, picked)
    return _finish_update(
        session, contact, ENTITY_CONTACT, before, CONTACT_FIELDS, changed_by_id, now
    )


def _finish_update(
    session: Session,
    entity: ContactPerson | DeliveryAddress,
    entity_name: str,
    before: Mapping[str, str | None],
    fields: tuple[str, ...],
    changed_by_id: int | None,
    now: dt.datetime,
) -> list[ContactDataChange]:
    rows = _record(
        session,
        partner_id=entity.partner_id,
        entity=entity_name,
        entity_id=entity.id,
        action="updated",
        before=before,
        after=_snapshot(entity, fields),
        changed_by_id=changed_by_id,
        now=now,
    )
    session.flush()
    return rows


def delete_contact_person(
    session: Session,
    contact: ContactPerson,
    *,
    expected_version: int | None,
    changed_by_id: int | None,
    own_contact_person_id: int | None = None,
    now: dt.datetime | None = None,
) -> ContactPerson:
    """Soft delete. A customer may not delete the contact person they are themselves, nor one
    who has a portal account of their own (that person would lose their link)."""
    now = now or utc_now()
    check_version(contact, expected_version)
    if own_contact_person_id is not None and contact.id == own_contact_person_id:
        raise TransitionNotAllowed(
            "contact_data.self_delete",
            "You cannot delete the contact person you are signed in as; ask your manager "
            "if you are leaving the company.",
            params={"full_name": contact.full_name},
        )
    has_account = session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.contact_person_id == contact.id,
            User.deleted_at.is_(None),
            User.is_active.is_(True),
        )
    )
    if has_account:
        raise TransitionNotAllowed(
            "contact_data.has_portal_account",
            f"{contact.full_name} has a portal account of their own; ask your manager to "
            "close it first.",
            params={"full_name": contact.full_name},
        )
    contact_service.delete_contact(session, contact, now=now)
    _record_deleted(
        session,
        partner_id=contact.partner_id,
        entity=ENTITY_CONTACT,
        entity_id=contact.id,
        title=contact.full_name,
        changed_by_id=changed_by_id,
        now=now,
    )
    session.flush()
    return contact


# --- Delivery addresses -----------------------------------------------------------------------


def delivery_addresses(session: Session, partner_id: int) -> list[DeliveryAddress]:
    """The partner's live delivery addresses, the default first (operators' partner card)."""
    return list(
        session.scalars(
            select(DeliveryAddress)
            .where(DeliveryAddress.partner_id == partner_id, DeliveryAddress.deleted_at.is_(None))
            .order_by(DeliveryAddress.is_default.desc(), DeliveryAddress.id)
        )
    )


def _address_values(values: Mapping[str, Any]) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    if "address" in values:
        picked["address"] = require_text(values["address"], "address")
    if "comment" in values:
        picked["comment"] = clean_text(values["comment"])
    if "is_default" in values:
        picked["is_default"] = bool(values["is_default"])
    return picked


def _lock_partner(session: Session, partner_id: int) -> None:
    # Choosing the default reads the partner's other addresses: one writer per partner at a time
    # (PostgreSQL; SQLite writers take turns anyway), so two defaults can never both win.
    session.scalar(select(Partner.id).where(Partner.id == partner_id).with_for_update())


def _clear_other_defaults(
    session: Session, address: DeliveryAddress, changed_by_id: int | None, now: dt.datetime
) -> None:
    others = session.scalars(
        select(DeliveryAddress).where(
            DeliveryAddress.partner_id == address.partner_id,
            DeliveryAddress.deleted_at.is_(None),
            DeliveryAddress.is_default.is_(True),
            DeliveryAddress.id != address.id,
        )
    ).all()
    for other in others:
        before = _snapshot(other, ("is_default",))
        other.is_default = False
        other.updated_at = now
        _finish_update(session, other, ENTITY_ADDRESS, before, ("is_default",), changed_by_id, now)


def create_delivery_address(
    session: Session,
    *,
    partner_id: int,
    values: Mapping[str, Any],
    changed_by_id: int | None,
    now: dt.datetime | None = None,
) -> DeliveryAddress:
    now = now or utc_now()
    picked = _address_values({"address": values.get("address"), **values})
    _lock_partner(session, partner_id)
    address = DeliveryAddress(
        partner_id=partner_id,
        address=picked["address"],
        comment=picked.get("comment"),
        is_default=picked.get("is_default", False),
        created_at=now,
        updated_at=now,
    )
    session.add(address)
    session.flush()
    _record(
        session,
        partner_id=partner_id,
        entity=ENTITY_ADDRESS,
        entity_id=address.id,
        action="created",
        before={},
        after={
            field: value
            for field, value in _snapshot(address, ADDRESS_FIELDS).items()
            if not (field == "is_default" and value == "false")  # "not default" is no news
        },
        changed_by_id=changed_by_id,
        now=now,
    )
    if address.is_default:
        _clear_other_defaults(session, address, changed_by_id, now)
    session.flush()
    return address


def update_delivery_address(
    session: Session,
    address: DeliveryAddress,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    changed_by_id: int | None,
    now: dt.datetime | None = None,
) -> list[ContactDataChange]:
    now = now or utc_now()
    check_version(address, expected_version)
    picked = _address_values(values)
    before = _snapshot(address, ADDRESS_FIELDS)
    if {field: _shown(value) for field, value in picked.items()} == {
        field: before[field] for field in picked
    }:
        return []
    _lock_partner(session, address.partner_id)
    for field, value in picked.items():
        setattr(address, field, value)
    address.updated_at = now
    rows = _finish_update(
        session, address, ENTITY_ADDRESS, before, ADDRESS_FIELDS, changed_by_id, now
    )
    if address.is_default:
        _clear_other_defaults(session, address, changed_by_id, now)
    session.flush()
    return rows


def delete_delivery_address(
    session: Session,
    address: DeliveryAddress,
    *,
    expected_version: int | None,
    changed_by_id: int | None,
    now: dt.datetime | None = None,
) -> DeliveryAddress:
    now = now or utc_now()
    check_version(address, expected_version)
    address.deleted_at = now
    address.updated_at = now
    _record_deleted(
        session,
        partner_id=address.partner_id,
        entity=ENTITY_ADDRESS,
        entity_id=address.id,
        title=address.address,
        changed_by_id=changed_by_id,
        now=now,
    )
    session.flush()
    return address


# --- History and review (operators) -----------------------------------------------------------


def partner_changes(
    session: Session, partner_id: int, *, limit: int = 200
) -> list[ContactDataChange]:
    """The partner's contact data history, newest first (the partner card's block)."""
    return list(
        session.scalars(
            select(ContactDataChange)
            .where(
                ContactDataChange.partner_id == partner_id,
                ContactDataChange.deleted_at.is_(None),
            )
            .order_by(ContactDataChange.changed_at.desc(), ContactDataChange.id.desc())
            .limit(limit)
        )
    )


def change_titles(
    session: Session, rows: Iterable[ContactDataChange], *, live: Any = None
) -> dict[tuple[str, int], str]:
    """What each change is about: the contact person's name or the address as stored now
    (a deleted one: as it was when deleted). `live(model, statement)` narrows the lookups (the
    portal passes its scope); operators read every row."""
    rows = list(rows)
    titles: dict[tuple[str, int], str] = {
        (row.entity, row.entity_id): row.old_value
        for row in rows
        if row.action == "deleted" and row.old_value
    }
    for entity, model, column in (
        (ENTITY_CONTACT, ContactPerson, ContactPerson.full_name),
        (ENTITY_ADDRESS, DeliveryAddress, DeliveryAddress.address),
    ):
        ids = {row.entity_id for row in rows if row.entity == entity}
        if not ids:
            continue
        statement = select(model.id, column).where(model.id.in_(ids))
        if live is not None:
            statement = live(model, statement)
        for entity_id, title in session.execute(statement).all():
            titles.setdefault((entity, entity_id), title)
    return titles


def list_changes(
    session: Session,
    *,
    partner_id: int | None = None,
    unreviewed: bool | None = True,
    limit: int = 50,
    offset: int = 0,
) -> Page[ContactDataChange]:
    """Changes across partners (operators' list), oldest unreviewed first by default."""
    query = select(ContactDataChange).where(ContactDataChange.deleted_at.is_(None))
    if partner_id is not None:
        query = query.where(ContactDataChange.partner_id == partner_id)
    if unreviewed is True:
        query = query.where(ContactDataChange.reviewed_at.is_(None))
    elif unreviewed is False:
        query = query.where(ContactDataChange.reviewed_at.is_not(None))
    return listing.page(
        session,
        query,
        sort="changed_at",
        columns={"changed_at": ContactDataChange.changed_at},
        default="changed_at",
        tiebreak=ContactDataChange.id,
        limit=limit,
        offset=offset,
    )


def mark_reviewed(
    session: Session,
    *,
    reviewed_by_id: int,
    partner_id: int | None = None,
    change_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> list[ContactDataChange]:
    """Mark unreviewed changes reviewed: the given ones, or all of `partner_id`. Already
    reviewed rows keep who reviewed them first. Returns the rows marked now."""
    if partner_id is None and change_ids is None:
        raise ValidationFailed(
            "contact_changes.nothing_chosen",
            "Name the changes to mark reviewed, or a partner to mark all of theirs.",
        )
    now = now or utc_now()
    query = select(ContactDataChange).where(
        ContactDataChange.deleted_at.is_(None), ContactDataChange.reviewed_at.is_(None)
    )
    if partner_id is not None:
        query = query.where(ContactDataChange.partner_id == partner_id)
    if change_ids is not None:
        query = query.where(ContactDataChange.id.in_(list(change_ids)))
    rows = list(session.scalars(query.order_by(ContactDataChange.id)))
    for row in rows:
        row.reviewed_at = now
        row.reviewed_by_id = reviewed_by_id
        row.updated_at = now
    session.flush()
    return rows


def count_unreviewed(session: Session, partner_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ContactDataChange)
            .where(
                ContactDataChange.partner_id == partner_id,
                ContactDataChange.deleted_at.is_(None),
                ContactDataChange.reviewed_at.is_(None),
            )
        )
        or 0
    )
