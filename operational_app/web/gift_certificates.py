"""Серии подарочных сертификатов: the series list with each series' registered certificates,
and the entry form (issue 21). The rules live in operational_app/domain/gift_certificates."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, select

from operational_app.api.deps import SessionDep
from operational_app.api.schemas import Name200
from operational_app.db.models import GiftCertificate, GiftCertificateSeries
from operational_app.domain import gift_certificates as service
from operational_app.domain.errors import DomainError
from operational_app.web.common import form_values, redirect, render
from operational_app.web.forms import FormAmount, FormModel
from operational_app.web.sales import errors_of

router = APIRouter(include_in_schema=False)


class GiftCertificateSeriesForm(FormModel):
    name: Name200
    kind: Literal["fixed", "open"] = "fixed"
    nominal: FormAmount | None = None
    validity_days: int


def _series_list(request, session, form, errors, status_code=200) -> Response:
    counts = dict(
        session.execute(
            select(GiftCertificate.series_id, func.count())
            .where(GiftCertificate.deleted_at.is_(None))
            .group_by(GiftCertificate.series_id)
        ).all()
    )
    series = session.scalars(
        select(GiftCertificateSeries)
        .where(GiftCertificateSeries.deleted_at.is_(None))
        .order_by(GiftCertificateSeries.name, GiftCertificateSeries.id)
        .limit(500)
    ).all()
    return render(
        request,
        "retail/gift_certificate_series.html",
        {"series": series, "counts": counts, "form": form, "errors": errors},
        status_code,
    )


@router.get("/gift-certificate-series")
def series_list(request: Request, session: SessionDep) -> Response:
    return _series_list(request, session, {}, {})


@router.post("/gift-certificate-series")
async def series_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    try:
        form = GiftCertificateSeriesForm.model_validate(values)
        service.create_series(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "name")
        return _series_list(request, session, values, errors, code)
    return redirect("/gift-certificate-series")
