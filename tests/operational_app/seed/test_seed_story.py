"""The demo data set tells a story on every page: claims each year over every reason with both
results, overdue and unreviewed interactions for every manager, interactions planned ahead.

Generated without a database (the pure generator), at scale demo, for two seeds and dates.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from operational_app.seed.documents import CLAIM_REASON_TREE, MIN_CLAIMS_PER_YEAR
from operational_app.seed.entry_model import add_entry_model
from operational_app.seed.generator import SCALES, TableData, generate

CASES = [(42, dt.date(2026, 6, 30)), (7, dt.date(2025, 1, 15))]


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


def _demo(seed: int, as_of: dt.date) -> dict[str, TableData]:
    tables = add_entry_model(generate(SCALES["demo"], seed, as_of, _quiet), seed, as_of)
    return {table.name: table for table in tables}


@pytest.fixture(scope="module", params=CASES, ids=[f"seed{s}-{d}" for s, d in CASES])
def demo(request: pytest.FixtureRequest) -> tuple[dict[str, TableData], np.datetime64]:
    seed, as_of = request.param
    return _demo(seed, as_of), np.datetime64(as_of, "s")


def _years(as_of: np.datetime64) -> list[tuple[np.datetime64, np.datetime64]]:
    year = np.timedelta64(365, "D")
    return [(as_of - 2 * year, as_of - year), (as_of - year, as_of)]


def test_every_year_has_enough_claims_over_every_reason_with_both_results(
    demo: tuple[dict[str, TableData], np.datetime64],
) -> None:
    tables, as_of = demo
    claims = tables["claims"].columns
    reasons = tables["claim_reasons"].columns
    leaf_ids = {
        reason_id
        for reason_id, parent in zip(
            reasons["id"].tolist(), reasons["parent_id"].tolist(), strict=True
        )
        if parent > 0
    }
    assert len(leaf_ids) == sum(len(children) for _, children in CLAIM_REASON_TREE)
    registered = claims["registered_at"]
    reason = np.asarray(claims["claim_reason_id"])
    result = np.asarray(claims["result"], dtype=object)
    for start, end in _years(as_of):
        in_year = (registered >= start) & (registered < end)
        assert in_year.sum() >= 100, (start, end)
        assert set(reason[in_year].tolist()) == leaf_ids, (start, end)
        results = set(result[in_year].tolist())
        assert {"satisfied", "not_satisfied"} <= results, (start, end)
    assert (registered < as_of).all()


def test_claims_follow_their_shipment(demo: tuple[dict[str, TableData], np.datetime64]) -> None:
    tables, _ = demo
    claims, shipments = tables["claims"].columns, tables["shipments"].columns
    orders = tables["customer_orders"].columns
    shipment = claims["shipment_id"] - 1
    assert (claims["registered_at"] > shipments["shipped_at"][shipment]).all()
    assert (claims["customer_order_id"] == shipments["customer_order_id"][shipment]).all()
    assert (claims["partner_id"] == orders["partner_id"][claims["customer_order_id"] - 1]).all()


def test_every_manager_has_overdue_unreviewed_and_planned_work(
    demo: tuple[dict[str, TableData], np.datetime64],
) -> None:
    tables, as_of = demo
    users = tables["users"].columns
    managers = {
        user_id
        for user_id, role in zip(users["id"].tolist(), users["role"], strict=True)
        if role == "manager"
    }
    assert len(managers) == SCALES["demo"].managers
    interactions = tables["interactions"].columns
    responsible = np.asarray(interactions["responsible_id"])
    status = np.asarray(interactions["status"])
    planned_at = interactions["planned_at"]
    overdue = (status == "planned") & (planned_at < as_of)
    recent_overdue = overdue & (planned_at >= as_of - np.timedelta64(14, "D"))
    unreviewed = (status != "cancelled") & ~np.asarray(interactions["is_reviewed"])
    ahead = (status == "planned") & (planned_at >= as_of)
    for manager in managers:
        mine = responsible == manager
        assert (mine & overdue).any(), manager
        assert (mine & unreviewed & (status == "done")).any(), manager
        assert (mine & ahead).any(), manager
    assert recent_overdue.sum() >= len(managers)


def test_same_seed_and_date_give_identical_rows() -> None:
    seed, as_of = CASES[0]
    first, second = _demo(seed, as_of), _demo(seed, as_of)
    for name in ("claims", "claim_tasks", "interactions"):
        for column, values in first[name].columns.items():
            np.testing.assert_array_equal(
                np.asarray(values), np.asarray(second[name].columns[column]), err_msg=column
            )


def test_no_claims_are_added_to_a_year_that_has_enough() -> None:
    from operational_app.seed.documents import DocumentBuilder, _year_windows

    horizon = 1_750_000_000
    builder = DocumentBuilder.__new__(DocumentBuilder)
    builder.horizon = horizon
    builder.rngs = [np.random.default_rng(seed) for seed in range(5)]
    times = np.linspace(horizon - 730 * 86_400, horizon - 86_400, 1_000).astype(np.int64)
    builder.shipments = {"at": times}
    plenty = np.arange(times.size)
    (start, end), _ = _year_windows(horizon)
    idx, registered, extra = builder._claims_topped_up(plenty, times + 3_600)
    assert idx.size == times.size and not extra.any()
    few = plenty[times < end][: MIN_CLAIMS_PER_YEAR // 2]  # the older year only, too few
    idx, registered, extra = builder._claims_topped_up(few, times[few] + 3_600)
    older = (registered >= start) & (registered < end)
    assert older.sum() == MIN_CLAIMS_PER_YEAR
    assert (registered[extra] >= start).all() and extra.sum() == 2 * MIN_CLAIMS_PER_YEAR - few.size
