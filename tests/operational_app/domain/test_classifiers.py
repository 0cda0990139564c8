"""Classifier rules: unique names, claim-reason tree without cycles, stage order and deletion."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from operational_app.domain import classifiers as service
from operational_app.domain import deals as deal_service
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.factories import Classifiers, create_random_deal


def test_names_are_unique_even_against_deleted_entries(db: Session):
    role = service.create_entry(db, "partner-roles", {"name": "Клиент"})
    service.delete_entry(db, "partner-roles", role)
    with pytest.raises(ValidationFailed) as caught:
        service.create_entry(db, "partner-roles", {"name": "Клиент"})
    assert caught.value.rule == "classifier.name_taken"
    service.restore_entry(db, "partner-roles", role)
    assert role.deleted_at is None


def test_claim_reason_cycles_are_rejected(db: Session):
    group = service.create_entry(db, "claim-reasons", {"name": "Качество"})
    child = service.create_entry(db, "claim-reasons", {"name": "Брак", "parent_id": group.id})
    grandchild = service.create_entry(db, "claim-reasons", {"name": "Скол", "parent_id": child.id})
    for parent in (group.id, grandchild.id):
        with pytest.raises(ValidationFailed) as caught:
            service.update_entry(db, "claim-reasons", group, {"parent_id": parent})
        assert caught.value.rule == "claim_reason.cycle"
    assert group.parent_id is None
    assert service.claim_reason_paths(db)[grandchild.id] == "Качество / Брак / Скол"
    with pytest.raises(TransitionNotAllowed) as caught:
        service.delete_entry(db, "claim-reasons", child)
    assert caught.value.rule == "claim_reason.has_children"


def test_marketing_event_dates_ordered(db: Session):
    with pytest.raises(ValidationFailed) as caught:
        service.create_entry(
            db,
            "marketing-events",
            {"name": "Выставка", "starts_on": dt.date(2026, 5, 2), "ends_on": dt.date(2026, 5, 1)},
        )
    assert caught.value.field == "ends_on"


def test_stage_in_use_by_open_deal_cannot_be_deleted(db: Session, classifiers: Classifiers):
    first, second = classifiers.stages[0], classifiers.stages[1]
    deal = create_random_deal(db, classifiers)
    with pytest.raises(TransitionNotAllowed) as caught:
        service.delete_entry(db, "sales-stages", first)
    assert caught.value.rule == "sales_stage.in_use"
    # Once the deal is closed the stage (kept in its history) can be soft-deleted.
    deal_service.lose_deal(db, deal.id, classifiers.loss_reasons[0].id)
    service.delete_entry(db, "sales-stages", first)
    assert first.deleted_at is not None
    # A stage no open deal sits on goes at once; its sequence stays reserved.
    service.delete_entry(db, "sales-stages", second)
    with pytest.raises(ValidationFailed) as caught:
        service.create_entry(
            db,
            "sales-stages",
            {"deal_kind_id": classifiers.kind.id, "name": "Новый", "sequence": second.sequence},
        )
    assert caught.value.rule == "sales_stage.sequence_taken"


def test_deal_kind_with_open_deals_is_protected(db: Session, classifiers: Classifiers):
    create_random_deal(db, classifiers)
    with pytest.raises(TransitionNotAllowed):
        service.delete_entry(db, "deal-kinds", classifiers.kind)
    with pytest.raises(TransitionNotAllowed):
        service.update_entry(db, "deal-kinds", classifiers.kind, {"has_stages": False})
    with pytest.raises(ValidationFailed) as caught:
        service.create_entry(
            db, "sales-stages", {"deal_kind_id": classifiers.non_process_kind.id, "name": "X"}
        )
    assert caught.value.rule == "sales_stage.non_process_kind"


def test_reorder_makes_a_new_final_stage(db: Session, classifiers: Classifiers):
    stages = classifiers.stages
    service.delete_entry(db, "sales-stages", stages[2])  # keeps sequence 30 reserved
    live = [s for s in stages if s is not stages[2]]
    new_order = [live[-1].id, *[s.id for s in live[:-1]]]
    service.reorder_stages(db, classifiers.kind.id, new_order)
    db.commit()
    assert [s.id for s in service.live_stages(db, classifiers.kind.id)] == new_order
    assert sorted(s.sequence for s in live) == [10, 20, 40, 50]
    assert stages[2].sequence == 30
    # The deal's win now passes through the new final stage.
    deal = create_random_deal(db, classifiers)
    deal_service.win_deal(db, deal.id)
    assert deal.current_stage_id == live[-2].id
    with pytest.raises(ValidationFailed):
        service.reorder_stages(db, classifiers.kind.id, new_order[:-1])
    service.move_stage(db, live[-1], "down")
    assert [s.id for s in service.live_stages(db, classifiers.kind.id)][1] == live[-1].id
