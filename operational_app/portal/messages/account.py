"""Portal messages: account (sign-in, invites, the home page, the menu). Keys start with
`portal.`."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "portal.title": {"ru": "Личный кабинет клиента", "en": "Customer portal"},
    "portal.nav": {"ru": "Разделы кабинета", "en": "Portal sections"},
    "portal.nav.orders": {"ru": "Заказы", "en": "Orders"},
    "portal.nav.debt": {"ru": "Задолженность", "en": "Debt"},
    "portal.nav.claims": {"ru": "Претензии", "en": "Claims"},
    "portal.nav.returns": {"ru": "Возвраты", "en": "Returns"},
    "portal.nav.offers": {"ru": "Коммерческие предложения", "en": "Commercial offers"},
    "portal.nav.contacts": {"ru": "Контактные данные", "en": "Contact details"},
}
