"""The seed's retail part: deterministic receipt files, weekly and hourly seasonality, valid
barcodes, and every file loadable by the ОФД parser."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ingestion.ofd.receipts import parse
from operational_app.print_forms.price_tags import PriceTag, ean13_is_valid, unit_price
from operational_app.seed import Scale
from operational_app.seed.entry_model import add_entry_model
from operational_app.seed.generator import generate
from operational_app.seed.retail import (
    BASKET_P,
    DEMO_STORES,
    FIRST_HOUR,
    HOUR_WEIGHTS,
    RECEIPTS_PER_DAY,
    RETAIL_TABLES,
    WEEKDAY_FACTORS,
    add_retail,
    receipt_files,
    retail_profile,
    write_ofd_inbox,
)

AS_OF = dt.date(2026, 1, 20)
SCALE = Scale(deals=150, partners=30, managers=4, operators=2)


@functools.cache
def _tables(seed: int = 5) -> list:
    """Generated once per seed (writing the inbox only reads them)."""
    return add_retail(add_entry_model(generate(SCALE, seed, AS_OF, lambda *_: None), seed, AS_OF))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.glob("*.json"))
        if not path.name.startswith(".")
    }


def test_same_seed_same_files_and_a_reseed_replaces_its_own(tmp_path: Path) -> None:
    tables = _tables()
    first = write_ofd_inbox(tmp_path / "a", tables, 5, AS_OF, 4.0)
    write_ofd_inbox(tmp_path / "b", _tables.__wrapped__(), 5, AS_OF, 4.0)  # generated anew
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert first["files"] == len(_files(tmp_path / "a")) > 0
    (tmp_path / "a" / "from-the-ofd.json").write_text("[]", encoding="utf-8")
    write_ofd_inbox(tmp_path / "a", tables, 5, AS_OF - dt.timedelta(days=3), 4.0)
    names = set(_files(tmp_path / "a"))
    assert "from-the-ofd.json" in names  # not the seed's: kept
    assert not any(AS_OF.isoformat() in name for name in names)  # the old window is gone


def test_receipts_parse_and_follow_the_week_and_the_day(tmp_path: Path) -> None:
    tables = _tables()
    write_ofd_inbox(tmp_path, tables, 5, AS_OF, 4.0)
    by_weekday: Counter[int] = Counter()
    by_hour: Counter[int] = Counter()
    days: Counter[int] = Counter()
    for name, data in _files(tmp_path).items():
        receipts, lines = parse(data, f"ofd/{name}")
        assert lines
        for receipt in receipts:
            by_weekday[receipt.receipt_at.isoweekday()] += 1
            by_hour[receipt.receipt_at.hour] += 1
        days[dt.date.fromisoformat(name.split("_")[1][:10]).isoweekday()] += 1
    per_day = {weekday: by_weekday[weekday] / days[weekday] for weekday in days}
    assert per_day[6] > 1.3 * per_day[1]  # Saturdays busier than Mondays
    assert by_hour[19] > 2 * by_hour[8]  # the evening peak over the opening hour
    assert set(by_hour) <= set(range(8, 22))


def test_product_barcodes_are_valid_and_unique() -> None:
    products = {table.name: table for table in _tables()}["products"]
    barcodes = products.columns["barcode"]
    assert all(ean13_is_valid(code) for code in barcodes)
    assert len(set(barcodes)) == len(barcodes)


def test_gift_certificates_are_redeemed_only_after_they_are_sold(tmp_path: Path) -> None:
    write_ofd_inbox(tmp_path, _tables(), 5, AS_OF, 6.0)
    balance: Counter[str] = Counter()
    for data in _files(tmp_path).values():
        documents = sorted(
            (document["document"]["receipt"] for document in json.loads(data)),
            key=lambda receipt: receipt["dateTime"],
        )
        for receipt in documents:
            register = receipt["kktRegId"]
            balance[register] += sum(i["sum"] for i in receipt["items"] if i["paymentType"] == 3)
            balance[register] -= receipt["prepaidSum"]
            assert balance[register] >= 0


def test_certificates_come_from_the_register_and_withdrawals_differ_on_purpose(
    tmp_path: Path,
) -> None:
    from ingestion.gis import gismt
    from operational_app.seed.retail import (
        CERTIFICATE_SERIES,
        EXTRA_EVERY,
        receipt_property,
    )

    tables = {table.name: table for table in _tables()}
    register = tables["gift_certificates"].columns
    series_of = dict(zip(register["number"], register["series_id"], strict=True))
    assert len(tables["gift_certificate_series"]) == len(CERTIFICATE_SERIES)
    counts = write_ofd_inbox(
        tmp_path / "ofd", list(tables.values()), 5, AS_OF, 4.0, tmp_path / "gismt"
    )
    assert counts["withdrawal_files"] > EXTRA_EVERY
    sold: dict[str, tuple[dt.date, int]] = {}
    sold_codes: set[str] = set()
    returned_codes: set[str] = set()
    redemptions = returned = 0
    receipts = []
    for path in sorted((tmp_path / "ofd").glob("[!.]*.json")):
        receipts += [d["document"]["receipt"] for d in json.loads(path.read_text("utf-8"))]
    for receipt in sorted(receipts, key=lambda r: r["dateTime"]):
        day = dt.date.fromisoformat(receipt["dateTime"][:10])
        for item in receipt["items"]:
            if item["paymentType"] == 3:
                number = item["name"].split("№")[1]
                # A registered certificate sold at its series' nominal.
                assert item["sum"] == CERTIFICATE_SERIES[series_of[number] - 1][1]
                sold[number] = (day, CERTIFICATE_SERIES[series_of[number] - 1][2])
            code = item.get("productCodeNew", {}).get("gs1m", {}).get("rawProductCode")
            if code and receipt["operationType"] == 1:
                sold_codes.add(code)
            elif code:
                assert code in sold_codes  # a return gives back a code sold before
                returned += 1
                returned_codes.add(code)
        number = receipt_property(receipt, "Подарочный сертификат")
        if number is not None:
            redemptions += 1
            assert receipt["prepaidSum"] > 0
            sold_on, validity = sold[number]  # sold before, and still valid
            assert day <= sold_on + dt.timedelta(days=validity)
    assert sold and redemptions and returned
    assert any(CERTIFICATE_SERIES[series_of[n] - 1][2] == 7 for n in sold)  # a promo one
    listed: set[str] = set()
    statuses = Counter()
    for path in sorted((tmp_path / "gismt").glob("lk_receipt_*.json")):
        codes = gismt.parse_codes(path, path.name)
        listed |= {code.cis for code in codes}
        statuses.update(code.status for code in codes)
    assert statuses["CHECKED_OK"] and statuses["CHECKED_NOT_OK"]  # a refused document
    assert sold_codes - listed  # codes sold, left out of the withdrawals
    assert listed - sold_codes  # codes withdrawn that no receipt sold
    # Returns to circulation (LP_RETURN): only codes customers brought back whose withdrawal
    # was accepted, some left out, some documents refused.
    withdrawn = {
        code.cis
        for path in sorted((tmp_path / "gismt").glob("lk_receipt_*.json"))
        for code in gismt.parse_codes(path, path.name)
        if code.status == "CHECKED_OK"
    }
    put_back: Counter[str] = Counter()
    refused: set[str] = set()
    for path in sorted((tmp_path / "gismt").glob("lp_return_*.json")):
        for code in gismt.parse_codes(path, path.name):
            assert code.document_type == "LP_RETURN" and code.action == "RETAIL_RETURN"
            assert code.cis in returned_codes & withdrawn
            put_back[code.cis] += 1
            if code.status == "CHECKED_NOT_OK":
                refused.add(code.cis)
    assert put_back and max(put_back.values()) == 1  # each code once
    assert refused and set(put_back) - refused  # a refused document, accepted ones
    assert (returned_codes & withdrawn) - set(put_back)  # returned, left out


def test_small_scale_follows_the_hourly_and_weekly_profiles() -> None:
    """At the small scale's retail profile (factor 10) the receipts' hours and weekdays follow
    HOUR_WEIGHTS and WEEKDAY_FACTORS: each share within a few percent of its weight."""
    factor = 10.0
    tables = [t for t in add_retail(_tables(), factor, AS_OF) if t.name in RETAIL_TABLES]
    named = {table.name: table for table in [*_tables(), *tables]}
    profile = retail_profile(factor)
    assert len(named["stores"]) == profile.stores > DEMO_STORES
    by_hour: Counter[int] = Counter()
    by_weekday: Counter[int] = Counter()
    lines = 0
    for name, text, count, line_count in receipt_files(list(named.values()), 5, AS_OF, factor):
        receipts = [document["document"]["receipt"] for document in json.loads(text)]
        assert len(receipts) == count
        assert sum(len(receipt["items"]) for receipt in receipts) == line_count
        lines += line_count
        day = dt.date.fromisoformat(name.split("_")[1][:10])
        by_weekday[day.weekday()] += count
        for receipt in receipts:
            moment = dt.datetime.fromisoformat(receipt["dateTime"])
            assert moment.date() == day
            by_hour[moment.hour] += 1
    total = sum(by_hour.values())
    assert total > 50_000
    weights = sum(HOUR_WEIGHTS)
    for offset, weight in enumerate(HOUR_WEIGHTS):
        assert by_hour[FIRST_HOUR + offset] / total == pytest.approx(weight / weights, rel=0.05)
    assert set(by_hour) == set(range(FIRST_HOUR, FIRST_HOUR + len(HOUR_WEIGHTS)))
    weeks = profile.window_days / 7
    per_day = sum(by_weekday.values()) / profile.window_days
    for weekday, factor_of_day in enumerate(WEEKDAY_FACTORS):
        mean = sum(WEEKDAY_FACTORS) / 7
        assert by_weekday[weekday] / weeks / per_day == pytest.approx(
            factor_of_day / mean, rel=0.03
        )
    assert lines / total == pytest.approx(1.0 + 0.96 * (1 / BASKET_P - 1), rel=0.03)


def test_large_scale_writes_over_ten_million_lines() -> None:
    """The large profile's expected receipt lines (no generation: the arithmetic of the
    rates) exceed ten million."""
    factor = 500.0
    profile = retail_profile(factor)
    weekday = sum(WEEKDAY_FACTORS) / 7
    per_receipt = 0.96 / BASKET_P + 0.04
    expected = RECEIPTS_PER_DAY * factor * profile.window_days * weekday * per_receipt
    assert expected > 10_000_000
    assert profile.stores * profile.registers_per_store * 800 > RECEIPTS_PER_DAY * factor * 1.35


def test_packaged_food_gets_the_net_quantity_its_unit_price_needs() -> None:
    products = {table.name: table for table in _tables()}["products"].columns
    nets = {
        str(name): (quantity, unit)
        for name, quantity, unit in zip(
            products["name"], products["net_quantity"], products["net_unit"], strict=True
        )
    }
    assert nets["Кефир 1% 0,9 л"] == (900.0, "ml")
    assert nets["Сыр полутвёрдый 45% 200 г"] == (200.0, "g")
    assert nets["Стеллаж паллетный, секция 2700 кг"] == (None, None)  # not packaged goods
    kefir = PriceTag("Кефир", Decimal("92"), net_quantity=900.0, measure="ml")
    assert unit_price(kefir) == (Decimal("102.22"), "за 1 л")


def test_streamed_withdrawals_are_those_of_the_files_written(tmp_path: Path) -> None:
    """The withdrawals the seed builds from the codes it generates, a day at a time, are the
    ones the written receipt files themselves call for (withdrawal_documents)."""
    from operational_app.seed.retail import withdrawal_documents

    counts = write_ofd_inbox(tmp_path / "ofd", _tables(), 5, AS_OF, 4.0, tmp_path / "gismt")
    parsed = {name: json.loads(data) for name, data in _files(tmp_path / "ofd").items()}
    expected = withdrawal_documents(parsed)
    written = {name: json.loads(data) for name, data in _files(tmp_path / "gismt").items()}
    assert counts["withdrawal_files"] == len(written) == len(expected) > 0
    assert written == expected
