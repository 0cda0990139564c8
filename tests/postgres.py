"""Temporary PostgreSQL databases for tests, on the server CRM_TEST_POSTGRES_URL names."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url


@contextmanager
def temporary_postgres_database(prefix: str = "crm_test") -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it afterwards.

    Skips the calling test with a clear reason when no server is configured or none answers;
    never touches any other database on the server.
    """
    server_url = os.environ.get("CRM_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set: PostgreSQL variants are skipped")
    admin = make_url(server_url).set(drivername="postgresql")
    admin_dsn = admin.render_as_string(hide_password=False)
    database = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'create database "{database}"')
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL at {admin.host}:{admin.port} does not answer: {error}")
    try:
        yield admin.set(database=database).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'drop database if exists "{database}" with (force)')
