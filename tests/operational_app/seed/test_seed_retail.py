"""The seed's retail part: deterministic receipt files, weekly and hourly seasonality, valid
barcodes, and every file loadable by the ОФД parser."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from pathlib import Path

from ingestion.ofd.receipts import parse
from operational_app.print_forms.price_tags import ean13_is_valid
from operational_app.seed import Scale
from operational_app.seed.entry_model import add_entry_model
from operational_app.seed.generator import generate
from operational_app.seed.retail import add_retail, write_ofd_inbox

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
    redemptions = 0
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
        number = receipt_property(receipt, "Подарочный сертификат")
        if number is not None:
            redemptions += 1
            assert receipt["prepaidSum"] > 0
            sold_on, validity = sold[number]  # sold before, and still valid
            assert day <= sold_on + dt.timedelta(days=validity)
    assert sold and redemptions
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
