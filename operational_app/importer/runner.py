"""`run_import`: read the file, convert and write rows chunk by chunk, report errors and totals.

Each chunk is written in one transaction (bulk inserts, then per-row updates), so a failure
loses at most the chunk in hand and the import can simply be run again: keys make re-runs
idempotent. `dry_run` does all the work, including lookups and the errors file, and rolls back.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from crm.spreadsheet import escape_formula
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import utc_now
from operational_app.db.session import create_oltp_engine
from operational_app.importer import autofill
from operational_app.importer.autofill import RegistryFactory
from operational_app.importer.entities import ENTITIES, PartnerImporter, RowError
from operational_app.importer.mapping import (
    FieldError,
    ImportMapping,
    MappingError,
    check_mapping,
    mapped_value,
    raw_value,
    read_mapping_document,
    to_text,
)
from operational_app.importer.reading import SourceRow, open_source
from operational_app.importer.references import References
from operational_app.registry.base import RegistryUnavailable

CHUNK_ROWS = 1_000
ERROR_COLUMNS = ("row", "line", "column", "value", "message")
Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    entity: str
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    created_names: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False
    # Autofill by ИНН: rows warned about (liquidated, source error) and what was filled.
    warnings: list[RowError] = field(default_factory=list)
    fills: list[RowError] = field(default_factory=list)

    @property
    def failed_rows(self) -> int:
        return len({error.row for error in self.errors})


def write_errors(path: Path, errors: list[RowError]) -> None:
    """One line per problem: row (1 = first record after the header), physical line, column,
    value, message. UTF-8 with BOM so Excel opens Cyrillic text correctly; every text cell goes
    through escape_formula, since the values are whatever the imported file held (a partner
    named `=HYPERLINK(...)` must not become a live formula in the errors file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(ERROR_COLUMNS)
        for error in errors:
            value = "" if error.value is None else str(error.value)
            cells = [error.column or "", value, error.message]
            writer.writerow([error.row, error.line, *(escape_formula(cell) for cell in cells)])


def parse_mapping(document: Mapping[str, Any], path: Path | None = None) -> ImportMapping:
    """A mapping document checked against the fields each entity's importer accepts."""
    return check_mapping(document, ENTITIES, path)


def load_mapping(path: Path | str) -> ImportMapping:
    """A mapping file (YAML), read and checked."""
    return parse_mapping(read_mapping_document(path), Path(path))


def run_import(
    url: str,
    entity: str,
    path: Path | str,
    mapping: ImportMapping | Path | str,
    *,
    errors_path: Path | str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    autofill_by_inn: bool = False,
    registry_factory: RegistryFactory | None = None,
) -> ImportSummary:
    """Import `path` into the OLTP database at `url` as `entity`, following `mapping`."""
    if not isinstance(mapping, ImportMapping):
        mapping = load_mapping(mapping)
    if mapping.entity != entity:
        raise MappingError(f"the mapping is for {mapping.entity}, not {entity}")
    table = open_source(Path(path), mapping.source)
    report = progress or (lambda _done, _total: None)
    # A first pass over the records: the total for the progress line, and a damaged record
    # (a broken quote) refused before anything is written. Rows are then read again chunk by
    # chunk, so memory holds one chunk of rows, not the file's.
    total = table.count()
    missing = sorted(mapping.columns_used() - set(table.columns))
    if missing:
        raise MappingError(
            f"columns not in the file: {', '.join(missing)}; "
            f"the file has: {', '.join(table.columns)}"
        )
    summary = ImportSummary(entity, read=total, dry_run=dry_run)
    now = now or utc_now()
    autofill_on = autofill_by_inn or mapping.options.get("autofill_by_inn") is True
    if autofill_on and (entity != "partners" or "inn" not in mapping.fields):
        raise MappingError("autofill by ИНН needs a partners import whose mapping has an inn field")
    # Like every command that touches the OLTP database: create or upgrade the schema first, so
    # an import into a fresh data directory works (a dry run included: it needs the tables).
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    try:
        lookups = _prefetch(engine, mapping, table, registry_factory) if autofill_on else None
        with Session(engine) as session:
            refs = References(session)
            importer = ENTITIES[entity](session, mapping, refs, now)
            if isinstance(importer, PartnerImporter):
                importer.lookups, importer.dry_run = lookups, dry_run
            report(0, total)
            done = 0
            for chunk in _chunks(table.rows(), CHUNK_ROWS):
                _begin(session)
                result = importer.import_chunk(chunk)
                summary.imported += result.imported
                summary.updated += result.updated
                summary.unchanged += result.unchanged
                summary.errors.extend(result.errors)
                if dry_run:
                    session.flush()
                else:
                    session.commit()
                done += len(chunk)
                report(done, total)
            if isinstance(importer, PartnerImporter):
                summary.warnings, summary.fills = importer.warnings, importer.fills
            summary.created = dict(refs.created)
            summary.created_names = {k: list(v) for k, v in refs.created_names.items()}
            if dry_run:
                session.rollback()
    finally:
        engine.dispose()
    if errors_path is not None:
        write_errors(Path(errors_path), summary.errors)
    return summary


def _begin(session: Session) -> None:
    """Open the chunk's transaction on SQLite for real. pysqlite issues BEGIN only before
    INSERT/UPDATE/DELETE, so when a chunk's first write is a savepoint (a classifier or
    department created by the domain's rules) SQLite starts a transaction at SAVEPOINT and
    RELEASE commits it: a dry run would keep what it created."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("begin")


def _prefetch(
    engine: Engine, mapping: ImportMapping, table: Any, factory: RegistryFactory | None
) -> dict[str, autofill.Lookup]:
    """Look every distinct valid ИНН of the file up once, in a session of its own (see autofill)."""
    spec = mapping.fields["inn"]
    inns: set[str] = set()
    for row in table.rows():
        try:
            value = to_text(spec, mapped_value(spec, raw_value(spec, row.values, {})), 12)
        except FieldError:
            continue  # the import reports the bad value on its row
        inn = autofill.lookup_inn(value)
        if inn is not None:
            inns.add(inn)
    with Session(engine) as session:
        try:
            if factory is None:
                from crm.settings import get_settings
                from operational_app.registry.service import registry_for

                registry = registry_for(get_settings(), session)
            else:
                registry = factory(session)
        except RegistryUnavailable as error:
            raise MappingError(f"cannot autofill by ИНН: {error.message}") from None
        return autofill.prefetch(registry, sorted(inns))


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    chunk: list[SourceRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def describe(summary: ImportSummary) -> list[tuple[str, Any]]:
    """The lines of the printed summary."""
    would = "would be " if summary.dry_run else ""
    lines: list[tuple[str, Any]] = [
        ("read", summary.read),
        (f"{would}imported", summary.imported),
        (f"{would}updated", summary.updated),
        ("unchanged", summary.unchanged),
        ("rows with errors", summary.failed_rows),
    ]
    verb = "would create" if summary.dry_run else "created"
    lines += [(f"{verb} {name}", count) for name, count in sorted(summary.created.items())]
    return lines


CLASSIFIER_LABELS = (
    "deal kind",
    "loss reason",
    "claim reason",
    "business region",
    "partner role",
    "regional office",
    "department",
)


def describe_created(summary: ImportSummary, limit: int = 5) -> list[str]:
    """What the import creates (or, in a dry run, would create), by name for classifiers:
    "would create deal kind 'Типовая продажа' (stages: A → B → C)"."""
    verb = "would create" if summary.dry_run else "created"
    lines = []
    for label, names in sorted(summary.created_names.items()):
        if label not in CLASSIFIER_LABELS and label != "contact role":
            continue
        shown = ", ".join(repr(name) if "(stages:" not in name else name for name in names[:limit])
        more = f" and {len(names) - limit} more" if len(names) > limit else ""
        lines.append(f"{verb} {label} {shown}{more}")
    return lines


def error_kinds(errors: list[RowError]) -> list[tuple[str, int, RowError]]:
    """Problems grouped by column and kind of message (values stripped), most frequent first,
    each with its first occurrence: one line per kind, so no kind hides another."""
    groups: dict[tuple[str, str], list[RowError]] = {}
    for error in errors:
        kind = _QUOTED.sub("…", error.message)
        groups.setdefault((error.column or "", kind), []).append(error)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0].row))
    return [(kind, len(found), found[0]) for (_column, kind), found in ranked]


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d[\d-]*\b")
