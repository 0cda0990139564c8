"""Заявки на возврат товаров от клиента (issue 19): the operators' API.

List, read, register on a customer's behalf, approve, reject (a comment is required), receive;
attachments of claims and return requests are downloaded here too. The rules live in
domain/returns.py and domain/attachments.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from fastapi.responses import FileResponse
from pydantic import Field
from sqlalchemy.orm import Session

from operational_app.api.deps import (
    CurrentUser,
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
)
from operational_app.api.schemas import (
    Documented,
    Id,
    Input,
    LongText,
    Public,
    Timestamp,
    UtcTimestamp,
    Version,
)
from operational_app.db.models import (
    RETURN_SOURCES,
    RETURN_STATUSES,
    Attachment,
    Claim,
    ReturnRequest,
)
from operational_app.domain import attachments as attachment_service
from operational_app.domain import returns as service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import ValidationFailed

router = APIRouter(tags=["returns"])

ReturnStatus = Literal["registered", "approved", "rejected", "received", "cancelled"]
ReturnSource = Literal["operator", "portal"]
assert set(ReturnStatus.__args__) == set(RETURN_STATUSES)
assert set(ReturnSource.__args__) == set(RETURN_SOURCES)
QuantityInput = Annotated[Decimal, Field(gt=0, lt=Decimal("1e12"), decimal_places=3)]
Sort = Annotated[str | None, Query(max_length=40, pattern=r"^-?[a-z_]+$")]


class AttachmentPublic(Public):
    id: int
    file_name: str
    content_type: str
    size_bytes: int
    created_at: UtcTimestamp


class ReturnLineInput(Input):
    shipment_line_id: Id
    quantity: QuantityInput


class ReturnRequestFields(Input):
    customer_order_id: Id
    return_reason_id: Id
    lines: list[ReturnLineInput] = Field(min_length=1, max_length=500)
    comment: LongText | None = None


class ReturnRequestCreate(ReturnRequestFields):
    partner_id: Id


class ReturnDecision(Input):
    version: Version | None = None
    comment: LongText | None = None


class ReturnReceive(Input):
    version: Version | None = None
    received_at: Timestamp | None = None


class ReturnLinePublic(Public):
    id: int
    line_number: int
    shipment_line_id: int
    product_id: int
    quantity: Decimal
    price: Decimal
    amount: Decimal


class ReturnRequestPublic(Public):
    id: int
    number: str
    partner_id: int
    customer_order_id: int
    return_reason_id: int | None
    source: str
    status: str
    comment: str | None
    registered_at: dt.datetime
    registered_by_id: int | None
    decided_at: dt.datetime | None
    decision_comment: str | None
    received_at: dt.datetime | None
    first_response_at: dt.datetime | None
    total_amount: Decimal
    version: int


class ReturnRequestDetail(ReturnRequestPublic):
    lines: list[ReturnLinePublic]
    attachments: list[AttachmentPublic]


class ReturnRequestPage(Documented):
    items: list[ReturnRequestPublic]
    total: int


def detail(session: Session, request: ReturnRequest) -> ReturnRequestDetail:
    return ReturnRequestDetail.model_validate(
        {
            **ReturnRequestPublic.model_validate(request).model_dump(),
            "lines": [
                ReturnLinePublic.model_validate(line)
                for line in service.request_lines(session, request.id)
            ],
            "attachments": [
                AttachmentPublic.model_validate(row)
                for row in attachment_service.list_attachments(
                    session, "return_request", request.id
                )
            ],
        }
    )


def _storage(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir)


def file_response(storage: Path, attachment: Attachment) -> FileResponse:
    """The file as a download: never shown inline, never type-sniffed by the browser."""
    return FileResponse(
        attachment_service.file_path(storage, attachment),
        media_type=attachment.content_type,
        headers=attachment_service.download_headers(attachment),
    )


def download(
    request: Request, session: Session, owner_type: str, owner_id: int, attachment_id: int
) -> FileResponse:
    attachment = attachment_service.get_attachment(session, owner_type, owner_id, attachment_id)
    return file_response(_storage(request), attachment)


@router.get("/return-requests", response_model=ReturnRequestPage)
def list_return_requests(
    session: SessionDep,
    q: SearchText = None,
    status: ReturnStatus | None = None,
    source: ReturnSource | None = None,
    partner_id: IdFilter = None,
    customer_order_id: IdFilter = None,
    return_reason_id: IdFilter = None,
    sort: Sort = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """List return requests (Заявки на возврат товаров от клиентов), filtered and paged.

    `q` matches the number or comment. Filters: `status` (registered, approved, rejected, received,
    cancelled), `source` (operator, portal), `partner_id`, `customer_order_id`, `return_reason_id`;
    `sort` names a column (`-` for descending)."""
    page = service.list_return_requests(
        session,
        q=q,
        status=status,
        source=source,
        partner_id=partner_id,
        customer_order_id=customer_order_id,
        return_reason_id=return_reason_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return {"items": list(page.items), "total": page.total}


@router.get("/return-requests/{request_id}", response_model=ReturnRequestDetail)
def get_return_request(session: SessionDep, request_id: IdPath) -> Any:
    """Read a return request with its lines and attached files."""
    return detail(session, get_or_404(session, ReturnRequest, request_id))


@router.post(
    "/return-requests", response_model=ReturnRequestDetail, status_code=status.HTTP_201_CREATED
)
def create_return_request(session: SessionDep, user: CurrentUser, body: ReturnRequestCreate) -> Any:
    """Register a return request for shipped goods of one customer order: status registered.

    Each line names a shipment line of that order (`return.line_not_of_order`,
    `return.line_unknown`); per shipment line the live requests never exceed the shipped quantity
    (`return.above_returnable`); at least one line (`return.no_lines`); a reason is required
    (`return.reason_required`); the order must be the partner's (`return.order_of_other_partner`).
    The price is the shipment's price per unit."""
    created = service.create_return_request(
        session,
        partner_id=body.partner_id,
        customer_order_id=body.customer_order_id,
        lines=[line.model_dump() for line in body.lines],
        return_reason_id=body.return_reason_id,
        comment=body.comment,
        source="operator",
        registered_by_id=user.id,
    )
    session.commit()
    return detail(session, created)


@router.post("/return-requests/{request_id}/approve", response_model=ReturnRequestDetail)
def approve_return_request(
    session: SessionDep, user: CurrentUser, request_id: IdPath, body: ReturnDecision | None = None
) -> Any:
    """Approve a registered return request: registered → approved.

    Operators only (`return.operators_decide`); another status is 409 `return.approve_not_allowed`.
    The first decision sets `first_response_at`."""
    found = get_or_404(session, ReturnRequest, request_id)
    body = body or ReturnDecision()
    service.approve(
        session,
        found,
        actor_id=user.id,
        actor_role=user.role,
        comment=body.comment,
        expected_version=body.version,
    )
    session.commit()
    return detail(session, found)


@router.post("/return-requests/{request_id}/reject", response_model=ReturnRequestDetail)
def reject_return_request(
    session: SessionDep, user: CurrentUser, request_id: IdPath, body: ReturnDecision
) -> Any:
    """Reject a registered return request: registered → rejected, with a comment.

    The comment saying why is required (`return.reject_comment_required`); another status is 409
    `return.reject_not_allowed`. The quantities become returnable again."""
    found = get_or_404(session, ReturnRequest, request_id)
    service.reject(
        session,
        found,
        body.comment,
        actor_id=user.id,
        actor_role=user.role,
        expected_version=body.version,
    )
    session.commit()
    return detail(session, found)


@router.post("/return-requests/{request_id}/receive", response_model=ReturnRequestDetail)
def receive_return_request(
    session: SessionDep, user: CurrentUser, request_id: IdPath, body: ReturnReceive | None = None
) -> Any:
    """Record that the goods came back: approved → received (Возврат товаров от клиента).

    Only a received return reduces the partner's debt. Another status is 409
    `return.receive_not_allowed`."""
    found = get_or_404(session, ReturnRequest, request_id)
    body = body or ReturnReceive()
    service.receive(
        session,
        found,
        actor_role=user.role,
        received_at=body.received_at,
        expected_version=body.version,
    )
    session.commit()
    return detail(session, found)


@router.post("/return-requests/{request_id}/cancel", response_model=ReturnRequestDetail)
def cancel_return_request(
    session: SessionDep, request_id: IdPath, body: ReturnDecision | None = None
) -> Any:
    """Withdraw a registered request for the customer: registered → cancelled.

    Another status is 409 `return.cancel_not_allowed`."""
    found = get_or_404(session, ReturnRequest, request_id)
    service.cancel(session, found, expected_version=body.version if body else None)
    session.commit()
    return detail(session, found)


@router.post(
    "/return-requests/{request_id}/attachments",
    response_model=list[AttachmentPublic],
    status_code=status.HTTP_201_CREATED,
)
def upload_return_files(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    request_id: IdPath,
    files: Annotated[list[UploadFile], File(description="Up to 5 files, 10 MB each")],
) -> Any:
    """Attach files to a return request: up to 5 per upload, 10 MB each.

    Only JPEG, PNG, PDF, TXT, XLSX and DOCX, recognised by content (`attachment.type_not_allowed`,
    `attachment.too_large`, `attachment.too_many`, `attachment.empty`); one refusal keeps none."""
    found = get_or_404(session, ReturnRequest, request_id)
    return _attach(request, session, user.id, "return_request", found.id, files)


@router.get(
    "/return-requests/{request_id}/attachments/{attachment_id}", response_class=FileResponse
)
def download_return_file(
    request: Request, session: SessionDep, request_id: IdPath, attachment_id: IdPath
) -> Any:
    """Download a file attached to a return request (always as an attachment)."""
    found = get_or_404(session, ReturnRequest, request_id)
    return download(request, session, "return_request", found.id, attachment_id)


@router.get("/claims/{claim_id}/attachments", response_model=list[AttachmentPublic])
def list_claim_files(session: SessionDep, claim_id: IdPath) -> Any:
    """List the files attached to a claim."""
    claim = get_or_404(session, Claim, claim_id)
    return attachment_service.list_attachments(session, "claim", claim.id)


@router.post(
    "/claims/{claim_id}/attachments",
    response_model=list[AttachmentPublic],
    status_code=status.HTTP_201_CREATED,
)
def upload_claim_files(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    claim_id: IdPath,
    files: Annotated[list[UploadFile], File(description="Up to 5 files, 10 MB each")],
) -> Any:
    """Attach files to a claim: up to 5 per upload, 10 MB each.

    Only JPEG, PNG, PDF, TXT, XLSX and DOCX, recognised by content (`attachment.type_not_allowed`,
    `attachment.too_large`, `attachment.too_many`, `attachment.empty`); one refusal keeps none."""
    claim = get_or_404(session, Claim, claim_id)
    return _attach(request, session, user.id, "claim", claim.id, files)


@router.get("/claims/{claim_id}/attachments/{attachment_id}", response_class=FileResponse)
def download_claim_file(
    request: Request, session: SessionDep, claim_id: IdPath, attachment_id: IdPath
) -> Any:
    """Download a file attached to a claim (always as an attachment)."""
    claim = get_or_404(session, Claim, claim_id)
    return download(request, session, "claim", claim.id, attachment_id)


def uploads_of(files: list[UploadFile] | None) -> list[attachment_service.Upload]:
    """The files a form or API call sent; an empty file input sends one nameless empty part."""
    return [
        attachment_service.Upload(file.filename or "", file.file)
        for file in files or []
        if file.filename or (file.size or 0) > 0
    ]


def _attach(
    request: Request,
    session: Session,
    user_id: int,
    owner_type: str,
    owner_id: int,
    files: list[UploadFile],
) -> list[Attachment]:
    storage = _storage(request)
    uploads = uploads_of(files)
    if not uploads:
        raise ValidationFailed("attachment.none", "Choose a file.", field="attachments")
    with attachment_service.staged(storage, uploads) as staged:
        rows = attachment_service.attach(
            session,
            storage,
            staged,
            owner_type=owner_type,
            owner_id=owner_id,
            uploaded_by_id=user_id,
        )
        session.commit()
    return rows
