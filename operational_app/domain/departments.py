"""Where a user sits in the sales structure: their department (Подразделение) and supervisor
(Руководитель). The departments themselves are a classifier (domain.classifiers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from operational_app.db.models import CUSTOMER_ROLE, Department, User
from operational_app.domain.common import require_reference
from operational_app.domain.errors import ValidationFailed


def place_user(
    session: Session, user: User, department_id: int | None, supervisor_id: int | None
) -> User:
    """Set a user's department and supervisor (None clears). The supervisor is a live operator
    and never the user or one of the people the user supervises (no cycles). Portal customers
    belong to a partner, not to our structure."""
    if user.role == CUSTOMER_ROLE and (department_id is not None or supervisor_id is not None):
        raise ValidationFailed(
            "user.customer_placement",
            "A portal customer has no department or supervisor.",
            field="department_id",
        )
    require_reference(session, Department, department_id, "department_id")
    supervisor = require_reference(session, User, supervisor_id, "supervisor_id")
    if supervisor is not None:
        if supervisor.role == CUSTOMER_ROLE:
            raise ValidationFailed(
                "user.supervisor_customer",
                "A portal customer cannot supervise anyone.",
                field="supervisor_id",
            )
        seen: set[int] = set()
        current: User | None = supervisor
        while current is not None and current.id not in seen:
            if current.id == user.id:
                raise ValidationFailed(
                    "user.supervisor_cycle",
                    "A user cannot supervise themselves, directly or through others.",
                    field="supervisor_id",
                )
            seen.add(current.id)
            current = session.get(User, current.supervisor_id) if current.supervisor_id else None
    user.department_id = department_id
    user.supervisor_id = supervisor_id
    session.flush()
    return user
