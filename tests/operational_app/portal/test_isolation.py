"""The portal's main security requirement (issue 19): a customer only ever touches their own
partner's records. SQLite and PostgreSQL.

Generic and route-walking, so it keeps covering routes added later: every route under /portal
and /api/portal (walked through the included routers, however nested) is requested by customer
A with every method it has, its path ids filled with customer B's rows and its body (JSON from
the OpenAPI schema, or a form) pointing at B's rows. A route with a path parameter this test
cannot fill fails the test: add the parameter's table to PARAM_TABLES (or its values to
NON_ID_VALUES) rather than letting a new route go unchecked.

Checked: requests that address B's rows by path are refused (403, 404 or 422); no response
shows B's document numbers, names or addresses; no row of B changed, appeared or vanished
(snapshot of every portal table by partner); no row of A points at a row of B. Also: a customer
reaches no operator route (pages and /api/v1), and an operator reaches no protected portal
route.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crm.settings import get_settings
from operational_app.db import models
from operational_app.db.models import Base, User
from operational_app.main import create_app
from operational_app.portal import routing
from operational_app.portal.pages import account
from operational_app.portal.scope import OWNERSHIP, PortalScope
from tests.operational_app.portal.utils import (
    PASSWORD,
    PartnerDocuments,
    RouteInfo,
    create_customer,
    create_partner_documents,
    portal_sign_in,
    walk_routes,
)
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import create_sales
from tests.operational_app.utils.users import bearer, create_token, create_user, sign_in

# A path or body parameter name -> the table its id points into.
PARAM_TABLES: dict[str, type[Base]] = {
    "partner_id": models.Partner,
    "counterparty_id": models.Counterparty,
    "contact_id": models.ContactPerson,
    "contact_person_id": models.ContactPerson,
    "person_id": models.ContactPerson,
    "address_id": models.DeliveryAddress,
    "delivery_address_id": models.DeliveryAddress,
    "change_id": models.ContactDataChange,
    "contact_data_change_id": models.ContactDataChange,
    "order_id": models.CustomerOrder,
    "customer_order_id": models.CustomerOrder,
    "order_line_id": models.CustomerOrderLine,
    "customer_order_line_id": models.CustomerOrderLine,
    "schedule_item_id": models.PaymentScheduleItem,
    "payment_schedule_item_id": models.PaymentScheduleItem,
    "shipment_id": models.Shipment,
    "shipment_line_id": models.ShipmentLine,
    "payment_id": models.Payment,
    "claim_id": models.Claim,
    "return_id": models.ReturnRequest,
    "return_request_id": models.ReturnRequest,
    "request_id": models.ReturnRequest,
    "return_line_id": models.ReturnRequestLine,
    "return_request_line_id": models.ReturnRequestLine,
    "offer_id": models.CommercialOffer,
    "commercial_offer_id": models.CommercialOffer,
    "offer_line_id": models.CommercialOfferLine,
    "commercial_offer_line_id": models.CommercialOfferLine,
    "attachment_id": models.Attachment,
    "file_id": models.Attachment,
}
# `{line_id}` / `{id}`: the table follows the path segment before it.
SEGMENT_TABLES: dict[str, type[Base]] = {
    "orders": models.CustomerOrder,
    "lines": models.CustomerOrderLine,
    "shipments": models.Shipment,
    "payments": models.Payment,
    "schedule": models.PaymentScheduleItem,
    "claims": models.Claim,
    "returns": models.ReturnRequest,
    "offers": models.CommercialOffer,
    "contacts": models.ContactPerson,
    "addresses": models.DeliveryAddress,
    "attachments": models.Attachment,
    "files": models.Attachment,
    "changes": models.ContactDataChange,
}
LINE_TABLES: dict[str, type[Base]] = {
    "orders": models.CustomerOrderLine,
    "shipments": models.ShipmentLine,
    "returns": models.ReturnRequestLine,
    "offers": models.CommercialOfferLine,
}
# Ids of reference data every customer may read (PortalScope.SHARED): filled from the data
# set's shared rows; a route whose only ids are these need not refuse.
SHARED_PARAMS = ("product_id", "claim_reason_id", "return_reason_id", "reason_id")
# Path parameters that are not ids: the values every route is tried with.
NON_ID_VALUES: dict[str, list[str]] = {
    "action": ["accept", "reject", "cancel", "delete", "edit", "submit", "approve"],
    "format": ["pdf", "xlsx"],
    "fmt": ["pdf", "xlsx"],
    "kind": ["pdf", "xlsx"],
}
REFUSED = {403, 404, 422}
# Form fields sent to every portal page POST besides the ids (a plausible form of any area).
FORM_TEXT = {
    "description": "Проверка изоляции",
    "comment": "Проверка изоляции",
    "reason": "Проверка",
    "quantity": "1",
    "amount": "1",
    "claimed_amount": "1",
    "full_name": "Чужой Контакт",
    "phone": "+7 900 111-22-33",
    "email": "intruder@example.com",
    "address": "г. Чужой, ул. Чужая, 1",
    "date_from": "2020-01-01",
    "date_to": "2099-12-31",
    "period_start": "2020-01-01",
    "period_end": "2099-12-31",
}


def _is_portal(path: str) -> bool:
    return path == "/portal" or path.startswith(("/portal/", "/api/portal/", "/api/portal"))


def _public_routes() -> set[int]:
    return {id(route) for route in account.public_router.routes}


def portal_routes(app: FastAPI) -> list[RouteInfo]:
    public = _public_routes()
    return [
        info for info in walk_routes(app) if _is_portal(info.path) and id(info.route) not in public
    ]


class UnfillableParameter(AssertionError):
    """A route has a path parameter the isolation test does not know how to fill."""


def _table_for(name: str, segments: list[str], index: int) -> type[Base] | None:
    if name in PARAM_TABLES:
        return PARAM_TABLES[name]
    before = [segment for segment in segments[:index] if not segment.startswith("{")]
    if name == "line_id" and before:
        for segment in reversed(before):
            if segment in LINE_TABLES:
                return LINE_TABLES[segment]
    if name == "id" and before and before[-1] in SEGMENT_TABLES:
        return SEGMENT_TABLES[before[-1]]
    return None


def addresses_partner_rows(path: str) -> bool:
    """Whether `path` names a partner's row (any id parameter but shared reference data)."""
    names = re.findall(r"\{([^}:]+)", path)
    return any(name not in NON_ID_VALUES and name not in SHARED_PARAMS for name in names)


def fill_path(path: str, docs: PartnerDocuments, shared: dict[str, int] | None = None) -> list[str]:
    """Every URL for `path` with its ids taken from `docs` (one per non-id value combination)
    and shared reference ids from `shared`; UnfillableParameter for a parameter nobody taught
    this test."""
    segments = path.split("/")
    urls = [[]]  # type: list[list[str]]
    for index, segment in enumerate(segments):
        match = re.fullmatch(r"(.*)\{([^}:]+)(?::[^}]+)?\}(.*)", segment)
        if not match:
            urls = [url + [segment] for url in urls]
            continue
        head, name, tail = match.groups()
        if name in NON_ID_VALUES:
            values = NON_ID_VALUES[name]
        elif name in SHARED_PARAMS and shared and name in shared:
            values = [str(shared[name])]
        else:
            table = _table_for(name, segments, index)
            if table is None:
                raise UnfillableParameter(
                    f"{path}: no table known for path parameter {{{name}}}; add it to "
                    "PARAM_TABLES or NON_ID_VALUES in tests/operational_app/portal/"
                    "test_isolation.py"
                )
            ids = docs.ids.get(table)
            if not ids:
                raise UnfillableParameter(f"{path}: the data set has no {table.__tablename__}")
            values = [str(ids[0])]
        urls = [url + [f"{head}{value}{tail}"] for url in urls for value in values]
    return ["/".join(url) for url in urls]


def _id_value(name: str, docs: PartnerDocuments, shared: dict[str, int]) -> int | None:
    if name in shared:
        return shared[name]
    table = PARAM_TABLES.get(name)
    if table is not None and docs.ids.get(table):
        return docs.ids[table][0]
    return None


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null"]
            if options:
                return _resolve(options[0], components)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


def example_body(
    schema: dict[str, Any],
    components: dict[str, Any],
    docs: PartnerDocuments,
    shared: dict[str, int],
    name: str = "",
    depth: int = 0,
) -> Any:
    """A plausible JSON value for `schema`, every id field pointing at `docs`' rows."""
    schema = _resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if name.endswith("_id") or name == "id":
        value = _id_value(name, docs, shared)
        if value is not None:
            return value
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {
            key: example_body(sub, components, docs, shared, key, depth + 1)
            for key, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        item = example_body(schema.get("items", {}), components, docs, shared, name, depth + 1)
        return [item]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "2026-01-15"
        if fmt == "date-time":
            return "2026-01-15T10:00:00"
        if fmt == "email":
            return "intruder@example.com"
        if fmt == "binary":
            return "AAAA"
        return FORM_TEXT.get(name, "Проверка")[: schema.get("maxLength", 100)] or "x"
    return None


def form_body(docs: PartnerDocuments, shared: dict[str, int]) -> dict[str, str]:
    values = dict(FORM_TEXT)
    for name in PARAM_TABLES:
        value = _id_value(name, docs, shared)
        if value is not None:
            values[name] = str(value)
    # Lines of a return or a claim as pages tend to name them: qty_<shipment line id>.
    for line_id in docs.ids.get(models.ShipmentLine, []):
        values[f"qty_{line_id}"] = "1"
        values[f"quantity_{line_id}"] = "1"
    values.update({name: str(value) for name, value in shared.items()})
    return values


def snapshot(engine: Engine, partner_id: int) -> dict[str, str]:
    """A digest of every row of the partner in every portal table, and of its portal users."""
    scope = PortalScope(partner_id=partner_id, user_id=0)
    digests: dict[str, str] = {}
    with engine.connect() as connection:
        for model in OWNERSHIP:
            table = model.__table__
            # Every row of the partner, deleted ones too: a soft delete is a change.
            rows = connection.execute(
                select(table).where(_owned_any(scope, model)).order_by(table.c.id)
            ).all()
            digests[table.name] = hashlib.sha256(
                repr([tuple(row) for row in rows]).encode()
            ).hexdigest()
        users = connection.execute(
            select(User.__table__).where(User.partner_id == partner_id).order_by(User.id)
        ).all()
        digests["users"] = hashlib.sha256(repr([tuple(row) for row in users]).encode()).hexdigest()
    return digests


def _owned_any(scope: PortalScope, model: type[Base]) -> Any:
    """The ownership condition without the live-rows filter (soft-deleted rows count too)."""
    rule = OWNERSHIP[model]
    from operational_app.portal.scope import Direct, OwnerOf, Through  # noqa: PLC0415

    if isinstance(rule, Direct):
        return getattr(model, rule.column) == scope.partner_id
    if isinstance(rule, Through):
        parents = select(rule.parent.id).where(_owned_any(scope, rule.parent))
        return getattr(model, rule.column).in_(parents)
    assert isinstance(rule, OwnerOf)
    from sqlalchemy import and_, or_  # noqa: PLC0415

    return or_(
        *(
            and_(
                model.owner_type == owner_type,
                model.owner_id.in_(select(parent.id).where(_owned_any(scope, parent))),
            )
            for owner_type, parent in rule.parents.items()
        )
    )


def cross_references(engine: Engine, own: int, foreign: PartnerDocuments) -> list[str]:
    """Rows of partner `own` whose foreign keys point at rows of the other partner."""
    scope = PortalScope(partner_id=own, user_id=0)
    by_table = {model.__tablename__: ids for model, ids in foreign.ids.items()}
    found = []
    with engine.connect() as connection:
        for model in OWNERSHIP:
            table = model.__table__
            columns = [
                (column, key.column.table.name)
                for column in table.columns
                for key in column.foreign_keys
                if key.column.table.name in by_table
            ]
            if isinstance(OWNERSHIP[model], type(OWNERSHIP[models.Attachment])):
                columns.append((table.c.owner_id, None))
            rows = connection.execute(select(table).where(_owned_any(scope, model))).mappings()
            for row in rows:
                for column, target in columns:
                    if target is None:
                        target = {"claim": "claims", "return_request": "return_requests"}[
                            row["owner_type"]
                        ]
                    if row[column.name] in by_table.get(target, []):
                        found.append(f"{table.name} {row['id']}.{column.name} -> {target}")
    return found


def _leaks(text: str, markers: list[str]) -> list[str]:
    return [
        marker
        for marker in markers
        if marker and re.search(r"(?<![\w-])" + re.escape(marker) + r"(?![\w])", text)
    ]


@dataclass
class World:
    a: PartnerDocuments
    b: PartnerDocuments
    customer_a: User
    customer_b: User
    shared: dict[str, int]
    a_headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(db: Session) -> World:
    sales = create_sales(db, stock=100)
    partner_b = create_random_partner(db, name="ООО Чужой Партнёр Бета")
    customer_a, _, _ = create_customer(db, sales.partner, password=PASSWORD)
    customer_b, _, _ = create_customer(db, partner_b, password=PASSWORD)
    refs = {
        "product_id": sales.product.id,
        "warehouse_id": sales.warehouse.id,
        "agreement_id": sales.agreement.id,
    }
    docs_a = create_partner_documents(db, sales.partner, **refs)
    docs_b = create_partner_documents(db, partner_b, **refs)
    reason = db.scalars(select(models.ReturnReason)).first()
    claim_reason = models.ClaimReason(name="Бой")
    db.add(claim_reason)
    db.commit()
    shared = {
        "product_id": sales.product.id,
        "return_reason_id": reason.id,
        "claim_reason_id": claim_reason.id,
        "reason_id": reason.id,
    }
    docs_b.markers += [customer_b.login, customer_b.full_name]
    return World(docs_a, docs_b, customer_a, customer_b, shared)


@dataclass
class Problem:
    method: str
    url: str
    status: int
    what: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} -> {self.status}: {self.what}"


def _requests(
    route: RouteInfo, world: World, components: dict[str, Any], operations: dict[str, Any]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, url, request kwargs) for every method and filled URL of `route`, as A
    addressing B's rows."""
    urls = fill_path(route.path, world.b, world.shared)
    query = {
        param.name: _id_value(param.name, world.b, world.shared)
        for param in route.route.dependant.query_params
        if param.name.endswith("_id") and _id_value(param.name, world.b, world.shared)
    }
    for method in sorted(route.methods - {"HEAD"}):
        for url in urls:
            kwargs: dict[str, Any] = {"params": query, "follow_redirects": False}
            if method in {"POST", "PUT", "PATCH", "DELETE"}:
                if route.path.startswith("/api/"):
                    operation = operations.get(route.path, {}).get(method.lower(), {})
                    content = operation.get("requestBody", {}).get("content", {})
                    if "application/json" in content:
                        kwargs["json"] = example_body(
                            content["application/json"]["schema"],
                            components,
                            world.b,
                            world.shared,
                        )
                    elif "multipart/form-data" in content:
                        body = example_body(
                            content["multipart/form-data"]["schema"],
                            components,
                            world.b,
                            world.shared,
                        )
                        kwargs["data"] = {
                            key: str(value)
                            for key, value in (body or {}).items()
                            if not isinstance(value, list | dict)
                        }
                        kwargs["files"] = {"file": ("photo.jpg", b"\xff\xd8\xff", "image/jpeg")}
                else:
                    kwargs["data"] = form_body(world.b, world.shared)
                    kwargs["files"] = {
                        "file": ("photo.jpg", b"\xff\xd8\xff", "image/jpeg"),
                        "attachments": ("photo.jpg", b"\xff\xd8\xff", "image/jpeg"),
                    }
            yield method, url, kwargs


def check_isolation(
    client: TestClient, engine: Engine, world: World, csrf: str, token_a: str
) -> list[Problem]:
    """Every portal route as customer A against B's rows; the problems found."""
    app: FastAPI = client.app  # type: ignore[assignment]
    schema = app.openapi()
    components = schema.get("components", {}).get("schemas", {})
    operations = schema.get("paths", {})
    before = snapshot(engine, world.b.partner.id)
    problems: list[Problem] = []
    for route in portal_routes(app):
        has_path_ids = addresses_partner_rows(route.path)
        for method, url, kwargs in _requests(route, world, components, operations):
            headers = bearer(token_a) if url.startswith("/api/") else {"X-CSRF-Token": csrf}
            response = client.request(method, url, headers=headers, **kwargs)
            status = response.status_code
            if status >= 500:
                problems.append(Problem(method, url, status, "server error"))
            if has_path_ids and status not in REFUSED:
                problems.append(Problem(method, url, status, "B's row was not refused"))
            leaked = _leaks(response.text, world.b.markers)
            if leaked:
                problems.append(Problem(method, url, status, f"shows B's {leaked}"))
            after = snapshot(engine, world.b.partner.id)
            changed = [table for table in before if before[table] != after.get(table)]
            if changed:
                problems.append(Problem(method, url, status, f"changed B's {changed}"))
                before = after
            crossed = cross_references(engine, world.a.partner.id, world.b)
            if crossed:
                problems.append(Problem(method, url, status, f"A's rows point at B's: {crossed}"))
    return problems


def _signed_in_a(client: TestClient, db: Session, world: World) -> tuple[str, str]:
    csrf = portal_sign_in(client, world.customer_a.login, PASSWORD)
    return csrf, create_token(db, world.customer_a)


def test_customer_a_never_reads_or_writes_customer_b(
    anon_client: TestClient, db: Session, engine: Engine, world: World
) -> None:
    csrf, token_a = _signed_in_a(anon_client, db, world)
    routes = portal_routes(anon_client.app)  # type: ignore[arg-type]
    assert any(route.path == "/portal" for route in routes), "the walk sees the portal pages"
    # Every portal operation of the OpenAPI description is among the routes walked.
    described = {
        path
        for path in anon_client.app.openapi()["paths"]
        if path.startswith("/api/portal")  # type: ignore[attr-defined]
    }
    assert described, "the portal API is described in OpenAPI"
    assert described <= {route.path for route in routes}
    problems = check_isolation(anon_client, engine, world, csrf, token_a)
    assert not problems, "\n".join(map(str, problems))


def test_every_portal_path_parameter_can_be_filled(world: World) -> None:
    app = create_app(get_settings({"CRM_OLTP_URL": "sqlite://"}))
    for route in portal_routes(app):
        assert fill_path(route.path, world.b, world.shared)


def test_the_data_set_has_rows_of_every_portal_table_for_both(world: World) -> None:
    for docs in (world.a, world.b):
        empty = [model.__tablename__ for model in OWNERSHIP if not docs.ids.get(model)]
        assert empty == [], empty
    assert not set(world.a.markers) & set(world.b.markers)


# The checks themselves can fail: a leaky route and an unknown parameter are caught.

_leaky = APIRouter(tags=["portal"])


@_leaky.get("/leak/orders/{order_id}")
def _leak_order(order_id: int) -> dict[str, str]:
    from operational_app.db.models import CustomerOrder  # noqa: PLC0415

    with Session(_LEAK_ENGINE[0]) as session:
        order = session.get(CustomerOrder, order_id)
        return {"number": order.number if order else ""}


class _LeakBody(BaseModel):
    customer_order_id: int


@_leaky.post("/leak/claims")
def _leak_claim(body: _LeakBody) -> dict[str, str]:
    with Session(_LEAK_ENGINE[0]) as session:
        # The first claim is customer A's (their documents were created first).
        claim = session.scalars(select(models.Claim).order_by(models.Claim.id)).first()
        claim.customer_order_id = body.customer_order_id
        session.commit()
        return {}


_LEAK_ENGINE: list[Engine] = []


def test_the_isolation_check_catches_a_leaky_route(
    db: Session,
    engine: Engine,
    world: World,
    db_url: str,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _LEAK_ENGINE[:] = [engine]
    monkeypatch.setattr(routing, "PORTAL_API_ROUTERS", [*routing.PORTAL_API_ROUTERS, _leaky])
    settings = get_settings({"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": str(tmp_path)})
    with TestClient(create_app(settings)) as client:
        csrf, token_a = _signed_in_a(client, db, world)
        problems = check_isolation(client, engine, world, csrf, token_a)
    found = "\n".join(map(str, problems))
    assert "/api/portal/leak/orders/" in found and "not refused" in found
    assert "shows B's" in found
    assert "A's rows point at B's" in found or "changed B's" in found


def test_an_unknown_path_parameter_fails_loudly(world: World) -> None:
    with pytest.raises(UnfillableParameter, match="widget_id"):
        fill_path("/api/portal/widgets/{widget_id}", world.b)
    order = world.b.ids[models.CustomerOrder][0]
    line = world.b.ids[models.CustomerOrderLine][0]
    assert fill_path("/portal/orders/{order_id}/lines/{line_id}", world.b) == [
        f"/portal/orders/{order}/lines/{line}"
    ]
    assert len(fill_path("/portal/offers/{offer_id}/{action}", world.b)) == len(
        NON_ID_VALUES["action"]
    )
    product = world.shared["product_id"]
    assert fill_path("/api/portal/products/{product_id}", world.b, world.shared) == [
        f"/api/portal/products/{product}"
    ]
    assert not addresses_partner_rows("/api/portal/products/{product_id}")
    assert addresses_partner_rows("/api/portal/claims/{claim_id}/{action}")


# Customers never reach operator routes; operators never reach portal routes.

OPEN_PATHS = {"/login", "/logout", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}


def test_customer_reaches_no_operator_route(anon_client: TestClient, db: Session) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    csrf = portal_sign_in(anon_client, user.login, PASSWORD)
    token = create_token(db, user)
    app: FastAPI = anon_client.app  # type: ignore[assignment]
    operator_routes = [
        info
        for info in walk_routes(app)
        if not _is_portal(info.path) and info.path not in OPEN_PATHS
    ]
    assert any(info.path.startswith("/api/v1/") for info in operator_routes)
    assert any(info.path == "/admin/users" for info in operator_routes)
    reached = []
    for info in operator_routes:
        url = re.sub(r"\{[^}]+\}", "1", info.path)
        for method in sorted(info.methods - {"HEAD"}):
            headers = bearer(token) if url.startswith("/api/") else {"X-CSRF-Token": csrf}
            response = anon_client.request(method, url, headers=headers, follow_redirects=False)
            refused = response.status_code == 403 or (
                response.status_code == 303 and response.headers["location"] == "/portal"
            )
            if not refused:
                reached.append((method, url, response.status_code))
    assert reached == []


def test_operator_reaches_no_portal_route(anon_client: TestClient, db: Session) -> None:
    operator = create_user(db, "administrator", password=PASSWORD)
    sign_in(anon_client, operator.login, PASSWORD)
    token = create_token(db, operator)
    app: FastAPI = anon_client.app  # type: ignore[assignment]
    routes = portal_routes(app)
    reached = []
    for info in routes:
        url = re.sub(r"\{[^}]+\}", "1", info.path)
        for method in sorted(info.methods - {"HEAD"}):
            for headers in (bearer(token), {}):
                response = anon_client.request(method, url, headers=headers, follow_redirects=False)
                if response.status_code != 403:
                    reached.append((method, url, response.status_code))
    assert reached == []
