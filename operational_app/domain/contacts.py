"""Контактные лица партнёров and the roles a partner plays (Роли партнёров).

A contact belongs to one partner for life (interactions point at it), so `partner_id` is set on
creation only. Partner roles are links: removing one soft-deletes the link, adding it again
revives the same row (the pair is unique in the database).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    ContactPerson,
    ContactRole,
    Partner,
    PartnerRole,
    PartnerRoleLink,
    utc_now,
)
from operational_app.domain import listing
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import ValidationFailed, check_version
from operational_app.domain.queries import Page

CONTACT_FIELDS = ("full_name", "contact_role_id", "role", "phone", "email")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _apply(session: Session, contact: ContactPerson, values: Mapping[str, Any]) -> None:
    if "full_name" in values:
        contact.full_name = require_text(values["full_name"], "full_name")
    if "contact_role_id" in values:
        require_reference(session, ContactRole, values["contact_role_id"], "contact_role_id")
        contact.contact_role_id = values["contact_role_id"]
    if "role" in values:
        contact.role = clean_text(values["role"])
    if "phone" in values:
        contact.phone = clean_text(values["phone"])
    if "email" in values:
        email = clean_text(values["email"])
        if email is not None and not _EMAIL.match(email):
            raise ValidationFailed(
                "contact.email_format", "The e-mail address is not valid.", field="email"
            )
        contact.email = email


def create_contact(
    session: Session,
    *,
    partner_id: int,
    full_name: str,
    contact_role_id: int | None = None,
    role: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> ContactPerson:
    require_reference(session, Partner, partner_id, "partner_id")
    contact = ContactPerson(partner_id=partner_id)
    _apply(
        session,
        contact,
        {
            "full_name": full_name,
            "contact_role_id": contact_role_id,
            "role": role,
            "phone": phone,
            "email": email,
        },
    )
    session.add(contact)
    session.flush()
    return contact


def update_contact(
    session: Session,
    contact: ContactPerson,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> ContactPerson:
    check_version(contact, expected_version)
    if "partner_id" in changes and changes["partner_id"] != contact.partner_id:
        raise ValidationFailed(
            "contact.partner_fixed",
            "A contact person stays with their partner; create a new contact instead.",
            field="partner_id",
        )
    _apply(session, contact, {k: v for k, v in changes.items() if k in CONTACT_FIELDS})
    session.flush()
    return contact


def delete_contact(
    session: Session,
    contact: ContactPerson,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ContactPerson:
    """Soft delete: past interactions keep pointing at the contact."""
    check_version(contact, expected_version)
    contact.deleted_at = now or utc_now()
    session.flush()
    return contact


def list_contacts(
    session: Session,
    *,
    q: str | None = None,
    partner_id: int | None = None,
    contact_role_id: int | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[ContactPerson]:
    query = select(ContactPerson).where(ContactPerson.deleted_at.is_(None))
    if q:
        text = q.strip()
        query = query.where(
            ContactPerson.full_name.icontains(text, autoescape=True)
            | ContactPerson.phone.icontains(text, autoescape=True)
            | ContactPerson.email.icontains(text, autoescape=True)
        )
    if partner_id is not None:
        query = query.where(ContactPerson.partner_id == partner_id)
    if contact_role_id is not None:
        query = query.where(ContactPerson.contact_role_id == contact_role_id)
    columns = {
        "full_name": ContactPerson.full_name,
        "partner_id": ContactPerson.partner_id,
        "created_at": ContactPerson.created_at,
        "updated_at": ContactPerson.updated_at,
    }
    return listing.page(
        session,
        query,
        sort=sort,
        columns=columns,
        default="full_name",
        tiebreak=ContactPerson.id,
        limit=limit,
        offset=offset,
    )


# --- Partner roles ----------------------------------------------------------------------------


def partner_role_links(session: Session, partner_id: int) -> list[PartnerRoleLink]:
    return list(
        session.scalars(
            select(PartnerRoleLink)
            .join(PartnerRole, PartnerRole.id == PartnerRoleLink.partner_role_id)
            .where(
                PartnerRoleLink.partner_id == partner_id,
                PartnerRoleLink.deleted_at.is_(None),
                PartnerRole.deleted_at.is_(None),
            )
            .order_by(PartnerRole.name)
        )
    )


def add_partner_role(session: Session, partner: Partner, partner_role_id: int) -> PartnerRoleLink:
    require_reference(session, PartnerRole, partner_role_id, "partner_role_id")
    link = session.scalars(
        select(PartnerRoleLink).where(
            PartnerRoleLink.partner_id == partner.id,
            PartnerRoleLink.partner_role_id == partner_role_id,
        )
    ).first()
    if link is None:
        link = PartnerRoleLink(partner_id=partner.id, partner_role_id=partner_role_id)
        session.add(link)
    elif link.deleted_at is None:
        raise ValidationFailed(
            "partner_role.already_assigned",
            "The partner already has this role.",
            field="partner_role_id",
        )
    else:
        link.deleted_at = None
    session.flush()
    return link


def remove_partner_role(
    session: Session,
    link: PartnerRoleLink,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> PartnerRoleLink:
    check_version(link, expected_version)
    link.deleted_at = now or utc_now()
    session.flush()
    return link
