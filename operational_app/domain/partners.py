"""Партнёры and their Контрагенты: create/update with the entry rules applied.

Services flush but never commit: the caller (API route, web page, test) owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    PARTNER_KINDS,
    BusinessRegion,
    Counterparty,
    Partner,
    User,
    utc_now,
)
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import ValidationFailed, check_version
from operational_app.domain.validation import validate_counterparty_identity

PARTNER_FIELDS = ("name", "kind", "business_region_id", "manager_id", "comment")
COUNTERPARTY_FIELDS = (
    "partner_id",
    "legal_form",
    "inn",
    "kpp",
    "legal_name",
    "legal_address",
    "phone",
)


def _validate_kind(kind: str) -> str:
    if kind not in PARTNER_KINDS:
        raise ValidationFailed(
            "partner.kind_unknown",
            f"Partner kind must be one of {', '.join(PARTNER_KINDS)}.",
            field="kind",
        )
    return kind


def _apply_partner(session: Session, partner: Partner, values: Mapping[str, Any]) -> None:
    if "name" in values:
        partner.name = require_text(values["name"], "name")
    if "kind" in values:
        partner.kind = _validate_kind(values["kind"])
    if "business_region_id" in values:
        require_reference(
            session, BusinessRegion, values["business_region_id"], "business_region_id"
        )
        partner.business_region_id = values["business_region_id"]
    if "manager_id" in values:
        require_reference(session, User, values["manager_id"], "manager_id")
        partner.manager_id = values["manager_id"]
    if "comment" in values:
        partner.comment = clean_text(values["comment"])


def create_partner(
    session: Session,
    *,
    name: str,
    kind: str = "customer",
    business_region_id: int | None = None,
    manager_id: int | None = None,
    comment: str | None = None,
) -> Partner:
    partner = Partner()
    _apply_partner(
        session,
        partner,
        {
            "name": name,
            "kind": kind,
            "business_region_id": business_region_id,
            "manager_id": manager_id,
            "comment": comment,
        },
    )
    session.add(partner)
    session.flush()
    return partner


def update_partner(
    session: Session,
    partner: Partner,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Partner:
    """Apply only the given fields (a PATCH); refuse if the caller edited an old version."""
    check_version(partner, expected_version)
    # No autoflush while the fields are applied: each reference lookup would otherwise flush a
    # half-applied row and bump `version` once per lookup (one edit must be one version).
    with session.no_autoflush:
        _apply_partner(session, partner, {k: v for k, v in changes.items() if k in PARTNER_FIELDS})
    session.flush()
    return partner


def _ensure_unique_identity(
    session: Session, inn: str, kpp: str | None, exclude_id: int | None = None
) -> None:
    """Check (ИНН, КПП) before the INSERT so a duplicate is a clear 422, not an IntegrityError.

    The database constraint treats NULL КПП as distinct, so the rule for individuals lives here.
    """
    query = select(Counterparty).where(Counterparty.inn == inn)
    query = query.where(Counterparty.kpp.is_(None) if kpp is None else Counterparty.kpp == kpp)
    if exclude_id is not None:
        query = query.where(Counterparty.id != exclude_id)
    existing = session.scalars(query.limit(1)).first()
    if existing is not None:
        owner = session.get(Partner, existing.partner_id)
        # The operator needs a name to look for, not a row id; a soft-deleted row still holds
        # the identity (the unique constraint sees it), so say so.
        rule = "counterparty.duplicate_deleted" if existing.deleted_at else "counterparty.duplicate"
        raise ValidationFailed(
            rule,
            f"A counterparty with ИНН {inn}"
            + (f" and КПП {kpp}" if kpp else "")
            + f" already exists: {existing.legal_name} (partner {owner.name if owner else '?'})"
            + (", marked deleted." if existing.deleted_at else "."),
            field="inn",
            params={
                "inn": inn,
                "kpp": kpp or "",
                "id": existing.id,
                "name": existing.legal_name,
                "partner": owner.name if owner else "",
                "partner_id": existing.partner_id,
            },
        )


def _apply_counterparty(
    session: Session, counterparty: Counterparty, values: Mapping[str, Any]
) -> None:
    if "partner_id" in values:
        if values["partner_id"] is None:
            raise ValidationFailed("text.required", "partner_id is required.", field="partner_id")
        require_reference(session, Partner, values["partner_id"], "partner_id")
        counterparty.partner_id = values["partner_id"]
    # Identity fields are checked together: the ИНН length and КПП rule depend on the form.
    legal_form, inn, kpp = validate_counterparty_identity(
        values.get("legal_form", counterparty.legal_form),
        values.get("inn", counterparty.inn),
        values.get("kpp", counterparty.kpp),
    )
    if (inn, kpp) != (counterparty.inn, counterparty.kpp):
        _ensure_unique_identity(session, inn, kpp, exclude_id=counterparty.id)
    counterparty.legal_form, counterparty.inn, counterparty.kpp = legal_form, inn, kpp
    if "legal_name" in values:
        counterparty.legal_name = require_text(values["legal_name"], "legal_name")
    if "legal_address" in values:
        counterparty.legal_address = clean_text(values["legal_address"])
    if "phone" in values:
        counterparty.phone = clean_text(values["phone"])


def create_counterparty(
    session: Session,
    *,
    partner_id: int,
    legal_form: str,
    inn: str,
    legal_name: str,
    kpp: str | None = None,
    legal_address: str | None = None,
    phone: str | None = None,
) -> Counterparty:
    counterparty = Counterparty()
    _apply_counterparty(
        session,
        counterparty,
        {
            "partner_id": partner_id,
            "legal_form": legal_form,
            "inn": inn,
            "kpp": kpp,
            "legal_name": legal_name,
            "legal_address": legal_address,
            "phone": phone,
        },
    )
    session.add(counterparty)
    session.flush()
    return counterparty


def update_counterparty(
    session: Session,
    counterparty: Counterparty,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Counterparty:
    check_version(counterparty, expected_version)
    with session.no_autoflush:  # one edit, one version (see update_partner)
        _apply_counterparty(
            session, counterparty, {k: v for k, v in changes.items() if k in COUNTERPARTY_FIELDS}
        )
    session.flush()
    return counterparty


def delete_counterparty(
    session: Session,
    counterparty: Counterparty,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Counterparty:
    """Soft delete: orders and agreements already made keep pointing at the legal entity.

    The row keeps its (ИНН, КПП), so the duplicate check still sees it: the same entity entered
    again is a clear 422 naming the deleted row, never an IntegrityError.
    """
    check_version(counterparty, expected_version)
    if counterparty.deleted_at is None:
        counterparty.deleted_at = now or utc_now()
    session.flush()
    return counterparty


def partner_counterparties(session: Session, partner_id: int) -> list[Counterparty]:
    """The partner's live legal entities, in the order they were entered (the first is the main)."""
    return list(
        session.scalars(
            select(Counterparty)
            .where(Counterparty.partner_id == partner_id, Counterparty.deleted_at.is_(None))
            .order_by(Counterparty.id)
        )
    )


def create_partner_with_counterparty(
    session: Session,
    *,
    partner: Mapping[str, Any],
    counterparty: Mapping[str, Any],
) -> tuple[Partner, Counterparty]:
    """The operator's "new customer" form: a partner and its main legal entity, all or nothing.

    The identity is validated before anything is flushed so that an ИНН error never leaves a
    partner without a counterparty behind (the caller rolls back either way).
    """
    identity = validate_counterparty_identity(
        counterparty.get("legal_form", ""), counterparty.get("inn", ""), counterparty.get("kpp")
    )
    _ensure_unique_identity(session, identity[1], identity[2])
    require_text(counterparty.get("legal_name"), "legal_name")
    new_partner = create_partner(session, **partner)
    new_counterparty = create_counterparty(
        session, **{**counterparty, "partner_id": new_partner.id}
    )
    return new_partner, new_counterparty
