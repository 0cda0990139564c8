"""Python-side asset checks (dbt tests arrive as asset checks through dagster-dbt already).

- `row_count_matches_oltp` on every `raw_oltp/<table>`: the raw copy holds as many rows as the
  OLTP table had when it was extracted. Rows the OLTP gained after the extract (ids above the
  highest id in raw) are reported, not counted as a mismatch: on a busy OLTP a plain
  count(OLTP) = count(raw) comparison would fail on almost every run. Ids are the tables'
  autoincrement primary keys and the app only deletes softly, so every OLTP row with an id up to
  raw's highest id must be in raw. A mismatch is an ERROR but does not block: publishing is gated
  by the dbt tests, and on PostgreSQL a transaction holding a lower id can commit just after the
  extract, so a single mismatch can be a race the next run repairs; blocking would stop the
  dashboards for it. A mismatch that persists across runs is a real loss (an operator sees the
  failed check on every run in the UI).
- `sources_fresh` on `published_warehouse`: warns when a source listed in meta.data_freshness was
  last loaded more than `max_age_hours` ago (default 26: the nightly full run plus slack). With
  OLTP tables loaded on every run this flags a stalled pipeline; for GIS systems it flags an
  exchange that stopped delivering files.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
from sqlalchemy import create_engine, text

from ingestion.load import RAW_OLTP_SCHEMA
from orchestration.assets.ingestion import oltp_table_names, raw_oltp_asset_key
from orchestration.publish import PUBLISHED_WAREHOUSE_KEY
from orchestration.resources import WarehouseResource

ROW_COUNT_CHECK = "row_count_matches_oltp"
SOURCES_FRESH_CHECK = "sources_fresh"
DEFAULT_MAX_SOURCE_AGE_HOURS = 26.0


@dataclass(frozen=True)
class RowCountReconciliation:
    table_name: str
    raw_rows: int | None  # None: the raw table does not exist
    raw_max_id: int | None
    oltp_rows: int
    oltp_rows_up_to_raw_max_id: int

    @property
    def matches(self) -> bool:
        return self.raw_rows == self.oltp_rows_up_to_raw_max_id

    @property
    def oltp_rows_since_extract(self) -> int:
        return self.oltp_rows - self.oltp_rows_up_to_raw_max_id


def reconcile_row_counts(
    oltp_url: str, con: duckdb.DuckDBPyConnection, table_names: Iterable[str]
) -> list[RowCountReconciliation]:
    """Count each table in raw (DuckDB) and in the OLTP (one SQLAlchemy connection)."""
    names = list(table_names)
    raw_tables = {
        name
        for (name,) in con.sql(
            "select table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name = ?",
            params=[RAW_OLTP_SCHEMA],
        ).fetchall()
    }
    engine = create_engine(oltp_url)
    results = []
    try:
        with engine.connect() as oltp:
            for name in names:
                if not name.isidentifier():
                    raise ValueError(f"not a table name: {name!r}")
                raw_rows = raw_max_id = None
                if name in raw_tables:
                    raw_rows, raw_max_id = con.sql(
                        f"select count(*), max(id) from {RAW_OLTP_SCHEMA}.{name}"
                    ).fetchall()[0]
                # A bare count(*) is SQLite's b-tree count (no row is decoded) and the rows
                # past raw's highest id are a primary-key range, not a scan of every row.
                oltp_rows, since_extract = oltp.execute(
                    text(
                        f"select (select count(*) from {name}), "
                        f"(select count(*) from {name} where id > :max_id)"
                    ),
                    {"max_id": raw_max_id if raw_max_id is not None else -1},
                ).one()
                results.append(
                    RowCountReconciliation(
                        name, raw_rows, raw_max_id, oltp_rows, oltp_rows - since_extract
                    )
                )
    finally:
        engine.dispose()
    return results


def row_count_check_result(item: RowCountReconciliation) -> dg.AssetCheckResult:
    if item.raw_rows is None:
        description = f"raw_oltp.{item.table_name} does not exist in the build database"
    elif item.matches:
        description = f"{item.raw_rows} rows in raw, as in the OLTP at extract time"
    else:
        description = (
            f"raw holds {item.raw_rows} rows but the OLTP has {item.oltp_rows_up_to_raw_max_id} "
            f"with id <= {item.raw_max_id}"
        )
    return dg.AssetCheckResult(
        asset_key=raw_oltp_asset_key(item.table_name),
        check_name=ROW_COUNT_CHECK,
        passed=item.matches,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "raw_rows": item.raw_rows if item.raw_rows is not None else -1,
            "oltp_rows": item.oltp_rows,
            "oltp_rows_up_to_raw_max_id": item.oltp_rows_up_to_raw_max_id,
            "oltp_rows_since_extract": item.oltp_rows_since_extract,
        },
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            ROW_COUNT_CHECK,
            asset=raw_oltp_asset_key(table_name),
            description="The raw copy holds every OLTP row up to the highest id it loaded.",
        )
        for table_name in oltp_table_names()
    ],
    can_subset=True,
    # It opens the build database, which a writing step may hold locked.
    pool="duckdb_writer",
)
def raw_oltp_row_counts(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    selected = sorted(key.asset_key.path[-1] for key in context.selected_asset_check_keys)
    con = duckdb.connect(warehouse.build_database_path, read_only=True)
    try:
        reconciled = reconcile_row_counts(warehouse.oltp_url, con, selected)
    finally:
        con.close()
    for item in reconciled:
        yield row_count_check_result(item)


class SourcesFreshConfig(dg.Config):
    max_age_hours: float = DEFAULT_MAX_SOURCE_AGE_HOURS
    """A source last loaded longer ago than this is stale."""


def stale_sources(
    freshness: Iterable[tuple[str, dt.datetime]], now: dt.datetime, max_age: dt.timedelta
) -> list[tuple[str, float]]:
    """(source, hours since its last load) for each source older than `max_age`."""
    return [
        (source, round((now - loaded_at).total_seconds() / 3600, 1))
        for source, loaded_at in sorted(freshness)
        if now - loaded_at > max_age
    ]


def read_freshness(published_path: Path) -> list[tuple[str, dt.datetime]]:
    con = duckdb.connect(str(published_path), read_only=True)
    try:
        return [
            (source, loaded_at)
            for source, loaded_at in con.sql(
                "select source, last_loaded_at from meta.data_freshness"
            ).fetchall()
        ]
    finally:
        con.close()


@dg.asset_check(
    asset=PUBLISHED_WAREHOUSE_KEY,
    name=SOURCES_FRESH_CHECK,
    description="Warns when a source of the published warehouse was last loaded too long ago.",
)
def published_sources_fresh(
    config: SourcesFreshConfig, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    freshness = read_freshness(Path(warehouse.published_database_path))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stale = stale_sources(freshness, now, dt.timedelta(hours=config.max_age_hours))
    return dg.AssetCheckResult(
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(stale)} of {len(freshness)} sources older than {config.max_age_hours:g} h"
            if stale
            else f"all {len(freshness)} sources loaded within {config.max_age_hours:g} h"
        ),
        metadata={
            "sources": len(freshness),
            "stale_sources": dg.MetadataValue.json(dict(stale)),
        },
    )


checks = [raw_oltp_row_counts, published_sources_fresh]
