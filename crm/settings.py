"""Project-wide settings, read from the environment when asked for (never at import time).

Every package takes its paths and URLs from :func:`get_settings`, so one place decides where
the OLTP database, the GIS inbox and the warehouse live (DESIGN.md §1 and §3).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse_dir: Path
    oltp_url: str
    lang: str
    as_of: dt.datetime | None = None
    """The moment the marts' clock-dependent figures (overdue debt, overdue interactions) are
    computed for, naive UTC (CRM_AS_OF); None: the build time."""

    @property
    def oltp_dir(self) -> Path:
        return self.data_dir / "oltp"

    @property
    def gis_inbox_dir(self) -> Path:
        return self.data_dir / "inbox" / "gis"

    @property
    def gis_quarantine_dir(self) -> Path:
        """Copies of GIS files the pipeline refused (malformed or hostile), per system."""
        return self.data_dir / "quarantine" / "gis"

    @property
    def build_dir(self) -> Path:
        """The pipeline's private build area; only the pipeline process writes here."""
        return self.warehouse_dir / "build"

    @property
    def build_database_path(self) -> Path:
        return self.build_dir / "crm_build.duckdb"

    @property
    def published_database_path(self) -> Path:
        return self.warehouse_dir / "crm.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    @property
    def is_sqlite(self) -> bool:
        return self.oltp_url.startswith("sqlite")


# Every variable get_settings reads: the cache key (with the working directory, which relative
# paths resolve against).
_VARIABLES = ("CRM_DATA_DIR", "CRM_WAREHOUSE_DIR", "CRM_OLTP_URL", "CRM_LANG", "CRM_AS_OF")


def get_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    # Read on every call (tests and `crm` commands change the environment), but built once per
    # distinct environment: dashboards ask for the language hundreds of times per page run.
    return _settings_for(tuple(env.get(name) for name in _VARIABLES), os.getcwd())


@functools.lru_cache(maxsize=16)
def _settings_for(values: tuple[str | None, ...], working_dir: str) -> Settings:
    env = dict(zip(_VARIABLES, values, strict=True))
    data_dir = Path(working_dir, env["CRM_DATA_DIR"] or "data").resolve()
    warehouse_dir = Path(env["CRM_WAREHOUSE_DIR"] or data_dir / "warehouse").resolve()
    default_oltp = f"sqlite:///{data_dir / 'oltp' / 'crm.sqlite3'}"
    lang = (env["CRM_LANG"] or "ru").lower()
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"CRM_LANG must be one of {', '.join(SUPPORTED_LANGUAGES)}, got {lang!r}")
    return Settings(
        data_dir=data_dir,
        warehouse_dir=warehouse_dir,
        oltp_url=env["CRM_OLTP_URL"] or default_oltp,
        lang=lang,
        as_of=parse_as_of(env["CRM_AS_OF"]),
    )


def parse_as_of(value: str | None) -> dt.datetime | None:
    """CRM_AS_OF: an ISO date (the end of that day: everything dated that day has happened) or
    an ISO timestamp (UTC unless it carries an offset), as a naive UTC moment; empty: None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "CRM_AS_OF must be an ISO date (2026-06-30) or timestamp (2026-06-30T18:00:00, "
            f"UTC unless it carries an offset), got {value!r}"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment
