"""The document cards' actions: one POST route per action (as in the API), each form of a
card posts to a route that exists, and an action the app does not have is a plain 404."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

import operational_app
from operational_app.db.models import CustomerOrder
from operational_app.main import PAGE_ROUTERS
from tests.operational_app.utils.sales import create_order, create_sales

TEMPLATES = Path(operational_app.__file__).parent / "templates"


def posted_actions(template: str, entity: str) -> set[str]:
    """The action names a card's forms post to: literal URLs and the card's `action()` macro."""
    text = (TEMPLATES / template).read_text()
    literal = re.findall(rf'action="/{entity}s/{{{{ {entity}\.id }}}}/([a-z_]+)"', text)
    macro = re.findall(r'\baction\("([a-z_]+)"', text)
    return set(literal) | set(macro)


def post_routes(prefix: str) -> set[str]:
    """The last path segment of the operator pages' POST routes under `prefix`."""
    return {
        route.path.removeprefix(prefix)
        for router in PAGE_ROUTERS
        for route in router.routes
        if "POST" in getattr(route, "methods", ()) and route.path.startswith(prefix)
    }


@pytest.mark.parametrize(
    ("template", "entity", "expected"),
    [
        # How many forms each card has today: a form removed or renamed must show up here.
        ("orders/card.html", "order", 19),
        ("offers/card.html", "offer", 9),
        ("deals/card.html", "deal", 5),
    ],
)
def test_every_card_form_posts_to_its_own_route(template: str, entity: str, expected: int):
    actions = posted_actions(template, entity)
    assert len(actions) == expected
    routes = post_routes(f"/{entity}s/{{{entity}_id}}/")
    assert actions <= routes, actions - routes
    assert "{action}" not in routes


def test_unknown_action_is_not_found(client: TestClient, db: Session):
    order = create_order(db, create_sales(db))
    response = client.post(f"/orders/{order.id}/explode", data={}, follow_redirects=False)
    assert response.status_code == 404
    db.refresh(order)
    assert order.status == "draft"


def test_order_cancel_and_delete_through_their_routes(client: TestClient, db: Session):
    sales = create_sales(db)
    cancelled, deleted = create_order(db, sales), create_order(db, sales)
    response = client.post(
        f"/orders/{cancelled.id}/cancel",
        data={"version": str(cancelled.version)},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/orders/{cancelled.id}",
    )
    response = client.post(
        f"/orders/{deleted.id}/delete",
        data={"version": str(deleted.version)},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/orders")
    db.expire_all()
    assert db.get(CustomerOrder, cancelled.id).status == "cancelled"
    assert db.get(CustomerOrder, deleted.id).deleted_at is not None
