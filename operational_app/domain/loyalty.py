"""Программы лояльности, дисконтные карты and manual points adjustments (issue 21).

A discount programme takes `discount_percent` off; a bonus programme accrues `accrual_percent`
of a card receipt's goods paid in money as points, lets points pay at most
`max_redemption_percent` of a receipt (the receipt states the points paid as встречное
предоставление, tag 1217), values a point at `point_value` rubles and burns a card's points
after `points_validity_days` without a purchase. The points ledger is derived in the warehouse
from the ОФД receipts that show a card (int_retail_loyalty_points_ledger) plus the manual
adjustments kept here. A card belongs to a partner or a contact person (or is anonymous); a
blocked card keeps its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    LOYALTY_KINDS,
    ContactPerson,
    DiscountCard,
    LoyaltyPointAdjustment,
    LoyaltyProgramme,
    Partner,
    utc_now,
)
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.products import soft_delete

PROGRAMME_FIELDS: Final = (
    "name",
    "kind",
    "discount_percent",
    "accrual_percent",
    "max_redemption_percent",
    "point_value",
    "points_validity_days",
)
CARD_FIELDS: Final = (
    "number",
    "programme_id",
    "partner_id",
    "contact_person_id",
    "issued_on",
    "blocked_on",
)
_PERCENTS: Final = ("discount_percent", "accrual_percent", "max_redemption_percent")


def _percent(value: Any, field: str) -> Decimal:
    amount = Decimal(0) if value is None else Decimal(value)
    if not Decimal(0) <= amount <= Decimal(100):
        raise ValidationFailed(f"{field}.range", f"{field} must be between 0 and 100.", field=field)
    return amount


def _apply_programme(
    session: Session, programme: LoyaltyProgramme, values: Mapping[str, Any]
) -> None:
    if "name" in values:
        name = require_text(values["name"], "name")
        taken = session.scalar(
            select(LoyaltyProgramme.id).where(
                LoyaltyProgramme.name == name,
                LoyaltyProgramme.id != (programme.id or 0),
                LoyaltyProgramme.deleted_at.is_(None),
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "loyalty_programme.name_taken", f"Programme {name} already exists.", field="name"
            )
        programme.name = name
    if "kind" in values:
        if values["kind"] not in LOYALTY_KINDS:
            raise ValidationFailed(
                "loyalty_programme.kind", "Unknown programme kind.", field="kind"
            )
        programme.kind = values["kind"]
    for field in _PERCENTS:
        if field in values:
            setattr(programme, field, _percent(values[field], field))
    if "point_value" in values:
        value = Decimal(1) if values["point_value"] is None else Decimal(values["point_value"])
        if value <= 0:
            raise ValidationFailed(
                "point_value.range", "point_value must be positive.", field="point_value"
            )
        programme.point_value = value
    if "points_validity_days" in values:
        days = values["points_validity_days"]
        if days is not None and days <= 0:
            raise ValidationFailed(
                "points_validity_days.range",
                "points_validity_days must be positive.",
                field="points_validity_days",
            )
        programme.points_validity_days = days
    if programme.kind == "discount" and (programme.accrual_percent or 0) > 0:
        raise ValidationFailed(
            "loyalty_programme.discount_accrues",
            "A discount programme does not accrue points.",
            field="accrual_percent",
        )


def create_programme(session: Session, **values: Any) -> LoyaltyProgramme:
    programme = LoyaltyProgramme(
        discount_percent=Decimal(0),
        accrual_percent=Decimal(0),
        max_redemption_percent=Decimal(0),
        point_value=Decimal(1),
    )
    _apply_programme(session, programme, {k: v for k, v in values.items() if k in PROGRAMME_FIELDS})
    session.add(programme)
    session.flush()
    return programme


def update_programme(
    session: Session,
    programme: LoyaltyProgramme,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> LoyaltyProgramme:
    check_version(programme, expected_version)
    _apply_programme(
        session, programme, {k: v for k, v in changes.items() if k in PROGRAMME_FIELDS}
    )
    programme.updated_at = utc_now()
    session.flush()
    return programme


def delete_programme(
    session: Session, programme: LoyaltyProgramme, *, expected_version: int | None = None
) -> None:
    card = session.scalar(
        select(DiscountCard.id).where(
            DiscountCard.programme_id == programme.id, DiscountCard.deleted_at.is_(None)
        )
    )
    if card is not None:
        raise TransitionNotAllowed(
            "loyalty_programme.has_cards", "The programme still has cards; move or remove them."
        )
    soft_delete(programme, expected_version)
    session.flush()


def _apply_card(session: Session, card: DiscountCard, values: Mapping[str, Any]) -> None:
    if "number" in values:
        number = require_text(values["number"], "number")
        taken = session.scalar(
            select(DiscountCard.id).where(
                DiscountCard.number == number, DiscountCard.id != (card.id or 0)
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "discount_card.number_taken", f"Card {number} already exists.", field="number"
            )
        card.number = number
    if "programme_id" in values:
        if values["programme_id"] is None:
            raise ValidationFailed(
                "text.required", "programme_id is required.", field="programme_id"
            )
        require_reference(session, LoyaltyProgramme, values["programme_id"], "programme_id")
        card.programme_id = values["programme_id"]
    for field, model in (("partner_id", Partner), ("contact_person_id", ContactPerson)):
        if field in values:
            require_reference(session, model, values[field], field)
            setattr(card, field, values[field])
    if card.partner_id is not None and card.contact_person_id is not None:
        raise ValidationFailed(
            "discount_card.one_holder",
            "A card belongs to a partner or to a contact person, not both.",
            field="contact_person_id",
        )
    if "issued_on" in values:
        if values["issued_on"] is None:
            raise ValidationFailed("text.required", "issued_on is required.", field="issued_on")
        card.issued_on = values["issued_on"]
    if "blocked_on" in values:
        card.blocked_on = values["blocked_on"]
    if card.blocked_on is not None and card.blocked_on < card.issued_on:
        raise ValidationFailed(
            "discount_card.blocked_before_issue",
            "A card cannot be blocked before it is issued.",
            field="blocked_on",
        )


def create_card(session: Session, **values: Any) -> DiscountCard:
    card = DiscountCard()
    values = {k: v for k, v in values.items() if k in CARD_FIELDS}
    values.setdefault("issued_on", dt.date.today())
    _apply_card(session, card, values)
    session.add(card)
    session.flush()
    return card


def update_card(
    session: Session,
    card: DiscountCard,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> DiscountCard:
    check_version(card, expected_version)
    _apply_card(session, card, {k: v for k, v in changes.items() if k in CARD_FIELDS})
    card.updated_at = utc_now()
    session.flush()
    return card


def delete_card(
    session: Session, card: DiscountCard, *, expected_version: int | None = None
) -> None:
    soft_delete(card, expected_version)
    session.flush()


def add_adjustment(
    session: Session, card: DiscountCard, *, points: Decimal, adjusted_on: dt.date, reason: str
) -> LoyaltyPointAdjustment:
    """A manual points entry (positive adds, negative writes off) on a card."""
    if Decimal(points) == 0:
        raise ValidationFailed("points.zero", "points must not be zero.", field="points")
    adjustment = LoyaltyPointAdjustment(
        card_id=card.id,
        points=Decimal(points),
        adjusted_on=adjusted_on,
        reason=require_text(clean_text(reason), "reason"),
    )
    session.add(adjustment)
    session.flush()
    return adjustment
