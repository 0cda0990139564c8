"""List helpers shared by the engagement lists: whitelisted sorting and paging.

`sort` is a column key, optionally prefixed with "-" for descending; an unknown key falls back to
the list's default order, so a hand-edited query string never becomes a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from operational_app.domain.queries import Page, _page


def order_by(sort: str | None, columns: Mapping[str, Any], default: str, tiebreak: Any) -> tuple:
    key = (sort or "").strip() or default
    descending = key.startswith("-")
    column = columns.get(key.lstrip("-"))
    if column is None:
        return order_by(default, columns, default, tiebreak)
    return (column.desc() if descending else column.asc(), tiebreak)


def page(
    session: Session,
    query: Select[Any],
    *,
    sort: str | None,
    columns: Mapping[str, Any],
    default: str,
    tiebreak: Any,
    limit: int,
    offset: int,
) -> Page:
    return _page(session, query, order_by(sort, columns, default, tiebreak), limit, offset)
