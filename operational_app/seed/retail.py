"""Retail for the demo seed: stores, cash registers, product barcodes, and the ОФД receipt
exports `crm seed` drops into `data/inbox/ofd/` (issue 21).

The shop floor grows with the seed scale (`retail_profile`): 4 stores of 2 cash registers and 4
weeks of receipts at demo, up to ~90 stores of 4 registers and 6 weeks at large (over 10M receipt
lines). Stores sell from the seeded warehouses (several stores may share one) for the seeded
organizations. Shoppers arrive at `RECEIPTS_PER_DAY` × scale a day in all, spread over the
registers, with a weekly (`WEEKDAY_FACTORS`) and an hourly (`HOUR_WEIGHTS`) profile. For each
register and day one file holds that day's receipts as the ОФД exports them (ФНС JSON:
`[{"document": {"receipt": ...}}]`, field names of ingestion/ofd/receipts.py). A few receipts are
returns (of an item the register sold on an earlier day), a few sell a gift certificate (an
advance: paymentType 3) and a few are paid in part by one sold earlier at the same register
(prepaidSum, up to its balance). Certificates come from the certificate register the seed fills
(gift_certificates, of the CERTIFICATE_SERIES), sold in number order at their series' nominal; one
pays only until its validity ends, and the receipt it pays names it (the 1084 property
CERTIFICATE_PROPERTY). VAT is what the receipt states: the general rate 20% until 2025 and 22% from
2026, 10% for food. About CARD_SHARE of the sale receipts show a loyalty card. Marked goods carry
their identification code (gs1m, with a serial); given a ГИС МТ folder, the seed writes the
LK_RECEIPT documents withdrawing the codes sold and the LP_RETURN documents returning to
circulation the codes customers brought back, with deliberate differences
(`withdrawal_documents`).

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
from typing import Any, Final

import numpy as np
import polars as pl

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
DEMO_STORES: Final = 4
MAX_STORES: Final = 100
# Receipts a day over all registers at scale demo (2 000 deals: 4 stores × 2 registers × 30);
# proportional to the scale above.
RECEIPTS_PER_DAY: Final = 240
MAX_RETAIL_PRICE: Final = 15_000.0  # rubles: the warehouse catalogue's shop-floor goods
RETURN_SHARE: Final = 0.03
CERTIFICATE_SALE_SHARE: Final = 0.01
CERTIFICATE_REDEMPTION_SHARE: Final = 0.05
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
# A marked item a customer brings back (a sale return receipt), withdrawn by an accepted
# LK_RECEIPT, is returned to circulation by one LP_RETURN document per organization and day of
# the returns (body as True API clients build it, see ingestion/gis/gismt.py), except
# deliberate differences: every UNRETURNED_EVERY-th such code from the second is left out and
# every REFUSED_RETURN_EVERY-th document from the second is refused (so even a tiny seed with
# a few returns has both); either leaves a code returned by receipt still withdrawn.
UNRETURNED_EVERY: Final = 5
REFUSED_RETURN_EVERY: Final = 4
WITHDRAWALS_MANIFEST: Final = ".crm-seed-withdrawals.json"
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
# A return gives back one item the register sold on an earlier day (a marked item keeps the
# code it was sold with), drawn from the register's last RETURNABLE_LINES sold goods lines.
RETURNABLE_LINES: Final = 256
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


def certificate_series(k: int) -> int:
    """Series id (1-based) of certificate number k: the promo series every fourth."""
    return 4 if k % 4 == 0 else k % 4


def certificate_number_text(k: int) -> str:
    return f"{k:06d}"


def certificate_pool(scale_factor: float = 1.0) -> int:
    """Printed certificates in the register: well above what the receipts sell."""
    expected = RECEIPTS_PER_DAY * scale_factor * retail_profile(scale_factor).window_days
    return int(expected * CERTIFICATE_SALE_SHARE * 2) + 10


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
        *_certificate_tables(scale_factor, as_of),
    ]


def _certificate_tables(scale_factor: float, as_of: dt.date) -> list[TableData]:
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
    pool = certificate_pool(scale_factor)
    numbers = range(1, pool + 1)
    window = retail_profile(scale_factor).window_days
    issued = as_of - dt.timedelta(days=window + 30)
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


def _vat(amounts: np.ndarray, rates: np.ndarray) -> np.ndarray:
    return np.rint(amounts * rates / (100 + rates)).astype(np.int64)


def _quoted(values: Sequence[object]) -> list[str]:
    return [json.dumps(str(value), ensure_ascii=False) for value in values]


def _properties_text() -> pl.Expr:
    """The receipt's additional user requisites (1084) as JSON text: the loyalty card shown
    (column card, -1 for none) and the certificate that paid (column certificate, -1 for
    none); one property as an object, two as a list, none left out."""
    card = pl.concat_str(
        [
            pl.lit(f'{{"propertyName":"{CARD_PROPERTY}","propertyValue":"77'),
            pl.col("card").cast(pl.String).str.zfill(11),
            pl.lit('"}'),
        ]
    )
    certificate = pl.concat_str(
        [
            pl.lit(f'{{"propertyName":"{CERTIFICATE_PROPERTY}","propertyValue":"'),
            pl.col("certificate").cast(pl.String).str.zfill(6),
            pl.lit('"}'),
        ]
    )
    has_card = pl.col("card") >= 0
    has_certificate = pl.col("certificate") >= 0
    return (
        pl.when(has_card & has_certificate)
        .then(
            pl.concat_str([pl.lit(',"properties":['), card, pl.lit(","), certificate, pl.lit("]")])
        )
        .when(has_card)
        .then(pl.concat_str([pl.lit(',"properties":'), card]))
        .when(has_certificate)
        .then(pl.concat_str([pl.lit(',"properties":'), certificate]))
        .otherwise(pl.lit(""))
    )


def receipt_property(receipt: dict[str, Any], name: str) -> str | None:
    """The value of the receipt's additional user requisite (1084) called `name`."""
    properties = receipt.get("properties")
    entries = properties if isinstance(properties, list) else [properties] if properties else []
    return next((e["propertyValue"] for e in entries if e["propertyName"] == name), None)


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
    gs1_prefix: list[str]  # a marked product's code up to its serial ("01" GTIN "21"), or ""
    register_names: list[str]
    register_header: list[str]
    register_inn: list[str]
    n_cards: int
    card_weights: np.ndarray
    documents: np.ndarray  # fiscal document numbers used so far, per register
    # Per register, the certificates sold there, oldest first: [number, balance, last valid
    # day (date.toordinal)]; the register's pool is sold in number order until it runs out.
    certificates: dict[int, list[list[int]]]
    certificates_sold: int
    certificate_pool: int
    # Per register, a ring of its last RETURNABLE_LINES sold goods lines (product index,
    # quantity, serial), how many slots are filled and where the next line goes.
    sold_product: np.ndarray
    sold_quantity: np.ndarray
    sold_serial: np.ndarray
    sold_filled: np.ndarray
    sold_next: np.ndarray
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
    inns = []
    for r in range(len(registers["id"])):
        reg_id = str(registers["registration_number"][r])
        store = int(registers["store_id"][r]) - 1
        org = int(stores["organization_id"][store]) - 1
        names.append(reg_id)
        inns.append(str(organizations["inn"][org]).strip())
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
        gs1_prefix=[
            f"01{int(code):014d}21" if system == "gismt" else ""
            for code, system in zip(barcodes, gis, strict=True)
        ],
        register_names=names,
        register_header=headers,
        register_inn=inns,
        n_cards=n_cards,
        card_weights=card_weights / card_weights.sum(),
        documents=np.zeros(len(names), dtype=np.int64),
        certificates={},
        certificates_sold=0,
        # The printed certificates of the register (none without one).
        certificate_pool=len(named["gift_certificates"]) if "gift_certificates" in named else 0,
        sold_product=np.zeros((len(names), RETURNABLE_LINES), dtype=np.int64),
        sold_quantity=np.zeros((len(names), RETURNABLE_LINES), dtype=np.int64),
        sold_serial=np.zeros((len(names), RETURNABLE_LINES), dtype=np.int64),
        sold_filled=np.zeros(len(names), dtype=np.int64),
        sold_next=np.zeros(len(names), dtype=np.int64),
        balance=np.zeros(n_cards, dtype=np.int64),
        last_purchase=np.full(n_cards, -1, dtype=np.int64),
    )


def _remember_sold(
    floor: _Floor,
    line_register: np.ndarray,
    line_sold: np.ndarray,
    product: np.ndarray,
    quantity: np.ndarray,
    serial: np.ndarray,
) -> None:
    """Push a day's sold goods lines (grouped by register, in time order) into each
    register's ring of the last RETURNABLE_LINES, for later days' returns."""
    lines = np.flatnonzero(line_sold)
    if lines.size == 0:
        return
    register = line_register[lines]
    counts = np.bincount(register, minlength=floor.sold_filled.size)
    rank = np.arange(lines.size) - np.repeat(np.cumsum(counts) - counts, counts)[: lines.size]
    skip = np.maximum(0, counts - RETURNABLE_LINES)
    keep = rank >= skip[register]
    lines, register, rank = lines[keep], register[keep], rank[keep]
    slot = (floor.sold_next[register] + rank - skip[register]) % RETURNABLE_LINES
    floor.sold_product[register, slot] = product[lines]
    floor.sold_quantity[register, slot] = quantity[lines]
    floor.sold_serial[register, slot] = serial[lines]
    kept = np.minimum(counts, RETURNABLE_LINES)
    floor.sold_next = (floor.sold_next + kept) % RETURNABLE_LINES
    floor.sold_filled = np.minimum(RETURNABLE_LINES, floor.sold_filled + kept)


def _day_files(
    floor: _Floor,
    rng: np.random.Generator,
    day: dt.date,
    shift: int,
    per_register: float,
    marked: list[pl.DataFrame] | None = None,
) -> Iterator[tuple[str, str, int, int]]:
    """(file name, JSON text, receipts, lines) of one day, one file per register that sold;
    the marked codes the day's sale receipts sold go to `marked` when given (`_SOLD_CODES`)."""
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
    today = day.toordinal()
    draw = rng.random(n)
    # A certificate is sold only while the register's pool lasts (in number order).
    certificate_sale = draw < CERTIFICATE_SALE_SHARE
    left = floor.certificate_pool - floor.certificates_sold
    certificate_sale &= np.cumsum(certificate_sale) <= left
    # A return needs an earlier sale at its register to give back (else it is a sale).
    is_return = (
        ~certificate_sale
        & (draw < CERTIFICATE_SALE_SHARE + RETURN_SHARE)
        & (floor.sold_filled[register] > 0)
    )
    sale = ~certificate_sale & ~is_return
    n_items = np.where(sale, rng.geometric(BASKET_P, n), 1)
    item_receipt = np.repeat(np.arange(n), n_items)
    m = int(n_items.sum())
    product = floor.products[rng.choice(floor.products.size, m, p=floor.weights)]
    quantity = np.where(rng.random(m) < 0.85, 1, rng.integers(2, 5, m))
    serials = rng.integers(0, 10**13, m)
    returned = np.flatnonzero(is_return[item_receipt])
    returned_register = register[item_receipt[returned]]
    slot = (rng.random(returned.size) * floor.sold_filled[returned_register]).astype(np.int64)
    product[returned] = floor.sold_product[returned_register, slot]
    quantity[returned] = floor.sold_quantity[returned_register, slot]
    serials[returned] = floor.sold_serial[returned_register, slot]
    rate = _general_rate(day)
    price = floor.price[product]
    nds = np.where(floor.is_food[product], 2, 1)
    item_rate = np.where(floor.is_food[product], 10, rate)
    payment_type = np.full(m, 4)
    product_type = np.where(floor.is_marked[product], 33, 1)
    names = np.array(floor.item_name, dtype=object)[product]
    codes = np.array(floor.item_code, dtype=object)[product]
    # A certificate sale's one item: the next certificate of the register, an advance
    # (paymentType 3) at its series' nominal.
    sold = np.flatnonzero(certificate_sale[item_receipt])
    numbers = floor.certificates_sold + np.arange(1, sold.size + 1)
    floor.certificates_sold += sold.size
    series = np.array([certificate_series(int(k)) for k in numbers], dtype=np.int64) - 1
    nominal = np.array([nominal for _, nominal, _ in CERTIFICATE_SERIES], dtype=np.int64)[series]
    validity = np.array([days for _, _, days in CERTIFICATE_SERIES], dtype=np.int64)[series]
    price[sold], quantity[sold], nds[sold] = nominal, 1, 3
    item_rate[sold], payment_type[sold], product_type[sold] = rate, 3, 10
    names[sold] = [
        json.dumps(f"Подарочный сертификат №{certificate_number_text(int(k))}", ensure_ascii=False)
        for k in numbers
    ]
    codes[sold] = ""
    sold_number = dict(zip(item_receipt[sold].tolist(), numbers.tolist(), strict=True))
    sold_validity = dict(zip(item_receipt[sold].tolist(), validity.tolist(), strict=True))
    line_sum = price * quantity
    nds_sum = _vat(line_sum, item_rate)
    total = np.bincount(item_receipt, weights=line_sum, minlength=n).astype(np.int64)
    goods = np.where(certificate_sale, 0, total)

    def by_code(code: int) -> np.ndarray:
        weights = np.where(nds == code, nds_sum, 0)
        return np.bincount(item_receipt, weights=weights, minlength=n).astype(np.int64)

    # Certificates: sold and redeemed in time order per register (rare: a Python loop). One
    # pays up to its balance until its validity ends (an expired one leaves the queue unpaid);
    # the receipt it pays names it.
    prepaid = np.zeros(n, dtype=np.int64)
    redeemed = np.full(n, -1, dtype=np.int64)
    wants = sale & (rng.random(n) < CERTIFICATE_REDEMPTION_SHARE)
    for i in np.flatnonzero(certificate_sale | wants).tolist():
        queue = floor.certificates.setdefault(int(register[i]), [])
        if certificate_sale[i]:
            queue.append([sold_number[i], int(total[i]), today + sold_validity[i]])
            continue
        while queue and queue[0][2] < today:
            queue.pop(0)
        if queue:
            prepaid[i] = min(queue[0][1], int(total[i]))
            redeemed[i] = queue[0][0]
            queue[0][1] -= int(prepaid[i])
            if not queue[0][1]:
                queue.pop(0)
    # Loyalty cards; a bonus card pays with points at most once a day, within its balance at
    # the day's start, so no moment of the day sees it spend more than it has. Points burn
    # POINTS_VALIDITY_DAYS after a purchase with none following within that time.
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
            "certificate": redeemed,
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
                _properties_text(),
                pl.lit(',"items":['),
                pl.col("item"),
                pl.lit("]}}}"),
            ]
        ).alias("receipt"),
    )
    per_file = receipt_text.group_by("register", maintain_order=True).agg(
        pl.col("receipt").str.join(","), pl.len().alias("receipts")
    )
    _remember_sold(floor, register[item_receipt], sale[item_receipt], product, quantity, serials)
    if marked is not None:
        # The marked codes sold and returned (operationType 1 and 2), for the ГИС МТ documents.
        chosen = np.flatnonzero(product_type == 33)
        receipt_of = item_receipt[chosen]
        marked.append(
            pl.DataFrame(
                {
                    "inn": pl.Series(
                        np.array(floor.register_inn, dtype=object)[register[receipt_of]],
                        dtype=pl.String,
                    ),
                    "day": pl.Series([day.isoformat()] * chosen.size, dtype=pl.String),
                    "prefix": pl.Series(
                        np.array(floor.gs1_prefix, dtype=object)[product[chosen]], dtype=pl.String
                    ),
                    "serial": serials[chosen],
                    "price": price[chosen],
                    "number": document[receipt_of],
                    "operation": np.where(is_return[receipt_of], 2, 1),
                }
            ).select(
                "inn",
                "day",
                pl.concat_str(
                    [pl.col("prefix"), pl.col("serial").cast(pl.String).str.zfill(13)]
                ).alias("code"),
                "price",
                pl.col("number").cast(pl.String),
                "operation",
            )
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
    marked: list[pl.DataFrame] | None = None,
) -> Iterator[tuple[str, str, int, int]]:
    """(file name, JSON text, receipts, lines) per register and day, deterministic, a day at a
    time (oldest first); `progress(days done, days)` after each day. Given `marked`, each
    day's sold and returned marked codes are appended to it (inn, day, code, price, number,
    operation: kopecks, the receipt's fiscal document number and operationType)."""
    floor = _floor(tables)
    window = retail_profile(scale_factor).window_days
    per_register = RECEIPTS_PER_DAY * scale_factor / len(floor.register_names)
    rng = np.random.default_rng([seed, _RNG_STREAM])
    for done, offset in enumerate(range(window, 0, -1), start=1):
        day = as_of - dt.timedelta(days=offset)
        yield from _day_files(floor, rng, day, window - offset + 1, per_register, marked)
        if progress is not None:
            progress(done, window)


def _sold_codes(files: dict[str, list[dict[str, Any]]]) -> pl.DataFrame:
    """The marked codes the sale and sale return receipts of parsed receipt files sold and
    took back, in file order."""
    rows = []
    for name in sorted(files):
        for document in files[name]:
            receipt = document["document"]["receipt"]
            if receipt["operationType"] not in (1, 2):
                continue
            for item in receipt["items"]:
                code = item.get("productCodeNew", {}).get("gs1m", {}).get("rawProductCode")
                if code:
                    rows.append(
                        (
                            receipt["userInn"].strip(),
                            receipt["dateTime"][:10],
                            code,
                            item["price"],
                            str(receipt["fiscalDocumentNumber"]),
                            receipt["operationType"],
                        )
                    )
    return pl.DataFrame(
        rows,
        schema={
            "inn": pl.String,
            "day": pl.String,
            "code": pl.String,
            "price": pl.Int64,
            "number": pl.String,
            "operation": pl.Int64,
        },
        orient="row",
    )


def _withdrawals(marked: pl.DataFrame) -> dict[str, list[dict]]:
    """File name -> the ГИС МТ doc info answer (doc/{id}/info?body=true) of the LK_RECEIPT
    document withdrawing what one organization's receipts of one day sold (`marked`: inn, day,
    code, price, number, operation; the sales only), with the deliberate differences of
    UNREPORTED_EVERY, REJECTED_EVERY and EXTRA_EVERY."""
    out: dict[str, list[dict]] = {}
    sold = marked.filter(pl.col("operation") == 1)
    if sold.is_empty():
        return out
    counter = 0
    groups = sold.sort(["inn", "day"], maintain_order=True).partition_by(
        ["inn", "day"], maintain_order=True
    )
    for index, group in enumerate(groups, start=1):
        inn, day = group["inn"][0], group["day"][0]
        codes = group["code"].to_list()
        products = []
        for code, price, number in zip(
            codes, group["price"].to_list(), group["number"].to_list(), strict=True
        ):
            counter += 1
            if counter % UNREPORTED_EVERY == 0:
                continue
            products.append(
                {
                    "cis": code,
                    "product_cost": price,
                    "primary_document_type": "RECEIPT",
                    "primary_document_number": number,
                    "primary_document_date": day,
                }
            )
        if index % EXTRA_EVERY == 0:
            products.append({"cis": codes[0][:18] + f"X{index:05d}", "product_cost": 100})
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


def _returns_to_circulation(
    marked: pl.DataFrame, withdrawals: dict[str, list[dict]]
) -> dict[str, list[dict]]:
    """File name -> the doc info answer (doc/{id}/info?body=true) of the LP_RETURN document
    returning to circulation what one organization's sale return receipts of one day took
    back (`marked`: inn, day, code, price, number, operation; the returns only), each code
    once and only if an accepted withdrawal (`withdrawals`) took it out, with the deliberate
    differences of UNRETURNED_EVERY and REFUSED_RETURN_EVERY.

    Body fields as public True API clients build LP_RETURN (cited in ingestion/gis/gismt.py):
    trade_participant_inn, return_type RETAIL_RETURN, products_list[] of ki with the return
    receipt as its primary document."""
    withdrawn = {
        product["cis"]
        for documents in withdrawals.values()
        for document in documents
        if document["status"] == "CHECKED_OK"
        for product in document["body"]["products"]
    }
    returned = marked.filter(pl.col("operation") == 2)
    out: dict[str, list[dict]] = {}
    if returned.is_empty():
        return out
    counter = 0
    seen: set[str] = set()
    groups = returned.sort(["inn", "day"], maintain_order=True).partition_by(
        ["inn", "day"], maintain_order=True
    )
    index = 0
    for group in groups:
        inn, day = group["inn"][0], group["day"][0]
        products = []
        for code, number in zip(group["code"].to_list(), group["number"].to_list(), strict=True):
            if code not in withdrawn or code in seen:
                continue  # ГИС МТ refuses to return a code that is in circulation
            seen.add(code)
            counter += 1
            if counter % UNRETURNED_EVERY == 2:
                continue
            products.append(
                {
                    "ki": code,
                    "primary_document_type": "RECEIPT",
                    "primary_document_number": number,
                    "primary_document_date": day,
                }
            )
        if not products:
            continue
        index += 1
        refused = index % REFUSED_RETURN_EVERY == 2
        out[f"lp_return_{inn}_{day}.json"] = [
            {
                "number": f"00000000-0000-4000-9000-{index:012d}",
                "docDate": f"{day}T19:00:00.000Z",
                "receivedAt": f"{day}T19:05:00.000Z",
                "type": "LP_RETURN",
                "status": "CHECKED_NOT_OK" if refused else "CHECKED_OK",
                "senderInn": inn,
                "productGroup": "lp",
                **({"errors": ["Код идентификации находится в обороте"]} if refused else {}),
                "body": {
                    "trade_participant_inn": inn,
                    "return_type": "RETAIL_RETURN",
                    "products_list": products,
                },
            }
        ]
    return out


def _gismt_documents(marked: pl.DataFrame) -> dict[str, list[dict]]:
    withdrawals = _withdrawals(marked)
    return {**withdrawals, **_returns_to_circulation(marked, withdrawals)}


def withdrawal_documents(files: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict]]:
    """File name -> the LK_RECEIPT withdrawal documents (`_withdrawals`) of the marked goods
    the receipts of parsed receipt files (file name -> ФНС JSON) sold, and the LP_RETURN
    documents (`_returns_to_circulation`) of those customers brought back."""
    return _gismt_documents(_sold_codes(files))


def _write_withdrawals(gismt_dir: Path, documents: dict[str, list[dict]]) -> int:
    gismt_dir.mkdir(parents=True, exist_ok=True)
    manifest = gismt_dir / WITHDRAWALS_MANIFEST
    if manifest.exists():
        for name in json.loads(manifest.read_text(encoding="utf-8")):
            (gismt_dir / Path(name).name).unlink(missing_ok=True)
    manifest.write_text(json.dumps(sorted(documents)), encoding="utf-8")
    for name, content in documents.items():
        temporary = gismt_dir / f"{name}.tmp"
        temporary.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, gismt_dir / name)
    return len(documents)


def write_gismt_withdrawals(gismt_dir: Path, files: dict[str, list[dict[str, Any]]]) -> int:
    """Replace the previous seed's withdrawal and return to circulation files in `gismt_dir`
    with those of the parsed receipt files `files`; returns the files written."""
    return _write_withdrawals(gismt_dir, withdrawal_documents(files))


def write_ofd_inbox(
    inbox_dir: Path,
    tables: Sequence[TableData],
    seed: int,
    as_of: dt.date,
    scale_factor: float = 1.0,
    gismt_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the receipt files; returns {"files": n, "receipts": n, "lines": n} (and
    "withdrawal_files" when `gismt_dir` is given: the ГИС МТ withdrawals of the marked goods
    sold and returns to circulation of those brought back, written there)."""
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
    marked: list[pl.DataFrame] | None = None if gismt_dir is None else []
    for name, text, count, line_count in receipt_files(
        tables, seed, as_of, scale_factor, progress, marked
    ):
        temporary = inbox_dir / f"{name}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, inbox_dir / name)
        files += 1
        receipts += count
        lines += line_count
    counts = {"files": files, "receipts": receipts, "lines": lines}
    if gismt_dir is not None and marked is not None:
        sold = pl.concat(marked) if marked else _sold_codes({})
        counts["withdrawal_files"] = _write_withdrawals(gismt_dir, _gismt_documents(sold))
    return counts
