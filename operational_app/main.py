"""FastAPI app factory: `uvicorn operational_app.main:create_app --factory`.

Nothing happens at import time; the schema is brought to head when the app starts, so a fresh
SQLite file or an empty PostgreSQL database just works.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool

from crm.settings import Settings, get_settings
from operational_app import auth
from operational_app.api.deps import HOT_WRITERS_POSTGRES, current_user
from operational_app.api.main import api_router
from operational_app.api.openapi_docs import install as install_openapi_docs
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.session import create_oltp_engine
from operational_app.domain.errors import DomainError
from operational_app.i18n import translate
from operational_app.input_limits import InputLimitsMiddleware
from operational_app.login_throttle import LoginThrottle
from operational_app.portal.pages.account import portal_login_url, portal_password_change_url
from operational_app.portal.routing import include_portal
from operational_app.security_headers import SecurityHeadersMiddleware
from operational_app.web import (
    admin_classifiers,
    agreements,
    auth_pages,
    claims,
    contact_changes,
    contacts,
    deals,
    desktop,
    engagement,
    gift_certificates,
    home,
    interactions,
    intercompany,
    invoices,
    offers,
    orders,
    organizations,
    partners,
    portal_invites,
    products,
    retail,
    returns,
    sales,
    sales_plans,
    warehouses,
)
from operational_app.web.formatting import install_filters

PACKAGE_DIR = Path(__file__).parent
PASSWORD_WORKERS = max(1, (os.cpu_count() or 2) // 2)
PASSWORD_THREAD_NICENESS = 10
logger = logging.getLogger(__name__)

# Page routers: each is included with `Depends(current_user)` (sign-in required; non-GET
# requests from a browser session must carry the CSRF token). Append new page routers here.
# Public: /login and /logout (auth_pages.public_router), /static, /docs and /openapi.json.
PAGE_ROUTERS = [
    home.router,
    partners.router,
    deals.router,
    auth_pages.router,
    contacts.router,
    interactions.router,
    claims.router,
    admin_classifiers.router,
    products.router,
    warehouses.router,
    gift_certificates.router,
    agreements.router,
    offers.router,
    orders.router,
    invoices.router,
    organizations.router,
    returns.router,
    contact_changes.router,
    portal_invites.router,
    intercompany.router,
    sales_plans.router,
    desktop.router,
    retail.router,
]


def _lower_priority() -> None:
    """Password hashing threads yield the CPU to request handling (Linux: nice is per thread).
    A flood of sign-ins then slows sign-ins, not the signed-in users' requests."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PASSWORD_THREAD_NICENESS)
    except (OSError, AttributeError):
        pass  # another OS, or not allowed: hashing still runs off the event loop


def _sqlite_unicode_lower(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
    # SQLite's lower() folds ASCII only; names are Cyrillic, so case-insensitive search
    # ("ромашка" finds "ООО Ромашка") needs Python's Unicode-aware lower().
    dbapi_connection.create_function(
        "lower",
        1,
        lambda value: value.lower() if isinstance(value, str) else value,
        deterministic=True,
    )


def _create_engine(url: str, **options: Any) -> Engine:
    engine = create_oltp_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_unicode_lower)
    return engine


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/docs", "/openapi.json")


def _error_response(
    request: Request, status_code: int, detail: str, rule: str, field: str | None = None
) -> Response:
    if _wants_json(request):
        content: dict[str, object] = {"detail": detail, "rule": rule}
        if field is not None:
            content["field"] = field
        return JSONResponse(status_code=status_code, content=content)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status_code": status_code, "detail": detail, "rule": rule},
        status_code=status_code,
    )


def _is_portal(request: Request) -> bool:
    path = request.url.path
    return path == "/portal" or path.startswith(("/portal/", "/api/portal/"))


def _install_error_handlers(app: FastAPI) -> None:
    lang = app.state.settings.lang

    @app.exception_handler(auth.NotAuthenticated)
    async def not_authenticated(request: Request, exc: auth.NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse(
                status_code=401,
                content={"detail": str(exc), "rule": "not_authenticated"},
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path
        if request.method == "GET" and request.url.query:
            target += "?" + request.url.query
        if _is_portal(request):
            return RedirectResponse(portal_login_url(target), status_code=303)
        return RedirectResponse(auth_pages.login_url(target), status_code=303)

    @app.exception_handler(auth.OperatorsOnly)
    async def operators_only(request: Request, exc: auth.OperatorsOnly) -> Response:
        # A portal user who followed an operator link lands on their own pages.
        if request.method == "GET" and not _wants_json(request):
            return RedirectResponse("/portal", status_code=303)
        return await domain_error(request, exc)

    @app.exception_handler(auth.PasswordChangeRequired)
    async def password_change_required(
        request: Request, exc: auth.PasswordChangeRequired
    ) -> Response:
        if _wants_json(request):
            return JSONResponse(
                status_code=403,
                content={
                    "detail": "Change your password first: POST /api/v1/account/password.",
                    "rule": "password_change_required",
                },
            )
        target = request.url.path
        if request.method == "GET" and request.url.query:
            target += "?" + request.url.query
        if _is_portal(request):
            return RedirectResponse(portal_password_change_url(target), status_code=303)
        return RedirectResponse(auth_pages.password_change_url(target), status_code=303)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        detail = exc.message
        if not _wants_json(request):
            detail = translate(f"rule.{exc.rule}", lang, default=exc.message, **exc.params)
        return _error_response(request, exc.status_code, detail, exc.rule, exc.field)

    @app.exception_handler(StaleDataError)
    async def stale_data(request: Request, exc: StaleDataError) -> Response:
        # The version check passed but another writer committed first (a true race).
        return _error_response(
            request,
            409,
            translate("rule.stale_version", "en" if _wants_json(request) else lang),
            "stale_version",
        )

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> Response:
        logger.warning("integrity error: %s", exc.orig)
        return _error_response(
            request,
            409,
            "The change conflicts with data already stored (a duplicate or a missing "
            "reference); nothing was saved.",
            "integrity",
        )

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> Response:
        logger.warning("data error: %s", exc.orig)
        return _error_response(
            request, 422, "A value is out of the range the database accepts.", "data_range"
        )


@pass_context
def _csrf_field(context: dict) -> Markup:
    """`{{ csrf_field() }}` inside every `<form method="post">`: the session's CSRF token."""
    request = context.get("request")
    token = getattr(request.state, "csrf_token", None) if request is not None else None
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        auth.CSRF_FORM_FIELD, token or ""
    )


@pass_context
def _template_user(context: dict) -> object:
    """`{{ current_user() }}`: the signed-in user of this request, or None."""
    request = context.get("request")
    return getattr(request.state, "user", None) if request is not None else None


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Upgrade the schema, then open the engines and executors the requests share."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade_to_head(settings.oltp_url)
        engine = _create_engine(settings.oltp_url)
        # Sign-in lookups run on the event loop (api/deps.py). They get a connection of their
        # own: waiting on the shared pool there would deadlock once every pooled connection sat
        # in a request whose session the loop has yet to close. A lookup is one SELECT: on
        # PostgreSQL autocommit spares it the BEGIN and ROLLBACK round trips, which the loop
        # would wait for (SQLite's driver starts no transaction for a SELECT anyway).
        lookup_options: dict[str, Any] = {"poolclass": StaticPool}
        if make_url(settings.oltp_url).get_backend_name() == "postgresql":
            lookup_options["isolation_level"] = "AUTOCOMMIT"
        lookup_engine = _create_engine(settings.oltp_url, **lookup_options)
        app.state.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        # For writes that are one statement each (api/deps.py run_write). On SQLite the same
        # work is several statements sharing a transaction, and writers take turns per
        # transaction (db/session.py): only PostgreSQL gets autocommit.
        app.state.autocommit_session_factory = (
            sessionmaker(
                bind=engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
            if engine.dialect.name == "postgresql"
            else app.state.session_factory
        )
        app.state.lookup_engine = lookup_engine
        # Hot writes (api/deps.py run_write) run here: SQLite takes one writer at a time, so one
        # thread; PostgreSQL takes several.
        writers = 1 if engine.dialect.name == "sqlite" else HOT_WRITERS_POSTGRES
        app.state.write_executor = ThreadPoolExecutor(writers, thread_name_prefix="crm-write")
        # Password hashes (argon2id, ~20 ms of one core each) run here, off the event loop and
        # never more at once than half the cores: a flood of sign-ins queues instead of
        # starving signed-in requests (bench/bench_login.py).
        app.state.password_executor = ThreadPoolExecutor(
            PASSWORD_WORKERS, thread_name_prefix="crm-password", initializer=_lower_priority
        )
        try:
            yield
        finally:
            app.state.password_executor.shutdown(wait=True)
            app.state.write_executor.shutdown(wait=True)
            engine.dispose()
            lookup_engine.dispose()

    return lifespan


def _templates(settings: Settings) -> Jinja2Templates:
    """The pages' templates with the globals and filters every page uses."""
    templates = Jinja2Templates(directory=PACKAGE_DIR / "templates")
    templates.env.globals["t"] = lambda key, **params: translate(key, settings.lang, **params)
    templates.env.globals["lang"] = settings.lang
    templates.env.globals["demo_mode"] = settings.demo_mode
    templates.env.globals["csrf_field"] = _csrf_field
    templates.env.globals["current_user"] = _template_user
    templates.env.globals.update(engagement.template_globals())
    templates.env.globals.update(sales.template_globals())
    templates.env.globals.update(returns.template_globals())
    templates.env.globals.update(invoices.template_globals())
    install_filters(templates.env, settings.lang)
    return templates


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    app = FastAPI(
        title="CRM operational app",
        version="1",
        summary="Partners, counterparties and customer deals (1C:КА sales model).",
        lifespan=_lifespan(settings),
        # No OpenTelemetry providers are configured here; left on, FastAPI looks the global
        # ones up on every request (about 2% of a stage change's CPU, bench/bench_api.py).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle()
    app.state.templates = _templates(settings)
    _install_error_handlers(app)
    app.add_middleware(InputLimitsMiddleware, lang=settings.lang)
    # Added last, so outermost: error pages and the input limits' refusals get the headers too.
    app.add_middleware(SecurityHeadersMiddleware, secure_cookies=settings.secure_cookies)
    app.include_router(api_router)
    app.include_router(auth_pages.public_router)
    for router in PAGE_ROUTERS:
        app.include_router(router, dependencies=[Depends(current_user)])
    include_portal(app)
    install_openapi_docs(app)
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    return app
