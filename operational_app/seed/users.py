"""Demo sign-in: give seeded users a known password so `make demo` can log in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import User
from operational_app.db.session import create_oltp_engine

DEMO_PASSWORD = "demo"


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
    return sorted(changed, key=lambda item: auth.ROLES.index(item[1]), reverse=True)
