"""GET /api/v1/counterparties/lookup?inn=…: what the registry knows about an ИНН (issue 20).

The ИНН's check digits are verified first (422 otherwise, no source asked). A source that cannot
answer is a 503 (429 when it is rate-limited) with the rule `registry.<code>`: the form shows the
message and stays usable by hand. Registered before the partners router, whose
/counterparties/{counterparty_id} would otherwise take "lookup" for an id.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from operational_app.api.deps import SessionDep, SettingsDep
from operational_app.api.schemas import Documented
from operational_app.registry.base import RegistryUnavailable
from operational_app.registry.service import lookup, registry_for

router = APIRouter(tags=["counterparties"])


class RegistryPartyPublic(Documented):
    inn: str
    kpp: str | None
    ogrn: str | None
    full_name: str | None
    short_name: str | None
    legal_address: str | None
    phone: str | None
    registration_date: dt.date | None
    director: str | None
    status: str
    is_branch: bool
    branch_name: str | None
    is_entrepreneur: bool
    needs_warning: bool


class LookupPublic(Documented):
    inn: str
    source: str
    parties: list[RegistryPartyPublic]


class RegistryErrorPublic(Documented):
    detail: str
    rule: str


@router.get(
    "/counterparties/lookup",
    response_model=LookupPublic,
    responses={429: {"model": RegistryErrorPublic}, 503: {"model": RegistryErrorPublic}},
)
def lookup_counterparty(
    session: SessionDep,
    settings: SettingsDep,
    inn: Annotated[
        str,
        Query(
            min_length=1,
            max_length=12,
            pattern=r"^[0-9]+$",
            description="ИНН to look up: 10 digits (legal entity) or 12 (ИП).",
        ),
    ],
    legal_form: Annotated[
        str | None,
        Query(
            pattern=r"^(legal_entity|individual_entrepreneur|person)$",
            description="The legal form when known; it narrows the answer.",
        ),
    ] = None,
) -> LookupPublic | JSONResponse:
    """Find a legal entity by ИНН in the registry (ЕГРЮЛ/ЕГРИП) to prefill a counterparty.

    The ИНН's check digits are verified first (422 `inn.*`, no source asked). Returns the head
    office and branches with names, КПП, ОГРН, address and director; `needs_warning` flags
    entries the registry marks. A 12-digit ИНН or `legal_form=individual_entrepreneur` gets at
    most the name and ОГРНИП; `legal_form=person` gets nothing. `source` names the registry that
    answered (CRM_REGISTRY_SOURCE). A source that cannot answer is 503, or 429 when
    rate-limited, with the rule `registry.<code>`."""
    try:
        result = lookup(registry_for(settings, session), inn, legal_form)
    except RegistryUnavailable as error:
        return JSONResponse(
            status_code=429 if error.code == "rate_limited" else 503,
            content={"detail": error.message, "rule": f"registry.{error.code}"},
        )
    return LookupPublic(
        inn=inn,
        source=result.source,
        parties=[
            RegistryPartyPublic(**party.to_json(), needs_warning=party.needs_warning)
            for party in result.parties
        ],
    )
