"""The signed-in user's own account: `POST /api/v1/account/password` changes their password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field

from operational_app import auth
from operational_app.api.deps import CurrentUser
from operational_app.api.schemas import Documented
from operational_app.domain.errors import ValidationFailed
from operational_app.web import auth_pages

router = APIRouter(prefix="/account", tags=["account"])

PasswordText = Annotated[str, Field(min_length=1, max_length=auth.MAX_PASSWORD_LENGTH)]


class PasswordChange(Documented):
    model_config = ConfigDict(extra="forbid")

    current_password: PasswordText
    new_password: PasswordText


@router.post(
    "/password",
    status_code=204,
    responses={
        403: {"description": "The current password is wrong."},
        422: {"description": "The new password breaks a rule (length, login, common)."},
        429: {"description": "Too many wrong passwords; retry after `Retry-After` seconds."},
    },
)
async def change_password(request: Request, body: PasswordChange, _: CurrentUser) -> Response:
    """Change your own password (at least 10 characters, not your login, not a common one).
    Your other browser sessions are signed out; API tokens stay."""
    outcome, wait = await auth_pages.change_own_password(
        request, body.current_password, body.new_password
    )
    if outcome.status == "throttled":
        return JSONResponse(
            status_code=429,
            content={
                "detail": auth_pages.throttled_message("en", wait),
                "rule": "auth.throttled",
                "retry_after": wait,
            },
            headers={"Retry-After": str(wait)},
        )
    if outcome.status == "wrong_current":
        raise auth.Forbidden(
            "password.wrong_current", "The current password is wrong.", field="current_password"
        )
    if outcome.status == "rejected" and outcome.rejection is not None:
        raise ValidationFailed(
            f"password.{outcome.rejection.rule}",
            str(outcome.rejection),
            field="new_password",
        )
    return Response(status_code=204)
