"""Partner and counterparty services: duplicates are rule errors, never IntegrityErrors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Counterparty, Partner
from operational_app.domain import partners as service
from operational_app.domain.errors import StaleVersion, ValidationFailed
from tests.operational_app.utils.factories import (
    create_random_partner,
    legal_entity_inn,
    personal_inn,
)


def test_duplicate_identity_is_validation_failed(db: Session):
    partner = create_random_partner(db)
    inn = legal_entity_inn()
    fields = {"partner_id": partner.id, "legal_form": "legal_entity", "legal_name": "ООО А"}
    service.create_counterparty(db, inn=inn, kpp="773601001", **fields)
    with pytest.raises(ValidationFailed) as caught:
        service.create_counterparty(db, inn=inn, kpp="773601001", **fields)
    assert caught.value.rule == "counterparty.duplicate"
    service.create_counterparty(db, inn=inn, kpp="773602001", **fields)
    db.commit()
    assert db.scalar(select(func.count()).select_from(Counterparty)) == 2


def test_duplicate_person_inn_without_kpp_is_caught(db: Session):
    # The database constraint treats NULL КПП as distinct; the service must not.
    partner = create_random_partner(db)
    inn = personal_inn()
    fields = {"partner_id": partner.id, "legal_form": "person", "legal_name": "Сидоров С."}
    service.create_counterparty(db, inn=inn, **fields)
    with pytest.raises(ValidationFailed):
        service.create_counterparty(
            db, inn=inn, **{**fields, "legal_form": "individual_entrepreneur"}
        )


def test_partner_with_bad_counterparty_flushes_nothing(db: Session):
    with pytest.raises(ValidationFailed) as caught:
        service.create_partner_with_counterparty(
            db,
            partner={"name": "ООО Б"},
            counterparty={"legal_form": "legal_entity", "inn": "7707083893", "kpp": None},
        )
    assert caught.value.rule == "kpp.required"
    assert db.scalar(select(func.count()).select_from(Partner)) == 0


def test_update_revalidates_identity_and_checks_version(db: Session):
    partner = create_random_partner(db)
    counterparty = service.create_counterparty(
        db, partner_id=partner.id, legal_form="person", inn=personal_inn(), legal_name="Иванов"
    )
    db.commit()
    with pytest.raises(ValidationFailed) as caught:
        service.update_counterparty(db, counterparty, {"kpp": "773601001"}, expected_version=1)
    assert caught.value.rule == "kpp.forbidden"
    db.rollback()
    service.update_partner(db, partner, {"name": "  Новое  "}, expected_version=1)
    assert partner.name == "Новое"
    with pytest.raises(StaleVersion):
        service.update_partner(db, partner, {"kind": "other"}, expected_version=1)
    with pytest.raises(ValidationFailed):
        service.update_partner(db, partner, {"kind": "alien"})


def test_one_edit_is_one_version(db: Session, classifiers):
    # Reference lookups used to autoflush the half-applied row, bumping the version per lookup.
    partner = create_random_partner(db)
    service.update_partner(
        db,
        partner,
        {
            "name": "Другое",
            "business_region_id": classifiers.region.id,
            "manager_id": classifiers.manager.id,
        },
        expected_version=1,
    )
    db.commit()
    assert partner.version == 2
    counterparty = service.create_counterparty(
        db, partner_id=partner.id, legal_form="person", inn=personal_inn(), legal_name="Иванов"
    )
    db.commit()
    service.update_counterparty(
        db, counterparty, {"partner_id": partner.id, "legal_name": "Иванов И."}, expected_version=1
    )
    db.commit()
    assert counterparty.version == 2


def test_delete_counterparty_is_soft_and_versioned(db: Session):
    partner = create_random_partner(db)
    counterparty = service.create_counterparty(
        db, partner_id=partner.id, legal_form="person", inn=personal_inn(), legal_name="Петров"
    )
    db.commit()
    with pytest.raises(StaleVersion):
        service.delete_counterparty(db, counterparty, expected_version=5)
    service.delete_counterparty(db, counterparty, expected_version=1)
    db.commit()
    assert counterparty.deleted_at is not None
    assert service.partner_counterparties(db, partner.id) == []
    with pytest.raises(ValidationFailed) as caught:
        service.create_counterparty(
            db, partner_id=partner.id, legal_form="person", inn=counterparty.inn, legal_name="П"
        )
    assert caught.value.rule == "counterparty.duplicate_deleted"
    assert caught.value.params["name"] == "Петров"
