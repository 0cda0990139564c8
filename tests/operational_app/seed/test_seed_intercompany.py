"""The seeded inter-company and commission documents (issue 22): two organizations trade, a
commissioner sells the first one's goods, the second sells a committent's goods, and the
ownership ledger agrees with the documents and never goes negative."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from operational_app.domain.intercompany import stock_positions
from operational_app.seed import Scale, seed_database
from operational_app.seed.intercompany import _first_partner

AS_OF = dt.date(2026, 6, 30)
TINY = Scale(deals=80, partners=30, managers=3, operators=1)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    url = f"sqlite:///{tmp_path_factory.mktemp('ic') / 'seed.db'}"
    seed_database(url, TINY, seed=5, as_of=AS_OF)
    engine = create_engine(url)
    yield engine
    engine.dispose()


def _rows(engine: Engine, sql: str) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_every_document_kind_is_seeded_between_two_organizations(seeded: Engine) -> None:
    kinds = dict(_rows(seeded, "select kind, count(*) from commission_documents group by 1"))
    assert set(kinds) == {
        "to_commissioner",
        "commissioner_sales",
        "commissioner_writeoff",
        "from_committent",
        "committent_report",
        "commissioner_payment",
        "committent_payment",
    }
    pairs = _rows(
        seeded,
        "select distinct kind, sender_organization_id, receiver_organization_id "
        "from intercompany_documents",
    )
    assert set(pairs) == {("transfer", 1, 2), ("return", 2, 1)}
    assert _rows(seeded, "pragma foreign_key_check") == []


def test_documents_add_up_and_fees_follow_the_rates(seeded: Engine) -> None:
    for header, lines, key in (
        ("intercompany_documents", "intercompany_document_lines", "intercompany_document_id"),
        ("commission_documents", "commission_document_lines", "commission_document_id"),
    ):
        mismatched = _rows(
            seeded,
            f"select {header}.id from {header} join {lines} on {lines}.{key} = {header}.id "
            f"group by {header}.id, {header}.total_amount "
            f"having abs({header}.total_amount - sum({lines}.amount)) > 0.001",
        )
        assert mismatched == [], header
    fees = _rows(
        seeded,
        "select commission_documents.kind, commission_document_lines.amount, "
        "commission_document_lines.fee_amount from commission_document_lines "
        "join commission_documents on commission_documents.id = "
        "commission_document_lines.commission_document_id",
    )
    rates = {"commissioner_sales": Decimal("0.10"), "committent_report": Decimal("0.12")}
    for kind, amount, fee in fees:
        share = rates.get(kind, Decimal(0))
        expected = (Decimal(str(amount)) * share).quantize(Decimal("0.01"))
        assert Decimal(str(fee)).quantize(Decimal("0.01")) == expected, (kind, amount, fee)


def test_the_ledger_follows_the_documents_and_never_goes_negative(seeded: Engine) -> None:
    movements = _rows(
        seeded,
        "select moved_at, organization_id, committent_id, warehouse_id, commissioner_id, "
        "product_id, quantity from stock_movements order by moved_at, id",
    )
    balance: dict[tuple, Decimal] = defaultdict(Decimal)
    for _, *key, qty in movements:
        balance[tuple(key)] += Decimal(str(qty))
        assert balance[tuple(key)] >= 0, key
    # What the commissioner still holds = handed over - sold - written off, by the documents.
    by_kind = dict(
        _rows(
            seeded,
            "select commission_documents.kind, sum(commission_document_lines.quantity) "
            "from commission_document_lines join commission_documents on "
            "commission_documents.id = commission_document_lines.commission_document_id "
            "group by 1",
        )
    )
    at_commissioner = sum(qty for (_, _, _, c, _), qty in balance.items() if c is not None)
    expected = (
        Decimal(str(by_kind["to_commissioner"]))
        - Decimal(str(by_kind["commissioner_sales"]))
        - Decimal(str(by_kind["commissioner_writeoff"]))
    )
    assert at_commissioner == expected
    with Session(seeded) as session:
        positions = stock_positions(session)
    assert all(Decimal(row["quantity"]) > 0 for row in positions)
    assert {row["holder_kind"] for row in positions} == {"warehouse", "commissioner"}


def test_the_commissioner_and_committent_are_live_partners() -> None:
    # At scale medium the first partner of kind `other` had been soft-deleted: the seed gave it
    # goods on commission that no partner dimension knows.
    deleted = np.array(["2025-01-26", "NaT", "NaT", "NaT"], dtype="datetime64[s]")
    partners = SimpleNamespace(
        columns={"kind": ["other", "customer", "other", "supplier"], "deleted_at": deleted}
    )
    assert _first_partner(partners, "other", 1) == 3
    assert _first_partner(partners, "supplier", 2) == 4
    assert _first_partner(partners, "missing", 2) == 2
