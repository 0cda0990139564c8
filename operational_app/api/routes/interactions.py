"""Взаимодействия: CRUD plus complete / cancel / review (Обработано)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SearchText, SessionDep
from operational_app.api.engagement_schemas import (
    Action,
    Direction,
    InteractionComplete,
    InteractionCreate,
    InteractionKind,
    InteractionPublic,
    InteractionReview,
    InteractionStatus,
    InteractionUpdate,
    Sort,
    SubjectType,
    Timestamp,
)
from operational_app.api.schemas import Paged, Version
from operational_app.db.models import Interaction
from operational_app.domain import interactions as service
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["interactions"])
VersionQuery = Annotated[Version | None, Query()]


@router.get("/interactions", response_model=Paged[InteractionPublic])
def list_interactions(
    session: SessionDep,
    q: SearchText = None,
    kind: InteractionKind | None = None,
    status: InteractionStatus | None = None,
    direction: Direction | None = None,
    partner_id: IdFilter = None,
    contact_person_id: IdFilter = None,
    responsible_id: IdFilter = None,
    interaction_topic_id: IdFilter = None,
    subject_type: SubjectType | None = None,
    deal_id: IdFilter = None,
    claim_id: IdFilter = None,
    marketing_event_id: IdFilter = None,
    is_reviewed: bool | None = None,
    planned_from: Annotated[Timestamp | None, Query()] = None,
    planned_to: Annotated[Timestamp | None, Query()] = None,
    sort: Annotated[Sort, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """List interactions (Взаимодействия: meetings, calls, SMS, e-mails), filtered and paged.

    `q` matches the summary or description. Filters: `kind`, `status` (planned, done, cancelled),
    `direction`, `partner_id`, `contact_person_id`, `responsible_id`, `interaction_topic_id`,
    `subject_type` and the subject's id (`deal_id`, `claim_id`, `marketing_event_id`),
    `is_reviewed`, and planned time between `planned_from` and `planned_to`. `sort` names a column
    (`-` for descending)."""
    page = service.list_interactions(
        session,
        q=q,
        kind=kind,
        status=status,
        direction=direction,
        partner_id=partner_id,
        contact_person_id=contact_person_id,
        responsible_id=responsible_id,
        interaction_topic_id=interaction_topic_id,
        subject_type=subject_type,
        deal_id=deal_id,
        claim_id=claim_id,
        marketing_event_id=marketing_event_id,
        is_reviewed=is_reviewed,
        planned_from=planned_from,
        planned_to=planned_to,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return {"items": [InteractionPublic.of(i) for i in page.items], "total": page.total}


@router.get("/interactions/{interaction_id}", response_model=InteractionPublic)
def get_interaction(session: SessionDep, interaction_id: IdPath) -> Any:
    """Read one interaction; 404 when missing or deleted."""
    return InteractionPublic.of(get_or_404(session, Interaction, interaction_id))


@router.post("/interactions", response_model=InteractionPublic, status_code=status.HTTP_201_CREATED)
def create_interaction(session: SessionDep, body: InteractionCreate) -> Any:
    """Plan an interaction (Взаимодействие), or record one already done.

    `status` is planned or done (`interaction.create_status`); `done_at` only with done
    (`interaction.done_at_needs_done`) and required then (`interaction.done_at_required`). The
    contact and the subject (deal, claim or marketing event) must belong to the partner
    (`interaction.contact_of_other_partner`, `interaction.subject_of_other_partner`);
    `subject_type` and `subject_id` come together (`interaction.subject_required`,
    `interaction.subject_type_required`)."""
    interaction = service.create_interaction(session, **body.model_dump())
    session.commit()
    return InteractionPublic.of(interaction)


@router.patch("/interactions/{interaction_id}", response_model=InteractionPublic)
def update_interaction(session: SessionDep, interaction_id: IdPath, body: InteractionUpdate) -> Any:
    """Change an interaction (PATCH).

    The link rules of create apply. Send the `version` you read: an older one is 409
    `stale_version`."""
    interaction = get_or_404(session, Interaction, interaction_id)
    service.update_interaction(session, interaction, body.changes(), expected_version=body.version)
    session.commit()
    return InteractionPublic.of(interaction)


@router.post("/interactions/{interaction_id}/complete", response_model=InteractionPublic)
def complete_interaction(
    session: SessionDep, interaction_id: IdPath, body: InteractionComplete
) -> Any:
    """Mark a planned interaction done: planned → done, at `done_at`.

    Only a planned one (`interaction.not_planned`; a cancelled one is final:
    `interaction.cancelled_is_final`)."""
    interaction = get_or_404(session, Interaction, interaction_id)
    done_at: dt.datetime | None = body.done_at
    service.complete_interaction(session, interaction, done_at, expected_version=body.version)
    session.commit()
    return InteractionPublic.of(interaction)


@router.post("/interactions/{interaction_id}/cancel", response_model=InteractionPublic)
def cancel_interaction(
    session: SessionDep, interaction_id: IdPath, body: Action | None = None
) -> Any:
    """Cancel a planned interaction: planned → cancelled (final).

    Only a planned one (`interaction.not_planned`, `interaction.cancelled_is_final`)."""
    interaction = get_or_404(session, Interaction, interaction_id)
    service.cancel_interaction(
        session, interaction, expected_version=body.version if body else None
    )
    session.commit()
    return InteractionPublic.of(interaction)


@router.post("/interactions/{interaction_id}/review", response_model=InteractionPublic)
def review_interaction(
    session: SessionDep, interaction_id: IdPath, body: InteractionReview | None = None
) -> Any:
    """Mark an interaction reviewed by a manager (Обработано), or unmark it.

    Only once it has an outcome: a planned one is `interaction.review_requires_outcome`."""
    interaction = get_or_404(session, Interaction, interaction_id)
    body = body or InteractionReview()
    service.mark_reviewed(session, interaction, body.reviewed, expected_version=body.version)
    session.commit()
    return InteractionPublic.of(interaction)


@router.delete("/interactions/{interaction_id}", response_model=InteractionPublic)
def delete_interaction(
    session: SessionDep, interaction_id: IdPath, version: VersionQuery = None
) -> Any:
    """Delete an interaction (a soft delete).

    `?version=` refuses the delete when the record changed (409 `stale_version`)."""
    interaction = get_or_404(session, Interaction, interaction_id)
    service.delete_interaction(session, interaction, expected_version=version)
    session.commit()
    return InteractionPublic.of(interaction)
