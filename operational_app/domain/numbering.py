"""Document numbers (СД-000123, ЗК-000045, ...) handed out safely under concurrency.

One row per document type in `document_counters` is incremented by a single
INSERT ... ON CONFLICT DO UPDATE ... RETURNING (SQLite 3.35+ and PostgreSQL alike) inside the
transaction that creates the document. The row stays locked (PostgreSQL) or the database stays
write-locked (SQLite) until that transaction ends, so concurrent creators take numbers one
after another and never compute the same one; a rolled-back creation gives its number back.

Series numbered from 1 on their own (invoices: per organization and year) use
`allocate_in_series`: the same upsert keyed by the series, its floor the series' own largest
number, so the numbers run 1, 2, 3 ... with no gaps.

The counter never goes below the table's largest id: documents written without it (the demo
seed, older versions of the app, whose rule was `max(id) + 1`) keep their numbers and new ones
continue the series. A number someone typed by hand may still sit ahead; it is stepped over.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from operational_app.db.models import utc_now

_ALLOCATE = """
insert into document_counters (document_type, last_value, created_at, updated_at, version)
values (:document_type, (select coalesce(max(id), 0) from {table}) + 1, :now, :now, 1)
on conflict (document_type) do update set
    last_value = case
        when document_counters.last_value >= (select coalesce(max(id), 0) from {table})
            then document_counters.last_value + 1
        else (select coalesce(max(id), 0) from {table}) + 1
    end,
    updated_at = :now,
    version = document_counters.version + 1
returning last_value
"""


def allocate_number(session: Session, model: Any, prefix: str) -> str:
    """The next free number `<prefix><6 digits>` for documents of `model` (a table with a
    unique `number` column), taken in the session's transaction."""
    table = model.__tablename__
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    statement = text(_ALLOCATE.format(table=table))
    while True:
        value = session.execute(statement, {"document_type": table, "now": utc_now()}).scalar_one()
        number = f"{prefix}{value:06d}"
        if session.scalar(select(model.id).where(model.number == number)) is None:
            return number


_ALLOCATE_IN_SERIES = """
insert into document_counters (document_type, last_value, created_at, updated_at, version)
values (:series, :floor + 1, :now, :now, 1)
on conflict (document_type) do update set
    last_value = case
        when document_counters.last_value >= :floor then document_counters.last_value + 1
        else :floor + 1
    end,
    updated_at = :now,
    version = document_counters.version + 1
returning last_value
"""


def allocate_in_series(session: Session, series: str, *, floor: int = 0) -> int:
    """The next number (1, 2, ...) of a series such as `invoices/3/2026`, taken in the session's
    transaction: concurrent callers queue on the counter row, a rollback gives the number back.
    `floor` is the largest number already used in the series without the counter (documents
    the demo seed wrote): the series continues after it."""
    if not series or len(series) > 60:
        raise ValueError(f"not a series key: {series!r}")
    statement = text(_ALLOCATE_IN_SERIES)
    parameters = {"series": series, "floor": floor, "now": utc_now()}
    return session.execute(statement, parameters).scalar_one()
