"""Alembic environment: migrations run against the URL the caller puts in the config."""

from alembic import context

from operational_app.db.models import Base
from operational_app.db.session import create_oltp_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_oltp_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table and drops the old one; with foreign keys enforced, that
            # DROP fails as soon as another table's rows refer to it (users are referred to by
            # partners and deals). The pragma only takes effect outside a transaction.
            connection.exec_driver_sql("pragma foreign_keys=off")
            connection.commit()
        # Batch mode lets ALTER TABLE work on SQLite, which cannot alter constraints in place.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("pragma foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        if sqlite:
            connection.exec_driver_sql("pragma foreign_keys=on")
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
