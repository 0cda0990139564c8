"""An incremental `crm pipeline` builds only what is downstream of the changed raw tables, and
publishes exactly what a full rebuild (`crm pipeline --full`) of the same data publishes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

from crm.settings import Settings
from operational_app.seed import seed_database
from tests.e2e.test_kill_and_rerun import (
    AS_OF,
    LATER,
    differences,
    mart_tables,
    seeded_data_dir,
    start_pipeline,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def run_pipeline(settings: Settings, log_name: str, *args: str) -> str:
    run = start_pipeline(settings, log_name, *args)
    assert run.wait() == 0, run.output()[-5000:]
    return run.output()


def test_an_incremental_run_equals_a_full_rebuild(tmp_path: Path) -> None:
    oltp = tmp_path / "seed" / "crm.sqlite3"
    oltp.parent.mkdir()
    seed_database(f"sqlite:///{oltp}", "demo", seed=23, as_of=AS_OF)
    settings = seeded_data_dir(tmp_path, "selective", oltp)
    first = run_pipeline(settings, "first")
    assert "no successful build recorded yet" in first

    # Operators edit deals and claims; orders, GIS files and the rest are untouched.
    with sqlite3.connect(settings.oltp_dir / "crm.sqlite3") as connection:
        deals = connection.execute(
            "update deals set probability = 7, name = name || ' (уточнено)', "
            "updated_at = ?, version = version + 1 where id % 9 = 0",
            [LATER],
        ).rowcount
        claims = connection.execute(
            "update claims set claimed_amount = claimed_amount + 1, updated_at = ?, "
            "version = version + 1 where id % 4 = 0",
            [LATER],
        ).rowcount
    assert deals > 0 and claims > 0

    incremental = run_pipeline(settings, "incremental")
    assert "2 source(s) changed since the last successful build" in incremental
    left_alone = int(incremental.split(" model(s) left as they are")[0].rsplit("; ", 1)[1])
    assert left_alone > 10
    published = settings.published_database_path
    selective_copy = tmp_path / "selective.duckdb"
    shutil.copyfile(published, selective_copy)
    with duckdb.connect(str(selective_copy), read_only=True) as con:
        assert (
            con.sql("select count(*) from marts.fct_deals where probability = 7").fetchall()[0][0]
            == deals
        )

    run_pipeline(settings, "full", "--full")
    assert len(mart_tables(published)) >= 20
    assert mart_tables(selective_copy) == mart_tables(published)
    assert differences(selective_copy, published) == {}
