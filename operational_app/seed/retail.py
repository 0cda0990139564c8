"""Retail for the demo seed: stores, cash registers, product barcodes, and the ОФД receipt
exports `crm seed` drops into `data/inbox/ofd/` (issue 21).

The shop floor grows with the seed scale (`retail_profile`): 4 stores of 2 cash registers and
4 weeks of receipts at demo, up to ~90 stores of 4 registers and 6 weeks at large (over 10M
receipt lines). Stores sell from the seeded warehouses (several stores may share one) for the
seeded organizations. Shoppers arrive at `RECEIPTS_PER_DAY` × scale a day in all, spread over
the registers, with a weekly (`WEEKDAY_FACTORS`) and an hourly (`HOUR_WEIGHTS`) profile. For
each register and day one file holds that day's receipts as the ОФД exports them (ФНС JSON:
`[{"document": {"receipt": ...}}]`, field names of ingestion/ofd/receipts.py). A few receipts are
returns, a few sell a gift certificate (an advance: paymentType 3) and a few are paid in part by
one sold earlier at the same register (prepaidSum, up to its balance). VAT is what the receipt
states: the general rate 20% until 2025 and 22% from 2026, 10% for food. About CARD_SHARE of
the sale receipts show a loyalty card.

Generation is vectorized a day at a time over all registers (numpy draws, JSON text assembled
by polars) and streamed to disk, so the large scale takes minutes, not hours; only the rare
certificate receipts go through a Python loop. Files are written under a temporary name and
renamed (the loader skips in-flight names); a hidden manifest, written first, lists them so
the next seed removes exactly those files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from operational_app.seed.generator import TableData, _tracked

RETAIL_TABLES: Final = (
    "stores",
    "cash_registers",
    "loyalty_programmes",
    "discount_cards",
    "loyalty_point_adjustments",
)
WINDOW_DAYS: Final = 28
REGISTERS_PER_STORE: Final = 2
DEMO_STORES: Final = 4
MAX_STORES: Final = 100
# Receipts a day over all registers at scale demo (2 000 deals: 4 stores × 2 registers × 30);
# proportional to the scale above.
RECEIPTS_PER_DAY: Final = 240
MAX_RETAIL_PRICE: Final = 15_000.0  # rubles: the warehouse catalogue's shop-floor goods
RETURN_SHARE: Final = 0.03
CERTIFICATE_SALE_SHARE: Final = 0.01
CERTIFICATE_REDEMPTION_SHARE: Final = 0.05
CERTIFICATE_NOMINALS: Final = (100_000, 300_000, 500_000)  # kopecks
CASH_SHARE: Final = 0.35
# Sale receipts that show a loyalty card, and cardholders per register at demo scale: a few
# cards come back often (weights ~ 1/rank), most rarely.
CARD_SHARE: Final = 0.45
CARDHOLDERS_PER_REGISTER: Final = 120
DEMO_REGISTERS: Final = DEMO_STORES * REGISTERS_PER_STORE
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
BASKET_P: Final = 0.45  # items per sale receipt: geometric, mean 1 / BASKET_P
CARD_PROPERTY: Final = "Карта лояльности"


@dataclass(frozen=True)
class RetailProfile:
    """The shop floor at a seed scale: stores, registers per store, days of receipts."""

    stores: int
    registers_per_store: int
    window_days: int


def retail_profile(scale_factor: float) -> RetailProfile:
    """Demo and below: 4 stores × 2 registers, 4 weeks; more and busier stores above, and six
    weeks at large (scale factor 500), which puts the receipt lines over ten million."""
    if scale_factor <= 1:
        return RetailProfile(DEMO_STORES, REGISTERS_PER_STORE, WINDOW_DAYS)
    stores = min(MAX_STORES, max(DEMO_STORES, round(DEMO_STORES * math.sqrt(scale_factor))))
    return RetailProfile(
        stores, 3 if scale_factor <= 10 else 4, 42 if scale_factor >= 250 else WINDOW_DAYS
    )


def _by_name(tables: Sequence[TableData]) -> dict[str, TableData]:
    return {table.name: table for table in tables}


def ean13(body: int) -> str:
    """A valid EAN-13 for a 12-digit body (the check digit of GS1)."""
    digits = f"{body:012d}"
    odd = sum(int(d) for d in digits[0::2])
    even = sum(int(d) for d in digits[1::2])
    return digits + str((10 - (odd + 3 * even) % 10) % 10)


_NET: Final = re.compile(r"(\d+(?:,\d+)?)\s*(кг|г|мл|л)(?![а-яё])")
_NET_FACTORS: Final = {"г": (1, "g"), "кг": (1000, "g"), "мл": (1, "ml"), "л": (1000, "ml")}


def net_quantity(name: str, gis_system: object) -> tuple[float, str] | None:
    """Net grams or millilitres of packaged food, drink or oil, from the quantity its name
    states ("Кефир 1% 0,9 л" -> (900.0, "ml")); None for other goods."""
    if gis_system not in ("vetis", "egais") and not name.startswith("Масло"):
        return None
    found = _NET.search(name)
    if found is None:
        return None
    factor, unit = _NET_FACTORS[found.group(2)]
    return float(found.group(1).replace(",", ".")) * factor, unit


def card_count(scale_factor: float = 1.0) -> int:
    """How many loyalty cards the seed issues (the receipts draw from them)."""
    return max(1, round(CARDHOLDERS_PER_REGISTER * DEMO_REGISTERS * scale_factor))


def card_number(index: int) -> str:
    return f"77{index:011d}"


def card_programme(index: int) -> int:
    return DISCOUNT_PROGRAMME_ID if index % 5 == 4 else BONUS_PROGRAMME_ID


def accrued_points(money_kopecks: int) -> int:
    """Whole points a bonus card earns on goods paid in money (kopecks), rounded down."""
    return max(0, money_kopecks * ACCRUAL_PERCENT // 10_000)


def _loyalty_tables(
    tables: Sequence[TableData], scale_factor: float, as_of: dt.date
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
    n_cards = card_count(scale_factor)
    index = np.arange(n_cards)
    window = retail_profile(scale_factor).window_days
    issued = [as_of - dt.timedelta(days=window + 1 + (7 * i) % 700) for i in range(n_cards)]
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
    nets = [
        net_quantity(str(name), gis)
        for name, gis in zip(products.columns["name"], products.columns["gis_system"], strict=True)
    ]
    products.columns["net_quantity"] = [None if net is None else net[0] for net in nets]
    products.columns["net_unit"] = [None if net is None else net[1] for net in nets]
    warehouses = named["warehouses"]
    organizations = named["organizations"]
    profile = retail_profile(scale_factor)
    n_stores = profile.stores
    n_warehouses = len(warehouses)
    warehouse_index = np.arange(n_stores) % n_warehouses
    created = np.asarray(warehouses.columns["created_at"]).astype(np.int64)[warehouse_index]
    names = [str(name).removeprefix("Склад ") for name in warehouses.columns["name"]]
    stores = _tracked(
        "stores",
        {
            # Stores beyond the warehouses' count share a warehouse and are numbered.
            "name": [
                f"Магазин «{names[w]}»"
                + (f" №{i // n_warehouses + 1}" if i >= n_warehouses else "")
                for i, w in enumerate(warehouse_index)
            ],
            "address": [None] * n_stores,
            "organization_id": np.arange(n_stores, dtype=np.int64) % len(organizations) + 1,
            "warehouse_id": (warehouse_index + 1).astype(np.int64),
        },
        created,
    )
    per_store = profile.registers_per_store
    n_registers = n_stores * per_store
    registers = _tracked(
        "cash_registers",
        {
            "store_id": np.repeat(np.arange(1, n_stores + 1, dtype=np.int64), per_store),
            "registration_number": [
                f"{7_795_807_005_569 + 1_117 * i:016d}" for i in range(n_registers)
            ],
            "fiscal_drive_number": [
                f"{9_960_440_300_000_001 + i:016d}" for i in range(n_registers)
            ],
            "ofd_name": ["ООО «Такском»"] * n_registers,
            "ofd_inn": ["7704211201"] * n_registers,
        },
        np.repeat(created, per_store),
    )
    as_of = as_of or dt.date(2026, 12, 1)
    return [
        *tables,
        stores,
        registers,
        *_loyalty_tables(tables, scale_factor, as_of),
    ]


def _general_rate(day: dt.date) -> int:
    return 20 if day < dt.date(2026, 1, 1) else 22


def _vat(amounts: np.ndarray, rates: np.ndarray) -> np.ndarray:
    return np.rint(amounts * rates / (100 + rates)).astype(np.int64)


def _quoted(values: Sequence[object]) -> list[str]:
    return [json.dumps(str(value), ensure_ascii=False) for value in values]


@dataclass
class _Floor:
    """What every day's receipts draw from: the catalogue, the registers, the cards, and the
    state carried from day to day (document numbers, certificates, points balances)."""

    products: np.ndarray  # indices of the shop-floor goods
    weights: np.ndarray
    price: np.ndarray  # kopecks, per product index
    is_food: np.ndarray
    is_marked: np.ndarray
    item_name: list[str]  # JSON strings
    item_code: list[str]  # ',"productCodeNew":{...' up to where a serial goes, or the whole
    register_names: list[str]
    register_header: list[str]
    n_cards: int
    card_weights: np.ndarray
    documents: np.ndarray  # fiscal document numbers used so far, per register
    certificates: dict[int, list[int]]  # balances of certificates sold, oldest first
    certificates_sold: int
    balance: np.ndarray  # whole points per card
    last_purchase: np.ndarray  # day number (date.toordinal) of a card's last purchase, or -1


def _floor(tables: Sequence[TableData]) -> _Floor:
    named = _by_name(tables)
    products = named["products"].columns
    registers = named["cash_registers"].columns
    stores = named["stores"].columns
    organizations = named["organizations"].columns
    prices = np.asarray(products["base_price"], dtype=float)
    retail = np.flatnonzero(prices <= MAX_RETAIL_PRICE)
    weights = 1 / np.sqrt(prices[retail])
    gis = [str(value) for value in products["gis_system"]]
    barcodes = [str(code) for code in products["barcode"]]
    codes = [
        f',"productCodeNew":{{"gs1m":{{"rawProductCode":"01{int(code):014d}21'
        if system == "gismt"
        else f',"productCodeNew":{{"ean13":{{"rawProductCode":"{code}","productIdType":3}}}}'
        for code, system in zip(barcodes, gis, strict=True)
    ]
    headers = []
    names = []
    for r in range(len(registers["id"])):
        reg_id = str(registers["registration_number"][r])
        store = int(registers["store_id"][r]) - 1
        org = int(stores["organization_id"][store]) - 1
        names.append(reg_id)
        headers.append(
            '{"document":{"receipt":{"code":3,"fiscalDocumentFormatVer":4,'
            f'"user":{_quoted([organizations["name"][org]])[0]},'
            f'"userInn":"{organizations["inn"][org]:<12}","kktRegId":"{reg_id:<20}",'
            f'"fiscalDriveNumber":"{registers["fiscal_drive_number"][r]}",'
            f'"operator":"Кассир","retailPlace":{_quoted([stores["name"][store]])[0]},'
            '"creditSum":0,'
        )
    n_cards = len(named["discount_cards"]) if "discount_cards" in named else card_count()
    card_weights = 1 / np.arange(1, n_cards + 1)
    return _Floor(
        products=retail,
        weights=weights / weights.sum(),
        price=np.rint(prices * 100).astype(np.int64),
        is_food=np.array([system == "vetis" for system in gis]),
        is_marked=np.array([system == "gismt" for system in gis]),
        item_name=_quoted(products["name"]),
        item_code=codes,
        register_names=names,
        register_header=headers,
        n_cards=n_cards,
        card_weights=card_weights / card_weights.sum(),
        documents=np.zeros(len(names), dtype=np.int64),
        certificates={},
        certificates_sold=0,
        balance=np.zeros(n_cards, dtype=np.int64),
        last_purchase=np.full(n_cards, -1, dtype=np.int64),
    )


def _day_files(
    floor: _Floor, rng: np.random.Generator, day: dt.date, shift: int, per_register: float
) -> Iterator[tuple[str, str, int, int]]:
    """(file name, JSON text, receipts, lines) of one day, one file per register that sold."""
    n_registers = len(floor.register_names)
    counts = rng.poisson(per_register * WEEKDAY_FACTORS[day.weekday()], n_registers)
    n = int(counts.sum())
    if n == 0:
        return
    register = np.repeat(np.arange(n_registers), counts)
    hours = np.array(HOUR_WEIGHTS, dtype=float) / sum(HOUR_WEIGHTS)
    seconds = (
        (FIRST_HOUR + rng.choice(len(hours), n, p=hours)) * 3600
        + rng.integers(0, 60, n) * 60
        + rng.integers(0, 60, n)
    )
    order = np.lexsort((seconds, register))
    seconds = seconds[order]  # registers stay grouped (np.repeat), in time order within each
    starts = np.cumsum(counts) - counts
    rank = np.arange(n) - np.repeat(starts, counts)
    document = floor.documents[register] + rank + 1
    floor.documents += counts
    draw = rng.random(n)
    certificate_sale = draw < CERTIFICATE_SALE_SHARE
    is_return = ~certificate_sale & (draw < CERTIFICATE_SALE_SHARE + RETURN_SHARE)
    sale = ~certificate_sale & ~is_return
    n_items = np.where(sale, rng.geometric(BASKET_P, n), 1)
    item_receipt = np.repeat(np.arange(n), n_items)
    m = int(n_items.sum())
    product = floor.products[rng.choice(floor.products.size, m, p=floor.weights)]
    quantity = np.where(rng.random(m) < 0.85, 1, rng.integers(2, 5, m))
    rate = _general_rate(day)
    price = floor.price[product]
    nds = np.where(floor.is_food[product], 2, 1)
    item_rate = np.where(floor.is_food[product], 10, rate)
    payment_type = np.full(m, 4)
    product_type = np.where(floor.is_marked[product], 33, 1)
    names = np.array(floor.item_name, dtype=object)[product]
    codes = np.array(floor.item_code, dtype=object)[product]
    serials = rng.integers(0, 10**13, m)
    # A certificate sale's one item: the certificate, an advance (paymentType 3).
    sold = np.flatnonzero(certificate_sale[item_receipt])
    nominal = rng.choice(CERTIFICATE_NOMINALS, sold.size)
    price[sold], quantity[sold], nds[sold] = nominal, 1, 3
    item_rate[sold], payment_type[sold], product_type[sold] = rate, 3, 10
    numbers = floor.certificates_sold + np.arange(1, sold.size + 1)
    floor.certificates_sold += sold.size
    names[sold] = [f'"Подарочный сертификат №{number:06d}"' for number in numbers]
    codes[sold] = ""
    line_sum = price * quantity
    nds_sum = _vat(line_sum, item_rate)
    total = np.bincount(item_receipt, weights=line_sum, minlength=n).astype(np.int64)
    goods = np.where(certificate_sale, 0, total)

    def by_code(code: int) -> np.ndarray:
        weights = np.where(nds == code, nds_sum, 0)
        return np.bincount(item_receipt, weights=weights, minlength=n).astype(np.int64)

    # Certificates: sold and redeemed in time order per register (rare: a Python loop).
    prepaid = np.zeros(n, dtype=np.int64)
    wants = sale & (rng.random(n) < CERTIFICATE_REDEMPTION_SHARE)
    for i in np.flatnonzero(certificate_sale | wants):
        balances = floor.certificates.setdefault(int(register[i]), [])
        if certificate_sale[i]:
            balances.append(int(total[i]))
        elif balances:
            prepaid[i] = min(balances[0], int(total[i]))
            balances[0] -= int(prepaid[i])
            if not balances[0]:
                balances.pop(0)
    # Loyalty cards; a bonus card pays with points at most once a day, within its balance at
    # the day's start, so no moment of the day sees it spend more than it has. Points burn
    # POINTS_VALIDITY_DAYS after a purchase with none following within that time.
    today = day.toordinal()
    burnt = (floor.last_purchase >= 0) & (floor.last_purchase + POINTS_VALIDITY_DAYS < today)
    floor.balance[burnt] = 0
    has_card = ~is_return & (rng.random(n) < CARD_SHARE)
    card = np.full(n, -1)
    card[has_card] = rng.choice(floor.n_cards, int(has_card.sum()), p=floor.card_weights)
    bonus = has_card & (card % 5 != 4)
    provision = np.zeros(n, dtype=np.int64)
    asks = np.flatnonzero(bonus & (goods > 0) & (rng.random(n) < POINTS_REDEMPTION_SHARE))
    asks = asks[floor.balance[card[asks]] > 0]
    _, first = np.unique(card[asks], return_index=True)
    asks = asks[first]
    cap = np.minimum.reduce(
        [
            floor.balance[card[asks]] * 100,
            goods[asks] * MAX_REDEMPTION_PERCENT // 100,
            total[asks] - prepaid[asks],
        ]
    )
    provision[asks] = cap // 100 * 100
    earning = np.flatnonzero(bonus)
    np.add.at(
        floor.balance,
        card[earning],
        np.maximum(0, (goods[earning] - provision[earning]) * ACCRUAL_PERCENT // 10_000)
        - provision[earning] // 100,
    )
    floor.last_purchase[card[has_card & (goods > 0)]] = today
    pays_cash = rng.random(n) < CASH_SHARE
    payable = total - prepaid - provision
    cash = np.where(pays_cash, payable, 0)
    fiscal_sign = rng.integers(10**9, 4 * 10**9, n)

    items = pl.DataFrame(
        {
            "receipt": item_receipt,
            "name": pl.Series(names, dtype=pl.String),
            "code": pl.Series(codes, dtype=pl.String),
            "serial": serials,
            "marked": product_type == 33,
            "price": price,
            "quantity": quantity,
            "sum": line_sum,
            "nds": nds,
            "ndsSum": nds_sum,
            "paymentType": payment_type,
            "productType": product_type,
        }
    )
    item_text = items.select(
        "receipt",
        pl.concat_str(
            [
                pl.lit('{"name":'),
                pl.col("name"),
                *[
                    piece
                    for field in (
                        "price",
                        "quantity",
                        "sum",
                        "nds",
                        "ndsSum",
                        "paymentType",
                        "productType",
                    )
                    for piece in (pl.lit(f',"{field}":'), pl.col(field).cast(pl.String))
                ],
                pl.col("code"),
                pl.when(pl.col("marked"))
                .then(
                    pl.concat_str(
                        [
                            pl.col("serial").cast(pl.String).str.zfill(13),
                            pl.lit('","productIdType":6}}'),
                        ]
                    )
                )
                .otherwise(pl.lit("")),
                pl.lit("}"),
            ]
        ).alias("item"),
    )
    per_receipt = item_text.group_by("receipt", maintain_order=True).agg(
        pl.col("item").str.join(",")
    )
    clock = [pl.col(part).cast(pl.String).str.zfill(2) for part in ("hour", "minute", "second")]
    receipts = pl.DataFrame(
        {
            "register": register,
            "header": pl.Series(
                np.array(floor.register_header, dtype=object)[register], dtype=pl.String
            ),  # fmt: skip
            "fiscalDocumentNumber": document,
            "fiscalSign": fiscal_sign,
            "requestNumber": rank + 1,
            "hour": seconds // 3600,
            "minute": seconds // 60 % 60,
            "second": seconds % 60,
            "operationType": np.where(is_return, 2, 1),
            "totalSum": total,
            "cashTotalSum": cash,
            "ecashTotalSum": payable - cash,
            "prepaidSum": prepaid,
            "provisionSum": provision,
            "nds18": by_code(1),
            "nds10": by_code(2),
            "ndsCalculated20": by_code(3),
            "card": card,
        }
    ).with_columns(per_receipt["item"])
    numbers = (
        "fiscalDocumentNumber",
        "fiscalSign",
        "requestNumber",
        "operationType",
        "totalSum",
        "cashTotalSum",
        "ecashTotalSum",
        "prepaidSum",
        "provisionSum",
        "nds18",
        "nds10",
        "ndsCalculated20",
    )
    receipt_text = receipts.select(
        "register",
        pl.concat_str(
            [
                pl.col("header"),
                pl.lit(f'"shiftNumber":{shift},"dateTime":"{day.isoformat()}T'),
                clock[0],
                pl.lit(":"),
                clock[1],
                pl.lit(":"),
                clock[2],
                pl.lit('"'),
                *[
                    piece
                    for field in numbers
                    for piece in (pl.lit(f',"{field}":'), pl.col(field).cast(pl.String))
                ],
                pl.when(pl.col("card") >= 0)
                .then(
                    pl.concat_str(
                        [
                            pl.lit(
                                f',"properties":{{"propertyName":"{CARD_PROPERTY}",'
                                '"propertyValue":"77'
                            ),
                            pl.col("card").cast(pl.String).str.zfill(11),
                            pl.lit('"}'),
                        ]
                    )
                )
                .otherwise(pl.lit("")),
                pl.lit(',"items":['),
                pl.col("item"),
                pl.lit("]}}}"),
            ]
        ).alias("receipt"),
    )
    per_file = receipt_text.group_by("register", maintain_order=True).agg(
        pl.col("receipt").str.join(","), pl.len().alias("receipts")
    )
    lines_per_register = np.bincount(register[item_receipt], minlength=n_registers)
    for reg, text, count in per_file.iter_rows():
        name = f"{floor.register_names[reg]}_{day.isoformat()}.json"
        yield name, f"[{text}]", count, int(lines_per_register[reg])


def receipt_files(
    tables: Sequence[TableData],
    seed: int,
    as_of: dt.date,
    scale_factor: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[str, str, int, int]]:
    """(file name, JSON text, receipts, lines) per register and day, deterministic, a day at a
    time (oldest first); `progress(days done, days)` after each day."""
    floor = _floor(tables)
    window = retail_profile(scale_factor).window_days
    per_register = RECEIPTS_PER_DAY * scale_factor / len(floor.register_names)
    rng = np.random.default_rng([seed, _RNG_STREAM])
    for done, offset in enumerate(range(window, 0, -1), start=1):
        day = as_of - dt.timedelta(days=offset)
        yield from _day_files(floor, rng, day, window - offset + 1, per_register)
        if progress is not None:
            progress(done, window)


def write_ofd_inbox(
    inbox_dir: Path,
    tables: Sequence[TableData],
    seed: int,
    as_of: dt.date,
    scale_factor: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the receipt files; returns {"files": n, "receipts": n, "lines": n}."""
    inbox_dir.mkdir(parents=True, exist_ok=True)
    manifest = inbox_dir / MANIFEST_NAME
    if manifest.exists():
        for name in json.loads(manifest.read_text(encoding="utf-8")):
            (inbox_dir / Path(name).name).unlink(missing_ok=True)
    # Every name this seed may write, listed before any is written: an interrupted seed's
    # files are still the next seed's to remove.
    registers = [str(r) for r in _by_name(tables)["cash_registers"].columns["registration_number"]]
    window = retail_profile(scale_factor).window_days
    days = [as_of - dt.timedelta(days=offset) for offset in range(window, 0, -1)]
    manifest.write_text(
        json.dumps(sorted(f"{r}_{d.isoformat()}.json" for r in registers for d in days)),
        encoding="utf-8",
    )
    files = receipts = lines = 0
    for name, text, count, line_count in receipt_files(tables, seed, as_of, scale_factor, progress):
        temporary = inbox_dir / f"{name}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, inbox_dir / name)
        files += 1
        receipts += count
        lines += line_count
    return {"files": files, "receipts": receipts, "lines": lines}
