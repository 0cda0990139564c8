"""Whether the published data is stale: a pure check over meta.data_freshness rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

DEFAULT_MAX_AGE = timedelta(hours=26)  # a nightly pipeline plus two hours of slack


def utc_now() -> datetime:
    """Now in UTC without a zone, like the warehouse's timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


def with_age(freshness: pl.DataFrame, now: datetime, max_age: timedelta) -> pl.DataFrame:
    """``freshness`` plus ``age_hours`` (since the last load) and ``is_stale`` per source."""
    return freshness.with_columns(
        ((pl.lit(now) - pl.col("last_loaded_at")).dt.total_seconds() / 3600).alias("age_hours")
    ).with_columns((pl.col("age_hours") > max_age.total_seconds() / 3600).alias("is_stale"))


def is_publication_stale(published_at: datetime | None, now: datetime, max_age: timedelta) -> bool:
    return published_at is None or now - published_at > max_age
