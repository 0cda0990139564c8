"""Autofill by ИНН in a real browser (issue 20): the app under uvicorn on a fresh SQLite database
whose local registry is loaded from the ЕГРЮЛ sample, driven through chromium with Playwright.

On a partner card's "new counterparty" form the operator types 7707083893 and presses
«Заполнить по ИНН»: КПП, name and address are filled from the local registry, the branch can be
chosen instead of the head office, and the counterparty is saved. A liquidated ИНН shows a warning;
an ИНН the registry does not know leaves a message and the form filled by hand still saves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import Counterparty
from operational_app.db.session import create_oltp_engine
from operational_app.domain import partners as partner_service
from operational_app.i18n import translate
from operational_app.registry.local import load_egrul_file
from tests.e2e.browser import TIMEOUT_MS, launched_chromium, new_page, require_browser
from tests.e2e.serving import served_app
from tests.operational_app.utils.users import create_user

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[1] / "operational_app/registry/data/egrul_sample.xml"
LOGIN, PASSWORD = "registry-e2e", "Registry-e2e-pass-1"
SBER_INN = "7707083893"
SBER_NAME = 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'


def t(key: str) -> str:
    return translate(key, "ru")


@dataclass
class World:
    url: str
    db_url: str
    partner_id: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_browser()
    data_dir = tmp_path_factory.mktemp("registry")
    db_url = f"sqlite:///{data_dir / 'oltp' / 'crm.sqlite3'}"
    upgrade_to_head(db_url)
    engine = create_oltp_engine(db_url)
    with Session(engine, expire_on_commit=False) as db:
        load_egrul_file(db, SAMPLE)
        create_user(db, "manager", login=LOGIN, password=PASSWORD, full_name="Оператор Реестр")
        partner = partner_service.create_partner(db, name="Сбер как клиент")
        db.commit()
        partner_id = partner.id
    engine.dispose()

    env = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    env |= {
        "CRM_DATA_DIR": str(data_dir),
        "CRM_OLTP_URL": db_url,
        "CRM_LANG": "ru",
        "CRM_REGISTRY_SOURCE": "local",
    }
    with served_app(env, data_dir / "uvicorn.log") as url:
        yield World(url=url, db_url=db_url, partner_id=partner_id)


@pytest.fixture(scope="module")
def page(world: World) -> Iterator[object]:
    with launched_chromium() as (_, browser), new_page(browser) as page:
        errors: list[str] = []
        # Script errors and CSP violations; a 4xx answer the form handles is no error here.
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and errors.append(message.text)
            ),
        )
        page.goto(f"{world.url}/partners/{world.partner_id}/counterparties/new")
        page.wait_for_url(re.compile(r"/login"))
        page.locator("input[name=login]").fill(LOGIN)
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name=t("auth.sign_in")).click()
        page.wait_for_url(re.compile(r"/counterparties/new$"))
        yield page
        assert errors == []


def test_typing_the_inn_fills_the_fields_from_the_local_registry(world: World, page: object):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    form = page.locator("#counterparty-form")
    form.locator("select[name=legal_form]").select_option("legal_entity")
    form.locator("input[name=inn]").fill(SBER_INN)
    page.get_by_role("button", name=t("registry.fill")).click()

    expect(form.locator("input[name=legal_name]")).to_have_value(SBER_NAME)
    expect(form.locator("input[name=kpp]")).to_have_value("773601001")
    expect(form.locator("input[name=legal_address]")).to_have_value(
        "117312, ГОРОД МОСКВА, УЛИЦА ВАВИЛОВА, ДОМ 19"
    )
    expect(page.locator("#registry-message")).to_contain_text("local")
    expect(page.locator("[data-registry-field=ogrn]")).to_have_text("1027700132195")
    expect(page.locator("[data-registry-field=director]")).to_have_text("ГРЕФ ГЕРМАН ОСКАРОВИЧ")
    expect(page.locator("[data-registry-field=status]")).to_have_text(t("registry.status.active"))
    expect(page.locator("#registry-warning")).to_be_hidden()

    # The branch instead of the head office: its КПП and address.
    choice = page.locator("#registry-kpp-choice")
    expect(choice).to_be_visible()
    expect(choice.locator("option").nth(1)).to_have_text(re.compile(r"^540643001"))
    choice.select_option(index=1)
    expect(form.locator("input[name=kpp]")).to_have_value("540643001")
    expect(form.locator("input[name=legal_address]")).to_have_value(re.compile("НОВОСИБИРСК"))

    # The operator confirms by saving.
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(rf"/partners/{world.partner_id}"))
    engine = create_oltp_engine(world.db_url)
    try:
        with Session(engine) as db:
            saved = db.scalars(select(Counterparty).where(Counterparty.inn == SBER_INN)).one()
            assert (saved.kpp, saved.legal_name) == ("540643001", SBER_NAME)
    finally:
        engine.dispose()


def test_liquidated_shows_a_warning(world: World, page: object):
    from playwright.sync_api import expect

    page.goto(f"{world.url}/partners/{world.partner_id}/counterparties/new")
    page.locator("input[name=inn]").fill("7712345671")
    page.get_by_role("button", name=t("registry.fill")).click()
    expect(page.locator("#registry-warning")).to_have_text(t("registry.warning.liquidated"))
    expect(page.locator("#registry-kpp-choice-label")).to_be_hidden()


def test_unknown_inn_leaves_a_message_and_the_form_works_by_hand(world: World, page: object):
    from playwright.sync_api import expect

    page.goto(f"{world.url}/partners/{world.partner_id}/counterparties/new")
    form = page.locator("#counterparty-form")
    form.locator("input[name=inn]").fill("7736207543")
    page.get_by_role("button", name=t("registry.fill")).click()
    expect(page.locator("#registry-message")).to_have_text(t("registry.not_found"))
    expect(form.locator("input[name=legal_name]")).to_have_value("")
    form.locator("input[name=kpp]").fill("773601001")
    form.locator("input[name=legal_name]").fill("ООО «Вручную»")
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(rf"/partners/{world.partner_id}"))
    expect(page.get_by_text("ООО «Вручную»")).to_be_visible()


def test_mistyped_inn_is_refused_by_its_check_digits(world: World, page: object):
    from playwright.sync_api import expect

    page.goto(f"{world.url}/partners/{world.partner_id}/counterparties/new")
    page.locator("input[name=inn]").fill("7707083894")
    page.get_by_role("button", name=t("registry.fill")).click()
    expect(page.locator("#registry-message")).to_have_text(t("registry.bad_inn"))


def _answer_with(status: int):
    def answer(route: object, request: object) -> None:
        route.fulfill(
            status=status,
            content_type="application/json",
            body='{"detail": "DaData", "rule": "registry.x"}',
        )

    return answer


def test_a_registry_failure_is_a_message_and_the_form_still_saves(world: World, page: object):
    """DaData rate-limited or down (the API's 429/503, answered here by the browser's router)."""
    from playwright.sync_api import expect

    page.goto(f"{world.url}/partners/{world.partner_id}/counterparties/new")
    form = page.locator("#counterparty-form")
    for status, message in ((429, "registry.rate_limited"), (503, "registry.unavailable")):
        page.route("**/api/v1/counterparties/lookup*", _answer_with(status))
        form.locator("input[name=inn]").fill("7736050003")
        page.get_by_role("button", name=t("registry.fill")).click()
        expect(page.locator("#registry-message")).to_have_text(t(message))
        page.unroute("**/api/v1/counterparties/lookup*")
    form.locator("input[name=kpp]").fill("772801001")
    form.locator("input[name=legal_name]").fill("ООО «Без реестра»")
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(rf"/partners/{world.partner_id}"))
    expect(page.get_by_text("ООО «Без реестра»")).to_be_visible()


def test_the_new_partner_form_fills_its_counterparty_too(world: World, page: object):
    from playwright.sync_api import expect

    page.goto(f"{world.url}/partners/new")
    form = page.locator("form[action='/partners']")
    form.locator("input[name=inn]").fill(SBER_INN)
    page.get_by_role("button", name=t("registry.fill")).click()
    expect(form.locator("input[name=legal_name]")).to_have_value(SBER_NAME)
    expect(form.locator("input[name=kpp]")).to_have_value("773601001")
