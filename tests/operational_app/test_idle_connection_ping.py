"""PostgreSQL connections are pinged before use only after waiting idle in the pool: a server
that dropped them (restart, failover, idle timeout) costs no failed request, and a busy pool
pays no round trip per checkout."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text

from operational_app.db import session as db_session
from operational_app.db.session import create_oltp_engine

pytestmark = pytest.mark.postgres


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("select pg_backend_pid()")).scalar_one()


def terminate(postgres_url: str, pid: int) -> None:
    with psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", [pid])


@pytest.fixture
def one_connection_engine(postgres_url: str) -> Iterator[Engine]:
    """An app engine whose pool holds a single connection."""
    engine = create_oltp_engine(postgres_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(
    postgres_url: str, one_connection_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_session, "PING_AFTER_IDLE_SECONDS", 0.0)
    dropped = backend_pid(one_connection_engine)
    terminate(postgres_url, dropped)
    # The only pooled connection is dead; the ping finds out and the pool reconnects.
    assert backend_pid(one_connection_engine) != dropped


def test_a_recently_used_connection_is_not_pinged(
    postgres_url: str, one_connection_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_session, "PING_AFTER_IDLE_SECONDS", 3600.0)
    terminate(postgres_url, backend_pid(one_connection_engine))
    # No ping within the idle window: the dead connection is handed out and fails, which is
    # the price of skipping the round trip on every checkout of a busy pool.
    with pytest.raises(Exception, match="terminat|closed|server"):
        backend_pid(one_connection_engine)
