"""`seed_database(..., gis_inbox_dir=...)`: GIS files for recent shipments, deterministic."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import duckdb
import pytest

from ingestion.gis.identities import OurIdentities, load_identities_from_oltp
from ingestion.gis.inbox import ingest_inbox
from operational_app.seed import Scale, seed_database
from operational_app.seed.entry_model import add_entry_model
from operational_app.seed.generator import TableData, generate
from operational_app.seed.gis import (
    DOCUMENT_SHARE,
    MANIFEST_NAME,
    WINDOW_DAYS,
    clear_generated_files,
    gis_documents,
    write_gis_inbox,
)

AS_OF = dt.date(2026, 11, 26)
SCALE = Scale(deals=800, partners=100, managers=4, operators=2)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _files(inbox: Path) -> dict[str, bytes]:
    return {
        path.relative_to(inbox).as_posix(): path.read_bytes()
        for path in sorted(inbox.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def _generated(seed: int) -> list[TableData]:
    return add_entry_model(generate(SCALE, seed, AS_OF), seed, AS_OF)


def _ours(oltp: Path) -> OurIdentities:
    """Our organizations' identities as the pipeline reads them from the OLTP."""
    return load_identities_from_oltp(_url(oltp))


def _oltp(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("seed_gis")
    counts = seed_database(
        _url(root / "oltp.sqlite3"), SCALE, seed=11, as_of=AS_OF, gis_inbox_dir=root / "inbox"
    )
    return root / "oltp.sqlite3", root / "inbox", counts


def test_files_are_written_and_load_as_the_tallies_say(
    seeded: tuple[Path, Path, dict[str, int]], tmp_path: Path
) -> None:
    oltp, inbox, counts = seeded
    files = _files(inbox)
    for system in ("egais", "vetis", "gismt"):
        assert counts[f"gis_{system}_files"] > 0
    expected_files = sum(counts[f"gis_{s}_files"] for s in ("egais", "vetis", "gismt"))
    assert len(files) == expected_files + counts["gis_malformed_files"]
    assert not [path for path in inbox.iterdir() if path.name.startswith(".seed-")]
    manifest = json.loads((inbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(files)

    con = duckdb.connect()
    report = ingest_inbox(inbox, con, tmp_path / "quarantine", "test", identities=_ours(oltp))
    assert report.files_loaded == expected_files and not report.failed
    assert report.files_quarantined == counts["gis_malformed_files"] > 0
    assert report.events_loaded == counts["gis_events"]
    for group in ("accepted", "rejected", "processing", "error"):
        assert report.events_by_status_group[group] == counts[f"gis_events_{group}"]
    con.close()


def test_documents_reference_orders_shipped_recently_and_their_counterparties(
    seeded: tuple[Path, Path, dict[str, int]], tmp_path: Path
) -> None:
    oltp, inbox, counts = seeded
    con = duckdb.connect()
    ingest_inbox(inbox, con, tmp_path / "quarantine", "test", identities=_ours(oltp))
    references = {
        row[0]
        for row in con.sql(
            # Outbound only: an inbound ЕГАИС waybill carries the supplier's own number.
            "select distinct reference from raw_gis.exchange_events "
            "where reference is not null and direction = 'outbound'"
        ).fetchall()
    }
    pairs = set(
        con.sql(
            # Outbound only: for the buyer-filed LP_ACCEPT_GOODS the gismt parser reads our
            # organization as the counterparty (sender/receiver swapped by `input`).
            "select distinct reference, counterparty_inn from raw_gis.exchange_events "
            "where reference is not null and counterparty_inn is not null "
            "and direction = 'outbound'"
        ).fetchall()
    )
    org_inns = {
        row[0]
        for row in con.sql(
            "select organization_inn from raw_gis.exchange_events "
            "where organization_inn is not null and direction = 'outbound'"
        ).fetchall()
    }
    con.close()

    window_start = AS_OF - dt.timedelta(days=WINDOW_DAYS)
    shipped_orders = dict(
        _oltp(
            oltp,
            f"""
            select distinct customer_orders.number, customer_orders.partner_id
            from shipments
            join customer_orders on customer_orders.id = shipments.customer_order_id
            where shipments.deleted_at is null and customer_orders.deleted_at is null
              and shipments.shipped_at >= '{window_start}' and shipments.shipped_at < '{AS_OF}'
            """,
        )
    )
    partner_inns: dict[int, set[str]] = {}
    for partner_id, inn in _oltp(
        oltp, "select partner_id, inn from counterparties where deleted_at is null"
    ):
        partner_inns.setdefault(partner_id, set()).add(inn)
    assert references, "no document carries a reference"
    assert references <= set(shipped_orders)
    assert len(references) == counts["gis_documents"]
    # A realistic share of the recently shipped orders, not all of them.
    assert 0.4 * len(shipped_orders) < len(references) < 0.9 * len(shipped_orders)
    for reference, inn in pairs:
        assert inn in partner_inns[shipped_orders[reference]], reference
    assert org_inns <= {row[0] for row in _oltp(oltp, "select inn from organizations")}


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    tables = _generated(5)
    assert gis_documents(tables, 5, AS_OF) == gis_documents(tables, 5, AS_OF)
    assert gis_documents(tables, 5, AS_OF) != gis_documents(tables, 6, AS_OF)
    inboxes = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write_gis_inbox(tmp_path / name, tables, seed, AS_OF)
        inboxes.append(_files(tmp_path / name))
    assert inboxes[0] == inboxes[1]
    assert inboxes[0] != inboxes[2]


def test_one_document_per_recently_shipped_order_with_an_exchanging_counterparty() -> None:
    tables = {table.name: table for table in _generated(9)}
    documents = gis_documents(list(tables.values()), 9, AS_OF)
    orders = tables["customer_orders"].columns
    shipments = tables["shipments"].columns
    row_of_order = {number: i for i, number in enumerate(orders["number"])}
    window_start = dt.datetime.combine(AS_OF - dt.timedelta(days=WINDOW_DAYS), dt.time())
    for document in documents:
        order_id = orders["id"][row_of_order[document.reference]]
        shipped = {
            shipments["shipped_at"][i].astype(dt.datetime).replace(tzinfo=dt.UTC)
            for i in range(len(shipments["id"]))
            if shipments["customer_order_id"][i] == order_id
        }
        # The document is dated at one of its order's shipments, inside the window.
        assert document.date in shipped
        assert (
            window_start
            <= document.date.replace(tzinfo=None)
            < dt.datetime.combine(AS_OF, dt.time())
        )
    assert len({document.reference for document in documents}) == len(documents)
    counterparties = tables["counterparties"].columns
    forms = dict(zip(counterparties["inn"], counterparties["legal_form"], strict=True))
    assert all(forms[document.counterparty_inn] != "person" for document in documents)
    assert documents == sorted(documents, key=lambda d: (d.date, d.reference))
    assert len(documents) > 10 and DOCUMENT_SHARE == 0.6


def test_replace_swaps_the_generated_files_and_keeps_foreign_ones(tmp_path: Path) -> None:
    url, inbox = _url(tmp_path / "oltp.sqlite3"), tmp_path / "inbox"
    seed_database(url, SCALE, seed=1, as_of=AS_OF, gis_inbox_dir=inbox)
    first = _files(inbox)
    foreign = inbox / "egais" / "from_utm.xml"
    foreign.write_bytes(b"<real/>")
    counts = seed_database(url, SCALE, seed=2, as_of=AS_OF, replace=True, gis_inbox_dir=inbox)
    second = _files(inbox)
    assert second.pop("egais/from_utm.xml") == b"<real/>"
    fresh = tmp_path / "fresh"
    seed_database(_url(tmp_path / "fresh.sqlite3"), SCALE, seed=2, as_of=AS_OF, gis_inbox_dir=fresh)
    assert second == _files(fresh) != first
    assert counts["gis_documents"] > 0


def test_clearing_never_leaves_the_inbox(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "precious.txt"
    (inbox / "egais").mkdir(parents=True)
    (inbox / "egais" / "mine.xml").write_text("x")
    outside.write_text("keep")
    listed = ["egais/mine.xml", "../precious.txt", "egais/../../precious.txt", "/etc/hosts"]
    (inbox / MANIFEST_NAME).write_text(json.dumps({"files": listed}), encoding="utf-8")
    assert clear_generated_files(inbox) == 1
    assert outside.read_text() == "keep"
    assert not (inbox / MANIFEST_NAME).exists()
    assert clear_generated_files(inbox) == 0


def test_a_foreign_file_with_a_generated_name_is_not_overwritten(tmp_path: Path) -> None:
    inbox, tables = tmp_path / "inbox", _generated(3)
    write_gis_inbox(inbox, tables, 3, AS_OF)
    before = _files(inbox)
    (inbox / MANIFEST_NAME).unlink()  # the files now look like someone else's
    with pytest.raises(FileExistsError, match="already exist"):
        write_gis_inbox(inbox, tables, 3, AS_OF)
    assert _files(inbox) == before
    assert not [path for path in inbox.iterdir() if path.name.startswith(".seed-")]
