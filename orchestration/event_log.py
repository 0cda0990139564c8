"""Dagster's SQLite event log with one open connection per database file.

Dagster's `SqliteEventLogStorage` opens a new SQLAlchemy engine and connection for every event
it stores and closes them afterwards. Closing the last connection to a WAL database checkpoints
it and deletes the WAL file, so each event costs an engine, a connection, a synced commit and a
checkpoint: about 10 ms. A full dbt build yields ~1,500 events (a materialization or check
result per node, each written to the run's file and mirrored to the index file) and the Dagster
process stores them one after another while dbt runs, so at scale small the event log, not the
SQL, set the length of the dbt step (`bench/README.md`, "Dagster's event log").

This subclass keeps one engine per file, whose single connection stays open (calls are already
serialised by the storage's lock), and sets `synchronous=NORMAL`: in WAL mode a commit is then
an append to the WAL and only a checkpoint syncs — SQLite's recommended setting for WAL, which
Dagster already uses for these files. A process crash loses nothing; a power loss can lose the
last events of a run, never the database. The files stay what Dagster writes, so the Dagster
UI, the daemon and older processes read them as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# Dagster's busy timeout for its SQLite files (a second process, e.g. the UI, may be writing).
BUSY_TIMEOUT_SECONDS = 30
# A run touches its own file and the index; older runs' files are read now and then (the
# first opened is closed first).
MAX_OPEN_FILES = 8


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PipelineEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` that keeps its database files open (see the module docstring)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        # Set before the parent's constructor, which may already connect to the index file.
        self._engines: dict[str, Engine] = {}  # by shard; used under the storage's _db_lock
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PipelineEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, opened on first use; the caller holds _db_lock."""
        engine = self._engines.get(shard)
        if engine is None:
            if len(self._engines) >= MAX_OPEN_FILES:
                first_opened = next(iter(self._engines))
                self._engines.pop(first_opened).dispose()
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _set_pragmas)
            self._engines[shard] = engine
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:  # type: ignore[override]
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # Asked on every asset and check event, sometimes inside an open index transaction (so
        # no lock here); Dagster's migrations only ever add tables, so a table found stays found.
        if table_name in self._tables_found:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_found.add(table_name)
        return found

    def dispose(self) -> None:
        with self._db_lock:
            engines, self._engines = self._engines, {}
        for engine in engines.values():
            engine.dispose()
        super().dispose()
