"""A customer's self-service on a phone, then the operator's side, in a real browser: the app under
uvicorn (a subprocess on a free loopback port, a fresh SQLite database), Debian's chromium driven
by Playwright with a Pixel 7's viewport, touch and user agent.

The customer signs in to /portal, follows an order (status, shipments, balance), registers a claim
against a shipment and a return of one shipped unit, and downloads the акт сверки for the first
quarter. An operator then finds both among the portal's documents, takes the claim into work and
resolves it, approves the return and receives the goods; the customer sees the claim's result, the
return's status and the order's balance lowered by the returned unit.

Every figure is checked against the scenario's own ledger (tests/operational_app/portal/
settlement_scenario.py); each step leaves a screenshot in data/screenshots/portal_<step>.png.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import ClaimReason, ShipmentLine
from operational_app.db.session import create_oltp_engine
from operational_app.domain import returns as return_service
from operational_app.i18n import translate
from tests.e2e.browser import launched_chromium, new_page, require_browser
from tests.e2e.serving import served_app
from tests.operational_app.portal import settlement_scenario
from tests.operational_app.utils.users import create_user

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "data" / "screenshots"
CUSTOMER_PASSWORD = "Customer-e2e-pass-1"
OPERATOR_LOGIN, OPERATOR_PASSWORD = "operator-portal-e2e", "Operator-e2e-pass-1"
CLAIM_REASON = "Бой при доставке"
CLAIM_DESCRIPTION = "Две коробки пришли разбитыми"
RETURN_COMMENT = "Лишняя единица, упаковка целая"
PERIOD = ("2026-01-01", "2026-03-31")


def t(key: str, **values: object) -> str:
    return translate(key, "ru", **values)


def money(amount: Decimal) -> str:
    """How the pages write an amount: 1 234,50 with a no-break space between thousands."""
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', chr(0xA0))},{cents}"


@dataclass
class World:
    url: str
    customer_login: str
    order_id: int
    order_number: str
    shipment_id: int
    shipment_number: str
    # The second shipment's line: 2 shipped, 1 already returned, so 1 more may be returned.
    returnable_line_id: int
    unit_price: Decimal
    balance: Decimal
    closing_balance: Decimal
    organization_name: str
    return_reason: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_browser()
    data_dir = tmp_path_factory.mktemp("portal")
    db_url = f"sqlite:///{data_dir / 'oltp' / 'crm.sqlite3'}"
    upgrade_to_head(db_url)
    engine = create_oltp_engine(db_url)
    with Session(engine, expire_on_commit=False) as db:
        scenario = settlement_scenario.build(db)
        scenario.customer.password_hash = auth.hash_password(CUSTOMER_PASSWORD)
        db.add(ClaimReason(name=CLAIM_REASON))
        reasons = return_service.ensure_default_reasons(db)
        db.commit()
        create_user(
            db,
            "manager",
            login=OPERATOR_LOGIN,
            password=OPERATOR_PASSWORD,
            full_name="Оператор Портала",
        )
        ledger = settlement_scenario.documents(db, scenario)
        first_shipment, second_shipment = scenario.shipments
        second_line = db.query(ShipmentLine).filter_by(shipment_id=second_shipment.id).one()
        facts = {
            "customer_login": scenario.customer.login,
            "order_id": scenario.shipped_order.id,
            "order_number": scenario.shipped_order.number,
            "shipment_id": first_shipment.id,
            "shipment_number": first_shipment.number,
            "returnable_line_id": second_line.id,
            "unit_price": Decimal(second_line.amount) / Decimal(second_line.quantity),
            # Everything of the shipped order is inside the period: its balance is the closing
            # balance of the period (the open order has neither shipments nor payments).
            "balance": sum((amount for _, _, amount in ledger), Decimal(0)),
            "closing_balance": sum(
                (amount for day, _, amount in ledger if day.isoformat() <= PERIOD[1]), Decimal(0)
            ),
            "organization_name": scenario.organization.name,
            "return_reason": reasons[0].name,
        }
    engine.dispose()

    env = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    env |= {"CRM_DATA_DIR": str(data_dir), "CRM_OLTP_URL": db_url, "CRM_LANG": "ru"}
    with served_app(env, data_dir / "uvicorn.log") as url:
        yield World(url=url, **facts)


@pytest.fixture(scope="module")
def browser(world: World) -> Iterator[tuple[object, object]]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def phone(browser: tuple[object, object]) -> Iterator[object]:
    playwright, chromium = browser
    pixel = playwright.devices["Pixel 7"]
    with new_page(chromium, **pixel, locale="ru-RU", accept_downloads=True) as page:
        yield page


@pytest.fixture(scope="module")
def desk(browser: tuple[object, object]) -> Iterator[object]:
    with new_page(browser[1]) as page:
        yield page


def document_number(heading: str) -> str:
    """The document's number in a card's heading, such as ПР-000001."""
    found = re.search(r"\b[А-ЯЁA-Z]{2}-\d{6}\b", heading)
    assert found, heading
    return found.group()


def shot(page: object, step: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"portal_{step}.png"), full_page=True)


def fits_the_screen(page: object) -> bool:
    """No sideways scrolling: the page is no wider than the phone's viewport."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_customer_on_a_phone_then_the_operator(world: World, phone: object, desk: object) -> None:
    from playwright.sync_api import expect

    # The customer signs in; the portal's home greets them, laid out for the phone.
    phone.goto(f"{world.url}/portal/login")
    phone.locator("input[name=login]").fill(world.customer_login)
    phone.locator("input[name=password]").fill(CUSTOMER_PASSWORD)
    phone.get_by_role("button", name=t("auth.sign_in")).click()
    phone.wait_for_url(f"{world.url}/portal")
    assert fits_the_screen(phone)
    shot(phone, "home")

    # Tracks the order: its status, shipments and balance.
    phone.goto(f"{world.url}/portal/orders")
    phone.get_by_role("link", name=world.order_number).click()
    phone.wait_for_url(f"{world.url}/portal/orders/{world.order_id}")
    expect(phone.locator("h1")).to_contain_text(world.order_number)
    expect(phone.locator("#order-balance")).to_have_text(money(world.balance))
    expect(phone.locator("body")).to_contain_text(world.shipment_number)
    shot(phone, "order")

    # Registers a claim against the first shipment.
    phone.goto(f"{world.url}/portal/claims/new")
    form = phone.locator("form[action='/portal/claims']")
    form.locator("select[name=claim_reason_id]").select_option(label=CLAIM_REASON)
    form.locator("select[name=customer_order_id]").select_option(str(world.order_id))
    form.locator("select[name=shipment_id]").select_option(str(world.shipment_id))
    form.locator("input[name=claimed_amount]").fill("180,00")
    form.locator("textarea[name=description]").fill(CLAIM_DESCRIPTION)
    form.get_by_role("button", name=t("portal.claims.register")).click()
    phone.wait_for_url(f"{world.url}/portal/claims/*")
    expect(phone.locator("#claim-status")).to_have_text(t("portal.claims.status.registered"))
    claim_number = document_number(phone.locator("h1").inner_text())
    claim_url = phone.url
    shot(phone, "claim")

    # Registers a return of the one unit the second shipment still allows.
    phone.goto(f"{world.url}/portal/returns/new")
    phone.locator("select[name=customer_order_id]").select_option(str(world.order_id))
    phone.get_by_role("button", name=t("portal.returns.choose_order")).click()
    quantity = phone.locator(f"input[name=quantity_{world.returnable_line_id}]")
    expect(quantity).to_have_attribute("data-returnable", "1.000")
    quantity.fill("1")
    form = phone.locator("form[action='/portal/returns']")
    form.locator("select[name=return_reason_id]").select_option(label=world.return_reason)
    form.locator("textarea[name=comment]").fill(RETURN_COMMENT)
    assert fits_the_screen(phone)
    form.get_by_role("button", name=t("portal.returns.register")).click()
    phone.wait_for_url(f"{world.url}/portal/returns/*")
    expect(phone.locator("#return-status")).to_have_text(t("returns.status.registered"))
    expect(phone.locator("#return-total")).to_have_text(money(world.unit_price))
    return_number = document_number(phone.locator("h1").inner_text())
    return_url = phone.url
    shot(phone, "return")

    # Downloads the акт сверки for the first quarter: the closing balance is the ledger's.
    phone.goto(f"{world.url}/portal/debt")
    statement = phone.locator("form[action='/portal/debt/reconciliation.pdf']")
    statement.locator("input[name=date_from]").fill(PERIOD[0])
    statement.locator("input[name=date_to]").fill(PERIOD[1])
    shot(phone, "debt")
    with phone.expect_download() as download:
        statement.get_by_role("button", name=t("portal.debt.download_pdf")).click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Акт сверки взаимных расчётов за период с 01.01.2026 по 31.03.2026" in text
    assert (
        f"на 31.03.2026 задолженность в пользу {world.organization_name} "
        f"{money(world.closing_balance).replace(chr(0xA0), ' ')} руб."
    ) in text

    # The operator finds the portal's claim, takes it into work and resolves it.
    desk.goto(f"{world.url}/login")
    desk.locator("input[name=login]").fill(OPERATOR_LOGIN)
    desk.locator("input[name=password]").fill(OPERATOR_PASSWORD)
    desk.get_by_role("button", name=t("auth.sign_in")).click()
    desk.wait_for_load_state()
    desk.goto(f"{world.url}/claims?source=portal")
    desk.get_by_role("link", name=claim_number).click()
    expect(desk.locator("body")).to_contain_text(t("claim_source.portal"))
    expect(desk.locator("body")).to_contain_text(CLAIM_DESCRIPTION)
    desk.get_by_role("button", name=t("claim.take")).click()
    resolve = desk.locator("form[action$='/resolve']")
    resolve.locator("select[name=result]").select_option("satisfied")
    resolve.locator("input[name=resolution_comment]").fill("Заменим две коробки")
    resolve.get_by_role("button", name=t("claim.resolve")).click()
    expect(desk.locator("form[action$='/reopen']")).to_be_visible()
    shot(desk, "operator_claim")

    # Approves the return, then receives the goods.
    desk.goto(f"{world.url}/returns?source=portal")
    desk.get_by_role("link", name=return_number).click()
    expect(desk.locator("body")).to_contain_text(RETURN_COMMENT)
    desk.get_by_role("button", name=t("returns.approve")).click()
    desk.get_by_role("button", name=t("returns.receive")).click()
    expect(desk.locator("body")).to_contain_text(t("returns.status.received"))
    shot(desk, "operator_return")

    # The customer sees the outcome: the claim's result, the return received, the balance lower.
    phone.goto(claim_url)
    expect(phone.locator("#claim-status")).to_have_text(t("portal.claims.status.resolved"))
    expect(phone.locator("#claim-result")).to_have_text(t("portal.claims.result.satisfied"))
    phone.goto(return_url)
    expect(phone.locator("#return-status")).to_have_text(t("returns.status.received"))
    phone.goto(f"{world.url}/portal/orders/{world.order_id}")
    expect(phone.locator("#order-balance")).to_have_text(money(world.balance - world.unit_price))
    shot(phone, "order_after")
