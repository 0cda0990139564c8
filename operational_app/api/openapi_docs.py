"""What /docs says: the API's overview, and field descriptions with one owner per meaning.

Operations are described by their route function's docstring (first line: the summary; then
the rules worth knowing: the 1C document, the error rule codes, `version`, scoping).

A field's description is, first match wins:
1. its own `Field(description=...)` (or one carried by its Annotated type);
2. `FIELD_DOCS["<Schema>.<field>"]`, looked up along the schema's classes (DealDetail finds
   DealPublic's), for a name that means something else there (`status` of a deal, `kind` of
   an agreement, `items` of a payment schedule);
3. `FIELD_DOCS["<field>"]`: the 1C term (Russian) and what the value is.
The shared input types (Id, Amount, …) carry no description: one type serves many meanings
(`Id` is partner_id and manager_id), and the response schemas use plain types.

`describe_fields` runs as the `json_schema_extra` of `Documented`, the base of every API schema
(`Input`, `Public`, `Paged` and the portal's own models), so /openapi.json and
`Model.model_json_schema()` carry the same text. `install` (called by the app factory) adds
the overview, FastAPI's own 422 schemas and the query parameters (PARAM_DOCS, else the
FIELD_DOCS entry of the parameter's name).

To document something new:
- a route: a docstring (summary line, then the rules worth knowing); generated routes pass
  `description=` to the decorator;
- a field whose name is new: one line in FIELD_DOCS; a known name meaning something else in
  one schema: a "<Schema>.<field>" entry; a schema of a new module: subclass `Input`,
  `Public` or `Documented`, not BaseModel;
- a query parameter of its own kind: PARAM_DOCS, or `Query(description=...)` at the route.
tests/operational_app/api/test_openapi_docs.py names whatever still lacks a description.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

API_DESCRIPTION = """\
The operational CRM behind the warehouse, modelled on 1С:Комплексная автоматизация (sales).

**Two APIs.** `/api/v1` is for operators (roles operator < manager < administrator; an
operation that needs more says so and answers 403). `/api/portal` is the customer portal: a
contact person of a partner sees only that partner's documents: another partner's record is a
404, like a missing one (given as a reference in a body: 422 `portal.reference_unknown`).

**Sign-in.** `Authorization: Bearer <token>` (`crm token create LOGIN`) or the session cookie
of a signed-in browser, which must then send its CSRF token in `X-CSRF-Token` on writes.

**Errors.** A refused business rule answers `{"detail": ..., "rule": ..., "field": ...}`:
`rule` is a stable code (`deal.loss_reason_required`), `field` names the input at fault when
there is one. 404: not found (or not yours, on the portal); 409: a status transition that is
not allowed, or a stale `version`; 422: invalid input, refused by a rule (the shape above) or
by the schema (FastAPI's `detail` list).

**Optimistic locking.** Every editable record has `version`. Send the one you read with each
change (required on PATCH, optional on actions and deletes); if someone changed the record
meanwhile, the answer is 409 `stale_version` and nothing is saved.
"""

FIELD_DOCS: dict[str, str] = {
    # Identity, versioning, audit
    "id": "Идентификатор: the record's id, unique within its entity.",
    "version": (
        "Версия: optimistic lock. Send the `version` you read; a write against a newer version "
        "is rejected with 409 (rule `stale_version`) and the client re-reads. It grows by one on "
        "every change."
    ),
    "created_at": "Дата создания: when the record was created (UTC).",
    "updated_at": "Дата изменения: when the record last changed (UTC).",
    "deleted_at": (
        "Пометка удаления: when the entry was marked for deletion (UTC); null while in use. "
        "Marked entries stay for history and cannot be chosen in new documents."
    ),
    "number": "Номер: the document's number, unique per document type; assigned when not given.",
    "name": "Наименование: the name shown in lists and pickers.",
    "code": "Код: a short code (for example the region's code in reports); optional.",
    "comment": "Комментарий: free text.",
    "description": "Описание: free-text description.",
    "title": "Заголовок: a short title.",
    "sequence": "Порядок: the position in the ordered list (1 first).",
    "parent_id": "Родитель: the parent entry in the hierarchy; null for a top-level entry.",
    # People
    "manager_id": "Менеджер: the responsible manager (a user id, see /api/v1/users).",
    "responsible_id": "Ответственный: the user who owns the work (a user id).",
    "user_id": "Пользователь: the user who made the change (a user id).",
    "head_user_id": "Руководитель: the department's head (a user id).",
    "approved_by_id": "Согласовал: the user who approved (a user id); null until approved.",
    "registered_by_id": "Зарегистрировал: the user who registered it (a user id).",
    "changed_by_id": "Изменил: the portal user (contact person) who made the change.",
    "reviewed_by_id": "Просмотрел: the operator who marked the change reviewed; null until then.",
    "used_by_id": "Использовал: the portal user created by accepting the invite; null until used.",
    "login": "Логин: the sign-in name.",
    "full_name": "ФИО: the person's full name.",
    "role": "Роль: the person's role (for a contact person: free-text position, e.g. «Главбух»).",
    "current_password": "Текущий пароль: the password in use now.",
    "new_password": "Новый пароль: the new password (length and strength rules apply).",
    "is_you": "Это вы: true for the contact person the portal user is signed in as.",
    "contact": "Контактное лицо: the contact person the portal user signs in as.",
    # Partners, counterparties, organisations
    "partner_id": "Партнёр: the customer or supplier (id from /api/v1/partners).",
    "partner_name": "Партнёр: the partner's name.",
    "kind": "Вид: which kind of record this is (the values are listed where they are fixed).",
    "business_region_id": (
        "Бизнес-регион: the sales region (id from the business regions classifier)."
    ),
    "counterparty_id": "Контрагент: the partner's legal entity that is party to the document.",
    "counterparty": "Контрагент: the partner's legal entity.",
    "counterparties": "Контрагенты: the partner's legal entities.",
    "counterparty_name": "Контрагент: the counterparty's legal name.",
    "organization_id": "Организация: our legal entity that is party to the document.",
    "organization": "Организация: our legal entity.",
    "organization_name": "Организация: our legal entity's name.",
    "legal_form": (
        "Юр./физ. лицо: legal_entity (ООО, АО…), individual_entrepreneur (ИП) or person; "
        "it decides the ИНН length and whether a КПП is allowed."
    ),
    "legal_name": "Полное наименование: the legal entity's full name as registered.",
    "short_name": "Сокращённое наименование: the short registered name.",
    "inn": (
        "ИНН: taxpayer number; 10 digits for a legal entity, 12 for an ИП or person, "
        "checked by its control digits (rules `inn.digits`, `inn.length`, `inn.checksum`)."
    ),
    "kpp": (
        "КПП: tax registration reason code, 9 characters; required for a legal entity "
        "(`kpp.required`, `kpp.format`), refused otherwise (`kpp.forbidden`)."
    ),
    "ogrn": "ОГРН/ОГРНИП: the state registration number.",
    "legal_address": "Юридический адрес: the registered address.",
    "address": "Адрес: the address as written.",
    "phone": "Телефон: a phone number as written.",
    "email": "Электронная почта: an e-mail address.",
    "director": "Руководитель: the head of the legal entity as registered.",
    "registration_date": "Дата регистрации: the date of state registration.",
    "is_branch": "Филиал: true when the registry entry is a branch, not the head office.",
    "branch_name": "Наименование филиала: the branch's name; null for a head office.",
    "is_entrepreneur": "ИП: true for an individual entrepreneur.",
    "needs_warning": (
        "Требует внимания: the registry marks the entry (liquidated, invalid address…)."
    ),
    "parties": "Найденные лица: the registry entries matching the ИНН.",
    "source": "Источник: where the record came from.",
    "fsrar_id": "ФСРАР ИД: the organisation's main ЕГАИС (alcohol) participant id.",
    "additional_fsrar_ids": "Дополнительные ФСРАР ИД: further ЕГАИС ids (other premises).",
    "vetis_business_entity_guid": "GUID хозяйствующего субъекта в ВетИС (Меркурий).",
    "vetis_enterprise_guids": "GUID предприятий в ВетИС (Меркурий): the organisation's sites.",
    "gismt_participant_inn": (
        "ИНН участника оборота в ГИС МТ (Честный знак), if not the organisation's."
    ),
    "partner_role_id": "Роль партнёра: a role from the partner roles classifier.",
    "contact_person_id": "Контактное лицо: a contact person of the partner.",
    "contact_role_id": "Роль контактного лица: a role from the contact roles classifier.",
    "contact_persons": "Контактные лица: the partner's contact persons.",
    "delivery_addresses": "Адреса доставки: the partner's delivery addresses.",
    "is_default": "Основной: the address used when a document names none; one per partner.",
    # Classifiers and structure
    "deal_kind_id": "Вид сделки: a deal kind; it decides whether the deal has sales stages.",
    "has_stages": "Использовать этапы: deals of this kind move through sales stages.",
    "stages": "Этапы продаж: the kind's stages, in order.",
    "stage_id": "Этап продаж: a sales stage of the deal's kind.",
    "stage_ids": "Этапы продаж: every stage of the kind, in the new order.",
    "current_stage_id": "Текущий этап: the deal's stage now; null for a kind without stages.",
    "is_regional_office": "Региональное подразделение: the department is a regional office.",
    "starts_on": "Дата начала: the first day (inclusive).",
    "ends_on": "Дата окончания: the last day (inclusive); not before the start.",
    "marketing_event_id": "Маркетинговое мероприятие: the event the interaction is about.",
    # Deals
    "deal_id": "Сделка с клиентом: the deal this document belongs to.",
    "potential_amount": "Потенциальная сумма продажи: the expected revenue, roubles.",
    "probability": "Вероятность: the chance of winning, percent (0–100).",
    "planned_close_date": "Планируемая дата завершения: when the deal is expected to close.",
    "status": (
        "Статус: the document's state; the operations that change it say which moves are allowed."
    ),
    "closed_at": "Дата завершения: when the deal was won or lost (UTC); null while in progress.",
    "loss_reason_id": (
        "Причина проигрыша: required to lose a deal (rule `deal.loss_reason_required`)."
    ),
    "loss_comment": "Комментарий к проигрышу: free text given when the deal was lost.",
    "stage_history": "История этапов: the stages the deal went through, oldest first.",
    "entered_at": "Вход в этап: when the deal entered the stage (UTC).",
    "left_at": "Выход из этапа: when the deal left the stage (UTC); null for the current one.",
    "was_skipped": "Пропущен: the stage was jumped over, not worked.",
    # Products and stock
    "product_id": "Номенклатура: the product (id from /api/v1/products).",
    "product": "Номенклатура: the product's name.",
    "product_name": "Номенклатура: the product's name.",
    "sku": "Артикул: the product's article code, unique.",
    "unit": "Единица измерения: the unit quantities are counted in (шт, кг…).",
    "base_price": (
        "Базовая цена: the list price per unit before agreement and line discounts, roubles."
    ),
    "cost_price": "Себестоимость: the cost per unit, roubles; used for margin in the warehouse.",
    "gis_system": "Система маркировки/прослеживаемости: egais, vetis or gismt; null when none.",
    "warehouse_id": "Склад: the warehouse (id from /api/v1/warehouses).",
    "quantity_on_hand": "Остаток: the quantity in the warehouse.",
    "reserved": "В резерве: the quantity reserved for customer orders.",
    "free": "Свободный остаток: on hand minus reserved.",
    "delta": (
        "Изменение: added to the quantity on hand instead of setting it (negative to subtract)."
    ),
    # Agreements, offers, orders
    "agreement_id": "Соглашение с клиентом: the agreement whose prices and terms apply.",
    "price_type": "Вид цен: which price list the agreement sells at.",
    "discount_percent": "Скидка, %: the discount in percent (0–100).",
    "max_manual_discount_percent": (
        "Максимальная ручная скидка, %: a line discount above this needs the order's approval."
    ),
    "prepayment_share": "Доля предоплаты, %: the share of the order paid before shipment (0–100).",
    "deferral_days": "Отсрочка, дней: days after shipment the rest is due.",
    "valid_from": "Действует с: the first day the agreement applies.",
    "valid_to": "Действует по: the last day the agreement applies; null for open-ended.",
    "settlement_control": "Порядок расчётов: debt is tracked by agreement or by contract.",
    "valid_until": "Действует до: the offer's last day; after it the offer expires.",
    "offered_at": "Дата предложения: when the offer was sent to the customer (UTC).",
    "decided_at": "Дата решения: when the customer or operator decided (UTC); null until then.",
    "can_decide": "Можно принять решение: the portal user may accept or reject the offer now.",
    "is_expired": "Истекло: the validity date has passed.",
    "expired": "Истекшие: the offers moved to expired.",
    "price_adjustment": "Корректировка цены: added to the price (negative lowers it), roubles.",
    "commercial_offer_id": "Коммерческое предложение: the offer the order was created from.",
    "order_ids": "Заказы клиентов: the orders created from this offer.",
    "customer_order_id": "Заказ клиента: the customer order.",
    "order_id": "Заказ клиента: the customer order.",
    "order_number": "Номер заказа: the customer order's number.",
    "ordered_at": "Дата заказа: the order's date (UTC).",
    "planned_shipment_date": "Желаемая дата отгрузки: when the customer wants the goods.",
    "requires_approval": (
        "Требует согласования: a line discount is above the agreement's maximum manual discount; "
        "a manager must approve the order."
    ),
    "approved_at": "Дата согласования: when the order was approved (UTC); null until then.",
    "lines": "Товары: the document's lines.",
    "line_number": "Номер строки: the line's position in the document (1 first).",
    "quantity": "Количество: in the product's unit.",
    "price": (
        "Цена: per unit, roubles; defaults to the agreement's price (base price less its discount)."
    ),
    "amount": "Сумма: roubles.",
    "total_amount": "Сумма документа: the sum of the lines, roubles.",
    "reserved_quantity": "Зарезервировано: the quantity reserved for the line.",
    "shipped_quantity": "Отгружено: the quantity shipped so far.",
    "returned_quantity": "Возвращено: the quantity returned so far.",
    "shipment_dates": "Даты отгрузки: the dates of the shipments.",
    "reserve_adjustments": "Корректировки резерва: reserve moved between lines, newest first.",
    "from_order_line_id": "Из строки: the order line the reserve left.",
    "to_order_line_id": "В строку: the order line the reserve went to.",
    "from_line_id": "Из строки: the order line to take the reserve from.",
    "to_line_id": "В строку: the order line to give the reserve to.",
    "adjusted_at": "Дата корректировки: when the reserve moved (UTC).",
    "payment_schedule": "График оплаты: the order's payment stages.",
    "due_date": "Срок: the date by which it is due.",
    "paid_amount": "Оплачено: the sum paid, roubles.",
    "shipped_amount": "Отгружено: the sum shipped, roubles.",
    "debt": "Долг: shipped minus received returns minus paid, roubles (negative: an advance).",
    "payments": "Оплаты: the payments received.",
    "paid_at": "Дата оплаты: when the money was received (UTC).",
    "shipments": "Реализации товаров: the shipments.",
    "shipment_id": "Реализация товаров и услуг: the shipment document.",
    "shipment_number": "Номер реализации: the shipment document's number.",
    "shipment_line_id": "Строка реализации: the shipped line.",
    "shipped_at": "Дата отгрузки: when the goods left (UTC).",
    "order_line_id": "Строка заказа: the order line shipped.",
    "customer_order_line_id": "Строка заказа: the order line shipped.",
    "order_line_number": "Номер строки заказа: the order line's position.",
    "cost_amount": "Себестоимость: the shipment's cost, roubles.",
    "is_shipped_on_time": "Отгружен в срок: shipped by the planned shipment date.",
    "schedule": "График оплаты: the order's payment stages.",
    "returns": "Возвраты: the return requests.",
    # Settlements (portal)
    "as_of": "На дату: the day the figures are computed for.",
    "position": "Расчёты: the settlement position (shipped, returned, paid, balance).",
    "shipped": "Отгружено: roubles shipped.",
    "returned": "Возвращено: roubles returned.",
    "paid": "Оплачено: roubles paid.",
    "balance": (
        "Сальдо: shipped minus returned minus paid, roubles; positive is the customer's debt."
    ),
    "debt_amount": "Долг: what the customer owes, roubles.",
    "advance_amount": "Аванс: paid beyond what was shipped, roubles.",
    "overdue_amount": "Просрочено: the sum past its due date, roubles.",
    "overdue": "Просроченная задолженность: the overdue debt by age bucket.",
    "bucket": "Интервал: the age bucket's label.",
    "days_from": "Дней от: the bucket's first day overdue (inclusive).",
    "days_to": "Дней до: the bucket's last day overdue (inclusive); null for the last bucket.",
    "prepayments_due_amount": "Предоплата к оплате: prepayments due and not paid, roubles.",
    "prepayments_due": "Предоплаты: the prepayments due.",
    "is_overdue": "Просрочено: the due date has passed.",
    "orders": "Заказы клиентов: per order figures.",
    "outstanding_amount": "Осталось оплатить: roubles still due.",
    "settled_on": "Дата погашения: the day the stage was paid in full; null while open.",
    "days_overdue": "Дней просрочки: days past the due date; 0 when not overdue.",
    "date": "Дата: the document's date.",
    "document": "Документ: the document's presentation (kind, number and date).",
    "debit": "Дебет: roubles debited (shipped to the customer).",
    "credit": "Кредит: roubles credited (paid or returned).",
    "date_from": "Начало периода: the first day (inclusive).",
    "date_to": "Конец периода: the last day (inclusive).",
    "statements": "Акты сверки: one per organisation and counterparty pair.",
    "entries": "Движения: the period's documents, in date order.",
    "opening_balance": "Сальдо начальное: the balance before the period, roubles.",
    "debit_turnover": "Обороты по дебету: roubles.",
    "credit_turnover": "Обороты по кредиту: roubles.",
    "closing_balance": "Сальдо конечное: the balance after the period, roubles.",
    "in_favour_of": "В пользу: whose favour the closing balance is in; null when it is zero.",
    "closing_phrase": "Итоговая фраза: the statement's closing sentence, as printed in the act.",
    # Engagement: interactions, claims, returns
    "direction": "Направление: inbound (from the customer) or outbound.",
    "interaction_topic_id": "Тема взаимодействия: a topic from the classifier.",
    "subject_type": "Предмет: what the interaction is about: deal, claim or marketing_event.",
    "subject_id": "Предмет: the id of the deal, claim or marketing event named by `subject_type`.",
    "summary": "Тема: a one-line summary.",
    "planned_at": "Запланировано: when it is planned (UTC).",
    "done_at": "Выполнено: when it was done (UTC); null until done.",
    "is_reviewed": "Просмотрено руководителем: a manager marked it reviewed.",
    "reviewed": "Просмотрено: the mark to set.",
    "claim_id": "Претензия клиента: the claim.",
    "claim_reason_id": "Причина претензии: a reason from the classifier.",
    "claimed_amount": "Сумма претензии: what the customer claims, roubles.",
    "registered_at": "Дата регистрации: when it was registered (UTC).",
    "result": "Результат: satisfied or not_satisfied; set when the claim is resolved.",
    "resolved_at": "Дата решения: when the claim was resolved (UTC).",
    "resolution_comment": "Комментарий к решению: free text given with the result.",
    "reason": "Причина: the reason, as given.",
    "tasks": "Задачи: the tasks raised for the claim.",
    "interactions": "Взаимодействия: the interactions about it.",
    "attachments": "Файлы: the attached files.",
    "file_name": "Имя файла: the name the file was uploaded with.",
    "content_type": "Тип содержимого: the MIME type.",
    "size_bytes": "Размер: bytes.",
    "history": "История: the status changes, oldest first.",
    "at": "Когда: when it happened (UTC).",
    "return_reason_id": "Причина возврата: a reason from the classifier.",
    "received_at": "Дата получения: when the goods came back to the warehouse (UTC).",
    "first_response_at": "Первый ответ: when the request was first answered (UTC).",
    "decision_comment": "Комментарий к решению: free text given with the decision.",
    "returnable": "Можно вернуть: the quantity still returnable.",
    # Contact changes, invites
    "entity": "Объект: what was changed: contact_person or delivery_address.",
    "entity_id": "Объект: the id of the changed record.",
    "action": "Действие: created, updated or deleted.",
    "field": "Поле: the changed field; null for a whole-record action.",
    "old_value": "Было: the value before.",
    "new_value": "Стало: the value after.",
    "changed_at": "Дата изменения: when the portal user made it (UTC).",
    "reviewed_at": "Просмотрено: when an operator marked it reviewed (UTC); null until then.",
    "change_ids": "Изменения: the ids of the changes to mark reviewed.",
    "expires_at": "Действует до: after it the invite link no longer works (UTC).",
    "used_at": "Использовано: when the invite was accepted (UTC); null until then.",
    "revoked_at": "Отозвано: when the invite was revoked (UTC); null unless revoked.",
    "ttl_days": "Срок действия, дней: how long the invite link works.",
    "link": "Ссылка: the invite link to send to the contact person; shown only once.",
    # Lists and errors
    "items": "Элементы: the page's rows.",
    "total": "Всего: rows matching the filters across all pages.",
    "offset": "Смещение: rows skipped before this page.",
    "limit": "Размер страницы: rows on this page at most.",
    "detail": "Описание ошибки: what went wrong.",
    "rule": "Правило: the rule code the error is about.",
    "force": "Принудительно: resolve despite open tasks.",
    # Organisation requisites (printed on invoices)
    "bank_name": "Банк: the bank of the settlement account; required to issue an invoice.",
    "bank_bik": "БИК: the bank's identification code, 9 digits; required to issue an invoice.",
    "settlement_account": (
        "Расчётный счёт: 20 digits; required to issue an invoice (printed and in its QR code)."
    ),
    "correspondent_account": "Корреспондентский счёт: the bank's account, 20 digits.",
    "director_name": "Руководитель: the director's name as signed on print forms.",
    "chief_accountant_name": "Главный бухгалтер: the name signed on print forms.",
    "is_vat_payer": (
        "Плательщик НДС: false for an organisation not paying VAT: its invoices are «Без НДС»."
    ),
    "vat_kind": (
        "Ставка НДС: general (18% to 2018, 20% from 2019, 22% from 2026), reduced (10%) or "
        "exempt (Без НДС); the rate is taken on the document's date."
    ),
    "vat_rate": "Ставка НДС: percent on the issue date; null for «Без НДС».",
    "vat_amount": "Сумма НДС: VAT included in the amount, roubles.",
    "cost": "Затраты: what the marketing event cost, roubles.",
    # Invoices
    "fiscal_year": "Год нумерации: invoices are numbered per organisation and year.",
    "sequence_number": "Порядковый номер: the number within the organisation and year, no gaps.",
    "payment_schedule_item_id": (
        "Этап графика оплаты: the order's payment stage the invoice asks for; null when it asks "
        "for all the order has not been invoiced for yet."
    ),
    "issued_on": "Дата счета: the invoice's date; defaults to today.",
    "purpose": "Назначение платежа: as printed and in the QR code (invoice number, date, VAT).",
    "cancelled_at": "Дата отмены: when the invoice was cancelled (UTC); null unless cancelled.",
    "amount_in_words": "Сумма прописью: the invoice amount in Russian words, as printed.",
    "qr_payload": (
        "QR-код оплаты: the payment QR code's text (ГОСТ Р 56042, ST00012); empty when the "
        "organisation's requisites no longer allow one."
    ),
    "payment_id": "Оплата: a payment recorded against the invoice's order.",
    "matched_at": "Дата зачёта: when the payment was matched to the invoice (UTC).",
    # Retail
    "store_id": "Магазин: the store (id from /api/v1/stores).",
    "programme_id": "Программа лояльности: the programme (id from /api/v1/loyalty-programmes).",
    "blocked_on": "Дата блокировки: from this day the card is blocked (not before its issue).",
    "accrual_percent": "Процент начисления: bonus points accrued as a % of what a receipt pays.",
    "max_redemption_percent": (
        "Максимальная доля оплаты баллами: at most this % of a receipt may be paid with points."
    ),
    "point_value": "Стоимость балла: rubles one point is worth when redeemed (and in liability).",
    "points_validity_days": (
        "Срок действия баллов: days after a card's last purchase after which its points expire."
    ),
    "points": "Баллы: points added (positive) or taken off (negative); never zero.",
    "adjusted_on": "Дата корректировки: the day the manual adjustment counts from.",
    "card_id": "Дисконтная карта: the card (id from /api/v1/discount-cards).",
    "nominal": (
        "Номинал: rubles the gift certificate pays for; a fixed series sets it for all its "
        "certificates, an open series leaves it to each certificate."
    ),
    "validity_days": (
        "Срок действия: days a gift certificate of the series stays valid after its sale; the "
        "nominal not redeemed by then expires (breakage)."
    ),
    "series_id": "Серия сертификатов: the series (id from /api/v1/gift-certificate-series).",
    "cancelled_on": "Дата аннулирования: the certificate was cancelled (lost, spoiled) that day.",
    "registration_number": (
        "Регистрационный номер ККТ: 16 digits, unique; the ФНС's id of the cash register, on "
        "every receipt (tag 1037)."
    ),
    "fiscal_drive_number": "Номер фискального накопителя (ФН): 16 digits; changes with the drive.",
    "ofd_name": "Оператор фискальных данных (ОФД): its name.",
    "ofd_inn": "ИНН ОФД: the operator's ИНН, 10 digits (a legal entity).",
    # Price tags
    "columns": "Колонок на листе: price tags across an A4 page, 1 to 4.",
    "rows": "Строк на листе: price tags down an A4 page, 1 to 12.",
    "show_old_price": (
        "Показывать старую цену: the old price (a markdown) struck through above the price."
    ),
    "show_barcode": "Показывать штрихкод: the product's EAN-13 drawn as bars with its digits.",
    "template_id": "Шаблон ценника: the template (id from /api/v1/price-tag-templates).",
    "PriceTagPrint.items": "Товары: the products to print, in order, each with its copies.",
    "copies": "Количество ценников: tags printed for this product, 1 to 100.",
    "old_price": (
        "Старая цена: the price before the markdown, roubles; printed struck through when "
        "above the price and the template shows it."
    ),
    "net_quantity": (
        "Масса (объём) нетто: of packaged goods, in `net_unit`; the price tag's unit price "
        "(per 100 g/ml up to 250, per 1 kg/l above) is computed from it."
    ),
    "net_unit": "Единица нетто: g (grams) or ml (millilitres); set together with net_quantity.",
    # Inter-company, commission, ownership ledger
    "sender_organization_id": "Организация-отправитель: our legal entity the goods pass from.",
    "receiver_organization_id": (
        "Организация-получатель: our legal entity the goods pass to; not the sender."
    ),
    "documented_at": "Дата документа: the document's date (UTC); defaults to now.",
    "is_automatic": (
        "Создан автоматически: made by a shipment for goods its organisation did not own "
        "(linked by `shipment_id`); cannot be deleted."
    ),
    "fee_percent": (
        "Комиссионное вознаграждение, %: a sales line's fee when it gives no `fee_amount`."
    ),
    "fee_amount": "Комиссионное вознаграждение: the commission fee, roubles.",
    "buyer_partner_id": "Покупатель: the buyer, when one of our partners (sales reports).",
    "buyer_name": "Покупатель: the buyer's name, when not a partner (sales reports).",
    "moved_at": "Дата движения: when the goods moved (UTC).",
    "committent_id": (
        "Комитент: the partner who owns goods we hold on commission; null for our own goods."
    ),
    "holder_kind": "Местонахождение: warehouse (ours) or commissioner (a partner holds them).",
    "commissioner_id": "Комиссионер: the partner holding our goods; null at a warehouse.",
    "document_type": (
        "Вид документа: receipt, shipment, intercompany_transfer, intercompany_return or a "
        "commission document kind."
    ),
    "document_id": "Документ: the id of the document named by `document_type`.",
    # Sales plans
    "period_month": "Месяц плана: the month as its first day; any day given names its month.",
    "planned_amount": "Плановая сумма продаж: roubles, not negative.",
    "planned_won_deals": "Плановое количество выигранных сделок: not negative.",
    # Names that mean something else in one schema ("<Schema>.<field>", found along its classes)
    "DealPublic.status": "Статус сделки: in_progress, won (final) or lost (may be reopened).",
    "OfferPublic.status": "Статус: draft → sent → accepted | rejected | expired.",
    "PortalOffer.status": "Статус: sent, accepted, rejected or expired.",
    "OrderPublic.status": (
        "Статус заказа: draft → on_approval → approved → to_ship (К отгрузке) → shipped → closed;"
        " or cancelled."
    ),
    "ClaimPublic.status": "Статус претензии: registered → in_work → resolved.",
    "PortalClaim.status": "Статус претензии: registered → in_work → resolved.",
    "HistoryStep.status": "Статус: registered, in_work or resolved.",
    "HistoryStep.at": "Когда: when the claim reached the status (UTC).",
    "ClaimTaskPublic.status": "Статус задачи: open or done.",
    "InteractionPublic.status": "Статус: planned → done | cancelled (final).",
    "ReturnRequestPublic.status": (
        "Статус заявки: registered → approved → received; registered → rejected | cancelled."
    ),
    "PortalReturn.status": (
        "Статус заявки: registered → approved → received; registered → rejected | cancelled."
    ),
    "PortalInvitePublic.status": "Статус приглашения: sent, used, revoked or expired.",
    "RegistryPartyPublic.status": (
        "Статус в реестре: active, liquidating, liquidated, bankrupt or reorganising."
    ),
    "ScheduleItemOut.status": "Статус этапа оплаты: due, partly_paid, paid or overdue.",
    "PartnerPublic.kind": "Вид партнёра: customer, supplier or other.",
    "AgreementPublic.kind": "Вид соглашения: typical (any customer) or individual (one partner's).",
    "InteractionPublic.kind": "Вид взаимодействия: meeting, call, sms or email.",
    "EntryOut.kind": "Вид документа: shipment, payment or return.",
    "ClaimPublic.source": "Источник: claims_list, partner_card, discrepancy_act or portal.",
    "ReturnRequestPublic.source": "Источник: operator or portal.",
    "PortalReturn.source": "Источник: operator or portal.",
    "LookupPublic.source": "Источник: the registry that answered (CRM_REGISTRY_SOURCE).",
    "UserPublic.role": "Роль: operator, manager or administrator.",
    "PortalClaim.reason": "Причина претензии: the reason's name.",
    "PortalReturn.reason": "Причина возврата: the reason's name.",
    "OfferRejection.reason": "Причина отказа: the customer's words; kept in the offer's comment.",
    "ScheduleReplace.items": (
        "Этапы оплаты: the whole new schedule; the amounts add up to the order total."
    ),
    "ReturnableLinePublic.shipped": "Отгружено: quantity shipped on the line.",
    "ReturnableLinePublic.returned": "Возвращено: quantity in live return requests.",
    "ReturnableLinePublic.price": "Цена: per unit as shipped, roubles; a return is valued at it.",
    "PaymentPublic.amount": "Сумма оплаты: roubles received.",
    "PaymentCreate.amount": (
        "Сумма оплаты: roubles received; positive, at most what the order still expects."
    ),
    "OverdueBucket.amount": "Сумма: overdue debt in the bucket, roubles.",
    "PrepaymentDueOut.amount": "Сумма: prepayment still to pay, roubles.",
    "StatementOut.title": "Заголовок: the statement's title as printed.",
    "StatementOut.organization": "Организация: our side of the statement.",
    "StatementOut.counterparty": "Контрагент: the customer's side of the statement.",
    "OrderPublic.shipped_amount": "Отгружено: the sum shipped less received returns, roubles.",
    "PartnerDebt.shipped_amount": (
        "Отгружено: the sum shipped over the partner's orders, before returns, roubles."
    ),
    "InvoicePublic.status": (
        "Статус счета: issued → partly_paid → paid as payments are matched; issued → cancelled."
    ),
    "InvoicePublic.kind": (
        "Вид счета: order (what the order has not been invoiced for), prepayment or credit (one "
        "payment-schedule stage)."
    ),
    "InvoicePublic.amount": "Сумма счета: roubles, VAT included.",
    "InvoicePaymentPublic.amount": "Сумма зачёта: the part of the payment matched, roubles.",
    "InvoiceMatch.amount": (
        "Сумма зачёта: the part of the payment to match; without it as much as both allow."
    ),
    "StockMovementPublic.quantity": "Количество: signed; positive arrives, negative leaves.",
    "StockPositionPublic.quantity": "Количество: the sum of the ledger's movements (non-zero).",
    "CommissionDocumentPublic.fee_amount": "Комиссионное вознаграждение: the lines' fees, roubles.",
    "CommissionDocumentCreate.amount": (
        "Сумма оплаты: roubles; required for commissioner_payment and committent_payment."
    ),
    "StockSet.quantity_on_hand": "Остаток: the counted quantity to set (an inventory count).",
}

# One meaning shared by several schemas: one text.
FIELD_DOCS.update(
    dict.fromkeys(
        ("OrderSummary.status", "OrderDebtOut.status", "OrderDetailOut.status"),
        "Статус заказа: on_approval, approved, to_ship, shipped, closed or cancelled "
        "(drafts are not shown in the portal).",
    )
)
FIELD_DOCS.update(
    dict.fromkeys(
        ("PaymentScheduleItemPublic.kind", "ScheduleItemInput.kind", "ScheduleItemOut.kind"),
        "Вид оплаты: prepayment (before shipment) or credit (after it, on deferral).",
    )
)
FIELD_DOCS.update(
    dict.fromkeys(
        ("OfferLinePublic.amount", "OrderLinePublic.amount", "LineOut.amount"),
        "Сумма: quantity × price less the line discount, roubles.",
    )
)
FIELD_DOCS.update(
    dict.fromkeys(
        ("PortalReturnLine.price", "ReturnLinePublic.price"),
        "Цена: per unit as shipped, roubles; the return is valued at it.",
    )
)


def field_description(model: type, name: str) -> str | None:
    """The description `name` gets in `model` when the field carries none of its own."""
    for klass in model.__mro__:
        text = FIELD_DOCS.get(f"{klass.__name__}.{name}")
        if text:
            return text
    return FIELD_DOCS.get(name)


def describe_fields(schema: dict[str, Any], model: type) -> None:
    """`json_schema_extra` hook: fill each property that has no description."""
    fields = {**getattr(model, "model_fields", {}), **getattr(model, "model_computed_fields", {})}
    for name, info in fields.items():
        key = getattr(info, "alias", None) or name
        prop = schema.get("properties", {}).get(key)
        if prop is None or prop.get("description"):
            continue
        text = field_description(model, name)
        if text:
            prop["description"] = text


# Schemas FastAPI itself declares (the 422 body): described here as no model of ours owns them.
FRAMEWORK_FIELD_DOCS: dict[str, dict[str, str]] = {
    "HTTPValidationError": {"detail": "Ошибки: one entry per invalid input value."},
    "ValidationError": {
        "loc": "Где: the path to the value (`body`, then field names and list indexes).",
        "msg": "Сообщение: what is wrong with the value.",
        "type": "Тип ошибки: pydantic's error type (`missing`, `string_too_long`…).",
        "input": "Значение: the value that was refused.",
        "ctx": "Контекст: the constraint's parameters (`max_length`…).",
    },
}


# Query parameters: a filter named like a field is described as "only rows whose <field> is
# this" plus the field's text; these names mean something of their own.
PARAM_DOCS: dict[str, str] = {
    "q": "Поиск: text to search for (the operation says which columns it matches).",
    "sort": "Сортировка: a column name; a leading `-` sorts descending.",
    "include_deleted": "Показывать помеченные на удаление: include entries marked deleted.",
    "version": FIELD_DOCS["version"] + " Optional here: without it the check is skipped.",
    "available_to_partner": (
        "Доступные партнёру: only agreements a document for this partner may use (its "
        "individual ones and every typical one)."
    ),
    "valid_on": "Действует на дату: only agreements in force that day.",
    "planned_from": "Запланировано с: only interactions planned at or after this time.",
    "planned_to": "Запланировано по: only interactions planned at or before this time.",
    "month_from": "Месяц с: only plans of this month or later (any day names its month).",
    "month_to": "Месяц по: only plans of this month or earlier (any day names its month).",
    "limit": "Rows per page.",
    "offset": "Rows to skip before the page.",
}


def parameter_description(name: str) -> str | None:
    """The description a query parameter gets when its route gives none."""
    if name in PARAM_DOCS:
        return PARAM_DOCS[name]
    if name in FIELD_DOCS:
        return f"Отбор: only rows whose `{name}` is this. {FIELD_DOCS[name]}"
    return None


def install(app: FastAPI) -> None:
    """Give `app` the overview, describe the framework's own schemas and the query parameters
    left without a description (PARAM_DOCS, else FIELD_DOCS by name) in /openapi.json."""
    app.description = API_DESCRIPTION
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for name, docs in FRAMEWORK_FIELD_DOCS.items():
                properties = schema.get("components", {}).get("schemas", {}).get(name, {})
                for field, text in docs.items():
                    prop = properties.get("properties", {}).get(field)
                    if prop is not None and not prop.get("description"):
                        prop["description"] = text
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    for parameter in operation.get("parameters", []):
                        text = parameter_description(parameter["name"])
                        if not parameter.get("description") and text:
                            parameter["description"] = text
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
