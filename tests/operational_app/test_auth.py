"""Users and security: hashing, tokens, roles, CSRF, input limits; every route is guarded."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.settings import get_settings
from operational_app import auth, input_limits
from operational_app.api.deps import require_role
from operational_app.db.models import ApiToken, DealStageHistory, Partner, User, utc_now
from operational_app.main import create_app
from tests.operational_app.utils.factories import Classifiers, legal_entity_inn
from tests.operational_app.utils.users import bearer, create_token, create_user, sign_in

API = "/api/v1"


def _partner_body(name: str = "ООО Ромашка") -> dict[str, object]:
    return {
        "name": name,
        "kind": "customer",
        "counterparty": {
            "legal_form": "legal_entity",
            "inn": legal_entity_inn(),
            "kpp": "770101001",
            "legal_name": name,
        },
    }


def _partner_count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Partner)) or 0


# Passwords


def test_password_round_trip_and_wrong_password():
    for encoded in (
        auth.hash_password("correct horse"),
        auth.hash_password_scrypt("correct horse", auth.ScryptParams()),
    ):
        assert auth.verify_password("correct horse", encoded)
        assert not auth.verify_password("correct horsE", encoded)
        assert not auth.verify_password("", encoded)


def test_production_hasher_is_argon2id_at_owasp_parameters():
    # OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (tests use a cheap one).
    encoded = auth.make_password_hasher().hash("correct horse battery")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_password_hash_has_a_per_user_salt_and_raisable_parameters(
    monkeypatch: pytest.MonkeyPatch,
):
    first, second = auth.hash_password("same"), auth.hash_password("same")
    assert first.startswith("$argon2id$")
    assert first != second
    assert auth.verify_password("same", first) and auth.verify_password("same", second)
    assert not auth.needs_rehash(first)
    assert auth.needs_rehash(auth.hash_password_scrypt("same"))
    assert auth.needs_rehash(None)
    stronger = auth.make_password_hasher(time_cost=2, memory_kib=128)
    monkeypatch.setattr(auth, "PASSWORD_HASHER", stronger)
    assert auth.needs_rehash(first)


@pytest.mark.parametrize(
    "encoded",
    [None, "", "plain", "bcrypt$x$y$z", "scrypt$n=3,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
     "scrypt$n=1024,r=8,p=1$!!$!!", "scrypt$n=2097152,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$"
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
     # argon2 asking for 4 GiB or a million passes: refused before hashing
     "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
     "$argon2id$v=19$m=64,t=1000000,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
     "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"],
)  # fmt: skip
def test_malformed_or_hostile_hash_never_matches(encoded: str | None):
    assert not auth.verify_password("anything", encoded)


def test_password_with_nul_is_refused():
    with pytest.raises(auth.PasswordRejected):
        auth.hash_password("a\x00b")
    with pytest.raises(auth.PasswordRejected):
        auth.check_new_password("short")


def test_role_order():
    assert auth.role_at_least("administrator", "manager")
    assert auth.role_at_least("manager", "manager")
    assert not auth.role_at_least("operator", "manager")
    assert not auth.role_at_least("nobody", "operator")
    with pytest.raises(ValueError):
        auth.role_at_least("manager", "boss")


# Every route is guarded


PUBLIC_PATHS = {
    "/login",
    "/logout",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/openapi.json",
    # The portal's own sign-in and invite acceptance (issue 19).
    "/portal/login",
    "/portal/logout",
    "/portal/invite/{token}",
}


def _endpoints(routes: list[object]) -> list[tuple[str, str]]:
    """(method, path) of every route, also inside FastAPI's lazily included routers."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if hasattr(route, "effective_candidates"):  # an included router (FastAPI >= 0.16x)
            found += _endpoints(route.effective_candidates())
            continue
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or getattr(original, "path", None)
        for method in getattr(original, "methods", None) or ():
            if path and method != "HEAD":
                found.append((method, path))
    return found


def test_every_route_but_login_requires_a_signed_in_user(anon_client: TestClient):
    endpoints = _endpoints(anon_client.app.routes)
    paths = {path for _, path in endpoints}
    # The walk must see routers included by every part of the app, or the test proves nothing.
    assert {"/api/v1/partners", "/api/v1/deals/{deal_id}", "/deals", "/admin/users"} <= paths
    open_routes = []
    for method, path in endpoints:
        if path in PUBLIC_PATHS:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = anon_client.request(method, url, follow_redirects=False)
        # Portal pages send a visitor to the portal's own sign-in page.
        login = (
            "/portal/login"
            if path.startswith(("/portal/", "/portal?")) or path == "/portal"
            else "/login"
        )
        signed_out = response.status_code == 401 or (
            response.status_code == 303 and response.headers["location"].startswith(login)
        )
        if not signed_out:
            open_routes.append((method, path, response.status_code))
    assert open_routes == []


# Unauthenticated requests


def test_api_without_credentials_is_401(anon_client: TestClient):
    response = anon_client.get(f"{API}/partners")
    assert response.status_code == 401
    assert response.json()["rule"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"
    assert anon_client.post(f"{API}/partners", json=_partner_body()).status_code == 401


def test_page_without_session_redirects_to_login(anon_client: TestClient):
    response = anon_client.get("/deals?status=won", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/deals%3Fstatus%3Dwon"
    assert anon_client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_docs_stay_public_but_describe_bearer_auth(anon_client: TestClient):
    assert anon_client.get("/docs").status_code == 200
    schema = anon_client.get("/openapi.json").json()
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_garbage_bearer_token_is_401(anon_client: TestClient, db: Session):
    for header in ("Bearer nope", "Bearer " + "x" * 5000, "Basic abc", "Bearer"):
        response = anon_client.get(f"{API}/partners", headers={"Authorization": header})
        assert response.status_code == 401, header


# API tokens


def test_token_authenticates_and_records_last_use(anon_client: TestClient, db: Session):
    user = create_user(db, "operator")
    token = create_token(db, user)
    assert db.scalar(select(ApiToken.token_hash)) == auth.token_digest(token)
    assert token not in db.scalar(select(ApiToken.token_hash))
    assert anon_client.get(f"{API}/partners", headers=bearer(token)).status_code == 200
    db.expire_all()
    assert db.scalar(select(ApiToken.last_used_at)) is not None


def test_revoked_token_is_rejected(anon_client: TestClient, db: Session):
    token = create_token(db, create_user(db, "manager"))
    assert anon_client.get(f"{API}/partners", headers=bearer(token)).status_code == 200
    row = db.scalars(select(ApiToken)).one()
    auth.revoke_api_token(db, row)
    db.commit()
    assert anon_client.get(f"{API}/partners", headers=bearer(token)).status_code == 401


def test_expired_token_is_rejected(anon_client: TestClient, db: Session):
    user = create_user(db, "manager")
    expired = create_token(db, user, expires_at=utc_now() - dt.timedelta(seconds=1))
    live = create_token(db, user, name="live", expires_at=utc_now() + dt.timedelta(days=1))
    assert anon_client.get(f"{API}/partners", headers=bearer(expired)).status_code == 401
    assert anon_client.get(f"{API}/partners", headers=bearer(live)).status_code == 200


def test_deactivated_users_token_is_rejected(anon_client: TestClient, db: Session):
    user = create_user(db, "administrator")
    token = create_token(db, user)
    user.is_active = False
    db.commit()
    assert anon_client.get(f"{API}/partners", headers=bearer(token)).status_code == 401


def test_soft_deleted_token_or_user_is_rejected(anon_client: TestClient, db: Session):
    user = create_user(db, "manager")
    first, second = create_token(db, user), create_token(db, user, name="second")
    db.scalars(select(ApiToken).where(ApiToken.name != "second")).one().deleted_at = utc_now()
    db.commit()
    assert anon_client.get(f"{API}/partners", headers=bearer(first)).status_code == 401
    assert anon_client.get(f"{API}/partners", headers=bearer(second)).status_code == 200
    user.deleted_at = utc_now()
    db.commit()
    assert anon_client.get(f"{API}/partners", headers=bearer(second)).status_code == 401


# Roles


@pytest.mark.parametrize("role", ["operator", "manager"])
def test_non_administrator_is_forbidden_from_user_admin(
    anon_client: TestClient, db: Session, role: str
):
    headers = bearer(create_token(db, create_user(db, role)))
    response = anon_client.get("/admin/users", headers=headers)
    assert response.status_code == 403
    assert 'data-rule="role_required"' in response.text
    before = db.scalar(select(func.count()).select_from(User))
    response = anon_client.post(
        "/admin/users",
        headers=headers,
        data={"login": "mallory", "full_name": "M", "role": "administrator", "password": "x" * 12},
    )
    assert response.status_code == 403
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(User)) == before
    # Their own tokens page is theirs to use.
    assert anon_client.get("/admin/tokens", headers=headers).status_code == 200


def test_require_role_in_every_spelling(db: Session, db_url: str, tmp_path):  # noqa: ANN001
    router = APIRouter()

    @router.get("/api/v1/probe/a", dependencies=[require_role("manager")])
    def probe_a() -> dict[str, str]:
        return {"ok": "a"}

    @router.get("/api/v1/probe/b", dependencies=[Depends(require_role("manager"))])
    def probe_b() -> dict[str, str]:
        return {"ok": "b"}

    @router.get("/api/v1/probe/c")
    def probe_c(user: Annotated[User, require_role("manager")]) -> dict[str, str]:
        return {"ok": user.login}

    settings = get_settings({"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": str(tmp_path)})
    app = create_app(settings)
    app.include_router(router)
    operator = bearer(create_token(db, create_user(db, "operator")))
    manager_user = create_user(db, "manager", login="boss")
    manager = bearer(create_token(db, manager_user))
    with TestClient(app) as probe:
        for path in ("a", "b", "c"):
            assert probe.get(f"/api/v1/probe/{path}").status_code == 401
            refused = probe.get(f"/api/v1/probe/{path}", headers=operator)
            assert refused.status_code == 403 and refused.json()["rule"] == "role_required"
            assert probe.get(f"/api/v1/probe/{path}", headers=manager).status_code == 200
        assert probe.get("/api/v1/probe/c", headers=manager).json() == {"ok": "boss"}


# The signed-in user reaches the domain


def test_deal_stage_history_records_the_acting_user(
    client: TestClient, db: Session, classifiers: Classifiers, admin: User
):
    partner = client.post(f"{API}/partners", json=_partner_body()).json()
    deal = client.post(
        f"{API}/deals",
        json={"partner_id": partner["id"], "deal_kind_id": classifiers.kind.id, "name": "Поставка"},
    ).json()
    operator = create_user(db, "operator")
    response = client.post(
        f"{API}/deals/{deal['id']}/advance",
        json={"stage_id": classifiers.stages[2].id},
        headers=bearer(create_token(db, operator)),
    )
    assert response.status_code == 200
    users = db.scalars(
        select(DealStageHistory.user_id)
        .where(DealStageHistory.deal_id == deal["id"])
        .order_by(DealStageHistory.id)
    ).all()
    assert users == [admin.id, operator.id, operator.id]


# CSRF


def test_session_api_call_needs_the_csrf_header(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="anna-password")
    csrf = sign_in(anon_client, "anna", "anna-password")
    assert anon_client.get(f"{API}/partners").status_code == 200  # reading needs no token
    refused = anon_client.post(f"{API}/partners", json=_partner_body())
    assert refused.status_code == 403 and refused.json()["rule"] == "csrf"
    wrong = anon_client.post(
        f"{API}/partners", json=_partner_body(), headers={"X-CSRF-Token": csrf[:-2] + "xx"}
    )
    assert wrong.status_code == 403
    assert _partner_count(db) == 0
    done = anon_client.post(f"{API}/partners", json=_partner_body(), headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201
    assert _partner_count(db) == 1


def test_form_post_without_or_with_wrong_csrf_changes_nothing(
    anon_client: TestClient, db: Session, classifiers: Classifiers
):
    create_user(db, "operator", login="olga", password="olga-password")
    csrf = sign_in(anon_client, "olga", "olga-password")
    form = {
        "name": "ООО Лютик",
        "kind": "customer",
        "legal_form": "legal_entity",
        "inn": legal_entity_inn(),
        "kpp": "770101001",
        "legal_name": "ООО Лютик",
    }
    for token in (None, "", "forged", csrf.upper()):
        data = dict(form) if token is None else {**form, "csrf_token": token}
        response = anon_client.post("/partners", data=data, follow_redirects=False)
        assert response.status_code == 403, token
        assert 'data-rule="csrf"' in response.text
    assert _partner_count(db) == 0
    response = anon_client.post(
        "/partners", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert _partner_count(db) == 1


def test_pages_render_the_csrf_field_in_every_post_form(anon_client: TestClient, db: Session):
    create_user(db, "administrator", login="root", password="root-password")
    csrf = sign_in(anon_client, "root", "root-password")
    for path in ("/partners/new", "/deals/new", "/admin/users", "/admin/tokens"):
        html = anon_client.get(path).text
        forms = html.count('<form method="post"')
        assert forms >= 1
        assert html.count(f'name="csrf_token" value="{csrf}"') == forms, path


# Input limits


def test_nul_byte_in_json_is_422_and_nothing_is_stored(client: TestClient, db: Session):
    body = _partner_body()
    body["counterparty"]["legal_address"] = "Москва\x00"  # type: ignore[index]
    response = client.post(f"{API}/partners", json=body)
    assert response.status_code == 422
    assert response.json()["rule"] == "nul_byte"
    response = client.post(f"{API}/partners", json={"na\x00me": "x"})
    assert response.status_code == 422
    assert _partner_count(db) == 0


def test_nul_byte_in_query_or_form_is_422(client: TestClient, db: Session):
    assert client.get(f"{API}/partners?q=a%00b").status_code == 422
    page = client.get("/partners?q=%00")
    assert page.status_code == 422 and 'data-rule="nul_byte"' in page.text
    form = client.post("/partners", data={"name": "a\x00b"})
    assert form.status_code == 422 and 'data-rule="nul_byte"' in form.text
    # "%2500" is the harmless text "%00".
    assert client.get(f"{API}/partners?q=%2500").status_code == 200
    assert _partner_count(db) == 0


def test_absurd_json_and_overflowing_numbers_are_422_not_500(client: TestClient):
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(
        f"{API}/partners", content=deep, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert client.get(f"{API}/partners/{2**70}").status_code == 422
    assert client.get(f"{API}/deals?limit=99999999999999999999").status_code == 422


def test_oversized_body_is_413(client: TestClient):
    response = client.post(
        f"{API}/partners",
        content=b'{"name": "' + b"a" * (3 * 1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_every_post_form_in_the_templates_carries_the_csrf_field():
    templates = Path(auth.__file__).parent / "templates"
    missing = []
    for template in sorted(templates.rglob("*.html")):
        html = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S):
            if "csrf_field()" not in match.group(1):
                missing.append(f"{template.relative_to(templates)}: {match.group(0)[:60]}")
    assert missing == []


# Credentials revoked with the account (#16 item 6)


def test_password_reset_revokes_the_users_api_tokens(client: TestClient, db: Session):
    user = create_user(db, "manager")
    token = create_token(db, user)
    other = create_token(db, create_user(db, "operator"))
    response = client.post(
        f"/admin/users/{user.id}/password",
        data={"password": "новый-пароль-2026"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    # The request's own Authorization header replaces the administrator's.
    assert client.get(f"{API}/partners", headers=bearer(token)).status_code == 401
    assert client.get(f"{API}/partners", headers=bearer(other)).status_code == 200


def test_deactivation_revokes_tokens_and_reactivation_does_not_revive_them(
    client: TestClient, db: Session
):
    user = create_user(db, "manager")
    token = create_token(db, user)
    assert (
        client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=False).status_code == 303
    )
    assert (
        client.post(f"/admin/users/{user.id}/activate", follow_redirects=False).status_code == 303
    )
    assert client.get(f"{API}/partners", headers=bearer(token)).status_code == 401
    db.expire_all()
    assert db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one().revoked_at


# Bodies: every content type bounded before authentication (#16 item 2)


def test_body_without_content_type_is_bounded_before_authentication(anon_client: TestClient):
    big = b"a" * (input_limits.MAX_BODY_BYTES + 1)
    for headers in (
        {},
        {"Content-Type": "application/octet-stream"},
        {"Content-Type": "text/plain"},
    ):
        response = anon_client.post(f"{API}/partners", content=big, headers=headers)
        assert response.status_code == 413, headers
        assert response.json()["rule"] == "body_too_large"
        assert "MB" in response.json()["detail"]
    page = anon_client.post("/login", content=big)
    assert page.status_code == 413 and 'data-rule="body_too_large"' in page.text


def _run_asgi(app: object, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> dict:
    """Drive a raw ASGI app with a POST whose body arrives in `chunks`; returns what it did."""
    import asyncio

    record: dict = {"read": 0, "status": None, "inner_called": False}
    remaining = list(chunks)

    async def receive() -> dict:
        chunk = remaining.pop(0) if remaining else b""
        record["read"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(remaining)}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            record["status"] = message["status"]

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/partners",
        "query_string": b"",
        "headers": headers,
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    return record


def _inner_app(record: dict):  # noqa: ANN202
    async def app(scope, receive, send) -> None:  # noqa: ANN001
        record["inner_called"] = True
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_declared_content_length_over_the_limit_is_refused_unread():
    record: dict = {}
    middleware = input_limits.InputLimitsMiddleware(_inner_app(record))
    declared = str(input_limits.MAX_BODY_BYTES + 1).encode()
    done = _run_asgi(middleware, [(b"content-length", declared)], [b"x" * 1024] * 5)
    assert done["status"] == 413 and done["read"] == 0 and not record


def test_streamed_body_is_counted_whatever_its_type():
    record: dict = {}
    middleware = input_limits.InputLimitsMiddleware(_inner_app(record))
    chunk = b"x" * (256 * 1024)
    chunks = [chunk] * (input_limits.MAX_BODY_BYTES // len(chunk) + 2)
    done = _run_asgi(middleware, [(b"content-type", b"application/zip")], chunks)
    assert done["status"] == 413 and not record
    assert done["read"] <= input_limits.MAX_BODY_BYTES + len(chunk)
    small = _run_asgi(middleware, [], [b"abc"])
    assert small["status"] == 200 and record["inner_called"]


# Text that is not Unicode (#16 item 10)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b'{"name": "\\ud800x", "kind": "customer"}', {"Content-Type": "application/json"}),
        (b'{"name": "\\udfff", "kind": "customer"}', {"Content-Type": "application/json"}),
        (b'{"na\\ud800me": "x"}', {"Content-Type": "application/json"}),
        (b'{"name": "\xff\xfe", "kind": "customer"}', {}),
        (b'{"name": "\xed\xa0\x80", "kind": "customer"}', {"Content-Type": "application/json"}),
        (b'{"name": "\\ud800x"}', {}),
    ],
)
def test_lone_surrogates_and_invalid_utf8_are_422(
    client: TestClient, db: Session, body: bytes, headers: dict[str, str]
):
    response = client.post(f"{API}/partners", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["rule"] == "invalid_text"
    assert "UTF-8" in response.json()["detail"]
    assert _partner_count(db) == 0


def test_invalid_utf8_in_a_form_or_query_is_422(client: TestClient, db: Session):
    assert client.get(f"{API}/partners?q=%ED%A0%80").status_code == 422
    page = client.post(
        "/partners",
        content=b"name=%ED%A0%80",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 422 and 'data-rule="invalid_text"' in page.text
    assert _partner_count(db) == 0
