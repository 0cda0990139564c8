"""Sales documents that follow the seeded deals (DESIGN.md §4), generated as columns.

Catalogue (products, regional warehouses, stock), agreements, commercial offers for deals that
reached the "Коммерческое предложение" stage, customer orders for won deals (from the accepted
offer's lines when there is one), payment schedules, shipments, payments and claims on
shipments with their work plans. Everything is derived from the deal outcome and dates, so the
documents agree with the funnel: an order only for a won deal and after it was won, shipped
quantity never above the ordered one, payments never above the order total (prepayments may
precede the shipment, so debt = shipped − paid is negative only for prepaid orders), claims
only after their shipment, all times before the seed's horizon.
"""

from __future__ import annotations

import numpy as np

from operational_app.domain.returns import DEFAULT_REASONS
from operational_app.seed.generator import (
    DAY,
    HOUR,
    NULL_ID,
    TableData,
    _stamp,
    _tracked,
    working_time,
)
from operational_app.seed.invoices import generate_invoices

# (name, unit, price ₽, GIS system) — a B2B supplier of equipment, consumables and workwear,
# with drinks and food for corporate customers (EGAIS for alcohol, VetIS for meat and dairy,
# "Честный знак" (gismt) for marked shoes, clothes and bottled water).
CATALOGUE = (
    ("Стеллаж складской металлический 2000×1000×500", "шт", 8_900.0, None),
    ("Стеллаж паллетный, секция 2700 кг", "шт", 24_500.0, None),
    ("Тележка гидравлическая 2,5 т", "шт", 21_300.0, None),
    ("Штабелёр электрический 1,5 т", "шт", 489_000.0, None),
    ("Погрузчик вилочный дизельный 3 т", "шт", 2_950_000.0, None),
    ("Сканер штрихкодов беспроводной", "шт", 12_400.0, None),
    ("Терминал сбора данных Android", "шт", 46_800.0, None),
    ("Принтер этикеток термотрансферный", "шт", 38_900.0, None),
    ("Плёнка стрейч 500 мм × 17 мкм", "рул", 640.0, None),
    ("Коробка гофрированная 600×400×400", "шт", 96.0, None),
    ("Скотч упаковочный 48 мм × 66 м", "шт", 58.0, None),
    ("Паллета деревянная 1200×800", "шт", 690.0, None),
    ("Перчатки х/б с ПВХ, пара", "пар", 38.0, None),
    ("Каска защитная", "шт", 420.0, None),
    ("Очки защитные открытые", "шт", 260.0, None),
    ("Костюм рабочий летний", "шт", 2_350.0, "gismt"),
    ("Куртка утеплённая рабочая", "шт", 5_900.0, "gismt"),
    ("Ботинки рабочие кожаные с металлоподноском", "пар", 3_450.0, "gismt"),
    ("Сапоги ПВХ маслобензостойкие", "пар", 1_250.0, "gismt"),
    ("Вода питьевая 19 л", "шт", 390.0, "gismt"),
    ("Дрель-шуруповёрт аккумуляторная 18 В", "шт", 9_800.0, None),
    ("Перфоратор SDS-plus 800 Вт", "шт", 11_600.0, None),
    ("Набор инструмента 108 предметов", "шт", 7_900.0, None),
    ("Подшипник 6205-2RS", "шт", 310.0, None),
    ("Ремень приводной клиновой A-1250", "шт", 540.0, None),
    ("Масло гидравлическое HVLP 32, 20 л", "кан", 4_700.0, None),
    ("Спирт этиловый технический 95%, 10 л", "кан", 6_200.0, "egais"),
    ("Вино столовое красное сухое 0,75 л (подарочное)", "бут", 890.0, "egais"),
    ("Коньяк армянский 5 лет 0,5 л (подарочный)", "бут", 2_100.0, "egais"),
    ("Молоко 2,5% 1 л (выдача за вредность)", "шт", 84.0, "vetis"),
    ("Кефир 1% 0,9 л", "шт", 92.0, "vetis"),
    ("Тушёнка говяжья 338 г (сухой паёк)", "шт", 245.0, "vetis"),
    ("Сыр полутвёрдый 45% 200 г", "шт", 230.0, "vetis"),
    ("Огнетушитель порошковый ОП-5", "шт", 1_150.0, None),
    ("Аптечка производственная", "шт", 1_480.0, None),
    ("Лампа светодиодная промышленная 100 Вт", "шт", 3_300.0, None),
)
# How likely each kind of goods lands in an order (consumables more often than forklifts).
CATALOGUE_WEIGHTS = np.array(
    [
        6,
        3,
        3,
        0.6,
        0.2,
        2,
        1.5,
        1.5,
        8,
        8,
        8,
        5,
        9,
        4,
        4,
        5,
        3,
        5,
        3,
        4,
        3,
        2,
        2,
        5,
        4,
        3,
        1,
        1.2,
        0.8,
        2.5,
        1.5,
        2,
        1.2,
        2,
        2,
        3,
    ],
    dtype=float,
)

AGREEMENTS = (
    # (name, price type, discount %, max manual discount %, prepayment %, deferral days)
    ("Оптовые продажи (стандарт)", "wholesale", 0.0, 5.0, 0.0, 14),
    ("Дилерские продажи", "dealer", 7.0, 10.0, 30.0, 30),
    ("Розничные продажи по предоплате", "retail", 0.0, 3.0, 100.0, 0),
    ("Дистрибьюторский договор", "distributor", 12.0, 15.0, 0.0, 45),
)

CLAIM_REASON_TREE = (
    ("Качество товара", ("Брак", "Пересорт", "Повреждение упаковки")),
    ("Количество", ("Недовложение", "Излишки")),
    ("Сроки", ("Опоздание поставки",)),
    ("Документы", ("Ошибки в документах", "Нет сертификата соответствия")),
)
# Брак, Пересорт, Повреждение упаковки, Недовложение, Излишки, Опоздание (mostly from late
# shipments, below), Ошибки в документах, Нет сертификата.
LEAF_WEIGHTS = np.array([3.0, 2.0, 1.5, 3.0, 0.7, 0.8, 1.5, 0.5])
# The claims pages need a year's worth to show a structure: fewer than this in a year of the
# history and claims are added on that year's shipments (scale demo; larger scales have more).
MIN_CLAIMS_PER_YEAR = 120
YEAR = 365 * DAY
# Заявки на возврат: how often a shipped line comes back, and a floor so a small data set still
# shows every reason, status and source on the returns pages.
RETURN_RATE = 0.03
MIN_RETURNS = 60
# Брак, Пересорт, Не соответствует заказу, Истёк срок годности, Отказ покупателя.
RETURN_REASON_WEIGHTS = np.array([3.0, 2.0, 2.0, 0.7, 1.5])
CLAIM_TASKS = (
    "Запросить фото и акт у клиента",
    "Проверить отгрузку на складе",
    "Согласовать решение с руководителем",
    "Оформить возврат / допоставку",
    "Сообщить клиенту о решении",
)


def _ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.int64)


def _seconds(values: np.ndarray) -> np.ndarray:
    """datetime64[s] → int64 epoch seconds, NaT → -1."""
    out = values.astype("datetime64[s]").astype(np.int64)
    return np.where(np.isnat(values), -1, out)


def _day(seconds: np.ndarray) -> np.ndarray:
    return (seconds // DAY).astype("datetime64[D]")


def _rank(order: np.ndarray) -> np.ndarray:
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank


class DocumentBuilder:
    def __init__(self, tables: dict[str, TableData], seed: int, horizon: int) -> None:
        self.t = tables
        self.horizon = horizon
        streams = np.random.SeedSequence([seed, 3]).spawn(12)
        self.rngs = [np.random.default_rng(s) for s in streams]
        self.out: list[TableData] = []

    # -- catalogue -------------------------------------------------------------------------------

    def catalogue(self) -> None:
        rng = self.rngs[0]
        start = self.horizon - 731 * DAY
        n = len(CATALOGUE)
        price = np.array([c[2] for c in CATALOGUE])
        self.price = price
        self.cost = np.round(price * rng.uniform(0.55, 0.8, n), 2)
        self.gis = [c[3] for c in CATALOGUE]
        self.product_names = [c[0] for c in CATALOGUE]
        self.product_units = [c[1] for c in CATALOGUE]
        self.vat_kind = np.array(["reduced" if gis == "vetis" else "general" for gis in self.gis])
        self.out.append(
            _tracked(
                "products",
                {
                    "sku": [f"ТМ-{i:05d}" for i in range(1, n + 1)],
                    "name": [c[0] for c in CATALOGUE],
                    "unit": [c[1] for c in CATALOGUE],
                    "base_price": price,
                    "cost_price": self.cost,
                    "gis_system": self.gis,
                    # The catalogue's food (milk, kefir, canned meat, cheese: the ВетИС goods)
                    # is sold at the reduced VAT rate; everything else at the general one.
                    "vat_kind": ["reduced" if gis == "vetis" else "general" for gis in self.gis],
                },
                np.full(n, start),
            )
        )
        regions = self.t["business_regions"].columns["name"]
        m = len(regions)
        self.n_warehouses = m
        self.out.append(
            _tracked(
                "warehouses",
                {
                    "name": [f"Склад {name}" for name in regions],
                    "business_region_id": _ids(m),
                },
                np.full(m, start),
            )
        )
        product = np.repeat(np.arange(n), m)
        warehouse = np.tile(np.arange(m), n)
        keep = rng.random(product.size) < 0.85
        qty = np.round(rng.lognormal(np.log(5e5 / price[product]) * 0.5, 1.0))
        self.out.append(
            _tracked(
                "stock_levels",
                {
                    "product_id": product[keep] + 1,
                    "warehouse_id": warehouse[keep] + 1,
                    "quantity_on_hand": qty[keep].astype(float),
                },
                np.full(int(keep.sum()), self.horizon - DAY),
            )
        )

    # -- agreements ------------------------------------------------------------------------------

    def agreements(self) -> None:
        rng = self.rngs[1]
        deals = self.t["deals"].columns
        partners = self.t["partners"].columns
        n_partners = partners["id"].size
        won = np.asarray(deals["status"]) == "won"
        turnover = np.bincount(
            deals["partner_id"][won] - 1, deals["potential_amount"][won], n_partners
        )
        big = np.argsort(-turnover, kind="stable")[: max(1, n_partners // 50)]
        big = big[turnover[big] > 0]
        typical = len(AGREEMENTS)
        start = self.horizon - 731 * DAY
        k = big.size
        created = np.concatenate(
            [np.full(typical, start), _seconds(partners["created_at"])[big] + 7 * DAY]
        )
        created = np.minimum(created, self.horizon - DAY)
        discount = np.concatenate([[a[2] for a in AGREEMENTS], rng.choice([5.0, 8.0, 10.0], k)])
        self.agreement_discount = discount
        self.agreement_prepay = np.concatenate(
            [[a[4] for a in AGREEMENTS], rng.choice([0.0, 0.0, 30.0, 50.0], k)]
        )
        self.agreement_deferral = np.concatenate(
            [[a[5] for a in AGREEMENTS], rng.choice([30, 45, 60], k)]
        ).astype(np.int64)
        pnames = partners["name"]
        self.out.append(
            _tracked(
                "agreements",
                {
                    "number": [f"СГ-{i:05d}" for i in range(1, typical + k + 1)],
                    "name": [a[0] for a in AGREEMENTS]
                    + [f"Индивидуальное соглашение с {pnames[i]}"[:300] for i in big.tolist()],
                    "kind": ["typical"] * typical + ["individual"] * k,
                    "partner_id": np.concatenate([np.full(typical, NULL_ID), big + 1]),
                    "organization_id": np.concatenate(
                        [np.full(typical, NULL_ID), np.ones(k, np.int64)]
                    ),
                    "price_type": [a[1] for a in AGREEMENTS] + ["wholesale"] * k,
                    "discount_percent": discount,
                    "max_manual_discount_percent": np.concatenate(
                        [[a[3] for a in AGREEMENTS], discount[typical:] + 5]
                    ),
                    "prepayment_share": self.agreement_prepay,
                    "deferral_days": self.agreement_deferral,
                    "valid_from": _day(created),
                    "valid_to": _stamp(np.full(typical + k, -1)),  # open-ended (NULL)
                    "settlement_control": ["by_agreement"] * typical + ["by_contract"] * k,
                },
                created,
            )
        )
        # Which agreement each partner buys under: its own, else a typical one.
        choice = rng.choice(typical, n_partners, p=[0.6, 0.15, 0.15, 0.1])
        choice[big] = typical + np.arange(k)
        self.partner_agreement = choice

    # -- document lines --------------------------------------------------------------------------

    def _lines(
        self, rng: np.random.Generator, totals: np.ndarray, discount: np.ndarray
    ) -> dict[str, np.ndarray]:
        """1–4 lines per document whose amounts add up to about `totals`."""
        n = totals.size
        count = 1 + np.minimum(rng.geometric(0.55, n) - 1, 3)
        doc = np.repeat(np.arange(n), count)
        product = rng.choice(
            len(CATALOGUE), doc.size, p=CATALOGUE_WEIGHTS / CATALOGUE_WEIGHTS.sum()
        )
        share = rng.gamma(2.0, 1.0, doc.size)
        share /= np.bincount(doc, share, n)[doc]
        price = self.price[product]
        qty = np.maximum(1, np.round(totals[doc] * share / price))
        disc = discount[doc]
        amount = np.round(qty * price * (1 - disc / 100), 2)
        first = np.r_[0, np.cumsum(count)[:-1]]
        number = np.arange(doc.size) - first[doc] + 1
        return {
            "doc": doc,
            "line_number": number,
            "product": product,
            "quantity": qty,
            "price": price,
            "discount": disc,
            "amount": amount,
        }

    # -- offers and orders -----------------------------------------------------------------------

    def offers_and_orders(self) -> None:
        rng = self.rngs[2]
        deals = self.t["deals"].columns
        history = self.t["deal_stage_history"].columns
        stage_names = np.asarray(self.t["sales_stages"].columns["name"])
        n_deals = deals["id"].size
        status = np.asarray(deals["status"])
        alive = np.isnat(deals["deleted_at"])
        closed = _seconds(deals["closed_at"])
        partner = deals["partner_id"] - 1
        amount = deals["potential_amount"]
        manager = deals["manager_id"]
        agreement = self.partner_agreement[partner]
        discount = self.agreement_discount[agreement]

        # Offers: one per deal that really entered the КП stage (first entry, not skipped).
        is_kp = stage_names[history["stage_id"] - 1] == "Коммерческое предложение"
        rows = np.flatnonzero(is_kp & ~history["was_skipped"])
        kp_deal, first = np.unique(history["deal_id"][rows] - 1, return_index=True)
        kp_deal_entered = _seconds(history["entered_at"][rows[first]])
        keep = alive[kp_deal]
        o_deal, o_entered = kp_deal[keep], kp_deal_entered[keep]
        m = o_deal.size
        offered = np.minimum(
            working_time(rng, o_entered + rng.integers(HOUR, 2 * DAY, m)), self.horizon - 60
        )
        o_status = np.full(m, "sent", dtype=object)
        d_status = status[o_deal]
        r = rng.random(m)
        o_status[(d_status == "won") & (r < 0.92)] = "accepted"
        o_status[(d_status == "won") & (r >= 0.92)] = "expired"
        o_status[(d_status == "lost") & (r < 0.7)] = "rejected"
        o_status[(d_status == "lost") & (r >= 0.7)] = "expired"
        o_status[(d_status == "in_progress") & (r < 0.1)] = "draft"
        decided = np.where(
            np.isin(o_status, ["accepted", "rejected"]), np.maximum(closed[o_deal], offered), -1
        )
        valid_until = offered + rng.choice([10, 14, 30], m) * DAY
        o_discount = discount[o_deal] + np.where(rng.random(m) < 0.3, rng.choice([1, 2, 3], m), 0)
        o_lines = self._lines(rng, amount[o_deal], o_discount.astype(float))
        order = np.argsort(offered, kind="stable")
        rank = _rank(order)
        o_total = np.bincount(o_lines["doc"], o_lines["amount"], m)
        self.offer_of_deal = np.full(n_deals, -1, dtype=np.int64)
        accepted = o_status == "accepted"
        self.offer_of_deal[o_deal[accepted]] = rank[accepted]
        offers = _tracked(
            "commercial_offers",
            {
                "number": [f"КП-{i:06d}" for i in range(1, m + 1)],
                "partner_id": partner[o_deal][order] + 1,
                "agreement_id": agreement[o_deal][order] + 1,
                "deal_id": o_deal[order] + 1,
                "organization_id": np.ones(m, dtype=np.int64),
                "manager_id": manager[o_deal][order],
                "status": o_status[order].tolist(),
                "offered_at": _stamp(np.where(o_status == "draft", -1, offered)[order]),
                "valid_until": _day(valid_until[order]),
                "decided_at": _stamp(decided[order]),
                "total_amount": o_total[order],
                "comment": [None] * m,
            },
            offered[order],
            np.maximum(offered, decided)[order],
        )
        line_order = np.lexsort((o_lines["line_number"], rank[o_lines["doc"]]))
        self.out.append(offers)
        self.out.append(self._line_table("commercial_offer_lines", o_lines, line_order, rank))
        self.offer_lines = {k: v[line_order] for k, v in o_lines.items()}
        self.offer_lines["doc"] = rank[o_lines["doc"]][line_order]
        self.orders(
            rng, deals, status, alive, closed, partner, amount, manager, agreement, discount
        )

    def _line_table(
        self, name: str, lines: dict[str, np.ndarray], order: np.ndarray, rank: np.ndarray
    ) -> TableData:
        parent = "commercial_offer_id" if name.startswith("commercial") else "customer_order_id"
        table = {
            parent: rank[lines["doc"]][order] + 1,
            "line_number": lines["line_number"][order],
            "product_id": lines["product"][order] + 1,
            "quantity": lines["quantity"][order],
            "price": lines["price"][order],
            "discount_percent": lines["discount"][order],
        }
        if name.startswith("commercial"):
            table["price_adjustment"] = np.zeros(order.size)
        table["amount"] = lines["amount"][order]
        times = self.out[-1].columns["created_at"].astype(np.int64)
        return _tracked(name, table, times[rank[lines["doc"]][order]])

    def orders(
        self, rng, deals, status, alive, closed, partner, amount, manager, agreement, discount
    ):  # noqa: ANN001, PLR0913
        won = np.flatnonzero((status == "won") & alive & (closed >= 0))
        n = won.size
        ordered = np.minimum(
            working_time(rng, closed[won] + rng.integers(10 * 60, 3 * DAY, n)), self.horizon - 60
        )
        offer = self.offer_of_deal[won]
        # Lines: the accepted offer's, else new ones.
        fresh = self._lines(rng, amount[won], discount[won].astype(float))
        ol = self.offer_lines
        has_offer = offer >= 0
        pos_of_offer = np.full(max(1, int(ol["doc"].max(initial=-1)) + 1), -1, dtype=np.int64)
        pos_of_offer[offer[has_offer]] = np.flatnonzero(has_offer)
        take = np.isin(ol["doc"], offer[has_offer])
        copied = {k: v[take] for k, v in ol.items()}
        copied["doc"] = pos_of_offer[copied["doc"]]
        keep = ~has_offer[fresh["doc"]]
        lines = {k: np.concatenate([copied[k], fresh[k][keep]]) for k in fresh}
        total = np.bincount(lines["doc"], lines["amount"], n)

        requires = (total > 3_000_000) | (rng.random(n) < 0.08)
        approved = requires & (rng.random(n) < 0.93)
        approved_at = np.where(
            approved, working_time(rng, ordered + rng.integers(HOUR, 2 * DAY, n)), -1
        )
        approved_at = np.where(approved_at >= self.horizon, -1, approved_at)
        approved &= approved_at >= 0
        ready = ~requires | approved
        ready_at = np.where(requires, approved_at, ordered)
        planned = (ordered // DAY + rng.integers(1, 10, n)) * DAY
        cancelled = rng.random(n) < 0.02

        # Shipping: most on time, some late, a few partial; only what was ready before horizon.
        late = rng.random(n) < 0.1
        delay = np.where(late, rng.integers(1, 12, n) * DAY, -rng.integers(0, 2, n) * DAY)
        ship1 = working_time(rng, np.maximum(planned + delay + 10 * HOUR, ready_at + HOUR))
        ships = ready & ~cancelled & (ship1 < self.horizon)
        partial = ships & (rng.random(n) < 0.1)
        second = partial & (rng.random(n) < 0.5)
        ship2 = working_time(rng, ship1 + rng.integers(3, 25, n) * DAY)
        second &= ship2 < self.horizon

        doc = lines["doc"]
        qty = lines["quantity"]
        fraction = np.where(partial[doc], rng.uniform(0.4, 0.9, doc.size), 1.0)
        first_qty = np.where(ships[doc], np.floor(qty * fraction), 0.0)
        first_qty = np.where(ships[doc] & ~partial[doc], qty, first_qty)
        second_qty = np.where(second[doc], qty - first_qty, 0.0)
        shipped_qty = first_qty + second_qty
        unit = lines["amount"] / qty
        reserved = np.where(ready[doc] & ~cancelled[doc], qty - shipped_qty, 0.0) * (
            rng.random(doc.size) < 0.85
        )
        shipped_amount = np.bincount(doc, np.round(shipped_qty * unit, 2), n)
        fully = ships & (np.bincount(doc, qty - shipped_qty, n) == 0)

        # Payments: schedule from the agreement; most paid, some partly, some overdue.
        prepay = self.agreement_prepay[agreement[won]] / 100
        deferral = self.agreement_deferral[agreement[won]]
        pre_amount = np.round(total * prepay, 2)
        credit_amount = np.round(total - pre_amount, 2)
        credit_due = planned + deferral * DAY
        r = rng.random(n)
        pay_share = np.select([r < 0.8, r < 0.92], [1.0, rng.uniform(0.2, 0.8, n)], 0.0)
        pre_paid = np.where((pre_amount > 0) & ready & ~cancelled, pre_amount, 0.0)
        pre_at = working_time(rng, ordered + rng.integers(HOUR, 3 * DAY, n))
        pre_paid = np.where(pre_at < self.horizon, pre_paid, 0.0)
        credit_paid = np.round(
            np.minimum(credit_amount, np.maximum(shipped_amount - pre_paid, 0)) * pay_share, 2
        )
        credit_at = working_time(rng, credit_due + rng.normal(-3, 6, n).astype(np.int64) * DAY)
        credit_at = np.maximum(credit_at, np.where(ships, ship1 + HOUR, ordered))
        credit_paid = np.where(credit_at < self.horizon, credit_paid, 0.0)
        paid = pre_paid + credit_paid

        o_status = np.select(
            [
                cancelled,
                requires & ~approved,
                fully & (paid >= total - 0.005),
                fully,
                ships,
                ready,
            ],
            ["cancelled", "on_approval", "closed", "shipped", "to_ship", "to_ship"],
            "approved",
        )

        order = np.argsort(ordered, kind="stable")
        rank = _rank(order)
        self.out.append(
            _tracked(
                "customer_orders",
                {
                    "number": [f"ЗК-{i:06d}" for i in range(1, n + 1)],
                    "organization_id": np.ones(n, dtype=np.int64),
                    "partner_id": partner[won][order] + 1,
                    "counterparty_id": np.full(n, NULL_ID),
                    "agreement_id": agreement[won][order] + 1,
                    "deal_id": won[order] + 1,
                    "commercial_offer_id": np.where(offer >= 0, offer + 1, NULL_ID)[order],
                    "manager_id": manager[won][order],
                    "status": o_status[order].tolist(),
                    "ordered_at": _stamp(ordered[order]),
                    "planned_shipment_date": _day(planned[order]),
                    "requires_approval": requires[order],
                    "approved_by_id": np.where(approved, 1, NULL_ID)[order],
                    "approved_at": _stamp(approved_at[order]),
                    "total_amount": total[order],
                    "comment": [None] * n,
                },
                ordered[order],
            )
        )
        l_order = np.lexsort((lines["line_number"], rank[doc]))
        line_table = self._line_table("customer_order_lines", lines, l_order, rank)
        line_table.columns["warehouse_id"] = self.t["partners"].columns["business_region_id"][
            partner[won]
        ][doc][l_order]
        line_table.columns["reserved_quantity"] = reserved[l_order]
        line_table.columns["shipped_quantity"] = shipped_qty[l_order]
        self.out.append(line_table)
        line_id = _rank(l_order) + 1  # id of each line (by position in `lines`)

        # Payment schedule.
        has_pre = pre_amount > 0
        has_credit = credit_amount > 0
        s_doc = np.concatenate([np.flatnonzero(has_pre), np.flatnonzero(has_credit)])
        s_kind = ["prepayment"] * int(has_pre.sum()) + ["credit"] * int(has_credit.sum())
        s_due = np.concatenate([ordered[has_pre] // DAY * DAY, credit_due[has_credit]])
        s_amount = np.concatenate([pre_amount[has_pre], credit_amount[has_credit]])
        s_order = np.lexsort((s_due, rank[s_doc]))
        self.out.append(
            _tracked(
                "payment_schedule_items",
                {
                    "customer_order_id": rank[s_doc][s_order] + 1,
                    "due_date": _day(s_due[s_order]),
                    "kind": [s_kind[i] for i in s_order.tolist()],
                    "amount": s_amount[s_order],
                },
                ordered[s_doc][s_order],
            )
        )

        # Shipments and their lines.
        sh_doc = np.concatenate([np.flatnonzero(ships), np.flatnonzero(second)])
        sh_at = np.concatenate([ship1[ships], ship2[second]])
        sh_second = np.concatenate(
            [np.zeros(int(ships.sum()), bool), np.ones(int(second.sum()), bool)]
        )
        sh_order = np.argsort(sh_at, kind="stable")
        sh_rank = _rank(sh_order)
        k = sh_doc.size
        first_of = np.full(n, -1, dtype=np.int64)
        second_of = np.full(n, -1, dtype=np.int64)
        first_of[sh_doc[~sh_second]] = sh_rank[~sh_second]
        second_of[sh_doc[sh_second]] = sh_rank[sh_second]
        cost = self.cost[lines["product"]]
        sl_ship = np.concatenate([first_of[doc], second_of[doc]])
        sl_line = np.concatenate([line_id, line_id])
        sl_qty = np.concatenate([first_qty, second_qty])
        sl_unit = np.concatenate([unit, unit])
        sl_cost = np.concatenate([cost, cost])
        sl_product = np.concatenate([lines["product"], lines["product"]])
        ok = (sl_ship >= 0) & (sl_qty > 0)
        sl_ship, sl_line, sl_qty = sl_ship[ok], sl_line[ok], sl_qty[ok]
        sl_amount = np.round(sl_qty * sl_unit[ok], 2)
        sl_cost_amount = np.round(sl_qty * sl_cost[ok], 2)
        sl_product = sl_product[ok]
        sh_amount = np.bincount(sl_ship, sl_amount, k)
        sh_cost = np.bincount(sl_ship, sl_cost_amount, k)
        sh_at_sorted = sh_at[sh_order]
        self.out.append(
            _tracked(
                "shipments",
                {
                    "number": [f"РТ-{i:06d}" for i in range(1, k + 1)],
                    "customer_order_id": rank[sh_doc][sh_order] + 1,
                    "warehouse_id": self.t["partners"].columns["business_region_id"][
                        partner[won][sh_doc][sh_order]
                    ],
                    "shipped_at": _stamp(sh_at_sorted),
                    "amount": sh_amount,
                    "cost_amount": sh_cost,
                },
                sh_at_sorted,
            )
        )
        sl_order = np.lexsort((sl_line, sl_ship))
        # For returns: shipment lines as written (id = index + 1).
        self.shipment_lines = {
            "shipment": sl_ship[sl_order],
            "product": sl_product[sl_order],
            "quantity": sl_qty[sl_order],
            "amount": sl_amount[sl_order],
        }
        self.out.append(
            _tracked(
                "shipment_lines",
                {
                    "shipment_id": sl_ship[sl_order] + 1,
                    "customer_order_line_id": sl_line[sl_order],
                    "product_id": sl_product[sl_order] + 1,
                    "quantity": sl_qty[sl_order],
                    "amount": sl_amount[sl_order],
                },
                sh_at_sorted[sl_ship[sl_order]],
            )
        )

        # Payments.
        p_doc = np.concatenate([np.flatnonzero(pre_paid > 0), np.flatnonzero(credit_paid > 0)])
        p_at = np.concatenate([pre_at[pre_paid > 0], credit_at[credit_paid > 0]])
        p_amount = np.concatenate([pre_paid[pre_paid > 0], credit_paid[credit_paid > 0]])
        p_order = np.argsort(p_at, kind="stable")
        q = p_doc.size
        self.out.append(
            _tracked(
                "payments",
                {
                    "number": [f"ПД-{i:06d}" for i in range(1, q + 1)],
                    "customer_order_id": rank[p_doc][p_order] + 1,
                    "partner_id": partner[won][p_doc][p_order] + 1,
                    "paid_at": _stamp(p_at[p_order]),
                    "amount": p_amount[p_order],
                },
                p_at[p_order],
            )
        )
        # For invoices (seed/invoices.py): per order (by position in `won`) its terms, dates and
        # payments, the payment ids as written, and its lines.
        payment_id = _rank(p_order) + 1
        item_id = _rank(s_order) + 1
        pre_item_id = np.full(n, NULL_ID, dtype=np.int64)
        credit_item_id = np.full(n, NULL_ID, dtype=np.int64)
        pre_item_id[has_pre] = item_id[: int(has_pre.sum())]
        credit_item_id[has_credit] = item_id[int(has_pre.sum()) :]
        n_pre = int((pre_paid > 0).sum())
        pre_payment_id = np.full(n, NULL_ID, dtype=np.int64)
        credit_payment_id = np.full(n, NULL_ID, dtype=np.int64)
        pre_payment_id[pre_paid > 0] = payment_id[:n_pre]
        credit_payment_id[credit_paid > 0] = payment_id[n_pre:]
        self.order_facts = {
            "id": rank + 1,
            "partner_id": partner[won] + 1,
            "agreement_id": agreement[won] + 1,
            "ordered": ordered,
            "ready": ready,
            "cancelled": cancelled,
            "ships": ships,
            "ship1": ship1,
            "total": total,
            "pre_amount": pre_amount,
            "credit_amount": credit_amount,
            "credit_due": credit_due,
            "pre_item_id": pre_item_id,
            "credit_item_id": credit_item_id,
            "pre_paid": pre_paid,
            "pre_at": pre_at,
            "pre_payment_id": pre_payment_id,
            "credit_paid": credit_paid,
            "credit_at": credit_at,
            "credit_payment_id": credit_payment_id,
            "number": np.array([f"ЗК-{i:06d}" for i in rank + 1]),
        }
        self.order_lines = {
            "doc": doc,
            "product": lines["product"],
            "quantity": qty,
            "amount": lines["amount"],
        }
        # For claims: shipments with their order, partner, manager, amount, time and lateness.
        self.shipments = {
            "at": sh_at_sorted,
            "order": rank[sh_doc][sh_order],
            "partner": partner[won][sh_doc][sh_order],
            "manager": manager[won][sh_doc][sh_order],
            "amount": sh_amount,
            "late": late[sh_doc][sh_order],
        }

    # -- claims ----------------------------------------------------------------------------------

    def _claims_topped_up(
        self, idx: np.ndarray, registered: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(shipment index, registration time, added?) of the claims, with claims added on the
        year's shipments when a year of history has fewer than MIN_CLAIMS_PER_YEAR.

        A small data set (scale demo: ~200 shipments a year) draws too few claims at the usual
        rates for the claims pages to show anything; the larger scales draw thousands and are
        left as they are (their own stream of random numbers, so their rows do not change).
        """
        rng = self.rngs[4]
        s = self.shipments
        added_idx, added_at = [idx], [registered]
        for start, end in _year_windows(self.horizon):
            missing = MIN_CLAIMS_PER_YEAR - int(((registered >= start) & (registered < end)).sum())
            candidates = np.flatnonzero((s["at"] >= start - 7 * DAY) & (s["at"] < end - DAY))
            if missing <= 0 or candidates.size == 0:
                continue
            draws = 2 * missing  # some land outside the year and are dropped
            shipment = rng.choice(candidates, draws, replace=candidates.size < draws)
            delay = rng.lognormal(np.log(3 * DAY), 0.6, draws).astype(np.int64)
            when = working_time(rng, s["at"][shipment] + delay)
            keep = np.flatnonzero((when >= start) & (when < end))[:missing]
            added_idx.append(shipment[keep])
            added_at.append(when[keep])
        extra = np.zeros(sum(part.size for part in added_idx), dtype=bool)
        extra[idx.size :] = True
        return np.concatenate(added_idx), np.concatenate(added_at), extra

    def claims(self) -> None:
        rng = self.rngs[3]
        start = self.horizon - 731 * DAY
        names, parents = [], []
        for group, children in CLAIM_REASON_TREE:
            names.append(group)
            parents.append(NULL_ID)
            group_id = len(names)
            for child in children:
                names.append(child)
                parents.append(group_id)
        self.out.append(
            _tracked(
                "claim_reasons",
                {"name": names, "parent_id": np.array(parents, dtype=np.int64)},
                np.full(len(names), start),
            )
        )
        leaves = np.array([i for i, p in enumerate(parents) if p != NULL_ID])
        late_reason = names.index("Опоздание поставки")
        s = self.shipments
        pick = rng.random(s["at"].size) < np.where(s["late"], 0.15, 0.04)
        registered = working_time(
            rng,
            s["at"][pick] + rng.lognormal(np.log(4 * DAY), 0.8, int(pick.sum())).astype(np.int64),
        )
        inside = registered < self.horizon
        idx = np.flatnonzero(pick)[inside]
        registered = registered[inside]
        idx, registered, extra = self._claims_topped_up(idx, registered)
        n = idx.size
        reason = rng.choice(leaves, n, p=LEAF_WEIGHTS / LEAF_WEIGHTS.sum())
        reason = np.where(s["late"][idx] & (rng.random(n) < 0.7), late_reason, reason)
        reason = _every_reason_each_year(reason, registered, extra, leaves, self.horizon)
        source = np.array(["claims_list", "partner_card", "discrepancy_act", "portal"])[
            rng.choice(4, n, p=[0.35, 0.2, 0.35, 0.1])
        ]
        age = self.horizon - registered
        resolved = rng.random(n) < np.clip(age / (45 * DAY), 0.1, 0.95)
        resolved_at = working_time(
            rng, registered + rng.lognormal(np.log(9 * DAY), 0.7, n).astype(np.int64)
        )
        resolved &= resolved_at < self.horizon
        status = np.where(
            resolved, "resolved", np.where(rng.random(n) < 0.75, "in_work", "registered")
        )
        result = np.where(
            resolved, np.where(rng.random(n) < 0.6, "satisfied", "not_satisfied"), None
        )
        claimed = np.round(s["amount"][idx] * rng.uniform(0.02, 0.4, n), 2)
        order = np.argsort(registered, kind="stable")
        rank = _rank(order)
        descriptions = [f"Претензия: {names[r]}" for r in reason[order].tolist()]
        self.out.append(
            _tracked(
                "claims",
                {
                    "number": [f"ПР-{i:06d}" for i in range(1, n + 1)],
                    "partner_id": s["partner"][idx][order] + 1,
                    "claim_reason_id": reason[order] + 1,
                    "source": source[order].tolist(),
                    "customer_order_id": s["order"][idx][order] + 1,
                    "shipment_id": idx[order] + 1,
                    "responsible_id": s["manager"][idx][order],
                    "claimed_amount": claimed[order],
                    "description": descriptions,
                    "registered_at": _stamp(registered[order]),
                    "status": status[order].tolist(),
                    "result": result[order].tolist(),
                    "resolved_at": _stamp(np.where(resolved, resolved_at, -1)[order]),
                    "resolution_comment": [None] * n,
                },
                registered[order],
                np.where(resolved, resolved_at, registered)[order],
            )
        )
        # Work plan: 2–4 tasks; all done on resolved claims, the first ones on the others.
        count = 2 + rng.integers(0, 3, n)
        claim = np.repeat(np.arange(n), count)
        step = np.arange(claim.size) - np.repeat(np.cumsum(count) - count, count)
        due = registered[claim] + (step + 1) * 2 * DAY
        done = resolved[claim] | (rng.random(claim.size) < 0.4) & (step == 0)
        end = np.where(resolved[claim], resolved_at[claim], self.horizon - 60)
        end = np.maximum(end, registered[claim])
        done_at = np.minimum(
            registered[claim] + (step + 1) * (end - registered[claim]) // (count[claim] + 1), end
        )
        done &= done_at < self.horizon
        t_order = np.lexsort((step, rank[claim]))
        titles = [CLAIM_TASKS[min(x, len(CLAIM_TASKS) - 1)] for x in step[t_order].tolist()]
        self.out.append(
            _tracked(
                "claim_tasks",
                {
                    "claim_id": rank[claim][t_order] + 1,
                    "title": titles,
                    "due_date": _day(due[t_order]),
                    "responsible_id": s["manager"][idx][claim][t_order],
                    "status": np.where(done, "done", "open")[t_order].tolist(),
                    "done_at": _stamp(np.where(done, done_at, -1)[t_order]),
                },
                registered[claim][t_order],
                np.where(done, done_at, registered[claim])[t_order],
            )
        )
        self._claim_first_responses(registered[order], status[order], resolved_at[order])
        self.claims_info = {
            "registered": registered[order],
            "end": np.where(resolved, resolved_at, self.horizon)[order],
            "partner": s["partner"][idx][order],
            "manager": s["manager"][idx][order],
        }

    def _claim_first_responses(
        self, registered: np.ndarray, status: np.ndarray, resolved_at: np.ndarray
    ) -> None:
        """An operator first answers a claim in work or resolved a few working hours after it
        was registered (never after it was resolved); a claim still registered has no answer."""
        rng = self.rngs[6]
        n = registered.size
        answered = status != "registered"
        first = working_time(
            rng, registered + rng.lognormal(np.log(5 * HOUR), 0.9, n).astype(np.int64)
        )
        first = np.where(status == "resolved", np.minimum(first, resolved_at), first)
        first = np.maximum(np.minimum(first, self.horizon - 60), registered)
        claims = next(table for table in self.out if table.name == "claims")
        claims.columns["first_response_at"] = _stamp(np.where(answered, first, -1))

    # -- returns ---------------------------------------------------------------------------------

    def returns(self) -> None:
        """Заявки на возврат on shipped lines: registered by operators or, more and more over the
        two years, by customers in the portal; then cancelled, rejected, approved and, once the
        goods are back, received. One or two lines of one shipment per request."""
        rng = self.rngs[5]
        start = self.horizon - 731 * DAY
        reasons = len(DEFAULT_REASONS)
        self.out.append(
            _tracked(
                "return_reasons",
                {"name": list(DEFAULT_REASONS)},
                np.full(reasons, start),
            )
        )
        lines = self.shipment_lines
        sh = self.shipments
        n_lines = lines["shipment"].size
        if n_lines == 0:
            return
        shipped_at = sh["at"][lines["shipment"]]
        eligible = shipped_at < self.horizon - 3 * DAY
        pick = eligible & (rng.random(n_lines) < RETURN_RATE)
        # Top up to MIN_RETURNS (never more than a fifth of the lines), recent shipments first
        # so that some requests are still waiting for a decision or for the goods.
        missing = min(MIN_RETURNS, int(eligible.sum()) // 5) - int(pick.sum())
        candidates = np.flatnonzero(eligible & ~pick)
        if missing > 0 and candidates.size:
            weight = 1 + 4 * (shipped_at[candidates] > self.horizon - 90 * DAY)
            pick[
                rng.choice(
                    candidates,
                    min(missing, candidates.size),
                    replace=False,
                    p=weight / weight.sum(),
                )
            ] = True
        first_line = np.flatnonzero(pick)
        # A second line of the same shipment on some requests (a line no other request takes).
        following = first_line + 1
        has_next = following < n_lines
        following = np.where(has_next, following, 0)
        second = (
            has_next
            & (lines["shipment"][following] == lines["shipment"][first_line])
            & ~pick[following]
            & (rng.random(first_line.size) < 0.3)
        )
        n = first_line.size
        registered = working_time(
            rng,
            shipped_at[first_line] + rng.lognormal(np.log(5 * DAY), 0.6, n).astype(np.int64),
        )
        # The portal's share of requests grows from about 10% to 50% over the two years.
        progress = np.clip((registered - start) / (self.horizon - start), 0, 1)
        portal = rng.random(n) < 0.1 + 0.4 * progress
        decided = working_time(
            rng,
            registered
            + rng.lognormal(np.log(np.where(portal, 6, 20) * HOUR), 0.8).astype(np.int64),
        )
        received = working_time(
            rng, decided + rng.lognormal(np.log(8 * DAY), 0.9, n).astype(np.int64)
        )
        fate = rng.random(n)
        cancelled = fate < 0.06
        rejected = ~cancelled & (fate < 0.2)
        is_decided = ~cancelled & (decided < self.horizon)
        is_received = is_decided & ~rejected & (received < self.horizon)
        status = np.where(
            cancelled,
            "cancelled",
            np.where(
                ~is_decided,
                "registered",
                np.where(rejected, "rejected", np.where(is_received, "received", "approved")),
            ),
        )
        keep = registered < self.horizon
        reason = rng.choice(reasons, n, p=RETURN_REASON_WEIGHTS / RETURN_REASON_WEIGHTS.sum())
        # a few requests give no reason
        reason_id = np.where(rng.random(n) < 0.05, NULL_ID, reason + 1)

        # Lines: the first line of each request, then its second line when it has one.
        line_request = np.concatenate([np.arange(n), np.flatnonzero(second)])
        line_source = np.concatenate([first_line, first_line[second] + 1])
        line_number = np.concatenate([np.ones(n, np.int64), np.full(int(second.sum()), 2)])
        shipped_qty = lines["quantity"][line_source]
        price = np.round(lines["amount"][line_source] / np.maximum(shipped_qty, 1e-9), 2)
        ret_qty = np.where(
            shipped_qty >= 1,
            np.maximum(1, np.floor(shipped_qty * rng.uniform(0.1, 0.6, line_source.size))),
            shipped_qty,
        )
        amount = np.round(ret_qty * price, 2)
        line_keep = keep[line_request]

        order = np.flatnonzero(keep)[np.argsort(registered[keep], kind="stable")]
        rank = np.full(n, -1, dtype=np.int64)
        rank[order] = np.arange(order.size)
        m = order.size
        total = np.bincount(line_request[line_keep], amount[line_keep], n)
        shipment = lines["shipment"][first_line]
        decided_at = np.where(is_decided, decided, -1)
        received_at = np.where(is_received, received, -1)
        updated = np.maximum.reduce([registered, decided_at, received_at])
        self.out.append(
            _tracked(
                "return_requests",
                {
                    "number": [f"ВЗ-{i:06d}" for i in range(1, m + 1)],
                    "partner_id": sh["partner"][shipment][order] + 1,
                    "customer_order_id": sh["order"][shipment][order] + 1,
                    "return_reason_id": reason_id[order],
                    "source": np.where(portal, "portal", "operator")[order].tolist(),
                    "status": status[order].tolist(),
                    "comment": [None] * m,
                    "registered_at": _stamp(registered[order]),
                    "decided_at": _stamp(decided_at[order]),
                    "decided_by_id": np.where(is_decided, sh["manager"][shipment], NULL_ID)[order],
                    "decision_comment": [
                        "Брак не подтверждён" if r else None
                        for r in (rejected & is_decided)[order].tolist()
                    ],
                    "received_at": _stamp(received_at[order]),
                    "first_response_at": _stamp(decided_at[order]),
                    "total_amount": np.round(total[order], 2),
                },
                registered[order],
                updated[order],
            )
        )
        l_order = np.lexsort((line_number[line_keep], rank[line_request[line_keep]]))
        kept = np.flatnonzero(line_keep)[l_order]
        self.out.append(
            _tracked(
                "return_request_lines",
                {
                    "return_request_id": rank[line_request[kept]] + 1,
                    "line_number": line_number[kept],
                    "shipment_line_id": line_source[kept] + 1,
                    "product_id": lines["product"][line_source[kept]] + 1,
                    "quantity": ret_qty[kept].astype(float),
                    "price": price[kept],
                    "amount": amount[kept],
                },
                registered[line_request[kept]],
            )
        )


def _year_windows(horizon: int) -> list[tuple[int, int]]:
    """The history's two years, older first: [start, end) in epoch seconds."""
    return [(horizon - 2 * YEAR, horizon - YEAR), (horizon - YEAR, horizon)]


def _every_reason_each_year(
    reason: np.ndarray, registered: np.ndarray, extra: np.ndarray, leaves: np.ndarray, horizon: int
) -> np.ndarray:
    """The added claims of each year take every leaf reason once first, so that the claims
    structure shows all reasons in both years however few claims a small data set has."""
    reason = reason.copy()
    for start, end in _year_windows(horizon):
        added = np.flatnonzero(extra & (registered >= start) & (registered < end))
        count = min(added.size, leaves.size)
        reason[added[:count]] = leaves[:count]
    return reason


def generate_documents(
    tables: list[TableData], seed: int, horizon: int
) -> tuple[DocumentBuilder, list[TableData]]:
    by_name = {table.name: table for table in tables}
    builder = DocumentBuilder(by_name, seed, horizon)
    builder.catalogue()
    builder.agreements()
    builder.offers_and_orders()
    builder.out.extend(generate_invoices(builder, seed, horizon))
    builder.claims()
    builder.returns()
    return builder, builder.out
