"""An operator's day in a real browser: the app under uvicorn (a subprocess on a free loopback
port, a fresh SQLite database), driven through Debian's chromium with Playwright.

Sign in, create a partner with a checksum-valid ИНН, open a deal for it, move it two stages on,
mark it lost with a reason, and file a claim from the partner card. Every step checks what the
page shows (stage names, status labels, the claim in the lists) and leaves a screenshot in
data/screenshots/operator_<step>.png.

Then the pages themselves: the grouped menu stays one line at 1280 px, a partner is edited and
given a second legal entity from its card, numbers and times read the Russian way, and every main
page leaves a screenshot in data/screenshots/app_<page>.png (classifiers as an administrator).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from stdnum.ru import inn as stdnum_inn

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import ClaimReason
from operational_app.db.session import create_oltp_engine
from operational_app.domain import agreements as agreement_service
from operational_app.domain import claims as claim_service
from operational_app.domain import deals as deal_service
from operational_app.domain import interactions as interaction_service
from operational_app.domain import orders as order_service
from operational_app.domain import partners as partner_service
from operational_app.domain import products as product_service
from operational_app.i18n import translate
from tests.e2e.browser import TIMEOUT_MS, launched_chromium, new_page, require_browser
from tests.e2e.serving import served_app
from tests.operational_app.utils.factories import create_classifiers, personal_inn
from tests.operational_app.utils.users import create_user

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "data" / "screenshots"
LOGIN, PASSWORD = "operator-e2e", "Operator-e2e-pass-1"
ADMIN_LOGIN, ADMIN_PASSWORD = "admin-e2e", "Admin-e2e-pass-1"
SHOWCASE_NAME = "ООО «Витрина»"
SHOWCASE_INN = "7736207543"  # checksum-valid 10-digit ИНН
PARTNER_INN = "7707083893"  # a real, checksum-valid 10-digit ИНН
PARTNER_NAME = "ООО «Браузерный тест»"
DEAL_NAME = "Поставка серверов (браузер)"
LOSS_COMMENT = "Клиент выбрал другого поставщика"
CLAIM_DESCRIPTION = "Повреждена упаковка при доставке"


def t(key: str) -> str:
    return translate(key, "ru")


@dataclass
class World:
    url: str
    stages: list[str]
    kind: str
    loss_reason: str
    claim_reason: str
    manager: str
    showcase_partner_id: int
    order_id: int
    region: str


def _showcase(db: Session, classifiers: object, operator_id: int, reason_id: int) -> dict:
    """A partner with some of everything on the operator's desk, for the page screenshots: an
    order with 971 units at a 5 % discount, an open deal, an overdue call, a claim in work."""
    partner, _ = partner_service.create_partner_with_counterparty(
        db,
        partner={"name": SHOWCASE_NAME, "manager_id": operator_id},
        counterparty={
            "legal_form": "legal_entity",
            "inn": SHOWCASE_INN,
            "kpp": "773601001",
            "legal_name": "Общество с ограниченной ответственностью «Витрина»",
            "legal_address": "г. Москва, ул. Тверская, д. 7",
            "phone": "+7 495 123-45-67",
        },
    )
    product = product_service.create_product(
        db, sku="BR-100", name="Бумага офисная А4", base_price=350, cost_price=210
    )
    warehouse = product_service.create_warehouse(db, name="Основной склад")
    product_service.set_stock(
        db, product_id=product.id, warehouse_id=warehouse.id, quantity_on_hand=5000
    )
    agreement = agreement_service.create_agreement(
        db,
        name="Оптовые продажи",
        kind="individual",
        partner_id=partner.id,
        valid_from=dt.date(2026, 1, 1),
        discount_percent=0,
        max_manual_discount_percent=10,
    )
    deal = deal_service.create_deal(
        db,
        partner_id=partner.id,
        deal_kind_id=classifiers.kind.id,
        name="Годовой контракт на бумагу",
        manager_id=operator_id,
        potential_amount=Decimal("2500000"),
        probability=60,
        user_id=operator_id,
    )
    order = order_service.create_order(
        db,
        partner_id=partner.id,
        agreement_id=agreement.id,
        deal_id=deal.id,
        manager_id=operator_id,
        ordered_at=dt.datetime(2026, 6, 15, 8, 30),
        lines=[
            {
                "product_id": product.id,
                "warehouse_id": warehouse.id,
                "quantity": Decimal("971"),
                "discount_percent": Decimal("5"),
            }
        ],
    )
    interaction_service.create_interaction(
        db,
        kind="call",
        partner_id=partner.id,
        summary="Уточнить объём поставки",
        planned_at=dt.datetime(2020, 1, 15, 7, 0),  # long past on any clock: overdue
        responsible_id=operator_id,
        subject_type="deal",
        subject_id=deal.id,
    )
    claim = claim_service.create_claim(
        db,
        partner_id=partner.id,
        claim_reason_id=reason_id,
        claimed_amount=Decimal("4200"),
        responsible_id=operator_id,
        description="Часть пачек намокла",
    )
    claim_service.take_into_work(db, claim)
    db.commit()
    return {"showcase_partner_id": partner.id, "order_id": order.id}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_browser()
    assert stdnum_inn.is_valid(PARTNER_INN)
    data_dir = tmp_path_factory.mktemp("operator")
    db_url = f"sqlite:///{data_dir / 'oltp' / 'crm.sqlite3'}"
    upgrade_to_head(db_url)
    engine = create_oltp_engine(db_url)
    with Session(engine, expire_on_commit=False) as db:
        classifiers = create_classifiers(db)
        claim_reason = ClaimReason(name="Брак упаковки")
        db.add(claim_reason)
        db.commit()
        operator = create_user(
            db, "manager", login=LOGIN, password=PASSWORD, full_name="Оператор Браузерный"
        )
        create_user(
            db,
            "administrator",
            login=ADMIN_LOGIN,
            password=ADMIN_PASSWORD,
            full_name="Администратор Браузерный",
        )
        showcase = _showcase(db, classifiers, operator.id, claim_reason.id)
        world_facts = {
            "stages": [stage.name for stage in classifiers.stages],
            "kind": classifiers.kind.name,
            "loss_reason": classifiers.loss_reasons[1].name,
            "claim_reason": claim_reason.name,
            "manager": operator.full_name,
            "region": classifiers.region.name,
            **showcase,
        }
    engine.dispose()

    env = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    env |= {"CRM_DATA_DIR": str(data_dir), "CRM_OLTP_URL": db_url, "CRM_LANG": "ru"}
    with served_app(env, data_dir / "uvicorn.log") as url:
        yield World(url=url, **world_facts)


@pytest.fixture(scope="module")
def page(world: World) -> Iterator[object]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as (_, browser), new_page(browser) as page:
        yield page


def _shot(page: object, step: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"operator_{step}.png"), full_page=True)


def test_operator_flow(world: World, page: object):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)

    # Sign in: a protected page sends the browser to /login and back afterwards.
    page.goto(f"{world.url}/partners/new")
    page.wait_for_url(re.compile(r"/login"))
    page.locator("input[name=login]").fill(LOGIN)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=t("auth.sign_in")).click()
    page.wait_for_url(re.compile(r"/partners/new$"))
    expect(page.locator("h1")).to_have_text(t("partner.new"))
    _shot(page, "1_signed_in")

    # A partner with its main counterparty (legal entity, valid ИНН).
    form = page.locator("form[action='/partners']")
    form.locator("input[name=name]").fill(PARTNER_NAME)
    form.locator("select[name=legal_form]").select_option("legal_entity")
    form.locator("input[name=inn]").fill(PARTNER_INN)
    form.locator("input[name=kpp]").fill("770701001")
    form.locator("input[name=legal_name]").fill("Общество с ограниченной ответственностью Тест")
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(r"/partners/\d+$"))
    partner_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("h1")).to_contain_text(PARTNER_NAME)
    expect(page.locator("body")).to_contain_text(PARTNER_INN)
    _shot(page, "2_partner")

    # A new deal for it: it starts on the first stage, in progress.
    page.goto(f"{world.url}/deals/new?partner_id={partner_id}")
    form = page.locator("form[action='/deals']")
    expect(form.locator("select[name=partner_id]")).to_have_value(str(partner_id))
    form.locator("input[name=name]").fill(DEAL_NAME)
    form.locator("select[name=deal_kind_id]").select_option(label=world.kind)
    form.locator("select[name=manager_id]").select_option(label=world.manager)
    form.locator("input[name=potential_amount]").fill("1250000.50")
    form.locator("input[name=probability]").fill("30")
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(r"/deals/\d+$"))
    deal_url = page.url
    expect(page.locator("h1")).to_contain_text(DEAL_NAME)
    expect(page.locator("#deal-status")).to_have_text(t("status.in_progress"))
    expect(page.locator("#current-stage")).to_have_text(world.stages[0])
    expect(page.locator("body")).to_contain_text("1 250 000,50")
    _shot(page, "3_deal_created")

    # Two stages on, one at a time; the history grows by a row each time.
    for step, stage in enumerate(world.stages[1:3], start=1):
        advance = page.locator("form[action$='/advance']")
        # Options read "<sequence>. <stage name>"; pick the one naming this stage.
        option = advance.locator("select[name=stage_id] option", has_text=stage)
        advance.locator("select[name=stage_id]").select_option(option.get_attribute("value"))
        advance.get_by_role("button", name=t("deal.advance")).click()
        page.wait_for_url(deal_url)
        expect(page.locator("#current-stage")).to_have_text(stage)
        expect(page.locator("#history tbody tr")).to_have_count(step + 1)
    expect(page.locator("#deal-status")).to_have_text(t("status.in_progress"))
    history = page.locator("#history tbody tr td:first-child")
    expect(history).to_have_text(world.stages[:3])
    _shot(page, "4_deal_advanced")

    # Lost, with a reason and a comment: it stays on the stage it was lost at.
    lose = page.locator("form[action$='/lose']")
    lose.locator("select[name=loss_reason_id]").select_option(label=world.loss_reason)
    lose.locator("input[name=comment]").fill(LOSS_COMMENT)
    lose.get_by_role("button", name=t("deal.lose")).click()
    page.wait_for_url(deal_url)
    expect(page.locator("#deal-status")).to_have_text(t("status.lost"))
    expect(page.locator("#loss-reason")).to_have_text(world.loss_reason)
    expect(page.locator("#current-stage")).to_have_text(world.stages[2])
    expect(page.locator("body")).to_contain_text(LOSS_COMMENT)
    expect(page.locator("form[action$='/reopen']")).to_be_visible()
    expect(page.locator("form[action$='/advance']")).to_have_count(0)
    _shot(page, "5_deal_lost")

    # The partner card lists the lost deal; file a claim from there.
    page.goto(f"{world.url}/partners/{partner_id}")
    expect(page.locator("body")).to_contain_text(DEAL_NAME)
    page.locator("#file-claim").click()
    page.wait_for_url(re.compile(r"/claims/new\?"))
    form = page.locator("form[action='/claims']")
    expect(form.locator("select[name=partner_id]")).to_have_value(str(partner_id))
    form.locator("select[name=claim_reason_id]").select_option(label=world.claim_reason)
    form.locator("input[name=claimed_amount]").fill("15000")
    form.locator("textarea[name=description]").fill(CLAIM_DESCRIPTION)
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(r"/claims/\d+$"))
    claim_number = re.search(r"ПР-\d+", page.locator("h1").inner_text()).group(0)
    expect(page.locator("#claim-status")).to_have_text(t("claim_status.registered"))
    expect(page.locator("body")).to_contain_text(CLAIM_DESCRIPTION)
    expect(page.locator("body")).to_contain_text("15 000,00")
    _shot(page, "6_claim_filed")

    # The claim is in the claims list (with the partner) and on the partner card.
    # (filtered by the partner: the showcase partner has a claim of its own)
    page.goto(f"{world.url}/claims?partner_id={partner_id}")
    row = page.locator("table.claims tbody tr", has_text=claim_number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PARTNER_NAME)
    expect(row).to_contain_text(world.claim_reason)
    expect(row).to_contain_text(t("claim_status.registered"))
    expect(page.locator("#total")).to_have_text("1")
    _shot(page, "7_claims_list")
    page.goto(f"{world.url}/partners/{partner_id}")
    expect(page.locator("table.claims tbody tr", has_text=claim_number)).to_have_count(1)
    _shot(page, "8_partner_with_claim")


def _app_shot(page: object, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"app_{name}.png"), full_page=True)


def _sign_in(page: object, url: str, login: str, password: str) -> None:
    """Sign in as `login`, first signing out whoever the browser is signed in as."""
    page.goto(f"{url}/")
    if "/login" not in page.url:
        page.locator("form[action='/logout'] button").click()
        page.wait_for_url(re.compile(r"/login"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=t("auth.sign_in")).click()
    page.wait_for_url(re.compile(r"/$"))


def _fits_width(page: object) -> bool:
    # Nothing wider than the window: no horizontal scroll bar on the page.
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_menu_partner_editing_and_page_screenshots(world: World, page: object):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    _sign_in(page, world.url, LOGIN, PASSWORD)

    # The menu: four 1C sections, all on one line of the header at 1280 px.
    assert page.viewport_size["width"] == 1280
    titles = page.locator("nav.menu .menu-title")
    expect(titles).to_have_text(
        [t("section.crm"), t("section.sales"), t("section.nsi"), t("section.admin")]
    )
    header = page.locator("header.top").bounding_box()
    boxes = [titles.nth(index).bounding_box() for index in range(4)]
    user_box = page.locator("header.top .user-menu").bounding_box()
    assert header["height"] < 60, header
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    assert (
        abs(user_box["y"] + user_box["height"] / 2 - (boxes[0]["y"] + boxes[0]["height"] / 2)) < 6
    )
    assert user_box["x"] + user_box["width"] <= 1280
    assert page.evaluate(
        "(() => { const h = document.querySelector('header.top');"
        " return h.scrollWidth <= h.clientWidth; })()"
    )
    # A section opens on hover and leads to its pages.
    nsi = page.locator(".menu-section[data-section=nsi]")
    expect(nsi.locator(".menu-items")).to_be_hidden()
    nsi.locator(".menu-title").hover()
    expect(nsi.get_by_role("link", name=t("nav.products"))).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "app_menu_open.png"))
    page.mouse.move(640, 600)
    expect(nsi.locator(".menu-items")).to_be_hidden()

    # The home page is the operator's desk.
    expect(page.locator("#my-overdue")).to_contain_text("Уточнить объём поставки")
    expect(page.locator("#my-overdue")).to_contain_text("15.01.2020 10:00")
    expect(page.locator("#my-deals")).to_contain_text("Годовой контракт на бумагу")
    expect(page.locator("#my-claims")).to_contain_text(SHOWCASE_NAME)
    _app_shot(page, "home")

    # Edit the partner from its card.
    partner_url = f"{world.url}/partners/{world.showcase_partner_id}"
    page.goto(partner_url)
    expect(page.locator("#partner-address")).to_have_text("г. Москва, ул. Тверская, д. 7")
    expect(page.locator("#partner-phone")).to_have_text("+7 495 123-45-67")
    page.locator("#edit-partner").click()
    page.wait_for_url(re.compile(r"/edit$"))
    form = page.locator("form.card-form")
    form.locator("input[name=name]").fill("ООО «Витрина-Опт»")
    form.locator("select[name=business_region_id]").select_option(label=world.region)
    form.locator("textarea[name=comment]").fill("Ключевой клиент")
    _app_shot(page, "partner_edit")
    form.get_by_role("button", name=t("action.save")).click()
    page.wait_for_url(partner_url)
    expect(page.locator("h1")).to_contain_text("ООО «Витрина-Опт»")
    expect(page.locator("#partner-region")).to_have_text(world.region)
    expect(page.locator("#partner-manager")).to_have_text(world.manager)

    # A second legal entity: an individual entrepreneur with a 12-digit ИНН.
    inn = personal_inn(424242)
    page.locator("#add-counterparty").click()
    page.wait_for_url(re.compile(r"/counterparties/new$"))
    form = page.locator("#counterparty-form")
    form.locator("select[name=legal_form]").select_option("individual_entrepreneur")
    form.locator("input[name=inn]").fill(inn)
    form.locator("input[name=legal_name]").fill("ИП Витринов Василий Васильевич")
    form.locator("input[name=legal_address]").fill("г. Тверь, пр. Победы, д. 3")
    form.locator("input[name=phone]").fill("+7 4822 55-66-77")
    _app_shot(page, "counterparty_form")
    form.get_by_role("button", name=t("action.create")).click()
    page.wait_for_url(re.compile(r"/partners/\d+#counterparties$"))
    rows = page.locator("table.counterparties tbody tr")
    expect(rows).to_have_count(2)
    added = page.locator(f"table.counterparties tr[data-inn='{inn}']")
    expect(added).to_contain_text("ИП Витринов Василий Васильевич")
    expect(added).to_contain_text("г. Тверь, пр. Победы, д. 3")
    expect(added).to_contain_text("+7 4822 55-66-77")
    _app_shot(page, "partner_card")

    # The order reads the Russian way: 971, 5 %, a local date and time, no UTC.
    page.goto(f"{world.url}/orders/{world.order_id}")
    lines = page.locator("#lines")
    expect(lines.locator("input[name=quantity][form^=line-]")).to_have_value("971")
    expect(lines.locator("input[name=discount_percent]")).to_have_value("5")
    body = page.locator("body").inner_text()
    assert "971.000" not in body and "5.00" not in body and "UTC" not in body
    assert "15.06.2026 11:30" in body  # 08:30 UTC in Moscow
    expect(page.locator("dl.attrs")).to_contain_text("Годовой контракт на бумагу")
    _app_shot(page, "order_card")

    for name, path in [
        ("partners", "/partners"),
        ("deals", "/deals"),
        ("interactions", "/interactions"),
        ("claims", "/claims"),
        ("contacts", "/contacts"),
        ("agreements", "/agreements"),
        ("offers", "/offers"),
        ("orders", "/orders"),
        ("products", "/products"),
    ]:
        page.goto(f"{world.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert _fits_width(page), path
        _app_shot(page, name)
    page.goto(f"{world.url}/deals")
    page.locator("table.list tbody tr", has_text="Годовой контракт").locator("a").first.click()
    page.wait_for_url(re.compile(r"/deals/\d+$"))
    expect(page.locator("#history thead")).to_contain_text(t("deal.changed_by"))
    expect(page.locator("#history tbody")).to_contain_text(world.manager)
    _app_shot(page, "deal_card")

    # Classifiers, as an administrator: the page fits the screen.
    _sign_in(page, world.url, ADMIN_LOGIN, ADMIN_PASSWORD)
    page.goto(f"{world.url}/admin/classifiers")
    expect(page.locator("ul.tiles li")).not_to_have_count(0)
    assert _fits_width(page)
    _app_shot(page, "classifiers")
    page.goto(f"{world.url}/admin/classifiers/sales-stages")
    expect(page.locator("table.classifier")).to_be_visible()
    assert _fits_width(page)
    _app_shot(page, "classifier_stages")
