"""Property-based fuzzing of the portal API (/api/portal, issue 19) as a customer, with the
machinery of tests/operational_app/test_api_fuzz.py: every /api/portal operation in the app's
OpenAPI, in the flavours positive, negative, known ids (the customer's own rows) and hostile
text. No response may be a 5xx, and a 2xx must conform to the operation's response schema.

Size: CRM_FUZZ_EXAMPLES examples per operation and flavour (default 2: seconds). SQLite and,
with CRM_TEST_POSTGRES_URL, PostgreSQL (the `db_url` fixture).
"""

from __future__ import annotations

import time
from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import Session

from operational_app.db import models
from operational_app.portal.scope import OWNERSHIP
from tests.operational_app.portal.test_isolation import PARAM_TABLES
from tests.operational_app.portal.utils import create_customer, create_partner_documents
from tests.operational_app.test_api_fuzz import FLAVOURS, Tally, _run_operation, fuzz_schema
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import create_sales
from tests.operational_app.utils.users import create_token

__all__ = ["fuzz_schema"]  # the fixture, shared with the operators' fuzz


@schemathesis.check
def success_conforms(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 2xx answer matches the operation's response schema (errors are checked for 5xx
    only: their bodies are the app's {detail, rule})."""
    if 200 <= response.status_code < 300:
        return response_schema_conformance(ctx, response, case)
    return None


def _customer_rows(db: Session) -> tuple[Any, dict[str, int]]:
    """A customer with a rich set of their own documents (and another partner's beside
    them); the ids the `known ids` flavour pins path parameters to."""
    sales = create_sales(db, stock=50)
    user, partner, _ = create_customer(db, sales.partner)
    refs = {
        "product_id": sales.product.id,
        "warehouse_id": sales.warehouse.id,
        "agreement_id": sales.agreement.id,
    }
    docs = create_partner_documents(db, partner, **refs)
    create_partner_documents(db, create_random_partner(db), **refs)
    known = {
        name: docs.ids[table][0]
        for name, table in PARAM_TABLES.items()
        if table in OWNERSHIP and docs.ids.get(table)
    }
    known["line_id"] = docs.ids[models.CustomerOrderLine][0]
    return user, known


def test_no_portal_operation_answers_with_a_server_error(fuzz_schema: Any, db: Session) -> None:
    user, known = _customer_rows(db)
    auth = {"Authorization": f"Bearer {create_token(db, user, name='portal fuzz')}"}
    tally = Tally()
    started = time.monotonic()
    checks = [not_a_server_error, success_conforms]
    with asgi.get_client(fuzz_schema.app) as session:
        for result in fuzz_schema.get_all_operations():
            operation = result.ok()
            if not operation.path.startswith("/api/portal/"):
                continue
            tally.operations += 1
            for flavour in FLAVOURS:
                _run_operation(operation, flavour, session, auth, known, tally, checks)
    elapsed = time.monotonic() - started
    print(
        f"\nportal fuzz: {tally.operations} operations, {sum(tally.examples.values())} examples, "
        f"responses by status {dict(sorted(tally.statuses.items()))}, "
        f"{len(tally.failures)} failures, {elapsed:.0f}s"
    )
    assert tally.operations >= 1, "no /api/portal operation in the OpenAPI schema"
    assert tally.unauthorised == 0, "conforming cases went out without the customer's token"
    assert tally.statuses[200] > 0, "the customer's token never got a 200"
    report = "\n\n".join(
        f"{f.operation} [{f.flavour}]\n{f.detail}\nreplay: {f.curl}" for f in tally.failures
    )
    assert not tally.failures, f"{len(tally.failures)} portal operations failed:\n\n{report}"
