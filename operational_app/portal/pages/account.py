"""Portal pages: signing in and out, accepting an invite, the password, the home page
(issue 19). Every query goes through the customer's PortalScope."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter

router = APIRouter(prefix="/portal", include_in_schema=False)
# Pages a visitor reaches before signing in (sign-in, accepting an invite): no customer needed.
public_router = APIRouter(prefix="/portal", include_in_schema=False)


def portal_login_url(target: str) -> str:
    return "/portal/login?next=" + quote(target, safe="/")


def portal_password_change_url(target: str) -> str:
    return "/portal/account/password?next=" + quote(target, safe="/")
