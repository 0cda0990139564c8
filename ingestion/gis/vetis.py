"""ВетИС / Меркурий (ApplicationManagementService 2.x) results -> ExchangeEvent.

Format, as confirmed from public integrations (search of public code: PHP/C#/Java clients of
api.vetrf.ru, PHP class maps generated from the WSDL, OpenPapyrus `vetis.cpp`):
- SOAP `Envelope/Body/receiveApplicationResultResponse` (ws =
  http://api.vetrf.ru/schema/cdm/application/ws-definitions) holding `application` (apl =
  http://api.vetrf.ru/schema/cdm/application) with `applicationId`, `status` (ACCEPTED |
  IN_PROCESS | COMPLETED | REJECTED), `serviceId`, `issuerId`, `issueDate`, `rcvDate`,
  `prdcRsltDate`, optional `result` (any payload, e.g. merc:getVetDocumentListResponse,
  merc = http://api.vetrf.ru/schema/cdm/mercury/g2b/applications/v2) and optional
  `errors/error` with a `code` attribute (APLM* platform codes, MERC*/HRRT* business codes).
- Vet documents (vd = http://api.vetrf.ru/schema/cdm/mercury/vet-document/v2) inside
  `vd:vetDocumentList`: `bs:uuid` (bs = http://api.vetrf.ru/schema/cdm/base), `vd:issueDate`,
  `vd:vetDForm`, `vd:vetDType` (INCOMING | OUTGOING | PRODUCTIVE | RETURNABLE | TRANSPORT),
  `vd:vetDStatus` (CREATED | CONFIRMED | WITHDRAWN | UTILIZED), `vd:lastUpdateDate`,
  `vd:certifiedConsignment` (consignor/consignee with `dt:businessEntity`, whose dictionary
  type carries `dt:inn`; dt = http://api.vetrf.ru/schema/cdm/dictionary/v2) and
  `vd:referencedDocument` (`vd:issueNumber`, `vd:issueDate`, `vd:type`; type 1 = ТТН).
Which wrapper a saved file uses varies (some clients keep the whole SOAP envelope, some only
the response element), so the parser looks the `application` element up by name under an
accepted root: Envelope, receiveApplicationResultResponse or application itself.

Mapping: one event per application (document_id = applicationId, direction outbound — it is our
request) and one per vet document (document_id = uuid, document_type VetDocument:<vetDType>,
direction inbound for INCOMING, else outbound). Application REJECTED counts as error when every
error code is an APLM* platform code (wrong format, unexpected failure), else as rejected.
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

NS_SOAP: Final = "http://schemas.xmlsoap.org/soap/envelope/"
NS_WS: Final = "http://api.vetrf.ru/schema/cdm/application/ws-definitions"
NS_APL: Final = "http://api.vetrf.ru/schema/cdm/application"
NS_MERC: Final = "http://api.vetrf.ru/schema/cdm/mercury/g2b/applications/v2"
NS_VD: Final = "http://api.vetrf.ru/schema/cdm/mercury/vet-document/v2"
NS_BS: Final = "http://api.vetrf.ru/schema/cdm/base"
NS_DT: Final = "http://api.vetrf.ru/schema/cdm/dictionary/v2"

APPLICATION_STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "ACCEPTED": "processing",  # queued by the platform
    "IN_PROCESS": "processing",
    "COMPLETED": "accepted",
    "REJECTED": "rejected",  # "error" instead when only APLM* platform errors are given
}
VET_DOCUMENT_STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "CREATED": "processing",  # draft, not yet issued
    "CONFIRMED": "accepted",  # issued, goods may move
    "UTILIZED": "accepted",  # redeemed by the consignee on receipt
    "FINALIZED": "accepted",  # closed productive certificate
    "WITHDRAWN": "rejected",  # annulled
}
INBOUND_VET_DOCUMENT_TYPES: Final = frozenset({"INCOMING"})
_ROOTS: Final = {
    (NS_SOAP, "Envelope"),
    (NS_WS, "receiveApplicationResultResponse"),
    (NS_APL, "application"),
    (NS_WS, "application"),
}


def parse(path_or_bytes: Path | str | bytes, source_file: str) -> list[ExchangeEvent]:
    data = read_source(path_or_bytes)
    sha = sha256_hex(data)
    root = parse_xml(data)
    if (root.ns, root.name) not in _ROOTS:
        raise GisParseError(f"schema: unexpected root element {{{root.ns}}}{root.name}")
    # One walk per subtree, filtered by name, instead of an iter() walk per element name.
    nodes = root.subtree()
    for node in nodes:
        if node.name == "Fault":
            raise GisParseError("schema: SOAP Fault instead of an application result")
    applications = [a for a in nodes if a.name == "application" and a.ns in (NS_APL, NS_WS)]
    if not applications:
        raise GisParseError("schema: no application element")
    events: list[ExchangeEvent] = []
    for application in applications:
        subtree = nodes if application is root else application.subtree()
        errors = [(e.attrs.get("code"), e.text) for e in subtree if e.name == "error"]
        events.append(_application(application, errors, source_file, sha))
        events.extend(
            _vet_document(vd, source_file, sha)
            for vd in subtree
            if vd.name == "vetDocument" and vd.ns == NS_VD
        )
    return events


def _application(
    node: Node, errors: list[tuple[str | None, str]], source_file: str, sha: str
) -> ExchangeEvent:
    application_id = node.text_at("applicationId")
    status = node.text_at("status")
    if application_id is None or status is None:
        raise GisParseError(
            f"schema: application at line {node.line} lacks applicationId or status"
        )
    group = group_for(APPLICATION_STATUS_GROUPS, status, "application status")
    if status == "REJECTED" and errors and all((c or "").startswith("APLM") for c, _ in errors):
        group = "error"
    result = node.child("result")
    payload = result.children[0].name if result is not None and result.children else None
    at = node.text_at("prdcRsltDate") or node.text_at("rcvDate") or node.text_at("issueDate")
    return ExchangeEvent(
        system="vetis",
        document_id=application_id,
        document_type=f"Application:{payload}" if payload else "Application",
        direction="outbound",
        organization_inn=None,
        counterparty_inn=None,
        reference=None,
        event_at=parse_timestamp(at, "application issueDate"),
        status=status,
        status_group=group,
        error_code=errors[0][0] if errors else None,
        error_message="; ".join(t for _, t in errors if t) or None,
        source_file=source_file,
        source_line=node.line,
        file_sha256=sha,
    )


def _business_entity_inn(consignment: Node | None, side: str) -> str | None:
    party = consignment.child(side) if consignment is not None else None
    entity = party.child("businessEntity") if party is not None else None
    return clean_inn(entity.text_at("inn")) if entity is not None else None


def _vet_document(node: Node, source_file: str, sha: str) -> ExchangeEvent:
    uuid = node.text_at("uuid")
    status = node.text_at("vetDStatus")
    doc_type = node.text_at("vetDType")
    if uuid is None or status is None or doc_type is None:
        raise GisParseError(
            f"schema: vetDocument at line {node.line} lacks uuid, vetDType or vetDStatus"
        )
    group = group_for(VET_DOCUMENT_STATUS_GROUPS, status, "vetDStatus")
    direction: Direction = "inbound" if doc_type in INBOUND_VET_DOCUMENT_TYPES else "outbound"
    consignment = node.child("certifiedConsignment")
    consignor = _business_entity_inn(consignment, "consignor")
    consignee = _business_entity_inn(consignment, "consignee")
    ours, theirs = (consignor, consignee) if direction == "outbound" else (consignee, consignor)
    references = node.children_named("referencedDocument")
    # Type 1 is the ТТН (our shipment's waybill number); else the first referenced document.
    waybill = next((r for r in references if r.text_at("type") == "1"), None)
    waybill = waybill or (references[0] if references else None)
    status_change = node.child("statusChange")
    return ExchangeEvent(
        system="vetis",
        document_id=uuid,
        document_type=f"VetDocument:{doc_type}",
        direction=direction,
        organization_inn=ours,
        counterparty_inn=theirs,
        reference=waybill.text_at("issueNumber") if waybill is not None else None,
        event_at=parse_timestamp(
            node.text_at("lastUpdateDate") or node.text_at("issueDate"), "vd:issueDate"
        ),
        status=status,
        status_group=group,
        error_code=None,
        error_message=(
            status_change.text_at("reason")
            if status_change is not None and group == "rejected"
            else None
        ),
        source_file=source_file,
        source_line=node.line,
        file_sha256=sha,
    )
