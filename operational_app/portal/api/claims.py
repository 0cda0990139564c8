"""Portal API: claims (issue 19), under /api/portal. Every query goes through PortalScope.

A customer registers a claim (source `portal`, registered by them) about their own order or
shipment, attaches files, and follows its status and result; the operators' work plan stays
internal. The same service functions serve the portal pages (portal/pages/claims.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.api.deps import IdPath, Limit, Offset, SessionDep
from operational_app.api.routes.returns import AttachmentPublic, file_response, uploads_of
from operational_app.api.schemas import (
    Amount,
    Documented,
    Id,
    Input,
    LongText,
    Public,
    UtcTimestamp,
)
from operational_app.db.models import (
    Attachment,
    Claim,
    ClaimReason,
    CustomerOrder,
    Shipment,
)
from operational_app.domain import attachments as attachment_service
from operational_app.domain import claims as claim_service
from operational_app.domain import listing
from operational_app.domain.errors import NotFound, ValidationFailed
from operational_app.portal.deps import CurrentCustomer, Customer
from operational_app.portal.scope import PortalScope

router = APIRouter(tags=["portal"])

OWNER = "claim"


class PortalClaimCreate(Input):
    claim_reason_id: Id
    customer_order_id: Id | None = None
    shipment_id: Id | None = None
    claimed_amount: Amount = Decimal(0)
    description: LongText | None = None


class HistoryStep(Documented):
    status: str
    at: UtcTimestamp | None


class PortalClaim(Public):
    id: int
    number: str
    registered_at: UtcTimestamp
    claim_reason_id: int | None
    reason: str | None = None
    customer_order_id: int | None
    order_number: str | None = None
    shipment_id: int | None
    shipment_number: str | None = None
    claimed_amount: Decimal
    description: str | None
    status: str
    result: str | None
    resolved_at: UtcTimestamp | None
    resolution_comment: str | None


CLAIM_COLUMNS = tuple(
    field
    for field in PortalClaim.model_fields
    if field not in ("reason", "order_number", "shipment_number")
)


class PortalClaimDetail(PortalClaim):
    history: list[HistoryStep]
    attachments: list[AttachmentPublic]


class PortalClaimPage(Documented):
    items: list[PortalClaim]
    total: int


class Reason(Public):
    id: int
    name: str


# --- Services shared with the pages -----------------------------------------------------------


def data_dir(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir)


def reasons(session: Session, scope: PortalScope) -> list[ClaimReason]:
    return list(session.scalars(scope.select(ClaimReason).order_by(ClaimReason.name)))


def own_orders(session: Session, scope: PortalScope) -> list[CustomerOrder]:
    statement = scope.select(CustomerOrder).where(CustomerOrder.status != "draft")
    return list(session.scalars(statement.order_by(CustomerOrder.ordered_at.desc())))


def own_shipments(session: Session, scope: PortalScope) -> list[Shipment]:
    statement = scope.select(Shipment).order_by(Shipment.shipped_at.desc(), Shipment.id.desc())
    return list(session.scalars(statement))


def _not_yours(field: str) -> ValidationFailed:
    # The same answer for another partner's id and one that does not exist.
    return ValidationFailed(
        "portal.reference_unknown", "Choose one of your own documents.", field=field
    )


def register_claim(
    session: Session,
    customer: Customer,
    values: PortalClaimCreate,
    uploads: list[attachment_service.Upload],
    storage: Path,
) -> Claim:
    """Check the references are the customer's, stage the files, create the claim and attach
    them, commit; nothing is stored when any part is refused."""
    scope = customer.scope
    if not scope.owns(session, ClaimReason, values.claim_reason_id):
        raise ValidationFailed(
            "portal.reference_unknown", "Choose a reason from the list.", field="claim_reason_id"
        )
    for model, field in ((CustomerOrder, "customer_order_id"), (Shipment, "shipment_id")):
        value = getattr(values, field)
        if value is not None and not scope.owns(session, model, value):
            raise _not_yours(field)
    with attachment_service.staged(storage, uploads) as files:
        claim = claim_service.create_claim(
            session,
            partner_id=scope.partner_id,
            claim_reason_id=values.claim_reason_id,
            source="portal",
            customer_order_id=values.customer_order_id,
            shipment_id=values.shipment_id,
            claimed_amount=values.claimed_amount,
            description=values.description,
            registered_by_id=customer.user.id,
        )
        attachment_service.attach(
            session,
            storage,
            files,
            owner_type=OWNER,
            owner_id=claim.id,
            uploaded_by_id=customer.user.id,
        )
        session.commit()
    return claim


def add_files(
    session: Session,
    customer: Customer,
    claim: Claim,
    uploads: list[attachment_service.Upload],
    storage: Path,
) -> list[Attachment]:
    if claim.status == "resolved":
        raise ValidationFailed(
            "portal.claim_resolved", "The claim is resolved; files can no longer be added."
        )
    if not uploads:
        raise ValidationFailed("attachment.none", "Choose a file.", field="attachments")
    with attachment_service.staged(storage, uploads) as files:
        rows = attachment_service.attach(
            session,
            storage,
            files,
            owner_type=OWNER,
            owner_id=claim.id,
            uploaded_by_id=customer.user.id,
        )
        session.commit()
    return rows


def history(claim: Claim) -> list[HistoryStep]:
    """What a customer can follow: registered, taken into work (the first operator response),
    resolved; the work plan stays internal."""
    steps = [HistoryStep(status="registered", at=claim.registered_at)]
    if claim.status in ("in_work", "resolved"):
        steps.append(HistoryStep(status="in_work", at=claim.first_response_at))
    if claim.status == "resolved":
        steps.append(HistoryStep(status="resolved", at=claim.resolved_at))
    return steps


def claim_attachments(session: Session, scope: PortalScope, claim: Claim) -> list[Attachment]:
    statement = scope.select(Attachment).where(
        Attachment.owner_type == OWNER, Attachment.owner_id == claim.id
    )
    return list(session.scalars(statement.order_by(Attachment.id)))


def _names(session: Session, model: Any, ids: set[int], attr: str) -> dict[int, str]:
    ids = {value for value in ids if value is not None}
    if not ids:
        return {}
    rows = session.execute(select(model.id, getattr(model, attr)).where(model.id.in_(ids)))
    return dict(rows.tuples().all())


def public(session: Session, claims: list[Claim]) -> list[PortalClaim]:
    reasons_by_id = _names(session, ClaimReason, {c.claim_reason_id for c in claims}, "name")
    orders = _names(session, CustomerOrder, {c.customer_order_id for c in claims}, "number")
    shipments = _names(session, Shipment, {c.shipment_id for c in claims}, "number")
    return [
        PortalClaim.model_validate(
            {
                **{field: getattr(claim, field) for field in CLAIM_COLUMNS},
                "reason": reasons_by_id.get(claim.claim_reason_id),
                "order_number": orders.get(claim.customer_order_id),
                "shipment_number": shipments.get(claim.shipment_id),
            }
        )
        for claim in claims
    ]


def detail(session: Session, scope: PortalScope, claim: Claim) -> PortalClaimDetail:
    return PortalClaimDetail.model_validate(
        {
            **public(session, [claim])[0].model_dump(),
            "history": history(claim),
            "attachments": [
                AttachmentPublic.model_validate(row)
                for row in claim_attachments(session, scope, claim)
            ],
        }
    )


def list_claims(
    session: Session, scope: PortalScope, *, limit: int = 50, offset: int = 0
) -> tuple[list[Claim], int]:
    page = listing.page(
        session,
        scope.select(Claim),
        sort=None,
        columns={"registered_at": Claim.registered_at},
        default="-registered_at",
        tiebreak=Claim.id.desc(),
        limit=limit,
        offset=offset,
    )
    return list(page.items), page.total


def own_attachment(
    session: Session, scope: PortalScope, owner_type: str, owner_id: int, attachment_id: int
) -> Attachment:
    """An attachment of the customer's claim or return request; any other is NotFound."""
    attachment = scope.get(session, Attachment, attachment_id)
    if attachment.owner_type != owner_type or attachment.owner_id != owner_id:
        raise NotFound(
            "not_found",
            f"No attachments {attachment_id} is visible to you.",
            params={"table": "attachments", "id": attachment_id},
        )
    return attachment


# --- Routes -----------------------------------------------------------------------------------


@router.get("/claim-reasons", response_model=list[Reason])
def claim_reasons(session: SessionDep, customer: CurrentCustomer) -> Any:
    """List the claim reasons (Причины претензий) a customer may choose."""
    return reasons(session, customer.scope)


@router.get("/claims", response_model=PortalClaimPage)
def get_claims(
    session: SessionDep, customer: CurrentCustomer, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """List the customer's claims (Претензии), newest first, paged."""
    items, total = list_claims(session, customer.scope, limit=limit, offset=offset)
    return {"items": public(session, items), "total": total}


@router.get("/claims/{claim_id}", response_model=PortalClaimDetail)
def get_claim(session: SessionDep, customer: CurrentCustomer, claim_id: IdPath) -> Any:
    """Read one of the customer's claims with its status history and files.

    Another partner's claim is 404, as a missing one."""
    return detail(session, customer.scope, customer.scope.get(session, Claim, claim_id))


@router.post("/claims", response_model=PortalClaimDetail, status_code=status.HTTP_201_CREATED)
def create_claim(
    request: Request, session: SessionDep, customer: CurrentCustomer, body: PortalClaimCreate
) -> Any:
    """Register a claim from the portal: status registered, source portal.

    The reason must be one of the list, the order and shipment the customer's own
    (`portal.reference_unknown`, whatever the reason the id is refused); the claim rules of the
    operators' API apply (`claim.*`). Files are added with /claims/{id}/attachments."""
    claim = register_claim(session, customer, body, [], data_dir(request))
    return detail(session, customer.scope, claim)


@router.post(
    "/claims/{claim_id}/attachments",
    response_model=list[AttachmentPublic],
    status_code=status.HTTP_201_CREATED,
)
def upload_claim_files(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    claim_id: IdPath,
    files: Annotated[list[UploadFile], File(description="Up to 5 files, 10 MB each")],
) -> Any:
    """Attach files to one of the customer's claims: up to 5 per upload, 10 MB each.

    Not once it is resolved (`portal.claim_resolved`). Only JPEG, PNG, PDF, TXT, XLSX and DOCX,
    recognised by content (`attachment.*`); one refusal keeps none."""
    claim = customer.scope.get(session, Claim, claim_id)
    return add_files(session, customer, claim, uploads_of(files), data_dir(request))


@router.get("/claims/{claim_id}/attachments/{attachment_id}", response_class=FileResponse)
def download_claim_file(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    claim_id: IdPath,
    attachment_id: IdPath,
) -> Any:
    """Download a file of one of the customer's claims; any other is 404."""
    claim = customer.scope.get(session, Claim, claim_id)
    attachment = own_attachment(session, customer.scope, OWNER, claim.id, attachment_id)
    return file_response(data_dir(request), attachment)
