"""ВетИС.API (Меркурий) rules of issue #18, each on a response in the official format.

The structure follows the ВетИС.API 2.x schemas (mercury_g2b_applications_v2: a
processIncomingConsignmentResponse holds merc:stockEntry and merc:vetDocument elements of
the vd: types; vet-document v2: vetDStatus, lastUpdateDate, statusChange/actualDateTime).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingestion.gis import vetis
from ingestion.gis.events import ExchangeEvent, GisParseError
from ingestion.gis.identities import OrganizationIdentity, build_identities

OFFICIAL = Path(__file__).parent / "samples" / "vetis_official"
SAMPLES = Path(__file__).parent / "samples" / "vetis"

OUR_INN = "7707083893"
OURS = build_identities(
    [
        OrganizationIdentity(
            inn=OUR_INN,
            vetis_business_entity_guid="a2c1e1b0-0000-4000-8000-000000000001",
            vetis_enterprise_guids="a2c1e1b0-0000-4000-8000-000000000002",
        )
    ]
)
INCOMING_UUID = "2d4f6a8c-0e1b-4d3f-a5c7-e9f1b3d5a7c9"
WITHDRAWN_UUID = "3e5a7b9d-1f2c-4e4a-b6d8-f0a2c4e6b8d0"


def _parse(name: str) -> list[ExchangeEvent]:
    return vetis.parse(OFFICIAL / name, f"vetis/{name}", OURS)


def test_merc_vet_document_with_default_namespaces_and_a_stock_entry_reference() -> None:
    # The uuid-only vd:vetDocument inside merc:stockEntry is a reference: no event, no error.
    events = _parse("processIncomingConsignment_completed.xml")
    assert [e.document_id for e in events] == [INCOMING_UUID]
    (event,) = events
    assert event.document_type == "VetDocument:INCOMING"
    assert (event.status, event.status_group) == ("UTILIZED", "accepted")
    assert event.reference == "ПН-4471"


def test_completed_application_has_no_event_of_its_own() -> None:
    events = _parse("processIncomingConsignment_completed.xml")
    assert all(e.document_type.startswith("VetDocument:") for e in events)
    assert "c7a1d2e3-4f50-4a6b-8c7d-9e0f1a2b3c4d" not in {e.document_id for e in events}


def test_event_time_is_the_status_change_to_the_current_status() -> None:
    (event,) = _parse("processIncomingConsignment_completed.xml")
    # statusChange UTILIZED at 11:58 MSK, not lastUpdateDate (12:00:06) nor CONFIRMED (17:45).
    assert event.event_at == dt.datetime(2026, 3, 10, 8, 58)


def test_event_time_falls_back_to_last_update_date() -> None:
    data = (OFFICIAL / "processIncomingConsignment_completed.xml").read_bytes()
    without_change = data.replace(b"<v:status>UTILIZED</v:status>", b"<v:status>X</v:status>")
    (event,) = vetis.parse(without_change, "x.xml", OURS)
    assert event.event_at == dt.datetime(2026, 3, 10, 9, 0, 6)


def test_direction_and_parties_follow_our_vetis_guids() -> None:
    (incoming,) = _parse("processIncomingConsignment_completed.xml")
    assert incoming.direction == "inbound"  # our business entity is the consignee
    assert incoming.organization_inn == OUR_INN  # from the GUID: the file states no ИНН
    assert incoming.counterparty_gis_id == "c4e3a3d2-0000-4000-8000-000000000004"
    (withdrawn,) = _parse("getVetDocumentByUuid_withdrawn.xml")
    assert withdrawn.document_type == "VetDocument:TRANSPORT"
    assert withdrawn.direction == "outbound"  # we are the consignor of a TRANSPORT document
    assert (withdrawn.organization_inn, withdrawn.counterparty_inn) == (OUR_INN, "5008012345")


def test_env_prefix_vd_namespace_withdrawn_is_rejected_with_reason() -> None:
    (event,) = _parse("getVetDocumentByUuid_withdrawn.xml")
    assert event.document_id == WITHDRAWN_UUID
    assert (event.status, event.status_group) == ("WITHDRAWN", "rejected")
    assert event.error_message == "Ошибка в сведениях о количестве продукции"
    assert event.event_at == dt.datetime(2026, 3, 11, 15, 30)  # 18:30 naive = Moscow


def test_soap12_withdraw_response_is_read_and_gives_the_same_uuid_status_pair() -> None:
    (withdraw,) = _parse("withdrawVetDocument_soap12.xml")
    (by_uuid,) = _parse("getVetDocumentByUuid_withdrawn.xml")
    assert (withdraw.document_id, withdraw.status) == (by_uuid.document_id, by_uuid.status)
    assert withdraw.event_at == by_uuid.event_at  # so the warehouse keeps one of them


def test_confirmed_is_processing_issued_not_yet_utilised() -> None:
    data = (OFFICIAL / "getVetDocumentByUuid_withdrawn.xml").read_bytes()
    confirmed = data.replace(
        b"<vd:vetDStatus>WITHDRAWN</vd:vetDStatus>", b"<vd:vetDStatus>CONFIRMED</vd:vetDStatus>"
    )
    (event,) = vetis.parse(confirmed, "x.xml", OURS)
    assert (event.status, event.status_group) == ("CONFIRMED", "processing")
    assert event.event_at == dt.datetime(2026, 3, 11, 12, 10)  # its own status change
    assert event.error_message is None


def test_the_same_document_twice_in_one_response_is_one_event() -> None:
    data = (OFFICIAL / "getVetDocumentByUuid_withdrawn.xml").read_text(encoding="utf-8")
    start = data.index("<vd:vetDocument>")
    end = data.index("</vd:vetDocument>") + len("</vd:vetDocument>")
    twice = data[:end] + data[start:end] + data[end:]
    assert len(vetis.parse(twice.encode(), "x.xml", OURS)) == 1


def test_every_application_error_is_kept_with_its_code() -> None:
    events = vetis.parse(SAMPLES / "receiveApplicationResult_rejected.xml", "x.xml", OURS)
    assert [e.error_code for e in events] == ["MERC13284", "APLM0012"]
    assert events[0].source_line < events[1].source_line  # each at its own line: two rows
    assert {e.document_id for e in events} == {"2e6b1f0c-9d8a-4c7b-8e6f-5a4b3c2d1e0f"}


def test_a_vet_document_with_content_but_no_status_is_schema_drift() -> None:
    data = (OFFICIAL / "getVetDocumentByUuid_withdrawn.xml").read_bytes()
    broken = data.replace(b"<vd:vetDStatus>WITHDRAWN</vd:vetDStatus>", b"")
    with pytest.raises(GisParseError, match="lacks uuid, vetDType or vetDStatus"):
        vetis.parse(broken, "x.xml", OURS)


def test_elements_in_a_foreign_namespace_are_not_mistaken_for_vetis_ones() -> None:
    data = (OFFICIAL / "getVetDocumentByUuid_withdrawn.xml").read_bytes()
    foreign = data.replace(
        b'xmlns:vd="http://api.vetrf.ru/schema/cdm/mercury/vet-document/v2"',
        b'xmlns:vd="urn:example:not-vetis"',
    )
    assert vetis.parse(foreign, "x.xml", OURS) == []


def test_a_utf8_bom_before_the_soap_envelope_is_read() -> None:
    data = b"\xef\xbb\xbf" + (OFFICIAL / "getVetDocumentByUuid_withdrawn.xml").read_bytes()
    (event,) = vetis.parse(data, "x.xml", OURS)
    assert (event.document_id, event.status) == (WITHDRAWN_UUID, "WITHDRAWN")
