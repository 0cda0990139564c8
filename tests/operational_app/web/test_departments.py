"""Departments (Подразделения) under /admin/classifiers and each user's department and supervisor
on /admin/users: an administrator places people; cycles, customers and foreign ids are refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import Department, User
from tests.operational_app.utils.users import bearer, create_token, create_user


def _department(db: Session, name: str) -> Department:
    db.expire_all()
    return db.scalars(select(Department).where(Department.name == name)).one()


def test_departments_are_a_classifier_with_a_tree(client: TestClient, db: Session) -> None:
    lead = create_user(db, "manager", full_name="Анна Лид")
    created = client.post(
        "/admin/classifiers/departments",
        data={"name": "Центральный офис", "is_regional_office": "1"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    office = _department(db, "Центральный офис")
    assert office.is_regional_office
    team = client.post(
        "/admin/classifiers/departments",
        data={"name": "Группа Анна Лид", "parent_id": str(office.id), "head_user_id": str(lead.id)},
        follow_redirects=False,
    )
    assert team.status_code == 303, team.text
    group = _department(db, "Группа Анна Лид")
    assert (group.parent_id, group.head_user_id, group.is_regional_office) == (
        office.id,
        lead.id,
        False,
    )
    page = client.get("/admin/classifiers/departments").text
    # The team row shows its parent office and its head; the create form offers the tree.
    assert re.search(r"<td>\s*Центральный офис\s*</td>", page)
    assert ">Центральный офис / Группа Анна Лид</option>" in page
    assert re.search(r"<td>\s*Анна Лид\s*</td>", page)
    # The office cannot go under its own team; a taken name is a form error, not a 500.
    cycle = client.post(
        f"/admin/classifiers/departments/{office.id}/edit",
        data={
            "version": str(office.version),
            "name": office.name,
            "parent_id": str(group.id),
            "is_regional_office": "1",
        },
    )
    assert cycle.status_code == 422
    assert _department(db, "Центральный офис").parent_id is None
    taken = client.post("/admin/classifiers/departments", data={"name": "Группа Анна Лид"})
    assert taken.status_code == 422
    # Renaming keeps head and parent (the edit form carries them).
    renamed = client.post(
        f"/admin/classifiers/departments/{group.id}/edit",
        data={
            "version": str(group.version),
            "name": "Группа А. Лид",
            "parent_id": str(office.id),
            "head_user_id": str(lead.id),
        },
        follow_redirects=False,
    )
    assert renamed.status_code == 303, renamed.text
    group = _department(db, "Группа А. Лид")
    assert (group.parent_id, group.head_user_id) == (office.id, lead.id)


def test_administrator_places_a_user_in_a_department_under_a_supervisor(
    client: TestClient, db: Session
) -> None:
    office = Department(name="Запад", is_regional_office=True)
    db.add(office)
    db.flush()
    team = Department(name="Группа Бориса", parent_id=office.id)
    db.add(team)
    db.commit()
    lead = create_user(db, "manager", full_name="Борис Лид")
    agent = create_user(db, "manager", full_name="Олег Агент")
    customer_count = db.scalar(select(User.id).where(User.role == "customer"))
    assert customer_count is None

    placed = client.post(
        f"/admin/users/{agent.id}/placement",
        data={"department_id": str(team.id), "supervisor_id": str(lead.id)},
        follow_redirects=False,
    )
    assert placed.status_code == 303, placed.text
    db.expire_all()
    assert (agent.department_id, agent.supervisor_id) == (team.id, lead.id)
    page = client.get("/admin/users").text
    row = page[page.index(f'data-login="{agent.login}"') :]
    row = row[: row.index("</tr>")]
    assert f'<option value="{team.id}" selected>Запад / Группа Бориса</option>' in row
    assert f'<option value="{lead.id}" selected>Борис Лид</option>' in row

    # The lead cannot report to their own agent; an unknown department is refused.
    cycle = client.post(f"/admin/users/{lead.id}/placement", data={"supervisor_id": str(agent.id)})
    assert cycle.status_code == 422
    assert "руководител" in cycle.text.lower() or "supervise" in cycle.text
    unknown = client.post(f"/admin/users/{agent.id}/placement", data={"department_id": "999999"})
    assert unknown.status_code == 422
    db.expire_all()
    assert (lead.supervisor_id, agent.department_id) == (None, team.id)

    # A department with people in it stays.
    refused = client.post(
        f"/admin/classifiers/departments/{team.id}/delete", data={"version": str(team.version)}
    )
    assert refused.status_code == 409
    assert _department(db, "Группа Бориса").deleted_at is None

    # Empty selects clear both.
    cleared = client.post(
        f"/admin/users/{agent.id}/placement",
        data={"department_id": "", "supervisor_id": ""},
        follow_redirects=False,
    )
    assert cleared.status_code == 303
    db.expire_all()
    assert (agent.department_id, agent.supervisor_id) == (None, None)


def test_only_administrators_place_users(anon_client: TestClient, db: Session) -> None:
    manager = create_user(db, "manager")
    other = create_user(db, "operator")
    response = anon_client.post(
        f"/admin/users/{other.id}/placement",
        headers=bearer(create_token(db, manager)),
        data={"supervisor_id": str(manager.id)},
    )
    assert response.status_code == 403
    db.expire_all()
    assert other.supervisor_id is None
