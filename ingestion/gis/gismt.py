"""Честный ЗНАК / ГИС МТ True API document lists -> ExchangeEvent.

Format, as confirmed from public integrations of `GET /api/v4/true-api/doc/list` (search of
public code: Go/Python/C# True API clients and a contract module citing True API v726.0):
- Response `{"results": [...], "nextPage": bool}` (cursor paging by `did` + `orderedColumnValue`;
  older clients and our DESIGN.md also mention `total`, accepted when present).
- Each result: `number` (the ГИС МТ document id), `docDate`, `receivedAt` (ISO 8601 UTC, ms),
  `type` (LP_SHIP_GOODS, LP_ACCEPT_GOODS, LP_INTRODUCE_GOODS, LK_RECEIPT, LP_RETURN,
  UNIVERSAL_TRANSFER_DOCUMENT ...), `status`, `senderInn`, `senderName`, `receiverInn`,
  `receiverName`, `invoiceNumber`
  (the human УПД/shipment number), `invoiceDate`, `input` (true for incoming), `downloadDesc`,
  `errors` (array of strings), `productGroup`, `relatedDocId`. Unknown extra attributes must be
  ignored (the API description says so).
- Statuses (True API registry): IN_PROGRESS, CHECKED_OK, CHECKED_NOT_OK, PROCESSING_ERROR,
  UNDEFINED, ACCEPTED, CANCELLED (also spelled CANCELED), WAIT_ACCEPTANCE, PARSE_ERROR,
  WAIT_PARTICIPANT_REGISTRATION, WAIT_FOR_CONTINUATION.

Documents with their codes: `GET /api/v4/true-api/doc/{docId}/info?body=true` answers an array
of document infos, each with the list's attributes (number, type, status, docDate, receivedAt,
senderInn ...) and `body`, the document as filed (public True API clients: without body=true no
codes come back; `body.products[].cis`, some formats `body.cisesList`). A file holding such an
array is read like a list (one event per document) and, by `parse_codes`, one row per code.
The withdrawal from circulation (LK_RECEIPT, «вывод из оборота») body, as public True API
clients model it (TLK_RECEIPT / TLK_RECEIPT_ITEM of a Free Pascal True API client): `inn`,
`action` (the reason: RETAIL for a retail sale, ...), `action_date`, `document_type` (RECEIPT
for a cash receipt, ...), `document_number`, `document_date`, `primary_document_custom_name`,
`fias_id`, `products[]` of {`cis`, `product_cost` (kopecks), `primary_document_type`,
`primary_document_number`, `primary_document_date`, `primary_document_custom_name`}. A code's
own primary document wins over the body's.

The return to circulation (LP_RETURN, also LP_RETURN_CSV / LP_RETURN_XML, «возврат в оборот»: a
customer brought back a code withdrawn at its sale) is listed in the same document type registry
(the DocumentType enum of the C# client spoleto-software/Spoleto.TrueApi,
src/Spoleto.TrueApi/Enums/DocumentType.cs: LP_RETURN "Возврат в оборот. JSON (MANUAL)", with
LP_RETURN_CSV and LP_RETURN_XML). Its body, as public True API clients build it (a public Python
ЧЗ integration's
`build_lp_return_document`: "True API schema (MANUAL): trade_participant_inn, return_type,
products_list with ki — not the LK_RECEIPT-style inn / products / cis fields"; a TypeScript
KizCirculation policy test building the same body), names things differently:
`trade_participant_inn`, `return_type` (RETAIL_RETURN after a retail sale, REMOTE_SALE_RETURN
after a distance sale), `paid`, the primary document as `primary_document_type` /
`primary_document_number` / `primary_document_date` (body or per code), and `products_list[]`
of {`ki`, `paid`, ...}. Both shapes are read into the same rows: the code from `cis` or `ki`,
the organization from `inn` or `trade_participant_inn`, the reason (`action`) from `action` or
`return_type`, and the date from `action_date`, else (LP_RETURN has none) the document's
docDate. `document_type` tells a withdrawal from a return.

Mapping: document_id = number, document_type = type, direction from `input` (when a client
dropped it: outbound, except LP_ACCEPT_GOODS which the buyer files), reference = invoiceNumber,
event_at = receivedAt else docDate, error_message = errors joined, else downloadDesc for failed
documents. JSON has no per-element line numbers: source_line is the 1-based position in results.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

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

STATUS_GROUPS: Final[dict[str, StatusGroup]] = {
    "CHECKED_OK": "accepted",
    "ACCEPTED": "accepted",
    "CHECKED_NOT_OK": "rejected",
    "REJECTED": "rejected",
    "CANCELLED": "rejected",
    "CANCELED": "rejected",
    "PROCESSING_ERROR": "error",
    "PARSE_ERROR": "error",
    "IN_PROGRESS": "processing",
    "WAIT_ACCEPTANCE": "processing",
    "WAIT_PARTICIPANT_REGISTRATION": "processing",
    "WAIT_FOR_CONTINUATION": "processing",
    "UNDEFINED": "processing",
}
# Filed by the receiving side, so without `input` they are inbound to the seller.
BUYER_FILED_TYPES: Final = frozenset({"LP_ACCEPT_GOODS", "LP_ACCEPT_GOODS_XML"})


def _reject_constant(name: str) -> Any:
    raise GisParseError(f"json: non-standard constant {name}")


def parse(
    path_or_bytes: Path | str | bytes,
    source_file: str,
    identities: OurIdentities = NO_IDENTITIES,
) -> list[ExchangeEvent]:
    # `input` states the direction from the participant's own view; identities are not needed.
    del identities
    payload, sha = _load(path_or_bytes)
    results = _results(payload)
    for position, item in enumerate(results, start=1):
        if isinstance(item, dict) and "body" in item:
            _codes(item, position, source_file, sha)  # a malformed body refuses the file
    # receivedAt has minute precision and repeats within a file: parse each value once.
    timestamps: dict[str | None, dt.datetime] = {}
    return [
        _event(item, i, source_file, sha, timestamps) for i, item in enumerate(results, start=1)
    ]


def _load(path_or_bytes: Path | str | bytes) -> tuple[Any, str]:
    data = read_source(path_or_bytes)
    sha = sha256_hex(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GisParseError(f"json/encoding: not UTF-8 ({error.reason} at {error.start})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant), sha
    except json.JSONDecodeError as error:
        raise GisParseError(
            f"json: truncated or invalid ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise GisParseError("json: nesting too deep") from None


def _results(payload: Any) -> list[Any]:
    """The documents of a list (`{results: [...]}`) or of a doc info answer (an array of
    documents that carry their `body`)."""
    if isinstance(payload, list):
        if payload and all(isinstance(item, dict) and "body" in item for item in payload):
            return payload
        raise GisParseError(
            "schema: top level must be an object (a document list), or an array of documents "
            "with their body (doc info)"
        )
    if not isinstance(payload, dict):
        raise GisParseError(f"schema: top level must be an object, got {type(payload).__name__}")
    results = payload.get("results")
    if not isinstance(results, list):
        raise GisParseError("schema: 'results' must be an array")
    total = payload.get("total")
    if total is not None and (not isinstance(total, int) or total < len(results)):
        raise GisParseError(f"schema: 'total' {total!r} does not fit {len(results)} results")
    return results


@dataclass(frozen=True, slots=True)
class MarkingCode:
    """One code (КИ) a ГИС МТ document lists, e.g. one withdrawn by an LK_RECEIPT or returned
    to circulation by an LP_RETURN."""

    document_id: str
    document_type: str
    status: str
    status_group: str
    organization_inn: str | None
    action: str | None  # LK_RECEIPT `action` (RETAIL ...), LP_RETURN `return_type` (RETAIL_RETURN)
    action_date: dt.date | None  # LK_RECEIPT `action_date`, else the document's docDate
    cis: str
    gtin: str | None
    product_cost: int | None  # kopecks
    primary_document_type: str | None  # RECEIPT for a cash receipt
    primary_document_number: str | None
    primary_document_date: dt.date | None
    source_file: str
    source_line: int  # the document's position in the file
    file_sha256: str


def _code_type(kind: object) -> pa.DataType:
    text = str(kind)
    if "date" in text:
        return pa.date32()
    if "int" in text:
        return pa.int64()
    return pa.string()


CODE_SCHEMA: Final = pa.schema([(f.name, _code_type(f.type)) for f in fields(MarkingCode)])


def codes_to_arrow(rows: list[MarkingCode]) -> pa.Table:
    arrays = [pa.array([getattr(row, f.name) for row in rows], type=f.type) for f in CODE_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=CODE_SCHEMA)


def parse_codes(path_or_bytes: Path | str | bytes, source_file: str) -> list[MarkingCode]:
    """Every code the file's documents list in their body (none for a plain document list)."""
    payload, sha = _load(path_or_bytes)
    rows: list[MarkingCode] = []
    for position, item in enumerate(_results(payload), start=1):
        if isinstance(item, dict) and "body" in item:
            rows.extend(_codes(item, position, source_file, sha))
    return rows


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise GisParseError(f"schema: {where} must be a date string")
    return parse_timestamp(value, where).date()


def _codes(item: dict[str, Any], position: int, source_file: str, sha: str) -> list[MarkingCode]:
    where = f"results[{position}].body"
    body = item.get("body")
    if isinstance(body, str):  # some clients keep the document as filed: JSON text
        try:
            body = json.loads(body, parse_constant=_reject_constant)
        except (json.JSONDecodeError, RecursionError):
            raise GisParseError(f"schema: {where} is not JSON") from None
    if body is None:
        return []
    if not isinstance(body, dict):
        raise GisParseError(f"schema: {where} must be an object")
    number = _required(item, "number", position)
    doc_type = _required(item, "type", position)
    status = _required(item, "status", position)
    group = STATUS_GROUPS.get(status) or group_for(STATUS_GROUPS, status, f"status in {where}")
    inn = clean_inn(
        _string(body, "inn", position)
        or _string(body, "trade_participant_inn", position)
        or _string(item, "senderInn", position)
    )
    action = _string(body, "action", position) or _string(body, "return_type", position)
    action_date = _date(body.get("action_date"), f"{where}.action_date") or _date(
        item.get("docDate"), f"results[{position}].docDate"
    )
    # The body's own primary document: LK_RECEIPT's document_*, LP_RETURN's primary_document_*.
    body_document = {
        "primary_document_type": _string(body, "document_type", position)
        or _string(body, "primary_document_type", position),
        "primary_document_number": _string(body, "document_number", position)
        or _string(body, "primary_document_number", position),
        "primary_document_date": body.get("document_date") or body.get("primary_document_date"),
    }
    products = body.get("products")
    products_list = body.get("products_list")
    cises = body.get("cisesList")
    entries: list[dict[str, Any]] = []
    if products is not None or products_list is not None:
        key = "products" if products is not None else "products_list"
        listed = products if products is not None else products_list
        if not isinstance(listed, list):
            raise GisParseError(f"schema: {where}.{key} must be an array")
        entries = listed
    elif cises is not None:
        if not isinstance(cises, list):
            raise GisParseError(f"schema: {where}.cisesList must be an array")
        entries = [{"cis": cis} for cis in cises]
    rows = []
    for index, product in enumerate(entries, start=1):
        at = f"{where}.products[{index}]"
        if not isinstance(product, dict):
            raise GisParseError(f"schema: {at} must be an object")
        cis = product.get("cis", product.get("ki"))
        if not isinstance(cis, str) or not cis.strip() or len(cis) > 200:
            raise GisParseError(f"schema: {at}.cis must be a code")
        cis = cis.strip()
        cost = product.get("product_cost")
        if cost is not None and (isinstance(cost, bool) or not isinstance(cost, (int, float))):
            raise GisParseError(f"schema: {at}.product_cost must be a number")
        rows.append(
            MarkingCode(
                document_id=number,
                document_type=doc_type,
                status=status,
                status_group=group,
                organization_inn=inn,
                action=action,
                action_date=action_date,
                cis=cis,
                gtin=cis[2:16] if cis.startswith("01") and cis[2:16].isdigit() else None,
                product_cost=None if cost is None else round(cost),
                primary_document_type=_string(product, "primary_document_type", position)
                or body_document["primary_document_type"],
                primary_document_number=_string(product, "primary_document_number", position)
                or body_document["primary_document_number"],
                primary_document_date=_date(
                    product.get("primary_document_date") or body_document["primary_document_date"],
                    f"{at}.primary_document_date",
                ),
                source_file=source_file,
                source_line=position,
                file_sha256=sha,
            )
        )
    return rows


def _string(item: dict[str, Any], key: str, position: int) -> str | None:
    value = item.get(key)
    if isinstance(value, str):
        return value.strip() or None
    if value is None:
        return None
    raise GisParseError(f"schema: results[{position}].{key} must be a string")


def _required(item: dict[str, Any], key: str, position: int) -> str:
    value = item.get(key)
    if isinstance(value, str):
        value = value.strip()
        if value:
            return value
    elif value is not None:
        raise GisParseError(f"schema: results[{position}].{key} must be a string")
    raise GisParseError(f"schema: results[{position}] lacks required field {key!r}")


def _event(
    item: Any,
    position: int,
    source_file: str,
    sha: str,
    timestamps: dict[str | None, dt.datetime],
) -> ExchangeEvent:
    if not isinstance(item, dict):
        raise GisParseError(f"schema: results[{position}] must be an object")
    number = _required(item, "number", position)
    doc_type = _required(item, "type", position)
    status = _required(item, "status", position)
    group = STATUS_GROUPS.get(status)
    if group is None:  # unknown: group_for raises the reason, built only here
        group = group_for(STATUS_GROUPS, status, f"status in results[{position}]")
    is_input = item.get("input")
    if is_input is not None and not isinstance(is_input, bool):
        raise GisParseError(f"schema: results[{position}].input must be a boolean")
    if is_input is None:
        is_input = doc_type in BUYER_FILED_TYPES
    direction: Direction = "inbound" if is_input else "outbound"
    sender = clean_inn(_string(item, "senderInn", position))
    receiver = clean_inn(_string(item, "receiverInn", position))
    ours, theirs = (receiver, sender) if is_input else (sender, receiver)
    errors = item.get("errors")
    message = None
    if errors:
        if not isinstance(errors, list):
            raise GisParseError(f"schema: results[{position}].errors must be an array")
        message = "; ".join(str(e) for e in errors if e is not None) or None
    if message is None and group in ("rejected", "error"):
        message = _string(item, "downloadDesc", position)
    at = _string(item, "receivedAt", position) or _string(item, "docDate", position)
    reference = _string(item, "invoiceNumber", position)
    event_at = timestamps.get(at)
    if event_at is None:
        event_at = parse_timestamp(at, f"results[{position}].receivedAt/docDate")
        timestamps[at] = event_at
    return ExchangeEvent(
        system="gismt",
        document_id=number,
        document_type=doc_type,
        direction=direction,
        organization_inn=ours,
        counterparty_inn=theirs,
        reference=reference,
        event_at=event_at,
        status=status,
        status_group=group,
        error_code=None,
        error_message=message,
        source_file=source_file,
        source_line=position,
        file_sha256=sha,
    )
