"""Our organizations' identities, read from the OLTP copy in the warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ingestion.gis.identities import load_identities, split_ids
from ingestion.gis.inbox import ingest_inbox

OFFICIAL = Path(__file__).parent / "samples" / "egais_official"


def _organizations(con: duckdb.DuckDBPyConnection, columns: str, rows: str) -> None:
    con.execute("create schema if not exists raw_oltp")
    con.execute(f"create or replace table raw_oltp.organizations ({columns})")
    con.execute(f"insert into raw_oltp.organizations values {rows}")


def test_split_ids_accepts_commas_semicolons_and_spaces() -> None:
    assert split_ids(" 0300001, 0300002;0300003\n0300001 ") == ["0300001", "0300002", "0300003"]
    assert split_ids(None) == split_ids("") == []


def test_identities_come_from_live_organizations_with_every_column() -> None:
    con = duckdb.connect()
    _organizations(
        con,
        "inn varchar, fsrar_id varchar, additional_fsrar_ids varchar, "
        "vetis_business_entity_guid varchar, vetis_enterprise_guids varchar, "
        "gismt_participant_inn varchar, deleted_at timestamp",
        "('7707083893', '030000194005', '030000194006,030000194007', "
        "'A2C1E1B0-0000-4000-8000-000000000001', 'e1; e2', '7707083894', null), "
        "('5008012345', '039999999999', null, null, null, null, '2026-01-01')",
    )
    identities = load_identities(con)
    assert identities.fsrar_ids == {
        "030000194005": "7707083893",
        "030000194006": "7707083893",
        "030000194007": "7707083893",
    }  # the deleted organization is not ours any more
    assert identities.vetis_organization("a2c1e1b0-0000-4000-8000-000000000001") == "7707083893"
    assert identities.vetis_organization(None, "e2") == "7707083893"
    assert identities.inns == {"7707083893", "7707083894"}


def test_an_older_copy_without_the_new_columns_still_gives_the_fsrar_id() -> None:
    con = duckdb.connect()
    _organizations(con, "inn varchar, fsrar_id varchar", "('7707083893', '030000194005')")
    assert load_identities(con).fsrar_ids == {"030000194005": "7707083893"}


def test_no_copy_no_identities() -> None:
    assert not load_identities(duckdb.connect()).fsrar_ids


def test_a_file_of_unknown_parties_waits_and_loads_once_the_identity_is_entered(
    tmp_path: Path,
) -> None:
    box = tmp_path / "inbox"
    (box / "egais").mkdir(parents=True)
    shutil.copyfile(OFFICIAL / "WayBill_v4_incoming.xml", box / "egais" / "wb.xml")
    con = duckdb.connect()
    _organizations(con, "inn varchar, fsrar_id varchar", "('7707083893', null)")

    first = ingest_inbox(box, con, tmp_path / "q", "run-1")
    assert (first.files_loaded, first.files_quarantined) == (0, 0)
    assert [name for name, _ in first.failed] == ["egais/wb.xml"]
    assert "neither Shipper" in first.failed[0][1]

    con.execute("update raw_oltp.organizations set fsrar_id = '030000194005'")
    second = ingest_inbox(box, con, tmp_path / "q", "run-2")
    assert (second.files_loaded, second.failed) == (1, [])
    assert con.sql("select direction from raw_gis.exchange_events").fetchall() == [("inbound",)]


def test_the_asset_can_read_the_oltp_itself_and_the_copy(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from ingestion.gis.identities import load_our_identities

    url = f"sqlite:///{tmp_path / 'oltp.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "create table organizations (id integer, inn text, fsrar_id text, "
                "vetis_business_entity_guid text, deleted_at timestamp)"
            )
        )
        connection.execute(
            sa.text(
                "insert into organizations values (1, '7707083893', '030000194005', 'G-1', null),"
                " (2, '5008012345', '039999999999', null, '2026-01-01')"
            )
        )
    engine.dispose()
    con = duckdb.connect()
    _organizations(con, "inn varchar, fsrar_id varchar", "('7810123450', '010000000467')")
    identities = load_our_identities(con, url)
    assert identities.fsrar_ids == {
        "030000194005": "7707083893",  # from the OLTP: no copy needed yet
        "010000000467": "7810123450",  # from the copy
    }
    assert identities.vetis_organization("g-1") == "7707083893"
    assert load_our_identities(duckdb.connect(), "sqlite://").fsrar_ids == {}
