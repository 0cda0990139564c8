from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, text

from ingestion import oltp
from ingestion.oltp import (
    SourceUnavailable,
    connectorx_url,
    copy_oltp_to_duckdb,
    extract_table,
    list_source_tables,
    warehouse_tables,
)
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import (
    Base,
    BusinessRegion,
    Deal,
    DealKind,
    DealStageHistory,
    Partner,
    SalesStage,
    User,
)
from operational_app.db.session import session_scope

ENTERED = dt.datetime(2026, 3, 1, 9, 30)


def fill_oltp(url: str) -> None:
    upgrade_to_head(url)
    with session_scope(url) as session:
        region = BusinessRegion(name="Урал")
        manager = User(login="petrov", full_name="Петров Пётр")
        session.add_all([region, manager])
        session.flush()
        partner = Partner(name='ООО "Уралтехснаб"', business_region_id=region.id)
        kind = DealKind(name="Типовая продажа", has_stages=True)
        session.add_all([partner, kind])
        session.flush()
        stage = SalesStage(deal_kind_id=kind.id, name="Первичный контакт", sequence=1)
        session.add(stage)
        session.flush()
        deal = Deal(
            number="СД-1",
            name="Поставка",
            partner_id=partner.id,
            deal_kind_id=kind.id,
            manager_id=manager.id,
            current_stage_id=stage.id,
            potential_amount=Decimal("1250000.50"),
            deleted_at=ENTERED,
        )
        session.add(deal)
        session.flush()
        session.add(DealStageHistory(deal_id=deal.id, stage_id=stage.id, entered_at=ENTERED))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'oltp.sqlite3'}"
    fill_oltp(url)
    return url


def test_connectorx_url_translates_sqlalchemy_forms(tmp_path: Path) -> None:
    database = tmp_path / "x.sqlite3"
    database.touch()
    assert connectorx_url(f"sqlite:///{database}") == f"sqlite://{database}"
    assert (
        connectorx_url("postgresql+psycopg://postgres@127.0.0.1:5432/crm")
        == "postgresql://postgres@127.0.0.1:5432/crm"
    )


def test_missing_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="crm seed"):
        connectorx_url(f"sqlite:///{tmp_path / 'absent.sqlite3'}")


# What the app keeps for itself: credentials, sessions, counters and the registry's copy of
# other companies. Every other table of the app must reach the warehouse.
APP_ONLY_TABLES = {
    "api_tokens",
    "user_sessions",
    "portal_invites",
    "document_counters",
    "registry_parties",
    "registry_cache",
    "attachments",
    "contact_data_changes",
    "delivery_addresses",
    "price_tag_templates",
}


def test_warehouse_reads_every_app_table_but_the_apps_own(sqlite_url: str) -> None:
    tables = list_source_tables(sqlite_url)
    assert tables == warehouse_tables()
    assert set(tables) == set(Base.metadata.tables) - APP_ONLY_TABLES
    assert "alembic_version" not in tables


def test_a_schema_older_than_the_sources_is_a_clear_error(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("drop table deal_stage_history"))
    engine.dispose()
    with pytest.raises(SourceUnavailable, match="lacks deal_stage_history.*crm app"):
        list_source_tables(sqlite_url)


def test_credentials_are_not_copied(sqlite_url: str) -> None:
    users = extract_table(sqlite_url, "users").data
    assert users.num_rows > 0
    assert "password_hash" not in users.column_names
    assert "login" in users.column_names


def copy_and_check(url: str, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    results = copy_oltp_to_duckdb(url, con, run_id="run-1")
    counts = {result.table_name: result.row_count for result in results}
    assert counts["deals"] == 1
    assert counts["deal_stage_history"] == 1
    assert counts["loss_reasons"] == 0

    deal = con.sql(
        "select number, potential_amount, deleted_at, manager_id from raw_oltp.deals"
    ).fetchall()[0]
    assert deal[0] == "СД-1"
    assert float(deal[1]) == pytest.approx(1250000.50)
    assert deal[2] == ENTERED  # soft deletes travel to the warehouse
    entered = con.sql("select entered_at, left_at from raw_oltp.deal_stage_history").fetchall()
    assert entered == [(ENTERED, None)]
    # Empty tables still arrive with their columns, so staging models can select from them.
    columns = con.sql("describe raw_oltp.loss_reasons").pl()["column_name"].to_list()
    assert {"id", "name", "updated_at", "deleted_at"} <= set(columns)
    logged = con.sql(
        "select table_name, row_count from meta.load_log where run_id = 'run-1'"
    ).fetchall()
    assert dict(logged) == counts

    # Loading again replaces rather than appends.
    copy_oltp_to_duckdb(url, con, run_id="run-2")
    assert con.sql("select count(*) from raw_oltp.deals").fetchall() == [(1,)]
    con.close()


def test_copy_from_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    copy_and_check(sqlite_url, tmp_path)


def test_only_a_full_copy_reads_the_sqlite_file_ahead_first(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    events: list[str] = []
    real_open, real_extract = Path.open, oltp.extract_table

    def watching_open(path: Path, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if path.name.startswith(database.name):
            events.append(f"read {path.name}")
        return real_open(path, *args, **kwargs)

    def watching_extract(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        events.append("extract")
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(Path, "open", watching_open)
    monkeypatch.setattr(oltp, "extract_table", watching_extract)
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    copy_oltp_to_duckdb(sqlite_url, con, run_id="run-1", full_refresh=True)
    assert events[0] == f"read {database.name}" and "extract" in events
    assert events.index("extract") > events.index(f"read {database.name}")
    events.clear()
    copy_oltp_to_duckdb(sqlite_url, con, run_id="run-2")  # incremental: only changed rows
    assert events and set(events) == {"extract"}
    con.close()
    # Nothing to read ahead on a server database or a missing file.
    oltp.read_sqlite_file_ahead("postgresql://postgres@127.0.0.1:5432/crm")
    oltp.read_sqlite_file_ahead(f"sqlite:///{tmp_path / 'absent.sqlite3'}")


@pytest.mark.postgres
def test_copy_from_postgres(postgres_url: str, tmp_path: Path) -> None:
    fill_oltp(postgres_url)
    copy_and_check(postgres_url, tmp_path)


def test_tables_the_warehouse_no_longer_reads_are_dropped(sqlite_url: str, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    copy_oltp_to_duckdb(sqlite_url, con, run_id="run-1")
    # A build file from before the sources list: the app's tokens copied beside the rest.
    con.execute("create table raw_oltp.api_tokens as select 'secret' as token_hash")
    con.execute(
        "insert into meta.watermarks values ('api_tokens', null, 1, current_timestamp, 'old')"
    )

    copy_oltp_to_duckdb(sqlite_url, con, run_id="run-2")

    raw = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw_oltp'"
        ).fetchall()
    }
    assert "api_tokens" not in raw and "deals" in raw
    watermarks = con.execute("select table_name from meta.watermarks").fetchall()
    assert ("api_tokens",) not in watermarks and ("deals",) in watermarks
