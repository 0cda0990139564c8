"""The end-to-end data set, built once per test session and shared by every e2e file that asks for
it: `small` seeded data (OLTP SQLite file and GIS inbox), a handful of operator edits on top,
the whole pipeline run in-process, the published warehouse left in a temporary data directory.

The marts' "now" is pinned to the seed's as-of (CRM_AS_OF, the end of that day), so no figure
depends on the day the tests run; `flow_a_year_later` reruns the pipeline on a copy with the
as-of moved a year ahead."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from crm.pipeline import run_full_pipeline
from crm.settings import Settings, get_settings
from operational_app.seed import seed_database

AS_OF = dt.date(2026, 6, 30)
SEED = 7


@dataclass(frozen=True)
class PublishedFlow:
    settings: Settings
    oltp: Path

    @property
    def as_of(self) -> dt.datetime:
        """ "now" for the marts' overdue rules (naive UTC), pinned by CRM_AS_OF."""
        assert self.settings.as_of is not None
        return self.settings.as_of


def pinned_settings(data_dir: Path, as_of: dt.date) -> Settings:
    return get_settings({"CRM_DATA_DIR": str(data_dir), "CRM_AS_OF": as_of.isoformat()})


def run_pipeline(settings: Settings) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(settings.build_database_path))
        outcome = run_full_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.failed_steps
    assert settings.published_database_path.exists()


def apply_operator_edits(oltp: Path) -> None:
    """Edits an operator could make after the seed, so the e2e checks also see soft-deleted rows
    and a reopened claim (the `small` seed has none of them). Rows referenced by a claim are left
    alone: the marts' relationship tests rightly fail on a live claim pointing at a deleted order.
    """
    stamp = "2026-06-30 12:00:00.000000"
    touch = f"updated_at = '{stamp}', version = version + 1"
    with sqlite3.connect(oltp) as con:
        # Every 25th claim deleted; every 10th resolved claim reopened with its old resolved_at.
        con.execute(f"update claims set deleted_at = '{stamp}', {touch} where id % 25 = 3")
        con.execute(
            f"update claims set status = 'in_work', {touch} "
            "where status = 'resolved' and id % 10 = 7 and deleted_at is null"
        )
        con.execute(f"update interactions set deleted_at = '{stamp}', {touch} where id % 97 = 5")
        unclaimed_orders = """
            select id from customer_orders
            where id not in (select customer_order_id from claims
                             where customer_order_id is not null)
              and id not in (select shipments.customer_order_id from shipments
                             join claims on claims.shipment_id = shipments.id)
        """
        con.execute(
            f"update customer_orders set deleted_at = '{stamp}', {touch} "
            f"where id in ({unclaimed_orders}) and id % 101 = 11"
        )
        con.execute(
            f"update shipments set deleted_at = '{stamp}', {touch} "
            "where id % 89 = 13 and id not in "
            "(select shipment_id from claims where shipment_id is not null)"
        )
        con.execute(f"update payments set deleted_at = '{stamp}', {touch} where id % 83 = 17")
        con.execute(
            f"update payment_schedule_items set deleted_at = '{stamp}', {touch} where id % 79 = 19"
        )


@pytest.fixture(scope="session")
def published_flow(tmp_path_factory: pytest.TempPathFactory) -> PublishedFlow:
    data_dir = tmp_path_factory.mktemp("e2e")
    settings = pinned_settings(data_dir, AS_OF)
    seed_database(
        settings.oltp_url,
        scale="small",
        seed=SEED,
        as_of=AS_OF,
        gis_inbox_dir=settings.gis_inbox_dir,
    )
    oltp = settings.oltp_dir / "crm.sqlite3"
    apply_operator_edits(oltp)
    run_pipeline(settings)
    return PublishedFlow(settings, oltp)


@pytest.fixture(scope="session")
def flow_a_year_later(
    published_flow: PublishedFlow, tmp_path_factory: pytest.TempPathFactory
) -> PublishedFlow:
    """The same data and warehouse copied, then an incremental run with the as-of a year ahead:
    nothing changed in the sources, so only the moved as-of makes the clock-dependent models
    (and what is built on them) rebuild; their figures must follow it."""
    data_dir = tmp_path_factory.mktemp("e2e-a-year-later") / "data"
    shutil.copytree(
        published_flow.settings.data_dir, data_dir, ignore=shutil.ignore_patterns("dagster")
    )
    settings = pinned_settings(data_dir, AS_OF.replace(year=AS_OF.year + 1))
    run_pipeline(settings)
    return PublishedFlow(settings, settings.oltp_dir / "crm.sqlite3")


@pytest.fixture(scope="session")
def flow(published_flow: PublishedFlow) -> tuple[Settings, Path]:
    return published_flow.settings, published_flow.oltp
