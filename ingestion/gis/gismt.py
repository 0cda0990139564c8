"""Честный ЗНАК / ГИС МТ True API document lists -> ExchangeEvent.

Format, as confirmed from public integrations of `GET /api/v4/true-api/doc/list` (search of
public code: Go/Python/C# True API clients and a contract module citing True API v726.0):
- Response `{"results": [...], "nextPage": bool}` (cursor paging by `did` + `orderedColumnValue`;
  older clients and our DESIGN.md also mention `total`, accepted when present).
- Each result: `number` (the ГИС МТ document id), `docDate`, `receivedAt` (ISO 8601 UTC, ms),
  `type` (LP_SHIP_GOODS, LP_ACCEPT_GOODS, LP_INTRODUCE_GOODS, LK_RECEIPT,
  UNIVERSAL_TRANSFER_DOCUMENT ...), `status`, `senderInn`, `senderName`, `receiverInn`,
  `receiverName`, `invoiceNumber`
  (the human УПД/shipment number), `invoiceDate`, `input` (true for incoming), `downloadDesc`,
  `errors` (array of strings), `productGroup`, `relatedDocId`. Unknown extra attributes must be
  ignored (the API description says so).
- Statuses (True API registry): IN_PROGRESS, CHECKED_OK, CHECKED_NOT_OK, PROCESSING_ERROR,
  UNDEFINED, ACCEPTED, CANCELLED (also spelled CANCELED), WAIT_ACCEPTANCE, PARSE_ERROR,
  WAIT_PARTICIPANT_REGISTRATION, WAIT_FOR_CONTINUATION.

Mapping: document_id = number, document_type = type, direction from `input` (when a client
dropped it: outbound, except LP_ACCEPT_GOODS which the buyer files), reference = invoiceNumber,
event_at = receivedAt else docDate, error_message = errors joined, else downloadDesc for failed
documents. JSON has no per-element line numbers: source_line is the 1-based position in results.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Final

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
    data = read_source(path_or_bytes)
    sha = sha256_hex(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GisParseError(f"json/encoding: not UTF-8 ({error.reason} at {error.start})") from None
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise GisParseError(
            f"json: truncated or invalid ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise GisParseError("json: nesting too deep") from None
    if not isinstance(payload, dict):
        raise GisParseError(f"schema: top level must be an object, got {type(payload).__name__}")
    results = payload.get("results")
    if not isinstance(results, list):
        raise GisParseError("schema: 'results' must be an array")
    total = payload.get("total")
    if total is not None and (not isinstance(total, int) or total < len(results)):
        raise GisParseError(f"schema: 'total' {total!r} does not fit {len(results)} results")
    # receivedAt has minute precision and repeats within a file: parse each value once.
    timestamps: dict[str | None, dt.datetime] = {}
    return [
        _event(item, i, source_file, sha, timestamps) for i, item in enumerate(results, start=1)
    ]


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
