"""ЕГАИС (УТМ) rules of issue #18, each on a file in the official format.

The files under samples/egais_official validate against the УТМ XSDs kept in
ingestion/gis/schemas/egais (checked in test_schemas.py); the parser never sees the schemas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingestion.gis import egais
from ingestion.gis.events import ExchangeEvent, UnknownPartiesError
from ingestion.gis.identities import OrganizationIdentity, build_identities

OFFICIAL = Path(__file__).parent / "samples" / "egais_official"
SAMPLES = Path(__file__).parent / "samples" / "egais"

OUR_INN = "7707083893"
OUR_FSRAR = "030000194005"
SUPPLIER_FSRAR = "010000000467"
OURS = build_identities([OrganizationIdentity(inn=OUR_INN, fsrar_id=OUR_FSRAR)])


def _parse(name: str, folder: Path = OFFICIAL) -> list[ExchangeEvent]:
    return egais.parse(folder / name, f"egais/{name}", OURS)


def _one(name: str, folder: Path = OFFICIAL) -> ExchangeEvent:
    events = _parse(name, folder)
    assert len(events) == 1
    return events[0]


def test_incoming_waybill_is_inbound_although_its_owner_is_the_shipper() -> None:
    event = _one("WayBill_v4_incoming.xml")
    assert event.direction == "inbound"  # we are the Consignee
    assert event.organization_inn == OUR_INN
    assert event.counterparty_inn == "7810123450"  # the shipper
    assert event.counterparty_gis_id == SUPPLIER_FSRAR
    assert (event.status, event.status_group) == ("Received", "processing")
    assert event.reference == "ПН-4471"
    assert event.document_id == "a9d3c1e2-7b44-4f0e-8c1d-5e6f7a8b9c01"


def test_outgoing_waybill_is_outbound_by_our_fsrar_id_as_shipper() -> None:
    event = _one("WayBill_v4_outbound.xml", SAMPLES)
    assert event.direction == "outbound"
    assert (event.organization_inn, event.counterparty_inn) == (OUR_INN, "500100732259")
    assert event.status == "Sent"


def test_an_organization_with_several_utm_is_recognised_by_any_fsrar_id() -> None:
    several = build_identities(
        [
            OrganizationIdentity(
                inn=OUR_INN,
                fsrar_id="030000000001",
                additional_fsrar_ids=f"030000000002, {OUR_FSRAR}",
            )
        ]
    )
    event = egais.parse(OFFICIAL / "WayBill_v4_incoming.xml", "x.xml", several)[0]
    assert event.direction == "inbound"


def test_a_waybill_naming_none_of_our_fsrar_ids_is_left_for_later_not_guessed() -> None:
    strangers = build_identities([OrganizationIdentity(inn="5008012345", fsrar_id="039999999999")])
    with pytest.raises(UnknownPartiesError, match="neither Shipper '010000000467'"):
        egais.parse(OFFICIAL / "WayBill_v4_incoming.xml", "x.xml", strangers)
    with pytest.raises(UnknownPartiesError):
        egais.parse(OFFICIAL / "WayBill_v4_incoming.xml", "x.xml")  # no identities at all


def test_a_date_only_document_date_stays_that_date() -> None:
    # wb:Date 2026-03-10 (xs:date): not 2026-03-09 21:00 UTC, which the daily mart puts a day early.
    assert _one("WayBill_v4_incoming.xml").event_at == dt.datetime(2026, 3, 10)
    assert _one("WayBillAct_v4_ours_differences.xml").event_at == dt.datetime(2026, 3, 11)


def test_date_with_time_has_no_offset_and_is_moscow_time() -> None:
    ticket = _one("Ticket_act_accepted.xml")
    assert ticket.event_at == dt.datetime(2026, 3, 11, 7, 20, 30)  # 10:20:30 MSK


def test_registration_ttninformf2reg_is_supported_and_links_identity_to_wbregid() -> None:
    event = _one("TTNInformF2Reg_incoming.xml")
    assert event.document_type == "TTNInformF2Reg"
    assert event.document_id == "TTN-0412345678"
    assert event.related_document_id == "a9d3c1e2-7b44-4f0e-8c1d-5e6f7a8b9c01"  # the WayBill_v4
    assert event.reference == "ПН-4471"
    assert event.direction == "inbound"
    assert (event.organization_inn, event.counterparty_inn) == (OUR_INN, "7810123450")
    assert (event.status, event.status_group) == ("Registered", "processing")
    assert event.event_at == dt.datetime(2026, 3, 10)


def test_reply_no_answer_ttn_gives_one_event_per_no_answer() -> None:
    events = _parse("ReplyNoAnswerTTN.xml")
    assert [e.document_id for e in events] == ["TTN-0412345679", "TTN-0412345680"]
    assert [e.reference for e in events] == ["ПН-4480", "РН-77"]
    assert [e.counterparty_gis_id for e in events] == [SUPPLIER_FSRAR, "020000000123"]
    assert {(e.status, e.status_group, e.direction) for e in events} == {
        ("NoAnswer", "processing", "inbound")
    }
    assert {e.organization_inn for e in events} == {OUR_INN}
    assert {e.event_at for e in events} == {dt.datetime(2026, 3, 12, 6, 0, 5)}  # ReplyDate
    assert events[0].source_line < events[1].source_line


def test_reply_no_answer_for_another_consignee_is_left_for_later() -> None:
    strangers = build_identities([OrganizationIdentity(inn="5008012345", fsrar_id="039999999999")])
    with pytest.raises(UnknownPartiesError, match="Consignee '030000194005'"):
        egais.parse(OFFICIAL / "ReplyNoAnswerTTN.xml", "x.xml", strangers)


def test_our_act_is_our_decision_and_processing_until_its_ticket() -> None:
    act = _one("WayBillAct_v4_ours_differences.xml")
    assert act.decision == "Differences"  # our decision, in its own column
    assert (act.status, act.status_group) == ("Sent", "processing")  # not "rejected"
    assert act.direction == "inbound"  # an act we write is on a waybill we received
    assert act.organization_inn == OUR_INN
    assert act.document_id == "TTN-0412345678"
    assert act.error_message == "Недостача 2 бутылок"
    ticket = _one("Ticket_act_accepted.xml")
    assert ticket.document_id == act.document_id
    assert (ticket.status, ticket.status_group) == ("Accepted", "accepted")
    assert ticket.decision is None
    assert ticket.direction == "inbound"  # a ticket on our act


def test_a_customers_act_on_our_waybill_is_outbound_and_registered() -> None:
    data = (OFFICIAL / "WayBillAct_v4_ours_differences.xml").read_bytes()
    theirs = data.replace(b"<ns:FSRAR_ID>030000194005", b"<ns:FSRAR_ID>020000000123")
    accepted = theirs.replace(b">Differences<", b">Accepted<")
    act = egais.parse(accepted, "x.xml", OURS)[0]
    assert (act.direction, act.decision) == ("outbound", "Accepted")
    assert (act.status, act.status_group) == ("Received", "accepted")
    assert act.counterparty_gis_id == "020000000123"
    # A discrepancy act from the customer waits for our answer.
    assert egais.parse(theirs, "x.xml", OURS)[0].status_group == "processing"


def test_ticket_status_is_the_systems_word_and_the_operation_its_own_column() -> None:
    event = _one("Ticket_operation_confirm.xml", SAMPLES)
    assert (event.status, event.operation) == ("Accepted", "Confirm")
    assert event.status_group == "accepted"
    assert event.document_id == "TTN-0412345678"


def test_a_rejected_ticket_keeps_its_comment_and_both_ids() -> None:
    event = _one("Ticket_conclusion_rejected_cp1251.xml", SAMPLES)
    assert (event.status, event.status_group) == ("Rejected", "rejected")
    assert event.operation is None
    assert event.document_id == "TTN-0412345678"
    assert event.related_document_id == "6f1c2f0e-8d7a-4b7e-9a43-2f7d9b1a0c11"
    assert event.direction == "outbound"  # a ticket on our waybill
    assert event.error_message is not None
    assert event.error_message.startswith("Документ не прошел проверку")


def test_a_utf8_bom_and_a_windows_1251_file_read_alike() -> None:
    text = (OFFICIAL / "ReplyNoAnswerTTN.xml").read_text(encoding="utf-8")
    with_bom = b"\xef\xbb\xbf" + text.encode("utf-8")
    cp1251 = text.replace('encoding="UTF-8"', 'encoding="windows-1251"').encode("cp1251")
    references = [
        [e.reference for e in egais.parse(data, "x.xml", OURS)] for data in (with_bom, cp1251)
    ]
    assert references == [["ПН-4480", "РН-77"], ["ПН-4480", "РН-77"]]
