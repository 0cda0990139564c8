"""/sales-plans: managers enter, change, delete and restore plans; operators are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import BusinessRegion, DealKind, SalesPlan
from tests.operational_app.utils.factories import Classifiers
from tests.operational_app.utils.users import bearer, create_token, create_user


def _plans(db: Session) -> list[SalesPlan]:
    db.expire_all()
    return list(db.scalars(select(SalesPlan).order_by(SalesPlan.id)))


def test_plan_page_enters_and_changes_plans(
    client: TestClient, db: Session, classifiers: Classifiers
) -> None:
    form = {
        "period_month": "2026-04",
        "manager_id": str(classifiers.manager.id),
        "business_region_id": str(classifiers.region.id),
        "deal_kind_id": str(classifiers.kind.id),
        "planned_amount": "250000",
        "planned_won_deals": "5",
    }
    created = client.post("/sales-plans", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    [plan] = _plans(db)
    assert (plan.period_month, plan.planned_amount, plan.planned_won_deals) == (
        dt.date(2026, 4, 1),
        Decimal("250000.00"),
        5,
    )
    listed = client.get("/sales-plans", params={"month": "2026-04"})
    assert listed.status_code == 200
    assert f'data-plan-id="{plan.id}"' in listed.text
    assert classifiers.manager.full_name in listed.text
    assert 'data-plan-id="' not in client.get("/sales-plans", params={"month": "2026-05"}).text

    duplicate = client.post("/sales-plans", data=form)
    assert duplicate.status_code == 422
    assert len(_plans(db)) == 1

    changed = client.post(
        f"/sales-plans/{plan.id}/edit",
        data={"version": str(plan.version), "planned_amount": "300000", "planned_won_deals": "6"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    [plan] = _plans(db)
    assert (plan.planned_amount, plan.planned_won_deals) == (Decimal("300000.00"), 6)
    stale = client.post(
        f"/sales-plans/{plan.id}/edit", data={"version": "1", "planned_amount": "1"}
    )
    assert stale.status_code == 409
    deleted = client.post(
        f"/sales-plans/{plan.id}/delete",
        data={"version": str(plan.version)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and _plans(db)[0].deleted_at is not None
    restored = client.post(
        f"/sales-plans/{plan.id}/restore",
        data={"version": str(_plans(db)[0].version)},
        follow_redirects=False,
    )
    assert restored.status_code == 303 and _plans(db)[0].deleted_at is None


def test_a_plan_changes_in_every_field_from_its_row(
    client: TestClient, db: Session, classifiers: Classifiers
) -> None:
    other_manager = create_user(db, "manager")
    other_region = BusinessRegion(name="Сибирь (план)")
    other_kind = DealKind(name="Тендер (план)", has_stages=False)
    db.add_all([other_region, other_kind])
    db.commit()
    form = {
        "period_month": "2026-04",
        "manager_id": str(classifiers.manager.id),
        "business_region_id": str(classifiers.region.id),
        "deal_kind_id": str(classifiers.kind.id),
        "planned_amount": "250000",
        "planned_won_deals": "5",
    }
    assert client.post("/sales-plans", data=form, follow_redirects=False).status_code == 303
    [plan] = _plans(db)
    page = client.get("/sales-plans", params={"month": "2026-04"}).text
    # the row offers every field, each bound to the row's own form
    for name in ("period_month", "manager_id", "business_region_id", "deal_kind_id"):
        assert f'name="{name}" form="plan-edit-{plan.id}"' in page

    changed = client.post(
        f"/sales-plans/{plan.id}/edit",
        data={
            "version": str(plan.version),
            "period_month": "2026-06",
            "manager_id": str(other_manager.id),
            "business_region_id": str(other_region.id),
            "deal_kind_id": str(other_kind.id),
            "planned_amount": "120000.50",
            "planned_won_deals": "3",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    assert changed.headers["location"].endswith("month=2026-06")
    [plan] = _plans(db)
    assert (
        plan.period_month,
        plan.manager_id,
        plan.business_region_id,
        plan.deal_kind_id,
        plan.planned_amount,
        plan.planned_won_deals,
    ) == (
        dt.date(2026, 6, 1),
        other_manager.id,
        other_region.id,
        other_kind.id,
        Decimal("120000.50"),
        3,
    )
    # moving a plan onto a cell another plan holds is refused, naming that plan
    second = client.post("/sales-plans", data=form, follow_redirects=False)
    assert second.status_code == 303
    clash = client.post(
        f"/sales-plans/{plan.id}/edit",
        data={
            "version": str(plan.version),
            "period_month": "2026-04",
            "manager_id": str(classifiers.manager.id),
            "business_region_id": str(classifiers.region.id),
            "deal_kind_id": str(classifiers.kind.id),
        },
    )
    assert clash.status_code == 422
    assert _plans(db)[0].period_month == dt.date(2026, 6, 1)


def test_operators_cannot_open_the_plans(client: TestClient, db: Session) -> None:
    operator = bearer(create_token(db, create_user(db, "operator")))
    assert client.get("/sales-plans", headers=operator).status_code == 403
