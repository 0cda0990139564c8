"""The portal's message catalog, one module per area so each can grow on its own; merged into
operational_app.i18n.MESSAGES."""

from __future__ import annotations

from operational_app.portal.messages import account, claims, contacts, operator, orders

PORTAL_MESSAGES: dict[str, dict[str, str]] = {}
for _module in (account, orders, claims, contacts, operator):
    for _key, _entry in _module.MESSAGES.items():
        if _key in PORTAL_MESSAGES:
            raise ValueError(f"portal message {_key!r} is defined twice")
        PORTAL_MESSAGES[_key] = _entry
