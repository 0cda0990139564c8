"""Межфирменные продажи и комиссия (issue 22): inter-company and commission documents, stock
receipts into the ownership ledger and the positions it holds."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import func, select

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SessionDep
from operational_app.api.schemas import Paged
from operational_app.api.schemas_intercompany import (
    CommissionDocumentCreate,
    CommissionDocumentDetail,
    CommissionDocumentPublic,
    CommissionKind,
    CommissionLinePublic,
    IntercompanyDocumentCreate,
    IntercompanyDocumentDetail,
    IntercompanyDocumentPublic,
    IntercompanyKind,
    IntercompanyLinePublic,
    StockMovementPublic,
    StockPositionPublic,
    StockReceiptCreate,
)
from operational_app.api.schemas_sales import DeleteBody
from operational_app.db.models import CommissionDocument, IntercompanyDocument
from operational_app.domain import intercompany as service
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["intercompany"])


def intercompany_detail(session, document: IntercompanyDocument) -> IntercompanyDocumentDetail:
    return IntercompanyDocumentDetail.model_validate(
        {
            **IntercompanyDocumentPublic.model_validate(document).model_dump(),
            "lines": [
                IntercompanyLinePublic.model_validate(line)
                for line in service.intercompany_lines(session, document.id)
            ],
        }
    )


def commission_detail(session, document: CommissionDocument) -> CommissionDocumentDetail:
    return CommissionDocumentDetail.model_validate(
        {
            **CommissionDocumentPublic.model_validate(document).model_dump(),
            "lines": [
                CommissionLinePublic.model_validate(line)
                for line in service.commission_lines(session, document.id)
            ],
        }
    )


def _page(session, query, model, limit: int, offset: int):
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(model.documented_at.desc(), model.id.desc()).limit(limit).offset(offset)
    ).all()
    return items, total


@router.get("/intercompany-documents", response_model=Paged[IntercompanyDocumentPublic])
def list_intercompany_documents(
    session: SessionDep,
    kind: IntercompanyKind | None = None,
    organization_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[IntercompanyDocumentPublic]:
    """List Передачи and Возвраты товаров между организациями, newest first, paged.

    `organization_id` keeps documents where the organisation is the sender or the receiver."""
    query = select(IntercompanyDocument).where(IntercompanyDocument.deleted_at.is_(None))
    if kind is not None:
        query = query.where(IntercompanyDocument.kind == kind)
    if organization_id is not None:
        query = query.where(
            (IntercompanyDocument.sender_organization_id == organization_id)
            | (IntercompanyDocument.receiver_organization_id == organization_id)
        )
    items, total = _page(session, query, IntercompanyDocument, limit, offset)
    return Paged[IntercompanyDocumentPublic].of(items, total)


@router.get("/intercompany-documents/{document_id}", response_model=IntercompanyDocumentDetail)
def get_intercompany_document(
    session: SessionDep, document_id: IdPath
) -> IntercompanyDocumentDetail:
    """Read an inter-company document with its lines; 404 when missing or deleted."""
    return intercompany_detail(session, get_or_404(session, IntercompanyDocument, document_id))


@router.post(
    "/intercompany-documents",
    response_model=IntercompanyDocumentDetail,
    status_code=status.HTTP_201_CREATED,
)
def create_intercompany_document(
    session: SessionDep, body: IntercompanyDocumentCreate
) -> IntercompanyDocumentDetail:
    """Передача or Возврат товаров между организациями entered by an operator."""
    document = service.create_intercompany_document(
        session,
        **body.model_dump(exclude={"lines"}),
        lines=[line.model_dump() for line in body.lines],
    )
    session.commit()
    return intercompany_detail(session, document)


@router.delete("/intercompany-documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_intercompany_document(
    session: SessionDep, document_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a Передача or Возврат товаров между организациями: its ledger movements are taken
    back.

    Refused for an automatic transfer, which belongs to its shipment (409
    `intercompany.automatic`), and while goods it brought have moved on since (409
    `ownership.document_in_use`). The optional body's `version` must be current (409
    `stale_version`)."""
    document = get_or_404(session, IntercompanyDocument, document_id)
    service.delete_intercompany_document(
        session, document, expected_version=body.version if body else None
    )
    session.commit()


@router.get("/commission-documents", response_model=Paged[CommissionDocumentPublic])
def list_commission_documents(
    session: SessionDep,
    kind: CommissionKind | None = None,
    organization_id: IdFilter = None,
    partner_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[CommissionDocumentPublic]:
    """List commission documents, newest first, paged.

    `kind` keeps one document type; `partner_id` is the commissioner or committent."""
    query = select(CommissionDocument).where(CommissionDocument.deleted_at.is_(None))
    if kind is not None:
        query = query.where(CommissionDocument.kind == kind)
    if organization_id is not None:
        query = query.where(CommissionDocument.organization_id == organization_id)
    if partner_id is not None:
        query = query.where(CommissionDocument.partner_id == partner_id)
    items, total = _page(session, query, CommissionDocument, limit, offset)
    return Paged[CommissionDocumentPublic].of(items, total)


@router.get("/commission-documents/{document_id}", response_model=CommissionDocumentDetail)
def get_commission_document(session: SessionDep, document_id: IdPath) -> CommissionDocumentDetail:
    """Read a commission document with its lines; 404 when missing or deleted."""
    return commission_detail(session, get_or_404(session, CommissionDocument, document_id))


@router.post(
    "/commission-documents",
    response_model=CommissionDocumentDetail,
    status_code=status.HTTP_201_CREATED,
)
def create_commission_document(
    session: SessionDep, body: CommissionDocumentCreate
) -> CommissionDocumentDetail:
    """Передача на комиссию, Отчет комиссионера о продажах / о списании, Поступление товаров на
    комиссию or Отчет комитенту (`kind`)."""
    document = service.create_commission_document(
        session,
        **body.model_dump(exclude={"lines"}),
        lines=[line.model_dump() for line in body.lines],
    )
    session.commit()
    return commission_detail(session, document)


@router.delete("/commission-documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_commission_document(
    session: SessionDep, document_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a commission document: its ledger movements are taken back (goods handed to a
    commissioner return to the warehouse's on-hand).

    Refused while goods it brought have moved on since (409 `ownership.document_in_use`). The
    optional body's `version` must be current (409 `stale_version`)."""
    document = get_or_404(session, CommissionDocument, document_id)
    service.delete_commission_document(
        session, document, expected_version=body.version if body else None
    )
    session.commit()


@router.post(
    "/stock-receipts", response_model=StockMovementPublic, status_code=status.HTTP_201_CREATED
)
def create_stock_receipt(session: SessionDep, body: StockReceiptCreate) -> StockMovementPublic:
    """Оприходование: goods of an organization arrive at a warehouse (and its on-hand)."""
    values = body.model_dump()
    movement = service.receive_stock(
        session,
        organization_id=values["organization_id"],
        warehouse_id=values["warehouse_id"],
        product_id=values["product_id"],
        quantity_received=values["quantity"],
        received_at=values["received_at"],
    )
    session.commit()
    return StockMovementPublic.model_validate(movement)


@router.get("/stock-positions", response_model=list[StockPositionPublic])
def list_stock_positions(
    session: SessionDep, organization_id: IdFilter = None
) -> list[StockPositionPublic]:
    """What each organization owns (or holds for a committent) and where: the ledger's sums."""
    return [
        StockPositionPublic.model_validate(row)
        for row in service.stock_positions(session, organization_id=organization_id)
    ]
