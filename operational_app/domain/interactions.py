"""Взаимодействия: meetings, calls, SMS and e-mails with a partner (DESIGN.md §4).

Rules:
- the contact person must be one of the partner's (live) contacts;
- Предмет (subject) is a deal, a claim or a marketing event, given as `subject_type` + `subject_id`;
  a deal or claim must belong to the same partner (marketing events are not partner-specific);
- status: planned -> done | cancelled, both final ("cancelled can't become done"); "done" needs
  the time it was done (`done_at`), given explicitly;
- "Обработано" (`is_reviewed`) marks a done or cancelled interaction as processed; a planned one
  cannot be processed yet; the mark can be taken back;
- the descriptive attributes stay editable in every status (the operator adds the outcome after
  the call); edits re-check contact and subject against the partner.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    DIRECTIONS,
    INTERACTION_KINDS,
    INTERACTION_SUBJECTS,
    Claim,
    ContactPerson,
    Deal,
    Interaction,
    InteractionTopic,
    MarketingEvent,
    Partner,
    User,
    naive_utc,
    utc_now,
)
from operational_app.domain import listing
from operational_app.domain.claims import note_response
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.queries import Page

EDITABLE_FIELDS = (
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
SUBJECT_COLUMNS = {"deal": "deal_id", "claim": "claim_id", "marketing_event": "marketing_event_id"}
SUBJECT_MODELS: dict[str, Any] = {"deal": Deal, "claim": Claim, "marketing_event": MarketingEvent}


def subject_id(interaction: Interaction) -> int | None:
    if interaction.subject_type is None:
        return None
    return getattr(interaction, SUBJECT_COLUMNS[interaction.subject_type])


def _choice(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationFailed(
            f"interaction.{field}_unknown",
            f"{field} must be one of {', '.join(allowed)}.",
            field=field,
        )
    return value


def _naive_utc(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(
            "text.required", f"{field} is required.", field=field, params={"field": field}
        )
    try:
        return naive_utc(value)
    except ValueError as error:
        raise ValidationFailed(
            "input.invalid", f"{field}: {error}.", field=field, params={"field": field}
        ) from None


def _check_links(session: Session, interaction: Interaction, values: Mapping[str, Any]) -> None:
    """Partner, contact and subject are checked together: each must agree with the partner."""
    partner_id = values.get("partner_id", interaction.partner_id)
    require_reference(session, Partner, partner_id, "partner_id")
    if partner_id is None:
        raise ValidationFailed("text.required", "partner_id is required.", field="partner_id")
    contact_id = values.get("contact_person_id", interaction.contact_person_id)
    contact = require_reference(session, ContactPerson, contact_id, "contact_person_id")
    if contact is not None and contact.partner_id != partner_id:
        raise ValidationFailed(
            "interaction.contact_of_other_partner",
            f"{contact.full_name} is a contact of another partner.",
            field="contact_person_id",
            params={"name": contact.full_name},
        )
    if "subject_type" in values or "subject_id" in values:
        kind = values.get("subject_type", interaction.subject_type)
        target_id = values.get("subject_id", subject_id(interaction))
    else:
        kind, target_id = interaction.subject_type, subject_id(interaction)
    if kind is None and target_id is not None:
        raise ValidationFailed(
            "interaction.subject_type_required",
            "Say what the subject is: a deal, a claim or a marketing event.",
            field="subject_type",
        )
    if kind is not None:
        _choice(kind, INTERACTION_SUBJECTS, "subject_type")
        if target_id is None:
            raise ValidationFailed(
                "interaction.subject_required",
                f"Choose the {kind.replace('_', ' ')} the interaction is about.",
                field="subject_id",
            )
        subject = require_reference(session, SUBJECT_MODELS[kind], target_id, "subject_id")
        if kind in ("deal", "claim") and subject.partner_id != partner_id:
            raise ValidationFailed(
                "interaction.subject_of_other_partner",
                f"The {kind} {subject.number} belongs to another partner.",
                field="subject_id",
                params={"number": subject.number},
            )
    interaction.partner_id = partner_id
    interaction.contact_person_id = contact_id
    interaction.subject_type = kind
    for name, column in SUBJECT_COLUMNS.items():
        setattr(interaction, column, target_id if name == kind else None)


def _apply(session: Session, interaction: Interaction, values: Mapping[str, Any]) -> None:
    if "kind" in values:
        interaction.kind = _choice(values["kind"], INTERACTION_KINDS, "kind")
    if "direction" in values:
        interaction.direction = _choice(values["direction"], DIRECTIONS, "direction")
    if "summary" in values:
        interaction.summary = require_text(values["summary"], "summary")
    if "description" in values:
        interaction.description = clean_text(values["description"])
    if "planned_at" in values:
        interaction.planned_at = _naive_utc(values["planned_at"], "planned_at")
    if "interaction_topic_id" in values:
        require_reference(
            session, InteractionTopic, values["interaction_topic_id"], "interaction_topic_id"
        )
        interaction.interaction_topic_id = values["interaction_topic_id"]
    if "responsible_id" in values:
        require_reference(session, User, values["responsible_id"], "responsible_id")
        interaction.responsible_id = values["responsible_id"]
    _check_links(session, interaction, values)


def create_interaction(
    session: Session,
    *,
    kind: str,
    partner_id: int,
    summary: str,
    planned_at: dt.datetime,
    direction: str = "outbound",
    contact_person_id: int | None = None,
    interaction_topic_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    description: str | None = None,
    responsible_id: int | None = None,
    status: str = "planned",
    done_at: dt.datetime | None = None,
) -> Interaction:
    """Usually planned; a call already made may be recorded straight away as done."""
    interaction = Interaction(status="planned", is_reviewed=False)
    _apply(
        session,
        interaction,
        {
            "kind": kind,
            "direction": direction,
            "partner_id": partner_id,
            "contact_person_id": contact_person_id,
            "interaction_topic_id": interaction_topic_id,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "summary": summary,
            "description": description,
            "planned_at": planned_at,
            "responsible_id": responsible_id,
        },
    )
    if status == "done":
        interaction.done_at = _require_done_at(done_at)
        interaction.status = "done"
    elif status != "planned":
        raise ValidationFailed(
            "interaction.create_status",
            "A new interaction is planned or already done.",
            field="status",
        )
    elif done_at is not None:
        raise ValidationFailed(
            "interaction.done_at_needs_done",
            "Only a done interaction has a done time.",
            field="done_at",
        )
    session.add(interaction)
    if interaction.claim_id is not None:
        # An operator's interaction about a claim answers it (claims.note_response).
        claim = session.get(Claim, interaction.claim_id)
        if claim is not None:
            note_response(claim)
    session.flush()
    return interaction


def update_interaction(
    session: Session,
    interaction: Interaction,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Interaction:
    check_version(interaction, expected_version)
    _apply(session, interaction, {k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
    session.flush()
    return interaction


def _require_done_at(done_at: Any) -> dt.datetime:
    if done_at is None:
        raise ValidationFailed(
            "interaction.done_at_required",
            "Give the time the interaction was done.",
            field="done_at",
        )
    return _naive_utc(done_at, "done_at")


def _require_planned(interaction: Interaction, target: str) -> None:
    if interaction.status != "planned":
        rule = (
            "interaction.cancelled_is_final"
            if interaction.status == "cancelled"
            else "interaction.not_planned"
        )
        raise TransitionNotAllowed(
            rule,
            f"Only a planned interaction can become {target}; this one is {interaction.status}.",
            params={"status": interaction.status},
        )


def complete_interaction(
    session: Session,
    interaction: Interaction,
    done_at: dt.datetime | None,
    *,
    expected_version: int | None = None,
) -> Interaction:
    check_version(interaction, expected_version)
    _require_planned(interaction, "done")
    interaction.done_at = _require_done_at(done_at)
    interaction.status = "done"
    session.flush()
    return interaction


def cancel_interaction(
    session: Session, interaction: Interaction, *, expected_version: int | None = None
) -> Interaction:
    check_version(interaction, expected_version)
    _require_planned(interaction, "cancelled")
    interaction.status = "cancelled"
    session.flush()
    return interaction


def mark_reviewed(
    session: Session,
    interaction: Interaction,
    reviewed: bool = True,
    *,
    expected_version: int | None = None,
) -> Interaction:
    check_version(interaction, expected_version)
    if reviewed and interaction.status == "planned":
        raise TransitionNotAllowed(
            "interaction.review_requires_outcome",
            "A planned interaction cannot be processed yet: complete or cancel it first.",
        )
    interaction.is_reviewed = reviewed
    session.flush()
    return interaction


def delete_interaction(
    session: Session,
    interaction: Interaction,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Interaction:
    check_version(interaction, expected_version)
    interaction.deleted_at = now or utc_now()
    session.flush()
    return interaction


def list_interactions(
    session: Session,
    *,
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    direction: str | None = None,
    partner_id: int | None = None,
    contact_person_id: int | None = None,
    responsible_id: int | None = None,
    interaction_topic_id: int | None = None,
    subject_type: str | None = None,
    deal_id: int | None = None,
    claim_id: int | None = None,
    marketing_event_id: int | None = None,
    is_reviewed: bool | None = None,
    planned_from: dt.datetime | None = None,
    planned_to: dt.datetime | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Interaction]:
    query = select(Interaction).where(Interaction.deleted_at.is_(None))
    if q:
        text = q.strip()
        query = query.where(
            Interaction.summary.icontains(text, autoescape=True)
            | Interaction.description.icontains(text, autoescape=True)
        )
    for column, value in (
        (Interaction.kind, kind),
        (Interaction.status, status),
        (Interaction.direction, direction),
        (Interaction.partner_id, partner_id),
        (Interaction.contact_person_id, contact_person_id),
        (Interaction.responsible_id, responsible_id),
        (Interaction.interaction_topic_id, interaction_topic_id),
        (Interaction.subject_type, subject_type),
        (Interaction.deal_id, deal_id),
        (Interaction.claim_id, claim_id),
        (Interaction.marketing_event_id, marketing_event_id),
        (Interaction.is_reviewed, is_reviewed),
    ):
        if value is not None and value != "":
            query = query.where(column == value)
    if planned_from is not None:
        query = query.where(Interaction.planned_at >= _naive_utc(planned_from, "planned_from"))
    if planned_to is not None:
        query = query.where(Interaction.planned_at < _naive_utc(planned_to, "planned_to"))
    columns = {
        "planned_at": Interaction.planned_at,
        "done_at": Interaction.done_at,
        "status": Interaction.status,
        "kind": Interaction.kind,
        "summary": Interaction.summary,
        "updated_at": Interaction.updated_at,
    }
    return listing.page(
        session,
        query,
        sort=sort,
        columns=columns,
        default="-planned_at",
        tiebreak=Interaction.id.desc(),
        limit=limit,
        offset=offset,
    )
