"""`crm classifier add`: the classifiers an import refers to, created from the command line.

The same rules as the admin pages (operational_app.domain.classifiers): names unique across live
and deleted entries, a deal kind's stages in process order with the last one final, a claim
reason under an existing group. One transaction: a refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import ClaimReason
from operational_app.db.session import create_oltp_engine
from operational_app.domain import classifiers
from operational_app.domain.errors import DomainError

# CLI name -> the domain's classifier key
KINDS: dict[str, str] = {
    "deal-kind": "deal-kinds",
    "loss-reason": "loss-reasons",
    "claim-reason": "claim-reasons",
    "business-region": "business-regions",
    "partner-role": "partner-roles",
}


class ClassifierError(ValueError):
    """The classifier cannot be created; the message says why (one line)."""


@dataclass(frozen=True)
class Created:
    kind: str
    id: int
    name: str
    stages: tuple[str, ...] = ()
    parent: str | None = None


def add_classifier(
    url: str,
    kind: str,
    name: str,
    *,
    stages: Sequence[str] = (),
    parent: str | None = None,
    code: str | None = None,
) -> Created:
    """Create one classifier entry in the OLTP database at `url` (schema created or upgraded
    first, like every command that touches it)."""
    if kind not in KINDS:
        raise ClassifierError(f"unknown classifier {kind!r}; one of {', '.join(KINDS)}")
    if stages and kind != "deal-kind":
        raise ClassifierError("only a deal kind has stages")
    if parent is not None and kind != "claim-reason":
        raise ClassifierError("only a claim reason has a parent")
    if code is not None and kind != "business-region":
        raise ClassifierError("only a business region has a code")
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    try:
        with Session(engine) as session:
            try:
                if kind == "deal-kind":
                    entry = classifiers.create_deal_kind(session, name, stages)
                else:
                    values: dict[str, object] = {"name": name}
                    if kind == "claim-reason":
                        values["parent_id"] = _parent_id(session, parent)
                    if kind == "business-region":
                        values["code"] = code
                    entry = classifiers.create_entry(session, KINDS[kind], values)
            except DomainError as error:
                session.rollback()
                raise ClassifierError(error.message) from None
            session.commit()
            return Created(kind, entry.id, entry.name, tuple(stages), parent)
    finally:
        engine.dispose()


def _parent_id(session: Session, parent: str | None) -> int | None:
    if parent is None or not parent.strip():
        return None
    found = session.scalars(
        select(ClaimReason.id)
        .where(ClaimReason.name == parent.strip(), ClaimReason.deleted_at.is_(None))
        .order_by(ClaimReason.parent_id.is_not(None), ClaimReason.id)
    ).first()
    if found is None:
        raise ClassifierError(
            f"no claim reason {parent.strip()!r} to put it under; create the group first"
        )
    return found


def split_stages(text: str | None) -> list[str]:
    """'A, B ,C' -> ['A', 'B', 'C']; an empty part is an error, not silently dropped."""
    if text is None:
        return []
    parts = [part.strip() for part in text.split(",")]
    if any(not part for part in parts):
        raise ClassifierError(f"--stages {text!r} has an empty stage name")
    return parts
