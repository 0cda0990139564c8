"""`crm import users`: people by full name, logins made unique, a repeated person is one user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import BusinessRegion, Department, User
from operational_app.importer import describe_created, parse_mapping, run_import

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


STRUCTURE = {
    "entity": "users",
    "options": {"office_business_region": "link"},
    "fields": {
        "full_name": {"column": "agent", "required": True},
        "regional_office": {"column": "office", "on_unknown": "create"},
        "supervisor": {"column": "lead", "on_unknown": "create"},
        "department": {"template": "Группа {lead}", "on_unknown": "create"},
    },
}
TEAM_FILE = (
    "agent,lead,office\n"
    "Иван Петров,Анна Лид,Центр\n"
    "Мария Орлова,Анна Лид,Центр\n"
    "Олег Сидоров,Борис Лид,Запад\n"
)


def _structure(url: str) -> tuple[dict, dict]:
    """people: name -> (department, supervisor); departments: name -> (parent, head, office?,
    business region)."""
    engine = create_engine(url)
    with Session(engine) as session:
        users = {u.id: u for u in session.scalars(select(User))}
        departments = {d.id: d for d in session.scalars(select(Department))}
        regions = {r.id: r.name for r in session.scalars(select(BusinessRegion))}
        people = {
            u.full_name: (
                departments[u.department_id].name if u.department_id else None,
                users[u.supervisor_id].full_name if u.supervisor_id else None,
            )
            for u in users.values()
        }
        units = {
            d.name: (
                departments[d.parent_id].name if d.parent_id else None,
                users[d.head_user_id].full_name if d.head_user_id else None,
                d.is_regional_office,
                regions.get(d.business_region_id),
            )
            for d in departments.values()
        }
    engine.dispose()
    return people, units


def test_team_file_builds_offices_teams_and_supervisors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    path = tmp_path / "team.csv"
    path.write_text(TEAM_FILE, encoding="utf-8")
    mapping = parse_mapping(STRUCTURE)
    # An existing business region of an office's name is linked; none is created.
    engine = create_engine(url)
    upgrade_to_head(url)
    with Session(engine) as session:
        session.add(BusinessRegion(name="Запад"))
        session.commit()
    engine.dispose()

    dry = run_import(url, "users", path, mapping, now=NOW, dry_run=True)
    assert (dry.imported, dry.errors) == (3, [])
    assert dry.created == {"regional office": 2, "department": 2, "user": 2}
    lines = describe_created(dry)
    assert "would create department 'Группа Анна Лид', 'Группа Борис Лид'" in lines
    assert "would create regional office 'Центр', 'Запад'" in lines
    assert _structure(url) == ({}, {})  # a dry run writes nothing

    first = run_import(url, "users", path, mapping, now=NOW)
    assert (first.imported, first.errors) == (3, [])
    people, units = _structure(url)
    assert people == {
        "Иван Петров": ("Группа Анна Лид", "Анна Лид"),
        "Мария Орлова": ("Группа Анна Лид", "Анна Лид"),
        "Олег Сидоров": ("Группа Борис Лид", "Борис Лид"),
        # The leads work in the teams they head and have no supervisor in the file.
        "Анна Лид": ("Группа Анна Лид", None),
        "Борис Лид": ("Группа Борис Лид", None),
    }
    assert units == {
        "Центр": (None, None, True, None),
        "Запад": (None, None, True, "Запад"),
        "Группа Анна Лид": ("Центр", "Анна Лид", False, None),
        "Группа Борис Лид": ("Запад", "Борис Лид", False, None),
    }
    assert _users(url)["Анна Лид"][1] == "manager"

    again = run_import(url, "users", path, mapping, now=NOW)
    assert (again.imported, again.updated, again.unchanged, again.created) == (0, 0, 3, {})
    assert _structure(url) == (people, units)

    # Олег moves to Анна's team: his department and supervisor follow the file.
    path.write_text("agent,lead,office\nОлег Сидоров,Анна Лид,Центр\n", encoding="utf-8")
    moved = run_import(url, "users", path, mapping, now=NOW)
    assert (moved.imported, moved.updated, moved.created) == (0, 1, {})
    assert _structure(url)[0]["Олег Сидоров"] == ("Группа Анна Лид", "Анна Лид")


def test_unknown_department_without_create_is_a_row_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    path = tmp_path / "team.csv"
    path.write_text(TEAM_FILE, encoding="utf-8")
    strict = {
        "entity": "users",
        "fields": {
            "full_name": {"column": "agent", "required": True},
            "department": {"column": "office"},
        },
    }
    summary = run_import(url, "users", path, parse_mapping(strict), now=NOW)
    assert summary.imported == 0
    assert {(e.column, e.message) for e in summary.errors} == {
        ("office", "unknown department 'Центр'"),
        ("office", "unknown department 'Запад'"),
    }
