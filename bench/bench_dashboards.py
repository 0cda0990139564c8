"""Benchmark: each dashboard page's queries on a published warehouse, and the funnel and the
deal-efficiency table computed straight on the OLTP SQLite database (a CRM without a warehouse).

    .venv/bin/python bench/bench_pipeline.py --scale large --data-dir D --keep
    .venv/bin/python bench/bench_dashboards.py D/warehouse/crm.duckdb [--oltp D/oltp/crm.sqlite3]

Each page's dashboards.queries functions run with the default filters (the sidebar's default period,
no other filter) and a cleared cache, N times; p50/p95 are printed per page. Then the funnel and
the efficiency-by-manager table are timed on the marts and with plain SQL on the OLTP database,
and the ratio printed (target: marts at least 20x faster). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import logger as streamlit_logger

from dashboards import queries
from dashboards.filters import default_period

Runner = Callable[[], Any]

OLTP_FUNNEL_SQL = """
with deals_in_period as (
    select id, deal_kind_id, status
    from deals
    where deleted_at is null and date(created_at) between :start and :end
),
reached as (
    select
        history.deal_id,
        history.stage_id,
        min(history.was_skipped) as was_skipped,
        sum(case when not history.was_skipped and history.left_at is not null
            then julianday(history.left_at) - julianday(history.entered_at) end) as days_in_stage
    from deal_stage_history as history
    inner join deals_in_period on deals_in_period.id = history.deal_id
    where history.deleted_at is null
    group by history.deal_id, history.stage_id
),
reached_with_order as (
    select
        reached.*,
        stages.sequence,
        deals_in_period.status,
        max(stages.sequence) over (partition by reached.deal_id) as furthest_sequence
    from reached
    inner join sales_stages as stages on stages.id = reached.stage_id
    inner join deals_in_period on deals_in_period.id = reached.deal_id
),
per_stage as (
    select
        stage_id,
        count(*) as deals_entered,
        sum(was_skipped) as deals_skipped,
        sum(sequence < furthest_sequence) as deals_advanced,
        sum(sequence = furthest_sequence and status = 'lost') as deals_lost,
        sum(sequence = furthest_sequence and status = 'won') as deals_won,
        sum(sequence = furthest_sequence and status = 'in_progress') as deals_in_progress,
        avg(case when not was_skipped then days_in_stage end) as mean_days_in_stage
    from reached_with_order
    group by stage_id
)
select
    kinds.id as deal_kind_id,
    kinds.name as deal_kind_name,
    stages.id as stage_id,
    stages.name as stage_name,
    stages.sequence,
    coalesce(per_stage.deals_entered, 0) as deals_entered,
    coalesce(per_stage.deals_skipped, 0) as deals_skipped,
    coalesce(per_stage.deals_advanced, 0) as deals_advanced,
    coalesce(per_stage.deals_lost, 0) as deals_lost,
    coalesce(per_stage.deals_won, 0) as deals_won,
    coalesce(per_stage.deals_in_progress, 0) as deals_in_progress,
    per_stage.mean_days_in_stage
from sales_stages as stages
inner join deal_kinds as kinds on kinds.id = stages.deal_kind_id
left join per_stage on per_stage.stage_id = stages.id
where kinds.has_stages and kinds.deleted_at is null and stages.deleted_at is null
order by kinds.name, stages.sequence
"""

OLTP_EFFICIENCY_SQL = """
select
    deals.manager_id,
    users.full_name,
    deals.status,
    deals.potential_amount,
    case when deals.status in ('won', 'lost')
        then julianday(date(deals.closed_at)) - julianday(date(deals.created_at)) end as cycle_days
from deals
left join users on users.id = deals.manager_id
where deals.deleted_at is null and date(deals.created_at) between :start and :end
"""


def oltp_funnel(connection: sqlite3.Connection, start: date, end: date) -> list[tuple]:
    """The funnel per stage, and the median days in stage done in Python (SQLite has none)."""
    params = {"start": start.isoformat(), "end": end.isoformat()}
    return connection.execute(OLTP_FUNNEL_SQL, params).fetchall()


def oltp_efficiency(connection: sqlite3.Connection, start: date, end: date) -> list[tuple]:
    """Deals per manager: totals, win rate, won amount, mean and median cycle."""
    params = {"start": start.isoformat(), "end": end.isoformat()}
    groups: dict[Any, dict[str, Any]] = {}
    for manager_id, name, status, amount, cycle in connection.execute(OLTP_EFFICIENCY_SQL, params):
        group = groups.setdefault(
            manager_id, {"name": name, "won": 0, "lost": 0, "total": 0, "amount": 0.0, "cycles": []}
        )
        group["total"] += 1
        group["won"] += status == "won"
        group["lost"] += status == "lost"
        group["amount"] += float(amount) if status == "won" else 0.0
        if cycle is not None:
            group["cycles"].append(cycle)
    return [
        (
            manager_id,
            group["name"],
            group["total"],
            group["won"] / (group["won"] + group["lost"]) if group["won"] + group["lost"] else None,
            group["amount"],
            statistics.fmean(group["cycles"]) if group["cycles"] else None,
            statistics.median(group["cycles"]) if group["cycles"] else None,
        )
        for manager_id, group in groups.items()
    ]


def page_queries(filters: queries.Filters) -> dict[str, tuple[tuple[str, ...], list[Runner]]]:
    """Page -> (marts it needs, the queries calls it makes with default filters)."""
    sidebar: list[Runner] = [
        queries.data_date_range,
        queries.deal_kinds,
        queries.managers,
        queries.business_regions,
    ]

    def first_staged_kind() -> int | None:
        kinds = queries.staged_deal_kinds(filters)
        return None if kinds.is_empty() else kinds["deal_kind_id"][0]

    def funnel_page() -> None:
        kind = first_staged_kind()
        funnel = queries.funnel(filters, deal_kind_id=kind)
        queries.losses_by_stage_and_reason(filters, deal_kind_id=kind)
        queries.days_in_stage(filters, deal_kind_id=kind)
        if not funnel.is_empty():
            queries.deals_at_stage(filters, funnel["stage_id"][0])

    dimensions: tuple[queries.EfficiencyDimension, ...] = (
        "manager",
        "business_region",
        "deal_kind",
    )
    return {
        "overview": (
            ("marts.fct_deals",),
            [
                *sidebar,
                lambda: queries.overview_kpis(filters),
                lambda: queries.kpis_by_month(filters),
                lambda: queries.won_by_month(filters),
            ],
        ),
        "sales_funnel": (("marts.fct_deal_stages",), [*sidebar, funnel_page]),
        "deal_efficiency": (
            ("marts.fct_deals", "marts.rpt_pipeline_forecast"),
            [
                *sidebar,
                *(lambda by=by: queries.efficiency(filters, by=by) for by in dimensions),
                lambda: queries.stage_win_probability(filters),
                lambda: queries.pipeline_forecast_totals(filters),
                lambda: queries.pipeline_forecast(filters),
                lambda: queries.pipeline_forecast_by(filters, "manager"),
            ],
        ),
        "claims": (
            ("marts.fct_claims",),
            [
                *sidebar,
                lambda: queries.claim_kpis(filters),
                lambda: queries.claim_satisfaction(filters, "claim_reason"),
                lambda: queries.claim_satisfaction_by_month(filters),
                lambda: queries.claim_structure(filters),
                lambda: queries.claim_structure_by_month(filters),
            ],
        ),
        "events_calendar": (
            ("marts.rpt_events_calendar",),
            [
                *sidebar,
                lambda: queries.events_calendar(filters),
                lambda: queries.events_by_user(filters),
            ],
        ),
        "orders": (
            ("marts.fct_orders", "marts.rpt_debt_ageing", "marts.dim_partners"),
            [
                *sidebar,
                lambda: queries.order_kpis(filters),
                lambda: queries.order_fulfilment_by_month(filters),
                lambda: queries.debt_by_partner(filters),
                lambda: queries.debt_ageing(filters),
            ],
        ),
        "regions": (
            ("marts.rpt_region_revenue",),
            [
                *sidebar,
                lambda: queries.region_revenue(filters),
                lambda: queries.region_revenue_by_month(filters),
            ],
        ),
        "gis_exchange": (
            (
                "marts.fct_gis_documents",
                "marts.rpt_gis_exchange_daily",
                "marts.rpt_gis_error_codes",
            ),
            [
                *sidebar,
                lambda: queries.gis_kpis(filters),
                lambda: queries.gis_daily(filters),
                lambda: queries.gis_by_document_type(filters),
                lambda: queries.gis_error_codes(),
            ],
        ),
        "data_freshness": (
            ("meta.data_freshness", "meta.publication"),
            [*sidebar, queries.data_freshness, queries.publication],
        ),
    }


def time_runs(runners: list[Runner], runs: int) -> list[float]:
    """Seconds per run of all ``runners``, the query cache cleared before each run."""
    seconds = []
    for _ in range(runs):
        st.cache_data.clear()
        started = time.perf_counter()
        for runner in runners:
            runner()
        seconds.append(time.perf_counter() - started)
    return seconds


def p50_p95(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p95_index = min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    return statistics.median(ordered), ordered[p95_index]


APP = Path(__file__).resolve().parents[1] / "dashboards" / "streamlit_app.py"
PAGE_FILES = sorted(path.name for path in (APP.parent / "app_pages").glob("*.py"))


def sign_in_a_manager() -> None:
    """The dashboards need sign-in (dashboards/auth.py): a manager's session in a scratch OLTP
    database, its cookie value handed to the gate (AppTest cannot send cookies), so every
    render pays for the real session lookup."""
    import tempfile

    from sqlalchemy.orm import Session

    from dashboards import auth as dashboards_auth
    from operational_app.auth import create_session
    from operational_app.db.migrate import upgrade_to_head
    from operational_app.db.models import User
    from operational_app.db.session import create_oltp_engine

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-signin-')) / 'crm.sqlite3'}"
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    with Session(engine) as session:
        manager = User(login="bench", full_name="Bench", role="manager")
        session.add(manager)
        session.flush()
        token = create_session(session, manager)
        session.commit()
    engine.dispose()
    os.environ["CRM_OLTP_URL"] = url
    dashboards_auth.session_cookie = lambda: token


def print_render_times(runs: int) -> None:
    """Whole page runs through Streamlit's AppTest, the way a browser session runs them: cold
    (query cache cleared, the first viewer after a republish) and warm (results cached)."""
    from streamlit.testing.v1 import AppTest

    sign_in_a_manager()
    print(f"\n{'page render':<18}{'cold p50':>10}{'cold p95':>10}{'warm p50':>10}{'warm p95':>10}")
    for page in PAGE_FILES:
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(runs):
            app = AppTest.from_file(str(APP), default_timeout=120).run()
            st.cache_data.clear()
            for timings in (cold, warm):
                started = time.perf_counter()
                app.switch_page(f"app_pages/{page}").run()
                timings.append(time.perf_counter() - started)
                if app.exception:
                    raise RuntimeError(f"{page}: {app.exception[0].value}")
                if app.get("link_button"):
                    raise RuntimeError(f"{page}: the sign-in prompt, not the page, was drawn")
        cold_p50, cold_p95 = p50_p95(cold)
        warm_p50, warm_p95 = p50_p95(warm)
        print(
            f"{page.removesuffix('.py'):<18}{cold_p50 * 1000:>10,.0f}{cold_p95 * 1000:>10,.0f}"
            f"{warm_p50 * 1000:>10,.0f}{warm_p95 * 1000:>10,.0f}"
        )
    print("ms; target: every page under 1 s at scale large")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="published crm.duckdb (or its directory)")
    parser.add_argument("--oltp", type=Path, help="OLTP SQLite file (default: ../oltp/crm.sqlite3)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--no-render",
        dest="render",
        action="store_false",
        help="skip the full page renders (AppTest: queries, charts and widgets)",
    )
    args = parser.parse_args(argv)

    warehouse = (
        args.warehouse if args.warehouse.suffix == ".duckdb" else args.warehouse / "crm.duckdb"
    )
    warehouse = warehouse.resolve()
    if not warehouse.is_file():
        parser.error(f"{warehouse} does not exist; build one with bench/bench_pipeline.py --keep")
    oltp = args.oltp or warehouse.parent.parent / "oltp" / "crm.sqlite3"
    # The settings are read at call time; dashboards.queries then opens this file read-only.
    os.environ["CRM_WAREHOUSE_DIR"] = str(warehouse.parent)
    # Quiet the cache's "no runtime" warnings: this runs outside `streamlit run`.
    streamlit_logger.set_log_level("ERROR")

    first, last = queries.data_date_range()
    start, end = default_period(last or date.today())
    filters = queries.Filters(start=start, end=end)
    print(f"warehouse={warehouse} ({warehouse.stat().st_size / 2**20:,.1f} MiB) runs={args.runs}")
    print(f"data {first} .. {last}; default period {start} .. {end}")
    print(f"{'page':<18}{'p50 ms':>10}{'p95 ms':>10}  queries")
    for page, (marts, runners) in page_queries(filters).items():
        missing = queries.missing_tables(*marts)
        if missing:
            print(f"{page:<18}{'skipped':>10}{'':>10}  missing {', '.join(missing)}")
            continue
        p50, p95 = p50_p95(time_runs(runners, args.runs))
        print(f"{page:<18}{p50 * 1000:>10,.1f}{p95 * 1000:>10,.1f}  {len(runners)}")

    if args.render:
        print_render_times(args.runs)

    if not oltp.is_file():
        print(f"no OLTP database at {oltp}; pass --oltp to compare with the CRM's own SQL")
        return
    connection = sqlite3.connect(f"file:{oltp}?mode=ro", uri=True)
    try:
        deals = connection.execute("select count(*) from deals").fetchone()[0]
        print(f"\nOLTP {oltp} ({deals:,} deals): marts vs plain SQL on the CRM database")
        print(f"{'report':<22}{'marts p50 ms':>14}{'OLTP p50 ms':>14}{'ratio':>9}")
        for name, marts_runner, oltp_runner in (
            (
                "funnel",
                lambda: queries.funnel(filters),
                lambda: oltp_funnel(connection, start, end),
            ),
            (
                "efficiency (manager)",
                lambda: queries.efficiency(filters, by="manager"),
                lambda: oltp_efficiency(connection, start, end),
            ),
        ):
            marts_p50, _ = p50_p95(time_runs([marts_runner], args.runs))
            oltp_p50, _ = p50_p95(time_runs([oltp_runner], args.runs))
            print(
                f"{name:<22}{marts_p50 * 1000:>14,.1f}{oltp_p50 * 1000:>14,.1f}"
                f"{oltp_p50 / marts_p50:>8,.1f}x"
            )
        print("target: marts >= 20x faster")
    finally:
        connection.close()


if __name__ == "__main__":
    main()
