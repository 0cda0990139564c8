"""Factory helpers: classifiers and entities written through the domain services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session
from stdnum.ru import inn as stdnum_inn

from operational_app.db.models import (
    BusinessRegion,
    Deal,
    DealKind,
    LossReason,
    Partner,
    SalesStage,
    User,
)
from operational_app.domain import deals as deal_service
from operational_app.domain import partners as partner_service

_serial = itertools.count(1)

STAGE_NAMES = ("Первичный контакт", "Квалификация", "Предложение", "Переговоры", "Заключение")


@dataclass
class Classifiers:
    kind: DealKind
    stages: list[SalesStage]
    non_process_kind: DealKind
    loss_reasons: list[LossReason]
    deleted_loss_reason: LossReason
    region: BusinessRegion
    other_region: BusinessRegion
    manager: User
    other_manager: User


def legal_entity_inn(seed: int | None = None) -> str:
    """A checksum-valid 10-digit ИНН, different for every call."""
    body = f"77{(seed if seed is not None else next(_serial)):07d}"
    return body + stdnum_inn.calc_company_check_digit(body)


def personal_inn(seed: int | None = None) -> str:
    """A checksum-valid 12-digit ИНН."""
    body = f"50{(seed if seed is not None else next(_serial)):08d}"
    return body + stdnum_inn.calc_personal_check_digits(body)


def create_classifiers(db: Session) -> Classifiers:
    kind = DealKind(name="Типовая продажа", has_stages=True)
    non_process = DealKind(name="Разовая продажа", has_stages=False)
    db.add_all([kind, non_process])
    db.flush()
    # Sequences with gaps: the rules must use order, not consecutive numbers.
    stages = [
        SalesStage(deal_kind_id=kind.id, name=name, sequence=(index + 1) * 10)
        for index, name in enumerate(STAGE_NAMES)
    ]
    reasons = [LossReason(name="Высокая цена"), LossReason(name="Выбрали конкурента")]
    deleted_reason = LossReason(name="Устаревшая причина", deleted_at=deal_service.utc_now())
    region = BusinessRegion(name="Москва", code="MSK")
    other_region = BusinessRegion(name="Урал", code="URL")
    manager = User(login="ivanov", full_name="Иванов Иван", role="manager")
    other_manager = User(login="petrova", full_name="Петрова Анна", role="manager")
    db.add_all([*stages, *reasons, deleted_reason, region, other_region, manager, other_manager])
    db.commit()
    return Classifiers(
        kind=kind,
        stages=stages,
        non_process_kind=non_process,
        loss_reasons=reasons,
        deleted_loss_reason=deleted_reason,
        region=region,
        other_region=other_region,
        manager=manager,
        other_manager=other_manager,
    )


def create_random_partner(db: Session, name: str | None = None, **fields: Any) -> Partner:
    partner = partner_service.create_partner(db, name=name or f"Партнёр {next(_serial)}", **fields)
    db.commit()
    return partner


def create_random_deal(
    db: Session, classifiers: Classifiers, *, staged: bool = True, **fields: Any
) -> Deal:
    if "partner_id" not in fields:
        fields["partner_id"] = create_random_partner(db).id
    fields.setdefault("name", f"Сделка {next(_serial)}")
    fields.setdefault("potential_amount", Decimal("150000.00"))
    kind = classifiers.kind if staged else classifiers.non_process_kind
    deal = deal_service.create_deal(db, deal_kind_id=kind.id, **fields)
    db.commit()
    return deal
