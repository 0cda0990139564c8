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
- processIncomingConsignment / withdrawVetDocument responses (merc:) return their documents
  as `merc:vetDocument`; getVetDocumentByUuid / getVetDocumentList as `vd:vetDocument`. A
  `vd:vetDocument` inside `merc:stockEntry` (or anywhere) holding only `bs:uuid`/`bs:guid` is a
  reference to a document, not a document.
- A vet document's `vd:statusChange` entries (`vd:status`, `vd:actualDateTime`, ...) record
  each change of its status.
Which wrapper a saved file uses varies (some clients keep the whole SOAP 1.1/1.2 envelope, some
only the response element) and so do prefixes (SOAP-ENV, env, soap, default namespaces): the
parser matches elements by namespace URI and local name only.

Mapping (events are per (document, status): the marts take the latest per document):
- An application ACCEPTED / IN_PROCESS: one processing event (document_id = applicationId).
- REJECTED: one event per `apl:error` (error_code = its code), every error kept; group error
  when every code is an APLM* platform code (wrong format, unexpected failure), else rejected.
- COMPLETED: no event of its own; one per vet document it returned.
- A vet document: document_id = uuid, document_type VetDocument:<vetDType>, status =
  vetDStatus (CREATED and CONFIRMED processing: issued, not yet utilised; UTILIZED accepted;
  WITHDRAWN rejected). event_at = actualDateTime of the latest statusChange whose status is
  the current vetDStatus, else lastUpdateDate, else issueDate (a date). Direction from our
  organizations' ВетИС GUIDs (or ИНН) as consignor or consignee; only when no side is known,
  from vetDType (INCOMING = inbound). The same (uuid, status) twice in a file is one event.
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
from ingestion.gis.identities import NO_IDENTITIES, OurIdentities
from ingestion.gis.xmlsafe import Node, parse_xml

NS_SOAP: Final = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SOAP12: Final = "http://www.w3.org/2003/05/soap-envelope"
NS_WS: Final = "http://api.vetrf.ru/schema/cdm/application/ws-definitions"
NS_APL: Final = "http://api.vetrf.ru/schema/cdm/application"
NS_MERC: Final = "http://api.vetrf.ru/schema/cdm/mercury/g2b/applications/v2"
NS_VD: Final = "http://api.vetrf.ru/schema/cdm/mercury/vet-document/v2"
NS_BS: Final = "http://api.vetrf.ru/schema/cdm/base"
NS_DT: Final = "http://api.vetrf.ru/schema/cdm/dictionary/v2"

APPLICATION_STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "ACCEPTED": "processing",  # queued by the platform
    "IN_PROCESS": "processing",
    "COMPLETED": "accepted",  # never an event itself: its vet documents are
    "REJECTED": "rejected",  # "error" instead when only APLM* platform errors are given
}
VET_DOCUMENT_STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "CREATED": "processing",  # draft, not yet issued
    "CONFIRMED": "processing",  # issued, goods on their way: not yet utilised
    "UTILIZED": "accepted",  # redeemed by the consignee on receipt
    "FINALIZED": "accepted",  # closed productive certificate
    "WITHDRAWN": "rejected",  # annulled
}
INBOUND_VET_DOCUMENT_TYPES: Final = frozenset({"INCOMING"})
VET_DOCUMENT_NAMESPACES: Final = frozenset({NS_VD, NS_MERC})
APPLICATION_NAMESPACES: Final = frozenset({NS_APL, NS_WS})
_ROOTS: Final = {
    (NS_SOAP, "Envelope"),
    (NS_SOAP12, "Envelope"),
    (NS_WS, "receiveApplicationResultResponse"),
    (NS_APL, "application"),
    (NS_WS, "application"),
}
# Children of a vet document that only refers to one (stockEntry/vetDocument).
_REFERENCE_CHILDREN: Final = frozenset({"uuid", "guid"})


def parse(
    path_or_bytes: Path | str | bytes,
    source_file: str,
    identities: OurIdentities = NO_IDENTITIES,
) -> list[ExchangeEvent]:
    data = read_source(path_or_bytes)
    sha = sha256_hex(data)
    root = parse_xml(data)
    if (root.ns, root.name) not in _ROOTS:
        raise GisParseError(f"schema: unexpected root element {{{root.ns}}}{root.name}")
    # One walk per subtree, filtered by name, instead of an iter() walk per element name.
    nodes = root.subtree()
    for node in nodes:
        if node.name == "Fault" and node.ns in (NS_SOAP, NS_SOAP12):
            raise GisParseError("schema: SOAP Fault instead of an application result")
    applications = [a for a in nodes if a.name == "application" and a.ns in APPLICATION_NAMESPACES]
    if not applications:
        raise GisParseError("schema: no application element")
    events: list[ExchangeEvent] = []
    seen: set[tuple[str, str]] = set()
    for application in applications:
        subtree = nodes if application is root else application.subtree()
        errors = [
            (e.attrs.get("code"), e.text, e.line)
            for e in subtree
            if e.name == "error" and e.ns == NS_APL
        ]
        events.extend(_application(application, errors, source_file, sha))
        for vd in subtree:
            if vd.name != "vetDocument" or vd.ns not in VET_DOCUMENT_NAMESPACES:
                continue
            if all(c.name in _REFERENCE_CHILDREN for c in vd.children):
                continue  # a reference (e.g. inside stockEntry), not a document
            event = _vet_document(vd, identities, source_file, sha)
            key = (event.document_id, event.status)
            if key not in seen:
                seen.add(key)
                events.append(event)
    return events


def _application(
    node: Node, errors: list[tuple[str | None, str, int]], source_file: str, sha: str
) -> list[ExchangeEvent]:
    application_id = node.text_at("applicationId")
    status = node.text_at("status")
    if application_id is None or status is None:
        raise GisParseError(
            f"schema: application at line {node.line} lacks applicationId or status"
        )
    group = group_for(APPLICATION_STATUS_GROUPS, status, "application status")
    if status == "COMPLETED":
        return []
    if status == "REJECTED" and errors and all((c or "").startswith("APLM") for c, _, _ in errors):
        group = "error"
    result = node.child("result")
    payload = result.children[0].name if result is not None and result.children else None
    at = parse_timestamp(
        node.text_at("prdcRsltDate") or node.text_at("rcvDate") or node.text_at("issueDate"),
        "application issueDate",
    )
    return [
        ExchangeEvent(
            system="vetis",
            document_id=application_id,
            document_type=f"Application:{payload}" if payload else "Application",
            direction="outbound",
            organization_inn=None,
            counterparty_inn=None,
            reference=None,
            event_at=at,
            status=status,
            status_group=group,
            error_code=code,
            error_message=text or None,
            source_file=source_file,
            source_line=line,
            file_sha256=sha,
        )
        # One event per error, at the error's line: every code is kept.
        for code, text, line in (errors if status == "REJECTED" and errors else [])
        or [(None, "", node.line)]
    ]


def _business_entity(consignment: Node | None, side: str) -> tuple[str | None, ...]:
    """(ИНН, business-entity GUID, enterprise GUID) of a consignor/consignee."""
    party = consignment.child(side) if consignment is not None else None
    if party is None:
        return None, None, None
    entity = party.child("businessEntity")
    enterprise = party.child("enterprise")
    return (
        clean_inn(entity.text_at("inn")) if entity is not None else None,
        (entity.text_at("guid") or "").lower() or None if entity is not None else None,
        (enterprise.text_at("guid") or "").lower() or None if enterprise is not None else None,
    )


def _status_time(node: Node, status: str) -> str | None:
    """actualDateTime of the latest statusChange to `status`, else lastUpdateDate/issueDate."""
    changes = [
        c for c in node.children if c.name == "statusChange" and c.text_at("status") == status
    ]
    for change in reversed(changes):
        at = change.text_at("actualDateTime")
        if at is not None:
            return at
    return node.text_at("lastUpdateDate") or node.text_at("issueDate")


def _vet_document(
    node: Node, identities: OurIdentities, source_file: str, sha: str
) -> ExchangeEvent:
    uuid = node.text_at("uuid")
    status = node.text_at("vetDStatus")
    doc_type = node.text_at("vetDType")
    if uuid is None or status is None or doc_type is None:
        raise GisParseError(
            f"schema: vetDocument at line {node.line} lacks uuid, vetDType or vetDStatus"
        )
    group = group_for(VET_DOCUMENT_STATUS_GROUPS, status, "vetDStatus")
    consignment = node.child("certifiedConsignment")
    consignor_inn, consignor_entity, consignor_place = _business_entity(consignment, "consignor")
    consignee_inn, consignee_entity, consignee_place = _business_entity(consignment, "consignee")
    consignor_ours = identities.vetis_organization(consignor_entity, consignor_place) or (
        consignor_inn if consignor_inn in identities.inns else None
    )
    consignee_ours = identities.vetis_organization(consignee_entity, consignee_place) or (
        consignee_inn if consignee_inn in identities.inns else None
    )
    direction: Direction
    if consignor_ours is not None:
        direction = "outbound"
    elif consignee_ours is not None:
        direction = "inbound"
    else:  # none of our identities named: the document's own point of view
        direction = "inbound" if doc_type in INBOUND_VET_DOCUMENT_TYPES else "outbound"
    if direction == "outbound":
        ours, theirs, theirs_id = consignor_ours or consignor_inn, consignee_inn, consignee_entity
    else:
        ours, theirs, theirs_id = consignee_ours or consignee_inn, consignor_inn, consignor_entity
    references = node.children_named("referencedDocument")
    # Type 1 is the ТТН (our shipment's waybill number); else the first referenced document.
    waybill = next((r for r in references if r.text_at("type") == "1"), None)
    waybill = waybill or (references[0] if references else None)
    changes = [c for c in node.children if c.name == "statusChange"]
    reason = next(
        (c.text_at("reason") for c in reversed(changes) if c.text_at("status") == status), None
    )
    return ExchangeEvent(
        system="vetis",
        document_id=uuid,
        document_type=f"VetDocument:{doc_type}",
        direction=direction,
        organization_inn=ours,
        counterparty_inn=theirs,
        counterparty_gis_id=theirs_id,
        reference=waybill.text_at("issueNumber") if waybill is not None else None,
        event_at=parse_timestamp(_status_time(node, status), "vd:issueDate"),
        status=status,
        status_group=group,
        error_code=None,
        error_message=reason if group == "rejected" else None,
        source_file=source_file,
        source_line=node.line,
        file_sha256=sha,
    )
