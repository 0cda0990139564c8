"""Publish the finished marts as a read-only warehouse with one atomic file replace.

Readers (dashboards, analysts) open the published file read-only per query. Because the new file
is complete before `os.replace` swaps it in, a reader sees either the previous run or this one,
never a half-built table or a mix of two runs, and never a lock held by the pipeline.

The new file is written under a private staging name, so a failed publish leaves the published
file untouched. Tables that did not change since the last publish are reused rather than copied
again (an incremental run rebuilds only a few marts). Every table to publish gets a content
fingerprint in the build database: row count, an order-independent sum of row hashes (a sum, not
an xor, so duplicate rows count), and column names and types. The published file records the
fingerprints of its tables in meta.published_tables. If the published file is readable and has
that record, the staging file starts as a byte copy of it (the published file itself is only
ever read): a table whose fingerprint is unchanged stays, every other one is copied from the
build, and a table the build no longer has is dropped. Otherwise the staging file starts empty
and everything is copied. Either way the new file holds exactly the build's rows (a reused table
keeps the row order of the run that copied it).

DuckDB does not give back the blocks of a replaced table inside a file; it reuses them later. A copy
larger than `MAX_REUSE_GROWTH` times its live data (plus a few MiB) is therefore not reused, nor
one with no table to reuse: the full copy compacts the file, and it costs about as much as a
reuse once most of the data changed anyway.

A big table that changed only in part (an incremental run touches ~1% of the deals) is patched
in the copy instead of copied whole: the rows whose hash occurs a different number of times in the
build and in the copy are deleted from the copy and inserted from the build (found by their row
ids, each side's rows hashed once). That is exact for any multiset of rows, duplicates included,
and costs a quarter to a third of a copy at a million rows. A table with more than
`PATCH_MAX_CHANGED_SHARE` of its rows changed is copied.

Parquet files carry the fingerprint of their content in their key-value metadata, checked on its
own since the folder can differ from the published file (a rollback, a publish that failed after
the export). A file of the current export whose fingerprint matches is hard-linked into the new
export instead of written again; one that is missing, older or different is exported.

The outgoing file is kept under `previous/` for a grace period (a hard link, so it costs no
space until it is the only name left), which lets an operator roll back a bad publication by
copying it over `crm.duckdb`. A publish that was killed leaves `.<name>.<pid>.publishing` files;
the next publish removes those whose process is gone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "meta")
PREVIOUS_DIR_NAME = "previous"
DEFAULT_PREVIOUS_GRACE = dt.timedelta(hours=24)
# Reuse a copy of the published file only while it is at most this many times its live data,
# plus a little for the small meta tables rewritten on every publish (256 KiB blocks each).
MAX_REUSE_GROWTH = 1.5
_REUSE_SLACK_BYTES = 8 * 2**20
# Tables the publish step writes itself; the build writes meta.load_log, meta.watermarks and
# meta.dbt_builds, and a build table of one of these names would be replaced anyway.
_PUBLISH_OWNED = frozenset(
    {("meta", "publication"), ("meta", "data_freshness"), ("meta", "published_tables")}
)
# Patch (rather than copy) a changed table of at least this many rows in the copy of the
# published file, unless more than this share of its rows changed.
PATCH_MIN_ROWS = 100_000
PATCH_MAX_CHANGED_SHARE = 0.2
# Key of the fingerprint in the key-value metadata of each exported Parquet file.
_PARQUET_FINGERPRINT_KEY = "crm_publish_fingerprint"
# crm-20260630T023012Z-<run id>.duckdb: when the file stopped being the published one, and the
# run that had published it.
_PREVIOUS_NAME = re.compile(r"^crm-(?P<retired>\d{8}T\d{6}Z)-(?P<run>[^/]+)\.duckdb$")
_RETIRED_FORMAT = "%Y%m%dT%H%M%SZ"
_STAGING_PID = re.compile(r"^\..+\.(?P<pid>\d+)\.publishing(\.wal)?$")

# The columns of meta.data_freshness, one row per source (documented in the warehouse as a
# table comment too, so `crm sql` and any DuckDB client can read it).
DATA_FRESHNESS_COMMENT = (
    "One row per source at publication time. source: 'raw_oltp.<table>', 'raw_gis.<system>' "
    "or 'raw_ofd.receipts'; "
    "last_loaded_at: UTC time of the latest successful load of that source into the build "
    "database; rows: rows the raw table held when published (GIS: exchange events of that "
    "system); published_at: UTC time this warehouse was published (same as meta.publication)."
)
PUBLISHED_TABLES_COMMENT = (
    "Fingerprint of each table published from the build database, which the next publish "
    "compares to reuse unchanged tables. content_hash: sum of the rows' hash(); "
    "columns_signature: JSON list of [column name, type]."
)


@dataclass(frozen=True)
class TableFingerprint:
    """What a table holds, whatever its row order; a changed row, an added duplicate or a
    renamed or retyped column changes it."""

    row_count: int
    content_hash: str
    columns_signature: str

    def token(self) -> str:
        return json.dumps([self.row_count, self.content_hash, self.columns_signature])


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: list[str]
    seconds: float
    previous: Path | None = None
    pruned: list[Path] = field(default_factory=list)
    # Of `tables`: copied from the build database, or kept from the previous published file.
    copied: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    # Of `copied`: brought up to date in place by deleting and inserting the changed rows.
    patched: list[str] = field(default_factory=list)
    # Marts whose Parquet file was hard-linked from the previous export rather than written.
    parquet_reused: list[str] = field(default_factory=list)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def publish_warehouse(
    build_path: Path,
    published_path: Path,
    parquet_dir: Path | None = None,
    run_id: str = "manual",
    schemas: tuple[str, ...] = PUBLISHED_SCHEMAS,
    previous_grace: dt.timedelta = DEFAULT_PREVIOUS_GRACE,
) -> PublishResult:
    """Write the published schemas of the build database into a staging file, then swap it in."""
    started = time.perf_counter()
    if not build_path.exists():
        raise FileNotFoundError(f"build database {build_path} does not exist; run the pipeline")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(published_path, parquet_dir)
    staging_path = published_path.with_name(f".{published_path.name}.{os.getpid()}.publishing")
    _unlink_with_wal(staging_path)
    published_at = _utc_now()
    previous: Path | None = None
    reused: list[str] = []
    parquet_reused: list[str] = []
    try:
        # An in-memory connection with both files attached: the build stays attached (and
        # locked against writers) from fingerprinting to the last copy, whichever staging file
        # is used. Spills go next to the staging file, where remove_stale_staging finds them.
        # Row order is nobody's contract (fingerprints ignore it); without it DuckDB writes
        # Parquet on all cores (the export took half the time at scale large).
        con = duckdb.connect(
            config={"temp_directory": f"{staging_path}.tmp", "preserve_insertion_order": False}
        )
        try:
            con.execute(f"attach {_literal(str(build_path))} as build (read_only)")
            tables = _tables_to_publish(con, schemas)
            # The byte copy of the published file (a GB at scale large) runs beside the
            # fingerprint scans: the one waits on the disk, the others use the cores.
            with ThreadPoolExecutor(max_workers=1) as copier:
                copying = copier.submit(_copy_published, published_path, staging_path)
                fingerprints = {
                    (schema, table): table_fingerprint(con, "build", schema, table)
                    for schema, table in tables
                }
                kept = copying.result()
            patchable: set[str] = set()
            if kept is not None:
                reused, patchable = _reusable(kept, fingerprints)
                if not reused and not patchable:  # an empty file is as quick to fill
                    _unlink_with_wal(staging_path)
            con.execute(f"attach {_literal(str(staging_path))} as staging")
            con.execute("use staging")
            patches = _clear_staging(con, tables, fingerprints, reused, patchable)
            patched = _fill_staging(con, tables, fingerprints, reused, patches)
            _write_meta(con, tables, fingerprints, run_id, published_at)
            con.execute("detach build")
            if parquet_dir is not None:
                marts = {
                    table: fingerprint
                    for (schema, table), fingerprint in fingerprints.items()
                    if schema == "marts"
                }
                parquet_reused = _export_parquet(con, marts, parquet_dir)
            con.execute("checkpoint staging")
        finally:
            con.close()
        if published_path.exists():
            previous = keep_previous(published_path, published_at)
        # The atomic step: readers holding the old file keep their open handle until they close.
        os.replace(staging_path, published_path)
    finally:
        _unlink_with_wal(staging_path)
    pruned = prune_previous(published_path.parent / PREVIOUS_DIR_NAME, previous_grace)
    names = [f"{schema}.{table}" for schema, table in tables]
    return PublishResult(
        published_path,
        names,
        time.perf_counter() - started,
        previous,
        pruned,
        copied=[name for name in names if name not in reused],
        reused=reused,
        patched=patched,
        parquet_reused=[f"marts.{table}" for table in parquet_reused],
    )


def _tables_to_publish(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(schema, table) of the build's published schemas, but the tables publish writes itself."""
    tables = [
        (schema, table)
        for schema, table in con.sql(
            "select schema_name, table_name from duckdb_tables() where database_name = "
            "'build' and list_contains(?, schema_name) order by 1, 2",
            params=[list(schemas)],
        ).fetchall()
        if (schema, table) not in _PUBLISH_OWNED
    ]
    if not any(schema == "marts" for schema, _ in tables):
        raise RuntimeError("the build database has no marts to publish; run dbt first")
    return tables


def _reusable(
    kept: dict[tuple[str, str], TableFingerprint],
    fingerprints: dict[tuple[str, str], TableFingerprint],
) -> tuple[list[str], set[str]]:
    """Of the previous file's tables: those to keep as they are, and those worth patching."""
    reused = [
        f"{schema}.{table}"
        for (schema, table), fingerprint in fingerprints.items()
        if kept.get((schema, table)) == fingerprint
    ]
    patchable = {
        f"{schema}.{table}"
        for (schema, table), fingerprint in fingerprints.items()
        if _patchable(kept.get((schema, table)), fingerprint)
    }
    return reused, patchable


def _clear_staging(
    con: duckdb.DuckDBPyConnection,
    tables: list[tuple[str, str]],
    fingerprints: dict[tuple[str, str], TableFingerprint],
    reused: list[str],
    patchable: set[str],
) -> dict[str, _ChangedRows]:
    """Collect the patches that pay off, then drop every staging table neither reused nor
    patched and checkpoint: the copies then fill the freed blocks instead of growing the file
    (else every other run would be a full copy)."""
    # Which patches pay off is known before anything is dropped, so that a table that is
    # copied after all is dropped before the checkpoint like every other one.
    patches: dict[str, _ChangedRows] = {}
    for schema, table in tables:
        if f"{schema}.{table}" in patchable:
            changes = _collect_changed_rows(
                con, schema, table, fingerprints[(schema, table)], len(patches)
            )
            if changes is not None:
                patches[f"{schema}.{table}"] = changes
    for schema, table in con.sql(
        "select schema_name, table_name from duckdb_tables() where database_name = 'staging'"
    ).fetchall():
        if f"{schema}.{table}" not in reused and f"{schema}.{table}" not in patches:
            con.execute(f"drop table staging.{_quote(schema)}.{_quote(table)}")
    con.execute("checkpoint staging")
    return patches


def _fill_staging(
    con: duckdb.DuckDBPyConnection,
    tables: list[tuple[str, str]],
    fingerprints: dict[tuple[str, str], TableFingerprint],
    reused: list[str],
    patches: dict[str, _ChangedRows],
) -> list[str]:
    """Patch or copy every table not reused; returns the patched ones."""
    patched: list[str] = []
    for schema, table in tables:
        name = f"{schema}.{table}"
        if name in reused:
            continue
        qualified = f"{_quote(schema)}.{_quote(table)}"
        if name in patches:
            fingerprint = fingerprints[(schema, table)]
            if _apply_changed_rows(con, schema, table, fingerprint, patches[name]):
                patched.append(name)
                continue
            con.execute(f"drop table staging.{qualified}")
        con.execute(f"create schema if not exists staging.{_quote(schema)}")
        con.execute(f"create table staging.{qualified} as select * from build.{qualified}")
    return patched


def _write_meta(
    con: duckdb.DuckDBPyConnection,
    tables: list[tuple[str, str]],
    fingerprints: dict[tuple[str, str], TableFingerprint],
    run_id: str,
    published_at: dt.datetime,
) -> None:
    """The publication record, data freshness, the published tables' fingerprints and the
    build's table and column comments."""
    con.execute("create schema if not exists staging.meta")
    con.execute(
        "create or replace table staging.meta.publication as "
        "select ?::varchar as run_id, ?::timestamp as published_at",
        [run_id, published_at],
    )
    write_data_freshness(con, "build", published_at)
    _write_published_tables(con, fingerprints)
    copy_comments(con, "build", "staging", tables)


def table_fingerprint(
    con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str
) -> TableFingerprint:
    """Fingerprint of a table, in one scan.

    The row hashes are summed, not xor-ed: xor would let two identical rows cancel out.
    """
    columns = con.sql(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        params=[database, schema, table],
    ).fetchall()
    row_count, content_hash = con.sql(
        "select count(*), coalesce(sum(hash(*columns(*))::hugeint), 0)::varchar "
        f"from {_quote(database)}.{_quote(schema)}.{_quote(table)}"
    ).fetchall()[0]
    return TableFingerprint(row_count, content_hash, json.dumps([list(c) for c in columns]))


def _patchable(published: TableFingerprint | None, build: TableFingerprint) -> bool:
    """Whether the copy's version of a changed table is worth patching rather than replacing."""
    return (
        published is not None
        and published != build
        and published.columns_signature == build.columns_signature
        and min(published.row_count, build.row_count) >= PATCH_MIN_ROWS
    )


def _row_hash(fingerprint: TableFingerprint) -> str:
    # DuckDB takes no star expression in a DELETE's WHERE, so the columns are spelled out.
    columns = json.loads(fingerprint.columns_signature)
    return f"hash({', '.join(_quote(name) for name, _ in columns)})"


@dataclass(frozen=True)
class _ChangedRows:
    """Two temporary tables of row ids that together make staging's rows the build's: rows of
    staging's table to delete and rows of the build's table to insert."""

    delete: str
    insert: str

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(f"drop table if exists {self.delete}")
        con.execute(f"drop table if exists {self.insert}")


def _collect_changed_rows(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, build: TableFingerprint, number: int
) -> _ChangedRows | None:
    """The rows to delete from staging's table and to insert from the build's; None (and no
    tables) when so many rows changed that a copy is cheaper than a patch.

    Each side's row hashes are computed once, with the row ids. Rows whose hash the other side
    lacks are the change whenever that accounts for both sides' row counts and hash sums: then
    every hash both sides hold occurs equally often in each (barring a 64-bit coincidence, the
    same bet the fingerprints make). Otherwise a row now occurs a different number of times
    than before, and every row of each hash whose counts differ goes and comes back from the
    build, which is exact for any multiset of rows.
    """
    qualified = f"{_quote(schema)}.{_quote(table)}"
    prefix = f"publish_changed_rows_{number}"
    build_hashes, staging_hashes = f"{prefix}_build_hashes", f"{prefix}_staging_hashes"
    changes = _ChangedRows(delete=f"{prefix}_delete", insert=f"{prefix}_insert")
    deleted, inserted = changes.delete, changes.insert
    row_hash = _row_hash(build)
    try:
        for name, database in ((build_hashes, "build"), (staging_hashes, "staging")):
            con.execute(
                f"create or replace temp table {name} as "
                f"select rowid as row_id, {row_hash} as row_hash from {database}.{qualified}"
            )
        for name, side, other in (
            (deleted, staging_hashes, build_hashes),
            (inserted, build_hashes, staging_hashes),
        ):
            con.execute(
                f"create or replace temp table {name} as "
                f"select row_id, row_hash from {side} anti join {other} using (row_hash)"
            )
        (consistent,) = con.sql(
            f"""
            select
                (select count(*) from {staging_hashes})
                - (select count(*) from {deleted}) + (select count(*) from {inserted})
                = (select count(*) from {build_hashes})
                and coalesce((select sum(row_hash::hugeint) from {staging_hashes}), 0)
                - coalesce((select sum(row_hash::hugeint) from {deleted}), 0)
                + coalesce((select sum(row_hash::hugeint) from {inserted}), 0)
                = coalesce((select sum(row_hash::hugeint) from {build_hashes}), 0)
            """
        ).fetchall()[0]
        if not consistent:
            con.execute(
                f"""
                create or replace temp table {prefix}_counts as
                with
                    build_rows as (
                        select row_hash, count(*) as rows from {build_hashes} group by 1
                    ),
                    staging_rows as (
                        select row_hash, count(*) as rows from {staging_hashes} group by 1
                    )
                select row_hash
                from build_rows
                full join staging_rows using (row_hash)
                where coalesce(build_rows.rows, 0) <> coalesce(staging_rows.rows, 0)
                """
            )
            for name, side in ((deleted, staging_hashes), (inserted, build_hashes)):
                con.execute(
                    f"create or replace temp table {name} as select row_id, row_hash from {side} "
                    f"where row_hash in (select row_hash from {prefix}_counts)"
                )
            con.execute(f"drop table {prefix}_counts")
        (changed,) = con.sql(
            f"select (select count(*) from {deleted}) + (select count(*) from {inserted})"
        ).fetchall()[0]
    finally:
        con.execute(f"drop table if exists {build_hashes}")
        con.execute(f"drop table if exists {staging_hashes}")
    if changed > PATCH_MAX_CHANGED_SHARE * build.row_count:
        changes.drop(con)
        return None
    return changes


def _apply_changed_rows(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    build: TableFingerprint,
    changes: _ChangedRows,
) -> bool:
    """Make staging's table hold the build's rows by deleting and inserting the collected rows
    (by row id: no row is hashed again). False when the row count then differs from the
    build's (the caller copies the table instead)."""
    qualified = f"{_quote(schema)}.{_quote(table)}"
    try:
        con.execute(
            f"delete from staging.{qualified} where rowid in (select row_id from {changes.delete})"
        )
        con.execute(
            f"insert into staging.{qualified} select * from build.{qualified} "
            f"where rowid in (select row_id from {changes.insert})"
        )
    finally:
        changes.drop(con)
    (row_count,) = con.sql(f"select count(*) from staging.{qualified}").fetchall()[0]
    return row_count == build.row_count


def _copy_published(
    published_path: Path, staging_path: Path
) -> dict[tuple[str, str], TableFingerprint] | None:
    """Copy the published file to the staging name if its tables can be reused.

    Returns the fingerprints of the copy's tables, read from the copy itself so that they
    describe exactly the bytes that will be reused, or None (and no staging file) if the
    published file is absent, unreadable, predates meta.published_tables or is too bloated.
    """
    if not published_path.exists() or _wal_path(published_path).exists():
        return None  # a WAL would hold changes that a copy of the file alone misses
    shutil.copyfile(published_path, staging_path)
    kept: dict[tuple[str, str], TableFingerprint] | None = None
    try:
        con = duckdb.connect(str(staging_path), read_only=True)
        try:
            used_bytes = con.sql(
                "select used_blocks * block_size from pragma_database_size() "
                "where database_name = current_database()"
            ).fetchall()[0][0]
            if staging_path.stat().st_size <= MAX_REUSE_GROWTH * used_bytes + _REUSE_SLACK_BYTES:
                kept = _published_fingerprints(con)
        finally:
            con.close()
    except duckdb.Error:
        kept = None
    if kept is None:
        _unlink_with_wal(staging_path)
    return kept


def _published_fingerprints(
    con: duckdb.DuckDBPyConnection,
) -> dict[tuple[str, str], TableFingerprint]:
    """The recorded fingerprints of the tables a published file holds, each checked against the
    table's present row count and columns (an edited file must not be trusted blindly)."""
    database = con.sql("select current_database()").fetchall()[0][0]
    kept: dict[tuple[str, str], TableFingerprint] = {}
    for schema, table, row_count, content_hash, signature in con.sql(
        "select schema_name, table_name, row_count, content_hash, columns_signature "
        "from meta.published_tables"
    ).fetchall():
        columns = con.sql(
            "select column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
            params=[database, schema, table],
        ).fetchall()
        if not columns or json.dumps([list(c) for c in columns]) != signature:
            continue
        qualified = f"{_quote(schema)}.{_quote(table)}"
        if con.sql(f"select count(*) from {qualified}").fetchall()[0][0] != row_count:
            continue
        kept[(schema, table)] = TableFingerprint(row_count, content_hash, signature)
    return kept


def _write_published_tables(
    con: duckdb.DuckDBPyConnection, fingerprints: dict[tuple[str, str], TableFingerprint]
) -> None:
    con.execute(
        "create or replace table staging.meta.published_tables (schema_name varchar not null, "
        "table_name varchar not null, row_count bigint not null, content_hash varchar not null, "
        "columns_signature varchar not null, primary key (schema_name, table_name))"
    )
    con.executemany(
        "insert into staging.meta.published_tables values (?, ?, ?, ?, ?)",
        [
            [schema, table, fp.row_count, fp.content_hash, fp.columns_signature]
            for (schema, table), fp in fingerprints.items()
        ],
    )
    con.execute(
        f"comment on table staging.meta.published_tables is {_literal(PUBLISHED_TABLES_COMMENT)}"
    )


def _comments(
    con: duckdb.DuckDBPyConnection, database: str, tables: set[tuple[str, str]]
) -> dict[tuple[str, ...], str | None]:
    """(schema, table[, column]) -> comment of `database`'s `tables`."""
    found: dict[tuple[str, ...], str | None] = {}
    for schema, table, comment in con.sql(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ?",
        params=[database],
    ).fetchall():
        if (schema, table) in tables:
            found[(schema, table)] = comment or None
    for schema, table, column, comment in con.sql(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = ?",
        params=[database],
    ).fetchall():
        if (schema, table) in tables:
            found[(schema, table, column)] = comment or None
    return found


def copy_comments(
    con: duckdb.DuckDBPyConnection, source: str, target: str, tables: list[tuple[str, str]]
) -> int:
    """Give `target`'s tables the comments of `source`'s (dbt's persist_docs: the models' and
    columns' descriptions), so analysts read them in their SQL client. Reused tables are
    compared too: a description can change while the rows do not. Returns the comments
    written or cleared."""
    wanted = set(tables)
    present = _comments(con, target, wanted)
    written = 0
    for key, comment in _comments(con, source, wanted).items():
        if key not in present or present[key] == comment:
            continue
        kind = "table" if len(key) == 2 else "column"
        name = ".".join(_quote(part) for part in (target, *key))
        con.execute(
            f"comment on {kind} {name} is {'null' if comment is None else _literal(comment)}"
        )
        written += 1
    return written


def write_data_freshness(
    con: duckdb.DuckDBPyConnection, build: str, published_at: dt.datetime
) -> None:
    """(Re)create meta.data_freshness from the build database's load records.

    OLTP tables come from meta.load_log (their latest load; rows counted in the raw table, so
    incremental loads report the table's size, not the rows merged). GIS systems come from
    raw_gis.loaded_files, ОФД receipts from raw_ofd.loaded_files (rows: receipts loaded, copies
    of one receipt in two exports included). A source that has never been loaded has no row.
    """
    present = {
        (schema, table)
        for schema, table in con.sql(
            "select schema_name, table_name from duckdb_tables() where database_name = ?",
            params=[build],
        ).fetchall()
    }
    parts: list[str] = []
    if ("meta", "load_log") in present:
        latest = con.sql(
            f"select source_schema, table_name, max(loaded_at) from {build}.meta.load_log "
            "group by all order by 1, 2"
        ).fetchall()
        for schema, table, loaded_at in latest:
            if (schema, table) in present:
                rows = f"(select count(*) from {build}.{_quote(schema)}.{_quote(table)})"
            else:
                rows = "null::bigint"
            parts.append(
                f"select {_literal(f'{schema}.{table}')} as source, "
                f"{_literal(str(loaded_at))}::timestamp as last_loaded_at, {rows} as rows"
            )
    if ("raw_gis", "loaded_files") in present:
        events = ("raw_gis", "exchange_events") in present
        rows = (
            f"(select count(*) from {build}.raw_gis.exchange_events as events "
            "where events.system = files.system)"
            if events
            else "sum(files.event_count)"
        )
        parts.append(
            f"select 'raw_gis.' || files.system as source, max(files.loaded_at) as last_loaded_at,"
            f" {rows} as rows from {build}.raw_gis.loaded_files as files group by files.system"
        )
    if ("raw_ofd", "loaded_files") in present:
        parts.append(
            "select 'raw_ofd.receipts' as source, max(files.loaded_at) as last_loaded_at,"
            " sum(files.receipt_count) as rows"
            f" from {build}.raw_ofd.loaded_files as files having count(*) > 0"
        )
    con.execute("create schema if not exists meta")
    con.execute(
        "create or replace table meta.data_freshness ("
        "source varchar not null primary key, last_loaded_at timestamp not null, rows bigint, "
        "published_at timestamp not null)"
    )
    if parts:
        con.execute(
            "insert into meta.data_freshness select source, last_loaded_at, rows, ? "
            f"from ({' union all '.join(parts)}) order by source",
            [published_at],
        )
    con.execute(f"comment on table meta.data_freshness is {_literal(DATA_FRESHNESS_COMMENT)}")


def keep_previous(published_path: Path, retired_at: dt.datetime) -> Path:
    """Give the current published file a second name under previous/ before it is replaced.

    A hard link costs nothing and stays valid after `os.replace` drops the main name; a copy is
    the fallback on file systems without hard links.
    """
    previous_dir = published_path.parent / PREVIOUS_DIR_NAME
    previous_dir.mkdir(exist_ok=True)
    run = _safe_name(published_run_id(published_path) or "unknown")
    target = previous_dir / f"crm-{retired_at.strftime(_RETIRED_FORMAT)}-{run}.duckdb"
    target.unlink(missing_ok=True)
    try:
        os.link(published_path, target)
    except OSError:
        shutil.copy2(published_path, target)
    return target


def published_run_id(path: Path) -> str | None:
    """The run that published `path`, read from its meta.publication (None if unreadable)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.sql("select run_id from meta.publication").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def prune_previous(
    previous_dir: Path, grace: dt.timedelta, now: dt.datetime | None = None
) -> list[Path]:
    """Delete previous versions retired longer than `grace` ago, never the newest one."""
    if not previous_dir.is_dir():
        return []
    now = now or _utc_now()
    versions: list[tuple[dt.datetime, Path]] = []
    for path in previous_dir.iterdir():
        match = _PREVIOUS_NAME.match(path.name)
        if match:
            retired = dt.datetime.strptime(match["retired"], _RETIRED_FORMAT)
            versions.append((retired, path))
    versions.sort()
    pruned = []
    for retired, path in versions[:-1]:
        if now - retired > grace:
            path.unlink(missing_ok=True)
            pruned.append(path)
    return pruned


def remove_stale_staging(published_path: Path, parquet_dir: Path | None = None) -> list[Path]:
    """Remove what a killed publish left behind: staging files and folders of dead processes."""
    removed: list[Path] = []
    candidates = list(published_path.parent.glob(f".{published_path.name}.*.publishing*"))
    if parquet_dir is not None:
        candidates += parquet_dir.parent.glob(f".{parquet_dir.name}.*.publishing")
        retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
        if retired_dir.exists() and parquet_dir.exists():
            candidates.append(retired_dir)
    for path in candidates:
        match = _STAGING_PID.match(path.name)
        if match and _process_alive(int(match["pid"])) and int(match["pid"]) != os.getpid():
            continue  # another live publisher (should not happen: the pool admits one writer)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    if parquet_dir is not None and not parquet_dir.exists():
        # Killed between the two renames of _export_parquet: the retired folder is the last
        # complete export, so put it back rather than leave readers without Parquet files.
        retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
        if retired_dir.exists():
            retired_dir.rename(parquet_dir)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:64]


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _unlink_with_wal(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal_path(path).unlink(missing_ok=True)


def _export_parquet(
    con: duckdb.DuckDBPyConnection, marts: dict[str, TableFingerprint], parquet_dir: Path
) -> list[str]:
    """Write the marts as Parquet into a fresh folder, then swap the folder in.

    A file of the current export whose recorded fingerprint matches is hard-linked into the
    fresh folder instead of being written again (files are never modified in place, so the
    shared inode is safe). Returns the marts whose file was reused.
    """
    fresh_dir = parquet_dir.with_name(f".{parquet_dir.name}.{os.getpid()}.publishing")
    shutil.rmtree(fresh_dir, ignore_errors=True)
    fresh_dir.mkdir(parents=True)
    reused: list[str] = []
    for table, fingerprint in marts.items():
        current = parquet_dir / f"{table}.parquet"
        target = fresh_dir / f"{table}.parquet"
        if _parquet_fingerprint(con, current) == fingerprint.token():
            try:
                os.link(current, target)
            except OSError:
                shutil.copyfile(current, target)
            reused.append(table)
            continue
        con.execute(
            f"copy staging.marts.{_quote(table)} to {_literal(str(target))} (format parquet, "
            f"kv_metadata {{{_PARQUET_FINGERPRINT_KEY}: {_literal(fingerprint.token())}}})"
        )
    retired_dir = parquet_dir.with_name(f".{parquet_dir.name}.retired")
    shutil.rmtree(retired_dir, ignore_errors=True)
    if parquet_dir.exists():
        parquet_dir.rename(retired_dir)
    fresh_dir.rename(parquet_dir)
    shutil.rmtree(retired_dir, ignore_errors=True)
    return reused


def _parquet_fingerprint(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """The fingerprint recorded in a Parquet file's footer (None: missing, unreadable, or
    written before fingerprints were recorded)."""
    if not path.is_file():
        return None
    try:
        rows = con.sql(
            "select value from parquet_kv_metadata(?) where key = ?",
            params=[str(path), _PARQUET_FINGERPRINT_KEY.encode()],
        ).fetchall()
    except duckdb.Error:
        return None
    return rows[0][0].decode() if rows else None
