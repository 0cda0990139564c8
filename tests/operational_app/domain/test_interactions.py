"""Interaction rules: contact and subject of the same partner, status machine, processed flag."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from operational_app.domain import classifiers as classifier_service
from operational_app.domain import contacts as contact_service
from operational_app.domain import interactions as service
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.engagement import T0, claim, contact
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)


def new(db: Session, partner_id: int, **fields: object):
    values = {"kind": "call", "summary": "Звонок", "planned_at": T0, **fields}
    return service.create_interaction(db, partner_id=partner_id, **values)


def test_contact_and_subject_must_belong_to_the_partner(db: Session, classifiers: Classifiers):
    partner, other = create_random_partner(db), create_random_partner(db)
    foreign_contact = contact(db, other.id)
    foreign_deal = create_random_deal(db, classifiers, partner_id=other.id)
    foreign_claim = claim(db, other.id)
    cases = [
        ({"contact_person_id": foreign_contact.id}, "interaction.contact_of_other_partner"),
        (
            {"subject_type": "deal", "subject_id": foreign_deal.id},
            "interaction.subject_of_other_partner",
        ),
        (
            {"subject_type": "claim", "subject_id": foreign_claim.id},
            "interaction.subject_of_other_partner",
        ),
        ({"subject_type": "deal"}, "interaction.subject_required"),
        ({"subject_id": foreign_deal.id}, "interaction.subject_type_required"),
    ]
    for fields, rule in cases:
        with pytest.raises(ValidationFailed) as caught:
            new(db, partner.id, **fields)
        assert caught.value.rule == rule
        db.rollback()
    own_deal = create_random_deal(db, classifiers, partner_id=partner.id)
    event = classifier_service.create_entry(
        db, "marketing-events", {"name": "Выставка", "starts_on": T0.date(), "ends_on": T0.date()}
    )
    created = new(db, partner.id, subject_type="deal", subject_id=own_deal.id)
    assert (created.subject_type, created.deal_id) == ("deal", own_deal.id)
    # Changing the subject clears the other subject columns.
    service.update_interaction(
        db, created, {"subject_type": "marketing_event", "subject_id": event.id}
    )
    assert (created.deal_id, created.marketing_event_id) == (None, event.id)
    # Moving to another partner re-checks the contact.
    own_contact = contact(db, partner.id)
    service.update_interaction(db, created, {"contact_person_id": own_contact.id})
    with pytest.raises(ValidationFailed):
        service.update_interaction(db, created, {"partner_id": other.id})


def test_status_machine_and_processed_flag(db: Session):
    partner = create_random_partner(db)
    planned = new(db, partner.id)
    with pytest.raises(TransitionNotAllowed) as caught:
        service.mark_reviewed(db, planned)
    assert caught.value.rule == "interaction.review_requires_outcome"
    with pytest.raises(ValidationFailed) as caught:
        service.complete_interaction(db, planned, None)
    assert caught.value.rule == "interaction.done_at_required"
    done_at = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    service.complete_interaction(db, planned, done_at)
    assert planned.done_at == dt.datetime(2026, 3, 2, 9, 0)  # stored as UTC
    with pytest.raises(TransitionNotAllowed):
        service.cancel_interaction(db, planned)
    service.mark_reviewed(db, planned)
    assert planned.is_reviewed
    cancelled = new(db, partner.id)
    service.cancel_interaction(db, cancelled)
    with pytest.raises(TransitionNotAllowed) as caught:
        service.complete_interaction(db, cancelled, T0)
    assert caught.value.rule == "interaction.cancelled_is_final"
    with pytest.raises(ValidationFailed):
        new(db, partner.id, status="done")  # done needs done_at


def test_partner_roles_link_and_revive(db: Session):
    partner = create_random_partner(db)
    role = classifier_service.create_entry(db, "partner-roles", {"name": "Дилер"})
    link = contact_service.add_partner_role(db, partner, role.id)
    with pytest.raises(ValidationFailed):
        contact_service.add_partner_role(db, partner, role.id)
    contact_service.remove_partner_role(db, link)
    assert contact_service.partner_role_links(db, partner.id) == []
    assert contact_service.add_partner_role(db, partner, role.id).id == link.id
    with pytest.raises(ValidationFailed) as caught:
        contact_service.create_contact(db, partner_id=partner.id, full_name="X", email="nope")
    assert caught.value.rule == "contact.email_format"
