"""Claim status machine, documents of the partner, work plan and role-gated overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from operational_app.auth import Forbidden
from operational_app.domain import claims as service
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.engagement import claim, claim_in_work, order_with_shipment
from tests.operational_app.utils.factories import create_random_partner


def test_claim_lifecycle_registered_in_work_resolved(db: Session):
    partner = create_random_partner(db)
    created = claim(db, partner.id, claimed_amount="1500.5")
    assert (created.status, created.number[:3], created.claimed_amount) == (
        "registered",
        "ПР-",
        Decimal("1500.50"),
    )
    with pytest.raises(TransitionNotAllowed) as caught:
        service.resolve_claim(db, created, "satisfied")
    assert caught.value.rule == "claim.resolve_requires_in_work"
    service.take_into_work(db, created)
    with pytest.raises(ValidationFailed) as caught:
        service.resolve_claim(db, created, None)
    assert caught.value.rule == "claim.result_required"
    service.resolve_claim(db, created, "not_satisfied", "Претензия необоснованна")
    assert created.status == "resolved" and created.resolved_at is not None
    with pytest.raises(TransitionNotAllowed):
        service.update_claim(db, created, {"description": "правка"})
    with pytest.raises(TransitionNotAllowed):
        service.take_into_work(db, created)


def test_reopen_only_by_administrator(db: Session):
    created = claim_in_work(db, create_random_partner(db).id)
    service.resolve_claim(db, created, "satisfied")
    for role in (None, "operator", "manager"):
        with pytest.raises(Forbidden):
            service.reopen_claim(db, created, actor_role=role)
    service.reopen_claim(db, created, actor_role="administrator")
    assert (created.status, created.result, created.resolved_at) == ("in_work", None, None)


def test_open_tasks_block_resolution_unless_forced_by_manager(db: Session):
    created = claim_in_work(db, create_random_partner(db).id)
    task = service.add_task(db, created, title="Проверить партию")
    with pytest.raises(TransitionNotAllowed) as caught:
        service.resolve_claim(db, created, "satisfied", actor_role="administrator")
    assert caught.value.rule == "claim.open_tasks"
    with pytest.raises(Forbidden):
        service.resolve_claim(db, created, "satisfied", force=True, actor_role="operator")
    service.complete_task(db, task)
    assert task.status == "done" and task.done_at is not None
    second = service.add_task(db, created, title="Вернуть деньги")
    service.resolve_claim(db, created, "satisfied", force=True, actor_role="manager")
    assert created.status == "resolved"
    with pytest.raises(TransitionNotAllowed):
        service.complete_task(db, second)


def test_discrepancy_act_needs_the_partners_shipment(db: Session):
    partner, other = create_random_partner(db), create_random_partner(db)
    order, shipment = order_with_shipment(db, partner.id)
    other_order, other_shipment = order_with_shipment(db, other.id)
    with pytest.raises(ValidationFailed) as caught:
        claim(db, partner.id, source="discrepancy_act")
    assert caught.value.rule == "claim.shipment_required"
    db.rollback()
    with pytest.raises(ValidationFailed) as caught:
        claim(db, partner.id, source="discrepancy_act", shipment_id=other_shipment.id)
    assert caught.value.rule == "claim.shipment_of_other_partner"
    db.rollback()
    with pytest.raises(ValidationFailed) as caught:
        claim(db, partner.id, customer_order_id=other_order.id)
    assert caught.value.rule == "claim.order_of_other_partner"
    db.rollback()
    created = claim(db, partner.id, source="discrepancy_act", shipment_id=shipment.id)
    assert created.customer_order_id == order.id  # filled in from the shipment
    with pytest.raises(ValidationFailed):
        service.update_claim(db, created, {"shipment_id": None})


def test_only_registered_claims_are_deleted(db: Session):
    created = claim_in_work(db, create_random_partner(db).id)
    with pytest.raises(TransitionNotAllowed):
        service.delete_claim(db, created)
