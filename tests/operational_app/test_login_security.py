"""Sign-in under attack and passwords (issue 16, items 1, 7 and 9).

* the password check runs off the event loop: signed-in requests go on while it works;
* argon2id, and old scrypt hashes still sign in and are rehashed;
* throttling per address and per login, with a message on the form and in the API, logged;
* own password change (page and API), the policy, seeded users sent to the change page unless
  the instance runs in demo mode (then a banner says so);
* security headers and Secure cookies.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.settings import get_settings
from operational_app import auth
from operational_app.db.models import User
from operational_app.login_throttle import LoginThrottle, Policy
from operational_app.main import create_app
from operational_app.seed.users import set_demo_passwords
from tests.operational_app.utils.users import bearer, create_token, create_user, csrf_from, sign_in

API = "/api/v1"
TEMPLATES = Path(auth.__file__).parent / "templates"


def _login(client: TestClient, login: str, password: str, **headers: str):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf_from(page.text)},
        headers=headers,
        follow_redirects=False,
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(anon_client: TestClient) -> FakeClock:
    fake = FakeClock()
    anon_client.app.state.login_throttle.clock = fake  # type: ignore[attr-defined]
    yield fake
    anon_client.app.state.login_throttle.clock = __import__("time").monotonic  # type: ignore[attr-defined]


# Item 1: off the event loop


def test_password_check_runs_off_the_event_loop(
    anon_client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
):
    create_user(db, "manager", login="anna", password="anna-password-1")
    token = create_token(db, create_user(db, "operator"))
    entered, released, finished = threading.Event(), threading.Event(), threading.Event()
    real_verify = auth.verify_password

    def slow_verify(password: str, encoded: str | None) -> bool:
        # Stands for an expensive hash: blocks until the test lets it go (at most 5 s).
        entered.set()
        released.wait(timeout=5)
        finished.set()
        return real_verify(password, encoded)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    page = anon_client.get("/login")
    csrf = csrf_from(page.text)
    outcome: dict[str, int] = {}

    def post_login() -> None:
        response = anon_client.post(
            "/login",
            data={"login": "anna", "password": "anna-password-1", "csrf_token": csrf},
            follow_redirects=False,
        )
        outcome["login"] = response.status_code

    signing_in = threading.Thread(target=post_login)
    signing_in.start()
    try:
        assert entered.wait(timeout=5), "the sign-in never reached the password check"
        response = anon_client.get(f"{API}/deal-kinds", headers=bearer(token))
        # Answered while the password check still blocks: the loop was free.
        answered_during_check = not finished.is_set()
    finally:
        released.set()
        signing_in.join(timeout=10)
    assert response.status_code == 200
    assert answered_during_check
    assert outcome["login"] == 303


def test_old_scrypt_hash_signs_in_and_is_rehashed_to_argon2id(anon_client: TestClient, db: Session):
    user = create_user(db, "manager", login="legacy")
    user.password_hash = auth.hash_password_scrypt("legacy-password-1")
    db.commit()
    assert _login(anon_client, "legacy", "legacy-password-1").status_code == 303
    db.expire_all()
    stored = db.scalars(select(User.password_hash).where(User.login == "legacy")).one()
    assert stored.startswith("$argon2id$")
    anon_client.cookies.clear()
    assert _login(anon_client, "legacy", "legacy-password-1").status_code == 303


# Item 1: throttling


def test_wrong_passwords_for_one_login_are_throttled_with_a_message_and_a_log_line(
    anon_client: TestClient, db: Session, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    create_user(db, "manager", login="anna", password="anna-password-1")
    for _ in range(5):
        assert _login(anon_client, "anna", "wrong-guess-123").status_code == 401
    with caplog.at_level(logging.WARNING, logger="operational_app.login"):
        refused = _login(anon_client, "anna", "anna-password-1")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Слишком много неудачных попыток входа" in refused.text
    assert any("throttled" in record.getMessage() for record in caplog.records)
    # Other logins from elsewhere are not affected ...
    other = create_user(db, "manager", login="boris", password="boris-password-1")
    assert other and _login(anon_client, "boris", "boris-password-1").status_code == 303
    anon_client.cookies.clear()
    # ... and once the wait is over the right password works again; success clears the record.
    clock.now += int(refused.headers["Retry-After"])
    assert _login(anon_client, "anna", "anna-password-1").status_code == 303


def test_backoff_grows_to_a_lockout_and_failures_expire():
    clock = FakeClock()
    throttle = LoginThrottle(
        per_login=Policy(free=3, window=600, lockout=60), per_address=Policy(free=100), clock=clock
    )
    waits = []
    for _ in range(12):
        wait = throttle.begin("10.0.0.1", "anna")
        if wait:
            clock.now += wait
            assert throttle.begin("10.0.0.1", "anna") == 0
        waits.append(wait)
        throttle.failed("10.0.0.1", "anna")
    assert waits[:4] == [0, 0, 0, 1]
    assert waits[4:7] == [2, 4, 8]
    assert max(waits) == 60  # the lockout window caps the backoff
    clock.now += 601
    assert throttle.begin("10.0.0.1", "anna") == 0  # forgotten after the window


def test_attempts_count_from_their_start_so_a_burst_cannot_slip_in():
    throttle = LoginThrottle(
        per_login=Policy(free=5), per_address=Policy(free=20), clock=FakeClock()
    )
    started = [throttle.begin("10.0.0.2", f"user{index}") for index in range(25)]
    assert started[:20] == [0] * 20
    assert all(wait > 0 for wait in started[20:])
    burst = [throttle.begin(f"10.0.1.{index}", "boris") for index in range(8)]
    assert burst[:5] == [0] * 5 and all(burst[5:])


def test_many_logins_from_one_address_are_throttled(
    anon_client: TestClient, db: Session, clock: FakeClock
):
    for index in range(20):
        assert _login(anon_client, f"guess{index}", "wrong-guess-123").status_code == 401
    assert _login(anon_client, "guess-next", "wrong-guess-123").status_code == 429


# Item 7: own password, policy, seeded users


def test_user_changes_their_own_password_on_the_page(anon_client: TestClient, db: Session):
    create_user(db, "operator", login="olga", password="olga-password-1")
    csrf = sign_in(anon_client, "olga", "olga-password-1")
    page = anon_client.get("/account/password")
    assert page.status_code == 200 and 'name="new_password"' in page.text
    wrong = anon_client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "not-my-password",
            "new_password": "Сирень-над-рекой-7",
            "new_password_again": "Сирень-над-рекой-7",
        },
        follow_redirects=False,
    )
    assert wrong.status_code == 403 and "Текущий пароль неверен" in wrong.text
    changed = anon_client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "olga-password-1",
            "new_password": "Сирень-над-рекой-7",
            "new_password_again": "Сирень-над-рекой-7",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    anon_client.cookies.clear()
    assert _login(anon_client, "olga", "olga-password-1").status_code == 401
    assert _login(anon_client, "olga", "Сирень-над-рекой-7").status_code == 303


@pytest.mark.parametrize(
    ("new_password", "rule"),
    [
        ("short-1", "password.too_short"),
        ("ivan.petrov", "password.is_login"),
        ("VORTEP.NAVI", "password.is_login"),
        ("qwerty123456", "password.common"),
        ("Password123", "password.common"),
        ("aaaaaaaaaaaa", "password.common"),
    ],
)
def test_password_policy_in_the_api(
    anon_client: TestClient, db: Session, new_password: str, rule: str
):
    user = create_user(db, "manager", login="ivan.petrov", password="old-password-42")
    headers = bearer(create_token(db, user))
    response = anon_client.post(
        f"{API}/account/password",
        json={"current_password": "old-password-42", "new_password": new_password},
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["rule"] == rule
    db.expire_all()
    stored = db.scalars(select(User.password_hash).where(User.id == user.id)).one()
    assert auth.verify_password("old-password-42", stored)


def test_api_password_change_and_its_throttle(
    anon_client: TestClient, db: Session, clock: FakeClock
):
    user = create_user(db, "manager", login="petr", password="old-password-42")
    headers = bearer(create_token(db, user))
    body = {"current_password": "old-password-42", "new_password": "Новый-пароль-2026"}
    assert (
        anon_client.post(f"{API}/account/password", json=body, headers=headers).status_code == 204
    )
    db.expire_all()
    stored = db.scalars(select(User.password_hash).where(User.id == user.id)).one()
    assert auth.verify_password("Новый-пароль-2026", stored)
    guess = {"current_password": "guess-password", "new_password": "Другой-пароль-2027"}
    for _ in range(5):
        response = anon_client.post(f"{API}/account/password", json=guess, headers=headers)
        assert response.status_code == 403 and response.json()["rule"] == "password.wrong_current"
    throttled = anon_client.post(f"{API}/account/password", json=guess, headers=headers)
    assert throttled.status_code == 429
    assert throttled.json()["rule"] == "auth.throttled"
    assert "Too many failed sign-in attempts" in throttled.json()["detail"]
    assert throttled.headers["Retry-After"] == str(throttled.json()["retry_after"])


def _seeded_user(db: Session) -> User:
    user = create_user(db, "manager", login="seeded", password="demo")
    user.must_change_password = True
    db.commit()
    return user


def test_seeded_user_must_change_the_password_first(anon_client: TestClient, db: Session):
    user = _seeded_user(db)
    response = _login(anon_client, "seeded", "demo")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/account/password")
    page = anon_client.get("/deals", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/account/password")
    form = anon_client.get("/account/password")
    assert "data-password-change-required" in form.text
    token = create_token(db, user)
    api = anon_client.get(f"{API}/deals", headers=bearer(token))
    assert api.status_code == 403 and api.json()["rule"] == "password_change_required"
    changed = anon_client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(form.text),
            "current_password": "demo",
            "new_password": "Мой-собственный-пароль",
            "new_password_again": "Мой-собственный-пароль",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert anon_client.get("/deals", follow_redirects=False).status_code == 200
    assert anon_client.get(f"{API}/deals", headers=bearer(token)).status_code == 200


@pytest.fixture
def demo_client(db_url: str, db: Session, tmp_path: Path) -> Iterator[TestClient]:
    settings = get_settings(
        {"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": str(tmp_path), "CRM_DEMO_MODE": "1"}
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_demo_mode_keeps_seeded_passwords_and_shows_a_banner(demo_client: TestClient, db: Session):
    _seeded_user(db)
    response = _login(demo_client, "seeded", "demo")
    assert response.status_code == 303 and response.headers["location"] == "/"
    home = demo_client.get("/")
    assert home.status_code == 200
    assert "data-demo-mode" in home.text and "Демонстрационный режим" in home.text


def test_no_demo_banner_outside_demo_mode(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="anna-password-1")
    sign_in(anon_client, "anna", "anna-password-1")
    assert "data-demo-mode" not in anon_client.get("/").text


# Item 9: security headers


def test_pages_and_api_carry_security_headers(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="anna-password-1")
    sign_in(anon_client, "anna", "anna-password-1")
    for path in ("/login", "/", "/deals", f"{API}/deal-kinds", "/no-such-page"):
        headers = anon_client.get(path).headers
        csp = headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)  # type: ignore[union-attr]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, path
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    # Error responses of the input limits, before any route, too.
    refused = anon_client.get(f"{API}/partners?q=%00")
    assert refused.headers["X-Frame-Options"] == "DENY"


def test_templates_hold_no_inline_script():
    offending = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        html = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag:
                offending.append(f"{template.name}: {tag}")
        if re.search(r"javascript:", html, re.I):
            offending.append(f"{template.name}: javascript: URL")
        if re.search(r"\son[a-z]+\s*=", html):
            offending.append(f"{template.name}: inline event handler")
        if re.search(r"<style\b|\sstyle\s*=", html):
            offending.append(f"{template.name}: inline style (the CSP allows /static styles only)")
    assert offending == []


def test_cookies_are_secure_when_the_setting_says_https(db_url: str, db: Session, tmp_path: Path):
    create_user(db, "manager", login="anna", password="anna-password-1")
    # Plain HTTP without the setting: cookies work without Secure (a local `make app`).
    settings = get_settings({"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": str(tmp_path)})
    with TestClient(create_app(settings)) as client:
        response = _login(client, "anna", "anna-password-1")
        assert response.status_code == 303
        assert "secure" not in _cookie(response, auth.SESSION_COOKIE)
    # Behind a TLS proxy the app sees HTTP: CRM_SECURE_COOKIES=1 marks every cookie Secure.
    settings = get_settings(
        {"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": str(tmp_path), "CRM_SECURE_COOKIES": "1"}
    )
    with TestClient(create_app(settings)) as client:
        page = client.get("/login")
        assert "secure" in _cookie(page, "crm_login_csrf")
        assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    # Served over HTTPS directly: Secure without the setting.
    settings = get_settings({"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": str(tmp_path)})
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        response = _login(client, "anna", "anna-password-1")
        assert response.status_code == 303
        assert "secure" in _cookie(response, auth.SESSION_COOKIE)


def _cookie(response: object, name: str) -> str:
    return next(
        value.lower()
        for header, value in response.headers.multi_items()  # type: ignore[attr-defined]
        if header == "set-cookie" and value.startswith(name + "=")
    )


def test_the_demo_seed_marks_its_users_for_a_password_change(db: Session, db_url: str):
    create_user(db, "operator", login="op")
    create_user(db, "manager", login="keeps", password="own-password-1")
    set_demo_passwords(db_url, "demo")
    db.expire_all()
    flags = {user.login: user.must_change_password for user in db.scalars(select(User))}
    assert flags == {"op": True, "keeps": False}


def test_demo_mode_and_secure_cookie_settings_are_flags():
    assert get_settings({"CRM_DEMO_MODE": "1"}).demo_mode
    assert not get_settings({"CRM_DEMO_MODE": "0"}).demo_mode
    assert not get_settings({}).secure_cookies
    assert get_settings({"CRM_SECURE_COOKIES": "true"}).secure_cookies
    with pytest.raises(ValueError, match="CRM_DEMO_MODE"):
        get_settings({"CRM_DEMO_MODE": "maybe"})


def test_administrator_forms_apply_the_password_policy(client: TestClient, db: Session):
    short = client.post(
        "/admin/users",
        data={"login": "vera", "full_name": "Вера", "role": "operator", "password": "short-1"},
    )
    assert short.status_code == 422 and "не короче 10 символов" in short.text
    as_login = client.post(
        "/admin/users",
        data={"login": "vera.ivanova", "full_name": "Вера", "role": "operator",
              "password": "Vera.Ivanova"},
    )  # fmt: skip
    assert as_login.status_code == 422 and "не должен совпадать с логином" in as_login.text
    assert db.scalars(select(User).where(User.login.like("vera%"))).first() is None
    user = create_user(db, "operator", login="gleb", password="gleb-password-1")
    common = client.post(f"/admin/users/{user.id}/password", data={"password": "qwerty123456"})
    assert common.status_code == 422 and "распространённый" in common.text
