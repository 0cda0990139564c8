"""DaData's party lookup ("Организация по ИНН или ОГРН", suggestions API findById/party).

Request: POST {base}/findById/party with `Authorization: Token <token>` and a JSON body
{"query": "<ИНН>", "count": N}; the answer is {"suggestions": [{"value", "data": {...}}]} with
data.inn, data.kpp, data.ogrn, data.type (LEGAL | INDIVIDUAL), data.branch_type (MAIN | BRANCH),
data.name.full_with_opf / short_with_opf, data.address.value, data.management.name,
data.state.status (ACTIVE | LIQUIDATING | LIQUIDATED | BANKRUPT | REORGANIZING) and
data.state.registration_date (milliseconds since the epoch, UTC); data.phones only on paid plans.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from operational_app.registry.base import (
    RegistryParty,
    RegistryUnavailable,
    head_office_first,
    sanitized,
)

FIND_PARTY_URL = "https://suggestions.dadata.ru/suggestions/api/4_1/rs/findById/party"
# findById/party returns at most this many units (head office and branches) per request.
MAX_COUNT = 300
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=3.0)

_STATUS = {
    "ACTIVE": "active",
    "LIQUIDATING": "liquidating",
    "LIQUIDATED": "liquidated",
    "BANKRUPT": "bankrupt",
    "REORGANIZING": "reorganising",
}


class DadataRegistry:
    name = "dadata"

    def __init__(
        self,
        token: str,
        *,
        url: str = FIND_PARTY_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        if not token:
            raise RegistryUnavailable("not_configured", "DADATA_TOKEN is not set.")
        self._token = token
        self._url = url
        self._transport = transport
        self._timeout = timeout

    def find_by_inn(self, inn: str) -> list[RegistryParty]:
        headers = {
            "Authorization": f"Token {self._token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout) as client:
                response = client.post(
                    self._url, json={"query": inn, "count": MAX_COUNT}, headers=headers
                )
        except httpx.TimeoutException as error:
            raise RegistryUnavailable("timeout", "DaData did not answer in time.") from error
        except httpx.HTTPError as error:
            raise RegistryUnavailable("unavailable", f"DaData is unreachable: {error}") from error
        if response.status_code == 429:
            raise RegistryUnavailable("rate_limited", "DaData's request limit is reached.")
        if response.status_code in (401, 403):
            raise RegistryUnavailable("not_configured", "DaData refused the token.")
        if response.status_code != 200:
            raise RegistryUnavailable(
                "unavailable", f"DaData answered HTTP {response.status_code}."
            )
        try:
            suggestions = response.json()["suggestions"]
            parties = [parse_suggestion(item) for item in suggestions]
        except (ValueError, KeyError, TypeError) as error:
            raise RegistryUnavailable(
                "unavailable", "DaData answered in an unexpected shape."
            ) from error
        return head_office_first([party for party in parties if party.inn == inn])


def parse_suggestion(suggestion: dict[str, Any]) -> RegistryParty:
    data = suggestion["data"]
    name = data.get("name") or {}
    state = data.get("state") or {}
    party = RegistryParty(
        inn=str(data["inn"]),
        kpp=data.get("kpp"),
        ogrn=data.get("ogrn"),
        full_name=name.get("full_with_opf") or suggestion.get("value"),
        short_name=name.get("short_with_opf"),
        legal_address=(data.get("address") or {}).get("value"),
        phone=_first_phone(data.get("phones")),
        registration_date=_epoch_millis_date(state.get("registration_date")),
        director=(data.get("management") or {}).get("name"),
        status=_STATUS.get(state.get("status") or "ACTIVE", "active"),
        is_branch=data.get("branch_type") == "BRANCH",
    )
    party = sanitized(party)
    return party.for_entrepreneur() if data.get("type") == "INDIVIDUAL" else party


def _first_phone(phones: Any) -> str | None:
    if isinstance(phones, list) and phones and isinstance(phones[0], dict):
        return phones[0].get("value")
    return None


def _epoch_millis_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC).date()
