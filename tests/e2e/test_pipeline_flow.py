"""The whole flow: seed -> pipeline in-process -> published warehouse, checked against figures
computed here independently from the OLTP rows with plain SQL and Python. The data set and the
pipeline run come from the session fixture in conftest.py."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import statistics
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from crm.settings import Settings
from tests.e2e.conftest import AS_OF, SEED

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def oltp_rows(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


def warehouse_rows(settings: Settings, query: str) -> list[tuple]:
    con = duckdb.connect(str(settings.published_database_path), read_only=True)
    try:
        return con.sql(query).fetchall()
    finally:
        con.close()


def parse_time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def test_funnel_matches_the_oltp_history(flow: tuple[Settings, Path]) -> None:
    settings, oltp = flow
    history = oltp_rows(
        oltp,
        """
        select deals.id, deals.status, deals.current_stage_id, stages.deal_kind_id,
               stages.id, stages.sequence, history.entered_at, history.left_at,
               history.was_skipped
        from deal_stage_history as history
        join deals on deals.id = history.deal_id
        join sales_stages as stages on stages.id = history.stage_id
        join deal_kinds as kinds on kinds.id = deals.deal_kind_id
        where deals.deleted_at is null and history.deleted_at is null and kinds.has_stages
        """,
    )
    reached: dict[tuple[int, int], set[int]] = defaultdict(set)
    lost_at: dict[tuple[int, int], set[int]] = defaultdict(set)
    durations: dict[tuple[int, int, int], float] = defaultdict(float)
    has_duration: set[tuple[int, int, int]] = set()
    for deal_id, status, current_stage, kind, stage, _seq, entered, left, skipped in history:
        reached[(kind, stage)].add(deal_id)
        if status == "lost" and stage == current_stage:
            lost_at[(kind, stage)].add(deal_id)
        if not skipped and left is not None:
            span = parse_time(left) - parse_time(entered)
            durations[(kind, stage, deal_id)] += span.total_seconds() / 86_400
            has_duration.add((kind, stage, deal_id))
    sequences = {
        (kind, stage): sequence
        for kind, stage, sequence in oltp_rows(
            oltp, "select deal_kind_id, id, sequence from sales_stages"
        )
    }

    funnel = warehouse_rows(
        settings,
        """
        select deal_kind_id, stage_id, stage_sequence, deals_entered, deals_lost,
               conversion_to_next, cumulative_conversion, median_days_in_stage
        from marts.rpt_sales_funnel
        order by deal_kind_id, stage_sequence
        """,
    )
    assert funnel, "the funnel mart is empty"
    by_kind: dict[int, list[tuple]] = defaultdict(list)
    for row in funnel:
        by_kind[row[0]].append(row)
    checked_stages = 0
    for kind, rows in by_kind.items():
        first_entered = len(reached[(kind, rows[0][1])])
        for position, row in enumerate(rows):
            _, stage, sequence, entered, lost, conversion, cumulative, median_days = row
            assert sequence == sequences[(kind, stage)]
            assert entered == len(reached[(kind, stage)]), (kind, stage)
            assert lost == len(lost_at[(kind, stage)]), (kind, stage)
            if entered:
                assert cumulative == pytest.approx(entered / first_entered)
            if position + 1 < len(rows) and entered:
                next_entered = len(reached[(kind, rows[position + 1][1])])
                assert conversion == pytest.approx(next_entered / entered)
            spans = [durations[key] for key in has_duration if key[0] == kind and key[1] == stage]
            if spans:
                assert median_days == pytest.approx(statistics.median(spans), rel=1e-6)
            checked_stages += 1
    assert checked_stages >= 5


def test_win_rate_by_manager_matches_the_oltp_deals(flow: tuple[Settings, Path]) -> None:
    settings, oltp = flow
    expected = {
        manager: (won, lost)
        for manager, won, lost in oltp_rows(
            oltp,
            """
            select manager_id, sum(status = 'won'), sum(status = 'lost')
            from deals where deleted_at is null group by manager_id
            """,
        )
    }
    actual = warehouse_rows(
        settings,
        """
        select manager_id, sum(deals_won), sum(deals_lost),
               sum(deals_won) / nullif(sum(deals_won) + sum(deals_lost), 0)
        from marts.rpt_deal_efficiency group by manager_id
        """,
    )
    assert len(actual) == len(expected)
    for manager, won, lost, win_rate in actual:
        assert (won, lost) == expected[manager]
        assert win_rate == pytest.approx(won / (won + lost))
    deals_in_mart = warehouse_rows(settings, "select count(*) from marts.fct_deals")[0][0]
    deals_in_oltp = oltp_rows(oltp, "select count(*) from deals where deleted_at is null")[0][0]
    assert deals_in_mart == deals_in_oltp > 15_000


def test_publication_and_load_log(flow: tuple[Settings, Path]) -> None:
    settings, oltp = flow
    (run_id,) = warehouse_rows(settings, "select run_id from meta.publication")[0]
    loaded = dict(
        warehouse_rows(
            settings,
            f"select table_name, row_count from meta.load_log where run_id = '{run_id}'",
        )
    )
    assert loaded["deals"] == oltp_rows(oltp, "select count(*) from deals")[0][0]
    assert (settings.parquet_dir / "fct_deals.parquet").exists()


def test_published_marts_carry_their_descriptions(flow: tuple[Settings, Path]) -> None:
    """Every mart and its columns are described in the dbt yml; analysts read those descriptions
    as the published tables' and columns' comments, a column's led by its Russian label
    (meta.label_ru, macros/column_comments.sql): "Вероятность, % — Chance of winning"."""
    settings, _ = flow
    manifest = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text())
    described = {
        node["name"]: (node["description"], node["columns"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["schema"] == "marts"
    }
    tables = dict(
        warehouse_rows(
            settings, "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
        )
    )
    columns = {
        (table, column): comment
        for table, column, comment in warehouse_rows(
            settings,
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts'",
        )
    }
    assert set(tables) == set(described)
    for table, (description, documented_columns) in described.items():
        assert (tables[table] or "").strip() == description.strip(), table
        for column, spec in documented_columns.items():
            label = spec["meta"]["label_ru"]
            expected = f"{label} — {spec['description'].strip()}"
            assert (columns[(table, column)] or "").strip() == expected, (table, column)


def test_dashboards_show_the_published_figures(
    flow: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboards.formatting import format_number

    settings, oltp = flow
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(settings.warehouse_dir))
    monkeypatch.delenv("CRM_LANG", raising=False)
    # The dashboards need sign-in: a manager's session cookie (see tests/dashboards/signin.py).
    from dashboards import auth
    from tests.dashboards.signin import build_oltp_with_sessions

    tokens = build_oltp_with_sessions(tmp_path / "signin.sqlite3")
    monkeypatch.setenv("CRM_OLTP_URL", f"sqlite:///{tmp_path / 'signin.sqlite3'}")
    monkeypatch.setattr(auth, "session_cookie", lambda: tokens["manager"])
    app_path = Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py"
    app = AppTest.from_file(str(app_path), default_timeout=120).run()
    assert not app.exception, [exception.value for exception in app.exception]

    open_deals = oltp_rows(
        oltp, "select count(*) from deals where status = 'in_progress' and deleted_at is null"
    )[0][0]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Сделки в работе"] == format_number(open_deals)

    for page in ["app_pages/sales_funnel.py", "app_pages/deal_efficiency.py"]:
        app.switch_page(page).run()
        assert not app.exception, (page, [exception.value for exception in app.exception])
        assert not app.error, page


def test_gis_inbox_reaches_staging_as_the_generator_wrote_it(
    flow: tuple[Settings, Path], tmp_path: Path
) -> None:
    from operational_app.seed.entry_model import add_entry_model
    from operational_app.seed.generator import SCALES, generate
    from operational_app.seed.gis import write_gis_inbox

    settings, _ = flow
    # The seed is deterministic: writing the same data set again gives the generator's tallies.
    expected = write_gis_inbox(
        tmp_path / "inbox",
        add_entry_model(generate(SCALES["small"], SEED, AS_OF), SEED, AS_OF),
        SEED,
        AS_OF,
    )
    assert expected["documents"] > 100 and expected["malformed_files"] > 0

    con = duckdb.connect(str(settings.build_database_path), read_only=True)
    try:

        def rows(query: str) -> list[tuple]:
            return con.sql(query).fetchall()

        by_group = dict(
            rows("select status_group, count(*) from staging.stg_gis__exchange_events group by 1")
        )
        loaded = dict(rows("select system, count(*) from staging.stg_gis__loaded_files group by 1"))
        quarantined = rows("select system, source_file from staging.stg_gis__quarantined_files")
        (linked,) = rows(
            "select count(*), count(*) filter (where is_linked_to_partner) "
            "from intermediate.int_gis_events_linked_to_partners"
        )
    finally:
        con.close()
    assert sum(by_group.values()) == expected["events"]
    for group in ("accepted", "rejected", "processing", "error"):
        assert by_group.get(group, 0) == expected[f"events_{group}"], group
    for system in ("egais", "vetis", "gismt"):
        assert loaded[system] == expected[f"{system}_files"], system
    assert len(quarantined) == expected["malformed_files"]
    assert all(source.startswith(f"{system}/zz_bad_") for system, source in quarantined)
    assert linked[0] == expected["events"] and linked[1] > 0
