"""Messages of the operator pages the portal brought (return requests, portal invites,
contact data changes)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.returns": {"ru": "Возвраты от клиентов", "en": "Customer returns"},
    "nav.contact_changes": {
        "ru": "Изменения контактов из кабинета",
        "en": "Contact changes from the portal",
    },
}
