"""Operator pages for contacts, interactions (Взаимодействия) and claims (Претензии клиентов).

Same conventions as `web.common`: plain HTML forms, Post/Redirect/Get, a refused form is shown
again with the error beside its field and the typed values kept. A stale edit (409) also lists
what the other user changed, next to what this user typed; the form then carries the current
version, so saving again is a deliberate overwrite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from jinja2 import pass_context
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app import auth
from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.engagement_schemas import (
    ClaimCreate,
    ContactCreate,
    InteractionCreate,
)
from operational_app.db.models import (
    CLAIM_RESULTS,
    CLAIM_SOURCES,
    CLAIM_STATUSES,
    DIRECTIONS,
    INTERACTION_KINDS,
    INTERACTION_STATUSES,
    INTERACTION_SUBJECTS,
    Claim,
    ClaimReason,
    ClaimTask,
    ContactPerson,
    ContactRole,
    CustomerOrder,
    Deal,
    Interaction,
    InteractionTopic,
    MarketingEvent,
    Partner,
    PartnerRole,
    PartnerRoleLink,
    Shipment,
    User,
    utc_now,
)
from operational_app.domain import claims as claim_service
from operational_app.domain import classifiers as classifier_service
from operational_app.domain import contacts as contact_service
from operational_app.domain import interactions as interaction_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from operational_app.portal import invites as portal_invites
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    request_lang,
)
from operational_app.web.formatting import local_input, parse_local_input, settings_zone
from operational_app.web.forms import domain_error_message, form_errors
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


# --- Helpers ----------------------------------------------------------------------------------


def _clean(values: dict[str, str], fields: tuple[str, ...] | set[str]) -> dict[str, Any]:
    """Form fields of a schema: blank means "not given"."""
    return {k: (v if v.strip() else None) for k, v in values.items() if k in fields}


def _parse(schema: type[BaseModel], values: dict[str, Any], lang: str) -> Any:
    """The validated model, or a dict of per-field errors."""
    fields = set(schema.model_fields)
    data = {k: v for k, v in _clean(values, fields).items() if v is not None}
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        return form_errors(exc, lang)


def _text_filter(value: str | None) -> str:
    return (value or "").replace("\x00", "")[:200]


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else ""


def _offset(value: str | None) -> int:
    return min(int_or_none(value) or 0, 2**31 - 1)


def _sort(value: str | None) -> str:
    value = (value or "")[:40]
    return value if value.lstrip("-").replace("_", "").isalpha() else ""


def _failure(
    session: Session, exc: Exception, lang: str, fallback: str = "_"
) -> tuple[dict[str, str], int]:
    session.rollback()
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The record was changed by someone else.")
    assert isinstance(exc, DomainError)
    return {exc.field or fallback: domain_error_message(exc, lang)}, exc.status_code


def _options(rows: list[Any], attr: str = "name") -> list[tuple[int, str]]:
    return [(row.id, getattr(row, attr)) for row in rows]


def _dt_local(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """A stored (UTC) moment as the operator's local `datetime-local` input value."""
    return local_input(value, zone)


def _zone(request: Request) -> ZoneInfo:
    return settings_zone(request.app.state.settings)


def _now_minute() -> dt.datetime:
    return utc_now().replace(second=0, microsecond=0)


def _local_times(values: dict[str, str], zone: ZoneInfo) -> dict[str, str]:
    """Typed local times (`planned_at`) as moments with the zone's offset, stored as UTC."""
    if values.get("planned_at"):
        return {**values, "planned_at": parse_local_input(values["planned_at"], zone) or ""}
    return values


# --- Data for the partner and deal cards (template globals) ----------------------------------


def _with_session(request: Any, work: Any) -> Any:
    with request.app.state.session_factory() as session:
        return work(session)


@pass_context
def partner_engagement(context: dict, partner_id: int) -> dict[str, Any]:
    """Contacts, roles, interactions and claims for the partner card's sections."""

    def load(session: Session) -> dict[str, Any]:
        links = contact_service.partner_role_links(session, partner_id)
        assigned = {link.partner_role_id for link in links}
        return {
            "contacts": contact_service.list_contacts(
                session, partner_id=partner_id, limit=500
            ).items,
            "role_links": links,
            "free_roles": [
                r
                for r in queries.live(session, PartnerRole, PartnerRole.name)
                if r.id not in assigned
            ],
            "interactions": interaction_service.list_interactions(
                session, partner_id=partner_id, limit=100
            ).items,
            "claims": claim_service.list_claims(session, partner_id=partner_id, limit=100).items,
            "names": _lookup_names(session),
        }

    return _with_session(context["request"], load)


@pass_context
def subject_interactions(context: dict, subject_type: str, subject_id: int) -> dict[str, Any]:
    """The interactions about one deal, claim or marketing event (the Предмет chain)."""
    column = interaction_service.SUBJECT_COLUMNS[subject_type]

    def load(session: Session) -> dict[str, Any]:
        page = interaction_service.list_interactions(session, limit=200, **{column: subject_id})
        return {"interactions": page.items, "names": _lookup_names(session)}

    return _with_session(context["request"], load)


def template_globals() -> dict[str, Any]:
    return {
        "partner_engagement": partner_engagement,
        "subject_interactions": subject_interactions,
    }


def _lookup_names(session: Session) -> dict[str, dict[int, str]]:
    return {
        "partners": names_by_id(session, Partner),
        "users": names_by_id(session, User, "full_name"),
        "contacts": names_by_id(session, ContactPerson, "full_name"),
        "contact_roles": names_by_id(session, ContactRole),
        "partner_roles": names_by_id(session, PartnerRole),
        "topics": names_by_id(session, InteractionTopic),
        "deals": {d.id: f"{d.number} {d.name}" for d in session.query(Deal)},
        "claims": names_by_id(session, Claim, "number"),
        "events": names_by_id(session, MarketingEvent),
        "reasons": classifier_service.claim_reason_paths(session),
        "orders": names_by_id(session, CustomerOrder, "number"),
        "shipments": names_by_id(session, Shipment, "number"),
    }


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
        "q": _text_filter(q),
        "partner_id": int_or_none(partner_id),
        "contact_role_id": int_or_none(contact_role_id),
        "sort": _sort(sort),
    }
    start = _offset(offset)
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
            "names": _lookup_names(session),
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
            "names": _lookup_names(session),
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
    parsed = _parse(ContactCreate, values, request_lang(request))
    if isinstance(parsed, dict):
        return _contact_form(request, session, values, parsed, status_code=422)
    try:
        contact = contact_service.create_contact(session, **parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = _failure(session, exc, request_lang(request))
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
            errors, code = _failure(session, exc, lang)
            form = {f: getattr(contact, f) or "" for f in CONTACT_EDIT_FIELDS}
            return _contact_form(request, session, form, errors, contact=contact, status_code=code)
        return redirect(f"/partners/{contact.partner_id}")
    parsed = _parse(ContactCreate, {**values, "partner_id": str(contact.partner_id)}, lang)
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
        errors, code = _failure(session, exc, lang)
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
        errors, code = _failure(session, exc, request_lang(request))
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


# --- Interactions -----------------------------------------------------------------------------

INTERACTION_EDIT_FIELDS = (
    "kind",
    "direction",
    "partner_id",
    "contact_person_id",
    "interaction_topic_id",
    "subject_type",
    "subject_id",
    "summary",
    "description",
    "planned_at",
    "responsible_id",
)


def _split_subject(values: dict[str, str]) -> dict[str, str]:
    """The form's one "Предмет" select carries "deal:12"; the API wants type and id."""
    subject = (values.get("subject") or "").strip()
    kind, _, ident = subject.partition(":")
    result = dict(values)
    result["subject_type"] = kind if kind in INTERACTION_SUBJECTS else ""
    result["subject_id"] = ident if kind in INTERACTION_SUBJECTS else ""
    return result


def _interaction_choices(session: Session, partner_id: int | None) -> dict[str, Any]:
    deals = queries.list_deals(session, partner_id=partner_id, limit=300).items
    claims = claim_service.list_claims(session, partner_id=partner_id, limit=300).items
    contacts = contact_service.list_contacts(session, partner_id=partner_id, limit=500).items
    return {
        "partners": queries.partner_choices(session),
        "contacts": contacts,
        "topics": queries.live(session, InteractionTopic, InteractionTopic.name),
        "users": queries.users(session),
        "subject_deals": deals,
        "subject_claims": claims,
        "subject_events": queries.live(session, MarketingEvent, MarketingEvent.starts_on.desc()),
        "kinds": INTERACTION_KINDS,
        "directions": DIRECTIONS,
        "names": _lookup_names(session),
    }


def _interaction_form(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    interaction: Interaction | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    partner_id = int_or_none(str(form.get("partner_id") or ""))
    template = "interactions/card.html" if interaction is not None else "interactions/form.html"
    return render(
        request,
        template,
        {
            "form": form,
            "errors": errors,
            "interaction": interaction,
            "changes": changes or [],
            **_interaction_choices(session, partner_id),
        },
        status_code=status_code,
    )


def _interaction_values(interaction: Interaction, zone: ZoneInfo) -> dict[str, Any]:
    form = {f: getattr(interaction, f, None) for f in INTERACTION_EDIT_FIELDS}
    form["planned_at"] = _dt_local(interaction.planned_at, zone)
    form["subject_id"] = interaction_service.subject_id(interaction)
    form["subject"] = (
        f"{interaction.subject_type}:{form['subject_id']}" if interaction.subject_type else ""
    )
    return {k: ("" if v is None else v) for k, v in form.items()}


@router.get("/interactions")
def interaction_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    responsible_id: str | None = None,
    subject_type: str | None = None,
    is_reviewed: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": _text_filter(q),
        "kind": _choice(kind, INTERACTION_KINDS),
        "status": _choice(status, INTERACTION_STATUSES),
        "partner_id": int_or_none(partner_id),
        "responsible_id": int_or_none(responsible_id),
        "subject_type": _choice(subject_type, INTERACTION_SUBJECTS),
        "is_reviewed": _choice(is_reviewed, ("yes", "no")),
        "sort": _sort(sort),
    }
    start = _offset(offset)
    page = interaction_service.list_interactions(
        session,
        q=filters["q"] or None,
        kind=filters["kind"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        responsible_id=filters["responsible_id"],
        subject_type=filters["subject_type"] or None,
        is_reviewed={"yes": True, "no": False}.get(filters["is_reviewed"]),
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "interactions/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "partners": queries.partner_choices(session),
            "users": queries.users(session),
            "kinds": INTERACTION_KINDS,
            "statuses": INTERACTION_STATUSES,
            "subject_types": INTERACTION_SUBJECTS,
            "names": _lookup_names(session),
        },
    )


@router.get("/interactions/new")
def interaction_new(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    partner_id: str | None = None,
    deal_id: str | None = None,
    claim_id: str | None = None,
) -> Response:
    form: dict[str, Any] = {
        "kind": "call",
        "direction": "outbound",
        "planned_at": _dt_local(_now_minute(), _zone(request)),
    }
    pid = int_or_none(partner_id)
    deal = session.get(Deal, int_or_none(deal_id) or 0)
    claim = session.get(Claim, int_or_none(claim_id) or 0)
    # Who answers for it: the deal's manager (or the claim's responsible), else the partner's
    # manager, else whoever plans it.
    subject_owner = None
    if deal is not None:
        pid, form["subject"] = deal.partner_id, f"deal:{deal.id}"
        subject_owner = deal.manager_id
    elif claim is not None:
        pid, form["subject"] = claim.partner_id, f"claim:{claim.id}"
        subject_owner = claim.responsible_id
    partner = session.get(Partner, pid) if pid else None
    form["partner_id"] = pid or ""
    form["responsible_id"] = subject_owner or (partner.manager_id if partner else None) or user.id
    return _interaction_form(request, session, form, {})


@router.post("/interactions")
async def interaction_create(request: Request, session: SessionDep) -> Response:
    values = _split_subject(await form_values(request))
    parsed = _parse(InteractionCreate, _local_times(values, _zone(request)), request_lang(request))
    if isinstance(parsed, dict):
        return _interaction_form(request, session, values, parsed, status_code=422)
    try:
        interaction = interaction_service.create_interaction(session, **parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = _failure(session, exc, request_lang(request))
        if "subject_id" in errors or "subject_type" in errors:
            errors["subject"] = errors.pop("subject_id", None) or errors.pop("subject_type")
        return _interaction_form(request, session, values, errors, status_code=code)
    return redirect(f"/interactions/{interaction.id}")


@router.get("/interactions/{interaction_id}")
def interaction_card(request: Request, session: SessionDep, interaction_id: IdPath) -> Response:
    interaction = get_or_404(session, Interaction, interaction_id)
    form = _interaction_values(interaction, _zone(request))
    form["done_at"] = _dt_local(_now_minute(), _zone(request))
    return _interaction_form(request, session, form, {}, interaction=interaction)


@router.post("/interactions/{interaction_id}/{action}")
async def interaction_action(
    request: Request, session: SessionDep, interaction_id: IdPath, action: str
) -> Response:
    if action not in ("edit", "complete", "cancel", "review", "unreview", "delete"):
        raise NotFound("action.unknown", f"Unknown interaction action {action!r}.")
    interaction = get_or_404(session, Interaction, interaction_id)
    values = _split_subject(await form_values(request))
    version = int_or_none(values.get("version"))
    lang = request_lang(request)
    zone = _zone(request)
    try:
        if action == "edit":
            parsed = _parse(InteractionCreate, _local_times(values, zone), lang)
            if isinstance(parsed, dict):
                return _interaction_form(
                    request, session, values, parsed, interaction=interaction, status_code=422
                )
            interaction_service.update_interaction(
                session,
                interaction,
                parsed.model_dump(include=set(INTERACTION_EDIT_FIELDS)),
                expected_version=version,
            )
        elif action == "complete":
            raw = (values.get("done_at") or "").strip()
            try:
                done_at = dt.datetime.fromisoformat(raw) if raw else None
                if done_at is not None and done_at.tzinfo is None:
                    done_at = done_at.replace(tzinfo=zone)  # typed in local time
            except ValueError:
                raise ValidationFailed(
                    "interaction.done_at_format", "Enter a date and time.", field="done_at"
                ) from None
            interaction_service.complete_interaction(
                session, interaction, done_at, expected_version=version
            )
        elif action == "cancel":
            interaction_service.cancel_interaction(session, interaction, expected_version=version)
        elif action in ("review", "unreview"):
            interaction_service.mark_reviewed(
                session, interaction, action == "review", expected_version=version
            )
        else:
            interaction_service.delete_interaction(session, interaction, expected_version=version)
            session.commit()
            return redirect(f"/partners/{interaction.partner_id}")
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, lang, fallback=action)
        if "subject_id" in errors or "subject_type" in errors:
            errors["subject"] = errors.pop("subject_id", None) or errors.pop("subject_type")
        form = values if action == "edit" else _interaction_values(interaction, zone)
        changes = []
        if is_stale(exc) and action == "edit":
            changes = stale_changes(interaction, values, INTERACTION_EDIT_FIELDS, zone=zone)
        return _interaction_form(
            request,
            session,
            {**form, "done_at": values.get("done_at", "")},
            errors,
            interaction=interaction,
            changes=changes,
            status_code=code,
        )
    return redirect(f"/interactions/{interaction.id}")


# --- Claims -----------------------------------------------------------------------------------

CLAIM_EDIT_FIELDS = (
    "claim_reason_id",
    "customer_order_id",
    "shipment_id",
    "claimed_amount",
    "description",
    "responsible_id",
)


def _normalise_amount(values: dict[str, str]) -> dict[str, str]:
    if values.get("claimed_amount"):
        amount = values["claimed_amount"]
        values = {
            **values,
            "claimed_amount": amount.replace("\u00a0", "").replace(" ", "").replace(",", "."),
        }
    return values


def _claim_choices(session: Session, partner_id: int | None) -> dict[str, Any]:
    orders = []
    shipments = []
    if partner_id is not None:
        orders = list(
            session.query(CustomerOrder)
            .filter(CustomerOrder.partner_id == partner_id, CustomerOrder.deleted_at.is_(None))
            .order_by(CustomerOrder.ordered_at.desc())
            .limit(300)
        )
        order_ids = [o.id for o in orders]
        shipments = list(
            session.query(Shipment)
            .filter(Shipment.customer_order_id.in_(order_ids), Shipment.deleted_at.is_(None))
            .order_by(Shipment.shipped_at.desc())
            .limit(300)
        )
    reasons = classifier_service.claim_reason_paths(session)
    live_reasons = queries.live(session, ClaimReason, ClaimReason.name)
    return {
        "partners": queries.partner_choices(session),
        "reason_options": sorted(((r.id, reasons[r.id]) for r in live_reasons), key=lambda o: o[1]),
        "users": queries.users(session),
        "orders": orders,
        "shipments": shipments,
        "sources": CLAIM_SOURCES,
        "statuses": CLAIM_STATUSES,
        "results": CLAIM_RESULTS,
        "names": _lookup_names(session),
    }


def _claim_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    claim: Claim | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    partner_id = claim.partner_id if claim else int_or_none(str(form.get("partner_id") or ""))
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "claim": claim,
        "changes": changes or [],
        **_claim_choices(session, partner_id),
    }
    if claim is not None:
        context["tasks"] = claim_service.claim_tasks(session, claim.id)
        context["open_tasks"] = claim_service.open_tasks(session, claim)
        context["interactions"] = interaction_service.list_interactions(
            session, claim_id=claim.id, limit=200
        ).items
    template = "claims/card.html" if claim is not None else "claims/form.html"
    return render(request, template, context, status_code=status_code)


def _claim_values(claim: Claim) -> dict[str, Any]:
    return {f: ("" if getattr(claim, f) is None else getattr(claim, f)) for f in CLAIM_EDIT_FIELDS}


@router.get("/claims")
def claim_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    result: str | None = None,
    source: str | None = None,
    partner_id: str | None = None,
    claim_reason_id: str | None = None,
    responsible_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": _text_filter(q),
        "status": _choice(status, CLAIM_STATUSES),
        "result": _choice(result, CLAIM_RESULTS),
        "source": _choice(source, CLAIM_SOURCES),
        "partner_id": int_or_none(partner_id),
        "claim_reason_id": int_or_none(claim_reason_id),
        "responsible_id": int_or_none(responsible_id),
        "sort": _sort(sort),
    }
    start = _offset(offset)
    page = claim_service.list_claims(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        result=filters["result"] or None,
        source=filters["source"] or None,
        partner_id=filters["partner_id"],
        claim_reason_id=filters["claim_reason_id"],
        responsible_id=filters["responsible_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            **_claim_choices(session, None),
        },
    )


@router.get("/claims/new")
def claim_new(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    partner_id: str | None = None,
    source: str | None = None,
    shipment_id: str | None = None,
) -> Response:
    form = {
        "partner_id": int_or_none(partner_id) or "",
        "source": _choice(source, CLAIM_SOURCES) or "claims_list",
        "shipment_id": int_or_none(shipment_id) or "",
        "responsible_id": user.id,
    }
    return _claim_page(request, session, form, {})


@router.post("/claims")
async def claim_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    parsed = _parse(ClaimCreate, _normalise_amount(values), request_lang(request))
    if isinstance(parsed, dict):
        return _claim_page(request, session, values, parsed, status_code=422)
    try:
        claim = claim_service.create_claim(session, **parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = _failure(session, exc, request_lang(request))
        return _claim_page(request, session, values, errors, status_code=code)
    return redirect(f"/claims/{claim.id}")


@router.get("/claims/{claim_id}")
def claim_card(request: Request, session: SessionDep, claim_id: IdPath) -> Response:
    claim = get_or_404(session, Claim, claim_id)
    return _claim_page(request, session, _claim_values(claim), {}, claim=claim)


@router.post("/claims/{claim_id}/{action}")
async def claim_action(
    request: Request, session: SessionDep, user: CurrentUser, claim_id: IdPath, action: str
) -> Response:
    actions = ("edit", "take", "resolve", "reopen", "delete", "add_task")
    if action not in actions:
        raise NotFound("action.unknown", f"Unknown claim action {action!r}.")
    claim = get_or_404(session, Claim, claim_id)
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    lang = request_lang(request)
    try:
        if action == "edit":
            typed = _normalise_amount({**values, "partner_id": str(claim.partner_id)})
            parsed = _parse(ClaimCreate, typed, lang)
            if isinstance(parsed, dict):
                return _claim_page(request, session, values, parsed, claim=claim, status_code=422)
            claim_service.update_claim(
                session,
                claim,
                parsed.model_dump(include=set(CLAIM_EDIT_FIELDS)),
                expected_version=version,
            )
        elif action == "take":
            claim_service.take_into_work(session, claim, expected_version=version)
        elif action == "resolve":
            claim_service.resolve_claim(
                session,
                claim,
                values.get("result") or None,
                (values.get("resolution_comment") or "")[:4000] or None,
                force=values.get("force") == "1",
                actor_role=user.role,
                expected_version=version,
            )
        elif action == "reopen":
            claim_service.reopen_claim(
                session, claim, actor_role=user.role, expected_version=version
            )
        elif action == "delete":
            claim_service.delete_claim(session, claim, expected_version=version)
            session.commit()
            return redirect("/claims")
        else:
            title = (values.get("title") or "")[:300]
            due = (values.get("due_date") or "").strip()
            try:
                due_date = dt.date.fromisoformat(due) if due else None
            except ValueError:
                raise ValidationFailed(
                    "claim_task.due_date_format", "Enter a date.", field="due_date"
                ) from None
            claim_service.add_task(
                session,
                claim,
                title=title,
                due_date=due_date,
                responsible_id=int_or_none(values.get("task_responsible_id")),
            )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, lang, fallback=action)
        if action == "add_task" and "title" in errors:
            errors["task_title"] = errors.pop("title")
        form = values if action == "edit" else {**_claim_values(claim), **values}
        changes = stale_changes(claim, values, CLAIM_EDIT_FIELDS) if is_stale(exc) else []
        return _claim_page(
            request, session, form, errors, claim=claim, changes=changes, status_code=code
        )
    return redirect(f"/claims/{claim.id}")


@router.post("/claims/{claim_id}/tasks/{task_id}/{action}")
async def claim_task_action(
    request: Request, session: SessionDep, claim_id: IdPath, task_id: IdPath, action: str
) -> Response:
    if action not in ("complete", "reopen", "delete"):
        raise NotFound("action.unknown", f"Unknown task action {action!r}.")
    claim = get_or_404(session, Claim, claim_id)
    task = get_or_404(session, ClaimTask, task_id)
    if task.claim_id != claim.id:
        raise NotFound("claim_tasks.not_found", "No such task on this claim.")
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    try:
        service = {
            "complete": claim_service.complete_task,
            "reopen": claim_service.reopen_task,
            "delete": claim_service.delete_task,
        }[action]
        service(session, task, expected_version=version)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = _failure(session, exc, request_lang(request), fallback="tasks")
        return _claim_page(
            request, session, _claim_values(claim), errors, claim=claim, status_code=code
        )
    return redirect(f"/claims/{claim.id}#tasks")
