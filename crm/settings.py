"""Project-wide settings, read from the environment when asked for (never at import time).

Every package takes its paths and URLs from :func:`get_settings`, so one place decides where
the OLTP database, the GIS inbox and the warehouse live (DESIGN.md §1 and §3).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPORTED_LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse_dir: Path
    oltp_url: str
    lang: str
    # The operational app's address, for links from the dashboards to its cards.
    app_url: str = "http://127.0.0.1:8000"
    # Where times are shown (the warehouse keeps UTC): an IANA zone name.
    timezone: str = "Europe/Moscow"
    # CRM_DEMO_MODE=1 (`make demo`): seeded users keep the shared demo password without being
    # asked to change it, and every page says so in a banner.
    demo_mode: bool = False
    # CRM_SECURE_COOKIES=1: cookies only over HTTPS (set it behind a TLS-terminating proxy,
    # where the app itself sees plain HTTP); cookies are Secure anyway on an HTTPS request.
    secure_cookies: bool = False
    as_of: dt.datetime | None = None
    """The moment the marts' clock-dependent figures (overdue debt, overdue interactions) are
    computed for, naive UTC (CRM_AS_OF); None: the build time."""
    # Autofill by ИНН (issue 20): CRM_REGISTRY_SOURCE local | dadata | none; DaData's API key
    # and secret (DADATA_TOKEN, DADATA_SECRET), kept out of repr so they never reach a log.
    registry_source: str = "local"
    # The engine dbt builds the models on (CRM_DBT_ENGINE, `crm pipeline --engine`): duckdb, or
    # spark (a local Spark session; `make install-spark`). The published warehouse is DuckDB
    # and Parquet either way.
    dbt_engine: str = "duckdb"
    # CRM_SPARK_DRIVER_MEMORY: the local Spark driver's heap when Spark is the engine.
    spark_driver_memory: str = "4g"
    dadata_token: str | None = field(default=None, repr=False)
    dadata_secret: str | None = field(default=None, repr=False)

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
    def ofd_inbox_dir(self) -> Path:
        """Cash receipts exported by the fiscal data operator (ОФД), ФФД JSON files."""
        return self.data_dir / "inbox" / "ofd"

    @property
    def ofd_quarantine_dir(self) -> Path:
        """Where refused receipt files are copied (under `ofd/`)."""
        return self.data_dir / "quarantine"

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
    def spark_dir(self) -> Path:
        """Spark's catalog and warehouse when it is the dbt engine (ingestion/spark.py)."""
        return self.build_dir / "spark"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    @property
    def is_sqlite(self) -> bool:
        return self.oltp_url.startswith("sqlite")


# Every variable get_settings reads: the cache key (with the working directory, which relative
# paths resolve against).
_VARIABLES = (
    "CRM_DATA_DIR",
    "CRM_WAREHOUSE_DIR",
    "CRM_OLTP_URL",
    "CRM_LANG",
    "CRM_APP_URL",
    "CRM_TIMEZONE",
    "CRM_DEMO_MODE",
    "CRM_SECURE_COOKIES",
    "CRM_AS_OF",
    "CRM_REGISTRY_SOURCE",
    "CRM_DBT_ENGINE",
    "CRM_SPARK_DRIVER_MEMORY",
    "DADATA_TOKEN",
    "DADATA_SECRET",
)
REGISTRY_SOURCES = ("local", "dadata", "none")
DBT_ENGINES = ("duckdb", "spark")


def _flag(name: str, value: str | None) -> bool:
    text = (value or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{name} must be 1 or 0, got {value!r}")


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
    timezone = env["CRM_TIMEZONE"] or "Europe/Moscow"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"CRM_TIMEZONE must be an IANA time zone name, got {timezone!r}"
        ) from error
    registry_source = (env["CRM_REGISTRY_SOURCE"] or "local").strip().lower()
    if registry_source not in REGISTRY_SOURCES:
        raise ValueError(
            f"CRM_REGISTRY_SOURCE must be one of {', '.join(REGISTRY_SOURCES)}, "
            f"got {registry_source!r}"
        )
    dbt_engine = (env["CRM_DBT_ENGINE"] or "duckdb").strip().lower()
    if dbt_engine not in DBT_ENGINES:
        raise ValueError(
            f"CRM_DBT_ENGINE must be one of {', '.join(DBT_ENGINES)}, got {dbt_engine!r}"
        )
    return Settings(
        data_dir=data_dir,
        warehouse_dir=warehouse_dir,
        oltp_url=env["CRM_OLTP_URL"] or default_oltp,
        lang=lang,
        app_url=(env["CRM_APP_URL"] or "http://127.0.0.1:8000").rstrip("/"),
        timezone=timezone,
        demo_mode=_flag("CRM_DEMO_MODE", env["CRM_DEMO_MODE"]),
        secure_cookies=_flag("CRM_SECURE_COOKIES", env["CRM_SECURE_COOKIES"]),
        as_of=parse_as_of(env["CRM_AS_OF"]),
        registry_source=registry_source,
        dbt_engine=dbt_engine,
        spark_driver_memory=(env["CRM_SPARK_DRIVER_MEMORY"] or "4g").strip(),
        dadata_token=env["DADATA_TOKEN"] or None,
        dadata_secret=env["DADATA_SECRET"] or None,
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
