"""Concurrent edits through the API: optimistic locking never loses a write silently.

Two kinds of conflict, each on SQLite and PostgreSQL (the `client` fixture runs on both):

* lost update: two clients load the same deal / partner / order (version N) and both PATCH it;
  the second gets 409 `stale_version` and the stored values stay the first writer's;
* true race: two requests both pass the application-level version check before either
  writes, so only SQLAlchemy's `version_id_col` (UPDATE ... WHERE version = N, then
  StaleDataError) can notice; the loser still gets 409, never a 500 or a silent overwrite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from operational_app.db.models import CustomerOrder, Deal, Partner
from operational_app.domain import deals as deal_service
from operational_app.domain import orders as order_service
from operational_app.domain import partners as partner_service
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)
from tests.operational_app.utils.sales import create_order, create_sales
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1"


@dataclass(frozen=True)
class Editable:
    """An entity with a versioned PATCH, and what each of two writers changes on it."""

    model: type
    path: str
    service: Any  # the domain module whose `check_version` guards the PATCH
    create: Callable[[Session, Classifiers], int]
    first: dict[str, Any]
    second: dict[str, Any]


def _deal(db: Session, classifiers: Classifiers) -> int:
    return create_random_deal(db, classifiers).id


def _partner(db: Session, _classifiers: Classifiers) -> int:
    return create_random_partner(db, comment="исходный комментарий").id


def _order(db: Session, _classifiers: Classifiers) -> int:
    return create_order(db, create_sales(db), comment="исходный комментарий").id


EDITABLES = {
    "deal": Editable(
        Deal,
        "deals",
        deal_service,
        _deal,
        first={"name": "Сделка: правка первого", "potential_amount": "111.11"},
        second={"name": "Сделка: правка второго", "potential_amount": "222.22"},
    ),
    "partner": Editable(
        Partner,
        "partners",
        partner_service,
        _partner,
        first={"name": "Партнёр первого", "comment": "первый"},
        second={"name": "Партнёр второго", "comment": "второй"},
    ),
    "order": Editable(
        CustomerOrder,
        "orders",
        order_service,
        _order,
        first={"comment": "комментарий первого"},
        second={"comment": "комментарий второго"},
    ),
}


@pytest.fixture
def second_writer(db: Session) -> dict[str, str]:
    """Bearer headers of another user: the second operator working on the same record."""
    return bearer(create_token(db, create_user(db, "manager")))


def _stored(engine: Engine, model: type, entity_id: int) -> Any:
    """The row as committed, read in a fresh session (no identity-map leftovers)."""
    with Session(engine) as session:
        return session.get(model, entity_id)


def _assert_holds(row: Any, values: dict[str, Any]) -> None:
    for field, expected in values.items():
        actual = getattr(row, field)
        assert str(actual) == expected, f"{field}: stored {actual!r}, expected {expected!r}"


def _assert_stale(response: Any) -> None:
    assert response.status_code == 409, response.text
    assert response.json()["rule"] == "stale_version", response.text


@pytest.mark.parametrize("kind", list(EDITABLES))
def test_second_patch_on_the_same_version_is_409_and_keeps_the_first(
    client: TestClient,
    db: Session,
    engine: Engine,
    classifiers: Classifiers,
    second_writer: dict[str, str],
    kind: str,
):
    spec = EDITABLES[kind]
    entity_id = spec.create(db, classifiers)
    url = f"{API}/{spec.path}/{entity_id}"
    # Both operators open the record: the same version N.
    loaded_first = client.get(url).json()
    loaded_second = client.get(url, headers=second_writer).json()
    version = loaded_first["version"]
    assert loaded_second["version"] == version

    first = client.patch(url, json={"version": version, **spec.first})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == version + 1

    second = client.patch(url, json={"version": version, **spec.second}, headers=second_writer)
    _assert_stale(second)

    stored = _stored(engine, spec.model, entity_id)
    assert stored.version == version + 1
    _assert_holds(stored, spec.first)
    assert client.get(url).json() == first.json()

    # Reloading gives the second operator the new version; the repeated edit then succeeds.
    retry = client.patch(url, json={"version": version + 1, **spec.second}, headers=second_writer)
    assert retry.status_code == 200, retry.text
    _assert_holds(_stored(engine, spec.model, entity_id), spec.second)


def test_stale_stage_action_is_409_and_the_deal_keeps_the_first_action(
    client: TestClient,
    db: Session,
    engine: Engine,
    classifiers: Classifiers,
    second_writer: dict[str, str],
):
    """One operator advances the deal, another (on the old card) marks it lost: refused."""
    deal_id = create_random_deal(db, classifiers).id
    version = client.get(f"{API}/deals/{deal_id}").json()["version"]
    target = classifiers.stages[2].id

    advanced = client.post(
        f"{API}/deals/{deal_id}/advance", json={"version": version, "stage_id": target}
    )
    assert advanced.status_code == 200, advanced.text
    lost = client.post(
        f"{API}/deals/{deal_id}/lose",
        json={"version": version, "loss_reason_id": classifiers.loss_reasons[0].id},
        headers=second_writer,
    )
    _assert_stale(lost)

    stored = _stored(engine, Deal, deal_id)
    assert (stored.status, stored.current_stage_id, stored.loss_reason_id) == (
        "in_progress",
        target,
        None,
    )
    history = client.get(f"{API}/deals/{deal_id}").json()["stage_history"]
    assert [row["stage_id"] for row in history] == [s.id for s in classifiers.stages[:3]]
    assert [row["left_at"] is None for row in history] == [False, False, True]


@pytest.mark.parametrize("kind", list(EDITABLES))
def test_true_race_is_caught_by_the_version_column(
    client: TestClient,
    db: Session,
    engine: Engine,
    classifiers: Classifiers,
    second_writer: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
):
    """Both requests pass `check_version` before either writes (a barrier holds them there),
    so the database-level check is the only guard: UPDATE ... WHERE version = N matches no row
    for the loser, SQLAlchemy raises StaleDataError and the API answers 409."""
    spec = EDITABLES[kind]
    entity_id = spec.create(db, classifiers)
    url = f"{API}/{spec.path}/{entity_id}"
    version = client.get(url).json()["version"]

    barrier = threading.Barrier(2, timeout=15)
    checked: list[int] = []
    original = spec.service.check_version

    def check_then_wait(entity: Any, expected: int | None) -> None:
        original(entity, expected)
        checked.append(entity.version)
        barrier.wait()  # both requests now hold version N in memory

    monkeypatch.setattr(spec.service, "check_version", check_then_wait)

    def patch(headers: dict[str, str], values: dict[str, Any]) -> Any:
        return client.patch(url, json={"version": version, **values}, headers=headers)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(patch, {}, spec.first),
            pool.submit(patch, second_writer, spec.second),
        ]
        responses = [future.result(timeout=60) for future in futures]

    assert checked == [version, version], "both requests must pass the application-level check"
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200)
    _assert_stale(next(r for r in responses if r.status_code == 409))

    stored = _stored(engine, spec.model, entity_id)
    assert stored.version == version + 1
    won_values = spec.first if winner is responses[0] else spec.second
    _assert_holds(stored, won_values)
    assert winner.json()["version"] == version + 1


def test_many_writers_on_one_deal_exactly_one_wins(
    client: TestClient,
    db: Session,
    engine: Engine,
    classifiers: Classifiers,
):
    """Eight threads PATCH the same deal from the same version at once: one 200, seven 409,
    no 5xx, and the stored name is the winner's."""
    deal_id = create_random_deal(db, classifiers).id
    url = f"{API}/deals/{deal_id}"
    version = client.get(url).json()["version"]
    writers = [bearer(create_token(db, create_user(db, "manager"))) for _ in range(8)]
    start = threading.Barrier(len(writers), timeout=15)

    def patch(index: int) -> Any:
        start.wait()
        return client.patch(
            url, json={"version": version, "name": f"Писатель {index}"}, headers=writers[index]
        )

    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        responses = list(pool.map(patch, range(len(writers)), timeout=120))

    statuses = [response.status_code for response in responses]
    assert sorted(statuses) == [200] + [409] * (len(writers) - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            _assert_stale(response)
    winner = statuses.index(200)
    stored = _stored(engine, Deal, deal_id)
    assert (stored.name, stored.version) == (f"Писатель {winner}", version + 1)
