"""Visitors of the dashboards for tests: an OLTP database with users and browser sessions made
by the app's own rule (`operational_app.auth.create_session`), and the cookie values a browser
would send. AppTest cannot seed `st.context.cookies`, so tests hand the cookie value to
`dashboards.auth.session_cookie`; everything after that (lookup, role, prompt) is the real code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import User, utc_now
from operational_app.db.session import create_oltp_engine

# visitor -> (role, active, session age); the session lives auth.SESSION_TTL from its start.
VISITORS: dict[str, tuple[str, bool, dt.timedelta]] = {
    "manager": ("manager", True, dt.timedelta(0)),
    "administrator": ("administrator", True, dt.timedelta(0)),
    "operator": ("operator", True, dt.timedelta(0)),
    "inactive_manager": ("manager", False, dt.timedelta(0)),
    "expired_manager": ("manager", True, auth.SESSION_TTL + dt.timedelta(minutes=1)),
}


def build_oltp_with_sessions(where: Path | str, now: dt.datetime | None = None) -> dict[str, str]:
    """Create the OLTP database at `where` (a SQLite file, or a database URL) with one user and
    one session per visitor; returns the session cookie value of each visitor, and
    "revoked_manager" for a signed-out one."""
    now = now or utc_now()
    url = where if isinstance(where, str) else f"sqlite:///{where}"
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    tokens: dict[str, str] = {}
    try:
        with Session(engine) as session:
            for name, (role, active, age) in VISITORS.items():
                user = User(login=name, full_name=name.replace("_", " "), role=role)
                session.add(user)
                session.flush()
                tokens[name] = auth.create_session(session, user, now=now - age)
                user.is_active = active
            signed_out = session.get(User, 1)
            assert signed_out is not None
            tokens["revoked_manager"] = auth.create_session(session, signed_out, now=now)
            auth.revoke_session(session, tokens["revoked_manager"], now=now)
            session.commit()
    finally:
        engine.dispose()
    return tokens
