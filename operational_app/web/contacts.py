"""Контактные лица and partner roles (Роли партнёров), as in api/routes/contacts.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app import auth
from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.engagement_schemas import (
    ContactCreate,
)
from operational_app.db.models import (
    ContactPerson,
    ContactRole,
    Partner,
    PartnerRoleLink,
)
from operational_app.domain import contacts as contact_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, ValidationFailed
from operational_app.portal import invites as portal_invites
from operational_app.web.common import (
    PAGE_SIZE,
    failure_errors,
    form_values,
    int_or_none,
    page_offset,
    parse_form,
    redirect,
    render,
    request_lang,
    sort_param,
    text_filter,
)
from operational_app.web.engagement import (
    lookup_names,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


# --- Contacts ---------------------------------------------------------------------------------

CONTACT_EDIT_FIELDS = ("full_name", "contact_role_id", "role", "phone", "email")


@router.get("/contacts")
def contact_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    partner_id: str | None = None,
    contact_role_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": text_filter(q),
        "partner_id": int_or_none(partner_id),
        "contact_role_id": int_or_none(contact_role_id),
        "sort": sort_param(sort),
    }
    start = page_offset(offset)
    page = contact_service.list_contacts(
        session,
        q=filters["q"] or None,
        partner_id=filters["partner_id"],
        contact_role_id=filters["contact_role_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "contacts/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "partners": queries.partner_choices(session),
            "contact_roles": queries.live(session, ContactRole, ContactRole.name),
            "names": lookup_names(session),
        },
    )


def _contact_form(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    contact: ContactPerson | None = None,
    changes: list | None = None,
    status_code: int = 200,
    new_invite_link: str | None = None,
) -> Response:
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "errors": errors,
            "contact": contact,
            "changes": changes or [],
            "partners": queries.partner_choices(session),
            "contact_roles": queries.live(session, ContactRole, ContactRole.name),
            "names": lookup_names(session),
            # The portal section (issue 19): invites, and the link of one just created.
            "portal_invites": _portal_invites(request, session, contact),
            "new_invite_link": new_invite_link,
        },
        status_code=status_code,
    )


def _portal_invites(
    request: Request, session: Session, contact: ContactPerson | None
) -> list[tuple[Any, str]] | None:
    """The contact's portal invites with their status; None when the user may not invite."""
    user = getattr(request.state, "user", None)
    if contact is None or user is None or not auth.role_at_least(user.role, "manager"):
        return None
    return [
        (invite, portal_invites.invite_status(invite))
        for invite in portal_invites.invites_of_contact(session, contact.id)
    ]


def contact_card_page(
    request: Request,
    session: Session,
    contact: ContactPerson,
    *,
    errors: dict[str, str] | None = None,
    new_invite_link: str | None = None,
    status_code: int = 200,
) -> Response:
    form = {field: getattr(contact, field) or "" for field in CONTACT_EDIT_FIELDS}
    return _contact_form(
        request,
        session,
        form,
        errors or {},
        contact=contact,
        new_invite_link=new_invite_link,
        status_code=status_code,
    )


@router.get("/contacts/new")
def contact_new(request: Request, session: SessionDep, partner_id: str | None = None) -> Response:
    return _contact_form(request, session, {"partner_id": str(int_or_none(partner_id) or "")}, {})


@router.post("/contacts")
async def contact_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    parsed = parse_form(ContactCreate, values, request_lang(request))
    if isinstance(parsed, dict):
        return _contact_form(request, session, values, parsed, status_code=422)
    try:
        contact = contact_service.create_contact(session, **parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, request_lang(request))
        return _contact_form(request, session, values, errors, status_code=code)
    return redirect(f"/contacts/{contact.id}")


@router.get("/contacts/{contact_id}")
def contact_card(request: Request, session: SessionDep, contact_id: IdPath) -> Response:
    contact = get_or_404(session, ContactPerson, contact_id)
    return contact_card_page(request, session, contact)


@router.post("/contacts/{contact_id}/{action}")
async def contact_action(
    request: Request, session: SessionDep, contact_id: IdPath, action: str
) -> Response:
    if action not in ("edit", "delete"):
        raise NotFound("action.unknown", f"Unknown contact action {action!r}.")
    contact = get_or_404(session, ContactPerson, contact_id)
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    lang = request_lang(request)
    if action == "delete":
        try:
            contact_service.delete_contact(session, contact, expected_version=version)
            session.commit()
        except (DomainError, StaleDataError) as exc:
            errors, code = failure_errors(session, exc, lang)
            form = {f: getattr(contact, f) or "" for f in CONTACT_EDIT_FIELDS}
            return _contact_form(request, session, form, errors, contact=contact, status_code=code)
        return redirect(f"/partners/{contact.partner_id}")
    parsed = parse_form(ContactCreate, {**values, "partner_id": str(contact.partner_id)}, lang)
    if isinstance(parsed, dict):
        return _contact_form(request, session, values, parsed, contact=contact, status_code=422)
    try:
        contact_service.update_contact(
            session,
            contact,
            parsed.model_dump(include=set(CONTACT_EDIT_FIELDS)),
            expected_version=version,
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = failure_errors(session, exc, lang)
        changes = stale_changes(contact, values, CONTACT_EDIT_FIELDS) if is_stale(exc) else []
        return _contact_form(
            request, session, values, errors, contact=contact, changes=changes, status_code=code
        )
    return redirect(f"/contacts/{contact.id}")


# --- Partner roles (on the partner card) ------------------------------------------------------


@router.post("/partners/{partner_id}/roles")
async def partner_role_add(request: Request, session: SessionDep, partner_id: IdPath) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    values = await form_values(request)
    role_id = int_or_none(values.get("partner_role_id"))
    try:
        if role_id is None:
            raise ValidationFailed("text.required", "Choose a role.", field="partner_role_id")
        contact_service.add_partner_role(session, partner, role_id)
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, request_lang(request))
        return render(
            request,
            "error.html",
            {"status_code": code, "detail": next(iter(errors.values())), "rule": exc.rule},
            status_code=code,
        )
    return redirect(f"/partners/{partner.id}#roles")


@router.post("/partners/{partner_id}/roles/{link_id}/delete")
async def partner_role_remove(
    request: Request, session: SessionDep, partner_id: IdPath, link_id: IdPath
) -> Response:
    link = get_or_404(session, PartnerRoleLink, link_id)
    if link.partner_id != partner_id:
        raise NotFound("partner_role_links.not_found", "No such role on this partner.")
    values = await form_values(request)
    contact_service.remove_partner_role(
        session, link, expected_version=int_or_none(values.get("version"))
    )
    session.commit()
    return redirect(f"/partners/{partner_id}#roles")
