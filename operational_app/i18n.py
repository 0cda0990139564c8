"""The one message catalog of the operational app's pages: key -> {ru, en}.

Labels follow 1C:КА where an operator would look for them. Rule keys (`rule.<name>`) translate
domain errors; a missing key falls back to the error's own (English) message.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    # Navigation and common words
    "app.title": {"ru": "CRM: оперативный учёт", "en": "CRM: operations"},
    "nav.home": {"ru": "Главная", "en": "Home"},
    "nav.partners": {"ru": "Партнёры", "en": "Partners"},
    "nav.deals": {"ru": "Сделки с клиентами", "en": "Customer deals"},
    "nav.api_docs": {"ru": "API (OpenAPI)", "en": "API (OpenAPI)"},
    "nav.users": {"ru": "Пользователи", "en": "Users"},
    "nav.tokens": {"ru": "API-токены", "en": "API tokens"},
    "home.intro": {
        "ru": "Ввод партнёров, контрагентов и сделок с клиентами.",
        "en": "Enter partners, counterparties and customer deals.",
    },
    "action.search": {"ru": "Найти", "en": "Search"},
    "action.create": {"ru": "Создать", "en": "Create"},
    "action.save": {"ru": "Записать", "en": "Save"},
    "action.reset": {"ru": "Сбросить", "en": "Reset"},
    "action.prev": {"ru": "← Назад", "en": "← Previous"},
    "action.next": {"ru": "Вперёд →", "en": "Next →"},
    "common.any": {"ru": "— любой —", "en": "— any —"},
    "common.none": {"ru": "— не выбрано —", "en": "— none —"},
    "common.total": {"ru": "Всего", "en": "Total"},
    "common.empty": {"ru": "Нет записей.", "en": "No records."},
    "common.yes": {"ru": "да", "en": "yes"},
    "common.form_has_errors": {
        "ru": "Исправьте ошибки в форме.",
        "en": "Please correct the errors in the form.",
    },
    "common.not_found": {"ru": "Не найдено", "en": "Not found"},
    # Partners and counterparties
    "partner.list_title": {"ru": "Партнёры", "en": "Partners"},
    "partner.new": {"ru": "Новый партнёр", "en": "New partner"},
    "partner.search_hint": {
        "ru": "Наименование, ИНН или юр. наименование",
        "en": "Name, INN or legal name",
    },
    "partner.name": {"ru": "Наименование", "en": "Name"},
    "partner.kind": {"ru": "Вид партнёра", "en": "Partner kind"},
    "partner.comment": {"ru": "Комментарий", "en": "Comment"},
    "partner.counterparties": {"ru": "Контрагенты", "en": "Counterparties"},
    "partner.main_counterparty": {"ru": "Основной контрагент", "en": "Main counterparty"},
    "partner.deals": {"ru": "Сделки с клиентами", "en": "Customer deals"},
    "partner_kind.customer": {"ru": "Клиент", "en": "Customer"},
    "partner_kind.supplier": {"ru": "Поставщик", "en": "Supplier"},
    "partner_kind.other": {"ru": "Прочее", "en": "Other"},
    "counterparty.legal_form": {"ru": "Юр./физ. лицо", "en": "Legal form"},
    "counterparty.inn": {"ru": "ИНН", "en": "INN (ИНН)"},
    "counterparty.kpp": {"ru": "КПП", "en": "KPP (КПП)"},
    "counterparty.legal_name": {"ru": "Юридическое наименование", "en": "Legal name"},
    "counterparty.legal_address": {"ru": "Юридический адрес", "en": "Legal address"},
    "counterparty.phone": {"ru": "Телефон", "en": "Phone"},
    "legal_form.legal_entity": {"ru": "Юридическое лицо", "en": "Legal entity"},
    "legal_form.individual_entrepreneur": {
        "ru": "Индивидуальный предприниматель",
        "en": "Individual entrepreneur",
    },
    "legal_form.person": {"ru": "Физическое лицо", "en": "Private person"},
    "field.manager": {"ru": "Менеджер", "en": "Manager"},
    "field.business_region": {"ru": "Бизнес-регион", "en": "Business region"},
    # Deals
    "deal.list_title": {"ru": "Сделки с клиентами", "en": "Customer deals"},
    "deal.new": {"ru": "Новая сделка", "en": "New deal"},
    "deal.number": {"ru": "Номер", "en": "Number"},
    "deal.name": {"ru": "Наименование", "en": "Name"},
    "deal.partner": {"ru": "Партнёр", "en": "Partner"},
    "deal.kind": {"ru": "Вид сделки", "en": "Deal kind"},
    "deal.status": {"ru": "Статус", "en": "Status"},
    "deal.stage": {"ru": "Этап", "en": "Stage"},
    "deal.potential_amount": {"ru": "Потенциальная сумма", "en": "Potential amount"},
    "deal.probability": {"ru": "Вероятность, %", "en": "Probability, %"},
    "deal.planned_close_date": {"ru": "Планируемая дата завершения", "en": "Planned close date"},
    "deal.closed_at": {"ru": "Завершена", "en": "Closed at"},
    "deal.created_at": {"ru": "Создана", "en": "Created at"},
    "deal.loss_reason": {"ru": "Причина проигрыша", "en": "Loss reason"},
    "deal.loss_comment": {"ru": "Комментарий к проигрышу", "en": "Loss comment"},
    "deal.history": {"ru": "История этапов", "en": "Stage history"},
    "deal.entered_at": {"ru": "Начало", "en": "Entered"},
    "deal.left_at": {"ru": "Окончание", "en": "Left"},
    "deal.was_skipped": {"ru": "Пропущен", "en": "Skipped"},
    "deal.no_stages": {"ru": "Вид сделки без этапов", "en": "Deal kind without stages"},
    "deal.actions": {"ru": "Действия", "en": "Actions"},
    "deal.advance": {"ru": "Перейти на этап", "en": "Move to stage"},
    "deal.win": {"ru": "Выиграна", "en": "Mark won"},
    "deal.lose": {"ru": "Проиграна", "en": "Mark lost"},
    "deal.reopen": {"ru": "Возобновить", "en": "Reopen"},
    "deal.edit": {"ru": "Реквизиты сделки", "en": "Deal attributes"},
    "status.in_progress": {"ru": "В работе", "en": "In progress"},
    "status.won": {"ru": "Выиграна", "en": "Won"},
    "status.lost": {"ru": "Проиграна", "en": "Lost"},
    # Domain rules (errors)
    "rule.inn.digits": {"ru": "ИНН должен состоять только из цифр.", "en": "INN must be digits."},
    "rule.inn.length": {
        "ru": "ИНН должен содержать {expected} цифр (введено {actual}).",
        "en": "INN must have {expected} digits (got {actual}).",
    },
    "rule.inn.checksum": {
        "ru": "Неверные контрольные цифры ИНН.",
        "en": "INN check digits do not match.",
    },
    "rule.kpp.required": {
        "ru": "Для юридического лица КПП обязателен.",
        "en": "KPP is required for a legal entity.",
    },
    "rule.kpp.format": {
        "ru": "КПП: 9 символов — 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры.",
        "en": "KPP: 9 characters — 4 digits, 2 digits or capital Latin letters, 3 digits.",
    },
    "rule.kpp.forbidden": {
        "ru": "КПП указывается только для юридических лиц.",
        "en": "KPP is only given for legal entities.",
    },
    "rule.legal_form.unknown": {"ru": "Выберите вид лица.", "en": "Choose a legal form."},
    "rule.counterparty.duplicate": {
        "ru": "Контрагент с таким ИНН/КПП уже есть: {name} (партнёр {partner}).",
        "en": "A counterparty with this INN/KPP already exists: {name} (partner {partner}).",
    },
    "rule.counterparty.duplicate_deleted": {
        "ru": "Контрагент с таким ИНН/КПП уже был введён и помечен на удаление: {name} "
        "(партнёр {partner}).",
        "en": "A counterparty with this INN/KPP was entered before and is marked deleted: "
        "{name} (partner {partner}).",
    },
    "rule.partner.kind_unknown": {"ru": "Выберите вид партнёра.", "en": "Choose a partner kind."},
    "rule.reference.unknown": {
        "ru": "Выбранное значение не найдено.",
        "en": "The selected value does not exist.",
    },
    "rule.text.required": {"ru": "Заполните поле.", "en": "This field is required."},
    "rule.deal.amount_range": {
        "ru": "Сумма должна быть от 0 и меньше 10 трлн.",
        "en": "Amount must be from 0 and below 10 trillion.",
    },
    "rule.deal.probability_range": {
        "ru": "Вероятность от 0 до 100.",
        "en": "Probability is from 0 to 100.",
    },
    "rule.deal.number_taken": {"ru": "Номер уже занят.", "en": "Number already used."},
    "rule.deal.kind_without_stages": {
        "ru": "У вида сделки не заданы этапы.",
        "en": "The deal kind has no stages.",
    },
    "rule.deal.not_in_progress": {
        "ru": "Действие доступно только для сделки в работе.",
        "en": "Only a deal in progress allows this action.",
    },
    "rule.deal.non_process_kind": {
        "ru": "У сделки этого вида нет этапов.",
        "en": "This deal kind has no stages.",
    },
    "rule.deal.stage_not_of_kind": {
        "ru": "Этап не относится к виду сделки.",
        "en": "The stage does not belong to the deal kind.",
    },
    "rule.deal.stage_not_forward": {
        "ru": "Сделка переходит только на следующие этапы: «{stage}» не после текущего.",
        "en": "A deal only moves forward: '{stage}' is not after the current stage.",
    },
    "rule.deal.loss_reason_required": {
        "ru": "Укажите причину проигрыша.",
        "en": "Choose a loss reason.",
    },
    "rule.deal.loss_reason_unknown": {
        "ru": "Причина проигрыша не найдена.",
        "en": "Loss reason not found.",
    },
    "rule.deal.won_is_final": {
        "ru": "Выигранная сделка завершена окончательно.",
        "en": "A won deal is final.",
    },
    "rule.deal.reopen_requires_lost": {
        "ru": "Возобновить можно только проигранную сделку.",
        "en": "Only a lost deal can be reopened.",
    },
    "rule.stale_version": {
        "ru": "Запись изменил другой пользователь. Обновите страницу и повторите.",
        "en": "Someone else changed the record. Reload the page and repeat.",
    },
    # Users and security
    "auth.login_title": {"ru": "Вход в программу", "en": "Sign in"},
    "auth.login": {"ru": "Логин", "en": "Login"},
    "auth.password": {"ru": "Пароль", "en": "Password"},
    "auth.sign_in": {"ru": "Войти", "en": "Sign in"},
    "auth.sign_out": {"ru": "Выйти", "en": "Sign out"},
    "auth.bad_credentials": {
        "ru": "Неверный логин или пароль.",
        "en": "Wrong login or password.",
    },
    "auth.login_expired": {
        "ru": "Форма входа устарела. Введите пароль ещё раз.",
        "en": "The sign-in form expired. Enter your password again.",
    },
    "auth.users_title": {"ru": "Пользователи", "en": "Users"},
    "auth.new_user": {"ru": "Новый пользователь", "en": "New user"},
    "auth.full_name": {"ru": "Полное имя", "en": "Full name"},
    "auth.email": {"ru": "Электронная почта", "en": "Email"},
    "auth.role": {"ru": "Роль", "en": "Role"},
    "auth.status": {"ru": "Состояние", "en": "Status"},
    "auth.department": {"ru": "Подразделение", "en": "Department"},
    "auth.supervisor": {"ru": "Руководитель", "en": "Supervisor"},
    "auth.active": {"ru": "действует", "en": "active"},
    "auth.inactive": {"ru": "отключён", "en": "deactivated"},
    "auth.deactivate": {"ru": "Отключить", "en": "Deactivate"},
    "auth.activate": {"ru": "Включить", "en": "Activate"},
    "auth.initial_password": {"ru": "Начальный пароль", "en": "Initial password"},
    "auth.new_password": {"ru": "Новый пароль", "en": "New password"},
    "auth.reset_password": {"ru": "Сменить пароль", "en": "Reset password"},
    "auth.login_taken": {"ru": "Такой логин уже есть.", "en": "This login is taken."},
    "auth.tokens_title": {"ru": "API-токены", "en": "API tokens"},
    "auth.new_token": {"ru": "Новый токен", "en": "New token"},
    "auth.token_name": {"ru": "Назначение", "en": "Name"},
    "auth.token_owner": {"ru": "Пользователь", "en": "User"},
    "auth.expires_days": {"ru": "Срок действия, дней", "en": "Valid for, days"},
    "auth.created_at": {"ru": "Создан", "en": "Created"},
    "auth.expires_at": {"ru": "Действует до", "en": "Expires"},
    "auth.last_used_at": {"ru": "Последнее использование", "en": "Last used"},
    "auth.revoked": {"ru": "отозван", "en": "revoked"},
    "auth.expired": {"ru": "истёк", "en": "expired"},
    "auth.revoke": {"ru": "Отозвать", "en": "Revoke"},
    "auth.token_shown_once": {
        "ru": "Скопируйте токен сейчас: он показывается один раз и нигде не хранится.",
        "en": "Copy the token now: it is shown once and stored nowhere.",
    },
    "role.operator": {"ru": "Оператор", "en": "Operator"},
    "role.manager": {"ru": "Менеджер", "en": "Manager"},
    "role.administrator": {"ru": "Администратор", "en": "Administrator"},
    "rule.csrf": {
        "ru": "Форма устарела или отправлена не из программы (проверка CSRF); ничего не "
        "записано. Обновите страницу и повторите.",
        "en": "The form is outdated or did not come from this application (CSRF check "
        "failed); nothing was saved. Reload the page and try again.",
    },
    "rule.role_required": {
        "ru": "Недостаточно прав: нужна роль «{role}».",
        "en": "Not allowed: this needs the {role} role.",
    },
    "rule.auth.self_deactivate": {
        "ru": "Нельзя отключить самого себя.",
        "en": "You cannot deactivate yourself.",
    },
    "rule.nul_byte": {
        "ru": "Введённый текст содержит недопустимый символ NUL (\\0); ничего не записано.",
        "en": "The input contains a NUL character (\\0); nothing was saved.",
    },
    "rule.body_too_large": {
        "ru": "Слишком большой запрос: тело запроса больше {limit_mb} МБ (MB); ничего не записано.",
        "en": "The request body is larger than {limit_mb} MB; nothing was saved.",
    },
    "rule.invalid_text": {
        "ru": "Текст запроса не в кодировке UTF-8 (или содержит одиночный суррогат UTF-16, "
        "например \\ud800); ничего не записано.",
        "en": "The request text is not valid UTF-8 (or holds a lone UTF-16 surrogate such as "
        "\\ud800); nothing was saved.",
    },
    "auth.throttled": {
        "ru": "Слишком много неудачных попыток входа. Повторите через {seconds} с.",
        "en": "Too many failed sign-in attempts. Try again in {seconds} s.",
    },
    "rule.password_change_required": {
        "ru": "Сначала смените пароль.",
        "en": "Change your password first.",
    },
    "password.title": {"ru": "Смена пароля", "en": "Change password"},
    "password.current": {"ru": "Текущий пароль", "en": "Current password"},
    "password.new": {"ru": "Новый пароль", "en": "New password"},
    "password.again": {"ru": "Новый пароль ещё раз", "en": "New password again"},
    "password.rules": {
        "ru": "Не короче {min} символов, не совпадает с логином и не из списка частых паролей.",
        "en": "At least {min} characters, not your login, not a common password.",
    },
    "password.required": {
        "ru": "Вы вошли с паролем, выданным при заполнении демо-данных: смените его, чтобы "
        "продолжить работу.",
        "en": "You signed in with a password set by the demo seed: change it to go on.",
    },
    "password.mismatch": {"ru": "Пароли не совпадают.", "en": "The passwords differ."},
    "password.wrong_current": {
        "ru": "Текущий пароль неверен.",
        "en": "The current password is wrong.",
    },
    "password.too_short": {
        "ru": "Пароль должен быть не короче {min} символов.",
        "en": "The password must be at least {min} characters.",
    },
    "password.is_login": {
        "ru": "Пароль не должен совпадать с логином.",
        "en": "The password must not be the login.",
    },
    "password.common": {
        "ru": "Слишком простой или распространённый пароль; выберите другой.",
        "en": "This password is too common or too easy to guess; choose another.",
    },
    "password.same": {
        "ru": "Новый пароль совпадает с текущим.",
        "en": "Choose a password other than the current one.",
    },
    "demo.banner": {
        "ru": "Демонстрационный режим: у всех пользователей общий пароль «demo», данные "
        "вымышлены. Не вводите настоящие данные.",
        "en": "Demo mode: every user shares the password “demo” and the data are made up. "
        "Do not enter real data.",
    },
    "rule.json_too_deep": {
        "ru": "Слишком глубокая вложенность JSON.",
        "en": "The JSON document is nested too deeply.",
    },
    # Input (pydantic) errors on forms, by error type
    "input.missing": {"ru": "Заполните поле.", "en": "This field is required."},
    "input.string_too_short": {"ru": "Заполните поле.", "en": "This field is required."},
    "input.string_too_long": {
        "ru": "Слишком длинное значение (не более {max_length}).",
        "en": "Too long (at most {max_length}).",
    },
    "input.int_parsing": {"ru": "Введите целое число.", "en": "Enter a whole number."},
    "input.decimal_parsing": {"ru": "Введите число.", "en": "Enter a number."},
    "input.date_from_datetime_parsing": {"ru": "Введите дату.", "en": "Enter a date."},
    "input.date_parsing": {"ru": "Введите дату.", "en": "Enter a date."},
    "input.greater_than_equal": {"ru": "Не меньше {ge}.", "en": "At least {ge}."},
    "input.less_than_equal": {"ru": "Не больше {le}.", "en": "At most {le}."},
    "input.less_than": {"ru": "Меньше {lt}.", "en": "Below {lt}."},
    "input.greater_than": {"ru": "Больше {gt}.", "en": "Above {gt}."},
    "input.invalid": {"ru": "Недопустимое значение.", "en": "Invalid value."},
}


# --- Engagement: classifiers, contacts, interactions, claims (1C terms) -------------------------
_ENGAGEMENT_MESSAGES: dict[str, dict[str, str]] = {
    "nav.contacts": {"ru": "Контактные лица", "en": "Contact persons"},
    "nav.interactions": {"ru": "Взаимодействия", "en": "Interactions"},
    "nav.claims": {"ru": "Претензии клиентов", "en": "Customer claims"},
    "nav.classifiers": {"ru": "Классификаторы", "en": "Classifiers"},
    "action.delete": {"ru": "Удалить", "en": "Delete"},
    "common.no": {"ru": "нет", "en": "no"},
    "common.sort": {"ru": "Сортировка", "en": "Sort"},
    "engagement.stale_intro": {
        "ru": "Пока вы редактировали, запись изменил другой пользователь. Сейчас сохранено:",
        "en": "Someone else changed the record while you were editing. Stored now:",
    },
    "engagement.field": {"ru": "Поле", "en": "Field"},
    "engagement.stored_now": {"ru": "Сохранено сейчас", "en": "Stored now"},
    "engagement.yours": {"ru": "Ваше значение", "en": "Yours"},
    "field.full_name": {"ru": "ФИО", "en": "Full name"},
    "field.contact_role_id": {"ru": "Роль", "en": "Role"},
    "field.role": {"ru": "Должность", "en": "Position"},
    "field.phone": {"ru": "Телефон", "en": "Phone"},
    "field.email": {"ru": "Электронная почта", "en": "E-mail"},
    "field.contact_person_id": {"ru": "Контактное лицо", "en": "Contact person"},
    "field.interaction_topic_id": {"ru": "Тема", "en": "Topic"},
    "field.description": {"ru": "Описание", "en": "Description"},
    "field.responsible_id": {"ru": "Ответственный", "en": "Responsible"},
    "field.claim_reason_id": {"ru": "Причина претензии", "en": "Claim reason"},
    "field.customer_order_id": {"ru": "Заказ клиента", "en": "Customer order"},
    "field.shipment_id": {"ru": "Реализация (отгрузка)", "en": "Shipment"},
    "field.claimed_amount": {"ru": "Сумма претензии", "en": "Claimed amount"},
    "field.kind": {"ru": "Вид", "en": "Kind"},
    "field.direction": {"ru": "Направление", "en": "Direction"},
    "field.partner_id": {"ru": "Партнёр", "en": "Partner"},
    "field.subject_type": {"ru": "Предмет", "en": "Subject"},
    "field.subject_id": {"ru": "Предмет", "en": "Subject"},
    "field.summary": {"ru": "Тема взаимодействия", "en": "Summary"},
    "field.planned_at": {"ru": "Запланировано на", "en": "Planned at"},
    "field.name": {"ru": "Наименование", "en": "Name"},
    "field.has_stages": {"ru": "С этапами", "en": "With stages"},
    "field.sequence": {"ru": "Порядок", "en": "Order"},
    "field.parent_id": {"ru": "Группа", "en": "Parent"},
    "field.code": {"ru": "Код", "en": "Code"},
    "field.starts_on": {"ru": "Начало", "en": "Starts on"},
    "field.ends_on": {"ru": "Окончание", "en": "Ends on"},
    "partner.roles": {"ru": "Роли партнёра", "en": "Partner roles"},
    "partner.add_role": {"ru": "Добавить роль", "en": "Add role"},
    "contact.list_title": {"ru": "Контактные лица", "en": "Contact persons"},
    "contact.new": {"ru": "Новое контактное лицо", "en": "New contact person"},
    "interaction.list_title": {"ru": "Взаимодействия", "en": "Interactions"},
    "interaction.new": {"ru": "Новое взаимодействие", "en": "New interaction"},
    "interaction.kind": {"ru": "Вид", "en": "Kind"},
    "interaction.direction": {"ru": "Направление", "en": "Direction"},
    "interaction.subject": {"ru": "Предмет", "en": "Subject"},
    "interaction.summary": {"ru": "Тема взаимодействия", "en": "Summary"},
    "interaction.planned_at": {"ru": "Запланировано на", "en": "Planned at"},
    "interaction.done_at": {"ru": "Выполнено в", "en": "Done at"},
    "interaction.status": {"ru": "Состояние", "en": "Status"},
    "interaction.is_reviewed": {"ru": "Обработано", "en": "Processed"},
    "interaction.complete": {"ru": "Выполнено", "en": "Mark done"},
    "interaction.cancel": {"ru": "Отменить", "en": "Cancel"},
    "interaction.review": {"ru": "Отметить как обработанное", "en": "Mark processed"},
    "interaction.unreview": {"ru": "Снять отметку «Обработано»", "en": "Unmark processed"},
    "interaction.edit": {"ru": "Реквизиты взаимодействия", "en": "Interaction attributes"},
    "interaction_kind.meeting": {"ru": "Встреча", "en": "Meeting"},
    "interaction_kind.call": {"ru": "Телефонный звонок", "en": "Phone call"},
    "interaction_kind.sms": {"ru": "SMS", "en": "SMS"},
    "interaction_kind.email": {"ru": "Электронное письмо", "en": "E-mail"},
    "direction.inbound": {"ru": "Входящее", "en": "Inbound"},
    "direction.outbound": {"ru": "Исходящее", "en": "Outbound"},
    "interaction_status.planned": {"ru": "Запланировано", "en": "Planned"},
    "interaction_status.done": {"ru": "Выполнено", "en": "Done"},
    "interaction_status.cancelled": {"ru": "Отменено", "en": "Cancelled"},
    "subject.deal": {"ru": "Сделка", "en": "Deal"},
    "subject.claim": {"ru": "Претензия", "en": "Claim"},
    "subject.marketing_event": {"ru": "Маркетинговое мероприятие", "en": "Marketing event"},
    "claim.list_title": {"ru": "Претензии клиентов", "en": "Customer claims"},
    "claim.new": {"ru": "Новая претензия", "en": "New claim"},
    "claim.file": {"ru": "Зарегистрировать претензию", "en": "File a claim"},
    "claim.title": {"ru": "Претензия", "en": "Claim"},
    "claim.number": {"ru": "Номер", "en": "Number"},
    "claim.registered_at": {"ru": "Дата регистрации", "en": "Registered at"},
    "claim.source": {"ru": "Источник", "en": "Source"},
    "claim.status": {"ru": "Статус", "en": "Status"},
    "claim.result": {"ru": "Результат", "en": "Result"},
    "claim.resolved_at": {"ru": "Дата решения", "en": "Resolved at"},
    "claim.resolution_comment": {"ru": "Комментарий к решению", "en": "Resolution comment"},
    "claim.take": {"ru": "Взять в работу", "en": "Take into work"},
    "claim.resolve": {"ru": "Решена", "en": "Resolve"},
    "claim.reopen": {"ru": "Вернуть в работу", "en": "Reopen"},
    "claim.force": {
        "ru": "Решить, хотя открыто задач: {count}",
        "en": "Resolve although {count} task(s) are open",
    },
    "claim.tasks": {"ru": "План работ", "en": "Work plan"},
    "claim.task_title": {"ru": "Задача", "en": "Task"},
    "claim.due_date": {"ru": "Срок", "en": "Due date"},
    "claim.task_status": {"ru": "Состояние", "en": "Status"},
    "claim.task_complete": {"ru": "Выполнена", "en": "Done"},
    "claim.task_reopen": {"ru": "Вернуть", "en": "Reopen"},
    "claim.add_task": {"ru": "Добавить задачу", "en": "Add task"},
    "claim.edit": {"ru": "Реквизиты претензии", "en": "Claim attributes"},
    "claim_status.registered": {"ru": "Зарегистрирована", "en": "Registered"},
    "claim_status.in_work": {"ru": "В работе", "en": "In work"},
    "claim_status.resolved": {"ru": "Решена", "en": "Resolved"},
    "claim_result.satisfied": {"ru": "Удовлетворена", "en": "Satisfied"},
    "claim_result.not_satisfied": {"ru": "Не удовлетворена", "en": "Not satisfied"},
    "claim_source.claims_list": {"ru": "Список претензий", "en": "Claims list"},
    "claim_source.partner_card": {"ru": "Карточка партнёра", "en": "Partner card"},
    "claim_source.discrepancy_act": {
        "ru": "Акт о расхождениях после отгрузки",
        "en": "Discrepancy act after shipment",
    },
    "claim_source.portal": {"ru": "Портал", "en": "Portal"},
    "task_status.open": {"ru": "Открыта", "en": "Open"},
    "task_status.done": {"ru": "Выполнена", "en": "Done"},
    "classifier.title": {"ru": "Классификаторы", "en": "Classifiers"},
    "classifier.deal-kinds": {"ru": "Виды сделок", "en": "Deal kinds"},
    "classifier.sales-stages": {"ru": "Этапы продаж", "en": "Sales stages"},
    "classifier.partner-roles": {"ru": "Роли партнёров", "en": "Partner roles"},
    "classifier.contact-roles": {"ru": "Роли контактных лиц", "en": "Contact roles"},
    "classifier.loss-reasons": {"ru": "Причины проигрыша сделок", "en": "Loss reasons"},
    "classifier.claim-reasons": {"ru": "Причины претензий", "en": "Claim reasons"},
    "classifier.interaction-topics": {"ru": "Темы взаимодействий", "en": "Interaction topics"},
    "classifier.business-regions": {"ru": "Бизнес-регионы", "en": "Business regions"},
    "classifier.marketing-events": {
        "ru": "Маркетинговые мероприятия",
        "en": "Marketing events",
    },
    "classifier.departments": {"ru": "Подразделения", "en": "Departments"},
    "classifier.field.head_user_id": {"ru": "Руководитель", "en": "Head"},
    "classifier.field.business_region_id": {"ru": "Бизнес-регион", "en": "Business region"},
    "classifier.field.is_regional_office": {
        "ru": "Региональный офис",
        "en": "Regional office",
    },
    "classifier.field.name": {"ru": "Наименование", "en": "Name"},
    "classifier.field.has_stages": {"ru": "Типовая (с этапами)", "en": "Typical (with stages)"},
    "classifier.field.deal_kind_id": {"ru": "Вид сделки", "en": "Deal kind"},
    "classifier.field.sequence": {"ru": "Порядок", "en": "Order"},
    "classifier.field.parent_id": {"ru": "Группа", "en": "Parent group"},
    "classifier.field.code": {"ru": "Код", "en": "Code"},
    "classifier.field.starts_on": {"ru": "Начало", "en": "Starts on"},
    "classifier.field.ends_on": {"ru": "Окончание", "en": "Ends on"},
    "classifier.include_deleted": {"ru": "Показывать удалённые", "en": "Show deleted"},
    "classifier.final_stage_hint": {
        "ru": "Последний этап — завершающий («выиграна»).",
        "en": "The last stage is the final (won) stage.",
    },
    "classifier.deleted": {"ru": "Удалён", "en": "Deleted"},
    "classifier.restore": {"ru": "Восстановить", "en": "Restore"},
    "classifier.up": {"ru": "Выше", "en": "Up"},
    "classifier.down": {"ru": "Ниже", "en": "Down"},
    "classifier.add": {"ru": "Добавить", "en": "Add"},
    # Rules (domain errors) of the engagement part
    "rule.classifier.name_taken": {
        "ru": "Наименование «{name}» уже используется (возможно, удалённым элементом).",
        "en": "The name '{name}' is already used (possibly by a deleted entry).",
    },
    "rule.classifier.name_too_long": {
        "ru": "Слишком длинное наименование (не более {max}).",
        "en": "The name is too long (at most {max}).",
    },
    "rule.deal_kind.process_change_with_open_deals": {
        "ru": "У вида есть сделки в работе: нельзя менять признак «с этапами».",
        "en": "The kind has open deals: it cannot switch staged/non-process.",
    },
    "rule.deal_kind.in_use": {
        "ru": "Вид используется в {count} сделках в работе; удалить нельзя.",
        "en": "{count} open deal(s) use this kind; it cannot be deleted.",
    },
    "rule.sales_stage.in_use": {
        "ru": "На этапе находятся сделки в работе ({count}); удалить нельзя.",
        "en": "{count} open deal(s) sit on this stage; it cannot be deleted.",
    },
    "rule.sales_stage.sequence_taken": {
        "ru": "Порядковый номер {sequence} уже занят.",
        "en": "Sequence {sequence} is already taken.",
    },
    "rule.sales_stage.non_process_kind": {
        "ru": "У непроцессного вида сделки нет этапов.",
        "en": "A non-process deal kind has no stages.",
    },
    "rule.claim_reason.cycle": {
        "ru": "Причина не может входить сама в себя (цикл в иерархии).",
        "en": "A reason cannot be placed under itself (cycle).",
    },
    "rule.claim_reason.has_children": {
        "ru": "Сначала удалите или перенесите подчинённые причины.",
        "en": "Delete or move the sub-reasons first.",
    },
    "rule.department.cycle": {
        "ru": "Подразделение не может входить само в себя (цикл в иерархии).",
        "en": "A department cannot be placed under itself (cycle).",
    },
    "rule.department.in_use": {
        "ru": "Сначала перенесите подчинённые подразделения и сотрудников.",
        "en": "Move the sub-departments and people elsewhere first.",
    },
    "rule.department.parent_deleted": {
        "ru": "Сначала восстановите вышестоящее подразделение.",
        "en": "Restore the parent department first.",
    },
    "rule.department.head_customer": {
        "ru": "Пользователь портала не может руководить подразделением.",
        "en": "A portal customer cannot head a department.",
    },
    "rule.user.supervisor_cycle": {
        "ru": "Пользователь не может быть руководителем самого себя (цикл).",
        "en": "A user cannot supervise themselves (cycle).",
    },
    "rule.user.supervisor_customer": {
        "ru": "Пользователь портала не может быть руководителем.",
        "en": "A portal customer cannot supervise anyone.",
    },
    "rule.user.customer_placement": {
        "ru": "У пользователя портала нет подразделения и руководителя.",
        "en": "A portal customer has no department or supervisor.",
    },
    "rule.marketing_event.dates_order": {
        "ru": "Окончание не может быть раньше начала.",
        "en": "The end cannot be before the start.",
    },
    "rule.contact.email_format": {
        "ru": "Неверный адрес электронной почты.",
        "en": "The e-mail address is not valid.",
    },
    "rule.partner_role.already_assigned": {
        "ru": "У партнёра уже есть эта роль.",
        "en": "The partner already has this role.",
    },
    "rule.interaction.contact_of_other_partner": {
        "ru": "Контактное лицо «{name}» относится к другому партнёру.",
        "en": "{name} is a contact of another partner.",
    },
    "rule.interaction.subject_of_other_partner": {
        "ru": "Предмет {number} относится к другому партнёру.",
        "en": "The subject {number} belongs to another partner.",
    },
    "rule.interaction.subject_required": {"ru": "Выберите предмет.", "en": "Choose the subject."},
    "rule.interaction.done_at_required": {
        "ru": "Укажите, когда взаимодействие выполнено.",
        "en": "Give the time the interaction was done.",
    },
    "rule.interaction.cancelled_is_final": {
        "ru": "Отменённое взаимодействие нельзя выполнить.",
        "en": "A cancelled interaction cannot be done.",
    },
    "rule.interaction.not_planned": {
        "ru": "Действие доступно только для запланированного взаимодействия.",
        "en": "Only a planned interaction allows this.",
    },
    "rule.interaction.review_requires_outcome": {
        "ru": "Сначала выполните или отмените взаимодействие.",
        "en": "Complete or cancel the interaction first.",
    },
    "rule.claim.shipment_required": {
        "ru": "Для претензии по акту о расхождениях укажите реализацию.",
        "en": "A claim from a discrepancy act needs the shipment.",
    },
    "rule.claim.order_of_other_partner": {
        "ru": "Заказ {number} оформлен на другого партнёра.",
        "en": "Order {number} belongs to another partner.",
    },
    "rule.claim.shipment_of_other_partner": {
        "ru": "Реализация {number} сделана не этому партнёру.",
        "en": "Shipment {number} was not made for this partner.",
    },
    "rule.claim.shipment_not_of_order": {
        "ru": "Реализация {number} не по заказу {order}.",
        "en": "Shipment {number} is not against order {order}.",
    },
    "rule.claim.amount_range": {
        "ru": "Сумма должна быть от 0 и меньше 10 трлн.",
        "en": "Amount must be from 0 and below 10 trillion.",
    },
    "rule.claim.result_required": {
        "ru": "Укажите результат: удовлетворена или не удовлетворена.",
        "en": "Choose the result: satisfied or not satisfied.",
    },
    "rule.claim.open_tasks": {
        "ru": "В плане работ открыто задач: {count}. Выполните их или решите принудительно.",
        "en": "{count} work-plan task(s) are open: complete them or force the resolution.",
    },
    "rule.claim.force_requires_manager": {
        "ru": "Решить претензию с открытыми задачами может только менеджер или администратор.",
        "en": "Only a manager or administrator may resolve a claim with open tasks.",
    },
    "rule.claim.reopen_requires_administrator": {
        "ru": "Вернуть решённую претензию в работу может только администратор.",
        "en": "Only an administrator may reopen a resolved claim.",
    },
    "rule.claim.resolved_read_only": {
        "ru": "Претензия решена; изменения возможны после возврата в работу.",
        "en": "The claim is resolved; reopen it before changing it.",
    },
    "rule.claim.resolve_requires_in_work": {
        "ru": "Решить можно только претензию в работе.",
        "en": "Only a claim in work can be resolved.",
    },
    "rule.claim.take_requires_registered": {
        "ru": "Взять в работу можно только зарегистрированную претензию.",
        "en": "Only a registered claim can be taken into work.",
    },
    "rule.claim.delete_requires_registered": {
        "ru": "Удалить можно только претензию, не взятую в работу.",
        "en": "Only a claim not yet in work can be deleted.",
    },
}
for _key, _entry in _ENGAGEMENT_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)


# --- Sales: products, agreements, offers, orders (1C terms) ------------------------------------
_SALES_MESSAGES: dict[str, dict[str, str]] = {
    "nav.products": {"ru": "Номенклатура", "en": "Products"},
    "nav.warehouses": {"ru": "Склады", "en": "Warehouses"},
    "gift_series.title": {"ru": "Серии подарочных сертификатов", "en": "Gift certificate series"},
    "gift_series.new": {"ru": "Новая серия", "en": "New series"},
    "gift_series.kind": {"ru": "Вид номинала", "en": "Nominal kind"},
    "gift_series.kind.fixed": {"ru": "Фиксированный", "en": "Fixed"},
    "gift_series.kind.open": {"ru": "Свободный", "en": "Open"},
    "gift_series.nominal": {"ru": "Номинал, ₽", "en": "Nominal, ₽"},
    "gift_series.validity_days": {"ru": "Срок действия, дней", "en": "Valid for, days"},
    "gift_series.certificates": {"ru": "Сертификатов", "en": "Certificates"},
    "nav.agreements": {"ru": "Соглашения с клиентами", "en": "Customer agreements"},
    "nav.offers": {"ru": "Коммерческие предложения", "en": "Commercial offers"},
    "nav.orders": {"ru": "Заказы клиентов", "en": "Customer orders"},
    "action.delete_record": {"ru": "Пометить на удаление", "en": "Delete"},
    "common.attributes": {"ru": "Реквизиты", "en": "Attributes"},
    "sort.default": {"ru": "по умолчанию", "en": "default"},
    "sort.sku": {"ru": "Артикул", "en": "SKU"},
    "sort.name": {"ru": "Наименование", "en": "Name"},
    "sort.number": {"ru": "Номер", "en": "Number"},
    "sort.status": {"ru": "Статус", "en": "Status"},
    "sort.base_price": {"ru": "Цена ↑", "en": "Price ↑"},
    "sort.-base_price": {"ru": "Цена ↓", "en": "Price ↓"},
    "sort.-created_at": {"ru": "Сначала новые", "en": "Newest first"},
    "sort.-valid_from": {"ru": "Начало действия ↓", "en": "Valid from ↓"},
    "sort.valid_to": {"ru": "Окончание действия", "en": "Valid to"},
    "sort.valid_until": {"ru": "Действует до", "en": "Valid until"},
    "sort.-total_amount": {"ru": "Сумма ↓", "en": "Amount ↓"},
    "sort.-ordered_at": {"ru": "Дата ↓", "en": "Date ↓"},
    "sort.planned_shipment_date": {"ru": "Дата отгрузки", "en": "Shipment date"},
    "product.list_title": {"ru": "Номенклатура", "en": "Products"},
    "product.new": {"ru": "Новая номенклатура", "en": "New product"},
    "product.sku": {"ru": "Артикул", "en": "SKU"},
    "product.name": {"ru": "Наименование", "en": "Name"},
    "product.unit": {"ru": "Единица измерения", "en": "Unit"},
    "product.base_price": {"ru": "Базовая цена", "en": "Base price"},
    "product.cost_price": {"ru": "Себестоимость", "en": "Cost price"},
    "product.gis_system": {"ru": "Учёт в ГИС", "en": "GIS tracking"},
    "warehouse.new": {"ru": "Новый склад", "en": "New warehouse"},
    "stock.title": {"ru": "Остатки и резервы", "en": "Stock and reserves"},
    "stock.on_hand": {"ru": "В наличии", "en": "On hand"},
    "stock.free": {"ru": "Свободно", "en": "Free"},
    "stock.set": {"ru": "Установить остаток", "en": "Set on hand"},
    "agreement.list_title": {"ru": "Соглашения с клиентами", "en": "Customer agreements"},
    "agreement.new": {"ru": "Новое соглашение", "en": "New agreement"},
    "agreement.kind": {"ru": "Вид соглашения", "en": "Agreement kind"},
    "agreement.partner_individual": {
        "ru": "Партнёр (для индивидуального)",
        "en": "Partner (individual only)",
    },
    "agreement.price_type": {"ru": "Вид цен", "en": "Price type"},
    "agreement.discount_percent": {"ru": "Скидка, %", "en": "Discount, %"},
    "agreement.max_manual_discount_percent": {
        "ru": "Макс. ручная скидка, %",
        "en": "Max manual discount, %",
    },
    "agreement.prepayment_share": {"ru": "Предоплата, %", "en": "Prepayment, %"},
    "agreement.deferral_days": {"ru": "Отсрочка, дней", "en": "Deferral, days"},
    "agreement.valid_from": {"ru": "Действует с", "en": "Valid from"},
    "agreement.valid_to": {"ru": "Действует по", "en": "Valid to"},
    "agreement.settlement_control": {"ru": "Контроль взаиморасчётов", "en": "Settlement control"},
    "agreement_kind.typical": {"ru": "Типовое", "en": "Typical"},
    "agreement_kind.individual": {"ru": "Индивидуальное", "en": "Individual"},
    "price_type.wholesale": {"ru": "Оптовая", "en": "Wholesale"},
    "price_type.retail": {"ru": "Розничная", "en": "Retail"},
    "price_type.dealer": {"ru": "Дилерская", "en": "Dealer"},
    "price_type.distributor": {"ru": "Дистрибьюторская", "en": "Distributor"},
    "settlement.by_agreement": {"ru": "По соглашению", "en": "By agreement"},
    "settlement.by_contract": {"ru": "По договору", "en": "By contract"},
    "offer.list_title": {"ru": "Коммерческие предложения", "en": "Commercial offers"},
    "offer.title": {"ru": "Коммерческое предложение", "en": "Commercial offer"},
    "offer.new": {"ru": "Новое предложение", "en": "New offer"},
    "offer.valid_until": {"ru": "Действует до", "en": "Valid until"},
    "offer.price_adjustment": {"ru": "Корректировка цены", "en": "Price adjustment"},
    "offer.send": {"ru": "Отправить клиенту", "en": "Send"},
    "offer.accept": {"ru": "Принято клиентом → заказ", "en": "Accepted → order"},
    "offer.reject": {"ru": "Отклонено", "en": "Rejected"},
    "offer.expire": {"ru": "Истёк срок", "en": "Expire"},
    "offer_status.draft": {"ru": "Черновик", "en": "Draft"},
    "offer_status.sent": {"ru": "Отправлено", "en": "Sent"},
    "offer_status.accepted": {"ru": "Принято", "en": "Accepted"},
    "offer_status.rejected": {"ru": "Отклонено", "en": "Rejected"},
    "offer_status.expired": {"ru": "Истёк срок", "en": "Expired"},
    "order.list_title": {"ru": "Заказы клиентов", "en": "Customer orders"},
    "order.title": {"ru": "Заказ клиента", "en": "Customer order"},
    "order.new": {"ru": "Новый заказ", "en": "New order"},
    "order.date": {"ru": "Дата", "en": "Date"},
    "order.agreement": {"ru": "Соглашение", "en": "Agreement"},
    "order.deal_id": {"ru": "Сделка (№)", "en": "Deal (id)"},
    "order.planned_shipment_date": {"ru": "Желаемая дата отгрузки", "en": "Planned shipment"},
    "order.requires_approval": {"ru": "Требует согласования", "en": "Needs approval"},
    "order.approved_by": {"ru": "Согласовал", "en": "Approved by"},
    "order.total": {"ru": "Сумма", "en": "Amount"},
    "order.shipped_amount": {"ru": "Отгружено (Реализации)", "en": "Shipped"},
    "order.paid_amount": {"ru": "Оплачено (Поступления оплат)", "en": "Paid"},
    "order.debt": {"ru": "Долг", "en": "Debt"},
    "order.lines": {"ru": "Товары", "en": "Lines"},
    "order.product": {"ru": "Номенклатура", "en": "Product"},
    "order.warehouse": {"ru": "Склад", "en": "Warehouse"},
    "order.quantity": {"ru": "Количество", "en": "Quantity"},
    "order.price": {"ru": "Цена", "en": "Price"},
    "order.price_hint": {"ru": "Цена (пусто — по соглашению)", "en": "Price (blank: agreement)"},
    "order.discount": {"ru": "Ручная скидка, %", "en": "Manual discount, %"},
    "order.amount": {"ru": "Сумма", "en": "Amount"},
    "order.cost_amount": {"ru": "Себестоимость", "en": "Cost"},
    "order.reserve": {"ru": "Резерв", "en": "Reserve"},
    "order.shipped": {"ru": "Отгружено", "en": "Shipped"},
    "order.add_line": {"ru": "Добавить строку", "en": "Add line"},
    "order.submit": {"ru": "Провести (на согласование)", "en": "Submit"},
    "order.approve": {"ru": "Согласовать", "en": "Approve"},
    "order.return_to_draft": {"ru": "Вернуть в черновик", "en": "Back to draft"},
    "order.to_ship": {"ru": "К отгрузке", "en": "Release to shipping"},
    "order.close": {"ru": "Закрыть", "en": "Close"},
    "order.cancel": {"ru": "Отменить", "en": "Cancel"},
    "order.reserve_all": {"ru": "Зарезервировать всё", "en": "Reserve all"},
    "order.reserve_action": {"ru": "В резерв", "en": "Reserve"},
    "order.release": {"ru": "Снять резерв", "en": "Release"},
    "order.release_excess": {"ru": "Снять лишний резерв", "en": "Release excess reserve"},
    "order.move_reserve": {"ru": "Корректировка назначения", "en": "Move reserve"},
    "order.adjustments": {"ru": "Корректировки назначения", "en": "Reserve adjustments"},
    "order.from_line": {"ru": "Из строки", "en": "From line"},
    "order.to_line": {"ru": "В строку", "en": "To line"},
    "order.payment_schedule": {"ru": "График оплаты", "en": "Payment schedule"},
    "order.schedule_on_approval": {
        "ru": "График оплаты формируется при согласовании.",
        "en": "The payment schedule is built on approval.",
    },
    "order.due_date": {"ru": "Срок", "en": "Due"},
    "order.payment_kind": {"ru": "Вид", "en": "Kind"},
    "order.shipments": {"ru": "Реализации", "en": "Shipments"},
    "order.ship": {"ru": "Отгрузить (Реализация)", "en": "Ship"},
    "order.payments": {"ru": "Поступления оплат", "en": "Payments"},
    "order.pay": {"ru": "Зарегистрировать оплату", "en": "Record payment"},
    "payment_kind.prepayment": {"ru": "Предоплата", "en": "Prepayment"},
    "payment_kind.credit": {"ru": "Кредит (отсрочка)", "en": "Credit"},
    "order_status.draft": {"ru": "Черновик", "en": "Draft"},
    "order_status.on_approval": {"ru": "На согласовании", "en": "On approval"},
    "order_status.approved": {"ru": "Согласован", "en": "Approved"},
    "order_status.to_ship": {"ru": "К отгрузке", "en": "To ship"},
    "order_status.shipped": {"ru": "Отгружен", "en": "Shipped"},
    "order_status.closed": {"ru": "Закрыт", "en": "Closed"},
    "order_status.cancelled": {"ru": "Отменён", "en": "Cancelled"},
    "rule.order.status_forbids": {
        "ru": "Действие недоступно в статусе «{status}».",
        "en": "Not allowed while the order is {status}.",
    },
    "rule.order.approval_required": {
        "ru": "Скидка выше допустимой по соглашению ({limit}%): заказ нужно отправить на "
        "согласование, согласует менеджер.",
        "en": "A discount is above the agreement limit ({limit}%): the order needs a manager's "
        "approval.",
    },
    "rule.order.approver_role": {
        "ru": "Согласовать заказ со скидкой выше допустимой может только менеджер.",
        "en": "Only a manager can approve this order.",
    },
    "rule.order.not_paid": {
        "ru": "Заказ не оплачен: долг {debt}.",
        "en": "The order is not paid: debt {debt}.",
    },
    "rule.order.cancel_after_shipment": {
        "ru": "По заказу уже есть отгрузки, отменить нельзя.",
        "en": "Goods were shipped; the order cannot be cancelled.",
    },
    "rule.order.has_payments": {
        "ru": "По заказу есть оплаты.",
        "en": "Payments are recorded against the order.",
    },
    "rule.order.no_lines": {"ru": "В заказе нет товаров.", "en": "The order has no lines."},
    "rule.order.terms_locked": {
        "ru": "Условия меняются только в черновике.",
        "en": "Terms change only in a draft.",
    },
    "rule.order_line.warehouse_required": {
        "ru": "Укажите склад в строке {line}.",
        "en": "Choose a warehouse for line {line}.",
    },
    "rule.reserve.above_free_stock": {
        "ru": "Свободный остаток на складе {free}, запрошено {asked}.",
        "en": "Only {free} free at the warehouse; {asked} asked.",
    },
    "rule.reserve.above_line": {
        "ru": "Строке {line} нужно ещё не более {need}, запрошено {asked}.",
        "en": "Line {line} needs at most {need} more; {asked} asked.",
    },
    "rule.reserve.release_above_reserved": {
        "ru": "В резерве только {reserved}, запрошено {asked}.",
        "en": "Only {reserved} reserved; {asked} asked.",
    },
    "rule.reserve.move_other_goods": {
        "ru": "Резерв переносится только между строками с той же номенклатурой и складом.",
        "en": "Reserve moves only between lines of the same product and warehouse.",
    },
    "rule.shipment.above_ordered": {
        "ru": "Строка {line}: осталось отгрузить {left}, указано {asked}.",
        "en": "Line {line}: {left} left to ship, {asked} asked.",
    },
    "rule.shipment.above_stock": {
        "ru": "Строка {line}: недостаточно товара на складе (свободно {free}).",
        "en": "Line {line}: not enough goods (free {free}).",
    },
    "rule.payment.above_order": {
        "ru": "По заказу ожидается не более {left}, указано {given}.",
        "en": "The order expects only {left} more; {given} given.",
    },
    "rule.payment_schedule.sum_mismatch": {
        "ru": "Сумма графика {scheduled} не равна сумме заказа {total}.",
        "en": "The schedule adds up to {scheduled}, the order total is {total}.",
    },
    "rule.stock.below_reserved": {
        "ru": "Остаток {target} меньше резерва открытых заказов ({reserved}).",
        "en": "On hand {target} would be below the {reserved} reserved.",
    },
    "rule.agreement.not_valid_on": {
        "ru": "Соглашение {number} не действует на {date}.",
        "en": "Agreement {number} is not valid on {date}.",
    },
    "rule.agreement.other_partner": {
        "ru": "Соглашение {number} — индивидуальное соглашение другого партнёра.",
        "en": "Agreement {number} is another partner's individual agreement.",
    },
    "rule.agreement.individual_needs_partner": {
        "ru": "Для индивидуального соглашения укажите партнёра.",
        "en": "An individual agreement needs its partner.",
    },
    "rule.agreement.typical_has_no_partner": {
        "ru": "Типовое соглашение не привязывается к партнёру.",
        "en": "A typical agreement has no partner.",
    },
    "rule.agreement.validity_order": {
        "ru": "Окончание действия раньше начала.",
        "en": "The agreement ends before it starts.",
    },
    "rule.offer.status_forbids": {
        "ru": "Действие недоступно в статусе «{status}».",
        "en": "Not allowed while the offer is {status}.",
    },
    "rule.offer.overdue": {
        "ru": "Срок действия предложения истёк ({valid_until}).",
        "en": "The offer expired on {valid_until}.",
    },
    "rule.offer.not_overdue": {
        "ru": "Предложение действует до {valid_until}, срок ещё не истёк.",
        "en": "The offer is valid until {valid_until}.",
    },
    "rule.offer.no_lines": {"ru": "В предложении нет товаров.", "en": "The offer has no lines."},
    "rule.product.sku_taken": {"ru": "Артикул уже занят.", "en": "SKU already used."},
    "rule.product.in_use": {
        "ru": "Номенклатура есть в открытых заказах.",
        "en": "The product is on open orders.",
    },
    "rule.money.range": {"ru": "Недопустимая сумма.", "en": "Amount out of range."},
    "rule.quantity.range": {
        "ru": "Количество должно быть больше 0.",
        "en": "Quantity must be above 0.",
    },
    "rule.percent.range": {"ru": "Процент от 0 до 100.", "en": "Percent is from 0 to 100."},
}
for _key, _entry in _SALES_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)

# Editing sales documents on their cards, and the field names of the "what changed" table that a
# stale edit (409) shows on every edit form.
_EDIT_MESSAGES: dict[str, dict[str, str]] = {
    "order.edit": {"ru": "Основное", "en": "Header"},
    "order.comment": {"ru": "Комментарий", "en": "Comment"},
    "order.counterparty": {"ru": "Контрагент", "en": "Counterparty"},
    "order.manager": {"ru": "Менеджер", "en": "Manager"},
    "order.deal": {"ru": "Сделка", "en": "Deal"},
    "order.terms_draft_only": {
        "ru": "Соглашение и контрагент меняются только в черновике.",
        "en": "The agreement and the counterparty change only in a draft.",
    },
    "order.save_line": {"ru": "Записать строку", "en": "Save line"},
    "order.delete_line": {"ru": "Удалить строку", "en": "Delete line"},
    "order.line_n": {"ru": "Строка {line}", "en": "Line {line}"},
    "offer.edit": {"ru": "Основное", "en": "Header"},
    "field.agreement_id": {"ru": "Соглашение", "en": "Agreement"},
    "field.counterparty_id": {"ru": "Контрагент", "en": "Counterparty"},
    "field.organization_id": {"ru": "Организация", "en": "Organization"},
    "field.deal_id": {"ru": "Сделка", "en": "Deal"},
    "field.manager_id": {"ru": "Менеджер", "en": "Manager"},
    "field.planned_shipment_date": {
        "ru": "Желаемая дата отгрузки",
        "en": "Planned shipment date",
    },
    "field.comment": {"ru": "Комментарий", "en": "Comment"},
    "field.valid_until": {"ru": "Действует до", "en": "Valid until"},
    "field.product_id": {"ru": "Номенклатура", "en": "Product"},
    "field.warehouse_id": {"ru": "Склад", "en": "Warehouse"},
    "field.quantity": {"ru": "Количество", "en": "Quantity"},
    "field.price": {"ru": "Цена", "en": "Price"},
    "field.discount_percent": {"ru": "Скидка, %", "en": "Discount, %"},
    "field.price_adjustment": {"ru": "Корректировка цены", "en": "Price adjustment"},
    "field.sku": {"ru": "Артикул", "en": "SKU"},
    "field.unit": {"ru": "Единица измерения", "en": "Unit"},
    "field.base_price": {"ru": "Базовая цена", "en": "Base price"},
    "field.cost_price": {"ru": "Себестоимость", "en": "Cost price"},
    "field.gis_system": {"ru": "Учёт в ГИС", "en": "GIS tracking"},
    "field.price_type": {"ru": "Вид цен", "en": "Price type"},
    "field.max_manual_discount_percent": {
        "ru": "Макс. ручная скидка, %",
        "en": "Max manual discount, %",
    },
    "field.prepayment_share": {"ru": "Предоплата, %", "en": "Prepayment, %"},
    "field.deferral_days": {"ru": "Отсрочка, дней", "en": "Deferral, days"},
    "field.valid_from": {"ru": "Действует с", "en": "Valid from"},
    "field.valid_to": {"ru": "Действует по", "en": "Valid to"},
    "field.settlement_control": {"ru": "Контроль взаиморасчётов", "en": "Settlement control"},
    "field.potential_amount": {"ru": "Потенциальная сумма", "en": "Potential amount"},
    "field.probability": {"ru": "Вероятность, %", "en": "Probability, %"},
    "field.planned_close_date": {"ru": "Планируемая дата завершения", "en": "Planned close date"},
}
for _key, _entry in _EDIT_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)


def translate(key: str, lang: str = "ru", default: str | None = None, **params: Any) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return default if default is not None else key
    text = entry.get(lang) or entry["ru"]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


# Partner editing, counterparties, the grouped menu and the home page's "my work".
_OPS_MESSAGES: dict[str, dict[str, str]] = {
    "action.edit": {"ru": "Изменить", "en": "Edit"},
    "action.cancel": {"ru": "Отмена", "en": "Cancel"},
    "partner.edit": {"ru": "Редактирование партнёра", "en": "Edit partner"},
    "partner.title": {"ru": "Партнёр", "en": "Partner"},
    "counterparty.title": {"ru": "Контрагент", "en": "Counterparty"},
    "counterparty.new": {"ru": "Новый контрагент", "en": "New counterparty"},
    "counterparty.add": {"ru": "Добавить контрагента", "en": "Add counterparty"},
    "counterparty.delete": {"ru": "Пометить на удаление", "en": "Delete"},
    "field.legal_form": {"ru": "Юр./физ. лицо", "en": "Legal form"},
    "field.inn": {"ru": "ИНН", "en": "INN"},
    "field.kpp": {"ru": "КПП", "en": "KPP"},
    "field.legal_name": {"ru": "Юридическое наименование", "en": "Legal name"},
    "field.legal_address": {"ru": "Юридический адрес", "en": "Legal address"},
    "field.business_region_id": {"ru": "Бизнес-регион", "en": "Business region"},
    "deal.changed_by": {"ru": "Кто изменил", "en": "Changed by"},
    "deal.manager_hint": {
        "ru": "Не выбран — менеджер партнёра",
        "en": "Left blank — the partner's manager",
    },
    "section.crm": {"ru": "CRM и маркетинг", "en": "CRM and marketing"},
    "section.sales": {"ru": "Продажи", "en": "Sales"},
    "section.nsi": {"ru": "НСИ", "en": "Master data"},
    "section.admin": {"ru": "Администрирование", "en": "Administration"},
    "home.my_work": {"ru": "Мои задачи", "en": "My work"},
    "home.overdue_interactions": {
        "ru": "Просроченные взаимодействия",
        "en": "Overdue interactions",
    },
    "home.open_deals": {"ru": "Сделки в работе", "en": "Open deals"},
    "home.claims_in_work": {"ru": "Претензии в работе", "en": "Claims in work"},
    "home.nothing": {"ru": "Нет.", "en": "None."},
    "home.all": {"ru": "все", "en": "all"},
    "home.overdue_since": {"ru": "Просрочено с", "en": "Overdue since"},
    # Column and attribute names over values that carry their own "%" (5 %, not "…, %: 5 %").
    "column.probability": {"ru": "Вероятность", "en": "Probability"},
    "column.discount": {"ru": "Скидка", "en": "Discount"},
    "column.manual_discount": {"ru": "Ручная скидка", "en": "Manual discount"},
    "column.max_manual_discount": {"ru": "Макс. ручная скидка", "en": "Max manual discount"},
}
for _key, _entry in _OPS_MESSAGES.items():
    MESSAGES[_key] = _entry


# Организации: our legal entities and their GIS identities (administrator's page).
_ORGANIZATION_MESSAGES: dict[str, dict[str, str]] = {
    "nav.organizations": {"ru": "Организации", "en": "Organizations"},
    "organization.list_title": {"ru": "Организации", "en": "Organizations"},
    "organization.title": {"ru": "Организация", "en": "Organization"},
    "organization.new": {"ru": "Новая организация", "en": "New organization"},
    "organization.edit": {"ru": "Редактирование организации", "en": "Edit organization"},
    "organization.identities": {
        "ru": "Идентификаторы в ГИС",
        "en": "Identities in the GIS systems",
    },
    "organization.list_hint": {
        "ru": "По одному в строке.",
        "en": "One per line.",
    },
    "organization.gismt_hint": {
        "ru": "Если участник оборота — не сама организация; пусто — ИНН организации.",
        "en": "When the participant is not the organization itself; blank means its own INN.",
    },
    "field.fsrar_id": {"ru": "Идентификатор ФСРАР (ЕГАИС)", "en": "FSRAR ID (EGAIS)"},
    "field.additional_fsrar_ids": {
        "ru": "Дополнительные идентификаторы ФСРАР (ЕГАИС)",
        "en": "Further FSRAR IDs (EGAIS)",
    },
    "field.vetis_business_entity_guid": {
        "ru": "GUID хозяйствующего субъекта (ВетИС)",
        "en": "Business entity GUID (VetIS)",
    },
    "field.vetis_enterprise_guids": {
        "ru": "GUID площадок (ВетИС)",
        "en": "Enterprise GUIDs (VetIS)",
    },
    "field.gismt_participant_inn": {
        "ru": "Участник оборота (ГИС МТ)",
        "en": "Turnover participant (GIS MT)",
    },
    "rule.organization.fsrar_id": {
        "ru": "Идентификатор ФСРАР — 12 цифр (введено «{value}»).",
        "en": "An FSRAR ID has 12 digits (got “{value}”).",
    },
    "rule.organization.guid": {
        "ru": "«{value}» — не GUID (32 шестнадцатеричные цифры, например "
        "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b).",
        "en": "“{value}” is not a GUID (32 hexadecimal digits, e.g. "
        "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b).",
    },
    "rule.organization.list_too_long": {
        "ru": "Не более {limit} идентификаторов (введено {count}).",
        "en": "At most {limit} identifiers (got {count}).",
    },
    "rule.organization.duplicate_inn": {
        "ru": "Организация «{name}» уже имеет ИНН {inn}.",
        "en": "Organization “{name}” already has INN {inn}.",
    },
    "rule.organization.identity_taken": {
        "ru": "{value} уже принадлежит организации «{name}».",
        "en": "{value} already belongs to organization “{name}”.",
    },
}
for _key, _entry in _ORGANIZATION_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)


# Autofill by ИНН from the counterparty registry (issue 20).
_REGISTRY_MESSAGES: dict[str, dict[str, str]] = {
    "registry.fill": {"ru": "Заполнить по ИНН", "en": "Fill by INN"},
    "registry.hint": {
        "ru": "Автозаполнение по ИНН доступно только для юридических лиц. Используются "
        "реквизиты: КПП, наименование, юридический адрес, телефон. Проверьте их и запишите.",
        "en": "Autofill by INN is for legal entities only: KPP, name, legal address and phone "
        "are proposed. Check them, then save.",
    },
    "registry.kpp_choice": {
        "ru": "Подразделение (КПП)",
        "en": "Office (KPP)",
    },
    "registry.head_office": {"ru": "головная организация", "en": "head office"},
    "registry.branch": {"ru": "филиал", "en": "branch"},
    "registry.searching": {"ru": "Ищем в реестре…", "en": "Looking it up…"},
    "registry.filled": {
        "ru": "Реквизиты заполнены из реестра ({source}). Проверьте и запишите.",
        "en": "Filled from the registry ({source}). Check, then save.",
    },
    "registry.not_found": {
        "ru": "В реестре нет организации с этим ИНН; заполните реквизиты вручную.",
        "en": "The registry has no organization with this INN; fill the fields by hand.",
    },
    "registry.unavailable": {
        "ru": "Реестр сейчас недоступен; заполните реквизиты вручную.",
        "en": "The registry is unavailable now; fill the fields by hand.",
    },
    "registry.rate_limited": {
        "ru": "Превышен лимит запросов к реестру; попробуйте позже или заполните вручную.",
        "en": "The registry's request limit is reached; try later or fill by hand.",
    },
    "registry.bad_inn": {
        "ru": "ИНН указан неверно (10 цифр для юридического лица, контрольные цифры).",
        "en": "The INN is wrong (10 digits for a legal entity, check digits).",
    },
    "registry.person": {
        "ru": "Для физических лиц автозаполнение не выполняется.",
        "en": "There is no autofill for persons.",
    },
    "registry.warning.liquidating": {
        "ru": "Внимание: организация находится в стадии ликвидации.",
        "en": "Warning: the organization is being liquidated.",
    },
    "registry.warning.liquidated": {
        "ru": "Внимание: организация ликвидирована (деятельность прекращена).",
        "en": "Warning: the organization has been liquidated (ceased).",
    },
    "registry.warning.bankrupt": {
        "ru": "Внимание: организация признана банкротом.",
        "en": "Warning: the organization is bankrupt.",
    },
    "registry.changes": {"ru": "Изменения в реестре", "en": "Registry changes"},
    "registry.detected_at": {"ru": "Обнаружено", "en": "Detected"},
    "registry.field": {"ru": "Реквизит", "en": "Field"},
    "registry.old_value": {"ru": "Было", "en": "Was"},
    "registry.new_value": {"ru": "Стало (в реестре)", "en": "Now (registry)"},
    "registry.field.legal_name": {"ru": "Наименование", "en": "Name"},
    "registry.field.legal_address": {"ru": "Юридический адрес", "en": "Legal address"},
    "registry.field.kpp": {"ru": "КПП", "en": "KPP"},
    "registry.field.status": {"ru": "Статус", "en": "Status"},
    "registry.ogrn": {"ru": "ОГРН", "en": "OGRN (ОГРН)"},
    "registry.short_name": {"ru": "Краткое наименование", "en": "Short name"},
    "registry.registration_date": {"ru": "Дата регистрации", "en": "Registered on"},
    "registry.director": {"ru": "Руководитель", "en": "Director"},
    "registry.status": {"ru": "Статус", "en": "Status"},
    "registry.status.active": {"ru": "действующая", "en": "active"},
    "registry.status.liquidating": {"ru": "ликвидируется", "en": "liquidating"},
    "registry.status.liquidated": {"ru": "ликвидирована", "en": "liquidated"},
    "registry.status.bankrupt": {"ru": "банкротство", "en": "bankrupt"},
    "registry.status.reorganising": {"ru": "реорганизация", "en": "reorganising"},
}
for _key, _entry in _REGISTRY_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)


def _merge_portal_messages() -> None:
    from operational_app.portal.messages import PORTAL_MESSAGES

    for key, entry in PORTAL_MESSAGES.items():
        MESSAGES.setdefault(key, entry)


_merge_portal_messages()


def _merge_invoice_messages() -> None:
    from operational_app.invoice_messages import INVOICE_MESSAGES

    for key, entry in INVOICE_MESSAGES.items():
        MESSAGES.setdefault(key, entry)


_merge_invoice_messages()
# Планы продаж (issue 26).
_PLAN_MESSAGES: dict[str, dict[str, str]] = {
    "nav.sales_plans": {"ru": "Планы продаж", "en": "Sales plans"},
    "plan.title": {"ru": "Планы продаж", "en": "Sales plans"},
    "plan.hint": {
        "ru": "План менеджера на месяц по бизнес-региону и виду сделок: сумма и число выигранных "
        "сделок. Повторный ввод той же ячейки запрещён — измените план в строке.",
        "en": "A manager's plan for a month, business region and deal kind: the amount and the "
        "number of won deals. A cell holds one plan: change it in its row.",
    },
    "plan.field.period_month": {"ru": "Месяц", "en": "Month"},
    "plan.field.manager_id": {"ru": "Менеджер", "en": "Manager"},
    "plan.field.business_region_id": {"ru": "Бизнес-регион", "en": "Business region"},
    "plan.field.deal_kind_id": {"ru": "Вид сделки", "en": "Deal kind"},
    "plan.field.planned_amount": {"ru": "Плановая сумма", "en": "Planned amount"},
    "plan.field.planned_won_deals": {"ru": "Плановое число сделок", "en": "Planned won deals"},
    "plan.add": {"ru": "Новый план", "en": "New plan"},
    "rule.sales_plan.duplicate": {
        "ru": "На этот месяц, менеджера, регион и вид сделки план уже есть (№ {id}).",
        "en": "This month, manager, region and deal kind already have plan {id}.",
    },
    "rule.sales_plan.negative": {
        "ru": "План не бывает отрицательным.",
        "en": "A plan is never negative.",
    },
    "rule.sales_plan.not_deleted": {"ru": "План не удалён.", "en": "The plan is not deleted."},
    "nav.desktop": {"ru": "Рабочий стол менеджера", "en": "Manager's desktop"},
    "desktop.title": {"ru": "Рабочий стол менеджера", "en": "Manager's desktop"},
    "desktop.today": {"ru": "Взаимодействия на сегодня", "en": "Today's interactions"},
    "desktop.overdue": {"ru": "Просроченные взаимодействия", "en": "Overdue interactions"},
    "desktop.stalled_deals": {
        "ru": "Сделки без следующего шага",
        "en": "Deals without a next step",
    },
    "desktop.expiring_offers": {
        "ru": "Предложения, истекающие за неделю",
        "en": "Offers expiring this week",
    },
    "desktop.when": {"ru": "Запланировано на", "en": "Planned for"},
    "desktop.offer": {"ru": "Предложение", "en": "Offer"},
    "desktop.valid_until": {"ru": "Действует до", "en": "Valid until"},
    "desktop.amount": {"ru": "Сумма", "en": "Amount"},
    "classifier.field.kind": {"ru": "Вид мероприятия", "en": "Event kind"},
    "classifier.field.cost": {"ru": "Затраты", "en": "Cost"},
    "event_kind.exhibition": {"ru": "Выставка", "en": "Exhibition"},
    "event_kind.webinar": {"ru": "Вебинар", "en": "Webinar"},
    "event_kind.seminar": {"ru": "Семинар", "en": "Seminar"},
    "event_kind.open_day": {"ru": "День открытых дверей", "en": "Open day"},
    "event_kind.mailing": {"ru": "Рассылка", "en": "Mailing"},
    "event_kind.other": {"ru": "Другое", "en": "Other"},
    "rule.marketing_event.kind": {
        "ru": "Неизвестный вид мероприятия.",
        "en": "Unknown event kind.",
    },
    "rule.marketing_event.cost": {
        "ru": "Затраты не бывают отрицательными.",
        "en": "The cost is never negative.",
    },
}
for _key, _entry in _PLAN_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)

# Retail pages (issue 21): stores, cash registers, loyalty programmes, discount cards, price tags.
_RETAIL_MESSAGES: dict[str, dict[str, str]] = {
    "nav.stores": {"ru": "Магазины", "en": "Stores"},
    "nav.cash_registers": {"ru": "Кассы ККТ", "en": "Cash registers"},
    "nav.loyalty_programmes": {"ru": "Программы лояльности", "en": "Loyalty programmes"},
    "nav.discount_cards": {"ru": "Дисконтные карты", "en": "Discount cards"},
    "nav.price_tag_templates": {"ru": "Шаблоны ценников", "en": "Price tag templates"},
    "nav.price_tags": {"ru": "Печать ценников", "en": "Print price tags"},
    "store.title": {"ru": "Магазин", "en": "Store"},
    "cash_register.title": {"ru": "Касса ККТ", "en": "Cash register"},
    "loyalty_programme.title": {"ru": "Программа лояльности", "en": "Loyalty programme"},
    "discount_card.title": {"ru": "Дисконтная карта", "en": "Discount card"},
    "price_tag_template.title": {"ru": "Шаблон ценника", "en": "Price tag template"},
    "retail.new": {"ru": "Создать", "en": "New"},
    "retail.edit": {"ru": "Изменить", "en": "Edit"},
    "retail.search_card": {"ru": "Номер карты", "en": "Card number"},
    "retail.holder_hint": {
        "ru": "Код партнёра или контактного лица (одно из двух) либо пусто для анонимной карты.",
        "en": "A partner's or a contact person's id (one of the two), or blank for an anonymous "
        "card.",
    },
    "retail.template_hint": {
        "ru": "Наименование товара, цена и цена за единицу измерения (где её требуют Правила "
        "продажи товаров, ПП РФ № 2463) печатаются всегда.",
        "en": "The product name, the price and the unit price (where the Rules for the sale of "
        "goods, Government Decree No. 2463, require it) are always printed.",
    },
    "price_tags.choose": {
        "ru": "Отметьте товары, укажите количество ценников и старую цену (для уценки).",
        "en": "Tick the products, give the number of tags and an old price (for a markdown).",
    },
    "price_tags.print": {"ru": "Сформировать PDF", "en": "Make the PDF"},
    "price_tags.copies": {"ru": "Ценников", "en": "Tags"},
    "price_tags.unit_price": {"ru": "Цена за единицу", "en": "Unit price"},
    "price_tags.none_chosen": {"ru": "Не выбрано ни одного товара.", "en": "No product chosen."},
    "field.address": {"ru": "Адрес", "en": "Address"},
    "field.store_id": {"ru": "Магазин", "en": "Store"},
    "field.registration_number": {"ru": "Регистрационный номер ККТ", "en": "Registration number"},
    "field.fiscal_drive_number": {"ru": "Номер ФН", "en": "Fiscal drive number"},
    "field.ofd_name": {"ru": "ОФД", "en": "Fiscal data operator"},
    "field.ofd_inn": {"ru": "ИНН ОФД", "en": "Operator's INN"},
    "field.accrual_percent": {"ru": "Начисление баллов, %", "en": "Points accrual, %"},
    "field.max_redemption_percent": {
        "ru": "Макс. оплата баллами, %",
        "en": "Max. paid by points, %",
    },
    "field.point_value": {"ru": "Стоимость балла, ₽", "en": "Point value, ₽"},
    "field.points_validity_days": {
        "ru": "Срок действия баллов, дней",
        "en": "Points validity, days",
    },
    "field.number": {"ru": "Номер", "en": "Number"},
    "field.programme_id": {"ru": "Программа лояльности", "en": "Loyalty programme"},
    "field.issued_on": {"ru": "Дата выдачи", "en": "Issued on"},
    "field.blocked_on": {"ru": "Дата блокировки", "en": "Blocked on"},
    "field.columns": {"ru": "Колонок на листе A4", "en": "Columns per A4 page"},
    "field.rows": {"ru": "Строк на листе A4", "en": "Rows per A4 page"},
    "field.show_old_price": {"ru": "Старая цена", "en": "Old price"},
    "field.show_barcode": {"ru": "Штрихкод", "en": "Barcode"},
    "field.template_id": {"ru": "Шаблон ценника", "en": "Price tag template"},
    "field.net_quantity": {"ru": "Масса (объём) нетто", "en": "Net quantity"},
    "field.net_unit": {"ru": "Единица нетто", "en": "Net unit"},
    "net_unit.g": {"ru": "г", "en": "g"},
    "net_unit.ml": {"ru": "мл", "en": "ml"},
    "rule.product.net_quantity_unit": {
        "ru": "Укажите массу (объём) нетто вместе с единицей (г или мл).",
        "en": "A net quantity needs its unit (g or ml), and a unit needs a quantity.",
    },
    "loyalty_kind.discount": {"ru": "Дисконтная", "en": "Discount"},
    "loyalty_kind.bonus": {"ru": "Бонусная", "en": "Bonus"},
    "rule.store.name_taken": {
        "ru": "Магазин с таким названием уже есть.",
        "en": "A store with this name already exists.",
    },
    "rule.cash_register.number_taken": {
        "ru": "Касса с таким регистрационным номером уже зарегистрирована.",
        "en": "A cash register with this registration number is already registered.",
    },
    "rule.registration_number.format": {
        "ru": "Регистрационный номер ККТ — 16 цифр.",
        "en": "The registration number is 16 digits.",
    },
    "rule.fiscal_drive_number.format": {
        "ru": "Номер ФН — 16 цифр.",
        "en": "The fiscal drive number is 16 digits.",
    },
    "rule.ofd_inn.format": {"ru": "ИНН ОФД — 10 цифр.", "en": "The operator's INN is 10 digits."},
    "rule.loyalty_programme.name_taken": {
        "ru": "Программа с таким названием уже есть.",
        "en": "A programme with this name already exists.",
    },
    "rule.loyalty_programme.discount_accrues": {
        "ru": "Дисконтная программа не начисляет баллы.",
        "en": "A discount programme does not accrue points.",
    },
    "rule.discount_card.number_taken": {
        "ru": "Карта с таким номером уже есть.",
        "en": "A card with this number already exists.",
    },
    "rule.discount_card.one_holder": {
        "ru": "Владелец карты — партнёр или контактное лицо, не оба.",
        "en": "A card belongs to a partner or to a contact person, not both.",
    },
    "rule.discount_card.blocked_before_issue": {
        "ru": "Карту нельзя заблокировать раньше даты выдачи.",
        "en": "A card cannot be blocked before it is issued.",
    },
    "rule.price_tag_template.name_taken": {
        "ru": "Шаблон с таким названием уже есть.",
        "en": "A template with this name already exists.",
    },
    "rule.price_tag_template.columns_range": {
        "ru": "Колонок: от 1 до 4.",
        "en": "Columns: 1 to 4.",
    },
    "rule.price_tag_template.barcode_needs_room": {
        "ru": "Штрихкод помещается на ценники при не более чем 8 строках на листе.",
        "en": "A barcode fits tags of at most 8 rows per page.",
    },
    "rule.price_tag_template.rows_range": {"ru": "Строк: от 1 до 12.", "en": "Rows: 1 to 12."},
}
for _key, _entry in _RETAIL_MESSAGES.items():
    MESSAGES.setdefault(_key, _entry)
