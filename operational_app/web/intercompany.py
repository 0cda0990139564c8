"""Межфирменные продажи и комиссия (issue 22): the operators' pages under /intercompany.

One page lists the inter-company and commission documents and what each organization owns
where (the ownership ledger), with three one-line forms: Оприходование, a document between
organizations, a commission document (the API takes documents of many lines). Each document has
a card with its lines. The rules live in `domain.intercompany`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.schemas import Id, Name300, Version
from operational_app.api.schemas_intercompany import CommissionKind, IntercompanyKind
from operational_app.db.models import (
    CommissionDocument,
    IntercompanyDocument,
    Organization,
    Partner,
    Product,
    Warehouse,
)
from operational_app.domain import intercompany as service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.i18n import MESSAGES
from operational_app.web.common import form_values, names_by_id, redirect, render
from operational_app.web.forms import FormAmount, FormModel
from operational_app.web.sales import FormPct, FormQty, errors_of

router = APIRouter(include_in_schema=False)
BASE = "/intercompany"
LIST_LIMIT = 200

_MESSAGES: dict[str, dict[str, str]] = {
    "nav.intercompany": {"ru": "Межфирменные и комиссия", "en": "Inter-company & commission"},
    "intercompany.title": {
        "ru": "Межфирменные продажи и комиссия",
        "en": "Inter-company sales and commission",
    },
    "intercompany.documents": {
        "ru": "Передачи и возвраты между организациями",
        "en": "Transfers and returns between organizations",
    },
    "intercompany.commission_documents": {"ru": "Документы комиссии", "en": "Commission documents"},
    "intercompany.positions": {
        "ru": "Остатки по организациям и хранителям",
        "en": "Stock per organization and holder",
    },
    "intercompany.receipt": {"ru": "Оприходование товаров", "en": "Goods receipt"},
    "intercompany.new_document": {
        "ru": "Новый документ между организациями",
        "en": "New inter-company document",
    },
    "intercompany.new_commission": {
        "ru": "Новый документ комиссии",
        "en": "New commission document",
    },
    "intercompany.kind.transfer": {
        "ru": "Передача товаров между организациями",
        "en": "Transfer between organizations",
    },
    "intercompany.kind.return": {
        "ru": "Возврат товаров между организациями",
        "en": "Return between organizations",
    },
    "commission.kind.to_commissioner": {"ru": "Передача на комиссию", "en": "To commissioner"},
    "commission.kind.commissioner_sales": {
        "ru": "Отчет комиссионера о продажах",
        "en": "Commissioner's sales report",
    },
    "commission.kind.commissioner_writeoff": {
        "ru": "Отчет комиссионера о списании",
        "en": "Commissioner's write-off report",
    },
    "commission.kind.from_committent": {
        "ru": "Поступление товаров на комиссию",
        "en": "Goods received on commission",
    },
    "commission.kind.committent_report": {"ru": "Отчет комитенту", "en": "Report to committent"},
    "commission.kind.commissioner_payment": {
        "ru": "Поступление оплаты от комиссионера",
        "en": "Payment from commissioner",
    },
    "commission.kind.committent_payment": {"ru": "Оплата комитенту", "en": "Payment to committent"},
    "intercompany.sender": {"ru": "Передающая организация", "en": "Sender"},
    "intercompany.receiver": {"ru": "Получающая организация", "en": "Receiver"},
    "intercompany.automatic": {"ru": "Автоматически", "en": "Automatic"},
    "intercompany.shipment": {"ru": "Реализация", "en": "Shipment"},
    "intercompany.kind": {"ru": "Вид документа", "en": "Document kind"},
    "intercompany.organization": {"ru": "Организация", "en": "Organization"},
    "intercompany.partner": {
        "ru": "Комиссионер / комитент",
        "en": "Commissioner / committent",
    },
    "intercompany.holder": {"ru": "Хранитель", "en": "Holder"},
    "intercompany.committent_goods": {"ru": "Товары комитента", "en": "Committent's goods"},
    "intercompany.price_hint": {
        "ru": "Цена (пусто — трансфертная / базовая)",
        "en": "Price (blank: transfer / base price)",
    },
    "intercompany.fee_percent": {"ru": "Вознаграждение, %", "en": "Fee, %"},
    "intercompany.fee": {"ru": "Вознаграждение", "en": "Fee"},
    "intercompany.buyer": {"ru": "Покупатель", "en": "Buyer"},
    "intercompany.date": {"ru": "Дата", "en": "Date"},
    "intercompany.lines": {"ru": "Строки", "en": "Lines"},
    "intercompany.amount": {"ru": "Сумма", "en": "Amount"},
    "intercompany.payment_amount": {"ru": "Сумма оплаты", "en": "Payment amount"},
    "intercompany.delete": {"ru": "Удалить документ", "en": "Delete the document"},
    "rule.ownership.document_in_use": {
        "ru": "Товары этого документа уже переданы дальше: сначала удалите более поздние "
        "документы.",
        "en": "The goods of this document have moved on: delete the later documents first.",
    },
    "rule.intercompany.automatic": {
        "ru": "Автоматическая передача принадлежит своей реализации и не удаляется.",
        "en": "An automatic transfer belongs to its shipment and cannot be deleted.",
    },
    "rule.ownership.above_owned": {
        "ru": "Строка {line}: у организации там только {owned}, запрошено {asked}.",
        "en": "Line {line}: the organization has only {owned} there, {asked} asked.",
    },
    "rule.intercompany.same_organization": {
        "ru": "Товары передаются между двумя разными организациями.",
        "en": "The goods pass between two different organizations.",
    },
    "rule.commission.warehouse_required": {
        "ru": "Для этого документа нужен склад.",
        "en": "This document needs a warehouse.",
    },
    "rule.commission.fee_above_amount": {
        "ru": "Строка {line}: вознаграждение больше суммы продажи.",
        "en": "Line {line}: the fee exceeds the sale amount.",
    },
}
for _key, _entry in _MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)


class DeleteForm(FormModel):
    version: Version | None = None


class ReceiptForm(FormModel):
    organization_id: Id
    warehouse_id: Id
    product_id: Id
    quantity: FormQty


class IntercompanyForm(FormModel):
    kind: IntercompanyKind = "transfer"
    sender_organization_id: Id
    receiver_organization_id: Id
    warehouse_id: Id
    product_id: Id
    quantity: FormQty
    price: FormAmount | None = None


class CommissionForm(FormModel):
    kind: CommissionKind
    organization_id: Id
    partner_id: Id
    warehouse_id: Id | None = None
    # Goods documents: one line; payments: the amount alone.
    product_id: Id | None = None
    quantity: FormQty | None = None
    amount: FormAmount | None = None
    price: FormAmount | None = None
    fee_percent: FormPct | None = None
    buyer_name: Name300 | None = None


def _choices(session: Session) -> dict[str, Any]:
    def options(model: Any, attr: str = "name") -> list[tuple[int, str]]:
        rows = session.scalars(
            select(model).where(model.deleted_at.is_(None)).order_by(getattr(model, attr))
        )
        return [(row.id, getattr(row, attr)) for row in rows]

    return {
        "organizations": options(Organization),
        "warehouses": options(Warehouse),
        "products": options(Product),
        "partners": options(Partner),
    }


def _names(session: Session) -> dict[str, dict[int, str]]:
    return {
        "organization": names_by_id(session, Organization),
        "warehouse": names_by_id(session, Warehouse),
        "product": names_by_id(session, Product),
        "partner": names_by_id(session, Partner),
    }


def _page(
    request: Request,
    session: Session,
    forms: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    documents = session.scalars(
        select(IntercompanyDocument)
        .where(IntercompanyDocument.deleted_at.is_(None))
        .order_by(IntercompanyDocument.documented_at.desc(), IntercompanyDocument.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    commission = session.scalars(
        select(CommissionDocument)
        .where(CommissionDocument.deleted_at.is_(None))
        .order_by(CommissionDocument.documented_at.desc(), CommissionDocument.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    return render(
        request,
        "intercompany/list.html",
        {
            "documents": documents,
            "commission": commission,
            "positions": service.stock_positions(session),
            "names": _names(session),
            "forms": forms or {},
            "errors": errors or {},
            "intercompany_kinds": ("transfer", "return"),
            "commission_kinds": tuple(service.COMMISSION_PREFIXES),
            **_choices(session),
        },
        status_code,
    )


@router.get(BASE)
def intercompany_page(request: Request, session: SessionDep) -> Response:
    return _page(request, session)


async def _post(request: Request, session: Session, form_name: str, create: Any) -> Response:
    values = await form_values(request)
    try:
        url = create(values)
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "quantity")
        return _page(request, session, {form_name: values}, {form_name: errors}, code)
    return redirect(url)


@router.post(f"{BASE}/receipts")
async def create_receipt(request: Request, session: SessionDep) -> Response:
    def create(values: dict[str, str]) -> str:
        form = ReceiptForm.model_validate(values)
        service.receive_stock(
            session,
            organization_id=form.organization_id,
            warehouse_id=form.warehouse_id,
            product_id=form.product_id,
            quantity_received=form.quantity,
        )
        return BASE

    return await _post(request, session, "receipt", create)


@router.post(f"{BASE}/documents")
async def create_document(request: Request, session: SessionDep) -> Response:
    def create(values: dict[str, str]) -> str:
        form = IntercompanyForm.model_validate(values)
        document = service.create_intercompany_document(
            session,
            kind=form.kind,
            sender_organization_id=form.sender_organization_id,
            receiver_organization_id=form.receiver_organization_id,
            warehouse_id=form.warehouse_id,
            lines=[{"product_id": form.product_id, "quantity": form.quantity, "price": form.price}],
        )
        return f"{BASE}/documents/{document.id}"

    return await _post(request, session, "document", create)


@router.post(f"{BASE}/commission")
async def create_commission(request: Request, session: SessionDep) -> Response:
    def create(values: dict[str, str]) -> str:
        form = CommissionForm.model_validate(values)
        is_payment = form.kind in service.PAYMENT_KINDS
        line = {
            "product_id": form.product_id,
            "quantity": form.quantity,
            "price": form.price,
            "buyer_name": form.buyer_name,
        }
        document = service.create_commission_document(
            session,
            kind=form.kind,
            organization_id=form.organization_id,
            partner_id=form.partner_id,
            warehouse_id=form.warehouse_id,
            fee_percent=form.fee_percent,
            amount=form.amount,
            lines=[] if is_payment else [line],
        )
        return f"{BASE}/commission/{document.id}"

    return await _post(request, session, "commission", create)


@router.post(BASE + "/documents/{document_id}/delete")
async def delete_document(request: Request, session: SessionDep, document_id: IdPath) -> Response:
    document = get_or_404(session, IntercompanyDocument, document_id)
    return await _delete(request, session, document, service.delete_intercompany_document)


@router.post(BASE + "/commission/{document_id}/delete")
async def delete_commission(request: Request, session: SessionDep, document_id: IdPath) -> Response:
    document = get_or_404(session, CommissionDocument, document_id)
    return await _delete(request, session, document, service.delete_commission_document)


async def _delete(request: Request, session: Session, document: Any, delete: Any) -> Response:
    values = await form_values(request)
    try:
        version = DeleteForm.model_validate(values).version
        delete(session, document, expected_version=version)
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "delete")
        return _card(request, session, document, errors, code)
    return redirect(BASE)


def _card(
    request: Request,
    session: Session,
    document: Any,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    is_commission = isinstance(document, CommissionDocument)
    lines = (service.commission_lines if is_commission else service.intercompany_lines)(
        session, document.id
    )
    return render(
        request,
        "intercompany/card.html",
        {
            "document": document,
            "is_commission": is_commission,
            "lines": lines,
            "names": _names(session),
            "errors": errors or {},
            "action": f"{BASE}/{'commission' if is_commission else 'documents'}/{document.id}",
        },
        status_code,
    )


@router.get(BASE + "/documents/{document_id}")
def document_card(request: Request, session: SessionDep, document_id: IdPath) -> Response:
    return _card(request, session, get_or_404(session, IntercompanyDocument, document_id))


@router.get(BASE + "/commission/{document_id}")
def commission_card(request: Request, session: SessionDep, document_id: IdPath) -> Response:
    return _card(request, session, get_or_404(session, CommissionDocument, document_id))
