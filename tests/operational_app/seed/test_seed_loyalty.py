"""The seed's loyalty part: every card a seeded receipt shows is a seeded discount card, and
points paid on receipts (provisionSum, tag 1217) keep to the bonus programme's rules: only on
bonus cards, never more than the card has earned before, at most the programme's share of the
goods."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

from operational_app.seed import Scale, seed_database
from operational_app.seed.retail import receipt_property

AS_OF = dt.date(2026, 1, 20)
TINY = Scale(deals=150, partners=30, managers=4, operators=2)


def test_cards_exist_and_points_keep_to_the_rules(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oltp.sqlite3'}"
    inbox = tmp_path / "ofd"
    seed_database(url, scale=TINY, seed=3, as_of=AS_OF, ofd_inbox_dir=inbox)
    engine = create_engine(url)
    with engine.connect() as connection:
        programmes = {
            row.id: row
            for row in connection.execute(
                text(
                    "select id, kind, accrual_percent, max_redemption_percent "
                    "from loyalty_programmes"
                )
            )
        }
        cards = dict(
            connection.execute(text("select number, programme_id from discount_cards")).all()
        )
        holders = connection.execute(
            text("select count(partner_id), count(contact_person_id), count(*) from discount_cards")
        ).one()
    engine.dispose()
    assert {p.kind for p in programmes.values()} == {"bonus", "discount"}
    assert holders[0] > 0 and holders[1] > 0 and holders[0] + holders[1] < holders[2]

    receipts = []
    for path in sorted(p for p in inbox.glob("*.json") if not p.name.startswith(".")):
        for document in json.loads(path.read_text(encoding="utf-8")):
            receipts.append(document["document"]["receipt"])
    receipts.sort(key=lambda r: r["dateTime"])
    balance: dict[str, Decimal] = defaultdict(Decimal)
    shown = redeemed = 0
    for receipt in receipts:
        assert receipt["totalSum"] == sum(
            receipt[k]
            for k in ("cashTotalSum", "ecashTotalSum", "prepaidSum", "creditSum", "provisionSum")
        )
        assert min(receipt["cashTotalSum"], receipt["ecashTotalSum"]) >= 0
        card = receipt_property(receipt, "Карта лояльности")
        points = Decimal(receipt["provisionSum"]) / 100
        if card is None:
            assert points == 0
            continue
        shown += 1
        assert card in cards, card
        programme = programmes[cards[card]]
        goods = Decimal(sum(i["sum"] for i in receipt["items"] if i["paymentType"] == 4)) / 100
        if programme.kind == "discount":
            assert points == 0
            continue
        assert points <= balance[card], (card, points, balance[card])
        assert points <= goods * Decimal(programme.max_redemption_percent) / 100
        redeemed += points > 0
        balance[card] += ((goods - points) * Decimal(programme.accrual_percent) / 100).quantize(
            Decimal(1), rounding=ROUND_FLOOR
        ) - points
    assert shown > 100 and redeemed > 10
