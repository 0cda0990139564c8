"""Input limits applied before any route runs: no NUL characters, bounded bodies, sane JSON.

NUL characters break PostgreSQL text columns (a 500) and hide text from search; every
query string, URL path, form body and JSON string is checked here once, so a route written
tomorrow is covered too. Refused: 422 (JSON for /api, an error page for pages); bodies
above `MAX_BODY_BYTES`: 413.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from operational_app.i18n import translate

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64
_CHECKED_TYPES = ("application/x-www-form-urlencoded", "application/json")

RenderError = Callable[[Request, int, str, str], Awaitable[Response] | Response]


def _has_encoded_nul(raw: bytes) -> bool:
    # In URL encoding "%00" is the only spelling of NUL ("%2500" is the text "%00").
    return b"\x00" in raw or b"%00" in raw


def _json_problem(body: bytes) -> str | None:
    """ "nul" or "depth" when the JSON holds a NUL string or is nested absurdly deep."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        # Malformed JSON is FastAPI's to report (422); a RecursionError would have been a 500.
        return "depth" if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH else None
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return "depth"
        if isinstance(value, str):
            if "\x00" in value:
                return "nul"
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return "nul"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


class InputLimitsMiddleware:
    def __init__(self, app: ASGIApp, lang: str = "ru") -> None:
        self.app = app
        self.lang = lang

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or _has_encoded_nul(scope.get("query_string", b"")):
            await self._refuse(scope, receive, send, 422, "nul_byte")
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if scope["method"] in ("GET", "HEAD", "OPTIONS") or not content_type.startswith(
            _CHECKED_TYPES
        ):
            await self.app(scope, receive, send)
            return
        # Read the whole (bounded) body, check it, then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await self._refuse(scope, receive, send, 413, "body_too_large")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if content_type.startswith("application/json"):
            problem = _json_problem(body)
            if problem is not None:
                rule = "nul_byte" if problem == "nul" else "json_too_deep"
                await self._refuse(scope, receive, send, 422, rule)
                return
        elif _has_encoded_nul(body):
            await self._refuse(scope, receive, send, 422, "nul_byte")
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status_code: int, rule: str
    ) -> None:
        path = scope["path"]
        if path.startswith("/api/") or path in ("/docs", "/openapi.json"):
            detail = translate(f"rule.{rule}", "en")
            response: Response = JSONResponse(
                {"detail": detail, "rule": rule}, status_code=status_code
            )
        else:
            request = Request(scope, receive)
            templates = scope["app"].state.templates
            response = templates.TemplateResponse(
                request,
                "error.html",
                {
                    "status_code": status_code,
                    "detail": translate(f"rule.{rule}", self.lang),
                    "rule": rule,
                },
                status_code=status_code,
            )
        await response(scope, receive, send)
