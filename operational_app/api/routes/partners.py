"""Партнёры and Контрагенты."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from operational_app.api.deps import (
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
)
from operational_app.api.schemas import (
    CounterpartyCreate,
    CounterpartyPublic,
    CounterpartyUpdate,
    LegalForm,
    Paged,
    PartnerCreate,
    PartnerDetail,
    PartnerKind,
    PartnerPublic,
    PartnerUpdate,
    Version,
)
from operational_app.db.models import Counterparty, Partner
from operational_app.domain import partners as service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["partners"])
VersionQuery = Annotated[Version | None, Query()]


def _detail(session: SessionDep, partner: Partner) -> PartnerDetail:
    counterparties = service.partner_counterparties(session, partner.id)
    return PartnerDetail.model_validate(
        {
            **PartnerPublic.model_validate(partner).model_dump(),
            "counterparties": [CounterpartyPublic.model_validate(c) for c in counterparties],
        }
    )


@router.get("/partners", response_model=Paged[PartnerPublic])
def list_partners(
    session: SessionDep,
    q: SearchText = None,
    kind: PartnerKind | None = None,
    business_region_id: IdFilter = None,
    manager_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[PartnerPublic]:
    """List partners (Партнёры), filtered and paged.

    `q` matches the name or a counterparty's legal name or ИНН; `kind`, `business_region_id`
    and `manager_id` narrow the list. `total` counts every match; `limit`/`offset` page
    through it."""
    page = queries.list_partners(
        session,
        q=q,
        kind=kind,
        business_region_id=business_region_id,
        manager_id=manager_id,
        limit=limit,
        offset=offset,
    )
    return Paged[PartnerPublic].of(page.items, page.total)


@router.get("/partners/{partner_id}", response_model=PartnerDetail)
def get_partner(session: SessionDep, partner_id: IdPath) -> PartnerDetail:
    """Read a partner with its counterparties.

    `counterparties` are the partner's live legal entities (Контрагенты) in the order they were
    entered: the first is the main one. 404 when the partner does not exist."""
    return _detail(session, get_or_404(session, Partner, partner_id))


@router.post("/partners", response_model=PartnerDetail, status_code=status.HTTP_201_CREATED)
def create_partner(session: SessionDep, body: PartnerCreate) -> PartnerDetail:
    """Create a partner (Партнёр), optionally with its main counterparty.

    With `counterparty` the partner and its legal entity are created together, all or nothing: an
    ИНН/КПП error (`inn.*`, `kpp.*`, `counterparty.duplicate`) leaves no partner behind. An unknown
    `kind` is `partner.kind_unknown`; a `manager_id` or `business_region_id` pointing nowhere is
    `reference.unknown` (422)."""
    fields = body.model_dump(exclude={"counterparty"})
    if body.counterparty is not None:
        partner, _ = service.create_partner_with_counterparty(
            session, partner=fields, counterparty=body.counterparty.model_dump()
        )
    else:
        partner = service.create_partner(session, **fields)
    session.commit()
    return _detail(session, partner)


@router.patch("/partners/{partner_id}", response_model=PartnerDetail)
def update_partner(session: SessionDep, partner_id: IdPath, body: PartnerUpdate) -> PartnerDetail:
    """Change a partner's fields (PATCH: omitted fields stay).

    Send the `version` you read: an older one is 409 `stale_version`. `name` and `kind` cannot be
    set to null."""
    partner = get_or_404(session, Partner, partner_id)
    service.update_partner(session, partner, body.changes(), expected_version=body.version)
    session.commit()
    return _detail(session, partner)


@router.get("/counterparties", response_model=Paged[CounterpartyPublic])
def list_counterparties(
    session: SessionDep,
    q: SearchText = None,
    partner_id: IdFilter = None,
    legal_form: LegalForm | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[CounterpartyPublic]:
    """List counterparties (Контрагенты): the partners' legal entities.

    `q` matches the legal name, or the start of the ИНН; filter by `partner_id` or
    `legal_form`. Deleted ones are not listed."""
    page = queries.list_counterparties(
        session, q=q, partner_id=partner_id, legal_form=legal_form, limit=limit, offset=offset
    )
    return Paged[CounterpartyPublic].of(page.items, page.total)


@router.get("/counterparties/{counterparty_id}", response_model=CounterpartyPublic)
def get_counterparty(session: SessionDep, counterparty_id: IdPath) -> Counterparty:
    """Read one counterparty (Контрагент); 404 when missing or deleted."""
    return get_or_404(session, Counterparty, counterparty_id)


@router.post(
    "/counterparties", response_model=CounterpartyPublic, status_code=status.HTTP_201_CREATED
)
def create_counterparty(session: SessionDep, body: CounterpartyCreate) -> Counterparty:
    """Add a legal entity (Контрагент) to a partner.

    ИНН and КПП are checked against the legal form (`inn.digits`, `inn.length`, `inn.checksum`,
    `kpp.required`, `kpp.format`, `kpp.forbidden`), and one (ИНН, КПП) is one counterparty:
    `counterparty.duplicate`, or `counterparty.duplicate_deleted` when it matches a deleted one
    (422)."""
    counterparty = service.create_counterparty(session, **body.model_dump())
    session.commit()
    return counterparty


@router.patch("/counterparties/{counterparty_id}", response_model=CounterpartyPublic)
def update_counterparty(
    session: SessionDep, counterparty_id: IdPath, body: CounterpartyUpdate
) -> Counterparty:
    """Change a counterparty's fields (PATCH).

    The same ИНН/КПП and duplicate rules as on create apply to the result. Send the `version` you
    read: an older one is 409 `stale_version`."""
    counterparty = get_or_404(session, Counterparty, counterparty_id)
    service.update_counterparty(
        session, counterparty, body.changes(), expected_version=body.version
    )
    session.commit()
    return counterparty


@router.delete("/counterparties/{counterparty_id}", response_model=CounterpartyPublic)
def delete_counterparty(
    session: SessionDep, counterparty_id: IdPath, version: VersionQuery = None
) -> Counterparty:
    """Soft delete; `?version=` refuses it (409) when someone changed the entity meanwhile."""
    counterparty = get_or_404(session, Counterparty, counterparty_id)
    service.delete_counterparty(session, counterparty, expected_version=version)
    session.commit()
    return counterparty
