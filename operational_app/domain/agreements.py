"""Соглашения с клиентами: the commercial terms an offer or an order is made under.

A typical agreement serves many partners (partner_id is NULL); an individual one belongs to
exactly one partner. The agreement gives the price (product base price less its discount), the
manual-discount limit above which an order needs a manager's approval, the payment terms
(prepayment share, deferral days) and the validity period an order's date must fall into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from operational_app.db.models import (
    AGREEMENT_KINDS,
    PRICE_TYPES,
    SETTLEMENT_CONTROLS,
    Agreement,
    Organization,
    Partner,
    Product,
    utc_now,
)
from operational_app.domain.common import require_reference, require_text
from operational_app.domain.errors import ValidationFailed, check_version
from operational_app.domain.products import CENT, next_number, percent, soft_delete

NUMBER_PREFIX = "СГ-"
FIELDS = (
    "name",
    "kind",
    "partner_id",
    "organization_id",
    "price_type",
    "discount_percent",
    "max_manual_discount_percent",
    "prepayment_share",
    "deferral_days",
    "valid_from",
    "valid_to",
    "settlement_control",
)


def _choice(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationFailed(
            f"agreement.{field}_unknown",
            f"{field} must be one of {', '.join(allowed)}.",
            field=field,
        )
    return value


def _apply(session: Session, agreement: Agreement, values: Mapping[str, Any]) -> None:
    if "name" in values:
        agreement.name = require_text(values["name"], "name")
    if "kind" in values:
        agreement.kind = _choice(values["kind"], AGREEMENT_KINDS, "kind")
    if "partner_id" in values:
        require_reference(session, Partner, values["partner_id"], "partner_id")
        agreement.partner_id = values["partner_id"]
    if "organization_id" in values:
        require_reference(session, Organization, values["organization_id"], "organization_id")
        agreement.organization_id = values["organization_id"]
    if "price_type" in values:
        agreement.price_type = _choice(values["price_type"], PRICE_TYPES, "price_type")
    if "settlement_control" in values:
        agreement.settlement_control = _choice(
            values["settlement_control"], SETTLEMENT_CONTROLS, "settlement_control"
        )
    for field in ("discount_percent", "max_manual_discount_percent", "prepayment_share"):
        if field in values:
            setattr(agreement, field, percent(values[field], field))
    if "deferral_days" in values:
        days = values["deferral_days"]
        if not isinstance(days, int) or not 0 <= days <= 3650:
            raise ValidationFailed(
                "agreement.deferral_range",
                "Deferral must be from 0 to 3650 days.",
                field="deferral_days",
            )
        agreement.deferral_days = days
    if "valid_from" in values:
        if values["valid_from"] is None:
            raise ValidationFailed(
                "text.required",
                "valid_from is required.",
                field="valid_from",
                params={"field": "valid_from"},
            )
        agreement.valid_from = values["valid_from"]
    if "valid_to" in values:
        agreement.valid_to = values["valid_to"]
    # Rules across fields, checked on the result.
    if agreement.kind == "individual" and agreement.partner_id is None:
        raise ValidationFailed(
            "agreement.individual_needs_partner",
            "An individual agreement must name its partner.",
            field="partner_id",
        )
    if agreement.kind == "typical" and agreement.partner_id is not None:
        raise ValidationFailed(
            "agreement.typical_has_no_partner",
            "A typical agreement serves many partners; leave the partner empty.",
            field="partner_id",
        )
    if agreement.valid_to is not None and agreement.valid_to < agreement.valid_from:
        raise ValidationFailed(
            "agreement.validity_order",
            "The agreement cannot end before it starts.",
            field="valid_to",
        )


def create_agreement(
    session: Session,
    *,
    name: str,
    valid_from: dt.date,
    kind: str = "typical",
    partner_id: int | None = None,
    organization_id: int | None = None,
    price_type: str = "wholesale",
    discount_percent: Decimal | int = Decimal(0),
    max_manual_discount_percent: Decimal | int = Decimal(5),
    prepayment_share: Decimal | int = Decimal(0),
    deferral_days: int = 0,
    valid_to: dt.date | None = None,
    settlement_control: str = "by_agreement",
) -> Agreement:
    agreement = Agreement()
    _apply(
        session,
        agreement,
        {
            "name": name,
            "kind": kind,
            "partner_id": partner_id,
            "organization_id": organization_id,
            "price_type": price_type,
            "discount_percent": discount_percent,
            "max_manual_discount_percent": max_manual_discount_percent,
            "prepayment_share": prepayment_share,
            "deferral_days": deferral_days,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "settlement_control": settlement_control,
        },
    )
    agreement.number = next_number(session, Agreement, NUMBER_PREFIX)
    session.add(agreement)
    session.flush()
    return agreement


def update_agreement(
    session: Session,
    agreement: Agreement,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Agreement:
    check_version(agreement, expected_version)
    values = {k: v for k, v in changes.items() if k in FIELDS}
    # Switching to typical clears the partner unless the caller sets one (which is refused).
    if values.get("kind") == "typical" and "partner_id" not in values:
        values["partner_id"] = None
    _apply(session, agreement, values)
    agreement.updated_at = utc_now()
    session.flush()
    return agreement


def delete_agreement(
    session: Session, agreement: Agreement, *, expected_version: int | None = None
) -> None:
    soft_delete(agreement, expected_version)
    session.flush()


def is_valid_on(agreement: Agreement, day: dt.date) -> bool:
    return agreement.valid_from <= day and (agreement.valid_to is None or day <= agreement.valid_to)


def require_applicable(
    session: Session, agreement_id: int | None, partner_id: int, day: dt.date
) -> Agreement | None:
    """The agreement a document names must be live, serve the partner and be valid that day."""
    agreement = require_reference(session, Agreement, agreement_id, "agreement_id")
    if agreement is None:
        return None
    if agreement.kind == "individual" and agreement.partner_id != partner_id:
        raise ValidationFailed(
            "agreement.other_partner",
            f"Agreement {agreement.number} is an individual agreement of another partner.",
            field="agreement_id",
            params={"number": agreement.number},
        )
    if not is_valid_on(agreement, day):
        raise ValidationFailed(
            "agreement.not_valid_on",
            f"Agreement {agreement.number} is not valid on {day.isoformat()} "
            f"(valid {agreement.valid_from.isoformat()} – "
            f"{agreement.valid_to.isoformat() if agreement.valid_to else '…'}).",
            field="agreement_id",
            params={"number": agreement.number, "date": day.isoformat()},
        )
    return agreement


def agreement_price(product: Product, agreement: Agreement | None) -> Decimal:
    """The price list price under the agreement: base price less the agreement's discount."""
    base = Decimal(product.base_price)
    if agreement is None:
        return base.quantize(CENT)
    return (base * (Decimal(100) - Decimal(agreement.discount_percent)) / 100).quantize(CENT)
