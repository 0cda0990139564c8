"""Dates and times in imported files are stored as naive UTC; one that has no UTC date in the
calendar is a row error, never a crash of the import."""

from __future__ import annotations

import datetime as dt

import pytest

from operational_app.db.models import naive_utc
from operational_app.importer.mapping import FieldError, FieldSpec, to_datetime

NOW = dt.datetime(2026, 11, 27, 12, 0)


def test_an_offset_is_honoured() -> None:
    spec = FieldSpec(name="created_at", column="Created")
    assert to_datetime(spec, "2026-01-01T00:30:00+01:00", NOW) == dt.datetime(2025, 12, 31, 23, 30)
    aware = dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert to_datetime(spec, aware, NOW) == dt.datetime(2026, 1, 1, 0, 0)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_a_moment_outside_the_calendar_in_utc_is_a_row_error(text: str) -> None:
    spec = FieldSpec(name="created_at", column="Created")
    with pytest.raises(FieldError, match="outside the calendar") as caught:
        to_datetime(spec, text, NOW)
    assert (caught.value.column, caught.value.value) == ("Created", text)
    with pytest.raises(ValueError, match="outside the calendar"):
        naive_utc(dt.datetime.fromisoformat(text))
