"""Серии и реестр подарочных сертификатов (issue 21).

A series is `fixed` (every certificate of it has the series' nominal) or `open` (each
certificate states its own nominal); `validity_days` is how long a certificate stays valid
after its sale. Operators register the numbered certificates they print; a cancelled
certificate (lost, spoiled) keeps its row with `cancelled_on`.

What happens to a certificate at the cash register is not entered here: the warehouse reads
its sale (an advance, ФФД tag 1214 = 3) and its redemptions (payment by an earlier advance,
tag 1215) from the ОФД receipts and links them by the number (ingestion/ofd/receipts.py,
int_retail_gift_certificates_ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    GIFT_CERTIFICATE_SERIES_KINDS,
    GiftCertificate,
    GiftCertificateSeries,
    utc_now,
)
from operational_app.domain.common import require_reference, require_text
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.products import soft_delete

SERIES_FIELDS: Final = ("name", "kind", "nominal", "validity_days")
CERTIFICATE_FIELDS: Final = ("number", "series_id", "nominal", "issued_on", "cancelled_on")


def _apply_series(
    session: Session, series: GiftCertificateSeries, values: Mapping[str, Any]
) -> None:
    if "name" in values:
        name = require_text(values["name"], "name")
        taken = session.scalar(
            select(GiftCertificateSeries.id).where(
                GiftCertificateSeries.name == name,
                GiftCertificateSeries.id != (series.id or 0),
                GiftCertificateSeries.deleted_at.is_(None),
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "gift_certificate_series.name_taken", f"Series {name} already exists.", field="name"
            )
        series.name = name
    if "kind" in values:
        if values["kind"] not in GIFT_CERTIFICATE_SERIES_KINDS:
            raise ValidationFailed(
                "gift_certificate_series.kind", "Unknown series kind.", field="kind"
            )
        series.kind = values["kind"]
    if "nominal" in values:
        series.nominal = None if values["nominal"] is None else Decimal(values["nominal"])
    if "validity_days" in values:
        days = values["validity_days"]
        if days is None or days <= 0:
            raise ValidationFailed(
                "validity_days.range", "validity_days must be positive.", field="validity_days"
            )
        series.validity_days = days
    if series.kind == "fixed" and (series.nominal is None or series.nominal <= 0):
        raise ValidationFailed(
            "gift_certificate_series.fixed_needs_nominal",
            "A fixed series needs a positive nominal.",
            field="nominal",
        )
    if series.kind == "open" and series.nominal is not None:
        raise ValidationFailed(
            "gift_certificate_series.open_has_nominal",
            "An open series has no nominal: each certificate states its own.",
            field="nominal",
        )


def create_series(session: Session, **values: Any) -> GiftCertificateSeries:
    series = GiftCertificateSeries()
    _apply_series(session, series, {k: v for k, v in values.items() if k in SERIES_FIELDS})
    session.add(series)
    session.flush()
    return series


def update_series(
    session: Session,
    series: GiftCertificateSeries,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> GiftCertificateSeries:
    check_version(series, expected_version)
    _apply_series(session, series, {k: v for k, v in changes.items() if k in SERIES_FIELDS})
    series.updated_at = utc_now()
    session.flush()
    return series


def delete_series(
    session: Session, series: GiftCertificateSeries, *, expected_version: int | None = None
) -> None:
    certificate = session.scalar(
        select(GiftCertificate.id).where(
            GiftCertificate.series_id == series.id, GiftCertificate.deleted_at.is_(None)
        )
    )
    if certificate is not None:
        raise TransitionNotAllowed(
            "gift_certificate_series.has_certificates",
            "The series still has certificates; remove them first.",
        )
    soft_delete(series, expected_version)
    session.flush()


def _apply_certificate(
    session: Session, certificate: GiftCertificate, values: Mapping[str, Any]
) -> None:
    if "number" in values:
        number = require_text(values["number"], "number")
        taken = session.scalar(
            select(GiftCertificate.id).where(
                GiftCertificate.number == number, GiftCertificate.id != (certificate.id or 0)
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "gift_certificate.number_taken",
                f"Certificate {number} already exists.",
                field="number",
            )
        certificate.number = number
    if "series_id" in values:
        if values["series_id"] is None:
            raise ValidationFailed("text.required", "series_id is required.", field="series_id")
        require_reference(session, GiftCertificateSeries, values["series_id"], "series_id")
        certificate.series_id = values["series_id"]
    series = session.get(GiftCertificateSeries, certificate.series_id)
    assert series is not None
    if "nominal" in values and values["nominal"] is not None:
        certificate.nominal = Decimal(values["nominal"])
    elif certificate.nominal is None and series.kind == "fixed":
        certificate.nominal = series.nominal  # type: ignore[assignment]
    if certificate.nominal is None or certificate.nominal <= 0:
        raise ValidationFailed(
            "gift_certificate.nominal", "A certificate needs a positive nominal.", field="nominal"
        )
    if series.kind == "fixed" and certificate.nominal != series.nominal:
        raise ValidationFailed(
            "gift_certificate.nominal_not_series",
            f"The series' nominal is {series.nominal}.",
            field="nominal",
        )
    if "issued_on" in values:
        if values["issued_on"] is None:
            raise ValidationFailed("text.required", "issued_on is required.", field="issued_on")
        certificate.issued_on = values["issued_on"]
    if "cancelled_on" in values:
        certificate.cancelled_on = values["cancelled_on"]
    if certificate.cancelled_on is not None and certificate.cancelled_on < certificate.issued_on:
        raise ValidationFailed(
            "gift_certificate.cancelled_before_issue",
            "A certificate cannot be cancelled before it is issued.",
            field="cancelled_on",
        )


def create_certificate(session: Session, **values: Any) -> GiftCertificate:
    certificate = GiftCertificate()
    values = {k: v for k, v in values.items() if k in CERTIFICATE_FIELDS}
    values.setdefault("issued_on", dt.date.today())
    if values.get("series_id") is None:
        raise ValidationFailed("text.required", "series_id is required.", field="series_id")
    _apply_certificate(session, certificate, values)
    session.add(certificate)
    session.flush()
    return certificate


def update_certificate(
    session: Session,
    certificate: GiftCertificate,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> GiftCertificate:
    check_version(certificate, expected_version)
    _apply_certificate(
        session, certificate, {k: v for k, v in changes.items() if k in CERTIFICATE_FIELDS}
    )
    certificate.updated_at = utc_now()
    session.flush()
    return certificate


def delete_certificate(
    session: Session, certificate: GiftCertificate, *, expected_version: int | None = None
) -> None:
    soft_delete(certificate, expected_version)
    session.flush()
