"""The Alembic migrations build exactly the schema the models declare (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from operational_app.db.migrate import upgrade_to_head
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
