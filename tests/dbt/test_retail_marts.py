"""Retail marts against figures computed here, independently, from the seeded ОФД files.

Seeds a tiny OLTP with its receipt inbox (pinned as-of across the 2026 VAT change), adds a
receipt exported twice (in another file) and one from a cash register the app does not know,
loads them the way the pipeline does, builds the retail models, and checks revenue, receipts,
average check, items per receipt and returns share per store, receipts per hour and weekday,
and the VAT rate by date, against sums over the JSON files read with plain `json`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, text

from ingestion.ofd.inbox import ingest_receipts
from ingestion.oltp import copy_oltp_to_duckdb
from operational_app.seed import Scale, seed_database
from tests.dbt.dbt_runner import Dbt

OK = ("success", "pass")
AS_OF = dt.date(2026, 1, 15)  # the receipt window spans the new year: 20% then 22%
TINY = Scale(deals=150, partners=30, managers=4, operators=2)
SELECTION = [
    "+fct_retail_receipts",
    "+fct_retail_receipt_lines",
    "+rpt_retail_sales_hourly",
    "+rpt_retail_cardholders",
    "+rpt_retail_gift_certificates_monthly",
]
SOURCE_TABLES = ["products", "stores", "cash_registers", "organizations", "warehouses"]
UNKNOWN_REGISTER = "0000000000099999"


def _receipt_files(inbox: Path) -> list[Path]:
    return sorted(path for path in inbox.glob("*.json") if not path.name.startswith("."))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dbt, Path, str]]:
    work = tmp_path_factory.mktemp("retail")
    url = f"sqlite:///{work / 'oltp.sqlite3'}"
    inbox = work / "inbox" / "ofd"
    seed_database(url, scale=TINY, seed=11, as_of=AS_OF, ofd_inbox_dir=inbox)
    files = _receipt_files(inbox)
    # The first receipt of the first file again, in a second export shaped differently (a bare
    # receipt, not wrapped): another file content holding the same fiscal document.
    first = json.loads(files[0].read_text(encoding="utf-8"))[0]["document"]["receipt"]
    (inbox / "zz-overlap.json").write_text(json.dumps(first), encoding="utf-8")
    stranger = dict(first, kktRegId=UNKNOWN_REGISTER, fiscalDriveNumber="9999000011112222")
    (inbox / "zz-unknown-register.json").write_text(json.dumps([stranger]), encoding="utf-8")
    build_path = work / "build.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(build_path))
        con = duckdb.connect(str(build_path))
        copy_oltp_to_duckdb(url, con, run_id="run-1", table_names=SOURCE_TABLES)
        report = ingest_receipts(inbox, con, work / "quarantine", "run-1")
        con.close()
        assert report.files_loaded == len(files) + 2 and not report.quarantined
        dbt = Dbt(work, build_path)
        results = dbt.invoke(
            "build",
            "--select",
            *SELECTION,
            "--indirect-selection",
            "cautious",
            "--vars",
            f'{{as_of: "{AS_OF} 00:00:00"}}',
        )
        failures = {name: outcome for name, outcome in results.items() if outcome[0] not in OK}
        assert results and not failures, failures
        yield dbt, inbox, url


def _expected(inbox: Path, url: str) -> dict[str, dict]:
    """Per store name: figures from the seeded files (not the overlap or stranger files)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        stores = dict(
            connection.execute(
                text(
                    "select cash_registers.registration_number, stores.name from cash_registers "
                    "join stores on stores.id = cash_registers.store_id"
                )
            ).all()
        )
    engine.dispose()
    figures: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for path in _receipt_files(inbox):
        if path.name.startswith("zz-"):
            continue
        for document in json.loads(path.read_text(encoding="utf-8")):
            receipt = document["document"]["receipt"]
            store = stores[receipt["kktRegId"].strip()]
            goods = [item for item in receipt["items"] if item["paymentType"] == 4]
            amount = Decimal(sum(item["sum"] for item in goods)) / 100
            at = dt.datetime.fromisoformat(receipt["dateTime"])
            if receipt["operationType"] == 1 and goods:
                figures[store]["receipts"] += 1
                if "properties" in receipt:
                    figures[store]["card_receipts"] += 1
                    figures[store]["card_sales"] += amount
                figures[store]["sales"] += amount
                figures[store]["items"] += len(goods)
                figures[store][f"hour_{at.hour}"] += 1
                figures[store][f"weekday_{at.isoweekday()}"] += 1
            elif receipt["operationType"] == 2:
                figures[store]["returns"] += amount
            certificates = [item for item in receipt["items"] if item["paymentType"] == 3]
            figures[store]["certificates_sold"] += (
                Decimal(sum(i["sum"] for i in certificates)) / 100
            )
    return figures


def test_store_figures_match_the_receipt_files(built: tuple[Dbt, Path, str]) -> None:
    dbt, inbox, url = built
    expected = _expected(inbox, url)
    rows = dbt.sql(
        """
        select store_name, sum(sale_receipts), sum(sales_amount), sum(returns_amount),
            sum(revenue), sum(sale_items), sum(gift_certificates_sold_amount)
        from marts.rpt_retail_sales_hourly where store_id is not null group by 1
        """
    )
    assert {row[0] for row in rows} == set(expected)
    for store, receipts, sales, returns, revenue, items, certificates in rows:
        figures = expected[store]
        assert receipts == figures["receipts"] > 0
        assert sales == figures["sales"]
        assert returns == figures["returns"]
        assert revenue == figures["sales"] - figures["returns"]
        assert certificates == figures["certificates_sold"]
        # The page's definitions over the additive columns.
        assert float(sales) / receipts == pytest.approx(
            float(figures["sales"] / figures["receipts"])
        )
        assert float(items) / receipts == pytest.approx(
            float(figures["items"] / figures["receipts"])
        )
        assert float(returns / sales) == pytest.approx(float(figures["returns"] / figures["sales"]))


def test_loyalty_penetration_matches(built: tuple[Dbt, Path, str]) -> None:
    dbt, inbox, url = built
    expected = _expected(inbox, url)
    rows = dbt.sql(
        "select store_name, sum(card_receipts), sum(card_sales_amount)"
        " from marts.rpt_retail_sales_hourly where store_id is not null group by 1"
    )
    for store, card_receipts, card_sales in rows:
        assert card_receipts == expected[store]["card_receipts"] > 0
        assert card_sales == expected[store]["card_sales"]


def test_hour_and_weekday_counts_match(built: tuple[Dbt, Path, str]) -> None:
    dbt, inbox, url = built
    expected = _expected(inbox, url)
    by_hour: Counter[tuple[str, str]] = Counter()
    for store, figures in expected.items():
        for key, value in figures.items():
            if key.startswith(("hour_", "weekday_")):
                by_hour[(store, key)] = int(value)
    rows = dbt.sql(
        "select store_name, receipt_hour, receipt_weekday, sum(sale_receipts) "
        "from marts.rpt_retail_sales_hourly where store_id is not null group by 1, 2, 3"
    )
    got: Counter[tuple[str, str]] = Counter()
    for store, hour, weekday, receipts in rows:
        got[(store, f"hour_{hour}")] += receipts
        got[(store, f"weekday_{weekday}")] += receipts
    assert +got == +by_hour


def test_a_receipt_exported_twice_counts_once_and_unknown_registers_stay(
    built: tuple[Dbt, Path, str],
) -> None:
    dbt, _inbox, _url = built
    [(raw_copies, distinct)] = dbt.sql(
        "select count(*), count(distinct receipt_key) from staging.stg_ofd__receipts"
    )
    assert raw_copies == distinct + 1
    [(receipts,)] = dbt.sql("select count(*) from marts.fct_retail_receipts")
    assert receipts == distinct
    [(store_id, store_name)] = dbt.sql(
        "select store_id, store_name from marts.fct_retail_receipts where kkt_reg_id = ?",
        [UNKNOWN_REGISTER],
    )
    assert store_id is None and UNKNOWN_REGISTER in store_name


def test_vat_rate_follows_the_receipt_date(built: tuple[Dbt, Path, str]) -> None:
    dbt, _inbox, _url = built
    rows = dict(
        dbt.sql(
            "select receipt_date >= date '2026-01-01', list(distinct vat_rate_percent) "
            "from marts.fct_retail_receipt_lines where vat_code = 1 group by 1"
        )
    )
    assert rows == {False: [20], True: [22]}
    [(unmatched,)] = dbt.sql(
        "select count(*) from marts.fct_retail_receipt_lines "
        "where line_kind = 'goods' and product_id is null"
    )
    assert unmatched == 0  # every seeded goods line carries a product's barcode


def test_gift_certificate_liability_is_sold_less_redeemed_to_date(
    built: tuple[Dbt, Path, str],
) -> None:
    dbt, inbox, _url = built
    sold: dict[str, int] = defaultdict(int)
    redeemed: dict[str, int] = defaultdict(int)
    for path in _receipt_files(inbox):
        if path.name.startswith("zz-"):
            continue
        for document in json.loads(path.read_text(encoding="utf-8")):
            receipt = document["document"]["receipt"]
            month = receipt["dateTime"][:7]
            sign = -1 if receipt["operationType"] == 2 else 1
            sold[month] += sign * sum(i["sum"] for i in receipt["items"] if i["paymentType"] == 3)
            redeemed[month] += sign * receipt["prepaidSum"]
    rows = dbt.sql(
        "select strftime(receipt_month, '%Y-%m'), sold_amount, redeemed_amount,"
        " outstanding_liability from marts.rpt_retail_gift_certificates_monthly order by 1"
    )
    assert [row[0] for row in rows] == sorted(sold)
    outstanding = 0
    for month, sold_amount, redeemed_amount, liability in rows:
        outstanding += sold[month] - redeemed[month]
        assert sold_amount == Decimal(sold[month]) / 100
        assert redeemed_amount == Decimal(redeemed[month]) / 100
        assert liability == Decimal(outstanding) / 100 >= 0  # never redeemed before sold
    assert sum(sold.values()) > 0 and sum(redeemed.values()) > 0
