"""Организации: the administrator's page for our legal entities and their GIS identities."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Organization
from operational_app.domain import organizations as service
from tests.operational_app.utils.factories import legal_entity_inn
from tests.operational_app.utils.users import bearer, create_token, create_user

GUID = "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b"
PLANT_1 = "0f8fad5b-d9cb-469f-a165-70867728950e"
PLANT_2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def post(client: TestClient, url: str, data: dict[str, object], **kwargs: object):
    return client.post(url, data=data, follow_redirects=False, **kwargs)


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<span class="error" id="{name}-error">([^<]*)</span>', html)
    assert match, f"no error shown next to {name}"
    return match.group(1)


def _typed(**overrides: str) -> dict[str, str]:
    typed = {
        "name": "ООО «Наша компания»",
        "inn": legal_entity_inn(),
        "kpp": "770101001",
        "fsrar_id": "010000000001",
        "additional_fsrar_ids": "010000000002\r\n010000000003\r\n",
        "vetis_business_entity_guid": GUID,
        "vetis_enterprise_guids": f"{PLANT_1}\r\n{PLANT_2.upper()}",
        "gismt_participant_inn": "",
    }
    typed.update(overrides)
    return typed


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Organization)) or 0


def test_admin_creates_and_lists_an_organization(client: TestClient, db: Session):
    menu = client.get("/").text
    assert 'href="/admin/organizations">Организации<' in menu
    form = client.get("/admin/organizations/new").text
    for label in (
        "Идентификатор ФСРАР (ЕГАИС)",
        "GUID хозяйствующего субъекта (ВетИС)",
        "GUID площадок (ВетИС)",
        "Участник оборота (ГИС МТ)",
    ):
        assert label in form
    typed = _typed()
    created = post(client, "/admin/organizations", typed)
    assert (created.status_code, created.headers["location"]) == (303, "/admin/organizations")
    organization = db.scalars(select(Organization)).one()
    assert (organization.inn, organization.kpp) == (typed["inn"], "770101001")
    assert organization.additional_fsrar_ids == "010000000002,010000000003"
    assert organization.vetis_enterprise_guids == f"{PLANT_1},{PLANT_2}"
    assert organization.gismt_participant_inn is None
    listing = client.get("/admin/organizations").text
    assert f'href="/admin/organizations/{organization.id}"' in listing
    assert "010000000003" in listing and PLANT_2 in listing
    # The edit form shows the lists one identifier per line.
    edit = client.get(f"/admin/organizations/{organization.id}").text
    assert f"{PLANT_1}\n{PLANT_2}</textarea>" in edit
    assert 'name="version" value="1"' in edit


def test_admin_edits_an_organization(client: TestClient, db: Session):
    organization = service.create_organization(db, _typed())
    db.commit()
    typed = _typed(
        inn=organization.inn,
        name="ООО «Наша компания — Урал»",
        additional_fsrar_ids="",
        vetis_enterprise_guids=PLANT_2,
        gismt_participant_inn="",
        version="1",
    )
    saved = post(client, f"/admin/organizations/{organization.id}", typed)
    assert saved.status_code == 303
    db.refresh(organization)
    assert organization.name == "ООО «Наша компания — Урал»"
    assert (organization.additional_fsrar_ids, organization.vetis_enterprise_guids) == (
        None,
        PLANT_2,
    )
    assert organization.version == 2


def test_a_manager_gets_403(client: TestClient, db: Session):
    organization = service.create_organization(db, _typed())
    db.commit()
    manager = bearer(create_token(db, create_user(db, "manager")))
    assert client.get("/admin/organizations", headers=manager).status_code == 403
    assert client.get(f"/admin/organizations/{organization.id}", headers=manager).status_code == 403
    refused = post(client, "/admin/organizations", _typed(), headers=manager)
    assert refused.status_code == 403
    edit = post(
        client,
        f"/admin/organizations/{organization.id}",
        _typed(inn=organization.inn, name="Чужая", version="1"),
        headers=manager,
    )
    assert edit.status_code == 403
    db.refresh(organization)
    assert organization.name == "ООО «Наша компания»" and _count(db) == 1
    # Nor does a manager see the menu item.
    assert 'href="/admin/organizations"' not in client.get("/", headers=manager).text


def test_invalid_identities_give_a_form_error_and_store_nothing(client: TestClient, db: Session):
    for field, value, message in [
        ("inn", "7701000000", "контрольные цифры ИНН"),
        ("fsrar_id", "12345", "12 цифр"),
        ("additional_fsrar_ids", "010000000002\nABC", "12 цифр"),
        ("vetis_business_entity_guid", "не-guid", "не GUID"),
        ("vetis_enterprise_guids", f"{PLANT_1}\n{PLANT_2[:-2]}", "не GUID"),
        ("kpp", "", "КПП обязателен"),
    ]:
        refused = post(client, "/admin/organizations", _typed(**{field: value}))
        assert refused.status_code == 422, field
        assert message in field_error(refused.text, field), field
        # What was typed is still in the form.
        assert "ООО «Наша компания»" in refused.text
    assert _count(db) == 0


def test_invalid_edit_keeps_what_is_stored(client: TestClient, db: Session):
    organization = service.create_organization(db, _typed())
    db.commit()
    refused = post(
        client,
        f"/admin/organizations/{organization.id}",
        _typed(inn=organization.inn, fsrar_id="0100000000012", version="1"),
    )
    assert refused.status_code == 422
    assert "12 цифр" in field_error(refused.text, "fsrar_id")
    db.refresh(organization)
    assert (organization.fsrar_id, organization.version) == ("010000000001", 1)


def test_stale_edit_gives_409_with_what_changed(client: TestClient, db: Session):
    organization = service.create_organization(db, _typed())
    db.commit()
    # Someone else adds a plant meanwhile.
    service.update_organization(
        db, organization, {"vetis_enterprise_guids": PLANT_1}, expected_version=1
    )
    db.commit()
    # The business-entity GUID typed in upper case is the stored one, not a change.
    typed = _typed(
        inn=organization.inn,
        name="Моё название",
        vetis_business_entity_guid=GUID.upper(),
        version="1",
    )
    stale = post(client, f"/admin/organizations/{organization.id}", typed)
    assert stale.status_code == 409
    assert 'id="stale-changes"' in stale.text
    changed = re.findall(r'<tr data-field="([a-z_]+)">', stale.text)
    assert sorted(changed) == ["name", "vetis_enterprise_guids"]
    assert 'value="Моё название"' in stale.text  # the typed values stay
    assert 'name="version" value="2"' in stale.text  # saving again overwrites on purpose
    db.refresh(organization)
    assert (organization.name, organization.version) == ("ООО «Наша компания»", 2)


def test_english_labels(client_en: TestClient):
    form = client_en.get("/admin/organizations/new").text
    assert "FSRAR ID (EGAIS)" in form and "Enterprise GUIDs (VetIS)" in form
