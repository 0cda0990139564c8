"""Seeded organizations carry their GIS identities, and the seeded GIS files name us by them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ingestion.gis.events import GisParseError
from ingestion.gis.identities import OurIdentities, load_identities_from_oltp, split_ids
from ingestion.gis.xmlsafe import parse_xml
from operational_app.db.models import Organization
from operational_app.domain import organizations as service
from operational_app.seed import Scale, seed_database
from operational_app.seed.generator import generate

AS_OF = dt.date(2026, 11, 26)
SCALE = Scale(deals=800, partners=100, managers=4, operators=2)
VETIS_BASE = "http://api.vetrf.ru/schema/cdm/base"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp("seed_organizations")
    url = f"sqlite:///{root / 'oltp.sqlite3'}"
    seed_database(url, SCALE, seed=5, as_of=AS_OF, gis_inbox_dir=root / "inbox")
    return url, root / "inbox"


def _organizations(url: str) -> list[Organization]:
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            rows = list(session.scalars(sa.select(Organization).order_by(Organization.id)))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


def _consignors(inbox: Path) -> list[tuple[str, str]]:
    """(business-entity GUID, ИНН) of every vet document's consignor in the ВетИС files."""
    found = []
    for path in sorted((inbox / "vetis").glob("*.xml")):
        try:
            root = parse_xml(path.read_bytes())
        except GisParseError:
            continue  # the seed's deliberately hostile files
        for node in root.subtree():
            if node.name != "consignor":
                continue
            entity = node.child("businessEntity")
            guid = entity.child("guid", VETIS_BASE) if entity is not None else None
            if guid is not None:
                found.append((guid.text, entity.text_at("inn") or ""))
    return found


def test_our_vetis_guids_are_in_the_seeded_vetis_files(seeded: tuple[str, Path]) -> None:
    url, inbox = seeded
    ours: OurIdentities = load_identities_from_oltp(url)
    consignors = _consignors(inbox)
    assert len(consignors) >= 5
    entity_guids = {org.vetis_business_entity_guid for org in _organizations(url)}
    for guid, inn in consignors:
        # The parser recognises us by the GUID (not only by the ИНН fallback) ...
        assert guid in entity_guids
        # ... and the GUID leads to the organization the file names by ИНН.
        assert ours.vetis_organization(guid) == inn
    # More than one of our organizations ships with vet documents, each named by its own GUID.
    assert len({guid for guid, _ in consignors}) >= 2


def test_gismt_senders_are_our_participants(seeded: tuple[str, Path]) -> None:
    url, inbox = seeded
    participants = {org.gismt_participant_inn for org in _organizations(url)}
    assert None not in participants
    senders = set()
    for path in sorted((inbox / "gismt").glob("*.json")):
        try:
            rows = json.loads(path.read_text(encoding="utf-8")).get("results", [])
        except ValueError:
            continue  # the seed's deliberately truncated file
        senders |= {row["senderInn"] for row in rows if row.get("input") is False}
    assert senders and senders <= participants


def test_seeded_identities_pass_the_administrators_rules(seeded: tuple[str, Path]) -> None:
    """What the seed stores is what the Организации page would store for the same input."""
    url, _ = seeded
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            organizations = list(session.scalars(sa.select(Organization)))
            assert len(organizations) == 3
            for organization in organizations:
                before = {f: getattr(organization, f) for f in service.ORGANIZATION_FIELDS}
                assert len(split_ids(organization.vetis_enterprise_guids)) == 2
                service.update_organization(
                    session, organization, before, expected_version=organization.version
                )
                after = {f: getattr(organization, f) for f in service.ORGANIZATION_FIELDS}
                assert after == before
            session.rollback()
    finally:
        engine.dispose()


def test_identities_are_deterministic_and_distinct() -> None:
    def identities(seed: int) -> dict[str, list]:
        tables = generate(Scale(deals=20, partners=5, managers=1, operators=1), seed, AS_OF)
        organizations = next(t for t in tables if t.name == "organizations")
        return {
            name: list(organizations.columns[name])
            for name in ("inn", "vetis_business_entity_guid", "vetis_enterprise_guids")
        }

    first = identities(3)
    assert identities(3) == first
    assert identities(4)["vetis_business_entity_guid"] != first["vetis_business_entity_guid"]
    guids = first["vetis_business_entity_guid"] + [
        guid for value in first["vetis_enterprise_guids"] for guid in split_ids(value)
    ]
    assert len(set(guids)) == len(guids) == 9
