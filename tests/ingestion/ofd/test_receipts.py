"""The ОФД receipt parser and inbox on receipts in the ФНС JSON format (field names as the ФНС
«Проверка чека» export and ОФД APIs write the ФФД tags; see ingestion/ofd/receipts.py)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.ofd import inbox
from ingestion.ofd.receipts import ReceiptParseError, _certificate_number, parse

# Shaped like a ФНС export (document.receipt): kktRegId and userInn space-padded as the ККТ
# writes them, money in kopecks, a weighed item, a marked item with productCodeData.
SALE: dict[str, Any] = {
    "document": {
        "receipt": {
            "code": 3,
            "fiscalDocumentFormatVer": 4,
            "user": 'ООО "РОМАШКА"',
            "userInn": "7707083893  ",
            "kktRegId": "0007795807005569    ",
            "fiscalDriveNumber": "9960440300000001",
            "fiscalDocumentNumber": 1234,
            "fiscalSign": 3351234567,
            "shiftNumber": 128,
            "requestNumber": 17,
            "dateTime": "2026-03-14T18:01:00",
            "operationType": 1,
            "operator": "Кассир Иванова",
            "retailPlace": "Магазин №1",
            "retailPlaceAddress": "630049, г. Новосибирск, ул. Северная, д.11",
            "items": [
                {
                    "name": "Тыква 1кг",
                    "price": 9999,
                    "quantity": 2.474,
                    "sum": 24738,
                    "nds": 2,
                    "ndsSum": 2249,
                    "paymentType": 4,
                    "productType": 1,
                    "itemsQuantityMeasure": 11,
                },
                {
                    "name": "Молоко 3,2% 1л",
                    "price": 24900,
                    "quantity": 1,
                    "sum": 24900,
                    "nds": 1,
                    "ndsSum": 4490,
                    "paymentType": 4,
                    "productType": 33,
                    "productCodeData": {
                        "gtin": 4606419014681,
                        "rawProductCode": "0104606419014681215b9?0C",
                        "productIdType": 6,
                    },
                },
            ],
            "totalSum": 49638,
            "cashTotalSum": 10000,
            "ecashTotalSum": 39638,
            "prepaidSum": 0,
            "creditSum": 0,
            "provisionSum": 0,
            "nds10": 2249,
            "nds18": 4490,
        }
    }
}


def _receipt(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(SALE)
    document["document"]["receipt"].update(changes)
    return document


def test_parses_the_fns_format() -> None:
    receipts, lines = parse(json.dumps(SALE).encode(), "ofd/a.json")
    [receipt] = receipts
    assert receipt.receipt_key == "9960440300000001-1234"
    assert receipt.kkt_reg_id == "0007795807005569"  # padding stripped
    assert receipt.user_inn == "7707083893"
    assert receipt.operation == "sale"
    assert receipt.receipt_at == dt.datetime(2026, 3, 14, 18, 1)
    assert receipt.total_sum == 49638
    assert (receipt.cash_total_sum, receipt.ecash_total_sum) == (10000, 39638)
    assert (receipt.vat_general_sum, receipt.vat_reduced_sum) == (4490, 2249)
    assert receipt.item_count == 2
    assert [line.line_sum for line in lines] == [24738, 24900]
    assert lines[0].quantity == pytest.approx(2.474)
    assert lines[1].barcode == "4606419014681"
    assert lines[1].product_code == "0104606419014681215b9?0C"
    assert (lines[1].vat_code, lines[1].vat_sum) == (1, 4490)


def test_unix_datetime_is_local_wall_clock_and_wrappers_and_lists() -> None:
    moment = int((dt.datetime(2025, 12, 31, 23, 30) - dt.datetime(1970, 1, 1)).total_seconds())
    plain = copy.deepcopy(SALE["document"]["receipt"])
    plain["dateTime"] = moment
    ticket = {"ticket": {"document": {"receipt": plain}}}
    receipts, _ = parse(json.dumps([ticket, plain]).encode(), "ofd/b.json")
    assert [r.receipt_at for r in receipts] == [dt.datetime(2025, 12, 31, 23, 30)] * 2
    assert [r.source_position for r in receipts] == [1, 2]


def test_ffd_12_product_code_new_gives_the_barcode() -> None:
    document = _receipt()
    item = document["document"]["receipt"]["items"][1]
    del item["productCodeData"]
    item["productCodeNew"] = {"ean13": {"rawProductCode": "4600000000017", "productIdType": 3}}
    _, lines = parse(json.dumps(document).encode(), "ofd/c.json")
    assert lines[1].barcode == "4600000000017"


def test_gift_certificate_sale_and_redemption() -> None:
    sale = _receipt(
        items=[
            {
                "name": "Подарочный сертификат 3000",
                "price": 300000,
                "quantity": 1,
                "sum": 300000,
                "nds": 3,
                "paymentType": 3,
                "productType": 10,
            }
        ],
        totalSum=300000,
        cashTotalSum=0,
        ecashTotalSum=300000,
    )
    redemption = _receipt(fiscalDocumentNumber=1300, prepaidSum=39638, ecashTotalSum=0)
    redemption["document"]["receipt"]["cashTotalSum"] = 10000
    receipts, lines = parse(json.dumps([sale, redemption]).encode(), "ofd/d.json")
    assert lines[0].payment_type == 3
    assert receipts[1].prepaid_sum == 39638


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe{", "encoding"),
        (b'{"document": {"receipt": ', "truncated"),
        (b"[]", "no receipt"),
        (json.dumps({"foo": 1}).encode(), "not a receipt"),
        (json.dumps(_receipt(totalSum=1)).encode(), "settlement forms"),
        (
            json.dumps(_receipt(totalSum=1, cashTotalSum=1, ecashTotalSum=0)).encode(),
            "items' sum",
        ),
        (json.dumps(_receipt(operationType=9)).encode(), "operationType"),
        (json.dumps(_receipt(fiscalDriveNumber=None)).encode(), "fiscalDriveNumber"),
        (json.dumps(_receipt(dateTime="yesterday")).encode(), "dateTime"),
        (json.dumps(_receipt(totalSum=-5)).encode(), "out of range"),
        (b"[" * 100_000 + b"]" * 100_000, "nesting"),
        (b'{"fiscalDocumentNumber": NaN}', "constant"),
    ],
)
def test_bad_files_raise_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReceiptParseError, match=reason):
        parse(data, "ofd/bad.json")


def _ingest(tmp_path: Path, con: duckdb.DuckDBPyConnection, run: str) -> inbox.ReceiptIngestReport:
    return inbox.ingest_receipts(tmp_path / "inbox" / "ofd", con, tmp_path / "quarantine", run)


def test_inbox_loads_each_content_once_and_quarantines_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "inbox" / "ofd"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(SALE), encoding="utf-8")
    (folder / "a-copy.json").write_text(json.dumps(SALE), encoding="utf-8")  # same content
    (folder / "bad.json").write_text(json.dumps(_receipt(totalSum=1)), encoding="utf-8")
    (folder / "late.json.part").write_text("{", encoding="utf-8")  # still arriving
    os.symlink("/etc/passwd", folder / "link.json")
    con = duckdb.connect()
    first = _ingest(tmp_path, con, "run-1")
    assert (first.files_loaded, first.files_quarantined, first.files_skipped) == (1, 1, 1)
    assert first.quarantined[0][0] == "ofd/bad.json"
    assert "settlement forms" in first.quarantined[0][1]
    assert con.execute("select count(*) from raw_ofd.receipts").fetchall() == [(1,)]
    assert con.execute("select count(*) from raw_ofd.receipt_lines").fetchall() == [(2,)]
    assert (tmp_path / "quarantine" / "ofd").is_dir()
    [(reason,)] = con.sql("select reason from raw_ofd.quarantine").fetchall()
    assert "totalSum" in reason

    second = _ingest(tmp_path, con, "run-2")
    assert (second.files_loaded, second.files_quarantined) == (0, 0)
    assert second.files_skipped == 3
    assert con.execute("select count(*) from raw_ofd.receipts").fetchall() == [(1,)]

    # A new receipt in a new file loads; a rewritten bad file with new content is read again.
    (folder / "b.json").write_text(
        json.dumps(_receipt(fiscalDocumentNumber=1235)), encoding="utf-8"
    )
    third = _ingest(tmp_path, con, "run-3")
    assert third.files_loaded == 1
    assert con.execute("select count(distinct receipt_key) from raw_ofd.receipts").fetchall() == [
        (2,)
    ]


def test_a_failed_write_keeps_the_batches_before_and_loads_the_rest_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches are written in a thread while the next is parsed: a write that fails still
    # stops the run with its error, the batches committed before it stay, and the next run
    # loads the others exactly once (a bad file among them is quarantined once).
    folder = tmp_path / "inbox" / "ofd"
    folder.mkdir(parents=True)
    for number in range(1, 8):
        (folder / f"r{number}.json").write_text(
            json.dumps(_receipt(fiscalDocumentNumber=number)), encoding="utf-8"
        )
    (folder / "r8-bad.json").write_text(json.dumps(_receipt(totalSum=1)), encoding="utf-8")
    monkeypatch.setattr(inbox, "BATCH_FILES", 2)
    real_write, writes = inbox._write_batch, []

    def crash_in_third_batch(con: duckdb.DuckDBPyConnection, batch: inbox._Batch) -> None:
        writes.append(len(batch.indexed))
        if len(writes) == 3:
            raise RuntimeError("disk full")
        real_write(con, batch)

    monkeypatch.setattr(inbox, "_write_batch", crash_in_third_batch)
    con = duckdb.connect()
    with pytest.raises(RuntimeError, match="disk full"):
        _ingest(tmp_path, con, "run-1")
    assert con.execute("select count(*) from raw_ofd.receipts").fetchall() == [(4,)]
    assert con.execute("select count(*) from raw_ofd.loaded_files").fetchall() == [(4,)]

    monkeypatch.setattr(inbox, "_write_batch", real_write)
    second = _ingest(tmp_path, con, "run-2")
    assert (second.files_loaded, second.files_quarantined) == (3, 1)
    assert con.execute(
        "select count(*), count(distinct receipt_key) from raw_ofd.receipts"
    ).fetchall() == [(7, 7)]
    assert con.execute("select count(*) from raw_ofd.quarantine").fetchall() == [(1,)]
    assert _ingest(tmp_path, con, "run-3").files_loaded == 0


def test_oversized_file_is_quarantined_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.gis import inbox as gis_inbox

    folder = tmp_path / "inbox" / "ofd"
    folder.mkdir(parents=True)
    (folder / "big.json").write_text(json.dumps(SALE), encoding="utf-8")
    monkeypatch.setattr(gis_inbox, "MAX_FILE_BYTES", 10)
    monkeypatch.setattr(inbox, "MAX_FILE_BYTES", 10)
    report = _ingest(tmp_path, duckdb.connect(), "run")
    assert report.files_quarantined == 1
    assert "size" in report.quarantined[0][1]


def test_loyalty_card_comes_from_the_additional_user_requisite() -> None:
    card = _receipt(properties={"propertyName": "Карта лояльности", "propertyValue": "2000123"})
    other = _receipt(properties=[{"propertyName": "Смена", "propertyValue": "7"}])
    receipts, _ = parse(json.dumps([card, other, SALE]).encode(), "ofd/e.json")
    assert [r.loyalty_card for r in receipts] == ["2000123", None, None]
    with pytest.raises(ReceiptParseError, match="properties"):
        parse(json.dumps(_receipt(properties=["x"])).encode(), "ofd/f.json")


def test_certificate_numbers_link_the_sale_and_the_redemption() -> None:
    # The sale: an advance (tag 1214 = 3, «АВАНС») with productType 10 «ПЛАТЕЖ», the number in
    # the item name; the redemption: prepaidSum (1215) with the number as an additional user
    # requisite (1084) next to a loyalty card.
    sale = _receipt(
        items=[
            {
                "name": "Подарочный сертификат №000123",
                "price": 300000,
                "quantity": 1,
                "sum": 300000,
                "nds": 3,
                "paymentType": 3,
                "productType": 10,
            },
            {
                "name": "Сертификат",
                "propertiesItem": "GC-77",
                "price": 100000,
                "quantity": 1,
                "sum": 100000,
                "nds": 3,
                "paymentType": 3,
                "productType": 10,
            },
        ],
        totalSum=400000,
        cashTotalSum=0,
        ecashTotalSum=400000,
    )
    redemption = _receipt(
        fiscalDocumentNumber=1300,
        prepaidSum=39638,
        ecashTotalSum=0,
        properties=[
            {"propertyName": "Карта лояльности", "propertyValue": "2770000000017"},
            {"propertyName": "Подарочный сертификат", "propertyValue": "000123"},
        ],
    )
    redemption["document"]["receipt"]["cashTotalSum"] = 10000
    receipts, lines = parse(json.dumps([sale, redemption]).encode(), "ofd/e.json")
    assert [line.gift_certificate_number for line in lines[:2]] == ["000123", "GC-77"]
    # A word starting with N is no number sign.
    assert _certificate_number("Подарочная карта Nivea", None) is None
    assert _certificate_number("Сертификат N 42", None) == "42"
    assert all(line.gift_certificate_number is None for line in lines[2:])  # goods, not advances
    assert receipts[0].gift_certificate_number is None
    assert receipts[1].gift_certificate_number == "000123"
    assert receipts[1].loyalty_card == "2770000000017"


def test_marking_code_keeps_the_identification_code_without_the_crypto_tail() -> None:
    document = _receipt()
    item = document["document"]["receipt"]["items"][1]
    del item["productCodeData"]
    # ФФД 1.2 (tag 1163, gs1m): the code as scanned, GS-separated crypto tail (AI 91, 92).
    raw = "0104606419014681215b9?0C\x1d91EE06\x1d92dGVzdA=="
    item["productCodeNew"] = {"gs1m": {"rawProductCode": raw, "productIdType": 6}}
    _, lines = parse(json.dumps(document).encode(), "ofd/f.json")
    assert lines[1].product_code == raw
    assert lines[1].marking_code == "0104606419014681215b9?0C"
    assert lines[1].barcode == "4606419014681"
    assert lines[0].marking_code is None  # weighed pumpkin: no marking code
    _, fns_lines = parse(json.dumps(SALE).encode(), "ofd/g.json")
    assert fns_lines[1].marking_code == "0104606419014681215b9?0C"  # productCodeData
