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

- `ns:TTNInformF2Reg` (wbr = http://fsrar.ru/WEGAIS/TTNInformF2Reg, the FORM2REGINFO answer
  to a waybill): `wbr:Header` with optional `wbr:Identity`, `wbr:WBRegId` (the id ЕГАИС
  assigned), `wbr:WBNUMBER`, `wbr:WBDate` (xs:date), `wbr:Shipper`, `wbr:Consignee`
  (oref:OrgInfoRus_v2), then `wbr:Content`.
- `ns:ReplyNoAnswerTTN` (ttn = http://fsrar.ru/WEGAIS/ReplyNoAnswerTTN): `ttn:Consignee` (our
  FSRAR ID), `ttn:ReplyDate` (DateWTime), `ttn:ttnlist` with any number of `ttn:NoAnswer`
  (`ttn:WbRegID`, `ttn:ttnNumber`, `ttn:ttnDate` xs:date, `ttn:Shipper` FSRAR ID).
The element structure above follows the УТМ XSDs (WB_DOC_SINGLE_01, TTNInformF2Reg,
ReplyNoAnswerTTN, Ticket, EGCommon: DateWTime is an xs:dateTime pattern without offset,
DateNoTime an xs:date). УТМ writes naive Moscow times; they are converted to UTC. A date-only
value (wb:Date, wbr:WBDate, wa:ActDate) stays its date.

Mapping to the normalized row. Direction, organization and counterparty come from our
organizations' FSRAR IDs (ingestion.gis.identities), never from the document kind nor from
the envelope's Owner (the УТМ that wrote the document: an incoming waybill's Owner is its
shipper). A file naming none of our FSRAR IDs raises UnknownPartiesError (retried next run).
- WayBill_v4: document_id = wb:Identity (else NUMBER), reference = NUMBER; outbound when the
  Shipper's ClientRegId is ours (status "Sent"), inbound when the Consignee's is (status
  "Received"); processing.
- TTNInformF2Reg: document_id = WBRegId (the key every later act, ticket and NoAnswer uses),
  related_document_id = wbr:Identity (the WayBill_v4's document_id), reference = WBNUMBER;
  status "Registered", processing; parties as for the waybill.
- WayBillAct_v4: document_id = WBRegId; `decision` = IsAccept. An act our УТМ wrote (Owner is
  ours) is our decision on an inbound waybill: status "Sent", processing until its ticket. An
  act from the counterparty (on our outbound waybill) reached us through ЕГАИС, so it is
  registered: status "Received", Accepted -> accepted, Rejected -> rejected, Differences ->
  processing (we must accept or refuse the discrepancy).
- Ticket: status = the system's word (tc:Conclusion or tc:OperationResult: Accepted |
  Rejected), `operation` = tc:OperationName (Confirm, ...). document_id = tc:RegID (the waybill
  registration id) else tc:Identity else tc:DocId; related_document_id = tc:Identity beside a
  RegID. A ticket states no parties: direction is
  inbound for tickets on our acts (DocType WayBillAct*), else outbound; the lifecycle model
  takes a document's direction from its waybill, registration or NoAnswer events.
- ReplyNoAnswerTTN: one event per NoAnswer: document_id = WbRegID, reference = ttnNumber,
  counterparty_gis_id = Shipper (FSRAR ID), inbound, status "NoAnswer", processing (we owe an
  act), event_at = ReplyDate.
ЕГАИС identifies parties by FSRAR ID; an ИНН is only known where the document states it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ingestion.gis.events import (
    Direction,
    ExchangeEvent,
    GisParseError,
    StatusGroup,
    UnknownPartiesError,
    clean_inn,
    group_for,
    parse_timestamp,
    read_source,
    sha256_hex,
)
from ingestion.gis.identities import NO_IDENTITIES, OurIdentities
from ingestion.gis.xmlsafe import Node, parse_xml

NS_DOC: Final = "http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01"
NS_TICKET: Final = "http://fsrar.ru/WEGAIS/Ticket"
NS_WB4: Final = "http://fsrar.ru/WEGAIS/TTNSingle_v4"
NS_WA4: Final = "http://fsrar.ru/WEGAIS/ActTTNSingle_v4"
NS_F2REG: Final = "http://fsrar.ru/WEGAIS/TTNInformF2Reg"
NS_NOANSWER: Final = "http://fsrar.ru/WEGAIS/ReplyNoAnswerTTN"
NS_OREF2: Final = "http://fsrar.ru/WEGAIS/ClientRef_v2"
NS_CE3: Final = "http://fsrar.ru/WEGAIS/CommonV3"

# Ticket Conclusion / OperationResult (ConclusionType in Ticket.xsd).
TICKET_STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "Accepted": "accepted",
    "Rejected": "rejected",
}
# WayBillAct IsAccept: our decision; these groups apply to a counterparty's registered act.
DECISIONS: Final = ("Accepted", "Differences", "Rejected")
RECEIVED_ACT_STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "Accepted": "accepted",
    "Rejected": "rejected",
    "Differences": "processing",
}
WAYBILL_STATUS: Final[dict[Direction, str]] = {"outbound": "Sent", "inbound": "Received"}

Handler = Callable[["_Context", Node], list[ExchangeEvent]]


@dataclass(frozen=True, slots=True)
class _Context:
    owner: str
    identities: OurIdentities
    source_file: str
    sha: str


def parse(
    path_or_bytes: Path | str | bytes,
    source_file: str,
    identities: OurIdentities = NO_IDENTITIES,
) -> list[ExchangeEvent]:
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
    context = _Context(owner, identities, source_file, sha)
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
        events.extend(handler(context, payload))
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


@dataclass(frozen=True, slots=True)
class _Sides:
    direction: Direction
    organization_inn: str | None
    counterparty_inn: str | None
    counterparty_id: str | None


def _sides(context: _Context, header: Node) -> _Sides:
    """Who we are on a waybill: the side whose FSRAR ID is one of ours."""
    shipper_id, shipper_inn = _party(header.child("Shipper"))
    consignee_id, consignee_inn = _party(header.child("Consignee"))
    ours = context.identities.egais_organization(shipper_id)
    if ours is not None:
        return _Sides("outbound", shipper_inn or ours, consignee_inn, consignee_id)
    ours = context.identities.egais_organization(consignee_id)
    if ours is not None:
        return _Sides("inbound", consignee_inn or ours, shipper_inn, shipper_id)
    raise UnknownPartiesError(
        f"identity: {header.name} at line {header.line}: neither Shipper {shipper_id!r} nor "
        f"Consignee {consignee_id!r} is an FSRAR ID of our organizations"
    )


def _event(context: _Context, node: Node, **values: object) -> ExchangeEvent:
    return ExchangeEvent(
        system="egais",
        source_file=context.source_file,
        source_line=node.line,
        file_sha256=context.sha,
        **values,  # type: ignore[arg-type]
    )


def _waybill(context: _Context, node: Node) -> list[ExchangeEvent]:
    header = node.child("Header", NS_WB4)
    if header is None:
        raise GisParseError(f"schema: WayBill_v4 at line {node.line} lacks wb:Header")
    number = _required(header, "NUMBER")
    sides = _sides(context, header)
    return [
        _event(
            context,
            node,
            document_id=node.text_at("Identity") or number,
            document_type="WayBill_v4",
            direction=sides.direction,
            organization_inn=sides.organization_inn,
            counterparty_inn=sides.counterparty_inn,
            counterparty_gis_id=sides.counterparty_id,
            reference=number,
            event_at=parse_timestamp(header.text_at("Date"), "wb:Date"),
            status=WAYBILL_STATUS[sides.direction],
            status_group="processing",
            error_code=None,
            error_message=None,
        )
    ]


def _registration(context: _Context, node: Node) -> list[ExchangeEvent]:
    header = node.child("Header", NS_F2REG)
    if header is None:
        raise GisParseError(f"schema: TTNInformF2Reg at line {node.line} lacks wbr:Header")
    sides = _sides(context, header)
    return [
        _event(
            context,
            node,
            document_id=_required(header, "WBRegId"),
            document_type="TTNInformF2Reg",
            direction=sides.direction,
            organization_inn=sides.organization_inn,
            counterparty_inn=sides.counterparty_inn,
            counterparty_gis_id=sides.counterparty_id,
            reference=_required(header, "WBNUMBER"),
            related_document_id=header.text_at("Identity"),
            event_at=parse_timestamp(header.text_at("WBDate"), "wbr:WBDate"),
            status="Registered",
            status_group="processing",
            error_code=None,
            error_message=None,
        )
    ]


def _act(context: _Context, node: Node) -> list[ExchangeEvent]:
    header = node.child("Header", NS_WA4)
    if header is None:
        raise GisParseError(f"schema: WayBillAct_v4 at line {node.line} lacks wa:Header")
    decision = _required(header, "IsAccept")
    if decision not in DECISIONS:
        raise GisParseError(f"schema: unknown wa:IsAccept {decision!r}")
    if not context.identities.fsrar_ids:
        raise UnknownPartiesError("identity: no FSRAR ID of our organizations is known")
    ours = context.identities.egais_organization(context.owner)
    if ours is not None:  # our decision on a waybill we received
        direction: Direction = "inbound"
        status, group = "Sent", "processing"
        counterparty_id = None
    else:  # the consignee's decision on our waybill, registered by ЕГАИС
        direction = "outbound"
        status = "Received"
        group = group_for(RECEIVED_ACT_STATUS_GROUPS, decision, "wa:IsAccept")
        counterparty_id = context.owner
    return [
        _event(
            context,
            node,
            document_id=_required(header, "WBRegId"),
            document_type="WayBillAct_v4",
            direction=direction,
            organization_inn=ours,
            counterparty_inn=None,
            counterparty_gis_id=counterparty_id,
            reference=None,
            event_at=parse_timestamp(header.text_at("ActDate"), "wa:ActDate"),
            status=status,
            status_group=group,
            decision=decision,
            error_code=None,
            error_message=header.text_at("Note") if decision != "Accepted" else None,
        )
    ]


def _ticket(context: _Context, node: Node) -> list[ExchangeEvent]:
    doc_type = node.text_at("DocType") or "UNKNOWN"
    result = node.child("Result", NS_TICKET)
    operation = node.child("OperationResult", NS_TICKET)
    operation_name: str | None = None
    if result is not None:
        status = _required(result, "Conclusion")
        at = result.text_at("ConclusionDate") or node.text_at("TicketDate")
        comment = result.text_at("Comments")
    elif operation is not None:
        status = _required(operation, "OperationResult")
        operation_name = operation.text_at("OperationName")
        at = operation.text_at("OperationDate") or node.text_at("TicketDate")
        comment = operation.text_at("OperationComment")
    else:
        raise GisParseError(
            f"schema: Ticket at line {node.line} has neither tc:Result nor tc:OperationResult"
        )
    group = group_for(TICKET_STATUS_GROUPS, status, "ticket result")
    reg_id, identity = node.text_at("RegID"), node.text_at("Identity")
    document_id = reg_id or identity or node.text_at("DocId")
    if document_id is None:
        raise GisParseError(f"schema: Ticket at line {node.line} names no document")
    direction: Direction = "inbound" if doc_type.lower().startswith("waybillact") else "outbound"
    return [
        _event(
            context,
            node,
            document_id=document_id,
            document_type=f"Ticket:{doc_type}",
            direction=direction,
            organization_inn=context.identities.egais_organization(context.owner),
            counterparty_inn=None,
            reference=None,
            related_document_id=identity if reg_id and identity else None,
            event_at=parse_timestamp(at, "tc:TicketDate"),
            status=status,
            status_group=group,
            operation=operation_name,
            error_code=None,
            error_message=comment if group != "accepted" else None,
        )
    ]


def _no_answer(context: _Context, node: Node) -> list[ExchangeEvent]:
    consignee = _required(node, "Consignee")
    ours = context.identities.egais_organization(consignee)
    if ours is None:
        raise UnknownPartiesError(
            f"identity: ReplyNoAnswerTTN at line {node.line}: Consignee {consignee!r} is not an "
            "FSRAR ID of our organizations"
        )
    replied_at = parse_timestamp(node.text_at("ReplyDate"), "ttn:ReplyDate")
    listing = node.child("ttnlist", NS_NOANSWER)
    entries = listing.children_named("NoAnswer", NS_NOANSWER) if listing is not None else []
    return [
        _event(
            context,
            entry,
            document_id=_required(entry, "WbRegID"),
            document_type="ReplyNoAnswerTTN",
            direction="inbound",
            organization_inn=ours,
            counterparty_inn=None,
            counterparty_gis_id=entry.text_at("Shipper"),
            reference=entry.text_at("ttnNumber"),
            event_at=replied_at,
            status="NoAnswer",
            status_group="processing",
            error_code=None,
            error_message=None,
        )
        for entry in entries
    ]


_HANDLERS: Final[dict[tuple[str, str], Handler]] = {
    (NS_DOC, "WayBill_v4"): _waybill,
    (NS_DOC, "TTNInformF2Reg"): _registration,
    (NS_DOC, "WayBillAct_v4"): _act,
    (NS_DOC, "Ticket"): _ticket,
    (NS_DOC, "ReplyNoAnswerTTN"): _no_answer,
}
