"""Marketing events of the demo seed (issue 26): each event's kind (from its name) and cost,
and the deals that came from one.

A deal came from an event when its partner was invited to the event (an interaction about it)
and the deal was created within ATTRIBUTION_DAYS after the event ended: half of such deals name
the event (Сделка: «Источник — мероприятие»), the other half are left for the warehouse's
attribution by interaction to find.
"""

from __future__ import annotations

import numpy as np

from operational_app.seed.documents import _seconds
from operational_app.seed.generator import DAY, NULL_ID, TableData

ATTRIBUTION_DAYS = 45
LINKED_SHARE = 0.5
# Event name prefix -> (kind, cost range in rubles).
KINDS = (
    ("Выставка", "exhibition", (300_000, 900_000)),
    ("Вебинар", "webinar", (20_000, 60_000)),
    ("День открытых дверей", "open_day", (50_000, 150_000)),
    ("Семинар", "seminar", (80_000, 200_000)),
)


def add_marketing(tables: dict[str, TableData], seed: int) -> None:
    """Fill marketing_events.kind and .cost and deals.marketing_event_id in place."""
    rng = np.random.default_rng([seed, 27])
    events = tables["marketing_events"].columns
    kinds, costs = [], []
    for name in events["name"]:
        kind, (low, high) = next(
            ((kind, span) for prefix, kind, span in KINDS if name.startswith(prefix)),
            ("other", (10_000, 50_000)),
        )
        kinds.append(kind)
        costs.append(float(np.round(rng.uniform(low, high), -3)))
    events["kind"] = kinds
    events["cost"] = np.array(costs, dtype=np.float64)

    starts = np.asarray(events["starts_on"]).astype("datetime64[s]").astype(np.int64)
    ends = np.asarray(events["ends_on"]).astype("datetime64[s]").astype(np.int64) + DAY
    interactions = tables["interactions"].columns
    invited: dict[int, list[int]] = {}
    for partner, event in zip(
        np.asarray(interactions["partner_id"]).tolist(),
        np.asarray(interactions["marketing_event_id"]).tolist(),
        strict=True,
    ):
        if event > 0 and event not in invited.setdefault(partner, []):
            invited[partner].append(event)

    deals = tables["deals"].columns
    created = _seconds(np.asarray(deals["created_at"]))
    linked = np.full(created.size, NULL_ID, dtype=np.int64)
    draw = rng.random(created.size)
    for index, partner in enumerate(np.asarray(deals["partner_id"]).tolist()):
        events_of_partner = invited.get(partner)
        if not events_of_partner or draw[index] >= LINKED_SHARE:
            continue
        moment = created[index]
        recent = [
            event
            for event in events_of_partner
            if starts[event - 1] <= moment <= ends[event - 1] + ATTRIBUTION_DAYS * DAY
        ]
        if recent:
            linked[index] = max(recent, key=lambda event: ends[event - 1])
    deals["marketing_event_id"] = linked
