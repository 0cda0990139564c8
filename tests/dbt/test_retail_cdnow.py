"""The CDNOW purchase log (../shared/datasets/cdnow_purchases) through the retail pipeline:
imported as receipts (a customer's purchases of one day form one receipt, the customer id as
the loyalty card), loaded, built; customers, receipts, revenue, repeat rate and RFM scores of
the marts against figures computed here straight from the log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.ofd.inbox import ingest_receipts
from ingestion.oltp import copy_oltp_to_duckdb
from operational_app.seed import Scale, seed_database
from operational_app.seed.cdnow import CUSTOMER_CARD_PREFIX, write_cdnow_receipts
from tests.dbt.dbt_runner import Dbt

# ../shared/datasets beside the checkout (a worktree of it sits one level deeper).
REPO = Path(__file__).resolve().parents[2]
SOURCE = next(
    (
        path
        for path in (
            parent / "shared" / "datasets" / "cdnow_purchases" / "CDNOW_master.txt"
            for parent in (REPO.parent, REPO.parent.parent)
        )
        if path.is_file()
    ),
    REPO.parent / "shared" / "datasets" / "cdnow_purchases" / "CDNOW_master.txt",
)
AS_OF = dt.date(1998, 7, 1)
OK = ("success", "pass")
TINY = Scale(deals=150, partners=30, managers=4, operators=2)

pytestmark = pytest.mark.skipif(not SOURCE.is_file(), reason=f"{SOURCE} is not present")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dbt]:
    work = tmp_path_factory.mktemp("cdnow")
    url = f"sqlite:///{work / 'oltp.sqlite3'}"
    seed_database(url, scale=TINY, seed=3, as_of=dt.date(2025, 6, 30))
    inbox = work / "inbox" / "ofd"
    write_cdnow_receipts(SOURCE, inbox)
    build_path = work / "build.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(build_path))
        con = duckdb.connect(str(build_path))
        copy_oltp_to_duckdb(url, con, "run", table_names=["products", "stores", "cash_registers"])
        report = ingest_receipts(inbox, con, work / "quarantine", "run")
        con.close()
        assert not report.quarantined and not report.failed
        dbt = Dbt(work, build_path)
        results = dbt.invoke(
            "build",
            "--select",
            "+rpt_retail_cardholders",
            "+rpt_retail_sales_hourly",
            "--vars",
            f'{{as_of: "{AS_OF} 00:00:00"}}',
        )
        failures = {name: outcome for name, outcome in results.items() if outcome[0] not in OK}
        assert results and not failures, failures
        yield dbt


def _ntile(keys: list[tuple], buckets: int = 5) -> dict[str, int]:
    """SQL ntile over rows ordered by `keys` (card last): the first n % buckets get one more."""
    ordered = sorted(keys)
    size, extra = divmod(len(ordered), buckets)
    scores: dict[str, int] = {}
    position = 0
    for bucket in range(1, buckets + 1):
        count = size + (1 if bucket <= extra else 0)
        for key in ordered[position : position + count]:
            scores[key[-1]] = bucket
        position += count
    return scores


def _log_figures() -> dict[str, dict]:
    days: dict[str, set[dt.date]] = defaultdict(set)
    cents: dict[str, int] = defaultdict(int)
    with SOURCE.open(encoding="ascii") as lines:
        next(lines)
        for line in lines:
            customer, day, _cds, dollars = line.split()
            card = CUSTOMER_CARD_PREFIX + customer
            days[card].add(dt.date(int(day[:4]), int(day[4:6]), int(day[6:])))
            cents[card] += round(Decimal(dollars) * 100)
    return {
        card: {
            "purchases": len(dates),
            "revenue": Decimal(cents[card]) / 100,
            "recency": (AS_OF - max(dates)).days,
        }
        for card, dates in days.items()
    }


def test_customers_receipts_revenue_and_repeat_rate(built: Dbt) -> None:
    expected = _log_figures()
    [(customers, receipts, revenue, repeat)] = built.sql(
        "select count(*), sum(purchases), sum(revenue), avg(case when is_repeat then 1 else 0 end)"
        " from marts.rpt_retail_cardholders"
    )
    assert customers == len(expected) == 23_570
    assert receipts == sum(card["purchases"] for card in expected.values())
    assert revenue == sum(card["revenue"] for card in expected.values())
    repeaters = sum(card["purchases"] >= 2 for card in expected.values())
    assert repeat == pytest.approx(repeaters / len(expected))
    [(sale_receipts, card_receipts, sales)] = built.sql(
        "select sum(sale_receipts), sum(card_receipts), sum(sales_amount)"
        " from marts.rpt_retail_sales_hourly"
    )
    assert sale_receipts == card_receipts == receipts  # every CDNOW receipt carries its customer
    assert sales == revenue


def test_rfm_scores_per_customer(built: Dbt) -> None:
    expected = _log_figures()
    r = _ntile([(-card["recency"], _desc(key)) for key, card in expected.items()])
    f = _ntile([(card["purchases"], key) for key, card in expected.items()])
    m = _ntile([(card["revenue"], key) for key, card in expected.items()])
    rows = built.sql(
        "select loyalty_card, recency_days, r_score, f_score, m_score, rfm_segment"
        " from marts.rpt_retail_cardholders"
    )
    got = {row[0]: row[1:] for row in rows}
    assert got == {
        key: (card["recency"], r[_desc(key)], f[key], m[key], f"{r[_desc(key)]}{f[key]}{m[key]}")
        for key, card in expected.items()
    }


class _desc(str):  # noqa: N801 (a sort key, read like the SQL's `desc`)
    """A string that sorts in reverse, for `order by recency_days desc, loyalty_card desc`."""

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]
