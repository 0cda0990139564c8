"""Data shared by the contact, interaction and claim pages: local times and the sections of
the partner and deal cards (template globals). The pages are contacts.py, interactions.py and
claims.py; conventions as in `web.common`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from jinja2 import pass_context
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Claim,
    ContactPerson,
    ContactRole,
    CustomerOrder,
    Deal,
    InteractionTopic,
    MarketingEvent,
    Partner,
    PartnerRole,
    Shipment,
    User,
    utc_now,
)
from operational_app.domain import claims as claim_service
from operational_app.domain import classifiers as classifier_service
from operational_app.domain import contacts as contact_service
from operational_app.domain import interactions as interaction_service
from operational_app.domain import queries
from operational_app.web.common import (
    names_by_id,
)
from operational_app.web.formatting import local_input, parse_local_input, settings_zone


def dt_local(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """A stored (UTC) moment as the operator's local `datetime-local` input value."""
    return local_input(value, zone)


def request_zone(request: Request) -> ZoneInfo:
    return settings_zone(request.app.state.settings)


def now_minute() -> dt.datetime:
    return utc_now().replace(second=0, microsecond=0)


def local_times(values: dict[str, str], zone: ZoneInfo) -> dict[str, str]:
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
            "names": lookup_names(session),
        }

    return _with_session(context["request"], load)


@pass_context
def subject_interactions(context: dict, subject_type: str, subject_id: int) -> dict[str, Any]:
    """The interactions about one deal, claim or marketing event (the Предмет chain)."""
    column = interaction_service.SUBJECT_COLUMNS[subject_type]

    def load(session: Session) -> dict[str, Any]:
        page = interaction_service.list_interactions(session, limit=200, **{column: subject_id})
        return {"interactions": page.items, "names": lookup_names(session)}

    return _with_session(context["request"], load)


def template_globals() -> dict[str, Any]:
    return {
        "partner_engagement": partner_engagement,
        "subject_interactions": subject_interactions,
    }


def lookup_names(session: Session) -> dict[str, dict[int, str]]:
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
