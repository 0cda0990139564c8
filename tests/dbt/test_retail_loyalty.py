"""Loyalty marts against figures computed here, independently, from the seeded ОФД files and
the OLTP's programmes, cards and adjustments.

Seeds a tiny OLTP with its receipt inbox (pinned as-of across a month end), shortens the bonus
programme's points validity to a few days so that points burn inside the window, adds manual
adjustments, loads it all the way the pipeline does and builds the loyalty models. Then the
points ledger is replayed here in plain Python from the JSON files (accrual on the goods paid
other than by points, rounded down; redemption = provisionSum; burn after the validity without
a purchase) and compared month by month with rpt_retail_loyalty_monthly.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, text

from ingestion.ofd.inbox import ingest_receipts
from ingestion.oltp import copy_oltp_to_duckdb
from operational_app.seed import Scale, seed_database
from operational_app.seed import retail as retail_seed
from operational_app.seed.retail import receipt_property
from tests.dbt.dbt_runner import Dbt

OK = ("success", "pass")
AS_OF = dt.date(2026, 3, 12)  # the 28-day window spans February and March
VALIDITY_DAYS = 4
TINY = Scale(deals=150, partners=30, managers=4, operators=2)
SOURCE_TABLES = [
    "products",
    "stores",
    "cash_registers",
    "organizations",
    "warehouses",
    "loyalty_programmes",
    "discount_cards",
    "loyalty_point_adjustments",
]
ADJUSTMENTS = [(1, dt.date(2026, 2, 20), Decimal("150")), (2, dt.date(2026, 3, 2), Decimal("-7.5"))]


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dbt, Path, str]]:
    work = tmp_path_factory.mktemp("loyalty")
    url = f"sqlite:///{work / 'oltp.sqlite3'}"
    inbox = work / "inbox" / "ofd"
    with pytest.MonkeyPatch.context() as patch:
        # The seed's receipts spend only points not yet burnt under the validity in force.
        patch.setattr(retail_seed, "POINTS_VALIDITY_DAYS", VALIDITY_DAYS)
        seed_database(url, scale=TINY, seed=21, as_of=AS_OF, ofd_inbox_dir=inbox)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("update loyalty_programmes set points_validity_days = :days where kind = 'bonus'"),
            {"days": VALIDITY_DAYS},
        )
        for card_id, day, points in ADJUSTMENTS:
            connection.execute(
                text(
                    "insert into loyalty_point_adjustments (card_id, adjusted_on, points, reason,"
                    " created_at, updated_at, version) values (:card, :day, :points, 'тест',"
                    " '2026-03-01 10:00:00', '2026-03-01 10:00:00', 1)"
                ),
                {"card": card_id, "day": day, "points": float(points)},
            )
    engine.dispose()
    build_path = work / "build.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(build_path))
        con = duckdb.connect(str(build_path))
        copy_oltp_to_duckdb(url, con, run_id="run-1", table_names=SOURCE_TABLES)
        report = ingest_receipts(inbox, con, work / "quarantine", "run-1")
        con.close()
        assert not report.quarantined
        dbt = Dbt(work, build_path)
        results = dbt.invoke(
            "build",
            "--select",
            "+rpt_retail_loyalty_monthly",
            "--indirect-selection",
            "cautious",
            "--vars",
            f'{{as_of: "{AS_OF} 00:00:00"}}',
        )
        failures = {name: outcome for name, outcome in results.items() if outcome[0] not in OK}
        assert results and not failures, failures
        yield dbt, inbox, url


def _expected(inbox: Path, url: str) -> dict[tuple[dt.date, str], dict[str, Decimal]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        programmes = {
            row.id: row
            for row in connection.execute(
                text(
                    "select id, name, kind, accrual_percent, point_value, points_validity_days"
                    " from loyalty_programmes"
                )
            )
        }
        cards = {
            row.number: (row.id, row.programme_id)
            for row in connection.execute(
                text("select id, number, programme_id from discount_cards")
            )
        }
    engine.dispose()
    by_id = {card_id: (number, programme) for number, (card_id, programme) in cards.items()}
    figures: dict[tuple[dt.date, str], dict] = defaultdict(lambda: defaultdict(Decimal))
    active: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
    events: dict[str, list[tuple[dt.date, str, Decimal]]] = defaultdict(list)
    purchases: dict[str, set[dt.date]] = defaultdict(set)
    for path in sorted(p for p in inbox.glob("*.json") if not p.name.startswith(".")):
        for document in json.loads(path.read_text(encoding="utf-8")):
            receipt = document["document"]["receipt"]
            card = receipt_property(receipt, "Карта лояльности")
            if card is None:
                continue
            day = dt.date.fromisoformat(receipt["dateTime"][:10])
            goods = Decimal(sum(i["sum"] for i in receipt["items"] if i["paymentType"] == 4)) / 100
            registered = cards.get(card)
            programme = programmes[registered[1]] if registered else None
            name = programme.name if programme else "Карта не зарегистрирована"
            sign = -1 if receipt["operationType"] == 2 else 1
            if sign == 1 and goods > 0:
                active[(_month(day), name)].add(card)
                figures[(_month(day), name)]["card_purchases"] += 1
                purchases[card].add(day)
            if programme is None or programme.kind != "bonus":
                continue
            value = Decimal(programme.point_value)
            paid = Decimal(receipt["provisionSum"]) / 100
            accrued = ((goods - paid) * Decimal(programme.accrual_percent) / 100 / value).quantize(
                Decimal(1), rounding=ROUND_FLOOR
            )
            events[card].append((day, "accrual", sign * accrued))
            events[card].append((day, "redemption", -sign * paid / value))
    for card_id, day, points in ADJUSTMENTS:
        number, programme_id = by_id[card_id]
        if programmes[programme_id].kind == "bonus":
            events[number].append((day, "adjustment", points))
    # Burn: VALIDITY_DAYS after a purchase with none following within them, on or before as-of.
    for card, days in purchases.items():
        registered = cards.get(card)
        if not registered or programmes[registered[1]].kind != "bonus":
            continue
        ordered = sorted(days)
        for i, day in enumerate(ordered):
            burn = day + dt.timedelta(days=VALIDITY_DAYS)
            following = ordered[i + 1] if i + 1 < len(ordered) else None
            if (following is None or following > burn) and burn <= AS_OF:
                balance = sum(p for d, _, p in events[card] if d <= burn)
                if balance > 0:
                    events[card].append((burn, "expiry", -balance))
    for card, entries in events.items():
        name = programmes[cards[card][1]].name
        for day, kind, points in entries:
            figures[(_month(day), name)][kind] += points
    for key, cards_seen in active.items():
        figures[key]["active_cardholders"] = Decimal(len(cards_seen))
    return figures


def test_monthly_loyalty_matches_the_replayed_ledger(built: tuple[Dbt, Path, str]) -> None:
    dbt, inbox, url = built
    expected = _expected(inbox, url)
    rows = dbt.sql(
        "select receipt_month, programme_name, active_cardholders, card_purchases,"
        " points_accrued, points_redeemed, points_adjusted, points_expired, points_outstanding,"
        " bonus_liability from marts.rpt_retail_loyalty_monthly order by 1, 2"
    )
    assert rows
    outstanding: dict[str, Decimal] = defaultdict(Decimal)
    seen_expiry = False
    for month, name, active, purchases, accrued, redeemed, adjusted, expired, balance, owed in rows:
        want = expected.get((month, name), {})
        assert active == want.get("active_cardholders", 0), (month, name)
        assert purchases == want.get("card_purchases", 0), (month, name)
        assert accrued == want.get("accrual", 0), (month, name)
        assert redeemed == -want.get("redemption", 0), (month, name)
        assert adjusted == want.get("adjustment", 0), (month, name)
        assert expired == -want.get("expiry", 0), (month, name)
        outstanding[name] += (
            want.get("accrual", 0)
            + want.get("redemption", 0)
            + want.get("adjustment", 0)
            + want.get("expiry", 0)
        )
        assert balance == outstanding[name], (month, name)
        assert owed == balance  # a point is worth a ruble in the seeded programme
        seen_expiry = seen_expiry or expired > 0
    assert seen_expiry and any(redeemed > 0 for *_, redeemed, _, _, _, _ in rows)
    months = {row[0] for row in rows}
    assert months == {dt.date(2026, 2, 1), dt.date(2026, 3, 1)}


def test_points_spent_never_exceed_points_earned(built: tuple[Dbt, Path, str]) -> None:
    """Before burns (this test shortens the validity the seed spent by), a card never spends
    more than it earned: the seed's points payments and the ledger's accrual agree."""
    dbt, _, _ = built
    [(cards, negative)] = dbt.sql(
        "select count(distinct discount_card_id), count(case when balance < 0 then 1 end)"
        " from (select discount_card_id, sum(points) over (partition by discount_card_id"
        " order by entry_date, entry_kind rows unbounded preceding) as balance"
        " from intermediate.int_retail_loyalty_points_ledger"
        " where entry_kind in ('accrual', 'redemption'))"
    )
    assert cards > 10 and negative == 0
