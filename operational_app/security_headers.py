"""Security headers on every response of the app (issue 16, item 9).

* Content-Security-Policy: scripts, styles, images, fonts and form targets from this origin
  only; no inline script, no plugins, no <base> tricks; `frame-ancestors 'none'` (with
  X-Frame-Options DENY for older browsers), so no other site can frame a page (clickjacking).
  The templates carry no inline script or style; interactive bits live in /static files.
  /docs (Swagger UI) is FastAPI's page: it loads its script and style from a CDN and starts
  with an inline script, so it gets a CSP that allows exactly that and still no framing.
* X-Content-Type-Options: nosniff; Referrer-Policy: same-origin (URLs with filters and ids
  never leave the site).
* Strict-Transport-Security when the request came over HTTPS or CRM_SECURE_COOKIES=1 says
  the app is served over HTTPS behind a proxy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {_DOCS_CDN}; "
    f"style-src 'self' {_DOCS_CDN}; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] in _DOCS_PATHS else APP_CSP
        https = scope.get("scheme") == "https" or self.secure_cookies

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", csp)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
