"""Domain errors: each names the rule it enforces, so the API and the forms can show it.

The HTTP layer maps the class to a status code (`status_code`); the domain never imports HTTP.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation; nothing was stored."""

    status_code = 400

    def __init__(
        self,
        rule: str,
        message: str,
        *,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        # `field` lets a form show the error next to the input that caused it.
        self.field = field
        # `params` let the UI translate the rule's message without parsing `message`.
        self.params = params or {}


class ValidationFailed(DomainError):
    status_code = 422


class TransitionNotAllowed(DomainError):
    status_code = 409


class NotFound(DomainError):
    status_code = 404


class StaleVersion(DomainError):
    status_code = 409


def check_version(entity: Any, expected: int | None) -> None:
    """Optimistic lock at the application level: refuse edits made on an outdated copy.

    SQLAlchemy's `version_id_col` still guards the race between this check and the UPDATE.
    """
    if expected is not None and expected != entity.version:
        raise StaleVersion(
            "stale_version",
            f"The record was changed by someone else (version {entity.version}, "
            f"yours {expected}); reload it and repeat the change.",
            params={"current": entity.version, "expected": expected},
        )
