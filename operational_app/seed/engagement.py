"""Classifiers and interactions (DESIGN.md §4), generated as columns like the rest of the seed.

Partner roles follow the partner kind (some customers are dealers too); contact roles are the
seed's contact positions. Interactions cluster around deals (between creation and closing, and
up to two weeks ahead for open deals), claims (while they are worked on) and marketing events
(invitations); past ones are mostly done, some cancelled, some still planned (overdue: a third of
the last fortnight's), and the recent ones are often not reviewed yet. The subject always belongs
to the interaction's partner.
"""

from __future__ import annotations

import numpy as np

from operational_app.seed import reference as ref
from operational_app.seed.documents import _day, _rank, _seconds
from operational_app.seed.generator import (
    DAY,
    HOUR,
    NULL_ID,
    TableData,
    _stamp,
    _tracked,
    working_time,
)

PARTNER_ROLES = ("Клиент", "Поставщик", "Конкурент", "Дилер", "Перевозчик")
TOPICS = (
    "Первичная презентация",
    "Выявление потребностей",
    "Обсуждение КП",
    "Согласование цены и скидки",
    "Согласование условий оплаты",
    "Согласование сроков поставки",
    "Подписание договора",
    "Рассмотрение претензии",
    "Приглашение на мероприятие",
    "Напоминание об оплате",
)
DEAL_TOPICS = (0, 1, 2, 3, 4, 5, 6)
EVENT_KINDS = (
    "Выставка «Склад-Логистика»",
    "Вебинар «Автоматизация склада»",
    "День открытых дверей",
    "Семинар «Охрана труда»",
)


def generate_engagement(
    tables: dict[str, TableData], claims: dict[str, np.ndarray], seed: int, horizon: int
) -> tuple[list[TableData], list[TableData]]:
    """(classifier tables written before the partners, tables written after the documents)."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, 4]).spawn(4)]
    rng = rngs[0]
    start = horizon - 731 * DAY
    head: list[TableData] = []
    head.append(
        _tracked("partner_roles", {"name": list(PARTNER_ROLES)}, np.full(len(PARTNER_ROLES), start))
    )
    head.append(
        _tracked(
            "contact_roles",
            {"name": [r[0] for r in ref.CONTACT_ROLES]},
            np.full(len(ref.CONTACT_ROLES), start),
        )
    )
    head.append(_tracked("interaction_topics", {"name": list(TOPICS)}, np.full(len(TOPICS), start)))
    # Marketing events: about one a month over the two years.
    months = np.arange(0, 24)
    ev_start = start + months * 30 * DAY + rng.integers(3, 20, months.size) * DAY
    ev_len = rng.choice([1, 1, 2, 3], months.size) * DAY
    ev_names = [
        f"{EVENT_KINDS[i % len(EVENT_KINDS)]} ({str(_day(np.array([t]))[0])[:7]})"
        for i, t in enumerate(ev_start.tolist())
    ]
    head.append(
        _tracked(
            "marketing_events",
            {
                "name": ev_names,
                "starts_on": _day(ev_start),
                "ends_on": _day(ev_start + ev_len - DAY),
            },
            ev_start - 30 * DAY,
        )
    )

    # Contact persons get their role id (same names as the free-text role).
    contacts = tables["contact_persons"].columns
    role_index = {r[0]: i + 1 for i, r in enumerate(ref.CONTACT_ROLES)}
    contacts["contact_role_id"] = np.array(
        [role_index.get(r, NULL_ID) for r in contacts["role"]], dtype=np.int64
    )

    partners = tables["partners"].columns
    n_partners = partners["id"].size
    kind = np.asarray(partners["kind"])
    role = np.select([kind == "customer", kind == "supplier"], [0, 1], 2)
    role = np.where((kind == "other") & (rng.random(n_partners) < 0.5), 4, role)
    dealer = (kind == "customer") & (rng.random(n_partners) < 0.08)
    link_partner = np.concatenate([np.arange(n_partners), np.flatnonzero(dealer)])
    link_role = np.concatenate([role, np.full(int(dealer.sum()), 3)])
    link_order = np.lexsort((link_role, link_partner))
    p_created = _seconds(partners["created_at"])
    tail = [
        _tracked(
            "partner_role_links",
            {
                "partner_id": link_partner[link_order] + 1,
                "partner_role_id": link_role[link_order] + 1,
            },
            p_created[link_partner[link_order]],
        )
    ]

    # Contacts by partner, to pick the person an interaction is with.
    c_partner = contacts["partner_id"] - 1
    c_sorted = np.argsort(c_partner, kind="stable")
    c_count = np.bincount(c_partner, minlength=n_partners)
    c_first = np.r_[0, np.cumsum(c_count)[:-1]]

    def contact_of(partner: np.ndarray) -> np.ndarray:
        count = c_count[partner]
        offset = (rng.random(partner.size) * np.maximum(count, 1)).astype(np.int64)
        chosen = c_sorted[np.minimum(c_first[partner] + offset, max(c_sorted.size - 1, 0))] + 1
        return np.where(count > 0, chosen, NULL_ID)

    deals = tables["deals"].columns
    alive = np.isnat(deals["deleted_at"])
    d_idx = np.flatnonzero(alive)
    d_open = np.asarray(deals["status"])[d_idx] == "in_progress"
    d_start = _seconds(deals["created_at"])[d_idx]
    d_end = np.where(d_open, horizon + 14 * DAY, _seconds(deals["closed_at"])[d_idx])
    per_deal = rng.poisson(np.where(d_open, 1.6, 1.0))
    src = np.repeat(np.arange(d_idx.size), per_deal)
    parts: list[dict[str, np.ndarray]] = []
    when = d_start[src] + (rng.random(src.size) * (d_end[src] - d_start[src])).astype(np.int64)
    parts.append(
        {
            "partner": deals["partner_id"][d_idx][src] - 1,
            "responsible": deals["manager_id"][d_idx][src],
            "planned": when,
            "subject": np.zeros(src.size, np.int64),
            "deal": d_idx[src] + 1,
            "claim": np.full(src.size, NULL_ID),
            "event": np.full(src.size, NULL_ID),
            "topic": rng.choice(DEAL_TOPICS, src.size),
        }
    )
    n_claims = claims["registered"].size
    per_claim = 1 + rng.poisson(0.8, n_claims)
    csrc = np.repeat(np.arange(n_claims), per_claim)
    span = np.maximum(claims["end"][csrc] - claims["registered"][csrc], HOUR)
    parts.append(
        {
            "partner": claims["partner"][csrc],
            "responsible": claims["manager"][csrc],
            "planned": claims["registered"][csrc] + (rng.random(csrc.size) * span).astype(np.int64),
            "subject": np.ones(csrc.size, np.int64),
            "deal": np.full(csrc.size, NULL_ID),
            "claim": csrc + 1,
            "event": np.full(csrc.size, NULL_ID),
            "topic": np.full(csrc.size, 7),
        }
    )
    buyers = np.flatnonzero(kind == "customer")
    invited = min(buyers.size, max(5, n_partners // 25))
    e_src = np.repeat(np.arange(months.size), invited)
    e_partner = (
        np.concatenate([rng.choice(buyers, invited, replace=False) for _ in range(months.size)])
        if buyers.size
        else np.zeros(0, np.int64)
    )
    e_src = e_src[: e_partner.size]
    manager_of_partner = partners["manager_id"]
    parts.append(
        {
            "partner": e_partner,
            "responsible": manager_of_partner[e_partner],
            "planned": ev_start[e_src] - rng.integers(3, 21, e_src.size) * DAY,
            "subject": np.full(e_src.size, 2),
            "deal": np.full(e_src.size, NULL_ID),
            "claim": np.full(e_src.size, NULL_ID),
            "event": e_src + 1,
            "topic": np.full(e_src.size, 8),
        }
    )
    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    n = cols["partner"].size
    planned = working_time(rngs[1], cols["planned"])
    # Nothing happens before the partner card exists.
    planned = np.maximum(planned, p_created[cols["partner"]] + HOUR)
    rng = rngs[2]
    past = planned < horizon
    r = rng.random(n)
    # Of the last fortnight's interactions many are still open (the manager has not closed
    # them yet): overdue work is mostly recent, as on a real events calendar.
    last_fortnight = past & (planned >= horizon - 14 * DAY)
    done_below = np.where(last_fortnight, 0.6, 0.85)
    cancelled_below = np.where(last_fortnight, 0.65, 0.92)
    status = np.where(
        past,
        np.select([r < done_below, r < cancelled_below], ["done", "cancelled"], "planned"),
        "planned",
    )
    done_at = np.where(
        status == "done", np.minimum(planned + rng.integers(5 * 60, 2 * HOUR, n), horizon - 1), -1
    )
    recent = planned > horizon - 7 * DAY
    reviewed = (status != "planned") & (rng.random(n) < np.where(recent, 0.3, 0.95))
    k = rng.choice(4, n, p=[0.2, 0.5, 0.05, 0.25])  # meeting, call, sms, email
    k = np.where(cols["subject"] == 2, np.where(rng.random(n) < 0.7, 3, 1), k)
    inbound = rng.random(n) < np.where(cols["subject"] == 1, 0.5, 0.25)
    created = np.minimum(planned - rng.integers(HOUR, 5 * DAY, n), horizon - 60)
    created = np.maximum(created, p_created[cols["partner"]])
    order = np.argsort(created, kind="stable")
    topic = cols["topic"][order]
    subject_names = np.array(["deal", "claim", "marketing_event"])[cols["subject"]][order]
    tail.append(
        _tracked(
            "interactions",
            {
                "kind": np.array(["meeting", "call", "sms", "email"])[k][order].tolist(),
                "direction": np.where(inbound, "inbound", "outbound")[order].tolist(),
                "partner_id": cols["partner"][order] + 1,
                "contact_person_id": contact_of(cols["partner"])[order],
                "interaction_topic_id": topic + 1,
                "subject_type": subject_names.tolist(),
                "deal_id": cols["deal"][order],
                "claim_id": cols["claim"][order],
                "marketing_event_id": cols["event"][order],
                "summary": [TOPICS[t] for t in topic.tolist()],
                "description": [None] * n,
                "planned_at": _stamp(planned[order]),
                "done_at": _stamp(done_at[order]),
                "status": status[order].tolist(),
                "is_reviewed": reviewed[order],
                "responsible_id": cols["responsible"][order],
            },
            created[order],
            np.maximum(created, np.where(done_at >= 0, done_at, created))[order],
        )
    )
    _ = _rank
    return head, tail
