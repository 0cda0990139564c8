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
        "ru": "Контрагент с таким ИНН/КПП уже есть (№ {id}).",
        "en": "A counterparty with this INN/KPP already exists (id {id}).",
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
