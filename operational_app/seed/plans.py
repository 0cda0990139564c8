"""Планы продаж of the demo seed (issue 26): one plan per month for every manager, business
region and deal kind in which the manager won deals over the two years.

A cell's monthly plan is its mean monthly won amount (and won deals) over the window times a
target factor drawn per plan (0.85-1.25): some months are met, some are not. Plans run from
the window's first full month to the month after the as-of, so the current month has a plan
and a forecast and the next one a plan; each is entered a few days before its month starts
(never after the as-of).
"""

from __future__ import annotations

import numpy as np

from operational_app.seed.documents import _seconds
from operational_app.seed.generator import DAY, TableData, _tracked

TARGET_FACTOR = (0.85, 1.25)
MIN_WON_DEALS = 3  # cells with fewer won deals over the window get no plan


def generate_sales_plans(tables: dict[str, TableData], seed: int, horizon: int) -> TableData:
    rng = np.random.default_rng([seed, 26])
    deals = tables["deals"].columns
    partners = tables["partners"].columns
    region_of_partner = np.asarray(partners["business_region_id"], dtype=np.int64)
    status = np.asarray(deals["status"])
    closed = _seconds(np.asarray(deals["closed_at"]))
    live = np.isnat(np.asarray(deals["deleted_at"]))
    won = (status == "won") & live & (closed >= 0) & (np.asarray(deals["manager_id"]) > 0)
    manager = np.asarray(deals["manager_id"], dtype=np.int64)[won]
    region = region_of_partner[np.asarray(deals["partner_id"], dtype=np.int64)[won] - 1]
    kind = np.asarray(deals["deal_kind_id"], dtype=np.int64)[won]
    amount = np.asarray(deals["potential_amount"], dtype=np.float64)[won]

    last_month = np.datetime64(horizon // DAY, "D").astype("datetime64[M]") + 1
    start = np.datetime64((horizon - 730 * DAY) // DAY, "D")
    first_month = start.astype("datetime64[M]") + 1
    months = np.arange(first_month, last_month + 1)
    window_months = max(1, int((last_month - 1 - first_month).astype(np.int64)) + 1)

    cells, cell_of = np.unique(
        np.stack([manager, region, kind], axis=1), axis=0, return_inverse=True
    )
    cell_of = cell_of.ravel()
    won_deals = np.bincount(cell_of, minlength=len(cells))
    won_amount = np.bincount(cell_of, weights=amount, minlength=len(cells))
    keep = won_deals >= MIN_WON_DEALS
    cells, won_deals, won_amount = cells[keep], won_deals[keep], won_amount[keep]

    n_cells, n_months = len(cells), months.size
    factor = rng.uniform(*TARGET_FACTOR, (n_cells, n_months))
    planned_amount = np.round((won_amount / window_months)[:, None] * factor, -3)
    planned_amount = np.maximum(planned_amount, 10_000.0)
    planned_deals = np.maximum(1, np.round((won_deals / window_months)[:, None] * factor))

    # Month-major order: the plans of a month are entered together, before the month starts.
    period = np.repeat(months.astype("datetime64[D]"), n_cells)
    month_seconds = period.astype("datetime64[s]").astype(np.int64)
    entered = month_seconds - rng.integers(2, 8, period.size) * DAY + 9 * 3_600
    entered = np.minimum(entered, horizon - DAY)
    return _tracked(
        "sales_plans",
        {
            "period_month": period,
            "manager_id": np.tile(cells[:, 0], n_months),
            "business_region_id": np.tile(cells[:, 1], n_months),
            "deal_kind_id": np.tile(cells[:, 2], n_months),
            "planned_amount": planned_amount.T.ravel(),
            "planned_won_deals": planned_deals.T.ravel().astype(np.int64),
        },
        entered,
    )
