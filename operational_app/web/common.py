"""Helpers every operator page uses: rendering, redirects, form values and lenient parsing.

Pages are plain HTML forms, no JavaScript. Every successful POST redirects (Post/Redirect/Get); a
refused one re-renders the same page with the error next to its field and everything the
operator typed still in the inputs.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.api.schemas import MAX_ID
from operational_app.db.models import (
    DEAL_STATUSES,
    LEGAL_FORMS,
    PARTNER_KINDS,
)
from operational_app.domain import queries

PAGE_SIZE = 50


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def request_lang(request: Request) -> str:
    return request.app.state.settings.lang


def redirect(url: str) -> RedirectResponse:
    # 303 makes the browser follow with GET, so a reload never re-posts the form.
    return RedirectResponse(url, status_code=303)


def int_or_none(value: Any) -> int | None:
    """Lenient parsing of filters and selects: junk in a query string just means "no filter"."""
    if isinstance(value, str) and value.strip().isdigit() and value.isascii():
        number = int(value)
        return number if 0 < number <= MAX_ID else None
    return None


async def form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    # Uploaded files have no place in these forms; keep the text fields only.
    return {key: value for key, value in form.items() if isinstance(value, str)}


def names_by_id(session: Session, model: Any, attr: str = "name") -> dict[int, str]:
    return {row.id: getattr(row, attr) for row in session.scalars(select(model))}


def classifier_choices(session: Session) -> dict[str, Any]:
    return {
        "regions": queries.business_regions(session),
        "managers": queries.users(session),
        "deal_kinds": queries.deal_kinds(session),
        "loss_reasons": queries.loss_reasons(session),
        "partner_kinds": PARTNER_KINDS,
        "legal_forms": LEGAL_FORMS,
        "deal_statuses": DEAL_STATUSES,
    }
