"""Helpers every operator page uses: rendering, redirects, form values and lenient parsing.

Pages are plain HTML forms, no JavaScript. Every successful POST redirects (Post/Redirect/Get); a
refused one re-renders the same page with the error next to its field and everything the
operator typed still in the inputs. A stale edit (409) also lists what the other user changed,
next to what this user typed (web/stale.py); the form then carries the current version, so
saving again is a deliberate overwrite.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.schemas import MAX_ID
from operational_app.db.models import (
    DEAL_STATUSES,
    LEGAL_FORMS,
    PARTNER_KINDS,
)
from operational_app.domain import queries
from operational_app.domain.errors import DomainError, StaleVersion
from operational_app.web.forms import domain_error_message, form_errors

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


def clean_fields(values: dict[str, str], fields: tuple[str, ...] | set[str]) -> dict[str, Any]:
    """Form fields of a schema: blank means "not given"."""
    return {k: (v if v.strip() else None) for k, v in values.items() if k in fields}


def parse_form(schema: type[BaseModel], values: dict[str, Any], lang: str) -> Any:
    """The validated model, or a dict of per-field errors."""
    fields = set(schema.model_fields)
    data = {k: v for k, v in clean_fields(values, fields).items() if v is not None}
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        return form_errors(exc, lang)


def text_filter(value: str | None) -> str:
    return (value or "").replace("\x00", "")[:200]


def choice_or_blank(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else ""


def page_offset(value: str | None) -> int:
    return min(int_or_none(value) or 0, 2**31 - 1)


def sort_param(value: str | None) -> str:
    value = (value or "")[:40]
    return value if value.lstrip("-").replace("_", "").isalpha() else ""


def failure_errors(
    session: Session, exc: Exception, lang: str, fallback: str = "_"
) -> tuple[dict[str, str], int]:
    session.rollback()
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The record was changed by someone else.")
    assert isinstance(exc, DomainError)
    return {exc.field or fallback: domain_error_message(exc, lang)}, exc.status_code


def id_options(rows: list[Any], attr: str = "name") -> list[tuple[int, str]]:
    return [(row.id, getattr(row, attr)) for row in rows]
