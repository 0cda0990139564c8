"""Engine and session factory for the OLTP database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5_000


def _configure_sqlite(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
    cursor = dbapi_connection.cursor()
    # WAL lets the pipeline read while operators write; foreign keys are off by default in SQLite.
    cursor.execute("pragma journal_mode=wal")
    cursor.execute("pragma foreign_keys=on")
    cursor.execute(f"pragma busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("pragma synchronous=normal")
    cursor.close()


# _POOL_NOTE: the app's sessions close on the event loop (api/deps.py) after the response is
# serialized, which for a sync route waits for one of FastAPI's 40 worker threads. A pool smaller
# than that lets 40 threads wait for connections that requests waiting for a thread hold: a
# deadlock until the pool timeout. SQLite connections are cheap, so its pool never makes anyone
# wait; PostgreSQL's stays bounded (max_connections), above the thread count.
_READ_PREFIXES = ("select", "with", "pragma", "explain")
_WRITE_TURN = "crm_sqlite_write_turn"
_TURN_POLL_SECONDS = 0.0005


class _WriteTurn:
    """Whose turn it is to write one SQLite file: a lock shared by this process's threads, then
    an exclusive `flock` on `<database>.write-lock` shared with other processes (app workers,
    `crm import`). A thread of this process wakes as soon as the turn is free and another
    process within half a millisecond, where SQLite's own busy handler sleeps 1, 2, 5 ... up to
    100 ms between tries."""

    def __init__(self, database: Path) -> None:
        self.threads = threading.Lock()
        self.lock_path = database.with_name(database.name + ".write-lock")
        self.descriptor: int | None = None
        self.descriptor_pid = 0

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            return False
        try:
            if self.descriptor is None or self.descriptor_pid != os.getpid():
                # A forked child opens its own: a shared descriptor would share the lock.
                self.descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
                self.descriptor_pid = os.getpid()
        except OSError:
            return True  # no lock file (a read-only folder): this process's lock alone
        while True:
            try:
                fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.threads.release()
                    return False
                time.sleep(_TURN_POLL_SECONDS)

    def release(self) -> None:
        if self.descriptor is not None:
            fcntl.flock(self.descriptor, fcntl.LOCK_UN)
        self.threads.release()


_write_turns: dict[Path, _WriteTurn] = {}
_write_turns_guard = threading.Lock()


def _queue_sqlite_writers(engine: Engine, database: str) -> None:
    """Let writers take turns at SQLite's single write lock instead of colliding on it.

    SQLite answers a second writer with SQLITE_BUSY and its busy handler polls with sleeps of
    up to 100 ms, so twenty requests writing at once turn 1 ms transactions into a long tail
    (bench/bench_api.py). A transaction's first write statement waits here for its turn
    (_WriteTurn); the turn passes on when the transaction commits or rolls back, or at the
    latest when the connection goes back to the pool. Waiting is bounded by the busy timeout,
    after which SQLite's own handler takes over.
    """
    path = Path(database).resolve()
    with _write_turns_guard:
        turn = _write_turns.setdefault(path, _WriteTurn(path))

    @event.listens_for(engine, "before_cursor_execute")
    def wait_for_turn(connection, _cursor, statement, _parameters, _context, _many) -> None:  # noqa: ANN001
        info = connection.info
        if _WRITE_TURN in info or statement.lstrip()[:7].lower().startswith(_READ_PREFIXES):
            return
        if turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            info[_WRITE_TURN] = turn

    def pass_turn(info: dict) -> None:
        held = info.pop(_WRITE_TURN, None)
        if held is not None:
            held.release()

    # The turn passes on when the transaction ends. These events fire just before the driver's
    # commit or rollback: a writer that starts in that instant meets SQLite's busy handler once.
    # A connection returned without either (reset on return) passes it on at checkin.
    event.listen(engine, "commit", lambda connection: pass_turn(connection.info))
    event.listen(engine, "rollback", lambda connection: pass_turn(connection.info))
    event.listen(engine, "checkin", lambda _dbapi_connection, record: pass_turn(record.info))


def create_oltp_engine(url: str, **options: Any) -> Engine:
    """An engine for the OLTP URL; `options` go to `create_engine` (e.g. `poolclass`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if "poolclass" not in options:
            options |= {"pool_size": 10, "max_overflow": -1}  # see _POOL_NOTE
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _configure_sqlite)
        if parsed.database and parsed.database != ":memory:":
            _queue_sqlite_writers(engine, parsed.database)
        return engine
    if parsed.drivername == "postgresql":
        # Use psycopg 3 (the driver we install) when the URL names none.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if "poolclass" not in options:
        options |= {"pool_size": 10, "max_overflow": 50}  # see _POOL_NOTE
    engine = create_engine(url, **options)
    _ping_connections_left_idle(engine)
    return engine


# A PostgreSQL connection that waited in the pool longer than this is pinged before it is used:
# a restarted server or a dropped network leaves dead ones behind. Under load connections come
# back within milliseconds, and SQLAlchemy's pool_pre_ping cost a round trip on every request.
PING_AFTER_IDLE_SECONDS = 10.0
_CHECKED_IN_AT = "crm_checked_in_at"


def _ping_connections_left_idle(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for idle connections only: a failed ping
    raises DisconnectionError, on which the pool discards that connection and takes another."""

    def stamp(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("select 1")
            dbapi_connection.rollback()
        except Exception as error:  # any failure means this connection is unusable
            raise exc.DisconnectionError(f"idle connection failed its ping: {error}") from error

    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", ping_if_idle)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    return create_oltp_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
