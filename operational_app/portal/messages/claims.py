"""Portal messages: claims. Keys start with `portal.` (operator-side keys with their entity)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}
