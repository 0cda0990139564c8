"""Portal API: the customer's contact persons, delivery addresses, their legal entities
(read-only) and the history of changes, under /api/portal. Every query goes through
PortalScope; writes go through domain/contact_data.py, which records each change.

Versions follow /api/v1: a PATCH body carries the `version` it was made from, a DELETE takes
`?version=`; a stale one is answered 409 and nothing is written.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from operational_app.api.deps import IdPath, Limit, Offset, SessionDep
from operational_app.api.schemas import (
    Input,
    Paged,
    PatchInput,
    Public,
    UtcTimestamp,
    Version,
    text,
)
from operational_app.db.models import (
    ContactDataChange,
    ContactPerson,
    Counterparty,
    DeliveryAddress,
)
from operational_app.domain import contact_data
from operational_app.domain.queries import _page
from operational_app.portal.deps import CurrentCustomer, Customer

router = APIRouter(tags=["portal"])
VersionQuery = Annotated[Version | None, Query()]

FullName = text(200)
Role = text(100, min_length=0)
PhoneText = text(50, min_length=0)
EmailText = text(200, min_length=0)
AddressText = text(500)
CommentText = text(500, min_length=0)


class ContactPersonCreate(Input):
    full_name: FullName
    role: Role | None = None
    phone: PhoneText | None = None
    email: EmailText | None = None


class ContactPersonUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("full_name",)
    version: Version
    full_name: FullName | None = None
    role: Role | None = None
    phone: PhoneText | None = None
    email: EmailText | None = None


class ContactPersonPublic(Public):
    id: int
    full_name: str
    role: str | None
    phone: str | None
    email: str | None
    version: int
    updated_at: UtcTimestamp
    is_you: bool = False


class DeliveryAddressCreate(Input):
    address: AddressText
    comment: CommentText | None = None
    is_default: bool = False


class DeliveryAddressUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("address", "is_default")
    version: Version
    address: AddressText | None = None
    comment: CommentText | None = None
    is_default: bool | None = None


class DeliveryAddressPublic(Public):
    id: int
    address: str
    comment: str | None
    is_default: bool
    version: int
    updated_at: UtcTimestamp


class CounterpartyPublic(Public):
    """A legal entity of the customer: read-only in the portal (changes go via the manager)."""

    id: int
    legal_name: str
    legal_form: str
    inn: str
    kpp: str | None
    legal_address: str | None


class ContactData(Public):
    contact_persons: list[ContactPersonPublic]
    delivery_addresses: list[DeliveryAddressPublic]
    counterparties: list[CounterpartyPublic]


class ContactChangePublic(Public):
    id: int
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    changed_at: UtcTimestamp
    changed_by_id: int | None
    reviewed_at: UtcTimestamp | None


def _person(contact: ContactPerson, customer: Customer) -> ContactPersonPublic:
    public = ContactPersonPublic.model_validate(contact)
    public.is_you = contact.id == customer.user.contact_person_id
    return public


def contact_data_of(session: Session, customer: Customer) -> dict[str, Any]:
    """The customer's contact persons, delivery addresses and legal entities (pages too)."""
    scope = customer.scope
    return {
        "contact_persons": list(
            session.scalars(
                scope.select(ContactPerson).order_by(ContactPerson.full_name, ContactPerson.id)
            )
        ),
        "delivery_addresses": list(
            session.scalars(
                scope.select(DeliveryAddress).order_by(
                    DeliveryAddress.is_default.desc(), DeliveryAddress.id
                )
            )
        ),
        "counterparties": list(
            session.scalars(scope.select(Counterparty).order_by(Counterparty.id))
        ),
    }


@router.get("/contacts", response_model=ContactData)
def get_contact_data(session: SessionDep, customer: CurrentCustomer) -> Any:
    """The customer's contact data: contact persons, delivery addresses and legal entities.

    Legal entities (Контрагенты) are read-only here: changes go through the manager."""
    data = contact_data_of(session, customer)
    data["contact_persons"] = [_person(c, customer) for c in data["contact_persons"]]
    return data


@router.post(
    "/contact-persons", response_model=ContactPersonPublic, status_code=status.HTTP_201_CREATED
)
def create_contact_person(
    session: SessionDep, customer: CurrentCustomer, body: ContactPersonCreate
) -> Any:
    """Add a contact person to the customer's partner; recorded in the change history.

    A phone must look like one (`contact.phone_format`). Operators see the change in
    /api/v1/contact-changes."""
    contact = contact_data.create_contact_person(
        session,
        partner_id=customer.scope.partner_id,
        values=body.model_dump(),
        changed_by_id=customer.user.id,
    )
    session.commit()
    return _person(contact, customer)


@router.patch("/contact-persons/{contact_id}", response_model=ContactPersonPublic)
def update_contact_person(
    session: SessionDep, customer: CurrentCustomer, contact_id: IdPath, body: ContactPersonUpdate
) -> Any:
    """Change one of the customer's contact persons (PATCH); each changed field is recorded.

    Send the `version` you read: an older one is 409 `stale_version`. Another partner's person is
    404."""
    contact = customer.scope.get(session, ContactPerson, contact_id)
    contact_data.update_contact_person(
        session,
        contact,
        body.changes(),
        expected_version=body.version,
        changed_by_id=customer.user.id,
    )
    session.commit()
    return _person(contact, customer)


@router.delete("/contact-persons/{contact_id}", response_model=ContactPersonPublic)
def delete_contact_person(
    session: SessionDep, customer: CurrentCustomer, contact_id: IdPath, version: VersionQuery = None
) -> Any:
    """Delete one of the customer's contact persons (a soft delete), recorded in the history.

    Not the person you are signed in as (`contact_data.self_delete`), nor one with a portal account
    of their own (`contact_data.has_portal_account`). `?version=` must be current."""
    contact = customer.scope.get(session, ContactPerson, contact_id)
    contact_data.delete_contact_person(
        session,
        contact,
        expected_version=version,
        changed_by_id=customer.user.id,
        own_contact_person_id=customer.user.contact_person_id,
    )
    session.commit()
    return _person(contact, customer)


@router.post(
    "/delivery-addresses",
    response_model=DeliveryAddressPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_delivery_address(
    session: SessionDep, customer: CurrentCustomer, body: DeliveryAddressCreate
) -> Any:
    """Add a delivery address (Адрес доставки) to the customer's partner; recorded.

    `is_default` makes it the default, clearing the flag on the others."""
    address = contact_data.create_delivery_address(
        session,
        partner_id=customer.scope.partner_id,
        values=body.model_dump(),
        changed_by_id=customer.user.id,
    )
    session.commit()
    return address


@router.patch("/delivery-addresses/{address_id}", response_model=DeliveryAddressPublic)
def update_delivery_address(
    session: SessionDep, customer: CurrentCustomer, address_id: IdPath, body: DeliveryAddressUpdate
) -> Any:
    """Change one of the customer's delivery addresses (PATCH); each changed field is recorded.

    Send the `version` you read: an older one is 409 `stale_version`."""
    address = customer.scope.get(session, DeliveryAddress, address_id)
    contact_data.update_delivery_address(
        session,
        address,
        body.changes(),
        expected_version=body.version,
        changed_by_id=customer.user.id,
    )
    session.commit()
    return address


@router.delete("/delivery-addresses/{address_id}", response_model=DeliveryAddressPublic)
def delete_delivery_address(
    session: SessionDep, customer: CurrentCustomer, address_id: IdPath, version: VersionQuery = None
) -> Any:
    """Delete one of the customer's delivery addresses (a soft delete), recorded in the history.

    `?version=` refuses it when the address changed (409 `stale_version`)."""
    address = customer.scope.get(session, DeliveryAddress, address_id)
    contact_data.delete_delivery_address(
        session, address, expected_version=version, changed_by_id=customer.user.id
    )
    session.commit()
    return address


@router.get("/contact-changes", response_model=Paged[ContactChangePublic])
def list_contact_changes(
    session: SessionDep, customer: CurrentCustomer, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """The partner's contact data history, newest first."""
    page = _page(
        session,
        customer.scope.select(ContactDataChange),
        (ContactDataChange.changed_at.desc(), ContactDataChange.id.desc()),
        limit,
        offset,
    )
    return {"items": list(page.items), "total": page.total}
