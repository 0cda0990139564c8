"""Portal messages: claims and returns. Keys start with `portal.` (operator-side keys with their
entity: `returns.*`; the rules of domain/returns.py and domain/attachments.py: `rule.*`)."""

from __future__ import annotations

_PORTAL: dict[str, dict[str, str]] = {
    "portal.claims.title": {"ru": "Претензии", "en": "Claims"},
    "portal.claims.one": {"ru": "Претензия", "en": "Claim"},
    "portal.claims.new": {"ru": "Новая претензия", "en": "New claim"},
    "portal.claims.empty": {"ru": "Претензий пока нет.", "en": "No claims yet."},
    "portal.claims.date": {"ru": "Дата регистрации", "en": "Registered"},
    "portal.claims.reason": {"ru": "Причина", "en": "Reason"},
    "portal.claims.order": {"ru": "Заказ", "en": "Order"},
    "portal.claims.shipment": {"ru": "Реализация (отгрузка)", "en": "Shipment"},
    "portal.claims.amount": {"ru": "Сумма претензии", "en": "Claimed amount"},
    "portal.claims.description": {"ru": "Описание", "en": "Description"},
    "portal.claims.register": {"ru": "Зарегистрировать претензию", "en": "Register the claim"},
    "portal.claims.history": {"ru": "Ход рассмотрения", "en": "Progress"},
    "portal.claims.resolution_comment": {"ru": "Решение", "en": "Decision"},
    "portal.claims.choose": {"ru": "— выберите —", "en": "— choose —"},
    "portal.claims.none": {"ru": "— не указан —", "en": "— none —"},
    "portal.claims.status.registered": {"ru": "Зарегистрирована", "en": "Registered"},
    "portal.claims.status.in_work": {"ru": "В работе", "en": "In work"},
    "portal.claims.status.resolved": {"ru": "Рассмотрена", "en": "Resolved"},
    "portal.claims.result.satisfied": {"ru": "Удовлетворена", "en": "Satisfied"},
    "portal.claims.result.not_satisfied": {"ru": "Не удовлетворена", "en": "Not satisfied"},
    "portal.attachments": {"ru": "Файлы", "en": "Files"},
    "portal.attachments.none": {"ru": "Файлов нет.", "en": "No files."},
    "portal.attachments.add": {"ru": "Добавить файлы", "en": "Add files"},
    "portal.attachments.rules": {
        "ru": "До 5 файлов по 10 МБ: JPEG, PNG, PDF, TXT, XLSX, DOCX.",
        "en": "Up to 5 files of 10 MB each: JPEG, PNG, PDF, TXT, XLSX, DOCX.",
    },
    "portal.returns.title": {"ru": "Возвраты", "en": "Returns"},
    "portal.returns.one": {"ru": "Заявка на возврат", "en": "Return request"},
    "portal.returns.new": {"ru": "Новая заявка на возврат", "en": "New return request"},
    "portal.returns.empty": {"ru": "Заявок на возврат пока нет.", "en": "No return requests yet."},
    "portal.returns.date": {"ru": "Дата заявки", "en": "Requested"},
    "portal.returns.order": {"ru": "Заказ", "en": "Order"},
    "portal.returns.reason": {"ru": "Причина возврата", "en": "Reason"},
    "portal.returns.comment": {"ru": "Комментарий", "en": "Comment"},
    "portal.returns.choose_order": {
        "ru": "Показать отгруженные товары",
        "en": "Show shipped goods",
    },
    "portal.returns.lines": {"ru": "Отгруженные товары по заказу", "en": "Goods shipped on order"},
    "portal.returns.register": {"ru": "Отправить заявку", "en": "Send the request"},
    "portal.returns.quantity": {
        "ru": "Вернуть (можно до {left})",
        "en": "Return (up to {left})",
    },
    "portal.returns.check_quantities": {
        "ru": "Проверьте количества к возврату: ошибки отмечены у товаров.",
        "en": "Check the quantities to return: errors are shown beside the goods.",
    },
    "portal.returns.cancel": {"ru": "Отозвать заявку", "en": "Withdraw the request"},
}

_OPERATOR: dict[str, dict[str, str]] = {
    "returns.list_title": {
        "ru": "Заявки на возврат товаров от клиентов",
        "en": "Customer return requests",
    },
    "returns.title": {"ru": "Заявка на возврат", "en": "Return request"},
    "returns.new": {"ru": "Оформить возврат", "en": "Register a return"},
    "returns.source": {"ru": "Источник", "en": "Source"},
    "returns.source.operator": {"ru": "Менеджер", "en": "Operator"},
    "returns.source.portal": {"ru": "Портал", "en": "Portal"},
    "returns.status.registered": {"ru": "Зарегистрирована", "en": "Registered"},
    "returns.status.approved": {"ru": "Согласована", "en": "Approved"},
    "returns.status.rejected": {"ru": "Отклонена", "en": "Rejected"},
    "returns.status.received": {"ru": "Товар получен", "en": "Received"},
    "returns.status.cancelled": {"ru": "Отозвана", "en": "Cancelled"},
    "returns.registered_at": {"ru": "Дата", "en": "Date"},
    "returns.order": {"ru": "Заказ клиента", "en": "Customer order"},
    "returns.reason": {"ru": "Причина возврата", "en": "Return reason"},
    "returns.amount": {"ru": "Сумма", "en": "Amount"},
    "returns.comment": {"ru": "Комментарий", "en": "Comment"},
    "returns.decided_at": {"ru": "Решение принято", "en": "Decided"},
    "returns.decision_comment": {"ru": "Комментарий к решению", "en": "Decision comment"},
    "returns.received_at": {"ru": "Товар получен", "en": "Received"},
    "returns.product": {"ru": "Номенклатура", "en": "Product"},
    "returns.quantity": {"ru": "Количество", "en": "Quantity"},
    "returns.price": {"ru": "Цена", "en": "Price"},
    "returns.attachments": {"ru": "Файлы", "en": "Files"},
    "returns.approve": {"ru": "Согласовать", "en": "Approve"},
    "returns.reject": {"ru": "Отклонить", "en": "Reject"},
    "returns.reject_comment": {"ru": "Причина отказа", "en": "Why rejected"},
    "returns.receive": {"ru": "Товар получен", "en": "Goods received"},
    "returns.cancel": {"ru": "Отозвать", "en": "Cancel"},
    "returns.closed": {"ru": "Заявка закрыта.", "en": "The request is closed."},
    "returns.choose_order": {"ru": "Показать отгрузки", "en": "Show shipments"},
    "returns.register": {"ru": "Зарегистрировать заявку", "en": "Register the request"},
    "returns.shipment": {"ru": "Реализация", "en": "Shipment"},
    "returns.shipped": {"ru": "Отгружено", "en": "Shipped"},
    "returns.already_returned": {"ru": "Уже в возвратах", "en": "Already returned"},
    "returns.returnable": {"ru": "Можно вернуть", "en": "Returnable"},
    "returns.nothing_shipped": {"ru": "По заказу ничего не отгружено.", "en": "Nothing shipped."},
    "returns.returned_amount": {"ru": "Возвращено", "en": "Returned"},
    "returns.of_partner": {"ru": "Возвраты", "en": "Returns"},
    "returns.sort.default": {"ru": "по умолчанию", "en": "default"},
    "returns.sort.number": {"ru": "Номер", "en": "Number"},
    "returns.sort.-registered_at": {"ru": "Сначала новые", "en": "Newest first"},
    "returns.sort.-total_amount": {"ru": "Сумма, по убыванию", "en": "Amount, descending"},
    "returns.sort.status": {"ru": "Статус", "en": "Status"},
    "classifier.return-reasons": {"ru": "Причины возврата товаров", "en": "Return reasons"},
    "returns.claim_attachments": {"ru": "Файлы клиента", "en": "Customer's files"},
}

_RULES: dict[str, dict[str, str]] = {
    "rule.attachment.too_large": {
        "ru": "Файл {name} больше {limit_mb} МБ.",
        "en": "File {name} is larger than {limit_mb} MB.",
    },
    "rule.attachment.too_many": {
        "ru": "За один раз можно приложить не больше {limit} файлов; выбрано {count}.",
        "en": "At most {limit} files may be attached at once; {count} given.",
    },
    "rule.attachment.type_not_allowed": {
        "ru": "Файл {name}: можно прикладывать только файлы {allowed}.",
        "en": "File {name}: only {allowed} files may be attached.",
    },
    "rule.attachment.empty": {"ru": "Файл {name} пустой.", "en": "File {name} is empty."},
    "rule.attachment.none": {"ru": "Выберите файл.", "en": "Choose a file."},
    "rule.attachment.not_found": {"ru": "Файл не найден.", "en": "No such attachment here."},
    "rule.attachment.file_missing": {
        "ru": "Файл {name} отсутствует в хранилище.",
        "en": "The file {name} is missing from the storage.",
    },
    "rule.portal.reference_unknown": {
        "ru": "Выберите значение из списка.",
        "en": "Choose one of the listed values.",
    },
    "rule.portal.claim_resolved": {
        "ru": "Претензия рассмотрена; файлы добавить нельзя.",
        "en": "The claim is resolved; files can no longer be added.",
    },
    "rule.portal.return_closed": {
        "ru": "Заявка закрыта; файлы добавить нельзя.",
        "en": "The request is closed; files can no longer be added.",
    },
    "rule.return.source_unknown": {"ru": "Неизвестный источник.", "en": "Unknown source."},
    "rule.return.reason_required": {
        "ru": "Укажите причину возврата.",
        "en": "Choose the reason for the return.",
    },
    "rule.return.order_required": {"ru": "Выберите заказ.", "en": "Choose the order."},
    "rule.return.order_of_other_partner": {
        "ru": "Заказ {number} оформлен на другого партнёра.",
        "en": "Order {number} belongs to another partner.",
    },
    "rule.return.line_unknown": {
        "ru": "Строка отгрузки не относится к заказу.",
        "en": "The shipment line is not a line of this order.",
    },
    "rule.return.line_not_of_order": {
        "ru": "Строка отгрузки не относится к заказу {number}.",
        "en": "The shipment line was not shipped against order {number}.",
    },
    "rule.return.no_lines": {
        "ru": "Укажите количество к возврату хотя бы по одной строке.",
        "en": "Enter the quantity to return for at least one shipped line.",
    },
    "rule.return.above_returnable": {
        "ru": "{product}: можно вернуть не больше {left} (отгружено {shipped}), указано {asked}.",
        "en": "{product}: at most {left} may be returned (shipped {shipped}); {asked} asked.",
    },
    "rule.return.comment_too_long": {
        "ru": "Комментарий слишком длинный.",
        "en": "The comment is too long.",
    },
    "rule.return.approve_not_allowed": {
        "ru": "Заявку {number} в статусе «{status}» нельзя согласовать.",
        "en": "Return request {number} is {status}; it cannot be approved.",
    },
    "rule.return.reject_not_allowed": {
        "ru": "Заявку {number} в статусе «{status}» нельзя отклонить.",
        "en": "Return request {number} is {status}; it cannot be rejected.",
    },
    "rule.return.receive_not_allowed": {
        "ru": "Получить товар можно только по согласованной заявке; {number} — «{status}».",
        "en": "Only an approved request can be received; {number} is {status}.",
    },
    "rule.return.cancel_not_allowed": {
        "ru": "Отозвать можно только зарегистрированную заявку; {number} — «{status}».",
        "en": "Only a registered request can be cancelled; {number} is {status}.",
    },
    "rule.return.operators_decide": {
        "ru": "Решение по возврату принимают менеджеры.",
        "en": "Only operators approve, reject or receive returns.",
    },
    "rule.return.reject_comment_required": {
        "ru": "Укажите причину отказа: клиент увидит этот комментарий.",
        "en": "Say why the return is rejected: the customer sees the comment.",
    },
}

MESSAGES: dict[str, dict[str, str]] = {**_PORTAL, **_OPERATOR, **_RULES}
