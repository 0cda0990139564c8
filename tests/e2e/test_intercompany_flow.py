"""Issue 22 end to end: a group of two organizations and a commissioner (plus a committent) is
built through the operational app's API on top of a tiny seeded database, every inter-company
and commission document kind is entered, the whole pipeline runs, and the marts must show the
figures the scenario implies, computed by hand in tests/operational_app/utils/intercompany.py
(not read back from the app): stock per organization and holder, revenue by selling and by
owning organization with inter-company sales eliminated from the group, inter-company balances
that net to zero, commission sales, fees and debts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crm.settings import Settings
from operational_app.db.session import create_oltp_engine
from operational_app.main import create_app
from operational_app.seed import Scale, seed_database
from tests.e2e.conftest import pinned_settings, run_pipeline
from tests.operational_app.utils.intercompany import Group, build_group
from tests.operational_app.utils.users import bearer, create_token, create_user

pytestmark = pytest.mark.e2e

AS_OF = dt.date(2026, 6, 30)
TINY = Scale(deals=60, partners=20, managers=3, operators=1)


@pytest.fixture(scope="module")
def group_flow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Group]:
    settings = pinned_settings(tmp_path_factory.mktemp("intercompany"), AS_OF)
    seed_database(settings.oltp_url, scale=TINY, seed=3, as_of=AS_OF)
    engine = create_oltp_engine(settings.oltp_url)
    with Session(engine, expire_on_commit=False) as db:
        token = create_token(db, create_user(db, "administrator", login="ic-admin"))
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        client.headers.update(bearer(token))
        group = build_group(client, " (e2e)")
    run_pipeline(settings)
    return settings, group


def _mart(settings: Settings, query: str, parameters: list) -> list[tuple]:
    path: Path = settings.published_database_path
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, parameters).fetchall()


def test_stock_per_organization_and_holder(group_flow: tuple[Settings, Group]) -> None:
    settings, group = group_flow
    rows = _mart(
        settings,
        """
        select organization_id, committent_id, holder_kind,
               coalesce(warehouse_id, commissioner_id), product_id, quantity
        from marts.fct_stock_positions where organization_id in (?, ?)
        """,
        [group.alfa, group.beta],
    )
    assert {tuple(row[:5]): row[5] for row in rows} == group.expected_positions


def test_revenue_by_seller_owner_and_for_the_group(group_flow: tuple[Settings, Group]) -> None:
    settings, group = group_flow
    orgs = [group.alfa, group.beta]
    by_org = {
        org: (seller, intercompany, external, owner)
        for org, seller, intercompany, external, owner in _mart(
            settings,
            """
            select organization_id, sum(revenue_as_seller), sum(intercompany_revenue),
                   sum(external_revenue), sum(revenue_as_owner)
            from marts.rpt_organization_revenue where organization_id in (?, ?) group by 1
            """,
            orgs,
        )
    }
    for org in orgs:
        seller, intercompany, external, owner = by_org[org]
        assert seller == group.revenue_by_seller[org], org
        assert owner == group.revenue_by_owner[org], org
        assert external == seller - intercompany
    # Alfa's inter-company revenue is what Beta owes it; Beta sold nothing inside the group
    # (its return to Alfa is negative revenue of Alfa, the first seller).
    assert by_org[group.alfa][1] == group.alfa_balance_with_beta
    assert by_org[group.beta][1] == 0
    # The group: nothing counted twice.
    [(group_revenue, lines_total)] = _mart(
        settings,
        """
        select sum(group_revenue_amount), sum(revenue_amount)
        from marts.fct_organization_revenue where selling_organization_id in (?, ?)
        """,
        orgs,
    )
    assert group_revenue == group.group_revenue
    assert sum(by_org[org][2] for org in orgs) == group.group_revenue
    assert lines_total == group.group_revenue + group.alfa_balance_with_beta
    # All of it in March 2026, the month the scenario runs in.
    months = _mart(
        settings,
        "select distinct revenue_month from marts.rpt_organization_revenue "
        "where organization_id in (?, ?)",
        orgs,
    )
    assert months == [(dt.date(2026, 3, 1),)]


def test_intercompany_balances_net_to_zero(group_flow: tuple[Settings, Group]) -> None:
    settings, group = group_flow
    rows = _mart(
        settings,
        """
        select organization_id, counter_organization_id, sent_amount, received_amount,
               closing_balance, document_count
        from marts.fct_intercompany_settlements where organization_id in (?, ?)
        """,
        [group.alfa, group.beta],
    )
    by_org = {row[0]: row for row in rows}
    assert set(by_org) == {group.alfa, group.beta}
    alfa, beta = by_org[group.alfa], by_org[group.beta]
    assert (alfa[1], beta[1]) == (group.beta, group.alfa)
    assert (alfa[2], alfa[3]) == (group.intercompany_from_alfa, group.intercompany_from_beta)
    assert (beta[2], beta[3]) == (group.intercompany_from_beta, group.intercompany_from_alfa)
    assert alfa[4] == group.alfa_balance_with_beta
    assert alfa[4] + beta[4] == 0
    assert alfa[5] == beta[5] == 3  # automatic transfer, manual transfer, return


def test_commissioner_and_committent(group_flow: tuple[Settings, Group]) -> None:
    settings, group = group_flow
    rows = _mart(
        settings,
        """
        select organization_id, partner_id, partner_role, quantity_handed_over, quantity_sold,
               sales_amount, fee_amount, quantity_written_off, written_off_amount,
               quantity_held, paid_amount, receivable_amount, payable_amount
        from marts.rpt_commission_partners where organization_id in (?, ?)
        """,
        [group.alfa, group.beta],
    )
    by_role = {row[2]: row for row in rows}
    assert set(by_role) == {"commissioner", "committent"}
    commissioner = by_role["commissioner"]
    assert commissioner[:2] == (group.alfa, group.commissioner)
    assert commissioner[3:] == (
        Decimal(20),
        Decimal(12),
        group.commissioner_sales,
        group.commissioner_fee,
        Decimal(1),
        group.writeoff_amount,
        Decimal(7),
        group.commissioner_paid,
        group.commissioner_sales - group.commissioner_fee - group.commissioner_paid,
        Decimal(0),
    )
    committent = by_role["committent"]
    assert committent[:2] == (group.beta, group.committent)
    assert committent[3:] == (
        Decimal(15),
        Decimal(6),
        group.committent_sales,
        group.committent_fee,
        Decimal(0),
        Decimal(0),
        Decimal(9),
        group.committent_paid,
        Decimal(0),
        group.committent_sales - group.committent_fee - group.committent_paid,
    )
