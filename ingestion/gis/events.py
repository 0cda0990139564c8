"""The normalized GIS exchange event (DESIGN.md §5) shared by the three parsers.

Every parser turns its system's native file into a list of `ExchangeEvent`; the inbox loader
appends them to `raw_gis.exchange_events`. One event is one status observation of one document
(a waybill sent, a ticket received, an application completed, a document checked ...), so a
document usually has several events and the marts take the latest per `document_id`.

status_group is the cross-system classification the marts count:
- accepted:   the system (or the counterparty through it) accepted the document;
- rejected:   a business refusal (rejected waybill, withdrawn certificate, CHECKED_NOT_OK);
- processing: submitted, waiting for the system or the counterparty;
- error:      a technical failure of the exchange itself (platform error, PROCESSING_ERROR).
The per-system status -> status_group tables live next to each parser (`STATUS_GROUPS`). An
unknown status is a parse error (the file is quarantined with the value in the reason) rather
than a silent guess, so a format change is seen and the table is extended deliberately.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Final, Literal

import pyarrow as pa

System = Literal["egais", "vetis", "gismt"]
Direction = Literal["inbound", "outbound"]
StatusGroup = Literal["accepted", "rejected", "processing", "error"]

SYSTEMS: Final = ("egais", "vetis", "gismt")
DIRECTIONS: Final = ("inbound", "outbound")
STATUS_GROUPS: Final = ("accepted", "rejected", "processing", "error")

# Moscow has been UTC+3 all year since 2014; УТМ and Меркурий write naive local times.
MOSCOW_UTC_OFFSET: Final = dt.timedelta(hours=3)

MAX_FILE_BYTES: Final = 50 * 1024 * 1024


class GisParseError(ValueError):
    """A file that cannot be trusted or understood; `reason` goes to the quarantine table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownPartiesError(GisParseError):
    """A well-formed file whose parties are none of our organizations' known identities.

    Not the file's fault but our configuration's (an FSRAR ID or ВетИС GUID not yet entered in
    `organizations`): the loader leaves the file for the next run instead of quarantining it.
    """


@dataclass(frozen=True, slots=True)
class ExchangeEvent:
    system: System
    document_id: str
    document_type: str
    direction: Direction
    organization_inn: str | None
    counterparty_inn: str | None
    reference: str | None
    event_at: dt.datetime  # UTC, naive
    status: str
    status_group: StatusGroup
    error_code: str | None
    error_message: str | None
    source_file: str
    source_line: int | None
    file_sha256: str
    # Our own decision on the document (ЕГАИС act IsAccept: Accepted | Differences | Rejected),
    # never the system's status: the system answers it later (a ticket).
    decision: str | None = None
    # The operation a system's answer concerns (ЕГАИС ticket OperationName: Confirm, ...).
    operation: str | None = None
    # The counterparty's identity in the system itself (ЕГАИС FSRAR ID, ВетИС business-entity
    # GUID) when its ИНН is not stated, e.g. the shipper of a ReplyNoAnswerTTN entry.
    counterparty_gis_id: str | None = None
    # Another id the system knows the same document by (ЕГАИС: the waybill's client Identity
    # next to the WBRegId ЕГАИС assigned), so a lifecycle can join events keyed either way.
    related_document_id: str | None = None


EVENT_COLUMNS: Final = tuple(f.name for f in fields(ExchangeEvent))

ARROW_SCHEMA: Final = pa.schema(
    [
        pa.field("system", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("document_type", pa.string(), nullable=False),
        pa.field("direction", pa.string(), nullable=False),
        pa.field("organization_inn", pa.string()),
        pa.field("counterparty_inn", pa.string()),
        pa.field("reference", pa.string()),
        pa.field("event_at", pa.timestamp("us"), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("status_group", pa.string(), nullable=False),
        pa.field("error_code", pa.string()),
        pa.field("error_message", pa.string()),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_line", pa.int32()),
        pa.field("file_sha256", pa.string(), nullable=False),
        pa.field("decision", pa.string()),
        pa.field("operation", pa.string()),
        pa.field("counterparty_gis_id", pa.string()),
        pa.field("related_document_id", pa.string()),
    ]
)
assert tuple(ARROW_SCHEMA.names) == EVENT_COLUMNS

# DuckDB column types for raw_gis.exchange_events, in ARROW_SCHEMA order.
DUCKDB_COLUMNS: Final = (
    ("system", "varchar not null"),
    ("document_id", "varchar not null"),
    ("document_type", "varchar not null"),
    ("direction", "varchar not null"),
    ("organization_inn", "varchar"),
    ("counterparty_inn", "varchar"),
    ("reference", "varchar"),
    ("event_at", "timestamp not null"),
    ("status", "varchar not null"),
    ("status_group", "varchar not null"),
    ("error_code", "varchar"),
    ("error_message", "varchar"),
    ("source_file", "varchar not null"),
    ("source_line", "integer"),
    ("file_sha256", "varchar not null"),
    ("decision", "varchar"),
    ("operation", "varchar"),
    ("counterparty_gis_id", "varchar"),
    ("related_document_id", "varchar"),
)
# Columns added after the first release: an existing raw table gains them (null for old rows).
ADDED_DUCKDB_COLUMNS: Final = DUCKDB_COLUMNS[-4:]


def to_arrow(events: list[ExchangeEvent]) -> pa.Table:
    # Column by column with plain attribute reads: dataclasses.astuple deep-copies every field,
    # which was a third of the inbox loader's time.
    arrays = [
        pa.array([getattr(event, field.name) for event in events], type=field.type)
        for field in ARROW_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)


def read_source(path_or_bytes: Path | str | bytes) -> bytes:
    """Bytes of a file or the bytes themselves, refusing anything over MAX_FILE_BYTES."""
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
    else:
        path = Path(path_or_bytes)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise GisParseError(f"size: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit")
        data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise GisParseError(f"size: {len(data)} bytes exceeds the {MAX_FILE_BYTES} byte limit")
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_FRACTION = re.compile(r"(\.\d{1,6})\d*")


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?")


def parse_timestamp(value: str | None, what: str) -> dt.datetime:
    """ISO 8601 date-time -> naive UTC; a value without offset is Moscow time.

    A date-only value (xs:date, e.g. a document date) stays that date: midnight of the same
    day, never shifted by the Moscow offset onto the previous day (an xs:date's own offset,
    if any, names the day's time zone, not a moment to convert).
    """
    if value is None or not value.strip():
        raise GisParseError(f"schema: missing {what}")
    text = value.strip()
    if _DATE_ONLY.fullmatch(text):
        try:
            return dt.datetime.fromisoformat(text[:10])
        except ValueError:
            raise GisParseError(f"schema: {what} is not an ISO 8601 date: {value!r}") from None
    # fromisoformat takes at most microseconds and no lowercase 'z'.
    text = _FRACTION.sub(lambda m: m.group(1), text, count=1).replace("z", "Z")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise GisParseError(f"schema: {what} is not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed - MOSCOW_UTC_OFFSET
    return parsed.astimezone(dt.UTC).replace(tzinfo=None)


def group_for(table: dict[str, StatusGroup], status: str, what: str) -> StatusGroup:
    try:
        return table[status]
    except KeyError:
        raise GisParseError(f"schema: unknown {what} {status!r}") from None


def clean_inn(value: str | None) -> str | None:
    """An ИНН as written (10 or 12 digits) or None; anything else is schema drift."""
    if value is None or not value.strip():
        return None
    inn = value.strip()
    if not (inn.isdigit() and len(inn) in (10, 12)):
        raise GisParseError(f"schema: ИНН must be 10 or 12 digits, got {value!r}")
    return inn
