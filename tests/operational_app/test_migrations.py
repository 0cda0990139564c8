"""The Alembic migrations build exactly the schema the models declare (SQLite and PostgreSQL)."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from operational_app.db.migrate import alembic_config, upgrade_to_head
from operational_app.db.models import Base
from operational_app.db.session import create_oltp_engine


def _schema_differences(url: str) -> list:
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            indexes = {index["name"]: index for index in inspect(connection).get_indexes("deals")}
    finally:
        engine.dispose()
    # The deal list's index holds live deals only (compare_metadata ignores index conditions).
    assert "ix_deals_created_at_id" not in indexes
    conditions = indexes["ix_deals_live_created_at_id"]["dialect_options"]
    assert any("deleted_at is null" in str(value).lower() for value in conditions.values())
    return differences


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    assert _schema_differences(f"sqlite:///{tmp_path / 'oltp.sqlite3'}") == []


def test_migrations_match_the_models_on_postgresql(postgres_url: str) -> None:
    assert _schema_differences(postgres_url) == []


def _departments_round_trip(url: str) -> None:
    """0009 down and up again: a user placed in a team of an office survives only the upgrade;
    the downgrade removes the columns and the table, and data written before 0009 stays."""
    config = alembic_config(url)
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "insert into users (login, full_name, role, is_active, must_change_password,"
                    " created_at, updated_at, version) values ('lead', 'Lead', 'manager', true,"
                    " false, '2026-01-01', '2026-01-01', 1)"
                )
            )
            lead = connection.execute(text("select id from users where login = 'lead'")).scalar()
            connection.execute(
                text(
                    "insert into departments (name, head_user_id, is_regional_office, created_at,"
                    " updated_at, version) values ('Группа Lead', :lead, false, '2026-01-01',"
                    " '2026-01-01', 1)"
                ),
                {"lead": lead},
            )
            team = connection.execute(text("select id from departments")).scalar()
            connection.execute(
                text(
                    "insert into users (login, full_name, role, is_active, must_change_password,"
                    " department_id, supervisor_id, created_at, updated_at, version) values"
                    " ('agent', 'Agent', 'manager', true, false, :team, :lead, '2026-01-01',"
                    " '2026-01-01', 1)"
                ),
                {"team": team, "lead": lead},
            )
        command.downgrade(config, "0008")
        with engine.connect() as connection:
            inspector = inspect(connection)
            assert "departments" not in inspector.get_table_names()
            columns = {column["name"] for column in inspector.get_columns("users")}
            assert not {"department_id", "supervisor_id"} & columns
            logins = connection.execute(text("select login from users order by login")).scalars()
            assert list(logins) == ["agent", "lead"]
        command.upgrade(config, "head")
        with engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("users")}
            assert {"department_id", "supervisor_id"} <= columns
            assert connection.execute(text("select count(*) from departments")).scalar() == 0
    finally:
        engine.dispose()


def test_departments_migration_downgrades_and_upgrades_on_sqlite(tmp_path: Path) -> None:
    _departments_round_trip(f"sqlite:///{tmp_path / 'oltp.sqlite3'}")


def test_departments_migration_downgrades_and_upgrades_on_postgresql(postgres_url: str) -> None:
    _departments_round_trip(postgres_url)


def test_tables_sort_without_cycles() -> None:
    """users ↔ departments (and users ↔ partners) refer to each other; use_alter on the
    back-references keeps create_all's order computable (no SAWarning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        names = [table.name for table in Base.metadata.sorted_tables]
    assert "departments" in names and "users" in names
