"""Организации: the identity rules (ИНН/КПП, FSRAR IDs, ВетИС GUIDs, lists) and the lock."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ingestion.gis.identities import OrganizationIdentity, build_identities
from operational_app.domain import organizations as service
from operational_app.domain.errors import StaleVersion, ValidationFailed
from tests.operational_app.utils.factories import legal_entity_inn, personal_inn

GUID = "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b"
OTHER_GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": 'ООО "Наша компания"',
        "inn": legal_entity_inn(),
        "kpp": "770101001",
        "fsrar_id": "010000000001",
        "additional_fsrar_ids": "010000000002\n010000000003",
        "vetis_business_entity_guid": GUID.upper(),
        "vetis_enterprise_guids": f"{{{OTHER_GUID}}}",
        "gismt_participant_inn": None,
    }
    values.update(overrides)
    return values


def test_create_stores_identities_the_way_the_pipeline_reads_them(db: Session):
    organization = service.create_organization(db, _values())
    db.commit()
    assert organization.additional_fsrar_ids == "010000000002,010000000003"
    # GUIDs canonical (lower case, no braces): the parsers compare them so.
    assert organization.vetis_business_entity_guid == GUID
    assert organization.vetis_enterprise_guids == OTHER_GUID
    identities = build_identities(
        [
            OrganizationIdentity(
                **{field: getattr(organization, field) for field in OrganizationIdentity.__slots__}
            )
        ]
    )
    assert set(identities.fsrar_ids) == {"010000000001", "010000000002", "010000000003"}
    assert identities.vetis_organization(OTHER_GUID) == organization.inn


def test_individual_entrepreneur_has_a_12_digit_inn_and_no_kpp(db: Session):
    organization = service.create_organization(db, _values(inn=personal_inn(), kpp=None))
    assert organization.kpp is None
    with pytest.raises(ValidationFailed) as refused:
        service.create_organization(db, _values(inn=personal_inn(), kpp="770101001"))
    assert (refused.value.rule, refused.value.field) == ("kpp.forbidden", "kpp")


@pytest.mark.parametrize(
    ("overrides", "rule", "field"),
    [
        ({"inn": "7701000000"}, "inn.checksum", "inn"),
        ({"inn": "77010"}, "inn.length", "inn"),
        ({"kpp": None}, "kpp.required", "kpp"),
        ({"fsrar_id": "01000000001"}, "organization.fsrar_id", "fsrar_id"),
        ({"fsrar_id": "０１0000000001"}, "organization.fsrar_id", "fsrar_id"),
        (
            {"additional_fsrar_ids": "010000000002\nabc"},
            "organization.fsrar_id",
            "additional_fsrar_ids",
        ),
        (
            {"vetis_business_entity_guid": "not-a-guid"},
            "organization.guid",
            "vetis_business_entity_guid",
        ),
        (
            {"vetis_enterprise_guids": f"{OTHER_GUID}\n{OTHER_GUID[:-1]}"},
            "organization.guid",
            "vetis_enterprise_guids",
        ),
        ({"gismt_participant_inn": "1234567890"}, "inn.checksum", "gismt_participant_inn"),
        ({"name": "  "}, "text.required", "name"),
    ],
)
def test_bad_identity_is_refused_naming_its_field(
    db: Session, overrides: dict[str, object], rule: str, field: str
):
    with pytest.raises(ValidationFailed) as refused:
        service.create_organization(db, _values(**overrides))
    assert (refused.value.rule, refused.value.field) == (rule, field)
    assert service.list_organizations(db) == []


def test_an_identity_belongs_to_one_organization(db: Session):
    first = service.create_organization(db, _values())
    db.commit()
    for overrides, field in [
        ({"inn": first.inn}, "inn"),
        ({"fsrar_id": "010000000003", "additional_fsrar_ids": None}, "fsrar_id"),
        ({"vetis_business_entity_guid": None}, "vetis_enterprise_guids"),
    ]:
        values = _values(fsrar_id=None, additional_fsrar_ids=None, vetis_business_entity_guid=None)
        values["vetis_enterprise_guids"] = None
        values.update(overrides)
        if field == "vetis_enterprise_guids":
            values["vetis_enterprise_guids"] = GUID  # the first one's business entity
        with pytest.raises(ValidationFailed) as refused:
            service.create_organization(db, values)
        assert refused.value.field == field
        db.rollback()
    # Editing an organization does not collide with its own identities.
    service.update_organization(db, first, {"fsrar_id": "010000000001"}, expected_version=1)


def test_update_is_a_patch_with_one_version_bump_and_refuses_a_stale_copy(db: Session):
    organization = service.create_organization(db, _values())
    db.commit()
    service.update_organization(
        db,
        organization,
        {"additional_fsrar_ids": ["010000000009"], "vetis_enterprise_guids": ""},
        expected_version=1,
    )
    db.commit()
    assert organization.version == 2
    assert organization.additional_fsrar_ids == "010000000009"
    assert organization.vetis_enterprise_guids is None
    assert organization.fsrar_id == "010000000001"  # not given, kept
    with pytest.raises(StaleVersion):
        service.update_organization(db, organization, {"name": "X"}, expected_version=1)


def test_lists_read_back_one_per_line():
    assert service.lines("a,b;c  d") == "a\nb\nc\nd"
    assert service.split_list("x\r\n\r\ny\nx") == ["x", "y"]
