"""Demo sign-in: give seeded users a known password so `make demo` can log in."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import (
    CUSTOMER_ROLE,
    ContactPerson,
    CustomerOrder,
    Partner,
    User,
)
from operational_app.db.session import create_oltp_engine

DEMO_PASSWORD = "demo"
DEMO_CUSTOMER_LOGIN = "client"


def set_demo_passwords(url: str, password: str = DEMO_PASSWORD) -> list[tuple[str, str]]:
    """Set `password` for every active user without one; returns (login, role) of those users,
    administrators first. Users who already have a password keep it."""
    engine = create_oltp_engine(url)
    try:
        with Session(engine) as session:
            users = session.scalars(
                select(User)
                .where(User.password_hash.is_(None), User.is_active, User.deleted_at.is_(None))
                .order_by(User.id)
            ).all()
            for user in users:
                auth.set_password(user, password)  # a fresh salt per user
                # A shared, published password: changed at first sign-in (unless CRM_DEMO_MODE).
                user.must_change_password = True
            session.commit()
            changed = [(user.login, user.role) for user in users]
    finally:
        engine.dispose()
    # Administrators first, portal users (no operator rank) last.
    return sorted(changed, key=lambda item: _rank(item[1]), reverse=True)


def _rank(role: str) -> int:
    return auth.ROLES.index(role) if role in auth.ROLES else -1


def add_demo_customer(url: str, login: str = DEMO_CUSTOMER_LOGIN) -> tuple[str, str] | None:
    """A portal user for the demo (issue 19): the first contact person of the customer partner
    with the most orders. Returns (login, partner name), or None when the login exists or no
    partner has both orders and a contact person. Its password is set by set_demo_passwords."""
    engine = create_oltp_engine(url)
    try:
        with Session(engine) as session:
            if session.scalars(select(User.id).where(User.login == login)).first() is not None:
                return None
            has_contact = (
                select(ContactPerson.id)
                .where(ContactPerson.partner_id == Partner.id, ContactPerson.deleted_at.is_(None))
                .exists()
            )
            partner = session.scalars(
                select(Partner)
                .join(CustomerOrder, CustomerOrder.partner_id == Partner.id)
                .where(
                    Partner.deleted_at.is_(None),
                    Partner.kind == "customer",
                    CustomerOrder.deleted_at.is_(None),
                    has_contact,
                )
                .group_by(Partner.id)
                .order_by(func.count(CustomerOrder.id).desc(), Partner.id)
                .limit(1)
            ).first()
            if partner is None:
                return None
            contact = session.scalars(
                select(ContactPerson)
                .where(ContactPerson.partner_id == partner.id, ContactPerson.deleted_at.is_(None))
                .order_by(ContactPerson.id)
                .limit(1)
            ).one()
            session.add(
                User(
                    login=login,
                    full_name=contact.full_name,
                    email=contact.email,
                    role=CUSTOMER_ROLE,
                    partner_id=partner.id,
                    contact_person_id=contact.id,
                )
            )
            session.commit()
            return login, partner.name
    finally:
        engine.dispose()
