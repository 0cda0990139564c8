"""A small published warehouse for the dashboard tests.

The deals below are written by hand; fct_deals and fct_deal_stages are derived from them in
Python, rpt_sales_funnel is typed in by hand (so the dashboards' funnel query is checked against
independent figures), and the other rpt_* tables are computed by SQL from the fact rows.

The newer marts (claims, events calendar, orders, regions, GIS, pipeline forecast) and the
publish step's meta tables come from the hand-made rows in ``fixture_marts.py``, with columns
and types read from the dbt contracts (the marts' .yml files), so a contract change that breaks
the dashboards breaks these tests too.
"""

from __future__ import annotations

import functools
import os
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import streamlit as st

from dashboards.periods import previous_period
from tests.dashboards import fixture_marts
from tests.dashboards.signin import build_oltp_with_sessions

SKIPPED = "skipped"

MANAGERS = [
    (1, "Иванов Иван", "ivanov", "manager", True),
    (2, "Петрова Анна", "petrova", "manager", True),
    (3, "Сидоров Пётр", "sidorov", "manager", False),
    # Users who manage no deals: the manager filter must not offer them.
    (4, "Администратор Системы", "admin", "administrator", True),
    (5, "Оператор Ольга", "operator", "operator", True),
]
# dim_managers' sales structure: manager_id -> (department_id, supervisor_id, department_name,
# regional_office_id, regional_office_name, supervisor_name); the others are not placed.
PLACEMENTS = {
    1: (20, None, "Группа Иванова", 10, "Центральный офис", None),
    2: (30, 1, "Группа Запад", 11, "Западный офис", "Иванов Иван"),
    3: (20, 1, "Группа Иванова", 10, "Центральный офис", "Иванов Иван"),
}
REGIONS = [(1, "Центр"), (2, "Сибирь")]
DEAL_KINDS = [(1, "Оптовая продажа", True), (2, "Разовая продажа", False), (3, "Тендер", True)]
STAGES = [
    # stage_id, deal_kind_id, stage_name, stage_sequence, is_final_stage
    (11, 1, "Первичный контакт", 1, False),
    (12, 1, "Выявление потребностей", 2, False),
    (13, 1, "Коммерческое предложение", 3, False),
    (14, 1, "Заключение договора", 4, True),
    (31, 3, "Подача заявки", 1, False),
    (32, 3, "Рассмотрение заявки", 2, False),
    (33, 3, "Итоги тендера", 3, True),
]
LOSS_REASONS = {1: "Высокая цена", 2: "Выбран конкурент", 3: "Нет бюджета"}


@dataclass(frozen=True)
class Deal:
    deal_id: int
    deal_kind_id: int
    manager_id: int
    business_region_id: int
    created_date: date
    status: str  # in_progress | won | lost
    potential_amount: Decimal
    # Staged kinds: (stage_id, days in it | SKIPPED | None while still there), in order.
    path: tuple[tuple[int, int | str | None], ...] = ()
    cycle_days_if_unstaged: int | None = None
    loss_reason_id: int | None = None

    @property
    def won_amount(self) -> Decimal:
        return self.potential_amount if self.status == "won" else Decimal(0)

    @property
    def cycle_days(self) -> int | None:
        if self.status == "in_progress":
            return None
        if self.path:
            return sum(days for _, days in self.path if isinstance(days, int))
        return self.cycle_days_if_unstaged

    @property
    def closed_date(self) -> date | None:
        cycle = self.cycle_days
        return None if cycle is None else self.created_date + timedelta(days=cycle)


D = Decimal
DEALS = [
    Deal(1, 1, 1, 1, date(2024, 1, 10), "won", D("95000.50"),
         ((11, 10), (12, 15), (13, 20), (14, 6))),
    Deal(2, 1, 2, 2, date(2024, 2, 5), "lost", D("200000"),
         path=((11, 5), (12, 20), (13, 40)), loss_reason_id=1),
    Deal(3, 1, 1, 2, date(2024, 3, 1), "lost", D("50000"), path=((11, 7), (12, 12))),
    Deal(4, 1, 2, 1, date(2024, 4, 1), "in_progress", D("300000"),
         path=((11, 14), (12, SKIPPED), (13, None))),
    Deal(5, 1, 1, 1, date(2024, 5, 15), "in_progress", D("80000"), path=((11, None),)),
    Deal(6, 2, 2, 1, date(2024, 2, 1), "won", D("40000"), cycle_days_if_unstaged=14),
    Deal(7, 2, 1, 2, date(2024, 6, 1), "lost", D("10000"), cycle_days_if_unstaged=19,
         loss_reason_id=1),
    Deal(8, 1, 1, 1, date(2022, 10, 1), "won", D("120000"),
         ((11, 30), (12, 40), (13, 50), (14, 3))),
    Deal(9, 1, 2, 2, date(2023, 1, 10), "lost", D("70000"), path=((11, 60), (12, 60)),
         loss_reason_id=2),
    Deal(10, 2, 2, 2, date(2023, 5, 1), "won", D("60000"), cycle_days_if_unstaged=123),
    Deal(11, 1, 2, 1, date(2021, 3, 1), "lost", D("25000"), path=((11, 31),), loss_reason_id=3),
    Deal(12, 2, 1, 1, date(2023, 3, 1), "lost", D("15000"), cycle_days_if_unstaged=10,
         loss_reason_id=2),
    Deal(13, 3, 2, 2, date(2024, 4, 15), "lost", D("500000"), path=((31, 10), (32, 5)),
         loss_reason_id=1),
]  # fmt: skip

# Worked out by hand from DEALS with the DESIGN.md §6 definitions: a skipped stage counts as
# entered; conversion_to_next = entered(next) / entered; cumulative from the first stage; days
# over stages actually entered (a deal still in its stage has no days yet).
RPT_SALES_FUNNEL = [
    # kind, stage, entered, skipped, advanced, lost, won, in progress,
    # conversion_to_next, cumulative, mean days, median days, potential entered
    (1, 11, 8, 0, 6, 1, 0, 1, 6 / 8, 1.0, 157 / 7, 14.0, D("940000.50")),
    (1, 12, 6, 1, 4, 2, 0, 0, 4 / 6, 6 / 8, 147 / 5, 20.0, D("835000.50")),
    (1, 13, 4, 0, 2, 1, 0, 1, 2 / 4, 4 / 8, 110 / 3, 40.0, D("715000.50")),
    (1, 14, 2, 0, 0, 0, 2, 0, None, 2 / 8, 4.5, 4.5, D("215000.50")),
    (3, 31, 1, 0, 1, 0, 0, 0, 1.0, 1.0, 10.0, 10.0, D("500000")),
    (3, 32, 1, 0, 0, 1, 0, 0, 0.0, 1.0, 5.0, 5.0, D("500000")),
    (3, 33, 0, 0, 0, 0, 0, 0, None, 0.0, None, None, D("0")),
]

DDL = """
create schema marts;
create table marts.dim_managers (
    manager_id bigint, manager_name varchar, login varchar, role varchar, is_active boolean,
    department_id bigint, supervisor_id bigint, department_name varchar,
    regional_office_id bigint, regional_office_name varchar, supervisor_name varchar);
create table marts.dim_business_regions (business_region_id bigint, business_region_name varchar);
create table marts.dim_deal_kinds (deal_kind_id bigint, deal_kind_name varchar, has_stages boolean);
create table marts.dim_sales_stages (
    stage_id bigint, deal_kind_id bigint, stage_name varchar, stage_sequence integer,
    is_final_stage boolean);
create table marts.fct_deals (
    deal_id bigint, deal_number varchar, deal_name varchar, partner_id bigint,
    partner_name varchar, deal_kind_id bigint, deal_kind_name varchar, has_stages boolean,
    manager_id bigint, manager_name varchar, business_region_id bigint,
    business_region_name varchar, status varchar, is_won boolean, is_lost boolean,
    is_open boolean, current_stage_id bigint, current_stage_name varchar,
    current_stage_sequence integer, loss_reason_id bigint, loss_reason_name varchar,
    potential_amount decimal(18, 2), won_amount decimal(18, 2), probability integer,
    created_at timestamp, created_date date, created_month date, closed_at timestamp,
    closed_date date, cycle_days integer, stages_reached integer);
create table marts.fct_deal_stages (
    deal_stage_id bigint, deal_id bigint, stage_id bigint, stage_name varchar,
    stage_sequence integer, is_final_stage boolean, deal_kind_id bigint,
    deal_kind_name varchar, partner_id bigint, manager_id bigint, manager_name varchar,
    business_region_id bigint, business_region_name varchar, deal_created_date date,
    deal_created_month date, entered_at timestamp, entered_date date, left_at timestamp,
    was_skipped boolean, days_in_stage double, outcome_at_stage varchar, is_advanced boolean,
    loss_reason_id bigint, loss_reason_name varchar, potential_amount decimal(18, 2));
create table marts.rpt_sales_funnel (
    deal_kind_id bigint, deal_kind_name varchar, stage_id bigint, stage_name varchar,
    stage_sequence integer, deals_entered bigint, deals_skipped bigint, deals_advanced bigint,
    deals_lost bigint, deals_won bigint, deals_in_progress bigint, conversion_to_next double,
    cumulative_conversion double, mean_days_in_stage double, median_days_in_stage double,
    potential_amount_entered decimal(18, 2));
create table marts.rpt_sales_funnel_cells (
    funnel_cell_id varchar, stage_id bigint, deal_kind_id bigint, deal_created_date date,
    manager_id bigint, business_region_id bigint, partner_id bigint, deals_entered bigint,
    deals_skipped bigint, deals_advanced bigint, deals_lost bigint, deals_won bigint,
    deals_in_progress bigint, days_in_stage_total double, days_in_stage_counted bigint,
    potential_amount_entered decimal(18, 2));
"""


def _funnel_cell_rows(stage_rows: list[tuple]) -> list[tuple]:
    """rpt_sales_funnel_cells worked out in Python from the deal-stage rows: counts per stage,
    creation day, manager, region and partner (a skipped stage counts as entered)."""
    cells: dict[tuple, list[tuple]] = {}
    for row in stage_rows:
        # stage, kind, created date, manager, region, partner
        cells.setdefault((row[2], row[6], row[13], row[9], row[11], row[8]), []).append(row)
    out = []
    for key, rows in cells.items():
        days = [row[19] for row in rows if row[19] is not None]
        out.append(
            ("-".join(str(part) for part in key), *key, len(rows),
             sum(row[18] for row in rows), sum(row[21] for row in rows),
             sum(row[20] == "lost" for row in rows), sum(row[20] == "won" for row in rows),
             sum(row[20] == "in_progress" for row in rows), sum(days) if days else None,
             len(days), sum((row[24] for row in rows), D(0)))
        )  # fmt: skip
    return out


# The remaining reports, computed by SQL from the fact rows the same way dbt would.
REPORTS_SQL = """
create table marts.rpt_deal_efficiency as
with deals_per_group as (
    select
        created_month, deal_kind_id, deal_kind_name, manager_id, manager_name,
        business_region_id, business_region_name,
        count(*) as deals_total,
        count(*) filter (where is_won) as deals_won,
        count(*) filter (where is_lost) as deals_lost,
        count(*) filter (where is_open) as deals_in_progress,
        count(*) filter (where is_won) / nullif(count(*) filter (where is_won or is_lost), 0)
            as win_rate,
        coalesce(sum(won_amount), 0) as won_amount,
        sum(potential_amount) as potential_amount,
        avg(cycle_days) as mean_cycle_days,
        median(cycle_days) as median_cycle_days,
    from marts.fct_deals
    group by all
)
select
    row_number() over (order by created_month, deal_kind_id, manager_id, business_region_id)
        as deal_efficiency_id,
    *,
from deals_per_group;

create table marts.rpt_stage_win_probability as
with outcomes_per_stage as (
    select
        fct_deal_stages.stage_id,
        count(*) filter (where fct_deals.is_won or fct_deals.is_lost)
            as deals_closed_after_reaching,
        count(*) filter (where fct_deals.is_won) as deals_won_after_reaching,
    from marts.fct_deal_stages
    inner join marts.fct_deals on fct_deal_stages.deal_id = fct_deals.deal_id
    group by 1
)
select
    dim_sales_stages.deal_kind_id, dim_sales_stages.stage_id, dim_sales_stages.stage_name,
    dim_sales_stages.stage_sequence,
    coalesce(outcomes_per_stage.deals_closed_after_reaching, 0) as deals_closed_after_reaching,
    coalesce(outcomes_per_stage.deals_won_after_reaching, 0) as deals_won_after_reaching,
    outcomes_per_stage.deals_won_after_reaching
        / nullif(outcomes_per_stage.deals_closed_after_reaching, 0) as win_share,
from marts.dim_sales_stages
inner join marts.dim_deal_kinds
    on dim_sales_stages.deal_kind_id = dim_deal_kinds.deal_kind_id and dim_deal_kinds.has_stages
left join outcomes_per_stage on dim_sales_stages.stage_id = outcomes_per_stage.stage_id;
"""


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour))


def _fact_rows(deals: list[Deal]) -> tuple[list[tuple], list[tuple]]:
    managers = {row[0]: row[1] for row in MANAGERS}
    regions = dict(REGIONS)
    kinds = {row[0]: (row[1], row[2]) for row in DEAL_KINDS}
    stages = {row[0]: row for row in STAGES}
    deal_rows, stage_rows = [], []
    for deal in deals:
        kind_name, has_stages = kinds[deal.deal_kind_id]
        reason_name = LOSS_REASONS.get(deal.loss_reason_id) if deal.loss_reason_id else None
        created_month = deal.created_date.replace(day=1)
        closed = deal.closed_date
        current = stages[deal.path[-1][0]] if deal.path else None
        deal_rows.append(
            (deal.deal_id, f"СД-{deal.deal_id:05d}", f"Сделка {deal.deal_id}", 100 + deal.deal_id,
             f"Партнёр {deal.deal_id}", deal.deal_kind_id, kind_name, has_stages,
             deal.manager_id, managers[deal.manager_id], deal.business_region_id,
             regions[deal.business_region_id], deal.status, deal.status == "won",
             deal.status == "lost", deal.status == "in_progress",
             current[0] if current else None, current[2] if current else None,
             current[3] if current else None, deal.loss_reason_id, reason_name,
             deal.potential_amount, deal.won_amount, 50, _at(deal.created_date),
             deal.created_date, created_month, _at(closed, 18) if closed else None, closed,
             deal.cycle_days, len(deal.path))
        )  # fmt: skip
        moment = deal.created_date
        for position, (stage_id, days) in enumerate(deal.path):
            stage = stages[stage_id]
            is_last = position == len(deal.path) - 1
            skipped = days == SKIPPED
            entered = moment
            if isinstance(days, int):
                moment = moment + timedelta(days=days)
            left = None if days is None else moment
            stage_rows.append(
                (deal.deal_id * 100 + position, deal.deal_id, stage_id, stage[2], stage[3],
                 stage[4], deal.deal_kind_id, kind_name, 100 + deal.deal_id, deal.manager_id,
                 managers[deal.manager_id], deal.business_region_id,
                 regions[deal.business_region_id], deal.created_date, created_month,
                 _at(entered), entered, _at(left) if left else None, skipped,
                 float(days) if isinstance(days, int) else None,
                 deal.status if is_last else "advanced", not is_last,
                 deal.loss_reason_id if is_last and deal.status == "lost" else None,
                 reason_name if is_last and deal.status == "lost" else None,
                 deal.potential_amount)
            )  # fmt: skip
    return deal_rows, stage_rows


def build_warehouse(
    path: Path, deals: list[Deal] = DEALS, *, new_marts: bool = True, empty: bool = False
) -> None:
    """Write a marts-only DuckDB file like the one the pipeline publishes.

    ``new_marts=False`` leaves out every mart added after the sales ones (a warehouse published
    before them); ``empty=True`` creates the new marts without rows.
    """
    deal_rows, stage_rows = _fact_rows(deals)
    kind_names = {row[0]: row[1] for row in DEAL_KINDS}
    stages = {row[0]: row for row in STAGES}
    funnel_rows = [
        (kind, kind_names[kind], stage, stages[stage][2], stages[stage][3], *figures)
        for kind, stage, *figures in RPT_SALES_FUNNEL
    ]
    connection = duckdb.connect(str(path))
    try:
        connection.execute(DDL)
        for table, rows in (
            ("dim_managers", [(*row, *PLACEMENTS.get(row[0], (None,) * 6)) for row in MANAGERS]),
            ("dim_business_regions", REGIONS),
            ("dim_deal_kinds", DEAL_KINDS),
            ("dim_sales_stages", STAGES),
            ("fct_deals", deal_rows),
            ("fct_deal_stages", stage_rows),
            ("rpt_sales_funnel", funnel_rows),
            ("rpt_sales_funnel_cells", _funnel_cell_rows(stage_rows)),
        ):
            placeholders = ", ".join("?" * len(rows[0]))
            connection.executemany(f"insert into marts.{table} values ({placeholders})", rows)
        connection.execute(REPORTS_SQL)
        if new_marts:
            fixture_marts.write_new_marts(connection, empty=empty)
    finally:
        connection.close()


@dataclass(frozen=True)
class Warehouse:
    path: Path
    deals: list[Deal]


@pytest.fixture(autouse=True)
def _isolated_streamlit_cache() -> Iterator[None]:
    # Query results and open warehouse handles are cached process-wide; never let one test see
    # another's warehouse (or hold its file open).
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def oltp_sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """An OLTP database with users and live sessions (tests/dashboards/signin.py), read-only
    for the dashboards, so one serves every test: its URL and each visitor's cookie value."""
    path = tmp_path_factory.mktemp("oltp") / "crm.sqlite3"
    return f"sqlite:///{path}", build_oltp_with_sessions(path)


@pytest.fixture(autouse=True)
def _signed_in_manager(
    monkeypatch: pytest.MonkeyPatch, oltp_sessions: tuple[str, dict[str, str]]
) -> None:
    # The dashboards need sign-in (dashboards/auth.py): every page test runs as a manager whose
    # browser sent the app's session cookie. AppTest cannot seed cookies; hand the value over.
    from dashboards import auth

    url, tokens = oltp_sessions
    monkeypatch.setenv("CRM_OLTP_URL", url)
    monkeypatch.setattr(auth, "session_cookie", lambda: tokens["manager"])


@pytest.fixture(scope="session")
def _warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "crm.duckdb"
    build_warehouse(path)
    return path


@pytest.fixture
def warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _warehouse_template: Path
) -> Warehouse:
    """The fixture warehouse published where the settings look (CRM_WAREHOUSE_DIR), lang ru."""
    warehouse_dir = tmp_path / "warehouse"
    warehouse_dir.mkdir()
    path = warehouse_dir / "crm.duckdb"
    path.write_bytes(_warehouse_template.read_bytes())
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(warehouse_dir))
    for name in ("CRM_LANG", "CRM_APP_URL", "CRM_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    return Warehouse(path=path, deals=DEALS)


def _publish_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **variant: bool) -> Warehouse:
    warehouse_dir = tmp_path / "warehouse"
    warehouse_dir.mkdir()
    path = warehouse_dir / "crm.duckdb"
    build_warehouse(path, **variant)
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(warehouse_dir))
    for name in ("CRM_LANG", "CRM_APP_URL", "CRM_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    return Warehouse(path=path, deals=DEALS)


@pytest.fixture
def old_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A warehouse published before the claims/orders/GIS marts and the meta tables existed."""
    return _publish_variant(tmp_path, monkeypatch, new_marts=False)


@pytest.fixture
def empty_marts_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """The new marts and meta tables exist but hold no rows yet."""
    return _publish_variant(tmp_path, monkeypatch, empty=True)


@pytest.fixture
def empty_warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings pointed at a warehouse directory with nothing published in it."""
    warehouse_dir = tmp_path / "warehouse"
    warehouse_dir.mkdir()
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(warehouse_dir))
    monkeypatch.delenv("CRM_LANG", raising=False)
    return warehouse_dir


@pytest.fixture
def app_path() -> str:
    # AppTest resolves relative paths against the calling file, so hand it an absolute one.
    return os.fspath(Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py")


@dataclass(frozen=True)
class Kpis:
    open_deals: int
    open_deals_previous: int
    won_amount: Decimal
    won_amount_previous: Decimal
    win_rate: float | None
    win_rate_previous: float | None
    median_cycle_days: float | None
    median_cycle_days_previous: float | None


def compute_kpis(
    deals: list[Deal], start: date, end: date, manager_ids: tuple[int, ...] = ()
) -> Kpis:
    """The overview KPIs worked out in plain Python, independently of the dashboards' SQL."""
    chosen = [deal for deal in deals if not manager_ids or deal.manager_id in manager_ids]
    # The previous period as the comparison shifts it (unit-tested in test_dashboard_comparison).
    previous_start, previous_end = previous_period(start, end)

    def closed_between(first: date, last: date) -> list[Deal]:
        return [deal for deal in chosen if deal.closed_date and first <= deal.closed_date <= last]

    def win_rate(closed: list[Deal]) -> float | None:
        return sum(deal.status == "won" for deal in closed) / len(closed) if closed else None

    def median_cycle(closed: list[Deal]) -> float | None:
        cycles = [deal.cycle_days for deal in closed if deal.cycle_days is not None]
        return float(statistics.median(cycles)) if cycles else None

    def won_amount(closed: list[Deal]) -> Decimal:
        return sum((deal.won_amount for deal in closed), D(0))

    current, previous = closed_between(start, end), closed_between(previous_start, previous_end)
    return Kpis(
        open_deals=sum(deal.status == "in_progress" for deal in chosen),
        open_deals_previous=sum(
            deal.created_date < start and (deal.closed_date is None or deal.closed_date >= start)
            for deal in chosen
        ),
        won_amount=won_amount(current),
        won_amount_previous=won_amount(previous),
        win_rate=win_rate(current),
        win_rate_previous=win_rate(previous),
        median_cycle_days=median_cycle(current),
        median_cycle_days_previous=median_cycle(previous),
    )


# The fixture's default period: the last 12 calendar months up to its latest date.
DEFAULT_START, DEFAULT_END = date(2023, 7, 1), date(2024, 6, 20)


@pytest.fixture
def kpis_for() -> Callable[..., Kpis]:
    """``kpis_for(start, end, manager_ids=())`` over the fixture deals."""
    return functools.partial(compute_kpis, DEALS)


def table_text(element: Any) -> Any:
    """What a reader sees in an AppTest dataframe: the Styler's display values (the formatted
    text of each cell), with a card link column shown as its display text (the URL fragment)."""
    import pandas as pd
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    display = element.proto.arrow_data.styler.display_values
    assert display, "the table was not given formatted display values"
    frame = convert_arrow_bytes_to_pandas_df(display)
    frame.columns = element.value.columns
    link = re.compile(r"^https?://[^#]*#(.+)$")
    return frame.map(
        lambda cell: (
            link.sub(r"\1", cell) if isinstance(cell, str) else ("" if pd.isna(cell) else cell)
        )
    )


def link_targets(element: Any, column: str) -> list[str | None]:
    """The URLs of a link column (the underlying values of the table)."""
    # A row without a card has no URL (an empty one).
    return [str(value) if value else None for value in element.value[column].tolist()]
