"""`crm import users`: people by full name, logins made unique, a repeated person is one user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from operational_app.db.models import User
from operational_app.importer import parse_mapping, run_import

NOW = dt.datetime(2026, 11, 26, 12, 0)
TEAM = {
    "entity": "users",
    "fields": {
        "full_name": {"column": "agent", "required": True},
        "role": {"column": "role", "map": {"Менеджер": "manager", "Оператор": "operator"}},
        "email": {"column": "email"},
    },
}
LEADS = {"entity": "users", "fields": {"full_name": {"column": "lead", "required": True}}}


def _users(url: str) -> dict[str, tuple[str, str, str | None]]:
    engine = create_engine(url)
    with Session(engine) as session:
        found = {u.full_name: (u.login, u.role, u.email) for u in session.scalars(select(User))}
    engine.dispose()
    return found


def test_users_by_full_name_with_unique_logins_and_repeats(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    path = tmp_path / "team.csv"
    path.write_text(
        "agent,role,email,lead\n"
        "Иван Петров,Менеджер,,Анна Лид\n"
        "Ivan Petrov,Оператор,ip@example.com,Анна Лид\n"
        "Мария Орлова,Продавец,,Анна Лид\n"
        "Иван Петров,Менеджер,,Анна Лид\n",
        encoding="utf-8",
    )
    summary = run_import(url, "users", path, parse_mapping(TEAM), now=NOW)
    # The unknown role is a row error with the map hint; the repeated row is no error.
    assert summary.imported == 2 and summary.unchanged == 1
    assert [(e.row, e.column) for e in summary.errors] == [(3, "role")]
    users = _users(url)
    assert users["Иван Петров"] == ("ivan.petrov", "manager", None)
    # Same transliteration: the second login gets a serial, not a clash.
    assert users["Ivan Petrov"] == ("ivan.petrov2", "operator", "ip@example.com")

    leads = run_import(url, "users", path, parse_mapping(LEADS), now=NOW)
    assert (leads.imported, leads.unchanged, leads.errors) == (1, 3, [])
    assert _users(url)["Анна Лид"][1] == "manager"

    # A re-run with a changed role updates it and keeps the login.
    path.write_text("agent,role,email,lead\nИван Петров,Оператор,,x\n", encoding="utf-8")
    again = run_import(url, "users", path, parse_mapping(TEAM), now=NOW)
    assert (again.imported, again.updated) == (0, 1)
    assert _users(url)["Иван Петров"] == ("ivan.petrov", "operator", None)
