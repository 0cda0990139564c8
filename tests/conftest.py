"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards.

    Uses the server named by CRM_TEST_POSTGRES_URL (set by .ci/run when one answers) and never
    touches any other database on it.
    """
    server_url = os.environ.get("CRM_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    import psycopg

    admin = make_url(server_url).set(drivername="postgresql")
    database = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = admin.render_as_string(hide_password=False)
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
