"""Retail for the demo seed: stores, cash registers, product barcodes, and the ОФД receipt
exports `crm seed` drops into `data/inbox/ofd/` (issue 21).

Each store sells from one seeded warehouse for one organization and has `REGISTERS_PER_STORE`
cash registers. For each register and each of the `WINDOW_DAYS` days before as_of, one file
holds that day's receipts as the ОФД exports them (ФНС JSON: `[{"document": {"receipt": ...}}]`,
field names of ingestion/ofd/receipts.py). Receipts follow a weekly and an hourly profile;
their count scales with the seed scale (`RECEIPTS_PER_REGISTER_DAY` at demo). A few are
returns, a few sell a gift certificate (an advance: paymentType 3) and a few are paid in part
by one sold earlier at the same register (prepaidSum, up to its balance). VAT is what the receipt
states: the general rate 20% until 2025 and 22% from 2026, 10% for food. About CARD_SHARE of
the sale receipts show a loyalty card.

Files are written under a temporary name and renamed (the loader skips in-flight names); a
hidden manifest lists them so the next seed removes exactly those files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from operational_app.seed.generator import TableData, _tracked

RETAIL_TABLES: Final = (
    "stores",
    "cash_registers",
    "loyalty_programmes",
    "discount_cards",
    "loyalty_point_adjustments",
    "gift_certificate_series",
    "gift_certificates",
)
WINDOW_DAYS: Final = 28
REGISTERS_PER_STORE: Final = 2
MAX_STORES: Final = 4
RECEIPTS_PER_REGISTER_DAY: Final = 30  # at scale demo (2 000 deals); proportional above
MAX_RETAIL_PRICE: Final = 15_000.0  # rubles: the warehouse catalogue's shop-floor goods
RETURN_SHARE: Final = 0.03
CERTIFICATE_SALE_SHARE: Final = 0.01
CERTIFICATE_REDEMPTION_SHARE: Final = 0.05
CERTIFICATE_NOMINALS: Final = (100_000, 300_000, 500_000)  # kopecks
# Gift certificate series (ids 1..4): three fixed nominals valid a year, and a promotional
# 1 000 ₽ series valid a week, so some certificates expire within the receipts' window.
# Certificate k (numbered from 1) is of series certificate_series(k); the register holds a
# pool of printed certificates the receipts sell in number order.
CERTIFICATE_SERIES: Final = (
    ("Сертификат 1 000 ₽", 100_000, 365),
    ("Сертификат 3 000 ₽", 300_000, 365),
    ("Сертификат 5 000 ₽", 500_000, 365),
    ("Акционный сертификат 1 000 ₽ (7 дней)", 100_000, 7),
)
CERTIFICATE_PROPERTY: Final = "Подарочный сертификат"
# Marked goods (Честный ЗНАК): each day's sold codes of an organization are withdrawn from
# circulation by one LK_RECEIPT document, except deliberate differences: every
# UNREPORTED_EVERY-th code is left out (sold, not withdrawn), every REJECTED_EVERY-th
# document is refused (CHECKED_NOT_OK), and every EXTRA_EVERY-th document lists one code no
# receipt sold (withdrawn, not sold).
UNREPORTED_EVERY: Final = 17
REJECTED_EVERY: Final = 9
EXTRA_EVERY: Final = 5
WITHDRAWALS_MANIFEST: Final = ".crm-seed-withdrawals.json"
CASH_SHARE: Final = 0.35
# Sale receipts that show a loyalty card, and cardholders per register at demo scale: a few
# cards come back often (weights ~ 1/rank), most rarely.
CARD_SHARE: Final = 0.45
CARDHOLDERS_PER_REGISTER: Final = 120
# Loyalty programmes (ids 1 and 2): every fifth card is a discount card, the rest bonus cards.
# A bonus card earns ACCRUAL_PERCENT of the goods it pays in money as whole points (1 point =
# 1 ruble) and now and then pays with points (the receipt's provisionSum, tag 1217), at most
# MAX_REDEMPTION_PERCENT of the goods and never more than it has.
BONUS_PROGRAMME_ID: Final = 1
DISCOUNT_PROGRAMME_ID: Final = 2
ACCRUAL_PERCENT: Final = 5
MAX_REDEMPTION_PERCENT: Final = 30
POINTS_VALIDITY_DAYS: Final = 365
POINTS_REDEMPTION_SHARE: Final = 0.25
MANIFEST_NAME: Final = ".crm-seed-files.json"
# Monday..Sunday and opening hours 08..21 (a receipt's hour); shares, normalised below.
WEEKDAY_FACTORS: Final = (0.85, 0.85, 0.9, 0.95, 1.15, 1.35, 1.1)
HOUR_WEIGHTS: Final = (2, 4, 5, 6, 9, 9, 6, 5, 6, 8, 10, 10, 7, 4)
FIRST_HOUR: Final = 8
_RNG_STREAM: Final = 0x0FD


def certificate_series(k: int) -> int:
    """Series id (1-based) of certificate number k: the promo series every fourth."""
    return 4 if k % 4 == 0 else k % 4


def certificate_number_text(k: int) -> str:
    return f"{k:06d}"


def certificate_pool(n_registers: int, scale_factor: float = 1.0) -> int:
    """Printed certificates in the register: well above what the receipts sell."""
    expected = n_registers * WINDOW_DAYS * RECEIPTS_PER_REGISTER_DAY * scale_factor
    return int(expected * CERTIFICATE_SALE_SHARE * 2) + 10


def _by_name(tables: Sequence[TableData]) -> dict[str, TableData]:
    return {table.name: table for table in tables}


def ean13(body: int) -> str:
    """A valid EAN-13 for a 12-digit body (the check digit of GS1)."""
    digits = f"{body:012d}"
    odd = sum(int(d) for d in digits[0::2])
    even = sum(int(d) for d in digits[1::2])
    return digits + str((10 - (odd + 3 * even) % 10) % 10)


def card_count(n_registers: int, scale_factor: float = 1.0) -> int:
    """How many loyalty cards the receipts draw from."""
    return max(1, round(CARDHOLDERS_PER_REGISTER * scale_factor * n_registers))


def card_number(index: int) -> str:
    return f"77{index:011d}"


def card_programme(index: int) -> int:
    return DISCOUNT_PROGRAMME_ID if index % 5 == 4 else BONUS_PROGRAMME_ID


def accrued_points(money_kopecks: int) -> int:
    """Whole points a bonus card earns on goods paid in money (kopecks), rounded down."""
    return max(0, money_kopecks * ACCRUAL_PERCENT // 10_000)


def _points_paid(rng: np.random.Generator, balance: int, goods: int, payable: int) -> int:
    """Kopecks a bonus card pays with points on a receipt: sometimes, within the rules."""
    if balance <= 0 or goods <= 0 or rng.random() >= POINTS_REDEMPTION_SHARE:
        return 0
    cap = min(balance * 100, goods * MAX_REDEMPTION_PERCENT // 100, payable)
    return (cap // 100) * 100


def _loyalty_tables(
    tables: Sequence[TableData], n_registers: int, scale_factor: float, as_of: dt.date
) -> list[TableData]:
    """The two programmes and the cards the receipts show: a third a partner's, a third a
    contact person's, a third anonymous; issued before the receipts' window."""
    named = _by_name(tables)
    n_partners = len(named["partners"])
    n_contacts = len(named["contact_persons"]) if "contact_persons" in named else 0
    created = np.full(2, int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()), dtype=np.int64)
    programmes = _tracked(
        "loyalty_programmes",
        {
            "name": ["Бонусная программа", "Дисконтная карта 5%"],
            "kind": ["bonus", "discount"],
            "discount_percent": [0.0, 5.0],
            "accrual_percent": [float(ACCRUAL_PERCENT), 0.0],
            "max_redemption_percent": [float(MAX_REDEMPTION_PERCENT), 0.0],
            "point_value": [1.0, 1.0],
            "points_validity_days": [POINTS_VALIDITY_DAYS, None],
        },
        created,
    )
    n_cards = card_count(n_registers, scale_factor)
    index = np.arange(n_cards)
    issued = [as_of - dt.timedelta(days=WINDOW_DAYS + 1 + (7 * i) % 700) for i in range(n_cards)]
    partner_ids = [
        int(i // 3 % n_partners + 1) if i % 3 == 0 and n_partners else None for i in index
    ]
    contact_ids = [
        int(i // 3 % n_contacts + 1) if i % 3 == 1 and n_contacts else None for i in index
    ]
    stamps = np.array(
        [int(dt.datetime.combine(d, dt.time(10), tzinfo=dt.UTC).timestamp()) for d in issued],
        dtype=np.int64,
    )
    cards = _tracked(
        "discount_cards",
        {
            "number": [card_number(int(i)) for i in index],
            "programme_id": np.array([card_programme(int(i)) for i in index], dtype=np.int64),
            "partner_id": partner_ids,
            "contact_person_id": contact_ids,
            "issued_on": issued,
            "blocked_on": [None] * n_cards,
        },
        stamps,
    )
    # No manual adjustments are seeded; the (empty) table is listed so a reseed clears it.
    adjustments = _tracked(
        "loyalty_point_adjustments",
        {"card_id": [], "adjusted_on": [], "points": [], "reason": []},
        np.array([], dtype=np.int64),
    )
    return [programmes, cards, adjustments]


def add_retail(
    tables: list[TableData], scale_factor: float = 1.0, as_of: dt.date | None = None
) -> list[TableData]:
    """Product barcodes, stores, cash registers, loyalty programmes and the cards the receipts
    show, on top of the seeded tables (`scale_factor` as for write_ofd_inbox)."""
    named = _by_name(tables)
    products = named["products"]
    n_products = len(products)
    products.columns["barcode"] = [ean13(460_000_000_000 + 7_919 * i) for i in range(n_products)]
    warehouses = named["warehouses"]
    organizations = named["organizations"]
    n_stores = min(MAX_STORES, len(warehouses))
    created = np.asarray(warehouses.columns["created_at"][:n_stores]).astype(np.int64)
    stores = _tracked(
        "stores",
        {
            "name": [
                f"Магазин «{str(name).removeprefix('Склад ')}»"
                for name in warehouses.columns["name"][:n_stores]
            ],
            "address": [None] * n_stores,
            "organization_id": np.arange(n_stores, dtype=np.int64) % len(organizations) + 1,
            "warehouse_id": np.arange(1, n_stores + 1, dtype=np.int64),
        },
        created,
    )
    n_registers = n_stores * REGISTERS_PER_STORE
    registers = _tracked(
        "cash_registers",
        {
            "store_id": np.repeat(np.arange(1, n_stores + 1, dtype=np.int64), REGISTERS_PER_STORE),
            "registration_number": [
                f"{7_795_807_005_569 + 1_117 * i:016d}" for i in range(n_registers)
            ],
            "fiscal_drive_number": [
                f"{9_960_440_300_000_001 + i:016d}" for i in range(n_registers)
            ],
            "ofd_name": ["ООО «Такском»"] * n_registers,
            "ofd_inn": ["7704211201"] * n_registers,
        },
        np.repeat(created, REGISTERS_PER_STORE),
    )
    as_of = as_of or dt.date(2026, 12, 1)
    return [
        *tables,
        stores,
        registers,
        *_loyalty_tables(tables, n_registers, scale_factor, as_of),
        *_certificate_tables(n_registers, scale_factor, as_of),
    ]


def _certificate_tables(n_registers: int, scale_factor: float, as_of: dt.date) -> list[TableData]:
    """The certificate series and the printed pool, registered before the receipts' window."""
    created = np.full(
        len(CERTIFICATE_SERIES),
        int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()),
        dtype=np.int64,
    )
    series = _tracked(
        "gift_certificate_series",
        {
            "name": [name for name, _, _ in CERTIFICATE_SERIES],
            "kind": ["fixed"] * len(CERTIFICATE_SERIES),
            "nominal": [nominal / 100 for _, nominal, _ in CERTIFICATE_SERIES],
            "validity_days": [days for _, _, days in CERTIFICATE_SERIES],
        },
        created,
    )
    pool = certificate_pool(n_registers, scale_factor)
    numbers = range(1, pool + 1)
    issued = as_of - dt.timedelta(days=WINDOW_DAYS + 30)
    stamp = int(dt.datetime.combine(issued, dt.time(9), tzinfo=dt.UTC).timestamp())
    certificates = _tracked(
        "gift_certificates",
        {
            "number": [certificate_number_text(k) for k in numbers],
            "series_id": np.array([certificate_series(k) for k in numbers], dtype=np.int64),
            "nominal": [CERTIFICATE_SERIES[certificate_series(k) - 1][1] / 100 for k in numbers],
            "issued_on": [issued] * pool,
            "cancelled_on": [None] * pool,
        },
        np.full(pool, stamp, dtype=np.int64),
    )
    return [series, certificates]


def _general_rate(day: dt.date) -> int:
    return 20 if day < dt.date(2026, 1, 1) else 22


def _vat(amount: int, rate: int) -> int:
    return round(amount * rate / (100 + rate))


def _item(
    name: str,
    price: int,
    quantity: float,
    line_sum: int,
    vat_code: int,
    rate: int,
    payment_type: int,
    product_type: int,
) -> dict[str, Any]:
    return {
        "name": name,
        "price": price,
        "quantity": quantity,
        "sum": line_sum,
        "nds": vat_code,
        "ndsSum": _vat(line_sum, rate),
        "paymentType": payment_type,
        "productType": product_type,
    }


def receipt_documents(
    tables: Sequence[TableData], seed: int, as_of: dt.date, scale_factor: float = 1.0
) -> dict[str, list[dict[str, Any]]]:
    """File name -> the receipts (ФНС JSON) of one register and day, deterministic."""
    named = _by_name(tables)
    products = named["products"].columns
    registers = named["cash_registers"].columns
    stores = named["stores"].columns
    organizations = named["organizations"].columns
    prices = np.asarray(products["base_price"], dtype=float)
    retail = np.flatnonzero(prices <= MAX_RETAIL_PRICE)
    weights = 1 / np.sqrt(prices[retail])
    weights /= weights.sum()
    hours = np.array(HOUR_WEIGHTS, dtype=float) / sum(HOUR_WEIGHTS)
    rng = np.random.default_rng([seed, _RNG_STREAM])
    files: dict[str, list[dict[str, Any]]] = {}
    certificate_number = 0
    # The printed certificates of the register, sold in number order (none without a register).
    pool = len(named["gift_certificates"]) if "gift_certificates" in named else 0
    n_cards = card_count(len(registers["id"]), scale_factor)
    points_rng = np.random.default_rng([seed, _RNG_STREAM, 1])
    card_weights = 1 / np.arange(1, n_cards + 1)
    card_weights /= card_weights.sum()
    for r in range(len(registers["id"])):
        reg_id = str(registers["registration_number"][r])
        drive = str(registers["fiscal_drive_number"][r])
        store = int(registers["store_id"][r]) - 1
        org = int(stores["organization_id"][store]) - 1
        document_number = 0
        sales: list[dict[str, Any]] = []
        # Certificates sold here, oldest first: [number, balance, last valid day].
        certificates: list[list[Any]] = []
        # Points a card earned at this register so far: what it may spend here. Summed over the
        # registers this never exceeds a card's balance at any moment, whatever the order.
        balances: dict[str, int] = {}
        for offset in range(WINDOW_DAYS, 0, -1):
            day = as_of - dt.timedelta(days=offset)
            rate = _general_rate(day)
            mean = RECEIPTS_PER_REGISTER_DAY * scale_factor * WEEKDAY_FACTORS[day.weekday()]
            count = int(rng.poisson(mean))
            moments = sorted(
                dt.datetime.combine(day, dt.time(FIRST_HOUR + int(h), int(m), int(s)))
                for h, m, s in zip(
                    rng.choice(len(hours), count, p=hours),
                    rng.integers(0, 60, count),
                    rng.integers(0, 60, count),
                    strict=True,
                )
            )
            receipts: list[dict[str, Any]] = []
            for moment in moments:
                document_number += 1
                draw = rng.random()
                operation = 1
                redeem = 0
                redeemed_number = None
                if draw < CERTIFICATE_SALE_SHARE and certificate_number < pool:
                    certificate_number += 1
                    rng.choice(CERTIFICATE_NOMINALS)  # the draw the stream had before
                    _, nominal, validity = CERTIFICATE_SERIES[
                        certificate_series(certificate_number) - 1
                    ]
                    certificates.append(
                        [
                            certificate_number_text(certificate_number),
                            nominal,
                            day + dt.timedelta(days=validity),
                        ]
                    )
                    items = [
                        _item(
                            f"Подарочный сертификат №{certificate_number_text(certificate_number)}",
                            nominal,
                            1,
                            nominal,
                            3,
                            rate,
                            3,
                            10,
                        )
                    ]
                elif draw < CERTIFICATE_SALE_SHARE + RETURN_SHARE and sales:
                    operation = 2
                    items = [dict(sales[int(rng.integers(0, len(sales)))])]
                else:
                    items = []
                    for _ in range(int(rng.geometric(0.45))):
                        p = int(retail[rng.choice(len(retail), p=weights)])
                        price = round(prices[p] * 100)
                        quantity = 1 if rng.random() < 0.85 else int(rng.integers(2, 5))
                        food = products["gis_system"][p] == "vetis"
                        item = _item(
                            str(products["name"][p]),
                            price,
                            quantity,
                            price * quantity,
                            2 if food else 1,
                            10 if food else rate,
                            4,
                            33 if products["gis_system"][p] == "gismt" else 1,
                        )
                        barcode = str(products["barcode"][p])
                        if products["gis_system"][p] == "gismt":
                            serial = f"{int(rng.integers(0, 36**6)):06x}"
                            item["productCodeNew"] = {
                                "gs1m": {
                                    "rawProductCode": f"01{int(barcode):014d}21{serial}",
                                    "productIdType": 6,
                                }
                            }
                        else:
                            item["productCodeNew"] = {
                                "ean13": {"rawProductCode": barcode, "productIdType": 3}
                            }
                        items.append(item)
                    sales.extend(items)
                    # A certificate pays up to its balance; what is left stays on it until
                    # it expires (an expired one pays nothing: it leaves the queue).
                    while certificates and certificates[0][2] < day:
                        certificates.pop(0)
                    if certificates and rng.random() < CERTIFICATE_REDEMPTION_SHARE:
                        redeem = min(certificates[0][1], sum(item["sum"] for item in items))
                        redeemed_number = certificates[0][0]
                        certificates[0][1] -= redeem
                        if not certificates[0][1]:
                            certificates.pop(0)
                total = sum(item["sum"] for item in items)
                prepaid = redeem
                pays_cash = rng.random() < CASH_SHARE
                card = None
                provision = 0
                if operation == 1 and rng.random() < CARD_SHARE:
                    index = int(rng.choice(n_cards, p=card_weights))
                    card = card_number(index)
                    if card_programme(index) == BONUS_PROGRAMME_ID:
                        goods = sum(i["sum"] for i in items if i["paymentType"] == 4)
                        provision = _points_paid(
                            points_rng, balances.get(card, 0), goods, total - prepaid
                        )
                        balances[card] = (
                            balances.get(card, 0)
                            - provision // 100
                            + accrued_points(goods - provision)
                        )
                cash = total - prepaid - provision if pays_cash else 0
                general = sum(i["ndsSum"] for i in items if i["nds"] == 1)
                reduced = sum(i["ndsSum"] for i in items if i["nds"] == 2)
                calculated = sum(i["ndsSum"] for i in items if i["nds"] == 3)
                receipts.append(
                    {
                        "document": {
                            "receipt": {
                                "code": 3,
                                "fiscalDocumentFormatVer": 4,
                                "user": str(organizations["name"][org]),
                                "userInn": f"{organizations['inn'][org]:<12}",
                                "kktRegId": f"{reg_id:<20}",
                                "fiscalDriveNumber": drive,
                                "fiscalDocumentNumber": document_number,
                                "fiscalSign": int(rng.integers(10**9, 4 * 10**9)),
                                "shiftNumber": WINDOW_DAYS - offset + 1,
                                "requestNumber": len(receipts) + 1,
                                "dateTime": moment.isoformat(),
                                "operationType": operation,
                                "operator": "Кассир",
                                "retailPlace": str(stores["name"][store]),
                                "items": items,
                                "totalSum": total,
                                "cashTotalSum": cash,
                                "ecashTotalSum": total - prepaid - provision - cash,
                                "prepaidSum": prepaid,
                                "creditSum": 0,
                                "provisionSum": provision,
                                "nds18": general,
                                "nds10": reduced,
                                "ndsCalculated20": calculated,
                                **_properties(card, redeemed_number),
                            }
                        }
                    }
                )
            if receipts:
                files[f"{reg_id}_{day.isoformat()}.json"] = receipts
    return files


def _properties(card: str | None, certificate: str | None) -> dict[str, Any]:
    """The additional user requisites (1084): the loyalty card, the certificate that paid."""
    entries = []
    if card is not None:
        entries.append({"propertyName": "Карта лояльности", "propertyValue": card})
    if certificate is not None:
        entries.append({"propertyName": CERTIFICATE_PROPERTY, "propertyValue": certificate})
    if not entries:
        return {}
    return {"properties": entries[0] if len(entries) == 1 else entries}


def receipt_property(receipt: dict[str, Any], name: str) -> str | None:
    """The value of the receipt's additional user requisite (1084) called `name`."""
    properties = receipt.get("properties")
    entries = properties if isinstance(properties, list) else [properties] if properties else []
    return next((e["propertyValue"] for e in entries if e["propertyName"] == name), None)


def withdrawal_documents(files: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict]]:
    """File name -> the ГИС МТ doc info answer (doc/{id}/info?body=true) of the LK_RECEIPT
    documents withdrawing what each organization's receipts of one day sold, with the
    deliberate differences of UNREPORTED_EVERY, REJECTED_EVERY and EXTRA_EVERY."""
    sold: dict[tuple[str, str], list[tuple[str, int, str, str]]] = {}
    for name in sorted(files):
        for document in files[name]:
            receipt = document["document"]["receipt"]
            if receipt["operationType"] != 1:
                continue
            for item in receipt["items"]:
                code = item.get("productCodeNew", {}).get("gs1m", {}).get("rawProductCode")
                if code:
                    key = (receipt["userInn"].strip(), receipt["dateTime"][:10])
                    sold.setdefault(key, []).append(
                        (
                            code,
                            item["price"],
                            str(receipt["fiscalDocumentNumber"]),
                            receipt["dateTime"][:10],
                        )
                    )
    out: dict[str, list[dict]] = {}
    counter = 0
    for index, ((inn, day), codes) in enumerate(sorted(sold.items()), start=1):
        products = []
        for code, price, number, date in codes:
            counter += 1
            if counter % UNREPORTED_EVERY == 0:
                continue
            products.append(
                {
                    "cis": code,
                    "product_cost": price,
                    "primary_document_type": "RECEIPT",
                    "primary_document_number": number,
                    "primary_document_date": date,
                }
            )
        if index % EXTRA_EVERY == 0:
            products.append({"cis": codes[0][0][:18] + f"X{index:05d}", "product_cost": 100})
        rejected = index % REJECTED_EVERY == 0
        document_id = f"00000000-0000-4000-8000-{index:012d}"
        out[f"lk_receipt_{inn}_{day}.json"] = [
            {
                "number": document_id,
                "docDate": f"{day}T18:00:00.000Z",
                "receivedAt": f"{day}T18:05:00.000Z",
                "type": "LK_RECEIPT",
                "status": "CHECKED_NOT_OK" if rejected else "CHECKED_OK",
                "senderInn": inn,
                "productGroup": "lp",
                **({"errors": ["Код идентификации не в обороте"]} if rejected else {}),
                "body": {
                    "inn": inn,
                    "action": "RETAIL",
                    "action_date": day,
                    "document_type": "RECEIPT",
                    "document_number": f"Z-{day}",
                    "document_date": day,
                    "products": products,
                },
            }
        ]
    return out


def write_gismt_withdrawals(gismt_dir: Path, files: dict[str, list[dict[str, Any]]]) -> int:
    """Replace the previous seed's withdrawal files in `gismt_dir`; returns the files written."""
    gismt_dir.mkdir(parents=True, exist_ok=True)
    manifest = gismt_dir / WITHDRAWALS_MANIFEST
    if manifest.exists():
        for name in json.loads(manifest.read_text(encoding="utf-8")):
            (gismt_dir / Path(name).name).unlink(missing_ok=True)
    documents = withdrawal_documents(files)
    manifest.write_text(json.dumps(sorted(documents)), encoding="utf-8")
    for name, content in documents.items():
        temporary = gismt_dir / f"{name}.tmp"
        temporary.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, gismt_dir / name)
    return len(documents)


def write_ofd_inbox(
    inbox_dir: Path,
    tables: Sequence[TableData],
    seed: int,
    as_of: dt.date,
    scale_factor: float = 1.0,
    gismt_dir: Path | None = None,
) -> dict[str, int]:
    """Write the receipt files; returns {"files": n, "receipts": n, "lines": n} (and
    "withdrawal_files" when `gismt_dir` is given: the ГИС МТ withdrawals of the marked goods
    sold, written there)."""
    inbox_dir.mkdir(parents=True, exist_ok=True)
    manifest = inbox_dir / MANIFEST_NAME
    if manifest.exists():
        for name in json.loads(manifest.read_text(encoding="utf-8")):
            (inbox_dir / Path(name).name).unlink(missing_ok=True)
    files = receipt_documents(tables, seed, as_of, scale_factor)
    receipts = lines = 0
    for name, documents in files.items():
        temporary = inbox_dir / f"{name}.tmp"
        temporary.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, inbox_dir / name)
        receipts += len(documents)
        lines += sum(len(d["document"]["receipt"]["items"]) for d in documents)
    manifest.write_text(json.dumps(sorted(files)), encoding="utf-8")
    counts = {"files": len(files), "receipts": receipts, "lines": lines}
    if gismt_dir is not None:
        counts["withdrawal_files"] = write_gismt_withdrawals(gismt_dir, files)
    return counts
