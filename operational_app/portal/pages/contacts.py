"""Portal pages: the customer's contact data (issue 19). Contact persons and delivery
addresses with add, edit and delete (a confirm step), the partner's legal entities read-only,
and the history of changes. Every query goes through the customer's PortalScope; writes go
through domain/contact_data.py, which records each change for the operators.

Same conventions as the operator pages: plain POST forms with the CSRF token, Post/Redirect/Get,
a refused form is shown again with the customer's values; a stale edit (409) also lists what
changed meanwhile and carries the current version, so saving again is deliberate.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.schemas import Version, text
from operational_app.db.models import ContactDataChange, ContactPerson, DeliveryAddress, User
from operational_app.domain import contact_data
from operational_app.domain.errors import DomainError, StaleVersion
from operational_app.portal.api.contacts import contact_data_of
from operational_app.portal.deps import CurrentCustomer, Customer
from operational_app.web.common import form_values, redirect, render, request_lang
from operational_app.web.forms import FormModel, domain_error_message, form_errors
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(prefix="/portal", include_in_schema=False)
HISTORY_LIMIT = 100


class PersonForm(FormModel):
    version: Version | None = None
    full_name: text(200)
    role: text(100, min_length=0) | None = None
    phone: text(50, min_length=0) | None = None
    email: text(200, min_length=0) | None = None

    def fields(self) -> dict[str, Any]:
        return self.model_dump(include=set(contact_data.CONTACT_FIELDS))


class AddressForm(FormModel):
    version: Version | None = None
    address: text(500)
    comment: text(500, min_length=0) | None = None
    is_default: bool = False

    def fields(self) -> dict[str, Any]:
        return self.model_dump(include=set(contact_data.ADDRESS_FIELDS))


def _posted_version(values: dict[str, str]) -> int | None:
    """The form's hidden version; a mangled one is treated as absent, as operator pages do."""
    raw = (values.get("version") or "").strip()
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
        return int(raw)
    return None


def _failure(session: Session, exc: Exception, lang: str) -> tuple[dict[str, str], int]:
    session.rollback()
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The record was changed by someone else.")
    assert isinstance(exc, DomainError)
    return {exc.field or "_": domain_error_message(exc, lang)}, exc.status_code


def history(session: Session, customer: Customer, limit: int = HISTORY_LIMIT) -> dict[str, Any]:
    """The partner's changes, newest first, with who made them (the customer sees their
    colleagues' edits by name) and what each is about."""
    rows = list(
        session.scalars(
            customer.scope.select(ContactDataChange)
            .order_by(ContactDataChange.changed_at.desc(), ContactDataChange.id.desc())
            .limit(limit)
        )
    )
    user_ids = {row.changed_by_id for row in rows if row.changed_by_id is not None}
    # Users have no PortalScope rule (operators' table): read the names alone, of this
    # partner's own portal users only; anyone else is shown without a name.
    names = dict(
        session.execute(
            select(User.id, User.full_name).where(
                User.id.in_(user_ids), User.partner_id == customer.scope.partner_id
            )
        ).all()
    )
    titles = contact_data.change_titles(
        session, rows, live=lambda model, statement: customer.scope.where(statement, model)
    )
    return {"changes": rows, "user_names": names, "titles": titles}


@router.get("/contacts")
def contacts_page(request: Request, session: SessionDep, customer: CurrentCustomer) -> Response:
    return render(
        request,
        "portal/contacts/index.html",
        {
            **contact_data_of(session, customer),
            **history(session, customer),
            "own_contact_person_id": customer.user.contact_person_id,
        },
    )


# --- Contact persons --------------------------------------------------------------------------


def _person_form(
    request: Request,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    contact: ContactPerson | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "portal/contacts/person_form.html",
        {"form": form, "errors": errors, "contact": contact, "changes": changes or []},
        status_code=status_code,
    )


def _person_values(contact: ContactPerson) -> dict[str, Any]:
    return {field: getattr(contact, field) or "" for field in contact_data.CONTACT_FIELDS}


@router.get("/contacts/persons/new")
def person_new(request: Request, customer: CurrentCustomer) -> Response:
    return _person_form(request, {}, {})


@router.post("/contacts/persons")
async def person_create(
    request: Request, session: SessionDep, customer: CurrentCustomer
) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    try:
        form = PersonForm.model_validate(values)
    except ValidationError as exc:
        return _person_form(request, values, form_errors(exc, lang), status_code=422)
    try:
        contact_data.create_contact_person(
            session,
            partner_id=customer.scope.partner_id,
            values=form.fields(),
            changed_by_id=customer.user.id,
        )
        session.commit()
    except DomainError as exc:
        errors, code = _failure(session, exc, lang)
        return _person_form(request, values, errors, status_code=code)
    return redirect("/portal/contacts#persons")


@router.get("/contacts/persons/{contact_id}")
def person_card(
    request: Request, session: SessionDep, customer: CurrentCustomer, contact_id: IdPath
) -> Response:
    contact = customer.scope.get(session, ContactPerson, contact_id)
    return _person_form(request, _person_values(contact), {}, contact=contact)


@router.post("/contacts/persons/{contact_id}")
async def person_update(
    request: Request, session: SessionDep, customer: CurrentCustomer, contact_id: IdPath
) -> Response:
    contact = customer.scope.get(session, ContactPerson, contact_id)
    values = await form_values(request)
    lang = request_lang(request)
    try:
        form = PersonForm.model_validate(values)
    except ValidationError as exc:
        return _person_form(
            request, values, form_errors(exc, lang), contact=contact, status_code=422
        )
    try:
        contact_data.update_contact_person(
            session,
            contact,
            form.fields(),
            expected_version=form.version,
            changed_by_id=customer.user.id,
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, lang)
        changes = (
            stale_changes(contact, values, contact_data.CONTACT_FIELDS) if is_stale(exc) else []
        )
        return _person_form(
            request, values, errors, contact=contact, changes=changes, status_code=code
        )
    return redirect("/portal/contacts#persons")


@router.get("/contacts/persons/{contact_id}/delete")
def person_delete_confirm(
    request: Request, session: SessionDep, customer: CurrentCustomer, contact_id: IdPath
) -> Response:
    contact = customer.scope.get(session, ContactPerson, contact_id)
    return _confirm(request, "person", contact, contact.full_name, {})


def _confirm(
    request: Request,
    kind: str,
    entity: ContactPerson | DeliveryAddress,
    title: str,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "portal/contacts/confirm_delete.html",
        {"kind": kind, "entity": entity, "title": title, "errors": errors},
        status_code=status_code,
    )


@router.post("/contacts/persons/{contact_id}/delete")
async def person_delete(
    request: Request, session: SessionDep, customer: CurrentCustomer, contact_id: IdPath
) -> Response:
    contact = customer.scope.get(session, ContactPerson, contact_id)
    values = await form_values(request)
    try:
        version = _posted_version(values)
        contact_data.delete_contact_person(
            session,
            contact,
            expected_version=version,
            changed_by_id=customer.user.id,
            own_contact_person_id=customer.user.contact_person_id,
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, request_lang(request))
        return _confirm(request, "person", contact, contact.full_name, errors, code)
    return redirect("/portal/contacts#persons")


# --- Delivery addresses -----------------------------------------------------------------------


def _address_form(
    request: Request,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    address: DeliveryAddress | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "portal/contacts/address_form.html",
        {"form": form, "errors": errors, "address": address, "changes": changes or []},
        status_code=status_code,
    )


def _address_values(address: DeliveryAddress) -> dict[str, Any]:
    return {
        "address": address.address,
        "comment": address.comment or "",
        "is_default": "on" if address.is_default else "",
    }


@router.get("/contacts/addresses/new")
def address_new(request: Request, customer: CurrentCustomer) -> Response:
    return _address_form(request, {}, {})


@router.post("/contacts/addresses")
async def address_create(
    request: Request, session: SessionDep, customer: CurrentCustomer
) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    try:
        form = AddressForm.model_validate(values)
    except ValidationError as exc:
        return _address_form(request, values, form_errors(exc, lang), status_code=422)
    try:
        contact_data.create_delivery_address(
            session,
            partner_id=customer.scope.partner_id,
            values=form.fields(),
            changed_by_id=customer.user.id,
        )
        session.commit()
    except DomainError as exc:
        errors, code = _failure(session, exc, lang)
        return _address_form(request, values, errors, status_code=code)
    return redirect("/portal/contacts#addresses")


@router.get("/contacts/addresses/{address_id}")
def address_card(
    request: Request, session: SessionDep, customer: CurrentCustomer, address_id: IdPath
) -> Response:
    address = customer.scope.get(session, DeliveryAddress, address_id)
    return _address_form(request, _address_values(address), {}, address=address)


@router.post("/contacts/addresses/{address_id}")
async def address_update(
    request: Request, session: SessionDep, customer: CurrentCustomer, address_id: IdPath
) -> Response:
    address = customer.scope.get(session, DeliveryAddress, address_id)
    values = await form_values(request)
    lang = request_lang(request)
    try:
        form = AddressForm.model_validate(values)
    except ValidationError as exc:
        return _address_form(
            request, values, form_errors(exc, lang), address=address, status_code=422
        )
    try:
        contact_data.update_delivery_address(
            session,
            address,
            form.fields(),
            expected_version=form.version,
            changed_by_id=customer.user.id,
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, lang)
        changes = stale_changes(address, values, ("address", "comment")) if is_stale(exc) else []
        return _address_form(
            request, values, errors, address=address, changes=changes, status_code=code
        )
    return redirect("/portal/contacts#addresses")


@router.get("/contacts/addresses/{address_id}/delete")
def address_delete_confirm(
    request: Request, session: SessionDep, customer: CurrentCustomer, address_id: IdPath
) -> Response:
    address = customer.scope.get(session, DeliveryAddress, address_id)
    return _confirm(request, "address", address, address.address, {})


@router.post("/contacts/addresses/{address_id}/delete")
async def address_delete(
    request: Request, session: SessionDep, customer: CurrentCustomer, address_id: IdPath
) -> Response:
    address = customer.scope.get(session, DeliveryAddress, address_id)
    values = await form_values(request)
    try:
        contact_data.delete_delivery_address(
            session,
            address,
            expected_version=_posted_version(values),
            changed_by_id=customer.user.id,
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, request_lang(request))
        return _confirm(request, "address", address, address.address, errors, code)
    return redirect("/portal/contacts#addresses")
