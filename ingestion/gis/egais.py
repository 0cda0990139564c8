"""ЕГАИС (УТМ) exchange documents -> ExchangeEvent.

Format, as confirmed from public integrations (search of public code, 2024-2025 copies):
- Envelope `ns:Documents` (ns = http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01) with
  `ns:Owner/ns:FSRAR_ID` and one `ns:Document` holding the payload; seen in UTM client scripts
  (e.g. shell tools around `/opt/out` and `/opt/in/WayBill_v4`, OpenPapyrus `egais.cpp`).
- `ns:WayBill_v4` (wb = http://fsrar.ru/WEGAIS/TTNSingle_v4): `wb:Identity`, `wb:Header` with
  `wb:NUMBER`, `wb:Date`, `wb:ShippingDate`, `wb:Type` (WBInvoiceFromMe, WBReturnFromMe),
  `wb:Shipper` / `wb:Consignee` each holding `oref:UL|FL|FO|TS` (oref =
  http://fsrar.ru/WEGAIS/ClientRef_v2) with `oref:INN`, `oref:KPP`, `oref:ClientRegId`.
- `ns:WayBillAct_v4` (wa = http://fsrar.ru/WEGAIS/ActTTNSingle_v4): `wa:Header` with
  `wa:IsAccept` (Accepted | Rejected | Differences), `wa:ACTNUMBER`, `wa:ActDate`,
  `wa:WBRegId`, `wa:Note`; then `wa:Content`, optional `wa:Transport` (python UTM helpers
  building `create_waybill_act_v4`).
- `ns:Ticket` (tc = http://fsrar.ru/WEGAIS/Ticket): `tc:TicketDate`, `tc:Identity`, `tc:DocId`,
  `tc:TransportId`, `tc:RegID`, `tc:DocHash`, `tc:DocType`, then either `tc:Result`
  (`tc:Conclusion` Accepted|Rejected, `tc:ConclusionDate`, `tc:Comments`) or
  `tc:OperationResult` (`tc:OperationName`, `tc:OperationResult` Accepted|Rejected,
  `tc:OperationDate`, `tc:OperationComment`) — xsd-generated TicketType (F-Lab Market) and
  UTM helper scripts that read `{http://fsrar.ru/WEGAIS/Ticket}OperationResult`.
УТМ writes naive Moscow times; they are converted to UTC.

Mapping to the normalized row:
- WayBill_v4: document_id = wb:Identity (else NUMBER), reference = wb:NUMBER, status "Sent"
  (we are the shipper: Shipper ClientRegId == Owner FSRAR_ID) or "Received", group processing.
- Ticket: document_id = tc:Identity (the identity of the document the ticket answers, so it
  joins the waybill) else tc:RegID; status = Conclusion or OperationName:OperationResult.
  A ticket answers a document the owner's УТМ submitted, so direction = outbound.
- WayBillAct_v4: document_id = wa:WBRegId (the waybill being accepted). An act carries no
  parties; in our logs acts come from consignees of our shipments, so direction = inbound.
  Differences (partial acceptance with a discrepancy act) counts as rejected: it needs action.
ЕГАИС identifies parties by FSRAR ID; an ИНН is only known where the document states it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from ingestion.gis.events import (
    Direction,
    ExchangeEvent,
    GisParseError,
    StatusGroup,
    clean_inn,
    group_for,
    parse_timestamp,
    read_source,
    sha256_hex,
)
from ingestion.gis.xmlsafe import Node, parse_xml

NS_DOC: Final = "http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01"
NS_TICKET: Final = "http://fsrar.ru/WEGAIS/Ticket"
NS_WB4: Final = "http://fsrar.ru/WEGAIS/TTNSingle_v4"
NS_WA4: Final = "http://fsrar.ru/WEGAIS/ActTTNSingle_v4"
NS_OREF2: Final = "http://fsrar.ru/WEGAIS/ClientRef_v2"
NS_CE3: Final = "http://fsrar.ru/WEGAIS/CommonV3"

# Ticket Conclusion / OperationResult and WayBillAct IsAccept values.
STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "Accepted": "accepted",
    "Rejected": "rejected",
    "Differences": "rejected",
}
WAYBILL_STATUS: Final[dict[Direction, str]] = {"outbound": "Sent", "inbound": "Received"}


def parse(path_or_bytes: Path | str | bytes, source_file: str) -> list[ExchangeEvent]:
    data = read_source(path_or_bytes)
    sha = sha256_hex(data)
    root = parse_xml(data)
    if (root.ns, root.name) != (NS_DOC, "Documents"):
        raise GisParseError(f"schema: unexpected root element {{{root.ns}}}{root.name}")
    owner = root.text_at("Owner", "FSRAR_ID")
    if owner is None:
        raise GisParseError("schema: missing ns:Owner/ns:FSRAR_ID")
    documents = root.children_named("Document", NS_DOC)
    if not documents:
        raise GisParseError("schema: no ns:Document")
    events: list[ExchangeEvent] = []
    for document in documents:
        payloads = document.children
        if len(payloads) != 1:
            raise GisParseError(f"schema: ns:Document at line {document.line} must hold one item")
        payload = payloads[0]
        handler = _HANDLERS.get((payload.ns, payload.name))
        if handler is None:
            raise GisParseError(
                f"schema: unsupported document {payload.name} at line {payload.line}"
            )
        events.append(handler(payload, owner, source_file, sha))
    return events


def _required(node: Node, *names: str) -> str:
    value = node.text_at(*names)
    if value is None:
        raise GisParseError(f"schema: {node.name} at line {node.line} lacks {'/'.join(names)}")
    return value


def _party(node: Node | None) -> tuple[str | None, str | None]:
    """(ClientRegId, INN) of a Shipper/Consignee, whatever the legal form element is."""
    if node is None or not node.children:
        return None, None
    holder = node.children[0]  # oref:UL | oref:FL | oref:FO | oref:TS
    return holder.text_at("ClientRegId"), clean_inn(holder.text_at("INN"))


def _waybill(node: Node, owner: str, source_file: str, sha: str) -> ExchangeEvent:
    header = node.child("Header", NS_WB4)
    if header is None:
        raise GisParseError(f"schema: WayBill_v4 at line {node.line} lacks wb:Header")
    number = _required(header, "NUMBER")
    shipper_id, shipper_inn = _party(header.child("Shipper"))
    _, consignee_inn = _party(header.child("Consignee"))
    direction: Direction = "outbound" if shipper_id == owner else "inbound"
    ours, theirs = (
        (shipper_inn, consignee_inn) if direction == "outbound" else (consignee_inn, shipper_inn)
    )
    return ExchangeEvent(
        system="egais",
        document_id=node.text_at("Identity") or number,
        document_type="WayBill_v4",
        direction=direction,
        organization_inn=ours,
        counterparty_inn=theirs,
        reference=number,
        event_at=parse_timestamp(header.text_at("Date"), "wb:Date"),
        status=WAYBILL_STATUS[direction],
        status_group="processing",
        error_code=None,
        error_message=None,
        source_file=source_file,
        source_line=node.line,
        file_sha256=sha,
    )


def _act(node: Node, owner: str, source_file: str, sha: str) -> ExchangeEvent:
    header = node.child("Header", NS_WA4)
    if header is None:
        raise GisParseError(f"schema: WayBillAct_v4 at line {node.line} lacks wa:Header")
    status = _required(header, "IsAccept")
    group = group_for(STATUS_GROUPS, status, "wa:IsAccept")
    return ExchangeEvent(
        system="egais",
        document_id=_required(header, "WBRegId"),
        document_type="WayBillAct_v4",
        direction="inbound",
        organization_inn=None,
        counterparty_inn=None,
        reference=None,
        event_at=parse_timestamp(header.text_at("ActDate"), "wa:ActDate"),
        status=status,
        status_group=group,
        error_code=None,
        error_message=header.text_at("Note") if group != "accepted" else None,
        source_file=source_file,
        source_line=node.line,
        file_sha256=sha,
    )


def _ticket(node: Node, owner: str, source_file: str, sha: str) -> ExchangeEvent:
    doc_type = node.text_at("DocType") or "UNKNOWN"
    result = node.child("Result", NS_TICKET)
    operation = node.child("OperationResult", NS_TICKET)
    if result is not None:
        status = _required(result, "Conclusion")
        at = result.text_at("ConclusionDate") or node.text_at("TicketDate")
        comment = result.text_at("Comments")
    elif operation is not None:
        outcome = _required(operation, "OperationResult")
        status = f"{operation.text_at('OperationName') or 'Operation'}:{outcome}"
        at = operation.text_at("OperationDate") or node.text_at("TicketDate")
        comment = operation.text_at("OperationComment")
    else:
        raise GisParseError(
            f"schema: Ticket at line {node.line} has neither tc:Result nor tc:OperationResult"
        )
    group = group_for(STATUS_GROUPS, status.rpartition(":")[2], "ticket result")
    document_id = node.text_at("Identity") or node.text_at("RegID") or node.text_at("DocId")
    if document_id is None:
        raise GisParseError(f"schema: Ticket at line {node.line} names no document")
    return ExchangeEvent(
        system="egais",
        document_id=document_id,
        document_type=f"Ticket:{doc_type}",
        direction="outbound",
        organization_inn=None,
        counterparty_inn=None,
        reference=None,
        event_at=parse_timestamp(at, "tc:TicketDate"),
        status=status,
        status_group=group,
        error_code=None,
        error_message=comment if group != "accepted" else None,
        source_file=source_file,
        source_line=node.line,
        file_sha256=sha,
    )


_HANDLERS: Final = {
    (NS_DOC, "WayBill_v4"): _waybill,
    (NS_DOC, "WayBillAct_v4"): _act,
    (NS_DOC, "Ticket"): _ticket,
}
