"""What another user changed, for a refused stale edit (409) on any operator page.

A form carries the row's `version`; when the domain refuses it as stale, the page is shown again
with the operator's typed values, the row's current version (so saving again is a deliberate
overwrite) and a table of the fields whose stored value now differs from what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm.exc import StaleDataError

from operational_app.domain.errors import StaleVersion
from operational_app.web.formatting import local_input

Change = tuple[str, str, str]


def is_stale(exc: BaseException) -> bool:
    """The refusal was an outdated version (not a status rule that also answers 409)."""
    return isinstance(exc, (StaleVersion, StaleDataError))


def _number(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _shown(value: Any, zone: ZoneInfo | None = None) -> str:
    """A stored value as its input shows it; a stored (UTC) moment in the operator's local time,
    the way the `datetime-local` input was filled and typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return local_input(value, zone)
    return str(value)


def _same(stored: Any, typed: str, zone: ZoneInfo | None = None) -> bool:
    if isinstance(stored, Decimal) and typed:
        number = _number(typed)
        return number is not None and number == stored
    return _shown(stored, zone) == typed


def _label(names: Mapping[Any, str], value: Any, shown: str) -> str:
    for key in (value, shown, int(shown) if shown.isdigit() and shown.isascii() else None):
        if key is not None and key in names:
            return names[key]
    return shown


def stale_changes(
    entity: Any,
    values: Mapping[str, str],
    fields: Iterable[str],
    labels: Mapping[str, Mapping[Any, str]] | None = None,
    *,
    zone: ZoneInfo | None = None,
) -> list[Change]:
    """(field, stored now, typed) for each submitted field whose stored value is not what was
    typed. `labels` turns stored ids or codes into names (e.g. {"warehouse_id": {3: "Main"}}).

    Call it after the session was rolled back, so `entity` shows what is stored now.
    """
    changes: list[Change] = []
    for field in fields:
        if field not in values:
            continue
        stored = getattr(entity, field, None)
        typed = (values.get(field) or "").strip()
        if _same(stored, typed, zone):
            continue
        names = (labels or {}).get(field) or {}
        shown = _shown(stored, zone)
        changes.append((field, _label(names, stored, shown), _label(names, typed, typed)))
    return changes
