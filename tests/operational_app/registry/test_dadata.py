"""DaData findById/party through a fake httpx transport answering in the documented shape."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest

from operational_app.registry.base import RegistryUnavailable
from operational_app.registry.dadata import FIND_PARTY_URL, DadataRegistry


def _suggestion(**data: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "inn": "7707083893",
        "kpp": "773601001",
        "ogrn": "1027700132195",
        "type": "LEGAL",
        "branch_type": "MAIN",
        "name": {
            "full_with_opf": 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"',
            "short_with_opf": "ПАО СБЕРБАНК",
        },
        "address": {"value": "г Москва, ул Вавилова, д 19"},
        "management": {"name": "Греф Герман Оскарович", "post": "ПРЕЗИДЕНТ"},
        # 1991-06-20 00:00 UTC in milliseconds, as DaData sends dates.
        "state": {"status": "ACTIVE", "registration_date": 677376000000},
        "phones": [{"value": "+7 495 500-55-50"}],
    }
    base.update(data)
    return {
        "value": base["name"].get("short_with_opf") or base["name"]["full_with_opf"],
        "data": base,
    }


BRANCH = _suggestion(kpp="540643001", branch_type="BRANCH", phones=None)


def _registry(handler: Any) -> tuple[DadataRegistry, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return DadataRegistry("secret-token", transport=httpx.MockTransport(record)), seen


def test_parses_head_office_and_branches_head_first() -> None:
    registry, seen = _registry(
        lambda request: httpx.Response(200, json={"suggestions": [BRANCH, _suggestion()]})
    )
    head, branch = registry.find_by_inn("7707083893")
    request = seen[0]
    assert str(request.url) == FIND_PARTY_URL and request.method == "POST"
    assert request.headers["Authorization"] == "Token secret-token"
    assert json.loads(request.content)["query"] == "7707083893"
    assert (head.kpp, head.is_branch, branch.kpp, branch.is_branch) == (
        "773601001",
        False,
        "540643001",
        True,
    )
    assert head.full_name == 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'
    assert head.short_name == "ПАО СБЕРБАНК"
    assert head.legal_address == "г Москва, ул Вавилова, д 19"
    assert head.director == "Греф Герман Оскарович"
    assert head.registration_date == dt.date(1991, 6, 20)
    assert head.phone == "+7 495 500-55-50"
    assert head.ogrn == "1027700132195"


@pytest.mark.parametrize(
    ("dadata_status", "status"),
    [
        ("LIQUIDATING", "liquidating"),
        ("LIQUIDATED", "liquidated"),
        ("BANKRUPT", "bankrupt"),
        ("REORGANIZING", "reorganising"),
    ],
)
def test_statuses(dadata_status: str, status: str) -> None:
    answer = _suggestion(state={"status": dadata_status, "registration_date": None})
    registry, _ = _registry(lambda request: httpx.Response(200, json={"suggestions": [answer]}))
    (party,) = registry.find_by_inn("7707083893")
    assert party.status == status
    assert party.needs_warning is (status != "reorganising")


def test_malformed_kpp_and_ogrn_from_the_source_are_not_proposed() -> None:
    answer = _suggestion(kpp="77360100", ogrn="1027700132196")
    registry, _ = _registry(lambda request: httpx.Response(200, json={"suggestions": [answer]}))
    (party,) = registry.find_by_inn("7707083893")
    assert (party.kpp, party.ogrn) == (None, None)
    assert party.full_name is not None


def test_an_entrepreneur_gets_only_the_name_and_ogrnip() -> None:
    answer = _suggestion(
        inn="500100732259",
        kpp=None,
        ogrn="304500116000157",
        type="INDIVIDUAL",
        name={"full_with_opf": "Индивидуальный предприниматель Иванов Иван Иванович"},
    )
    registry, _ = _registry(lambda request: httpx.Response(200, json={"suggestions": [answer]}))
    (party,) = registry.find_by_inn("500100732259")
    assert party.is_entrepreneur and party.ogrn == "304500116000157"
    assert (party.legal_address, party.director, party.phone, party.kpp) == (None, None, None, None)


def test_unknown_inn_is_an_empty_list() -> None:
    registry, _ = _registry(lambda request: httpx.Response(200, json={"suggestions": []}))
    assert registry.find_by_inn("7707083893") == []


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (httpx.Response(429, json={"message": "Too many requests"}), "rate_limited"),
        (httpx.Response(503, text="down"), "unavailable"),
        (httpx.Response(403, json={"message": "Forbidden"}), "not_configured"),
        (httpx.Response(200, text="<html>not json</html>"), "unavailable"),
        (httpx.Response(200, json={"nothing": []}), "unavailable"),
    ],
)
def test_source_errors_become_registry_unavailable(response: httpx.Response, code: str) -> None:
    registry, _ = _registry(lambda request: response)
    with pytest.raises(RegistryUnavailable) as caught:
        registry.find_by_inn("7707083893")
    assert caught.value.code == code


def test_timeout_becomes_registry_unavailable() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    registry, _ = _registry(slow)
    with pytest.raises(RegistryUnavailable) as caught:
        registry.find_by_inn("7707083893")
    assert caught.value.code == "timeout"


def test_no_token_is_not_configured() -> None:
    with pytest.raises(RegistryUnavailable) as caught:
        DadataRegistry("")
    assert caught.value.code == "not_configured"
