"""The demo portal user (`crm seed` / `make demo`, issue 19) on SQLite and PostgreSQL: created
for a partner with orders as its first contact person, and a database holding it can be seeded
again (users and partners reference each other)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import ContactPerson, CustomerOrder, User
from operational_app.db.session import create_oltp_engine
from operational_app.seed import Scale, seed_database
from operational_app.seed.users import add_demo_customer, set_demo_passwords
from tests.postgres import temporary_postgres_database

AS_OF = dt.date(2026, 11, 26)
TINY = Scale(deals=120, partners=20, managers=2, operators=1)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'demo.sqlite3'}"
        return
    with temporary_postgres_database("crm_test_demo") as url:
        yield url


def _customer(url: str) -> tuple[User, int, int]:
    engine = create_oltp_engine(url)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.login == "client")).one()
            orders = session.scalar(
                select(func.count())
                .select_from(CustomerOrder)
                .where(CustomerOrder.partner_id == user.partner_id)
            )
            first_contact = session.scalar(
                select(func.min(ContactPerson.id)).where(
                    ContactPerson.partner_id == user.partner_id
                )
            )
            session.expunge(user)
            return user, orders, first_contact
    finally:
        engine.dispose()


def test_demo_customer_survives_reseeding(empty_url: str) -> None:
    seed_database(empty_url, TINY, seed=5, as_of=AS_OF)
    created = add_demo_customer(empty_url)
    assert created is not None and created[0] == "client"
    assert add_demo_customer(empty_url) is None  # once
    logins = dict(set_demo_passwords(empty_url, "demo"))
    assert logins["client"] == "customer"
    user, orders, first_contact = _customer(empty_url)
    assert user.role == "customer" and orders > 0
    assert user.contact_person_id == first_contact
    assert auth.verify_password("demo", user.password_hash)
    # Seeding again over a database with a portal user (users <-> partners) works.
    seed_database(empty_url, TINY, seed=6, as_of=AS_OF, replace=True)
    assert add_demo_customer(empty_url) is not None
    user, orders, first_contact = _customer(empty_url)
    assert orders > 0 and user.contact_person_id == first_contact
