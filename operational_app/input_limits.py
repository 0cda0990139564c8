"""Input limits applied before any route (and before authentication) runs: no NUL characters,
text that is Unicode, bounded bodies of every type, sane JSON.

NUL characters break PostgreSQL text columns (a 500) and hide text from search; a lone UTF-16
surrogate ("\\ud800" in JSON) or bytes that are not UTF-8 cannot be stored or even echoed in a
validation error (a 500 on both backends). Every query string, URL path, form body and JSON
document is checked here once, so a route written tomorrow is covered too. Refused: 422 (JSON
for /api, an error page for pages). Every request body, whatever its Content-Type (or none), is
bounded by `MAX_BODY_BYTES`: a declared Content-Length above it is refused unread, and a
streamed body is counted as it arrives and refused as soon as it passes the limit (413), so no
one makes the app hold a large body in memory, signed in or not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from operational_app.domain import attachments
from operational_app.i18n import translate

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64
_FORM_TYPE = "application/x-www-form-urlencoded"
_BODYLESS_METHODS = ("GET", "HEAD", "OPTIONS")

# Routes that take attached files (claims and return requests, issue 19) may carry up to
# domain.attachments.MAX_UPLOAD_BODY_BYTES; every other route keeps MAX_BODY_BYTES.
UPLOAD_ROUTE = re.compile(
    r"/(?:portal/(?:claims|returns)"
    r"|(?:portal/|api/portal/|api/v1/)(?:claims|returns|return-requests)/[0-9]+/attachments)"
)


def body_limit(method: str, path: str) -> int:
    """The largest body `method path` may send."""
    if method == "POST" and UPLOAD_ROUTE.fullmatch(path):
        return attachments.MAX_UPLOAD_BODY_BYTES
    return MAX_BODY_BYTES


RenderError = Callable[[Request, int, str, str], Awaitable[Response] | Response]


def _has_encoded_nul(raw: bytes) -> bool:
    # In URL encoding "%00" is the only spelling of NUL ("%2500" is the text "%00").
    return b"\x00" in raw or b"%00" in raw


def _is_unicode(text: str) -> bool:
    """False for a string holding a lone surrogate (JSON's "\\ud800"), which UTF-8 cannot
    encode: the database driver, and the JSON of a validation error echoing it, would fail."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _urlencoded_is_utf8(raw: bytes) -> bool:
    """Whether every name and value of a query string or form body decodes as UTF-8 (Starlette
    would silently turn the rest into U+FFFD)."""
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


def _json_problem(body: bytes) -> str | None:
    """ "nul", "depth" or "text" when the JSON holds a NUL string, is nested absurdly deep or
    holds text that is not Unicode (a lone surrogate)."""
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
            if not _is_unicode(value):
                return "text"
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return "nul"
                if not _is_unicode(key):
                    return "text"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


_JSON_PROBLEM_RULES = {"nul": "nul_byte", "depth": "json_too_deep", "text": "invalid_text"}


def _declared_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None  # the server (h11, httptools) refuses it before we are called


def _body_problem(content_type: str, body: bytes) -> str | None:
    """The rule a (complete, bounded) body breaks, or None."""
    if content_type.startswith("multipart/"):
        return None  # Starlette's parser bounds its own parts; files are checked by type
    if content_type.startswith(_FORM_TYPE):
        if _has_encoded_nul(body):
            return "nul_byte"
        return None if _urlencoded_is_utf8(body) else "invalid_text"
    # JSON, or no Content-Type at all (FastAPI then reads the body as JSON), or any other type:
    # the app takes text only, and bytes that are not UTF-8 would be echoed into an error.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_text"
    if content_type.startswith("application/json") or (not content_type and body.strip()):
        problem = _json_problem(body)
        return None if problem is None else _JSON_PROBLEM_RULES[problem]
    return None


class InputLimitsMiddleware:
    def __init__(self, app: ASGIApp, lang: str = "ru") -> None:
        self.app = app
        self.lang = lang

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        if "\x00" in scope["path"] or _has_encoded_nul(query):
            await self._refuse(scope, receive, send, 422, "nul_byte")
            return
        if query and not _urlencoded_is_utf8(query):
            await self._refuse(scope, receive, send, 422, "invalid_text")
            return
        headers = dict(scope["headers"])
        declared = _declared_length(headers)
        limit = body_limit(scope["method"], scope["path"])
        if declared is not None and declared > limit:
            # Refused unread: the client may stop sending (the server closes the connection).
            await self._refuse(scope, receive, send, 413, "body_too_large", limit)
            return
        if (
            scope["method"] in _BODYLESS_METHODS
            and not declared
            and (b"transfer-encoding" not in headers)
        ):
            await self.app(scope, receive, send)
            return
        # Read the whole body, counting as it arrives, check it, then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, 413, "body_too_large", limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower().strip()
        rule = _body_problem(content_type, body) if body else None
        if rule is not None:
            await self._refuse(scope, receive, send, 422, rule)
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
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        status_code: int,
        rule: str,
        limit: int = MAX_BODY_BYTES,
    ) -> None:
        path = scope["path"]
        if path.startswith("/api/") or path in ("/docs", "/openapi.json"):
            detail = translate(f"rule.{rule}", "en", limit_mb=limit // 2**20)
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
                    "detail": translate(f"rule.{rule}", self.lang, limit_mb=limit // 2**20),
                    "rule": rule,
                },
                status_code=status_code,
            )
        await response(scope, receive, send)
