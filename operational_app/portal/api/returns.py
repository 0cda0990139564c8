"""Portal API: return requests (issue 19), under /api/portal. Every query goes through
PortalScope.

A customer chooses one of their orders, sees its shipped lines with what may still be returned,
registers a request (source `portal`), attaches files, follows the decision and may cancel the
request while it is only registered. The same services serve the portal pages.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.api.deps import IdPath, Limit, Offset, SessionDep
from operational_app.api.routes.returns import (
    AttachmentPublic,
    ReturnRequestFields,
    file_response,
    uploads_of,
)
from operational_app.api.schemas import Documented, Public, UtcTimestamp, Version
from operational_app.db.models import (
    Attachment,
    CustomerOrder,
    Product,
    ReturnReason,
    ReturnRequest,
    ReturnRequestLine,
)
from operational_app.domain import attachments as attachment_service
from operational_app.domain import listing
from operational_app.domain import returns as service
from operational_app.domain.errors import ValidationFailed
from operational_app.portal.api.claims import Reason, data_dir, own_attachment
from operational_app.portal.deps import CurrentCustomer, Customer
from operational_app.portal.scope import PortalScope

router = APIRouter(tags=["portal"])

OWNER = "return_request"


class PortalReturnCreate(ReturnRequestFields):
    pass


class PortalCancel(Documented):
    version: Version | None = None


class ReturnableLinePublic(Documented):
    shipment_line_id: int
    shipment_number: str
    shipped_at: UtcTimestamp
    product_id: int
    product: str
    shipped: Decimal
    returned: Decimal
    returnable: Decimal
    price: Decimal


class PortalReturnLine(Public):
    line_number: int
    shipment_line_id: int
    product_id: int
    product: str | None = None
    quantity: Decimal
    price: Decimal
    amount: Decimal


class PortalReturn(Public):
    id: int
    number: str
    customer_order_id: int
    order_number: str | None = None
    return_reason_id: int | None
    reason: str | None = None
    source: str
    status: str
    comment: str | None
    registered_at: UtcTimestamp
    decided_at: UtcTimestamp | None
    decision_comment: str | None
    received_at: UtcTimestamp | None
    total_amount: Decimal
    version: int


RETURN_COLUMNS = tuple(f for f in PortalReturn.model_fields if f not in ("order_number", "reason"))


class PortalReturnDetail(PortalReturn):
    lines: list[PortalReturnLine]
    attachments: list[AttachmentPublic]


class PortalReturnPage(Documented):
    items: list[PortalReturn]
    total: int


# --- Services shared with the pages -----------------------------------------------------------


def reasons(session: Session, scope: PortalScope) -> list[ReturnReason]:
    return list(session.scalars(scope.select(ReturnReason).order_by(ReturnReason.name)))


def returnable_orders(session: Session, scope: PortalScope) -> list[CustomerOrder]:
    statement = scope.select(CustomerOrder).where(
        CustomerOrder.status.in_(service.RETURNABLE_ORDER_STATUSES)
    )
    return list(session.scalars(statement.order_by(CustomerOrder.ordered_at.desc())))


def returnable(session: Session, scope: PortalScope, order_id: int) -> list[service.ReturnableLine]:
    order = scope.get(session, CustomerOrder, order_id)
    return service.returnable_lines(session, order.id)


def returnable_public(rows: list[service.ReturnableLine]) -> list[ReturnableLinePublic]:
    return [
        ReturnableLinePublic(
            shipment_line_id=row.shipment_line.id,
            shipment_number=row.shipment.number,
            shipped_at=row.shipment.shipped_at,
            product_id=row.product.id,
            product=row.product.name,
            shipped=row.shipped,
            returned=row.returned,
            returnable=row.returnable,
            price=row.price,
        )
        for row in rows
    ]


def register_return(
    session: Session,
    customer: Customer,
    values: PortalReturnCreate,
    uploads: list[attachment_service.Upload],
    storage: Path,
) -> ReturnRequest:
    scope = customer.scope
    if not scope.owns(session, CustomerOrder, values.customer_order_id):
        raise ValidationFailed(
            "portal.reference_unknown",
            "Choose one of your own documents.",
            field="customer_order_id",
        )
    if not scope.owns(session, ReturnReason, values.return_reason_id):
        raise ValidationFailed(
            "portal.reference_unknown", "Choose a reason from the list.", field="return_reason_id"
        )
    with attachment_service.staged(storage, uploads) as files:
        created = service.create_return_request(
            session,
            partner_id=scope.partner_id,
            customer_order_id=values.customer_order_id,
            lines=[line.model_dump() for line in values.lines],
            return_reason_id=values.return_reason_id,
            comment=values.comment,
            source="portal",
            registered_by_id=customer.user.id,
        )
        attachment_service.attach(
            session,
            storage,
            files,
            owner_type=OWNER,
            owner_id=created.id,
            uploaded_by_id=customer.user.id,
        )
        session.commit()
    return created


def cancel(
    session: Session, customer: Customer, request_id: int, version: int | None
) -> ReturnRequest:
    found = customer.scope.get(session, ReturnRequest, request_id)
    service.cancel(session, found, expected_version=version)
    session.commit()
    return found


def add_files(
    session: Session,
    customer: Customer,
    found: ReturnRequest,
    uploads: list[attachment_service.Upload],
    storage: Path,
) -> list[Attachment]:
    if found.status in ("rejected", "cancelled", "received"):
        raise ValidationFailed(
            "portal.return_closed", "The return request is closed; files can no longer be added."
        )
    if not uploads:
        raise ValidationFailed("attachment.none", "Choose a file.", field="attachments")
    with attachment_service.staged(storage, uploads) as files:
        rows = attachment_service.attach(
            session,
            storage,
            files,
            owner_type=OWNER,
            owner_id=found.id,
            uploaded_by_id=customer.user.id,
        )
        session.commit()
    return rows


def list_returns(
    session: Session, scope: PortalScope, *, limit: int = 50, offset: int = 0
) -> tuple[list[ReturnRequest], int]:
    page = listing.page(
        session,
        scope.select(ReturnRequest),
        sort=None,
        columns={"registered_at": ReturnRequest.registered_at},
        default="-registered_at",
        tiebreak=ReturnRequest.id.desc(),
        limit=limit,
        offset=offset,
    )
    return list(page.items), page.total


def public(session: Session, rows: list[ReturnRequest]) -> list[PortalReturn]:
    order_ids = {row.customer_order_id for row in rows}
    reason_ids = {row.return_reason_id for row in rows if row.return_reason_id}
    orders = dict(
        session.execute(
            select(CustomerOrder.id, CustomerOrder.number).where(CustomerOrder.id.in_(order_ids))
        )
        .tuples()
        .all()
    )
    reason_names = dict(
        session.execute(
            select(ReturnReason.id, ReturnReason.name).where(ReturnReason.id.in_(reason_ids))
        )
        .tuples()
        .all()
    )
    return [
        PortalReturn.model_validate(
            {
                **{field: getattr(row, field) for field in RETURN_COLUMNS},
                "order_number": orders.get(row.customer_order_id),
                "reason": reason_names.get(row.return_reason_id),
            }
        )
        for row in rows
    ]


def lines(session: Session, scope: PortalScope, found: ReturnRequest) -> list[PortalReturnLine]:
    statement = scope.where(
        select(ReturnRequestLine, Product.name)
        .join(Product, Product.id == ReturnRequestLine.product_id)
        .where(ReturnRequestLine.return_request_id == found.id)
        .order_by(ReturnRequestLine.line_number),
        ReturnRequestLine,
    )
    return [
        PortalReturnLine.model_validate(
            {
                **{f: getattr(line, f) for f in PortalReturnLine.model_fields if f != "product"},
                "product": name,
            }
        )
        for line, name in session.execute(statement).tuples().all()
    ]


def request_attachments(
    session: Session, scope: PortalScope, found: ReturnRequest
) -> list[Attachment]:
    statement = scope.select(Attachment).where(
        Attachment.owner_type == OWNER, Attachment.owner_id == found.id
    )
    return list(session.scalars(statement.order_by(Attachment.id)))


def detail(session: Session, scope: PortalScope, found: ReturnRequest) -> PortalReturnDetail:
    return PortalReturnDetail.model_validate(
        {
            **public(session, [found])[0].model_dump(),
            "lines": lines(session, scope, found),
            "attachments": [
                AttachmentPublic.model_validate(row)
                for row in request_attachments(session, scope, found)
            ],
        }
    )


# --- Routes -----------------------------------------------------------------------------------


@router.get("/return-reasons", response_model=list[Reason])
def return_reasons(session: SessionDep, customer: CurrentCustomer) -> Any:
    """List the return reasons (Причины возврата) a customer may choose."""
    return reasons(session, customer.scope)


@router.get("/return-lines", response_model=list[ReturnableLinePublic])
def returnable_lines(
    session: SessionDep,
    customer: CurrentCustomer,
    customer_order_id: Annotated[int, Query(gt=0, le=2**63 - 1)],
) -> Any:
    """The order's shipped lines with the quantity that may still be returned."""
    return returnable_public(returnable(session, customer.scope, customer_order_id))


@router.get("/returns", response_model=PortalReturnPage)
def get_returns(
    session: SessionDep, customer: CurrentCustomer, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """List the customer's return requests (Заявки на возврат), newest first, paged."""
    items, total = list_returns(session, customer.scope, limit=limit, offset=offset)
    return {"items": public(session, items), "total": total}


@router.get("/returns/{request_id}", response_model=PortalReturnDetail)
def get_return(session: SessionDep, customer: CurrentCustomer, request_id: IdPath) -> Any:
    """Read one of the customer's return requests with lines, decision and files.

    Another partner's request is 404, as a missing one."""
    return detail(session, customer.scope, customer.scope.get(session, ReturnRequest, request_id))


@router.post("/returns", response_model=PortalReturnDetail, status_code=status.HTTP_201_CREATED)
def create_return(
    request: Request, session: SessionDep, customer: CurrentCustomer, body: PortalReturnCreate
) -> Any:
    """Ask to return shipped goods of one of the customer's orders: status registered, source
    portal.

    The order and reason must be the customer's own and from the list
    (`portal.reference_unknown`); each line names a shipment line of that order with at most what
    is still returnable (`return.above_returnable`; see /return-lines). Operators then approve or
    reject it; goods received back reduce the debt."""
    created = register_return(session, customer, body, [], data_dir(request))
    return detail(session, customer.scope, created)


@router.post("/returns/{request_id}/cancel", response_model=PortalReturnDetail)
def cancel_return(
    session: SessionDep,
    customer: CurrentCustomer,
    request_id: IdPath,
    body: PortalCancel | None = None,
) -> Any:
    """Withdraw one of the customer's return requests while it is registered: → cancelled.

    Another status is 409 `return.cancel_not_allowed`; the optional `version` must be current (409
    `stale_version`)."""
    found = cancel(session, customer, request_id, body.version if body else None)
    return detail(session, customer.scope, found)


@router.post(
    "/returns/{request_id}/attachments",
    response_model=list[AttachmentPublic],
    status_code=status.HTTP_201_CREATED,
)
def upload_return_files(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    request_id: IdPath,
    files: Annotated[list[UploadFile], File(description="Up to 5 files, 10 MB each")],
) -> Any:
    """Attach files to one of the customer's return requests: up to 5 per upload, 10 MB each.

    Not once it is rejected, cancelled or received (`portal.return_closed`). Only JPEG, PNG, PDF,
    TXT, XLSX and DOCX, recognised by content (`attachment.*`); one refusal keeps none."""
    found = customer.scope.get(session, ReturnRequest, request_id)
    return add_files(session, customer, found, uploads_of(files), data_dir(request))


@router.get("/returns/{request_id}/attachments/{attachment_id}", response_class=FileResponse)
def download_return_file(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    request_id: IdPath,
    attachment_id: IdPath,
) -> Any:
    """Download a file of one of the customer's return requests; any other is 404."""
    found = customer.scope.get(session, ReturnRequest, request_id)
    attachment = own_attachment(session, customer.scope, OWNER, found.id, attachment_id)
    return file_response(data_dir(request), attachment)
