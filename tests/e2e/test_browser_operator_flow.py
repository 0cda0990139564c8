"""An operator's day in a real browser: the app under uvicorn (a subprocess on a free loopback
port, a fresh SQLite database), driven through Debian's chromium with Playwright.

Sign in, create a partner with a checksum-valid ИНН, open a deal for it, move it two stages on,
mark it lost with a reason, and file a claim from the partner card. Every step checks what the
page shows (stage names, status labels, the claim in the lists) and leaves a screenshot in
data/screenshots/operator_<step>.png.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from stdnum.ru import inn as stdnum_inn

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import ClaimReason
from operational_app.db.session import create_oltp_engine
from operational_app.i18n import translate
from tests.operational_app.utils.factories import create_classifiers
from tests.operational_app.utils.users import create_user

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "data" / "screenshots"
TIMEOUT_MS = 30_000
LOGIN, PASSWORD = "operator-e2e", "Operator-e2e-pass-1"
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the app did not answer on {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium to run browser tests)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
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
        world_facts = {
            "stages": [stage.name for stage in classifiers.stages],
            "kind": classifiers.kind.name,
            "loss_reason": classifiers.loss_reasons[1].name,
            "claim_reason": claim_reason.name,
            "manager": operator.full_name,
        }
    engine.dispose()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    env |= {"CRM_DATA_DIR": str(data_dir), "CRM_OLTP_URL": db_url, "CRM_LANG": "ru"}
    log = data_dir / "uvicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "operational_app.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, process, log, time.monotonic() + 60)
        yield World(url=url, **world_facts)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def page(world: World) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
            context.close()
        finally:
            browser.close()


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
    page.goto(f"{world.url}/claims")
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
