"""Lookups shared by the services: live (not soft-deleted) rows by id; who acts."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from operational_app.db.models import Base, User
from operational_app.domain.errors import NotFound, ValidationFailed

EntityT = TypeVar("EntityT", bound=Base)


class Actor(Protocol):
    """Who performs an action, as the rules see them: the signed-in user of a request
    (auth.SignedInUser) or a User row (imports, seed)."""

    @property
    def id(self) -> int: ...

    @property
    def role(self) -> str: ...


def get_or_404(session: Session, model: type[EntityT], entity_id: int) -> EntityT:
    """The entity addressed by the URL; a soft-deleted row is gone for operators."""
    entity = session.get(model, entity_id)
    if entity is None or getattr(entity, "deleted_at", None) is not None:
        raise not_found(model, entity_id)
    return entity


def not_found(model: type[Base], entity_id: int) -> NotFound:
    """The 404 for a missing or soft-deleted row of `model`."""
    name = model.__tablename__
    return NotFound(
        f"{name}.not_found",
        f"{name.replace('_', ' ').capitalize()} {entity_id} does not exist.",
        params={"id": entity_id},
    )


def require_reference(
    session: Session, model: type[EntityT], entity_id: int | None, field: str
) -> EntityT | None:
    """A foreign key given in the input must point to a live row: that is bad input (422)."""
    if entity_id is None:
        return None
    entity = session.get(model, entity_id)
    # A user referenced by a record (manager, responsible) is staff: portal users (role
    # customer, issue 19) are never managers or responsibles.
    is_portal_user = getattr(entity, "role", None) == "customer" and isinstance(entity, User)
    if entity is None or getattr(entity, "deleted_at", None) is not None or is_portal_user:
        raise ValidationFailed(
            "reference.unknown",
            f"{field} = {entity_id} does not refer to an existing record.",
            field=field,
            params={"field": field, "id": entity_id},
        )
    return entity


def clean_text(value: str | None) -> str | None:
    """Blank optional text is stored as NULL, not as an empty string."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def require_text(value: str | None, field: str) -> str:
    cleaned = clean_text(value)
    if cleaned is None:
        raise ValidationFailed(
            "text.required", f"{field} must not be empty.", field=field, params={"field": field}
        )
    return cleaned


def live_children(
    session: Session,
    parent_column: InstrumentedAttribute[int],
    parent_id: int,
    *order_by: InstrumentedAttribute[object],
) -> list:
    """The rows under one parent document (lines, shipments, …) that are not soft-deleted."""
    model = parent_column.class_
    return list(
        session.scalars(
            select(model)
            .where(parent_column == parent_id, model.deleted_at.is_(None))
            .order_by(*order_by)
        )
    )
