"""The one place that decides which rows a portal user may touch (issue 19).

A portal user (role `customer`) acts for one partner. Portal code never builds a query on a
table by itself: it asks `PortalScope.select(Model)` for the partner's rows and
`PortalScope.get(session, Model, id)` for one of them. `OWNERSHIP` says how each table reaches
its partner; a table not listed there (or in `SHARED`, the reference data every customer sees)
cannot be read through a scope at all, so a new table is invisible to the portal until someone
decides how it is owned. A row of another partner and a row that does not exist give the same
`NotFound`, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Attachment,
    Base,
    Claim,
    ClaimReason,
    CommercialOffer,
    CommercialOfferLine,
    ContactDataChange,
    ContactPerson,
    Counterparty,
    CustomerOrder,
    CustomerOrderLine,
    DeliveryAddress,
    Organization,
    Partner,
    Payment,
    PaymentScheduleItem,
    Product,
    ReturnReason,
    ReturnRequest,
    ReturnRequestLine,
    Shipment,
    ShipmentLine,
)
from operational_app.domain.errors import NotFound

ModelT = TypeVar("ModelT", bound=Base)


@dataclass(frozen=True)
class Direct:
    """The table has the partner's id in `column`."""

    column: str


@dataclass(frozen=True)
class Through:
    """The table belongs to the row of `parent` that `column` points to."""

    column: str
    parent: type[Base]


@dataclass(frozen=True)
class OwnerOf:
    """An attachment: `owner_type` names the parent table, `owner_id` its row."""

    parents: dict[str, type[Base]]


# Offers a customer may see: the ones sent to them, not the manager's drafts.
VISIBLE_OFFER_STATUSES = ("sent", "accepted", "rejected", "expired")

OWNERSHIP: dict[type[Base], Direct | Through | OwnerOf] = {
    Partner: Direct("id"),
    Counterparty: Direct("partner_id"),
    ContactPerson: Direct("partner_id"),
    DeliveryAddress: Direct("partner_id"),
    ContactDataChange: Direct("partner_id"),
    CustomerOrder: Direct("partner_id"),
    CustomerOrderLine: Through("customer_order_id", CustomerOrder),
    PaymentScheduleItem: Through("customer_order_id", CustomerOrder),
    Shipment: Through("customer_order_id", CustomerOrder),
    ShipmentLine: Through("shipment_id", Shipment),
    Payment: Direct("partner_id"),
    Claim: Direct("partner_id"),
    ReturnRequest: Direct("partner_id"),
    ReturnRequestLine: Through("return_request_id", ReturnRequest),
    CommercialOffer: Direct("partner_id"),
    CommercialOfferLine: Through("commercial_offer_id", CommercialOffer),
    Attachment: OwnerOf({"claim": Claim, "return_request": ReturnRequest}),
}

# Rows beyond the ownership rule: what else must hold before a customer sees one. A manager's
# draft order is not the customer's business yet (their lines, shipments and schedule follow it).
_EXTRA_CONDITIONS: dict[type[Base], Any] = {
    CommercialOffer: lambda: CommercialOffer.status.in_(VISIBLE_OFFER_STATUSES),
    CustomerOrder: lambda: CustomerOrder.status != "draft",
}

# Reference data every portal user may read (names in pick lists and documents).
SHARED: frozenset[type[Base]] = frozenset({Product, ClaimReason, ReturnReason, Organization})


class NotInScope(TypeError):
    """Portal code asked for a table the portal has no ownership rule for (a programming
    error, never a user's): fail closed rather than return unscoped rows."""


@dataclass(frozen=True)
class PortalScope:
    """What one portal user may touch: the rows of `partner_id`, nothing else."""

    partner_id: int
    user_id: int
    contact_person_id: int | None = None

    def condition(self, model: type[Base]) -> ColumnElement[bool]:
        """The WHERE clause that keeps `model`'s rows to this partner's live ones."""
        if model in SHARED:
            return model.deleted_at.is_(None)
        rule = OWNERSHIP.get(model)
        if rule is None:
            raise NotInScope(f"the portal has no ownership rule for {model.__tablename__}")
        live = model.deleted_at.is_(None)
        extra = _EXTRA_CONDITIONS.get(model)
        extra_clause = extra() if extra else true()
        if isinstance(rule, Direct):
            return and_(live, getattr(model, rule.column) == self.partner_id, extra_clause)
        if isinstance(rule, Through):
            parents = select(rule.parent.id).where(self.condition(rule.parent))
            return and_(live, getattr(model, rule.column).in_(parents), extra_clause)
        by_owner = [
            and_(
                model.owner_type == owner_type,
                model.owner_id.in_(select(parent.id).where(self.condition(parent))),
            )
            for owner_type, parent in rule.parents.items()
        ]
        return and_(live, or_(*by_owner), extra_clause)

    def select(self, model: type[ModelT]) -> Select[tuple[ModelT]]:
        """`select(model)` limited to this partner's live rows; add filters and order to it."""
        return select(model).where(self.condition(model))

    def where(self, statement: Select[Any], *models: type[Base]) -> Select[Any]:
        """`statement` (a join or an aggregate over `models`) limited to this partner's rows of
        each of them."""
        return statement.where(*(self.condition(model) for model in models))

    def get(self, session: Session, model: type[ModelT], row_id: int) -> ModelT:
        """The row `row_id` of `model` if it is this partner's, else NotFound (the same answer
        as for an id that does not exist)."""
        found = session.scalars(self.select(model).where(model.id == row_id)).first()
        if found is None:
            raise NotFound(
                "not_found",
                f"No {model.__tablename__} {row_id} is visible to you.",
                params={"table": model.__tablename__, "id": row_id},
            )
        return found

    def owns(self, session: Session, model: type[Base], row_id: int | None) -> bool:
        """Whether `row_id` (a reference a customer sent in a form) is this partner's."""
        if row_id is None:
            return False
        statement = select(model.id).where(model.id == row_id, self.condition(model))
        return session.scalars(statement).first() is not None
