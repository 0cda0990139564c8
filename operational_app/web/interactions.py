"""Взаимодействия: list, entry form and card."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.engagement_schemas import (
    InteractionCreate,
)
from operational_app.db.models import (
    DIRECTIONS,
    INTERACTION_KINDS,
    INTERACTION_STATUSES,
    INTERACTION_SUBJECTS,
    Claim,
    Deal,
    Interaction,
    InteractionTopic,
    MarketingEvent,
    Partner,
)
from operational_app.domain import claims as claim_service
from operational_app.domain import contacts as contact_service
from operational_app.domain import interactions as interaction_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, ValidationFailed
from operational_app.web.common import (
    PAGE_SIZE,
    choice_or_blank,
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
    dt_local,
    local_times,
    lookup_names,
    now_minute,
    request_zone,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


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
        "names": lookup_names(session),
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
    form["planned_at"] = dt_local(interaction.planned_at, zone)
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
        "q": text_filter(q),
        "kind": choice_or_blank(kind, INTERACTION_KINDS),
        "status": choice_or_blank(status, INTERACTION_STATUSES),
        "partner_id": int_or_none(partner_id),
        "responsible_id": int_or_none(responsible_id),
        "subject_type": choice_or_blank(subject_type, INTERACTION_SUBJECTS),
        "is_reviewed": choice_or_blank(is_reviewed, ("yes", "no")),
        "sort": sort_param(sort),
    }
    start = page_offset(offset)
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
            "names": lookup_names(session),
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
        "planned_at": dt_local(now_minute(), request_zone(request)),
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
    parsed = parse_form(
        InteractionCreate, local_times(values, request_zone(request)), request_lang(request)
    )
    if isinstance(parsed, dict):
        return _interaction_form(request, session, values, parsed, status_code=422)
    try:
        interaction = interaction_service.create_interaction(session, **parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, request_lang(request))
        if "subject_id" in errors or "subject_type" in errors:
            errors["subject"] = errors.pop("subject_id", None) or errors.pop("subject_type")
        return _interaction_form(request, session, values, errors, status_code=code)
    return redirect(f"/interactions/{interaction.id}")


@router.get("/interactions/{interaction_id}")
def interaction_card(request: Request, session: SessionDep, interaction_id: IdPath) -> Response:
    interaction = get_or_404(session, Interaction, interaction_id)
    form = _interaction_values(interaction, request_zone(request))
    form["done_at"] = dt_local(now_minute(), request_zone(request))
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
    zone = request_zone(request)
    try:
        if action == "edit":
            parsed = parse_form(InteractionCreate, local_times(values, zone), lang)
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
        errors, code = failure_errors(session, exc, lang, fallback=action)
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
