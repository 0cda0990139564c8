"""Счета на оплату for the seeded orders (issue 25), generated as columns.

Most ready orders are invoiced: one invoice per payment-schedule item — the prepayment on the
order date, the rest (after shipment) when the goods leave — or one invoice for the whole order
when the agreement asks no prepayment. The orders' payments are matched to their invoices, so
some invoices end up paid, some partly paid and some unpaid and overdue, exactly as the payments
the seed already wrote say. Some cancelled orders had an invoice, which was cancelled.
Numbers run per organization and year in issue order, as operational_app.domain.invoices gives
them; VAT follows operational_app.domain.vat by the product's schedule and the issue date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from operational_app.domain.vat import VAT_SCHEDULES
from operational_app.seed.generator import DAY, HOUR, NULL_ID, TableData, _stamp, _tracked

if TYPE_CHECKING:
    from operational_app.seed.documents import DocumentBuilder

INVOICED_SHARE = 0.8
CANCELLED_ORDER_INVOICED_SHARE = 0.5
_EPOCH = dt.date(1970, 1, 1)


def vat_rates(kinds: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The rate (percent) of each product kind on each day; NaN for «Без НДС»."""
    rates = np.full(kinds.size, np.nan)
    for kind, schedule in VAT_SCHEDULES.items():
        for valid_from, rate in schedule:
            start = (valid_from - _EPOCH).days
            rates[(kinds == kind) & (days >= start)] = float(rate)
    return rates


def _vat(amount: np.ndarray, rate: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(rate), 0.0, np.round(amount * rate / (100 + rate), 2))


def _ddmmyyyy(days: np.ndarray) -> list[str]:
    return [
        f"{value[8:10]}.{value[5:7]}.{value[0:4]}"
        for value in np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()
    ]


def _first_counterparty(tables: dict[str, TableData], partner_ids: np.ndarray) -> np.ndarray:
    counterparties = tables["counterparties"].columns
    owner = np.asarray(counterparties["partner_id"], dtype=np.int64)
    ids = np.asarray(counterparties["id"], dtype=np.int64)
    first = np.full(int(max(owner.max(initial=0), partner_ids.max(initial=0))) + 1, NULL_ID)
    # Reversed, so the smallest id of each partner is written last and wins.
    first[owner[::-1]] = ids[::-1]
    return first[partner_ids]


def generate_invoices(builder: DocumentBuilder, seed: int, horizon: int) -> list[TableData]:
    f = builder.order_facts
    n = f["id"].size
    rng = np.random.default_rng([seed, 25])
    invoiced = f["ready"] & ~f["cancelled"] & (rng.random(n) < INVOICED_SHARE)
    voided = f["cancelled"] & (rng.random(n) < CANCELLED_ORDER_INVOICED_SHARE)
    has_pre = f["pre_amount"] > 0

    # Candidate invoices: the prepayment one, then the rest (kind credit, or order when whole).
    pre = np.flatnonzero((invoiced | voided) & has_pre)
    rest = np.flatnonzero(invoiced & (f["credit_amount"] > 0) | voided & ~has_pre)
    doc = np.concatenate([pre, rest])
    is_pre = np.concatenate([np.ones(pre.size, bool), np.zeros(rest.size, bool)])
    whole = ~is_pre & ~has_pre[doc]
    kind = np.where(is_pre, "prepayment", np.where(whole, "order", "credit"))
    amount = np.where(is_pre, f["pre_amount"][doc], f["credit_amount"][doc])
    amount = np.where(whole, f["total"][doc], amount)
    item_id = np.where(is_pre, f["pre_item_id"][doc], f["credit_item_id"][doc])
    item_id = np.where(whole, NULL_ID, item_id)
    shipped = f["ships"][doc] & (f["ship1"][doc] < horizon)
    issued_at = np.where(
        is_pre | ~shipped, f["ordered"][doc] + 30 * 60, f["ship1"][doc] + HOUR // 2
    )
    issued_at = np.minimum(issued_at, horizon - 1)
    issued_day = issued_at // DAY
    due_day = np.where(is_pre, issued_day, np.maximum(f["credit_due"][doc] // DAY, issued_day))
    cancelled = f["cancelled"][doc]

    # Matched payments: the prepayment to its invoice, the payment after shipment to the rest.
    paid = np.where(is_pre, f["pre_paid"][doc], f["credit_paid"][doc])
    paid = np.where(cancelled, 0.0, np.minimum(paid, amount))
    paid_at = np.where(is_pre, f["pre_at"][doc], f["credit_at"][doc])
    payment_id = np.where(is_pre, f["pre_payment_id"][doc], f["credit_payment_id"][doc])
    status = np.select(
        [cancelled, paid >= amount - 0.005, paid > 0],
        ["cancelled", "paid", "partly_paid"],
        "issued",
    )

    # Issue order gives the ids; numbers run per organization (all seeded orders: the first)
    # and year.
    order = np.lexsort((doc, issued_at))
    doc, kind, amount, item_id = doc[order], kind[order], amount[order], item_id[order]
    issued_at, issued_day, due_day = issued_at[order], issued_day[order], due_day[order]
    cancelled, paid, paid_at = cancelled[order], paid[order], paid_at[order]
    payment_id, status, is_pre, whole = (
        payment_id[order],
        status[order],
        is_pre[order],
        whole[order],
    )
    m = doc.size
    year = issued_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    starts = np.r_[0, np.flatnonzero(np.diff(year)) + 1]
    sequence = np.arange(m) - np.repeat(starts, np.diff(np.r_[starts, m])) + 1
    numbers = [f"СЧ-{value:06d}" for value in sequence.tolist()]
    invoice_id = np.arange(1, m + 1, dtype=np.int64)

    lines = _lines(builder, f, doc, kind, amount, issued_day, whole, invoice_id)
    vat_total = np.bincount(lines["invoice"] - 1, lines["vat_amount"], m)
    issue_dates = _ddmmyyyy(issued_day)
    purposes = [
        f"Оплата по счету № {number} от {day}, "
        + (f"в т.ч. НДС {vat:.2f} руб." if vat else "Без НДС")
        for number, day, vat in zip(numbers, issue_dates, vat_total.tolist(), strict=True)
    ]
    matched = paid > 0
    updated = np.where(matched, np.maximum(paid_at, issued_at), issued_at)
    cancelled_at = np.where(cancelled, np.minimum(issued_at + DAY, horizon - 1), -1)
    updated = np.where(cancelled, cancelled_at, updated)
    partner_id = f["partner_id"][doc]
    invoices = _tracked(
        "invoices",
        {
            "number": numbers,
            "organization_id": np.ones(m, dtype=np.int64),
            "fiscal_year": year,
            "sequence_number": sequence.astype(np.int64),
            "customer_order_id": f["id"][doc],
            "payment_schedule_item_id": item_id.astype(np.int64),
            "partner_id": partner_id,
            "counterparty_id": _first_counterparty(builder.t, partner_id),
            "agreement_id": f["agreement_id"][doc],
            "kind": kind.tolist(),
            "status": status.tolist(),
            "issued_on": issued_day.astype("datetime64[D]"),
            "due_date": due_day.astype("datetime64[D]"),
            "amount": amount,
            "vat_amount": vat_total,
            "purpose": purposes,
            "issued_by_id": np.full(m, NULL_ID, dtype=np.int64),
            "cancelled_at": _stamp(cancelled_at),
            "comment": [None] * m,
        },
        issued_at,
        updated,
    )
    line_table = _tracked(
        "invoice_lines",
        {key: value for key, value in lines.items() if key != "invoice"}
        | {"invoice_id": lines["invoice"]},
        issued_at[lines["invoice"] - 1],
    )
    k = int(matched.sum())
    matches = _tracked(
        "invoice_payments",
        {
            "invoice_id": invoice_id[matched],
            "payment_id": payment_id[matched],
            "amount": paid[matched],
            "matched_at": _stamp(np.maximum(paid_at, issued_at)[matched]),
        },
        np.maximum(paid_at, issued_at)[matched] if k else np.zeros(0, dtype=np.int64),
    )
    return [invoices, line_table, matches]


def _lines(builder, f, doc, kind, amount, issued_day, whole, invoice_id) -> dict:  # noqa: ANN001
    """Whole-order invoices list the order's goods; the others one line per VAT schedule of the
    goods, the amount split in proportion (the last schedule takes the rounding)."""
    ol = builder.order_lines
    product_kind = builder.vat_kind[ol["product"]]
    # Goods lines of the whole-order invoices.
    line_of = {int(d): int(i) for d, i in zip(doc[whole], invoice_id[whole], strict=True)}
    take = np.isin(ol["doc"], doc[whole])
    g_invoice = np.array([line_of[int(d)] for d in ol["doc"][take]], dtype=np.int64)
    g_day = issued_day[g_invoice - 1]
    g_amount = ol["amount"][take]
    g_qty = ol["quantity"][take]
    g_rate = vat_rates(product_kind[take], g_day)
    g_sort = np.lexsort((np.arange(g_invoice.size), g_invoice))
    g_number = np.zeros(g_invoice.size, dtype=np.int64)
    g_number[g_sort] = _number_within(g_invoice[g_sort])
    g_desc = [builder.product_names[p] for p in ol["product"][take].tolist()]
    g_unit = [builder.product_units[p] for p in ol["product"][take].tolist()]

    # Share lines of the prepayment and credit invoices: per VAT schedule.
    n_orders = f["id"].size
    general = np.bincount(ol["doc"], np.where(product_kind == "general", ol["amount"], 0), n_orders)
    reduced = f["total"] - general
    part = ~whole
    p_doc, p_amount, p_invoice = doc[part], amount[part], invoice_id[part]
    share = np.where(f["total"][p_doc] > 0, general[p_doc] / f["total"][p_doc], 1.0)
    p_general = np.where(reduced[p_doc] > 0, np.round(p_amount * share, 2), p_amount)
    p_reduced = np.round(p_amount - p_general, 2)
    s_invoice = np.concatenate([p_invoice, p_invoice])
    s_amount = np.concatenate([p_general, p_reduced])
    s_kind = np.array(["general"] * p_doc.size + ["reduced"] * p_doc.size)
    keep = s_amount > 0
    s_invoice, s_amount, s_kind = s_invoice[keep], s_amount[keep], s_kind[keep]
    s_rate = vat_rates(s_kind, issued_day[s_invoice - 1])
    two_rates = np.bincount(s_invoice, minlength=invoice_id.size + 1)[s_invoice] > 1
    order_days = _ddmmyyyy(f["ordered"][doc[s_invoice - 1]] // DAY)
    s_desc = []
    for index, invoice in enumerate(s_invoice.tolist()):
        heading = f"по заказу клиента № {f['number'][doc[invoice - 1]]} от {order_days[index]}"
        text = (
            f"Предварительная оплата {heading}"
            if kind[invoice - 1] == "prepayment"
            else f"Оплата {heading} (по графику)"
        )
        if two_rates[index]:
            text += f" (товары со ставкой НДС {s_rate[index]:g}%)"
        s_desc.append(text)
    s_sort = np.lexsort((np.arange(s_invoice.size), s_invoice))
    s_number = np.zeros(s_invoice.size, dtype=np.int64)
    s_number[s_sort] = _number_within(s_invoice[s_sort])

    invoice = np.concatenate([g_invoice, s_invoice])
    rate = np.concatenate([g_rate, s_rate])
    line_amount = np.concatenate([g_amount, s_amount])
    quantity = np.concatenate([g_qty, np.ones(s_invoice.size)])
    order = np.lexsort((np.concatenate([g_number, s_number]), invoice))
    descriptions = g_desc + s_desc
    units = g_unit + ["усл."] * s_invoice.size
    return {
        "invoice": invoice[order],
        "line_number": np.concatenate([g_number, s_number])[order],
        "product_id": np.concatenate(
            [ol["product"][take] + 1, np.full(s_invoice.size, NULL_ID)]
        ).astype(np.int64)[order],
        "description": [descriptions[i] for i in order.tolist()],
        "unit": [units[i] for i in order.tolist()],
        "quantity": quantity[order],
        "price": np.round(line_amount / quantity, 2)[order],
        "amount": line_amount[order],
        "vat_rate": [None if np.isnan(value) else value for value in rate[order].tolist()],
        "vat_amount": _vat(line_amount, rate)[order],
    }


def _number_within(sorted_groups: np.ndarray) -> np.ndarray:
    """1, 2, ... within each run of equal values of a sorted array."""
    if not sorted_groups.size:
        return sorted_groups.astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    counts = np.diff(np.r_[starts, sorted_groups.size])
    return np.arange(sorted_groups.size) - np.repeat(starts, counts) + 1
