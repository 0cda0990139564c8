"""Portal messages: account (sign-in, invites, the home page, the menu). Keys start with
`portal.`; the operator side of invites (contact card, admin users page) uses `invite.*`."""

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
    # Sign-in
    "portal.login.title": {"ru": "Вход в личный кабинет", "en": "Sign in to the portal"},
    "portal.login.hint": {
        "ru": "Нет учётной записи? Попросите вашего менеджера прислать приглашение.",
        "en": "No account yet? Ask your manager to send you an invitation.",
    },
    "portal.login.operator_refused": {
        "ru": "Личный кабинет — для клиентов. Сотрудники входят в программу: используйте "
        "вход в программу (/login).",
        "en": "The portal is for customers. Staff: use the application sign-in (/login).",
    },
    # Accepting an invite
    "portal.invite.title": {
        "ru": "Приглашение в личный кабинет",
        "en": "Invitation to the customer portal",
    },
    "portal.invite.for": {
        "ru": "Учётная запись для: {name}. Выберите логин и пароль.",
        "en": "Account for {name}. Choose a login and a password.",
    },
    "portal.invite.login_hint": {
        "ru": "Латинские буквы, цифры и . _ @ - (не более 100 знаков).",
        "en": "Latin letters, digits and . _ @ - (up to 100 characters).",
    },
    "portal.invite.login_format": {
        "ru": "Логин: латинские буквы, цифры и . _ @ -, начинается с буквы или цифры.",
        "en": "A login is Latin letters, digits and . _ @ -, starting with a letter or digit.",
    },
    "portal.invite.submit": {"ru": "Создать учётную запись", "en": "Create the account"},
    "portal.invite.invalid": {
        "ru": "Ссылка-приглашение больше не действует: она уже использована, отозвана или "
        "истёк её срок. Попросите менеджера прислать новую.",
        "en": "This invitation link does not work any more: it was used, revoked or has "
        "expired. Ask your manager for a new one.",
    },
    # Home page
    "portal.home.contact": {"ru": "Контактное лицо", "en": "Contact person"},
    "portal.home.orders_in_work": {
        "ru": "Заказы в работе: {count}",
        "en": "Orders in progress: {count}",
    },
    "portal.home.debt": {"ru": "Текущая задолженность", "en": "Current debt"},
    "portal.home.open_claims": {
        "ru": "Открытые претензии: {count}",
        "en": "Open claims: {count}",
    },
    # Operators: invites on the contact person's card, portal users on the users page
    "invite.title": {"ru": "Личный кабинет клиента", "en": "Customer portal"},
    "invite.create": {"ru": "Пригласить в личный кабинет", "en": "Invite to the portal"},
    "invite.ttl_days": {"ru": "Срок действия, дней", "en": "Valid for, days"},
    "invite.link_once": {
        "ru": "Ссылка-приглашение (показывается один раз, передайте её контактному лицу):",
        "en": "The invitation link (shown once; pass it to the contact person):",
    },
    "invite.list": {"ru": "Приглашения", "en": "Invitations"},
    "invite.none": {"ru": "Приглашений не было.", "en": "No invitations yet."},
    "invite.created_at": {"ru": "Создано", "en": "Created"},
    "invite.expires_at": {"ru": "Действует до", "en": "Expires"},
    "invite.status": {"ru": "Состояние", "en": "Status"},
    "invite.status.sent": {"ru": "отправлено", "en": "sent"},
    "invite.status.used": {"ru": "использовано", "en": "used"},
    "invite.status.expired": {"ru": "истекло", "en": "expired"},
    "invite.status.revoked": {"ru": "отозвано", "en": "revoked"},
    "invite.revoke": {"ru": "Отозвать", "en": "Revoke"},
    "invite.portal_users": {"ru": "Пользователи личного кабинета", "en": "Portal users"},
    "invite.partner": {"ru": "Партнёр", "en": "Partner"},
    "invite.no_portal_users": {
        "ru": "Пользователей личного кабинета нет.",
        "en": "No portal users.",
    },
    "rule.invite.invalid": {
        "ru": "Ссылка-приглашение больше не действует.",
        "en": "This invitation link does not work any more.",
    },
    "rule.invite.ttl": {
        "ru": "Срок действия приглашения — от 1 до {max} дней.",
        "en": "An invitation is valid from 1 to {max} days.",
    },
    "rule.invite.not_found": {"ru": "Приглашение не найдено.", "en": "Invitation not found."},
}
