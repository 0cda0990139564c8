"""Retail marts against figures computed here, independently, from the seeded ОФД files.

Seeds a tiny OLTP with its receipt inbox (pinned as-of across the 2026 VAT change), adds a
receipt exported twice (in another file) and one from a cash register the app does not know,
loads them the way the pipeline does, builds the retail models, and checks revenue, receipts,
average check, items per receipt and returns share per store, receipts per hour and weekday,
and the VAT rate by date, against sums over the JSON files read with plain `json`. It also
plants a promo certificate sale of its own that nothing redeems and that expires before the
as-of, so the breakage check does not hang on what the generator's random stream sells.
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

from ingestion.gis.inbox import ingest_inbox
from ingestion.ofd.inbox import ingest_receipts
from ingestion.oltp import copy_oltp_to_duckdb
from operational_app.seed import Scale, seed_database
from operational_app.seed.retail import (
    CERTIFICATE_SERIES,
    certificate_number_text,
    certificate_series,
    receipt_property,
    write_gismt_withdrawals,
)
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
    "+fct_retail_gift_certificates",
    "+rpt_retail_gift_certificate_liability",
    "+rpt_retail_gift_certificate_cohorts",
    "+fct_retail_marked_goods",
]
SOURCE_TABLES = [
    "products",
    "stores",
    "cash_registers",
    "organizations",
    "warehouses",
    "gift_certificate_series",
    "gift_certificates",
]
UNKNOWN_REGISTER = "0000000000099999"
PLANTED_FILE = "planted-unspent-certificate.json"
PLANTED_SOLD_ON = AS_OF - dt.timedelta(days=20)  # the promo series is valid 7 days


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
    _plant_unspent_certificate(inbox, url, files)
    # The ГИС МТ withdrawals of the marked goods sold, as the seed writes them next to a GIS
    # inbox (deliberate differences included), from the seeded files only.
    gis_inbox = work / "inbox" / "gis"
    seeded = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in files}
    assert write_gismt_withdrawals(gis_inbox / "gismt", seeded) > 0
    build_path = work / "build.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(build_path))
        con = duckdb.connect(str(build_path))
        copy_oltp_to_duckdb(url, con, run_id="run-1", table_names=SOURCE_TABLES)
        report = ingest_receipts(inbox, con, work / "quarantine", "run-1")
        gis_report = ingest_inbox(gis_inbox, con, work / "quarantine", "run-1")
        con.close()
        assert gis_report.codes_loaded > 0 and not gis_report.quarantined, gis_report
        assert report.files_loaded == len(files) + 3 and not report.quarantined
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


def _plant_unspent_certificate(inbox: Path, url: str, files: list[Path]) -> None:
    """Sell, in a receipt file of our own, the last registered promo certificate the seed left
    unsold, PLANTED_SOLD_ON: nothing redeems it and it expires before AS_OF, so its whole
    nominal is breakage whatever the generator sold. The receipt takes its header (register,
    organization, ...) from a seeded 2025 sale and is otherwise built here the way the seed
    builds a certificate sale: one advance line (paymentType 3, VAT 20/120), no card."""
    nominal = CERTIFICATE_SERIES[3][1]  # kopecks; the promo series is series 4
    header = None
    sold: set[str] = set()
    for path in files:
        for document in json.loads(path.read_text(encoding="utf-8")):
            receipt = document["document"]["receipt"]
            sold |= {
                item["name"].split("№")[1].strip()
                for item in receipt["items"]
                if item["paymentType"] == 3
            }
            # A sale from before the planted day, still 2025 (the VAT rate stays 20%).
            if header is None and receipt["operationType"] == 1:
                if receipt["dateTime"] < PLANTED_SOLD_ON.isoformat():
                    header = receipt
    assert PLANTED_SOLD_ON.year == 2025 and header is not None
    engine = create_engine(url)
    with engine.connect() as connection:
        registered = connection.execute(text("select number from gift_certificates")).all()
    engine.dispose()
    unsold_promo = [
        number
        for (number,) in registered
        if certificate_series(int(number)) == 4 and number not in sold
    ]
    assert unsold_promo, "the register has no unsold promo certificate left"
    number = certificate_number_text(max(int(n) for n in unsold_promo))
    vat = (nominal * 20 + 60) // 120  # the 2025 general rate, included (20/120), rounded
    receipt = {key: value for key, value in header.items() if key != "properties"}
    receipt.update(
        dateTime=f"{PLANTED_SOLD_ON.isoformat()}T12:00:00",
        fiscalDocumentNumber=9_000_001,
        fiscalSign=1_234_567_890,
        totalSum=nominal,
        cashTotalSum=0,
        ecashTotalSum=nominal,
        prepaidSum=0,
        provisionSum=0,
        nds18=0,
        nds10=0,
        ndsCalculated20=vat,
        items=[
            {
                "name": f"Подарочный сертификат №{number}",
                "price": nominal,
                "quantity": 1,
                "sum": nominal,
                "nds": 3,
                "ndsSum": vat,
                "paymentType": 3,
                "productType": 10,
            }
        ],
    )
    (inbox / PLANTED_FILE).write_text(
        json.dumps([{"document": {"receipt": receipt}}], ensure_ascii=False), encoding="utf-8"
    )


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
                if receipt_property(receipt, "Карта лояльности") is not None:
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


def _deduplicated_receipts(inbox: Path) -> list[dict]:
    """Every receipt of the inbox once (by fiscal drive and document number), in time order."""
    seen: dict[tuple[str, int], dict] = {}
    for path in _receipt_files(inbox):
        payload = json.loads(path.read_text(encoding="utf-8"))
        for document in payload if isinstance(payload, list) else [payload]:
            receipt = document.get("document", {}).get("receipt", document)
            key = (receipt["fiscalDriveNumber"], receipt["fiscalDocumentNumber"])
            seen.setdefault(key, receipt)
    return sorted(seen.values(), key=lambda r: (r["dateTime"], r["fiscalDriveNumber"]))


def _certificate_ledger(inbox: Path, url: str) -> dict[str, dict]:
    """Per certificate, replayed from the receipt files and the register: sold, redeemed,
    breakage and outstanding as of AS_OF."""
    engine = create_engine(url)
    with engine.connect() as connection:
        validity = dict(
            connection.execute(
                text(
                    "select gift_certificates.number, gift_certificate_series.validity_days "
                    "from gift_certificates join gift_certificate_series "
                    "on gift_certificate_series.id = gift_certificates.series_id"
                )
            ).all()
        )
    engine.dispose()
    ledger: dict[str, dict] = defaultdict(
        lambda: {"sold": Decimal(0), "redeemed": Decimal(0), "moves": [], "sold_on": None}
    )
    for receipt in _deduplicated_receipts(inbox):
        day = dt.date.fromisoformat(receipt["dateTime"][:10])
        sign = 1 if receipt["operationType"] == 1 else -1
        for item in receipt["items"]:
            if item["paymentType"] == 3:
                number = item["name"].split("№")[1].strip()
                entry = ledger[number]
                amount = sign * Decimal(item["sum"]) / 100
                entry["sold"] += amount
                entry["moves"].append((day, amount))
                if sign == 1 and entry["sold_on"] is None:
                    entry["sold_on"] = day
        number = receipt_property(receipt, "Подарочный сертификат")
        if number is not None and receipt["prepaidSum"] > 0:
            amount = sign * Decimal(receipt["prepaidSum"]) / 100
            ledger[number]["redeemed"] += amount
            ledger[number]["moves"].append((day, -amount))
    for number, entry in ledger.items():
        entry["breakage"] = Decimal(0)
        if entry["sold_on"] is not None and number in validity:
            valid_until = entry["sold_on"] + dt.timedelta(days=validity[number])
            if valid_until < AS_OF:
                left = sum((a for d, a in entry["moves"] if d <= valid_until), Decimal(0))
                entry["breakage"] = max(left, Decimal(0))
        entry["outstanding"] = entry["sold"] - entry["redeemed"] - entry["breakage"]
    return ledger


def test_gift_certificate_liability_breakage_and_cohorts_match_the_files(
    built: tuple[Dbt, Path, str],
) -> None:
    dbt, inbox, url = built
    ledger = _certificate_ledger(inbox, url)
    assert ledger and any(entry["redeemed"] > 0 for entry in ledger.values())
    rows = dbt.sql(
        "select certificate_number, sold_amount, redeemed_amount, breakage_amount,"
        " outstanding_amount from marts.fct_retail_gift_certificates where sold_date is not null"
    )
    assert {row[0]: tuple(row[1:]) for row in rows} == {
        number: (e["sold"], e["redeemed"], e["breakage"], e["outstanding"])
        for number, e in ledger.items()
    }
    # Registered, never sold: in the register, outstanding nothing.
    (unsold,) = dbt.sql(
        "select count(*) from marts.fct_retail_gift_certificates"
        " where certificate_status = 'not_sold' and outstanding_amount = 0"
    )[0]
    assert unsold > 0
    days = dbt.sql(
        "select sum(sold_amount), sum(redeemed_amount), sum(breakage_amount),"
        " max_by(outstanding_liability, movement_date)"
        " from marts.rpt_retail_gift_certificate_liability"
    )[0]
    total = {
        k: sum((e[k] for e in ledger.values()), Decimal(0))
        for k in ledger[next(iter(ledger))]
        if k in ("sold", "redeemed", "breakage", "outstanding")
    }
    assert days == (total["sold"], total["redeemed"], total["breakage"], total["outstanding"])
    # The planted promo certificate: sold, never redeemed, expired before AS_OF; all breakage.
    planted = json.loads((inbox / PLANTED_FILE).read_text(encoding="utf-8"))
    number = planted[0]["document"]["receipt"]["items"][0]["name"].split("№")[1]
    nominal = Decimal(CERTIFICATE_SERIES[3][1]) / 100
    assert ledger[number]["breakage"] == nominal > 0
    [(status, breakage, outstanding)] = dbt.sql(
        "select certificate_status, breakage_amount, outstanding_amount"
        " from marts.fct_retail_gift_certificates where certificate_number = ?",
        [number],
    )
    assert (breakage, outstanding) == (nominal, 0), status
    assert total["breakage"] >= nominal
    # Cohorts: the share of each sale month's certificates redeemed up to the as-of.
    cohorts: dict[dt.date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for entry in ledger.values():
        if entry["sold_on"] is not None and entry["sold"] > 0:
            month = entry["sold_on"].replace(day=1)
            cohorts[month][0] += entry["sold"]
            cohorts[month][1] += entry["redeemed"]
    shares = dbt.sql(
        "select sale_month, max(cohort_sold_amount), sum(redeemed_amount),"
        " max_by(cumulative_redeemed_share, months_since_sale)"
        " from marts.rpt_retail_gift_certificate_cohorts group by 1"
    )
    assert {row[0]: (row[1], row[2]) for row in shares} == {
        month: tuple(figures) for month, figures in cohorts.items()
    }
    for _month, sold, redeemed, share in shares:
        assert float(share) == pytest.approx(float(redeemed / sold), abs=1e-4)


def test_marked_goods_sold_against_withdrawn_match_the_files(
    built: tuple[Dbt, Path, str],
) -> None:
    """Replays the receipts (last operation per code: 1 sale, 2 sale return) and the accepted
    ГИС МТ documents (last movement per code: LK_RECEIPT withdrawal, LP_RETURN return to
    circulation, a return after a withdrawal on one date) into the mart's states."""
    dbt, inbox, _ = built
    last_operation: dict[str, int] = {}
    for receipt in _deduplicated_receipts(inbox):
        for item in receipt["items"]:
            code = item.get("productCodeNew", {}).get("gs1m", {}).get("rawProductCode")
            if code:
                last_operation[code.split("\x1d")[0]] = receipt["operationType"]
    sold = {code for code, operation in last_operation.items() if operation == 1}
    returned = {code for code, operation in last_operation.items() if operation == 2}
    movements: dict[str, list[tuple[str, int]]] = defaultdict(list)
    listed: set[str] = set()  # by any document, refused ones too
    gismt = inbox.parent / "gis" / "gismt"
    for pattern, kind, products, key in (
        ("lk_receipt_*.json", 0, "products", "cis"),
        ("lp_return_*.json", 1, "products_list", "ki"),
    ):
        for path in sorted(gismt.glob(pattern)):
            for document in json.loads(path.read_text(encoding="utf-8")):
                codes = {product[key] for product in document["body"][products]}
                listed |= codes
                if document["status"] == "CHECKED_OK":
                    for code in codes:
                        movements[code].append((document["docDate"][:10], kind))
    last_movement = {code: max(moves)[1] for code, moves in movements.items()}
    withdrawn = {code for code, kind in last_movement.items() if kind == 0}
    put_back = {code for code, kind in last_movement.items() if kind == 1}
    expected = {
        "matched": sold & withdrawn,
        "sold_not_withdrawn": sold - withdrawn,
        "returned_matched": returned & put_back,
        "returned_not_reintroduced": returned & withdrawn,
        "withdrawn_not_sold": withdrawn - sold - returned,
    }
    assert all(expected.values()), {k: len(v) for k, v in expected.items()}
    rows = dbt.sql("select reconciliation_status, marking_code from marts.fct_retail_marked_goods")
    actual: dict[str, set[str]] = defaultdict(set)
    for status, code in rows:
        actual[status].add(code)
    for status, codes in expected.items():
        assert actual[status] == codes, status
    assert actual["not_sold_not_withdrawn"] == (
        (set(last_operation) | listed) - set().union(*expected.values())
    )
