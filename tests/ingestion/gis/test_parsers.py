"""Each parser on hand-written samples of its system's real format (see the parser docstrings)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingestion.gis import egais, gismt, vetis
from ingestion.gis.events import ARROW_SCHEMA, GisParseError, parse_timestamp, to_arrow
from ingestion.gis.identities import OrganizationIdentity, build_identities

SAMPLES = Path(__file__).parent / "samples"
OURS = build_identities([OrganizationIdentity(inn="7707083893", fsrar_id="030000194005")])


def _one(events: list) -> object:
    assert len(events) == 1
    return events[0]


def test_egais_outbound_waybill() -> None:
    event = _one(egais.parse(SAMPLES / "egais/WayBill_v4_outbound.xml", "egais/wb.xml", OURS))
    assert event.system == "egais"
    assert event.document_type == "WayBill_v4"
    assert event.document_id == "6f1c2f0e-8d7a-4b7e-9a43-2f7d9b1a0c11"
    assert event.direction == "outbound"  # the Shipper's ClientRegId is ours
    assert event.organization_inn == "7707083893"
    assert event.counterparty_inn == "500100732259"  # oref:FL, 12-digit ИНН, no КПП
    assert event.reference == "ЗК-000123"
    assert event.event_at == dt.datetime(2024, 3, 4)  # a date stays its date
    assert (event.status, event.status_group) == ("Sent", "processing")
    assert event.source_file == "egais/wb.xml"
    assert event.source_line == 13
    assert len(event.file_sha256) == 64


def test_egais_inbound_waybill_cp1251_without_identity() -> None:
    raw = (SAMPLES / "egais/WayBill_v4_inbound_cp1251.xml").read_bytes()
    assert "ПН-4471".encode("cp1251") in raw  # really a windows-1251 file
    event = _one(egais.parse(raw, "egais/in.xml", OURS))
    assert event.direction == "inbound"
    assert event.reference == "ПН-4471"
    assert event.document_id == "ПН-4471"  # falls back to NUMBER without wb:Identity
    assert (event.organization_inn, event.counterparty_inn) == ("7707083893", "7810123450")
    assert event.event_at == dt.datetime(2024, 2, 28, 13, 40)  # explicit +03:00 honoured
    assert event.status == "Received"


def test_egais_ticket_conclusion_rejected_cp1251_decodes_cyrillic() -> None:
    path = SAMPLES / "egais/Ticket_conclusion_rejected_cp1251.xml"
    event = _one(egais.parse(path, "t.xml", OURS))
    assert event.document_type == "Ticket:WayBill_v4"
    assert (event.status, event.status_group) == ("Rejected", "rejected")
    assert event.error_message is not None
    assert event.error_message.startswith("Документ не прошел проверку: недостаточно остатков")
    assert event.event_at == dt.datetime(2024, 3, 4, 9, 1, 8)  # ConclusionDate, MSK -> UTC


def test_vetis_completed_application_with_vet_documents() -> None:
    events = vetis.parse(SAMPLES / "vetis/receiveApplicationResult_completed.xml", "v.xml")
    outgoing, incoming = events  # a COMPLETED application is no event of its own
    assert outgoing.document_id == "0b8e2c6a-3f1d-4c5e-9a7b-1d2e3f4a5b6c"
    assert outgoing.document_type == "VetDocument:OUTGOING"
    assert (outgoing.status, outgoing.status_group) == ("CONFIRMED", "processing")
    assert outgoing.direction == "outbound"
    assert (outgoing.organization_inn, outgoing.counterparty_inn) == ("7707083893", "5008012345")
    assert outgoing.reference == "ЗК-000123"  # the type 1 (ТТН) reference, not the contract
    assert outgoing.event_at == dt.datetime(2024, 3, 4, 6, 5, 11)  # lastUpdateDate, no change
    assert incoming.direction == "inbound"
    assert (incoming.organization_inn, incoming.counterparty_inn) == ("7707083893", "7810123450")
    assert (incoming.status, incoming.status_group) == ("UTILIZED", "accepted")
    assert incoming.reference is None
    assert incoming.event_at == dt.datetime(2024, 3, 1)  # issueDate only: the date itself
    assert outgoing.source_line < incoming.source_line


def test_vetis_rejected_keeps_every_error_with_its_code() -> None:
    events = vetis.parse(SAMPLES / "vetis/receiveApplicationResult_rejected.xml", "v.xml")
    assert len(events) == 2
    assert {(e.status, e.status_group) for e in events} == {("REJECTED", "rejected")}
    assert events[0].error_code == "MERC13284"
    assert events[0].error_message is not None
    assert "Недостаточно продукции" in events[0].error_message
    assert events[1].error_message is not None
    assert "unexpected error" in events[1].error_message
    assert {e.event_at for e in events} == {dt.datetime(2024, 3, 5, 11, 0, 9)}  # naive -> MSK


def test_vetis_platform_only_errors_are_error_group() -> None:
    path = SAMPLES / "vetis/receiveApplicationResult_platform_error.xml"
    event = _one(vetis.parse(path, "v.xml"))
    assert (event.status_group, event.error_code) == ("error", "APLM0007")


def test_vetis_in_process() -> None:
    path = SAMPLES / "vetis/receiveApplicationResult_in_process.xml"
    event = _one(vetis.parse(path, "v.xml"))
    assert (event.status, event.status_group) == ("IN_PROCESS", "processing")
    assert event.event_at == dt.datetime(2024, 3, 6, 5, 0, 0, 500000)


def test_gismt_document_list() -> None:
    events = gismt.parse(SAMPLES / "gismt/doc_list.json", "gismt/list.json")
    by_status = {e.status: e for e in events}
    assert [e.source_line for e in events] == [1, 2, 3, 4, 5]
    ship = by_status["ACCEPTED"]
    assert (ship.document_type, ship.direction, ship.status_group) == (
        "LP_SHIP_GOODS",
        "outbound",
        "accepted",
    )
    assert (ship.organization_inn, ship.counterparty_inn) == ("7707083893", "5008012345")
    assert ship.reference == "ЗК-000123"
    assert ship.event_at == dt.datetime(2024, 3, 4, 7, 12, 45, 317000)
    accept = by_status["CHECKED_OK"]
    # No `input` flag: the buyer files LP_ACCEPT_GOODS, so it is inbound; parties swap.
    assert accept.direction == "inbound"
    assert (accept.organization_inn, accept.counterparty_inn) == ("5008012345", "7707083893")
    assert accept.event_at == dt.datetime(2024, 3, 5, 7, 0)
    rejected = by_status["CHECKED_NOT_OK"]
    assert rejected.status_group == "rejected"
    assert rejected.error_message == (
        "4: Код маркировки не принадлежит участнику оборота товаров; "
        "15: Код маркировки не найден в ГИС МТ"
    )
    failed = by_status["PROCESSING_ERROR"]
    assert failed.status_group == "error"
    assert failed.error_message == "Техническая ошибка обработки документа"
    assert failed.event_at == dt.datetime(2024, 3, 4)  # docDate when receivedAt is absent
    assert failed.reference is None
    assert by_status["WAIT_ACCEPTANCE"].status_group == "processing"


def test_events_convert_to_the_arrow_schema() -> None:
    events = gismt.parse(SAMPLES / "gismt/doc_list.json", "x.json")
    table = to_arrow(events)
    assert table.schema == ARROW_SCHEMA
    assert table.num_rows == 5
    assert to_arrow([]).num_rows == 0


@pytest.mark.parametrize(
    ("parser", "name", "reason"),
    [
        (egais.parse, "billion_laughs.xml", "DOCTYPE is forbidden"),
        (egais.parse, "xxe_passwd.xml", "DOCTYPE is forbidden"),
        (egais.parse, "external_dtd.xml", "DOCTYPE is forbidden"),
        (egais.parse, "declared_utf8_but_cp1251.xml", "xml/encoding"),
        (egais.parse, "unknown_document.xml", "unsupported document QueryAP"),
        (vetis.parse, "soap_fault.xml", "SOAP Fault"),
        (vetis.parse, "billion_laughs.xml", "DOCTYPE is forbidden"),
        (gismt.parse, "truncated.json", "json: truncated or invalid"),
        (gismt.parse, "unknown_status.json", "unknown status"),
        (gismt.parse, "wrong_shape.json", "top level must be an object"),
    ],
)
def test_hostile_and_malformed_files_raise_with_reason(parser, name: str, reason: str) -> None:
    with pytest.raises(GisParseError) as caught:
        parser(SAMPLES / "hostile" / name, name)
    assert reason in caught.value.reason


def test_wrong_system_root_is_schema_drift() -> None:
    with pytest.raises(GisParseError, match="unexpected root element"):
        vetis.parse(SAMPLES / "egais/WayBill_v4_outbound.xml", "x.xml")
    with pytest.raises(GisParseError, match="unexpected root element"):
        egais.parse(SAMPLES / "vetis/receiveApplicationResult_rejected.xml", "x.xml")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"results": [{"number": "1", "type": "T"}]}', "lacks required field 'status'"),
        (b'{"results": {"number": "1"}}', "'results' must be an array"),
        (b'{"results": [], "total": -1}', "'total'"),
        (b'{"results": [1]}', "results[1] must be an object"),
        (b'{"results": [{"number":"1","type":"T","status":"CHECKED_OK","senderInn":"12"}]}', "ИНН"),
        (b'{"results": [{"number":"1","type":"T","status":"CHECKED_OK"}]}', "missing"),
        (b'{"results": NaN}', "non-standard constant"),
        ('{"results": []}'.encode("utf-16"), "not UTF-8"),
        (b"[" * 100_000, "json"),
    ],
)
def test_gismt_rejects_wrong_shapes(payload: bytes, reason: str) -> None:
    with pytest.raises(GisParseError) as caught:
        gismt.parse(payload, "x.json")
    assert reason in caught.value.reason


def test_xml_encoding_declared_but_unknown() -> None:
    data = b'<?xml version="1.0" encoding="x-no-such"?><a/>'
    with pytest.raises(GisParseError, match="encoding"):
        egais.parse(data, "x.xml")


def test_timestamps() -> None:
    assert parse_timestamp("2024-03-04T10:00:00.1234567Z", "t") == dt.datetime(
        2024, 3, 4, 10, 0, 0, 123456
    )
    assert parse_timestamp("2024-03-04T10:00:00+05:00", "t") == dt.datetime(2024, 3, 4, 5)
    with pytest.raises(GisParseError, match="not an ISO 8601"):
        parse_timestamp("04.03.2024", "t")


def test_gismt_withdrawal_document_codes() -> None:
    # doc/{docId}/info?body=true for two LK_RECEIPT (вывод из оборота) documents: the codes of
    # the body's products, the code's own primary document before the body's.
    path = SAMPLES / "gismt/doc_info_lk_receipt.json"
    events = gismt.parse(path, "gismt/info.json")
    assert [(e.document_type, e.status_group, e.direction) for e in events] == [
        ("LK_RECEIPT", "accepted", "outbound"),
        ("LK_RECEIPT", "rejected", "outbound"),
    ]
    codes = gismt.parse_codes(path, "gismt/info.json")
    assert [c.cis for c in codes] == [
        "0104601234567890215QIQ8BQCXmSJJ",
        "010460123456789021sN7p2w",
        "010460123456789021Zz9kQ1",
    ]
    first, second, rejected = codes
    assert first.gtin == "04601234567890" and first.product_cost == 345000
    assert (first.action, first.action_date) == ("RETAIL", dt.date(2026, 11, 20))
    assert (second.primary_document_type, second.primary_document_number) == ("RECEIPT", "1234")
    assert second.primary_document_date == dt.date(2026, 11, 20)
    assert rejected.status_group == "rejected" and rejected.source_line == 2
    assert first.organization_inn == "7707083893"
    assert gismt.codes_to_arrow(codes).num_rows == 3
    # A plain document list has no codes.
    assert gismt.parse_codes(SAMPLES / "gismt/doc_list.json", "gismt/list.json") == []


def test_gismt_return_to_circulation_document_codes() -> None:
    # doc/{docId}/info?body=true for two LP_RETURN (возврат в оборот) documents: the body names
    # its fields as True API clients build it (trade_participant_inn, return_type,
    # products_list[].ki, primary_document_*), read into the same rows as a withdrawal's.
    path = SAMPLES / "gismt/doc_info_lp_return.json"
    events = gismt.parse(path, "gismt/return.json")
    assert [(e.document_type, e.status_group) for e in events] == [
        ("LP_RETURN", "accepted"),
        ("LP_RETURN", "rejected"),
    ]
    codes = gismt.parse_codes(path, "gismt/return.json")
    assert [(c.cis, c.document_type, c.status_group) for c in codes] == [
        ("0104601234567890215QIQ8BQCXmSJJ", "LP_RETURN", "accepted"),
        ("010460123456789021sN7p2w", "LP_RETURN", "accepted"),
        ("010460123456789021Zz9kQ1", "LP_RETURN", "rejected"),
    ]
    first, second, refused = codes
    assert first.organization_inn == "7707083893" and first.gtin == "04601234567890"
    assert (first.action, first.action_date) == ("RETAIL_RETURN", dt.date(2026, 11, 23))
    # The body's primary document, unless the code names its own.
    assert (first.primary_document_type, first.primary_document_number) == ("RECEIPT", "1388")
    assert second.primary_document_number == "1390"
    assert second.primary_document_date == dt.date(2026, 11, 23)
    # No primary document and no action_date: the document's date stands in.
    assert refused.primary_document_number is None
    assert refused.action_date == dt.date(2026, 11, 24)
    assert gismt.codes_to_arrow(codes).num_rows == 3


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'[{"number":"1","type":"LK_RECEIPT","status":"CHECKED_OK","body":[]}]', "object"),
        (
            b'[{"number":"1","type":"LK_RECEIPT","status":"CHECKED_OK",'
            b'"body":{"products":[{"cis":""}]}}]',
            "cis must be a code",
        ),
        (
            b'[{"number":"1","type":"LK_RECEIPT","status":"CHECKED_OK",'
            b'"body":{"products":{"cis":"x"}}}]',
            "products must be an array",
        ),
        (
            b'[{"number":"1","type":"LP_RETURN","status":"CHECKED_OK",'
            b'"body":{"products_list":{"ki":"x"}}}]',
            "products_list must be an array",
        ),
        (
            b'[{"number":"1","type":"LP_RETURN","status":"CHECKED_OK",'
            b'"body":{"products_list":[{"ki":7}]}}]',
            "cis must be a code",
        ),
    ],
)
def test_gismt_malformed_document_body_refuses_the_file(payload: bytes, reason: str) -> None:
    with pytest.raises(GisParseError) as caught:
        gismt.parse(payload, "x.json")
    assert reason in caught.value.reason
