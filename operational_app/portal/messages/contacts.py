"""Portal messages: contact data and commercial offers (`portal.contacts.*`, `portal.offers.*`),
the operators' view of contact data changes (`contact_changes.*`) and the rules of
domain/contact_data.py (`rule.contact.*`, `rule.contact_data.*`, `rule.contact_changes.*`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Portal: contact data
    "portal.contacts.title": {"ru": "Контактные данные", "en": "Contact details"},
    "portal.contacts.persons": {"ru": "Контактные лица", "en": "Contact persons"},
    "portal.contacts.add_person": {"ru": "Добавить контактное лицо", "en": "Add a contact person"},
    "portal.contacts.new_person": {"ru": "Новое контактное лицо", "en": "New contact person"},
    "portal.contacts.you": {"ru": "это вы", "en": "you"},
    "portal.contacts.addresses": {"ru": "Адреса доставки", "en": "Delivery addresses"},
    "portal.contacts.add_address": {
        "ru": "Добавить адрес доставки",
        "en": "Add a delivery address",
    },
    "portal.contacts.new_address": {"ru": "Новый адрес доставки", "en": "New delivery address"},
    "portal.contacts.address": {"ru": "Адрес доставки", "en": "Delivery address"},
    "portal.contacts.address_comment": {
        "ru": "Комментарий (время приёмки, подъезд, контакт на месте)",
        "en": "Comment (receiving hours, entrance, person on site)",
    },
    "portal.contacts.is_default": {"ru": "Основной адрес", "en": "Default address"},
    "portal.contacts.default_badge": {"ru": "основной", "en": "default"},
    "portal.contacts.requisites": {"ru": "Реквизиты организаций", "en": "Legal details"},
    "portal.contacts.requisites_note": {
        "ru": "Реквизиты изменяет ваш менеджер: напишите ему или зарегистрируйте претензию.",
        "en": "Your manager changes legal details: write to them or register a claim.",
    },
    "portal.contacts.legal_name": {"ru": "Наименование", "en": "Name"},
    "portal.contacts.inn": {"ru": "ИНН", "en": "INN"},
    "portal.contacts.kpp": {"ru": "КПП", "en": "KPP"},
    "portal.contacts.legal_address": {"ru": "Юридический адрес", "en": "Legal address"},
    "portal.contacts.history": {"ru": "История изменений", "en": "History of changes"},
    "portal.contacts.history_empty": {"ru": "Изменений ещё не было.", "en": "No changes yet."},
    "portal.contacts.changed_at": {"ru": "Когда", "en": "When"},
    "portal.contacts.changed_by": {"ru": "Кто", "en": "Who"},
    "portal.contacts.what": {"ru": "Что", "en": "What"},
    "portal.contacts.was": {"ru": "Было", "en": "Was"},
    "portal.contacts.now": {"ru": "Стало", "en": "Now"},
    "portal.contacts.delete_person": {
        "ru": "Удалить контактное лицо",
        "en": "Delete the contact person",
    },
    "portal.contacts.delete_address": {"ru": "Удалить адрес доставки", "en": "Delete the address"},
    "portal.contacts.confirm_person": {
        "ru": "Удалить контактное лицо «{title}»? Менеджер увидит это изменение.",
        "en": "Delete the contact person “{title}”? Your manager will see this change.",
    },
    "portal.contacts.confirm_address": {
        "ru": "Удалить адрес доставки «{title}»? Менеджер увидит это изменение.",
        "en": "Delete the delivery address “{title}”? Your manager will see this change.",
    },
    "portal.contacts.yes_delete": {"ru": "Да, удалить", "en": "Yes, delete"},
    "portal.contacts.back": {
        "ru": "Вернуться к контактным данным",
        "en": "Back to contact details",
    },
    "portal.contacts.saved_note": {
        "ru": "Изменения сохраняются сразу; ваш менеджер увидит их в карточке партнёра.",
        "en": "Changes apply at once; your manager sees them on your card.",
    },
    # Names of entities, actions and fields in the history (portal and operators alike).
    "contact_changes.entity.contact_person": {"ru": "Контактное лицо", "en": "Contact person"},
    "contact_changes.entity.delivery_address": {
        "ru": "Адрес доставки",
        "en": "Delivery address",
    },
    "contact_changes.action.created": {"ru": "добавлено", "en": "added"},
    "contact_changes.action.updated": {"ru": "изменено", "en": "changed"},
    "contact_changes.action.deleted": {"ru": "удалено", "en": "deleted"},
    "contact_changes.field.full_name": {"ru": "ФИО", "en": "Full name"},
    "contact_changes.field.role": {"ru": "Должность", "en": "Position"},
    "contact_changes.field.phone": {"ru": "Телефон", "en": "Phone"},
    "contact_changes.field.email": {"ru": "Электронная почта", "en": "E-mail"},
    "contact_changes.field.address": {"ru": "Адрес", "en": "Address"},
    "contact_changes.field.comment": {"ru": "Комментарий", "en": "Comment"},
    "contact_changes.field.is_default": {"ru": "Основной адрес", "en": "Default address"},
    "contact_changes.value.true": {"ru": "да", "en": "yes"},
    "contact_changes.value.false": {"ru": "нет", "en": "no"},
    # Operators: the partner card block and the list of unreviewed changes.
    "contact_changes.title": {
        "ru": "Изменения контактных данных из личного кабинета",
        "en": "Contact data changes from the customer portal",
    },
    "contact_changes.list_title": {
        "ru": "Непросмотренные изменения контактных данных",
        "en": "Unreviewed contact data changes",
    },
    "contact_changes.nav": {"ru": "Изменения из кабинета", "en": "Portal changes"},
    "contact_changes.mark_reviewed": {"ru": "Отметить просмотренными", "en": "Mark reviewed"},
    "contact_changes.mark_one": {"ru": "Просмотрено", "en": "Reviewed"},
    "contact_changes.unreviewed": {"ru": "новое", "en": "new"},
    "contact_changes.unreviewed_count": {
        "ru": "Непросмотренных: {count}",
        "en": "Unreviewed: {count}",
    },
    "contact_changes.reviewed_by": {"ru": "Просмотрел", "en": "Reviewed by"},
    "contact_changes.none": {
        "ru": "Все изменения просмотрены.",
        "en": "Every change has been reviewed.",
    },
    "contact_changes.partner": {"ru": "Партнёр", "en": "Partner"},
    "contact_changes.delivery_addresses": {"ru": "Адреса доставки", "en": "Delivery addresses"},
    # Portal: commercial offers
    "portal.offers.title": {"ru": "Коммерческие предложения", "en": "Commercial offers"},
    "portal.offers.empty": {
        "ru": "Менеджер ещё не отправлял вам предложений.",
        "en": "Your manager has not sent you offers yet.",
    },
    "portal.offers.number": {"ru": "Номер", "en": "Number"},
    "portal.offers.offered_at": {"ru": "Отправлено", "en": "Sent on"},
    "portal.offers.valid_until": {"ru": "Действует до", "en": "Valid until"},
    "portal.offers.total": {"ru": "Сумма", "en": "Total"},
    "portal.offers.status": {"ru": "Статус", "en": "Status"},
    "portal.offers.lines": {"ru": "Товары", "en": "Lines"},
    "portal.offers.product": {"ru": "Номенклатура", "en": "Product"},
    "portal.offers.quantity": {"ru": "Количество", "en": "Quantity"},
    "portal.offers.price": {"ru": "Цена", "en": "Price"},
    "portal.offers.discount": {"ru": "Скидка, %", "en": "Discount, %"},
    "portal.offers.amount": {"ru": "Сумма", "en": "Amount"},
    "portal.offers.comment": {"ru": "Комментарий", "en": "Comment"},
    "portal.offers.decided_at": {"ru": "Решение принято", "en": "Decided on"},
    "portal.offers.expired_note": {
        "ru": "Срок действия предложения истёк {valid_until}: принять его уже нельзя. "
        "Попросите менеджера прислать новое.",
        "en": "The offer expired on {valid_until} and can no longer be accepted. "
        "Ask your manager for a new one.",
    },
    "portal.offers.expired_badge": {"ru": "срок истёк", "en": "expired"},
    "portal.offers.accept": {"ru": "Принять предложение", "en": "Accept the offer"},
    "portal.offers.accept_note": {
        "ru": "После принятия будет создан заказ на эти товары.",
        "en": "Accepting creates an order for these lines.",
    },
    "portal.offers.reject": {"ru": "Отклонить предложение", "en": "Reject the offer"},
    "portal.offers.reject_reason": {
        "ru": "Причина отказа (необязательно)",
        "en": "Why (optional)",
    },
    "portal.offers.order": {"ru": "Заказ", "en": "Order"},
    "portal.offers.already_accepted": {
        "ru": "Предложение уже принято; заказ создан один раз.",
        "en": "The offer has already been accepted; its order was created once.",
    },
    "portal.offers.already_rejected": {
        "ru": "Предложение уже отклонено.",
        "en": "The offer has already been rejected.",
    },
    "portal.offers.back": {"ru": "Все предложения", "en": "All offers"},
    # Rules of domain/contact_data.py
    "rule.contact.phone_format": {
        "ru": "Неверный номер телефона: цифры (от 5 до 15), пробелы, скобки, дефисы и + в начале.",
        "en": "The phone number is not valid: 5 to 15 digits, spaces, brackets, dashes, a "
        "leading +.",
    },
    "rule.contact_data.self_delete": {
        "ru": "Нельзя удалить контактное лицо, от имени которого вы вошли в кабинет. "
        "Если вы больше не работаете с нами, сообщите менеджеру.",
        "en": "You cannot delete the contact person you are signed in as; tell your manager "
        "if you are leaving.",
    },
    "rule.contact_data.has_portal_account": {
        "ru": "У контактного лица «{full_name}» есть свой вход в кабинет: удалить его может "
        "только менеджер.",
        "en": "{full_name} has a portal account of their own: only your manager can delete them.",
    },
    "rule.contact_changes.nothing_chosen": {
        "ru": "Не выбраны изменения для отметки.",
        "en": "No changes were chosen.",
    },
}
