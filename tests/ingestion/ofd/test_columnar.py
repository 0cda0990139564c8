"""The columnar fast path (ingestion/ofd/columnar.py) against the Python parser, the reference:
the rows of every file it accepts equal `parse`'s, and every file `parse` refuses it leaves to
`parse` (so the quarantine decision and reason are the reference's)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from ingestion.ofd import inbox
from ingestion.ofd.columnar import parse_batch, parse_files, scratch_connection
from ingestion.ofd.receipts import (
    LINE_SCHEMA,
    RECEIPT_SCHEMA,
    REDEMPTION_SCHEMA,
    ReceiptParseError,
    certificate_redemptions,
    parse,
    split_prepaid,
    to_arrow,
)
from operational_app.seed import Scale
from operational_app.seed.entry_model import add_entry_model
from operational_app.seed.generator import generate
from operational_app.seed.retail import add_retail, write_ofd_inbox
from tests.ingestion.ofd.test_receipts import SALE, _receipt

AS_OF = dt.date(2026, 1, 20)
SCALE = Scale(deals=150, partners=30, managers=4, operators=2)


@functools.cache
def _seeded_files() -> tuple[tuple[str, bytes], ...]:
    import tempfile

    generated = generate(SCALE, 3, AS_OF, lambda *_: None)
    tables = add_retail(add_entry_model(generated, 3, AS_OF), 0.5, AS_OF)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ofd"
        write_ofd_inbox(folder, tables, 3, AS_OF, 0.5)
        return tuple(
            (path.name, path.read_bytes())
            for path in sorted(folder.glob("*.json"))
            if not path.name.startswith(".")
        )


def _batch(named: list[tuple[str, bytes]]) -> list[tuple[str, str, bytes]]:
    return [(f"ofd/{name}", hashlib.sha256(data).hexdigest(), data) for name, data in named]


def _reference(files: list[tuple[str, str, bytes]]) -> tuple[pa.Table, pa.Table, pa.Table]:
    receipts, lines = [], []
    for source_file, _, data in files:
        file_receipts, file_lines = parse(data, source_file)
        receipts += file_receipts
        lines += file_lines
    return (
        to_arrow(receipts, RECEIPT_SCHEMA),
        to_arrow(lines, LINE_SCHEMA),
        to_arrow(certificate_redemptions(receipts), REDEMPTION_SCHEMA),
    )


_ORDER = {  # the first column a table has names its order
    "redemption_number": ["source_file", "source_position", "redemption_number"],
    "line_number": ["file_sha256", "receipt_key", "line_number"],
    "source_position": ["source_file", "source_position"],
}


def _assert_equal(fast: pa.Table, reference: pa.Table) -> None:
    """Equal row for row; files in any order (a batch's files of other document shapes come
    after the others from the fast path)."""
    assert fast.schema == reference.schema
    assert fast.num_rows == reference.num_rows
    keys = next(keys for column, keys in _ORDER.items() if column in fast.column_names)
    fast = fast.sort_by([(key, "ascending") for key in keys])
    reference = reference.sort_by([(key, "ascending") for key in keys])
    for name in fast.column_names:
        assert fast[name].to_pylist() == reference[name].to_pylist(), name


def test_seeded_files_give_the_python_parsers_rows() -> None:
    files = _batch(list(_seeded_files()))
    assert len(files) > 20
    fast = parse_batch(scratch_connection(), files)
    assert fast.deferred == []  # the seed writes nothing the fast path must leave
    receipts, lines, redemptions = _reference(files)
    assert receipts.num_rows > 500
    assert redemptions.num_rows > 0  # the seed redeems certificates
    _assert_equal(fast.receipts, receipts)
    _assert_equal(fast.lines, lines)
    _assert_equal(fast.redemptions, redemptions)


def test_shares_on_two_connections_give_the_same_rows() -> None:
    files = _batch(list(_seeded_files()))
    one = parse_batch(scratch_connection(), files)
    two = parse_files([scratch_connection() for _ in range(2)], files)
    assert two.deferred == []
    _assert_equal(two.receipts, one.receipts)
    _assert_equal(two.lines, one.lines)


def _plain() -> dict[str, Any]:
    return copy.deepcopy(SALE["document"]["receipt"])


def _with_item(**changes: Any) -> dict[str, Any]:
    document = _receipt()
    document["document"]["receipt"]["items"][1].update(changes)
    return document


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# Accepted forms: the fast path must load them, with the reference's rows.
ACCEPTED: dict[str, bytes] = {
    "fns": _dump(SALE),
    "list": _dump([SALE, _receipt(fiscalDocumentNumber=1235)]),
    "ticket": _dump([{"ticket": {"document": {"receipt": _plain()}}}]),
    "bare": _dump([_plain(), {**_plain(), "fiscalDocumentNumber": 9}]),
    "data-json": _dump({"data": {"json": _plain()}}),
    "bom": b"\xef\xbb\xbf" + _dump(SALE),
    "unix-time": _dump(_receipt(dateTime=1767223800)),
    "space-time": _dump(_receipt(dateTime=" 2026-03-14 18:01 ")),
    "odd-spaces": _dump(_receipt(kktRegId="\u3000 0007795807005569\t\xa0", user=" \u2003 ")),
    "escapes": _dump(_receipt(user='ООО "Ромашка" \\ \n филиал', operator="Кассир/1")),
    "number-as-text": _dump(_receipt(fiscalDriveNumber=9960440300000001, userInn=-7)),
    "string-sign": _dump(_receipt(fiscalSign="  " + "7" * 40 + " ")),
    "vat-20": _dump(_receipt(nds20=4490, nds18=0, ndsCalculated18=5, ndsCalculated20=0)),
    "card-and-certificates": _dump(
        _receipt(
            prepaidSum=39638,
            ecashTotalSum=0,
            properties=[
                {"propertyName": " ДИСКОНТНАЯ карта ", "propertyValue": " 77001 "},
                {"propertyName": "Подарочный сертификат", "propertyValue": "000123"},
                {"propertyName": "Карта лояльности", "propertyValue": "second card"},
                {"propertyName": "сертификат", "propertyValue": "GC-77"},
                {"propertyName": "Номер сертификата", "propertyValue": "000123"},
                {"propertyName": "подарочная карта", "propertyValue": ""},
                {"propertyName": None, "propertyValue": 5},
            ],
        )
    ),
    "card-without-value": _dump(
        _receipt(
            properties=[{"propertyName": "Карта"}, {"propertyName": "Карта", "propertyValue": "2"}]
        )
    ),
    "ean13-string": _dump(
        _with_item(productCodeData=None, productCodeNew={"ean13": "4600000000017"})
    ),
    "ean8-object": _dump(
        _with_item(productCodeData=None, productCodeNew={"ean8": {"productCode": "46000007"}})
    ),
    "empty-code-falls-through": _dump(
        _with_item(productCodeNew={"gs1m": {"rawProductCode": "", "productIdType": 6}})
    ),
    "short-gtin": _dump(_with_item(productCodeNew={"short": "0100000000000000xyz"})),
    "fur": _dump(_with_item(productCodeNew={"fur": "RU-430302-ABC1234567"})),
    "product-code-1162": _dump(_with_item(productCodeData=None, productCode=" 444D00000000 ")),
    "gtin-as-text": _dump(
        _with_item(productCodeData={"gtin": "04606419014681", "rawProductCode": "x" * 600})
    ),
    "float-quantity": _dump(_with_item(quantity=1e-3, sum=24900)),
    "certificate-sale": _dump(
        _receipt(
            items=[
                {
                    "name": "Подарочный сертификат № GC/7",
                    "price": 1,
                    "quantity": 1,
                    "sum": 1,
                    "paymentType": 3,
                },
                {
                    "name": "Сертификат",
                    "propertiesItem": "ART-" + "9" * 50,
                    "price": 2,
                    "quantity": 1,
                    "sum": 2,
                    "paymentType": 3,
                },
            ],
            totalSum=3,
            cashTotalSum=3,
            ecashTotalSum=0,
        )
    ),
}
# Forms `parse` refuses or reads in a way the fast path leaves to it: either way they must be
# deferred (or, where `parse` accepts them, deferred or equal).
OTHER: dict[str, bytes] = {
    "encoding": b"\xff\xfe{",
    "truncated": b'{"document": {"receipt": ',
    "empty": b"[]",
    "no-receipt": _dump({"foo": 1}),
    "scalar": b"5",
    "settlement": _dump(_receipt(totalSum=1)),
    "items-sum": _dump(_receipt(totalSum=1, cashTotalSum=1, ecashTotalSum=0)),
    "operation": _dump(_receipt(operationType=9)),
    "drive": _dump(_receipt(fiscalDriveNumber=None)),
    "blank-drive": _dump(_receipt(fiscalDriveNumber=" \u3000")),
    "date": _dump(_receipt(dateTime="yesterday")),
    "date-feb-30": _dump(_receipt(dateTime="2026-02-30T10:00:00")),
    "date-offset": _dump(_receipt(dateTime="2026-03-14T18:01:00+03:00")),
    "date-range": _dump(_receipt(dateTime=5_000_000_000)),
    "negative": _dump(_receipt(totalSum=-5)),
    "nesting": b"[" * 100_000 + b"]" * 100_000,
    "nan": b'{"fiscalDocumentNumber": NaN}',
    "nan-elsewhere": _dump(SALE).replace(b'"code": 3', b'"code": NaN'),
    "infinity-quantity": _dump(SALE).replace(b'"quantity": 1,', b'"quantity": Infinity,'),
    "trailing-comma": _dump(SALE)[:-2] + b",}}",
    "digit-string": _dump(_receipt(shiftNumber=" 128 ")),
    "float-money": _dump(_receipt(creditSum=0.0)),
    "bool-money": _dump(_receipt(creditSum=False)),
    "huge": _dump(_receipt(requestNumber=10**16)),
    "long-text": _dump(_receipt(operator="я" * 513)),
    "object-text": _dump(_receipt(retailPlace={"a": 1})),
    "no-items": _dump(_receipt(items=[])),
    "items-object": _dump(_receipt(items={"name": "x"})),
    "item-scalar": _dump(_receipt(items=[5])),
    "zero-quantity": _dump(_with_item(quantity=0)),
    "bool-quantity": _dump(_with_item(quantity=True)),
    "vat-code": _dump(_with_item(nds=11)),
    "payment-type": _dump(_with_item(paymentType=8)),
    "no-sign": _dump(_receipt(fiscalSign=None)),
    "float-sign": _dump(_receipt(fiscalSign=1.5)),
    "properties-scalars": _dump(_receipt(properties=["x"])),
    "properties-string": _dump(_receipt(properties="x")),
    "property-value-object": _dump(
        _receipt(properties=[{"propertyName": "Карта", "propertyValue": {"a": 1}}])
    ),
    # `parse` reads no value of a property it does not use; the fast path checks them all.
    "unused-property-value-object": _dump(
        _receipt(properties=[{"propertyName": "Смена", "propertyValue": {"a": 1}}])
    ),
    "too-many-items": _dump(
        _receipt(
            items=[{"name": "x", "price": 0, "quantity": 1, "sum": 0}] * 1001,
            totalSum=0,
            cashTotalSum=0,
            ecashTotalSum=0,
        )
    ),
    "receipt-not-object": _dump(
        {"document": {"receipt": 5}, "ticket": {"document": {"receipt": _plain()}}}
    ),
    "mixed-shapes": _dump([SALE, _plain()]),
    "code-not-text": _dump(_with_item(productCodeNew={"ean13": 4600000000017})),
    "raw-not-text": _dump(_with_item(productCodeData={"gtin": 1.5, "rawProductCode": 7})),
    # Two productCodeNew keys: `parse` tries them in order (an empty code falls through).
    "two-product-code-keys": _dump(
        _with_item(
            productCodeNew={
                "ean13": {"rawProductCode": "", "productCode": ""},
                "gs1m": {"rawProductCode": "]C1\x1d0104606419014681215b9?0C\x1d91EE06"},
            }
        )
    ),
    "unicode-digits": _dump(
        _with_item(productCodeData=None, productCodeNew={"gs1m": "01٤٦٠٦٤١٩٠١٤٦٨١21abc"})
    ),
    # The typed read (integers as BIGINT, texts as VARCHAR) is exact only for the kinds
    # UNSURE_JSON vouches for: every other kind of value of one of its keys is deferred,
    # whether `parse` loads the file (digits in a string, an integer too long for the rule's
    # range checked on the BIGINT) or refuses it (a float, a boolean, a container).
    "int-as-string": _dump(_receipt(totalSum="49638")),
    "int-as-unicode-digits": _dump(_receipt(shiftNumber="١٢٨")),
    "int-as-float-integral": _dump(_receipt(totalSum=49638.0)),
    "int-as-exponent": _dump(_receipt(requestNumber=1e3)),
    "int-as-bool": _dump(_receipt(operationType=True)),
    "int-as-null-string": _dump(_receipt(creditSum="")),
    "int-sixteen-digits": _dump(_receipt(shiftNumber=10**15)),
    "int-beyond-bigint": _dump(_receipt(requestNumber=2**64)),
    "int-as-object": _dump(_receipt(nds10={"value": 2249})),
    "item-int-as-string": _dump(_with_item(sum="24900")),
    "item-int-as-float": _dump(_with_item(price=24900.0)),
    "item-int-as-bool": _dump(_with_item(nds=True)),
    "text-as-float": _dump(_receipt(userInn=7707083893.0)),
    "text-as-big-float": _dump(_receipt(user=1e300)),
    "text-as-bool": _dump(_receipt(operator=False)),
    "text-as-list": _dump(_receipt(retailPlaceAddress=["г. Новосибирск"])),
    "item-text-as-bool": _dump(_with_item(name=True)),
    "item-text-as-float": _dump(_with_item(propertiesItem=1.5)),
    "sign-as-float": _dump(_receipt(fiscalSign=3351234567.0)),
    "sign-as-bool": _dump(_receipt(fiscalSign=True)),
    "sign-as-object": _dump(_receipt(fiscalSign={"v": 1})),
    # A key spelt with an escape is the same key to both parsers; the text scan cannot match
    # it, so any escape in a key defers the file (here a float in a text field).
    "escaped-key": _dump(_receipt(user=None)).replace(b'"user": null', b'"us\\u0065r": 1.5'),
    "quantity-as-string": _dump(_with_item(quantity="1")),
    "date-as-digit-string": _dump(_receipt(dateTime="20260314")),
    "nan-spaced": _dump(SALE).replace(b'"code": 3', b'"code" :  -nan'),
    "trailing-comma-spaced": _dump(SALE)[:-2] + b",\n  }}",
}


def _outcome(source_file: str, data: bytes) -> tuple[pa.Table, pa.Table, pa.Table] | str:
    try:
        return _reference([(source_file, "", data)])
    except ReceiptParseError as error:
        return error.reason


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_forms_equal_the_reference(name: str) -> None:
    files = _batch([(f"{name}.json", ACCEPTED[name])])
    reference = _outcome(files[0][0], files[0][2])
    assert not isinstance(reference, str), reference
    fast = parse_batch(scratch_connection(), files)
    assert fast.deferred == []
    for got, expected in zip(
        (fast.receipts, fast.lines, fast.redemptions), _reference(files), strict=True
    ):
        _assert_equal(got, expected)


def test_every_other_form_is_left_to_the_reference_in_one_batch() -> None:
    # One batch holding every case and good files: a malformed file makes DuckDB refuse the
    # batch, which is split until the bad files are alone; the good ones still load.
    named = [*OTHER.items(), *ACCEPTED.items()]
    files = _batch([(f"{name}.json", data) for name, data in named])
    fast = parse_batch(scratch_connection(), files)
    accepted_names = set(ACCEPTED)
    for index, (name, data) in enumerate(named):
        reference = _outcome(files[index][0], data)
        if isinstance(reference, str) or name not in accepted_names:
            assert index in fast.deferred, (name, reference)
    assert [named[i][0] for i in fast.deferred if named[i][0] in accepted_names] == []
    kept = [files[i] for i, (name, _) in enumerate(named) if name in accepted_names]
    for got, expected in zip(
        (fast.receipts, fast.lines, fast.redemptions), _reference(kept), strict=True
    ):
        _assert_equal(got, expected)


def test_the_reference_refuses_what_it_refused_before() -> None:
    # The cases the Python parser quarantines (reasons as before the fast path existed).
    for name in (
        "encoding",
        "truncated",
        "empty",
        "no-receipt",
        "nan",
        "nan-elsewhere",
        "trailing-comma",
        "settlement",
        "items-sum",
        "properties-scalars",
        "nesting",
    ):
        assert isinstance(_outcome("ofd/x.json", OTHER[name]), str), name


def test_several_certificates_split_the_prepaid_sum() -> None:
    assert split_prepaid(10_001, 3) == [3_334, 3_334, 3_333]
    assert split_prepaid(500, 1) == [500]
    receipts, _ = parse(ACCEPTED["card-and-certificates"], "ofd/c.json")
    [receipt] = receipts
    assert receipt.loyalty_card == "77001"  # the first card named
    assert receipt.certificate_numbers == ("000123", "GC-77")  # a number named twice: once
    assert receipt.gift_certificate_number == "000123"
    rows = certificate_redemptions(receipts)
    assert [(r.certificate_number, r.amount) for r in rows] == [("000123", 19819), ("GC-77", 19819)]


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    tables = {}
    for table in ("receipts", "receipt_lines", "receipt_certificate_redemptions"):
        tables[table] = sorted(con.execute(f"select * from raw_ofd.{table}").fetchall(), key=repr)
    tables["quarantine"] = sorted(
        con.execute("select source_file, file_sha256, reason from raw_ofd.quarantine").fetchall()
    )
    tables["loaded"] = sorted(
        con.execute(
            "select file_sha256, source_file, receipt_count from raw_ofd.loaded_files"
        ).fetchall()
    )
    return tables


def test_inbox_loads_the_same_tables_either_way(tmp_path: Path) -> None:
    loaded = {}
    for columnar in (True, False):
        folder = tmp_path / str(columnar) / "inbox" / "ofd"
        folder.mkdir(parents=True)
        for name, data in [*_seeded_files()[:12], *OTHER.items(), *ACCEPTED.items()]:
            (folder / (name if name.endswith(".json") else f"{name}.json")).write_bytes(data)
        con = duckdb.connect()
        report = inbox.ingest_receipts(
            folder, con, tmp_path / str(columnar) / "quarantine", "run", columnar=columnar
        )
        assert report.failed == []
        loaded[columnar] = (
            _tables(con),
            (report.files_loaded, report.files_quarantined, report.receipts_loaded),
        )
    assert loaded[True] == loaded[False]
    assert loaded[True][1][1] >= 30  # the refused forms are quarantined with their reasons
