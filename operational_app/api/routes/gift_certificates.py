"""Серии и реестр подарочных сертификатов (issue 21): CRUD; the rules live in
operational_app/domain/gift_certificates. Sales and redemptions come from the ОФД receipts."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SessionDep
from operational_app.api.schemas import Paged
from operational_app.api.schemas_retail import (
    GiftCertificateCreate,
    GiftCertificatePublic,
    GiftCertificateSeriesCreate,
    GiftCertificateSeriesPublic,
    GiftCertificateSeriesUpdate,
    GiftCertificateUpdate,
)
from operational_app.api.schemas_sales import DeleteBody
from operational_app.db.models import GiftCertificate, GiftCertificateSeries
from operational_app.domain import gift_certificates as service
from operational_app.domain.common import get_or_404
from operational_app.domain.listing import page

router = APIRouter(tags=["retail"])


@router.get("/gift-certificate-series", response_model=Paged[GiftCertificateSeriesPublic])
def list_gift_certificate_series(
    session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> Paged[GiftCertificateSeriesPublic]:
    """Серии подарочных сертификатов, by name (deleted ones left out)."""
    series = page(
        session,
        select(GiftCertificateSeries).where(GiftCertificateSeries.deleted_at.is_(None)),
        sort=None,
        columns={"name": GiftCertificateSeries.name},
        default="name",
        tiebreak=GiftCertificateSeries.id,
        limit=limit,
        offset=offset,
    )
    return Paged[GiftCertificateSeriesPublic].of(series.items, series.total)


@router.get("/gift-certificate-series/{series_id}", response_model=GiftCertificateSeriesPublic)
def get_gift_certificate_series(session: SessionDep, series_id: IdPath) -> GiftCertificateSeries:
    """One series of gift certificates; 404 when it does not exist or was deleted."""
    return get_or_404(session, GiftCertificateSeries, series_id)


@router.post(
    "/gift-certificate-series",
    response_model=GiftCertificateSeriesPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_gift_certificate_series(
    session: SessionDep, body: GiftCertificateSeriesCreate
) -> GiftCertificateSeries:
    """Create a Серия подарочных сертификатов: `fixed` (every certificate has the series'
    nominal) or `open` (each certificate states its own), valid `validity_days` after the sale.

    422 with `gift_certificate_series.name_taken`, `gift_certificate_series.kind`,
    `gift_certificate_series.fixed_needs_nominal`, `gift_certificate_series.open_has_nominal`
    or `validity_days.range`."""
    series = service.create_series(session, **body.model_dump())
    session.commit()
    return series


@router.patch("/gift-certificate-series/{series_id}", response_model=GiftCertificateSeriesPublic)
def update_gift_certificate_series(
    session: SessionDep, series_id: IdPath, body: GiftCertificateSeriesUpdate
) -> GiftCertificateSeries:
    """Change a series; `version` is required (409 when it changed meanwhile). The same 422
    rules as creating."""
    series = get_or_404(session, GiftCertificateSeries, series_id)
    service.update_series(session, series, body.changes(), expected_version=body.version)
    session.commit()
    return series


@router.delete("/gift-certificate-series/{series_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_gift_certificate_series(
    session: SessionDep, series_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a series (softly); 409 `gift_certificate_series.has_certificates` while
    certificates still belong to it. `version` in the body is optional."""
    series = get_or_404(session, GiftCertificateSeries, series_id)
    service.delete_series(session, series, expected_version=body.version if body else None)
    session.commit()


@router.get("/gift-certificates", response_model=Paged[GiftCertificatePublic])
def list_gift_certificates(
    session: SessionDep,
    series_id: IdFilter = None,
    number: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[GiftCertificatePublic]:
    """Подарочные сертификаты by number, narrowed by series or an exact number."""
    query = select(GiftCertificate).where(GiftCertificate.deleted_at.is_(None))
    if series_id is not None:
        query = query.where(GiftCertificate.series_id == series_id)
    if number:
        query = query.where(GiftCertificate.number == number.strip()[:40])
    certificates = page(
        session,
        query,
        sort=None,
        columns={"number": GiftCertificate.number},
        default="number",
        tiebreak=GiftCertificate.id,
        limit=limit,
        offset=offset,
    )
    return Paged[GiftCertificatePublic].of(certificates.items, certificates.total)


@router.get("/gift-certificates/{certificate_id}", response_model=GiftCertificatePublic)
def get_gift_certificate(session: SessionDep, certificate_id: IdPath) -> GiftCertificate:
    """One gift certificate; 404 when it does not exist or was deleted."""
    return get_or_404(session, GiftCertificate, certificate_id)


@router.post("/gift-certificates", response_model=GiftCertificatePublic, status_code=201)
def create_gift_certificate(session: SessionDep, body: GiftCertificateCreate) -> GiftCertificate:
    """Register a printed Подарочный сертификат: its number (as receipts name it), series and
    nominal (a fixed series' nominal when not given).

    422 with `gift_certificate.number_taken`, `reference.unknown` (series),
    `gift_certificate.nominal` (an open series' certificate without one),
    `gift_certificate.nominal_not_series` (a fixed series' certificate with another nominal) or
    `gift_certificate.cancelled_before_issue`."""
    certificate = service.create_certificate(session, **body.model_dump())
    session.commit()
    return certificate


@router.patch("/gift-certificates/{certificate_id}", response_model=GiftCertificatePublic)
def update_gift_certificate(
    session: SessionDep, certificate_id: IdPath, body: GiftCertificateUpdate
) -> GiftCertificate:
    """Change a certificate (cancel it with `cancelled_on`); `version` is required (409 when it
    changed meanwhile). The same 422 rules as registering."""
    certificate = get_or_404(session, GiftCertificate, certificate_id)
    service.update_certificate(session, certificate, body.changes(), expected_version=body.version)
    session.commit()
    return certificate


@router.delete("/gift-certificates/{certificate_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_gift_certificate(
    session: SessionDep, certificate_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a certificate from the register (softly); `version` in the body is optional."""
    certificate = get_or_404(session, GiftCertificate, certificate_id)
    version = body.version if body else None
    service.delete_certificate(session, certificate, expected_version=version)
    session.commit()
