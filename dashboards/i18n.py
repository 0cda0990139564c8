"""One message catalog for the dashboards: Russian (1C terms) by default, English on request.

The language is read from the settings at call time (CRM_LANG), never at import time.
"""

from __future__ import annotations

from crm.settings import get_settings
from dashboards.i18n_invoices import INVOICE_CATALOG

# key -> (ru, en)
_CATALOG: dict[str, tuple[str, str]] = {
    "app_title": ("CRM: аналитика продаж", "CRM: sales analytics"),
    "page_overview": ("Обзор", "Overview"),
    "page_sales_funnel": ("Воронка продаж", "Sales funnel"),
    "page_deal_efficiency": ("Эффективность сделок", "Deal efficiency"),
    "not_published": (
        "Хранилище ещё не опубликовано. Запустите `make pipeline`, чтобы построить его.",
        "Nothing has been published yet. Run `make pipeline` to build the warehouse.",
    ),
    "no_data": ("Нет данных за выбранный период и отбор.", "No data for this period and filter."),
    "filters": ("Отбор", "Filters"),
    "period": ("Период", "Period"),
    "date_input_format": ("DD.MM.YYYY", "YYYY-MM-DD"),
    "period_caption": ("Период: {start} — {end}", "Period: {start} to {end}"),
    "deal_kind": ("Вид сделки", "Deal kind"),
    "manager": ("Менеджер", "Manager"),
    "business_region": ("Бизнес-регион", "Business region"),
    "industry": ("Отрасль", "Industry"),
    "industry_not_set": ("Не указана", "Not set"),
    "no_industries": (
        "Отрасли партнёров не заданы: добавьте партнёрам роль «Отрасль: …».",
        "No partner has an industry yet: give partners a role «Отрасль: …».",
    ),
    "sales_by_industry": ("Продажи по отраслям", "Sales by industry"),
    "sales_by_industry_caption": (
        "Выигранные сделки, их сумма и доля выигранных среди закрытых за период — по отрасли"
        " партнёра (роль «Отрасль: …»).",
        "Deals won, their amount and the win rate among deals closed in the period, by the"
        " partner's industry (the role «Отрасль: …»).",
    ),
    "all": ("Все", "All"),
    "inactive": ("не работает", "inactive"),
    "stage": ("Этап", "Stage"),
    "loss_reason": ("Причина проигрыша", "Loss reason"),
    "no_reason": ("Причина не указана", "No reason given"),
    "won": ("Выиграно", "Won"),
    "funnel_won": ("Выиграна", "Won"),
    "lost": ("Проиграно", "Lost"),
    "in_progress": ("В работе", "In progress"),
    "deals_total": ("Всего сделок", "Deals"),
    "win_rate": ("Доля выигранных", "Win rate"),
    "won_amount": ("Сумма выигранных", "Won amount"),
    "potential_amount": ("Потенциальная сумма", "Potential amount"),
    "mean_cycle_days": ("Средний цикл, дней", "Mean cycle, days"),
    "median_cycle_days": ("Медианный цикл, дней", "Median cycle, days"),
    "kpi_open_deals": ("Сделки в работе", "Open deals"),
    "kpi_open_deals_help": (
        "Сделки в работе сейчас; изменение — к началу периода.",
        "Deals open now; the change is against the start of the period.",
    ),
    "kpi_won_amount": ("Сумма выигранных", "Won amount"),
    "kpi_win_rate": ("Доля выигранных", "Win rate"),
    "kpi_win_rate_help": (
        "Выиграно / (выиграно + проиграно) среди сделок, закрытых в периоде.",
        "Won / (won + lost) among deals closed in the period.",
    ),
    "kpi_median_cycle": ("Медианный цикл, дней", "Median cycle, days"),
    "won_amount_by_month": ("Сумма выигранных по месяцам", "Won amount by month"),
    "month": ("Месяц", "Month"),
    "funnel_caption": (
        "Сделки, созданные в периоде. Пропущенный этап считается пройденным.",
        "Deals created in the period. A skipped stage counts as entered.",
    ),
    "no_staged_kinds": (
        "Нет видов сделок с этапами продаж в отборе.",
        "No deal kinds with sales stages in the filter.",
    ),
    "conversion": ("Конверсия по этапам", "Conversion by stage"),
    "deals_entered": ("Дошли до этапа", "Reached"),
    "deals_skipped": ("Пропустили", "Skipped"),
    "deals_advanced": ("Перешли дальше", "Advanced"),
    "deals_lost": ("Проиграно на этапе", "Lost at stage"),
    "conversion_to_next": ("Конверсия в следующий", "Conversion to next"),
    "cumulative_conversion": ("Конверсия от начала", "Cumulative conversion"),
    "mean_days_in_stage": ("Средний срок на этапе, дней", "Mean days in stage"),
    "median_days_in_stage": ("Медианный срок на этапе, дней", "Median days in stage"),
    "potential_amount_entered": ("Потенциальная сумма", "Potential amount"),
    "losses_by_stage": ("Проигрыши по этапам и причинам", "Losses by stage and reason"),
    "days_in_stage": ("Срок на этапе, дней", "Days in stage"),
    "deals": ("Сделки", "Deals"),
    "efficiency_caption": (
        "Выиграно, проиграно, доля выигранных, сумма и цикл — по сделкам, закрытым в периоде (как "
        "на Обзоре); в работе — сделки, открытые сейчас.",
        "Won, lost, win rate, won amount and cycle: deals closed in the period (as on the "
        "Overview); in progress: deals open now.",
    ),
    "by_manager": ("По менеджерам", "By manager"),
    "by_business_region": ("По бизнес-регионам", "By business region"),
    "by_regional_office": ("По региональным офисам", "By regional office"),
    "by_department": ("По подразделениям", "By team"),
    "regional_office": ("Региональный офис", "Regional office"),
    "department": ("Подразделение", "Team (department)"),
    "not_placed": ("Не указано", "Not set"),
    "by_deal_kind": ("По видам сделок", "By deal kind"),
    "win_probability": ("Вероятность выигрыша по этапам", "Win probability by stage"),
    "win_probability_caption": (
        "Историческая доля выигранных среди закрытых сделок, дошедших до этапа (за всё время).",
        "Historical share won among closed deals that reached the stage (all time).",
    ),
    "deals_closed_after_reaching": ("Закрыто после этапа", "Closed after reaching"),
    "deals_won_after_reaching": ("Выиграно после этапа", "Won after reaching"),
    "win_share": ("Вероятность выигрыша", "Win share"),
    "percentage_points": ("п.п.", "pp"),
    "page_claims": ("Претензии", "Claims"),
    "page_events_calendar": ("Календарь событий", "Events calendar"),
    "page_orders": ("Заказы и долги", "Orders and debt"),
    "page_regions": ("Регионы", "Regions"),
    "page_returns": ("Возвраты", "Returns"),
    "page_gis_exchange": ("Обмен с ГИС", "GIS exchange"),
    "page_data_freshness": ("Актуальность данных", "Data freshness"),
    "mart_missing": (
        "В опубликованном хранилище нет витрин: {tables}. Запустите `make pipeline`, чтобы "
        "построить их.",
        "The published warehouse has no {tables} yet. Run `make pipeline` to build it.",
    ),
    "date_column_format": ("DD.MM.YYYY", "YYYY-MM-DD"),
    "datetime_column_format": ("DD.MM.YYYY HH:mm", "YYYY-MM-DD HH:mm"),
    "datetime_format": ("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "drill_down_placeholder": ("Выберите на графике или в списке", "Pick on the chart or here"),
    "not_set": ("Не указано", "Not set"),
    "unassigned": ("Не назначен", "Unassigned"),
    "group_by": ("Группировка", "Group by"),
    "by_month": ("По месяцам", "By month"),
    "by_day": ("По дням", "By day"),
    "by_user": ("По ответственным", "By responsible user"),
    "show": ("Показать", "Show"),
    "day": ("День", "Day"),
    "days": ("Дней с событиями", "Days with events"),
    "amount": ("Сумма", "Amount"),
    "status": ("Статус", "Status"),
    "result": ("Результат", "Result"),
    "partner": ("Партнёр", "Partner"),
    "source": ("Источник", "Source"),
    "rows": ("Строк", "Rows"),
    "deal_number": ("Номер сделки", "Deal number"),
    "deal_name": ("Сделка", "Deal"),
    "created_date": ("Создана", "Created"),
    "current_stage": ("Текущий этап", "Current stage"),
    "outcome_at_stage": ("Итог на этапе", "Outcome at stage"),
    "show_deals_at_stage": ("Сделки на этапе", "Deals at stage"),
    "deal_status_in_progress": ("В работе", "In progress"),
    "deal_status_won": ("Выиграна", "Won"),
    "deal_status_lost": ("Проиграна", "Lost"),
    "outcome_advanced": ("Перешла дальше", "Advanced"),
    "outcome_won": ("Выиграна", "Won"),
    "outcome_lost": ("Проиграна", "Lost"),
    "outcome_in_progress": ("В работе", "In progress"),
    "pipeline_forecast": ("Прогноз по сделкам в работе", "Weighted pipeline forecast"),
    "pipeline_forecast_caption": (
        "Сделки в работе сейчас (период не применяется). Вероятность — среднее исторических долей "
        "выигранных по этапу, менеджеру, партнёру и виду сделки.",
        "Deals open now (the period does not apply). Probability = the mean of the historical win "
        "shares of the stage, manager, partner and deal kind.",
    ),
    "no_open_deals": ("Нет сделок в работе в отборе.", "No open deals in the filter."),
    "forecast_list_top": (
        "Показаны {shown} сделок с наибольшей взвешенной суммой из {total}.",
        "The {shown} deals with the largest weighted amounts of {total} are shown.",
    ),
    "weighted_amount": ("Взвешенная сумма", "Weighted amount"),
    "weighted_amount_help": (
        "Сумма по сделкам: потенциальная сумма × прогнозная вероятность.",
        "Sum over deals of potential amount × forecast probability.",
    ),
    "forecast_probability": ("Прогнозная вероятность", "Forecast probability"),
    "stage_win_share": ("Доля по этапу", "Stage win share"),
    "manager_win_share": ("Доля по менеджеру", "Manager win share"),
    "partner_win_share": ("Доля по партнёру", "Partner win share"),
    "deal_kind_win_share": ("Доля по виду сделки", "Deal kind win share"),
    "claims_caption": (
        "Удовлетворённость — по претензиям, решённым в периоде; структура — по зарегистрированным "
        "в периоде. Отбор по виду сделки к претензиям не применяется.",
        "Satisfaction covers claims resolved in the period; structure, claims registered in it. "
        "The deal kind filter does not apply to claims.",
    ),
    "claim_satisfaction": ("Удовлетворение претензий", "Claim satisfaction"),
    "claim_structure": ("Структура претензий", "Claim structure"),
    "claims_registered": ("Зарегистрировано", "Registered"),
    "claims_resolved": ("Решено", "Resolved"),
    "claims_satisfied": ("Удовлетворено", "Satisfied"),
    "claims_open_help": ("Не решено сейчас: {count}.", "Unresolved now: {count}."),
    "satisfied_share": ("Доля удовлетворённых", "Satisfied share"),
    "satisfied_share_help": (
        "Удовлетворено / решено среди претензий, решённых в периоде.",
        "Satisfied / resolved among claims resolved in the period.",
    ),
    "claimed_amount": ("Сумма претензий", "Claimed amount"),
    "mean_days_to_resolve": ("Средний срок решения, дней", "Mean days to resolve"),
    "median_days_to_resolve": ("Медианный срок решения, дней", "Median days to resolve"),
    "days_to_resolve": ("Срок решения, дней", "Days to resolve"),
    "claim_reason": ("Причина претензии", "Claim reason"),
    "parent_claim_reason": ("Группа причин", "Reason group"),
    "claim_source": ("Источник претензии", "Claim source"),
    "claim_number": ("Номер претензии", "Claim number"),
    "registered_date": ("Зарегистрирована", "Registered"),
    "resolved_date": ("Решена", "Resolved"),
    "share_of_claims": ("Доля претензий", "Share of claims"),
    "show_claims_of": ("Претензии: {group}", "Claims of a {group}"),
    "source_claims_list": ("Список претензий", "Claims list"),
    "source_partner_card": ("Карточка партнёра", "Partner card"),
    "source_discrepancy_act": ("Акт о расхождениях", "Discrepancy act"),
    "source_portal": ("Портал клиента", "Customer portal"),
    "claim_status_registered": ("Зарегистрирована", "Registered"),
    "claim_status_in_work": ("В работе", "In work"),
    "claim_status_resolved": ("Решена", "Resolved"),
    "claim_result_satisfied": ("Удовлетворена", "Satisfied"),
    "claim_result_not_satisfied": ("Не удовлетворена", "Not satisfied"),
    "events_caption": (
        "Взаимодействия по ответственным и дням планирования. Просрочено — запланировано, но не "
        "выполнено к моменту построения витрин. Отборы по виду сделки и региону не применяются.",
        "Interactions per responsible user and planned day. Overdue = planned and not done by the "
        "time the marts were built. The deal kind and region filters do not apply.",
    ),
    "responsible": ("Ответственный", "Responsible"),
    "attention_interactions": (
        "Просроченные и не рассмотренные взаимодействия",
        "Overdue and unreviewed interactions",
    ),
    "no_attention_interactions": (
        "Просроченных и не рассмотренных взаимодействий нет.",
        "No overdue or unreviewed interactions.",
    ),
    "interaction_what": ("Взаимодействие", "Interaction"),
    "planned_since": ("Запланировано на", "Planned for"),
    "interaction_kind_call": ("Телефонный звонок", "Phone call"),
    "interaction_kind_meeting": ("Встреча", "Meeting"),
    "interaction_kind_email": ("Электронное письмо", "E-mail"),
    "interaction_kind_sms": ("SMS", "SMS"),
    "interaction_status_planned": ("Запланировано", "Planned"),
    "interaction_status_done": ("Выполнено", "Done"),
    "interaction_status_cancelled": ("Отменено", "Cancelled"),
    "events_period": (
        "Период: {start} – {end} (включая запланированное).",
        "Period: {start} – {end} (planned events included).",
    ),
    "interactions_total": ("Всего", "Total"),
    "interactions_planned": ("Запланировано", "Planned"),
    "interactions_done": ("Выполнено", "Done"),
    "interactions_overdue": ("Просрочено", "Overdue"),
    "interactions_cancelled": ("Отменено", "Cancelled"),
    "interactions_unreviewed": ("Не рассмотрено", "Unreviewed"),
    "orders_caption": (
        "Заказы клиентов, оформленные в периоде (кроме отменённых). Отбор по виду сделки к заказам "
        "не применяется.",
        "Customer orders placed in the period (cancelled ones left out). The deal kind filter does "
        "not apply to orders.",
    ),
    "orders": ("Заказы", "Orders"),
    "order_number": ("Номер заказа", "Order number"),
    "ordered_date": ("Дата заказа", "Ordered"),
    "ordered_amount": ("Сумма заказов", "Ordered amount"),
    "shipped_amount": ("Отгружено", "Shipped"),
    "paid_amount": ("Оплачено", "Paid"),
    "shipped_on_time_share": ("Отгружено в срок", "Shipped on time"),
    "paid_on_time_share": ("Оплачено в срок", "Paid on time"),
    "on_time_help": (
        "Доля среди заказов с планом и фактом (оплата: с графиком оплаты).",
        "Share among orders with both a plan and an outcome (payment: with a schedule).",
    ),
    "shipment_plan_vs_actual": ("Отгрузка: план и факт", "Shipment: planned vs actual"),
    "payment_plan_vs_actual": ("Оплата: план и факт", "Payment: planned vs actual"),
    "on_time": ("В срок", "On time"),
    "late": ("С опозданием", "Late"),
    "not_yet": ("Ещё нет / без плана", "Not yet / no plan"),
    "shipped_on_time": ("Отгружено в срок", "Shipped on time"),
    "shipped_late": ("Отгружено с опозданием", "Shipped late"),
    "shipped_unknown": ("Отгрузка: нет данных", "Shipment: not yet"),
    "paid_on_time": ("Оплачено в срок", "Paid on time"),
    "paid_late": ("Оплачено с опозданием", "Paid late"),
    "paid_unknown": ("Оплата: нет данных", "Payment: not yet"),
    "planned_shipment_date": ("Плановая отгрузка", "Planned shipment"),
    "actual_shipment_date": ("Фактическая отгрузка", "Actual shipment"),
    "planned_payment_date": ("Плановая оплата", "Planned payment"),
    "actual_payment_date": ("Фактическая оплата", "Actual payment"),
    "debt": ("Задолженность", "Debt"),
    "debt_caption": (
        "По всем заказам на момент публикации (период не применяется).",
        "Over all orders as of the publication (the period does not apply).",
    ),
    "debt_amount": ("Долг клиентов", "Receivables"),
    "registry_risk": (
        "Клиенты с недействующим статусом в реестре",
        "Customers whose registry status is not active",
    ),
    "registry_risk_caption": (
        "Клиенты с открытыми сделками, заказами или долгом, которых проверка по ЕГРЮЛ/DaData "
        "(crm registry check) нашла ликвидируемыми, ликвидированными, банкротами или "
        "реорганизуемыми.",
        "Customers with open deals, orders or debt that the registry check (crm registry check) "
        "found liquidating, liquidated, bankrupt or reorganising.",
    ),
    "registry_risk_none": (
        "Нет клиентов с недействующим статусом в реестре.",
        "No customer with an inactive registry status.",
    ),
    "registry_status": ("Статус в реестре", "Registry status"),
    "status_changed_at": ("Статус изменён", "Status changed"),
    "legal_name": ("Контрагент", "Counterparty"),
    "inn": ("ИНН", "INN"),
    "open_deal_count": ("Открытых сделок", "Open deals"),
    "open_order_count": ("Открытых заказов", "Open orders"),
    "overdue_amount": ("Просроченный долг", "Overdue receivables"),
    "prepayment_amount": ("Авансы клиентов", "Customer advances"),
    "overdue_payment_amount": ("Просроченные оплаты по графику", "Overdue scheduled payments"),
    "debt_amount_help": (
        "Отгружено, но не оплачено, по каждому заказу отдельно (согласованные, к отгрузке, "
        "отгруженные и закрытые заказы). Аванс по одному заказу не уменьшает долг по другому.",
        "Shipped and not paid, order by order (approved, to ship, shipped and closed orders). An "
        "advance on one order never nets another order's debt.",
    ),
    "overdue_amount_help": (
        "Часть долга клиентов, срок оплаты которой по графику прошёл. Не больше долга.",
        "The part of the receivables whose scheduled due date has passed. Never above them.",
    ),
    "prepayment_amount_help": (
        "Оплачено сверх отгруженного, по каждому заказу.",
        "Paid beyond what was shipped, order by order.",
    ),
    "overdue_payment_amount_help": (
        "Пункты графика оплаты (и предоплаты) с прошедшим сроком, не покрытые оплатами, "
        "независимо от отгрузки. Отдельный показатель, к долгу не прибавляется.",
        "Payment schedule items (prepayments included) past due and not covered by payments, "
        "whether or not goods were shipped. A separate figure, never added to the debt.",
    ),
    "debt_ageing": ("Просроченный долг по срокам", "Overdue debt by age"),
    "debt_by_partner": ("Долг по партнёрам", "Debt by partner"),
    "overdue_days_bucket": ("{bucket} дн.", "{bucket} days"),
    "as_of": ("На {date}", "As of {date}"),
    "show_orders_of_partner": ("Заказы партнёра", "Orders of partner"),
    "regions_caption": (
        "Выручка (отгрузки) и маржа по бизнес-регионам партнёров за месяцы периода. Отборы по "
        "виду сделки и менеджеру не применяются.",
        "Revenue (shipments) and margin per partner business region over the months of the "
        "period. The deal kind and manager filters do not apply.",
    ),
    "revenue": ("Выручка", "Revenue"),
    "returns_amount": ("Возвраты", "Returns"),
    "net_revenue": ("Выручка за вычетом возвратов", "Revenue net of returns"),
    "net_revenue_help": (
        "Выручка минус возвраты, полученные от клиентов в месяцах периода (товар вернулся на "
        "склад). Одобренные, но не полученные возвраты выручку не уменьшают.",
        "Revenue less the returns received from customers in the months of the period (goods "
        "back in stock). Approved returns not yet received do not reduce it.",
    ),
    # Returns (Возвраты) and portal adoption.
    "returns_caption": (
        "Заявки на возврат, зарегистрированные в месяцах периода, и что из заявленного получено "
        "от клиентов. Отборы по виду сделки и менеджеру не применяются.",
        "Return requests registered in the months of the period and how much of what was "
        "requested came back. The deal kind and manager filters do not apply.",
    ),
    "return_requests": ("Заявок на возврат", "Return requests"),
    "return_lines": ("Строк", "Lines"),
    "requested_quantity": ("Заявлено, количество", "Quantity requested"),
    "requested_amount": ("Заявлено к возврату", "Requested"),
    "rejected_amount": ("Отклонено", "Rejected"),
    "received_quantity": ("Получено, количество", "Quantity received"),
    "received_amount": ("Получено от клиентов", "Received back"),
    "received_share": ("Доля полученного", "Received share"),
    "received_share_help": (
        "Получено / заявлено по сумме: только полученные возвраты уменьшают выручку и долг.",
        "Received / requested amount: only received returns reduce revenue and debt.",
    ),
    "portal_return_share": ("Заявок через портал", "Requests via the portal"),
    "returns_structure": ("Структура возвратов", "Returns structure"),
    "return_reason": ("Причина возврата", "Return reason"),
    "product": ("Товар", "Product"),
    "portal_adoption": ("Портал клиента", "Customer portal"),
    "portal_caption": (
        "Претензии и заявки на возврат по месяцам регистрации: сколько пришло через портал и как "
        "быстро ответили операторы. Здесь применяется только период.",
        "Claims and return requests per month of registration: how many came through the portal "
        "and how fast operators answered. Only the period applies here.",
    ),
    "claims_total": ("Претензий", "Claims"),
    "portal_claims": ("Претензий через портал", "Claims via the portal"),
    "portal_claim_share": ("Доля претензий через портал", "Claims via the portal, share"),
    "portal_return_requests": ("Заявок на возврат через портал", "Returns via the portal"),
    "portal_return_share_long": (
        "Доля заявок на возврат через портал",
        "Returns via the portal, share",
    ),
    "mean_hours_to_first_response": (
        "Среднее время до первого ответа, ч",
        "Mean hours to first response",
    ),
    "median_hours_to_first_response": (
        "Медиана времени до первого ответа, ч",
        "Median hours to first response",
    ),
    "mean_hours_to_first_response_help": (
        "Претензии из портала: от регистрации до первого действия оператора.",
        "Portal claims: from registration to an operator's first action.",
    ),
    "mean_hours_to_decision": ("Среднее время до решения по возврату, ч", "Mean hours to decide"),
    "median_hours_to_decision": (
        "Медиана времени до решения по возврату, ч",
        "Median hours to decide",
    ),
    "mean_hours_to_decision_help": (
        "Заявки на возврат из портала: от регистрации до одобрения или отказа.",
        "Portal return requests: from registration to approval or rejection.",
    ),
    "region_deals": ("Сделки по регионам", "Deals by region"),
    "region_deals_caption": (
        "Сделки, закрытые в периоде, по бизнес-регионам (как на Обзоре); в работе — открытые "
        "сейчас. Здесь применяются все отборы.",
        "Deals closed in the period per business region (as on the Overview); in progress: open "
        "now. Every filter applies here.",
    ),
    "deals_won_count": ("Выиграно сделок", "Deals won"),
    "cost": ("Себестоимость", "Cost"),
    "margin": ("Маржа", "Margin"),
    "margin_share": ("Рентабельность", "Margin share"),
    "shipments": ("Отгрузок", "Shipments"),
    "shipment_number": ("Номер реализации", "Shipment number"),
    "shipped_date": ("Дата отгрузки", "Shipped"),
    "show_shipments_of_region": ("Отгрузки региона", "Shipments of region"),
    "gis_caption": (
        "Документы по дню первой отправки и последнему статусу. Отборы по виду сделки, менеджеру "
        "и региону не применяются.",
        "Documents by day of first submission and latest status. The deal kind, manager and "
        "region filters do not apply.",
    ),
    "gis_system": ("Система", "System"),
    "system_egais": ("ЕГАИС", "EGAIS"),
    "system_vetis": ("ВетИС (Меркурий)", "VetIS (Mercury)"),
    "system_gismt": ("Честный ЗНАК (ГИС МТ)", "Chestny ZNAK (GIS MT)"),
    "status_group_accepted": ("Принят", "Accepted"),
    "status_group_rejected": ("Отклонён", "Rejected"),
    "status_group_processing": ("В обработке", "Processing"),
    "status_group_error": ("Ошибка", "Error"),
    "documents": ("Документы", "Documents"),
    "documents_by_day": ("Документы по дням", "Documents per day"),
    "rejection_rate": ("Доля отклонённых", "Rejection rate"),
    "error_rate": ("Доля ошибок", "Error rate"),
    "open_backlog": ("В обработке или с ошибкой", "Processing or in error"),
    "median_hours_to_acceptance": ("Медиана до приёмки, ч", "Median hours to acceptance"),
    "mean_hours_to_acceptance": ("Среднее до приёмки, ч", "Mean hours to acceptance"),
    "hours_to_acceptance": ("До приёмки, ч", "Hours to acceptance"),
    "show_documents_in_status": ("Документы в статусе", "Documents in status"),
    "document_id": ("Документ", "Document"),
    "document_type": ("Тип документа", "Document type"),
    "reference": ("Основание", "Reference"),
    "error_code": ("Код ошибки", "Error code"),
    "gis_error": ("Ошибка", "Error"),
    "first_event_at": ("Отправлен", "Submitted"),
    "accepted_at": ("Принят", "Accepted at"),
    "by_document_type": ("По типам документов", "By document type"),
    "top_error_codes": ("Частые коды ошибок", "Top error codes"),
    "top_error_codes_caption": ("За всё время, по системам.", "All time, per system."),
    "rank": ("Место", "Rank"),
    "error_events": ("Ошибок", "Error events"),
    "documents_affected": ("Документов", "Documents affected"),
    "first_seen_at": ("Впервые", "First seen"),
    "last_seen_at": ("Последний раз", "Last seen"),
    "gis_to_fix_today": ("Что исправить сегодня", "What to fix today"),
    "gis_to_fix_caption": (
        "Незавершённые документы, по которым ход за нами, начиная с самых старых. Все открытые "
        "на дату сборки витрин: отбор по периоду не применяется.",
        "Open documents waiting on us, oldest first. Everything open on the marts' build date: "
        "the period filter does not apply.",
    ),
    "gis_nothing_to_fix": (
        "Документов, ожидающих наших действий, нет.",
        "No documents are waiting on us.",
    ),
    "gis_pending_with_us": ("Ждут нас", "Waiting on us"),
    "gis_pending_with_counterparty": ("Ждут контрагентов", "Waiting on counterparties"),
    "gis_pending_with_system": ("Ждут ответа системы", "Waiting on the system"),
    "gis_oldest_with_us": ("Самый давний у нас, дн.", "Oldest waiting on us, days"),
    "gis_backlog_by_counterparty": (
        "Незавершённые документы по контрагентам",
        "Open documents per counterparty",
    ),
    "open_documents": ("Незавершённых документов", "Open documents"),
    "lifecycle_state": ("Состояние", "State"),
    "organization_inn": ("Организация (ИНН)", "Organization (INN)"),
    "counterparty_key": ("Контрагент (ИНН / код в ГИС)", "Counterparty (INN / GIS id)"),
    "opened_at": ("Открыт", "Opened"),
    "days_open": ("Дней открыт", "Days open"),
    "max_age_hours": ("Допустимый возраст данных, ч", "Maximum data age, hours"),
    "published_at": ("Опубликовано", "Published at"),
    "run_id": ("Запуск", "Run"),
    "last_loaded_at": ("Загружено", "Last loaded"),
    "age_hours": ("Возраст, ч", "Age, hours"),
    "is_stale": ("Устарело", "Stale"),
    "publication_stale": (
        "Витрины опубликованы более {hours} ч назад: данные устарели.",
        "The marts were published more than {hours} hours ago: the data is stale.",
    ),
    "sources_stale": (
        "Источники не загружались более {hours} ч: {sources}.",
        "Sources not loaded for more than {hours} hours: {sources}.",
    ),
    "all_fresh": ("Все данные актуальны.", "All data is fresh."),
    "no_sources": ("Нет сведений о загрузке источников.", "No source load records."),
    # Розница (issue 21)
    "page_retail": ("Розница", "Retail"),
    "retail_caption": (
        "Чеки ККТ из ОФД: выручка (товарные позиции продаж за вычетом возвратов; проданные"
        " подарочные сертификаты — авансы, в выручку попадают при погашении), чеки продаж,"
        " средний чек, позиций в чеке и доля возвратов — по магазину, дню, часу и дню недели.",
        "Cash-register receipts from the ОФД: revenue (goods lines of sales less returns; gift"
        " certificates sold are advances and count when redeemed), sale receipts, average"
        " check, items per receipt and returns share, by store, day, hour and weekday.",
    ),
    "retail_stores": ("Магазины", "Stores"),
    "retail_store": ("Магазин", "Store"),
    "retail_day": ("День", "Day"),
    "retail_hour": ("Час", "Hour"),
    "retail_weekday": ("День недели", "Weekday"),
    "retail_weekday_names": ("Пн,Вт,Ср,Чт,Пт,Сб,Вс", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    "retail_revenue": ("Выручка", "Revenue"),
    "retail_receipts": ("Чеки продаж", "Sale receipts"),
    "retail_average_check": ("Средний чек", "Average check"),
    "retail_items_per_receipt": ("Позиций в чеке", "Items per receipt"),
    "retail_returns_share": ("Доля возвратов", "Returns share"),
    "retail_returns_share_help": (
        "Сумма чеков возврата прихода / сумма продаж.",
        "Sale-return receipts' amount / sales amount.",
    ),
    "retail_return_receipts": ("Чеки возврата", "Return receipts"),
    "retail_certificates_sold": ("Сертификаты проданы", "Certificates sold"),
    "retail_certificates_redeemed": ("Оплачено сертификатами", "Paid by certificates"),
    "retail_card_receipt_share": ("Чеков с картой", "Receipts with a card"),
    "retail_card_sales_share": ("Выручки по картам", "Revenue with a card"),
    "retail_sales": ("Продажи", "Sales"),
    "retail_loyalty": ("Лояльность", "Loyalty"),
    "retail_certificates": ("Подарочные сертификаты", "Gift certificates"),
    "retail_loyalty_caption": (
        "Держатели карт лояльности за всё время: повторные покупки (две и более) и RFM —"
        " квинтили давности, частоты и суммы покупок (5 — лучшие).",
        "Loyalty cardholders over all time: repeat purchases (two or more) and RFM quintiles"
        " of recency, frequency and monetary value (5 is best).",
    ),
    "retail_cardholders": ("Держателей карт", "Cardholders"),
    "retail_repeat_rate": ("Доля повторных", "Repeat rate"),
    "retail_revenue_per_cardholder": ("Выручка на держателя", "Revenue per cardholder"),
    "retail_r_score": ("Давность (R)", "Recency (R)"),
    "retail_f_score": ("Частота (F)", "Frequency (F)"),
    "retail_loyalty_points_caption": (
        "Бонусные баллы по месяцам: начислено (процент программы от оплаченного не баллами),"
        " списано в оплату (встречное предоставление, тег 1217), корректировки, сгорело после"
        " срока без покупок; остаток и обязательства (остаток × стоимость балла) на конец месяца.",
        "Bonus points per month: accrued (the programme's percent of what was paid other than by"
        " points), redeemed (counter-provision, tag 1217), adjusted, burnt after the validity"
        " without a purchase; outstanding points and the liability (points × point value) at"
        " month end.",
    ),
    "retail_loyalty_programme": ("Программа", "Programme"),
    "retail_active_cardholders": ("Активных держателей", "Active cardholders"),
    "retail_card_purchases": ("Покупок по картам", "Card purchases"),
    "retail_points_accrued": ("Начислено баллов", "Points accrued"),
    "retail_points_redeemed": ("Списано баллов", "Points redeemed"),
    "retail_points_adjusted": ("Корректировки", "Adjustments"),
    "retail_points_expired": ("Сгорело баллов", "Points expired"),
    "retail_points_outstanding": ("Остаток баллов", "Points outstanding"),
    "retail_bonus_liability": ("Обязательства по баллам", "Bonus liability"),
    "retail_certificates_caption": (
        "Продажа сертификата — аванс (признак способа расчёта 3), погашение — оплата"
        " предоплатой (тег 1215); остаток обязательств на конец месяца.",
        "A certificate sold is an advance (payment method 3), its redemption a payment by"
        " prepayment (tag 1215); the liability outstanding at the month's end.",
    ),
    "retail_certificates_liability": ("Обязательства на конец", "Liability at month end"),
    "retail_certificate_sales": ("Чеков продажи сертификатов", "Certificate sale receipts"),
    "retail_certificate_redemptions": ("Чеков с погашением", "Receipts paid by certificates"),
    "retail_certificates_breakage": ("Сгорело (breakage)", "Breakage"),
    "retail_certificates_breakage_help": (
        "Неиспользованный остаток сертификатов, срок действия которых истёк за период.",
        "The unredeemed balance of certificates whose validity ended in the period.",
    ),
    "retail_certificates_outstanding": ("Обязательства по сертификатам", "Certificate liability"),
    "retail_certificates_outstanding_help": (
        "Продано − погашено − сгорело на конец периода (на дату расчёта витрин).",
        "Sold − redeemed − expired at the period's end (as of the marts' as-of).",
    ),
    "retail_certificate_status": ("Состояние", "Status"),
    "retail_certificates_count": ("Сертификатов", "Certificates"),
    "retail_certificates_nominal": ("Номинал", "Nominal"),
    "retail_certificate_cohorts": ("Погашение по месяцу продажи", "Redemption by month of sale"),
    "retail_certificate_sale_month": ("Месяц продажи", "Sale month"),
    "retail_certificate_months_since_sale": ("Месяцев с продажи", "Months since sale"),
    "retail_certificate_redeemed_share": ("Погашено нарастающим", "Redeemed, cumulative"),
    "retail_marking": ("Маркировка", "Marked goods"),
    "retail_marking_caption": (
        "Коды маркировки из чеков (теги 1162/1163) против документов ГИС МТ: вывода из оборота"
        " (LK_RECEIPT) и возврата в оборот (LP_RETURN). Код продан, если последний чек по нему —"
        " продажа, возвращён покупателем, если возврат; выведен, если последний принятый"
        " документ по нему — вывод, возвращён в оборот, если возврат.",
        "Marking codes of the receipts (tags 1162/1163) against the ГИС МТ documents taking"
        " them out of circulation (LK_RECEIPT) and back in (LP_RETURN). A code is sold when its"
        " last receipt is a sale, returned by the customer when it is a return; withdrawn when"
        " the last accepted document listing it is a withdrawal, back in circulation when it is"
        " a return to circulation.",
    ),
    "retail_marking_matched": ("Продано и выведено", "Sold and withdrawn"),
    "retail_marking_sold_not_withdrawn": ("Продано, не выведено", "Sold, not withdrawn"),
    "retail_marking_withdrawn_not_sold": ("Выведено без продажи", "Withdrawn, not sold"),
    "retail_marking_returned_not_reintroduced": (
        "Возвращено, не введено в оборот",
        "Returned, not back in circulation",
    ),
    "retail_marking_code": ("Код идентификации", "Identification code"),
    "retail_marking_status": ("Расхождение", "Difference"),
    "retail_marking_receipt": ("Чек", "Receipt"),
    "retail_marking_operation": ("Операция", "Operation"),
    "retail_marking_document": ("Документ ГИС МТ", "ГИС МТ document"),
    "retail_marking_withdrawn_date": ("Дата вывода", "Withdrawn on"),
    "retail_marking_refused": ("Документ отклонён", "Document refused"),
    # Организации и комиссия (issue 22)
    "page_intercompany": ("Организации и комиссия", "Organizations and commission"),
    "intercompany_caption": (
        "Выручка группы без межфирменных продаж, выручка по организациям-продавцам и "
        "владельцам товаров, взаиморасчёты между организациями, комиссия и остатки по "
        "организациям и хранителям. Отбор по менеджерам, регионам и отраслям здесь не действует.",
        "Group revenue without inter-company sales, revenue by selling and by owning "
        "organization, inter-company settlements, commission and stock per organization and "
        "holder. The manager, region and industry filters do not apply here.",
    ),
    "group_revenue": ("Выручка группы", "Group revenue"),
    "group_revenue_help": (
        "Продажи вне группы: отгрузки клиентам, продажи комиссионеров и наше вознаграждение "
        "комитентов; межфирменные продажи исключены.",
        "Sales outside the group: shipments to customers, commissioners' sales and our fee from "
        "committents; inter-company sales are eliminated.",
    ),
    "intercompany_eliminated": ("Исключено межфирменных продаж", "Inter-company eliminated"),
    "commissioner_sales": ("Продажи комиссионеров", "Commissioners' sales"),
    "commissioner_fees": ("Вознаграждение комиссионеров", "Commissioners' fees"),
    "commissioner_debt": ("Долг комиссионеров", "Commissioners' debt"),
    "commissioner_debt_help": (
        "Продажи комиссионеров за вычетом их вознаграждения и поступившей от них оплаты.",
        "Commissioners' sales less their fees and what they paid.",
    ),
    "committent_debt": ("Долг комитентам", "Owed to committents"),
    "value_at_commissioners": ("Товары у комиссионеров", "Goods at commissioners"),
    "revenue_by_organization": ("Выручка по организациям", "Revenue by organization"),
    "intercompany_settlements": ("Взаиморасчёты", "Inter-company settlements"),
    "intercompany_settlements_caption": (
        "Передачи и возвраты товаров между организациями по трансфертным ценам; сальдо на конец "
        "последнего месяца периода (+: другая организация должна нам).",
        "Transfers and returns between organizations at transfer prices; the balance at the end "
        "of the period's last month (+: the other organization owes).",
    ),
    "commission": ("Комиссия", "Commission"),
    "commission_caption": (
        "Комиссионеры, продающие наши товары, и комитенты, чьи товары продаём мы: на дату "
        "публикации.",
        "Commissioners selling our goods and committents whose goods we sell: as published.",
    ),
    "stock": ("Остатки", "Stock"),
    "ownership_stock_caption": (
        "Что принадлежит каждой организации и где находится: на наших складах или у "
        "комиссионеров; товары комитентов отдельно.",
        "What each organization owns and where it is: at our warehouses or at commissioners; "
        "committents' goods apart.",
    ),
    "organization": ("Организация", "Organization"),
    "counter_organization": ("Другая организация", "Counter organization"),
    "revenue_as_seller": ("Выручка продавца", "Revenue as seller"),
    "intercompany_revenue": ("Межфирменные продажи", "Inter-company sales"),
    "external_revenue": ("Продажи вне группы", "External revenue"),
    "revenue_as_owner": ("Выручка владельца товаров", "Revenue as goods owner"),
    "intercompany_sent": ("Передано", "Sent"),
    "intercompany_received": ("Получено", "Received"),
    "intercompany_balance": ("Сальдо", "Balance"),
    "commission_partner_role": ("Роль", "Role"),
    "commission_role_commissioner": ("Комиссионер", "Commissioner"),
    "commission_role_committent": ("Комитент", "Committent"),
    "quantity_handed_over": ("Передано, шт.", "Handed over, units"),
    "handed_over_amount": ("Сумма передачи", "Handed-over amount"),
    "quantity_sold": ("Продано, шт.", "Sold, units"),
    "commission_sales_amount": ("Сумма продаж", "Sales amount"),
    "commission_fee": ("Вознаграждение", "Commission fee"),
    "commission_paid": ("Оплачено", "Paid"),
    "quantity_written_off": ("Списано, шт.", "Written off, units"),
    "quantity_held": ("Остаток, шт.", "Held, units"),
    "stock_holder_kind": ("Хранитель", "Holder"),
    "stock_holder_warehouse": ("Склад", "Warehouse"),
    "stock_holder_commissioner": ("Комиссионер", "Commissioner"),
    "stock_holder_name": ("Место хранения", "Held at"),
    "is_committent_goods": ("Товары комитента", "Committent's goods"),
    "product_count": ("Позиций", "Products"),
    "quantity": ("Количество", "Quantity"),
    "cost_value": ("Себестоимость", "Cost value"),
}

# Codes the marts carry, in words (the dashboards never show a raw code to a reader).
_CODES: dict[str, tuple[str, str]] = {
    "registry_status_active": ("Действующая", "Active"),
    "registry_status_liquidating": ("Ликвидируется", "Liquidating"),
    "registry_status_liquidated": ("Ликвидирована", "Liquidated"),
    "registry_status_bankrupt": ("Банкротство", "Bankrupt"),
    "registry_status_reorganising": ("Реорганизация", "Reorganising"),
    "order_status_draft": ("Черновик", "Draft"),
    "order_status_on_approval": ("На согласовании", "On approval"),
    "order_status_approved": ("Согласован", "Approved"),
    "order_status_to_ship": ("К отгрузке", "To ship"),
    "order_status_shipped": ("Отгружен", "Shipped"),
    "order_status_closed": ("Закрыт", "Closed"),
    "order_status_cancelled": ("Отменён", "Cancelled"),
    # GIS document types (ingestion/gis/*.py).
    "gis_doc_WayBill_v4": ("ТТН", "Waybill"),
    "gis_doc_WayBillAct_v4": ("Акт подтверждения ТТН", "Waybill acceptance act"),
    "gis_doc_Ticket": ("Квитанция ЕГАИС", "EGAIS ticket"),
    "gis_doc_VetDocument": ("Ветеринарный сертификат", "Veterinary certificate"),
    "gis_doc_Application": ("Заявка в Меркурий", "Mercury application"),
    "gis_doc_LP_SHIP_GOODS": ("Отгрузка товаров (УПД)", "Goods shipment"),
    "gis_doc_LP_ACCEPT_GOODS": ("Приёмка товаров", "Goods acceptance"),
    "gis_doc_LP_INTRODUCE_GOODS": ("Ввод в оборот", "Goods introduction"),
    "gis_doc_LK_RECEIPT": ("Вывод из оборота (чек)", "Withdrawal (receipt)"),
    "gis_doc_LP_RETURN": ("Возврат в оборот", "Return to circulation"),
    "gis_doc_UNIVERSAL_TRANSFER_DOCUMENT": ("УПД", "Universal transfer document"),
    "gis_doc_TTNInformF2Reg": ("Справка о регистрации ТТН", "Waybill registration"),
    "gis_doc_ReplyNoAnswerTTN": ("ТТН без ответа", "Unanswered waybill"),
    "gis_doc_INCOMING": ("входящий", "incoming"),
    "gis_doc_OUTGOING": ("исходящий", "outgoing"),
    "gis_doc_PRODUCTIVE": ("производственный", "production"),
    "gis_doc_RETURNABLE": ("возвратный", "return"),
    "gis_doc_TRANSPORT": ("транспортный", "transport"),
    # GIS statuses as the systems send them.
    "gis_status_Sent": ("Отправлен", "Sent"),
    "gis_status_Received": ("Получен", "Received"),
    "gis_status_Accepted": ("Принят", "Accepted"),
    "gis_status_Rejected": ("Отклонён", "Rejected"),
    "gis_status_Differences": ("Принят с расхождениями", "Accepted with differences"),
    "gis_status_CHECKED_OK": ("Проверен", "Checked"),
    "gis_status_ACCEPTED": ("Принят", "Accepted"),
    "gis_status_CHECKED_NOT_OK": ("Не прошёл проверку", "Check failed"),
    "gis_status_REJECTED": ("Отклонён", "Rejected"),
    "gis_status_CANCELLED": ("Аннулирован", "Cancelled"),
    "gis_status_CANCELED": ("Аннулирован", "Cancelled"),
    "gis_status_PROCESSING_ERROR": ("Ошибка обработки", "Processing error"),
    "gis_status_PARSE_ERROR": ("Ошибка разбора", "Parse error"),
    "gis_status_IN_PROGRESS": ("В обработке", "In progress"),
    "gis_status_IN_PROCESS": ("В обработке", "In progress"),
    "gis_status_WAIT_ACCEPTANCE": ("Ожидает приёмки", "Awaiting acceptance"),
    "gis_status_WAIT_PARTICIPANT_REGISTRATION": (
        "Ожидает регистрации участника",
        "Awaiting participant registration",
    ),
    "gis_status_WAIT_FOR_CONTINUATION": ("Ожидает продолжения", "Awaiting continuation"),
    "gis_status_UNDEFINED": ("Не определён", "Undefined"),
    "gis_status_COMPLETED": ("Выполнена", "Completed"),
    "gis_status_CREATED": ("Оформлен", "Issued"),
    "gis_status_CONFIRMED": ("Подтверждён", "Confirmed"),
    "gis_status_WITHDRAWN": ("Аннулирован", "Withdrawn"),
    "gis_status_UTILIZED": ("Погашен", "Redeemed"),
    # Where a GIS document stands (fct_gis_document_lifecycles.lifecycle_state).
    "gis_state_accepted": ("Принят", "Accepted"),
    "gis_state_accepted_with_differences": ("Принят с расхождениями", "Accepted with differences"),
    "gis_state_refused": ("Отказ от приёмки", "Refused"),
    "gis_state_awaiting_act": ("Ожидает акта", "Awaiting the act"),
    "gis_state_awaiting_ticket": ("Ожидает квитанции ЕГАИС", "Awaiting the EGAIS ticket"),
    "gis_state_act_rejected": ("Акт отклонён ЕГАИС", "Act rejected by EGAIS"),
    "gis_state_no_answer": ("Нет ответа по ТТН", "Waybill not answered"),
    "gis_state_differences_to_confirm": (
        "Акт расхождений контрагента: подтвердить",
        "Counterparty's discrepancy act to confirm",
    ),
    "gis_state_registration_rejected": (
        "ЕГАИС отказал в регистрации ТТН",
        "Waybill registration rejected by EGAIS",
    ),
    "gis_state_issued": ("ВСД оформлен, не погашен", "Certificate issued, not redeemed"),
    "gis_state_utilised": ("Погашен", "Redeemed"),
    "gis_state_withdrawn": ("Аннулирован", "Withdrawn"),
    "gis_state_rejected": ("Отклонён", "Rejected"),
    "gis_state_processing": ("В обработке", "Processing"),
    "gis_state_error": ("Ошибка", "Error"),
    # GIS error codes (the platforms' own codes, with what they mean).
    "gis_error_APLM0012": (
        "Непредвиденная ошибка сервиса Меркурий",
        "Unexpected Mercury service error",
    ),
    "gis_error_MERC13284": (
        "Недостаточно продукции в записи складского журнала",
        "Not enough product in the stock journal entry",
    ),
    "gis_error_CHECKED_NOT_OK": ("Документ не прошёл проверку", "Document failed the check"),
    "gis_error_PROCESSING_ERROR": (
        "Техническая ошибка обработки, повторите отправку",
        "Technical processing error, resend",
    ),
    "gis_error_PARSE_ERROR": ("Документ не разобран (формат)", "Document could not be parsed"),
    # Data sources on the freshness page (meta.data_freshness: raw_oltp.<table>, raw_gis.<system>).
    "source_group_raw_oltp": ("Учётная система", "Operational app"),
    "source_group_raw_gis": ("Обмен с ГИС", "GIS exchange"),
    "table_organizations": ("Организации", "Organizations"),
    "table_business_regions": ("Бизнес-регионы", "Business regions"),
    "table_users": ("Пользователи", "Users"),
    "table_partners": ("Партнёры", "Partners"),
    "table_counterparties": ("Контрагенты", "Counterparties"),
    "table_contact_persons": ("Контактные лица", "Contact persons"),
    "table_deal_kinds": ("Виды сделок", "Deal kinds"),
    "table_sales_stages": ("Этапы продаж", "Sales stages"),
    "table_loss_reasons": ("Причины проигрыша", "Loss reasons"),
    "table_deals": ("Сделки", "Deals"),
    "table_deal_stage_history": ("История этапов сделок", "Deal stage history"),
    "table_partner_roles": ("Роли партнёров", "Partner roles"),
    "table_partner_role_links": ("Роли партнёров: связи", "Partner role links"),
    "table_contact_roles": ("Роли контактных лиц", "Contact roles"),
    "table_claim_reasons": ("Причины претензий", "Claim reasons"),
    "table_interaction_topics": ("Темы взаимодействий", "Interaction topics"),
    "table_marketing_events": ("Маркетинговые мероприятия", "Marketing events"),
    "table_products": ("Номенклатура", "Products"),
    "table_warehouses": ("Склады", "Warehouses"),
    "table_stock_levels": ("Остатки", "Stock levels"),
    "table_agreements": ("Соглашения", "Agreements"),
    "table_commercial_offers": ("Коммерческие предложения", "Commercial offers"),
    "table_commercial_offer_lines": ("Строки коммерческих предложений", "Offer lines"),
    "table_customer_orders": ("Заказы клиентов", "Customer orders"),
    "table_customer_order_lines": ("Строки заказов", "Order lines"),
    "table_payment_schedule_items": ("График оплаты", "Payment schedule"),
    "table_shipments": ("Реализации", "Shipments"),
    "table_shipment_lines": ("Строки реализаций", "Shipment lines"),
    "table_payments": ("Оплаты", "Payments"),
    "table_reserve_adjustments": ("Резервы", "Reserve adjustments"),
    "table_claims": ("Претензии", "Claims"),
    "table_claim_tasks": ("Задачи по претензиям", "Claim tasks"),
    "table_return_reasons": ("Причины возврата", "Return reasons"),
    "table_return_requests": ("Заявки на возврат", "Return requests"),
    "table_return_request_lines": ("Строки заявок на возврат", "Return request lines"),
    "table_interactions": ("Взаимодействия", "Interactions"),
    "table_egais": ("ЕГАИС", "EGAIS"),
    "table_vetis": ("ВетИС (Меркурий)", "VetIS (Mercury)"),
    "table_gismt": ("Честный ЗНАК", "Chestny ZNAK"),
}
_CATALOG.update(_CODES)
_CATALOG.update(INVOICE_CATALOG)

_LANGUAGE_INDEX = {"ru": 0, "en": 1}


def current_language() -> str:
    return get_settings().lang


def t(key: str, **values: object) -> str:
    """The message for ``key`` in the current language, with ``{name}`` fields filled in."""
    text = _CATALOG[key][_LANGUAGE_INDEX[current_language()]]
    return text.format(**values) if values else text


def both_languages(key: str) -> tuple[str, str]:
    """The Russian and English messages of ``key`` (for what is written once for both, such as
    the dbt exposures of the pages)."""
    return _CATALOG[key]


def label(prefix: str, code: object) -> str:
    """The label of a code (``label("source", "portal")``), or the code itself if unknown."""
    key = f"{prefix}_{code}"
    return t(key) if key in _CATALOG else str(code)


def gis_document_type(code: str | None) -> str:
    """``LP_SHIP_GOODS`` -> "Отгрузка товаров (УПД)"; ``Ticket:WayBill_v4`` -> "Квитанция ЕГАИС
    (ТТН (ЕГАИС))"; ``VetDocument:INCOMING`` -> "Ветеринарный сертификат, входящий"."""
    if code is None:
        return t("not_set")
    kind, _, detail = code.partition(":")
    text = label("gis_doc", kind)
    if not detail:
        return text
    if kind == "VetDocument":
        return f"{text}, {label('gis_doc', detail)}"
    return f"{text} ({label('gis_doc', detail)})"


def gis_status(code: str | None) -> str:
    return t("not_set") if code is None else label("gis_status", code)


def gis_error(code: str | None) -> str:
    """An error code with what it means: ``APLM0012 — Непредвиденная ошибка сервиса Меркурий``;
    a code without a known meaning is shown as it is, a missing one as a dash."""
    if code is None:
        return "—"
    key = f"gis_error_{code}"
    return f"{code} — {t(key)}" if key in _CATALOG else code


def data_source(source: str) -> str:
    """``raw_oltp.claims`` -> "Учётная система: Претензии"."""
    group, _, table = source.partition(".")
    group_key, table_key = f"source_group_{group}", f"table_{table}"
    if group_key not in _CATALOG or table_key not in _CATALOG:
        return source.replace("_", " ")
    return f"{t(group_key)}: {t(table_key)}"


def catalog_keys() -> list[str]:
    return list(_CATALOG)


# -- client base (Анализ клиентской базы) and offer conversion ------------------------------
_CATALOG.update(
    {
        "page_client_base": ("Клиентская база", "Client base"),
        "client_base_caption": (
            "Анализ клиентской базы: ABC по выручке (отгрузки) и XYZ по стабильности месячной"
            " выручки за скользящие 12 месяцев, движение клиентов по месяцам, выручка за всё"
            " время и конверсия коммерческих предложений в заказы.",
            "Client-base analysis: ABC by revenue (shipments) and XYZ by the stability of monthly"
            " revenue over a trailing 12 months, customers gained and lost per month, lifetime"
            " revenue, and commercial offers turned into orders.",
        ),
        "abc_xyz_title": ("ABC/XYZ-анализ клиентов", "ABC/XYZ analysis of customers"),
        "abc_xyz_caption": (
            "Классы на {month}: A — первые 80 % выручки окна, B — следующие 15 %, C — остальное;"
            " X — коэффициент вариации месячной выручки до 10 %, Y — до 25 %, Z — выше.",
            "Classes for {month}: A is the first 80 % of the window's revenue, B the next 15 %, C"
            " the rest; X is a coefficient of variation of monthly revenue up to 10 %, Y up to"
            " 25 %, Z above.",
        ),
        "abc_xyz_compared_caption": (
            "Сравнение с {period}: классы на {month}",
            "Compared with {period}: classes for {month}",
        ),
        "class_revenue_share": ("Доля выручки", "Revenue share"),
        "abc_class": ("Класс ABC", "ABC class"),
        "xyz_class": ("Класс XYZ", "XYZ class"),
        "xyz_not_enough_history": ("Мало истории", "Short history"),
        "customers": ("Клиенты", "Customers"),
        "customers_in_base": ("Клиентов в базе", "Customers in the base"),
        "window_revenue": ("Выручка за 12 мес.", "Revenue, 12 months"),
        "matrix_customers": ("Число клиентов", "Customers"),
        "matrix_revenue": ("Выручка", "Revenue"),
        "class_changes": ("Смена классов за месяц", "Class changes this month"),
        "class_changes_caption": (
            "Клиенты, у которых класс ABC или XYZ в {month} отличается от прошлого месяца.",
            "Customers whose ABC or XYZ class in {month} differs from the month before.",
        ),
        "no_class_changes": ("Классы не менялись.", "No class changed."),
        "previous_class": ("Был класс", "Previous class"),
        "current_class": ("Класс", "Class"),
        "revenue_share": ("Доля выручки", "Revenue share"),
        "cumulative_revenue_share": ("Накопленная доля", "Cumulative share"),
        "monthly_revenue_cv": ("Коэффициент вариации", "Coefficient of variation"),
        "customer_lifecycle": ("Движение клиентов", "Customer lifecycle"),
        "customer_lifecycle_caption": (
            "Новые — первая покупка в месяце; активные — покупка в месяце; потерянные — 90 дней"
            " без покупок (в месяце, когда они истекли); вернувшиеся — покупка после потери.",
            "New: first purchase in the month; active: a purchase in the month; lost: 90 days"
            " without a purchase (in the month they ran out); returned: a purchase after being"
            " lost.",
        ),
        "new_customers": ("Новые", "New"),
        "active_customers": ("Активные", "Active"),
        "returned_customers": ("Вернувшиеся", "Returned"),
        "lost_customers": ("Потерянные", "Lost"),
        "top_customers": ("Крупнейшие клиенты за всё время", "Top customers by lifetime revenue"),
        "top_customers_caption": (
            "Выручка за всё время и дней с последней покупки на дату хранилища (без учёта"
            " периода).",
            "Lifetime revenue and days since the last purchase as of the warehouse date (the"
            " period does not apply).",
        ),
        "first_purchase_date": ("Первая покупка", "First purchase"),
        "last_purchase_date": ("Последняя покупка", "Last purchase"),
        "days_since_last_purchase": ("Дней с последней покупки", "Days since last purchase"),
        "lifetime_revenue": ("Выручка за всё время", "Lifetime revenue"),
        "lost_now": ("Потерян", "Lost"),
        "offer_conversion": (
            "Конверсия коммерческих предложений в заказы",
            "Offer to order conversion",
        ),
        "offer_conversion_caption": (
            "Предложения, отправленные в периоде: доля принятых и доля ставших заказами (не"
            " отменёнными) от отправленных, среднее число дней от предложения до заказа.",
            "Offers sent in the period: the share accepted and the share turned into a (not"
            " cancelled) order out of those sent, and the mean days from offer to order.",
        ),
        "offers": ("Предложения", "Offers"),
        "sent_offers": ("Отправлено", "Sent"),
        "accepted_offers": ("Принято", "Accepted"),
        "converted_offers": ("Стали заказами", "Turned into orders"),
        "lost_offers": ("Потеряно", "Lost"),
        "open_offers": ("Ждут решения", "Awaiting decision"),
        "acceptance_share": ("Доля принятых", "Acceptance share"),
        "conversion_share": ("Конверсия в заказ", "Conversion to order"),
        "mean_days_to_order": ("Дней до заказа (среднее)", "Days to order (mean)"),
        "lost_offers_by_reason": ("Потерянные предложения по причинам", "Lost offers by reason"),
        "lost_offers_by_reason_caption": (
            "Причина — причина проигрыша сделки предложения; без неё — статус предложения.",
            "The reason is the loss reason of the offer's deal; without one, the offer's status.",
        ),
        "lost_reason": ("Причина", "Reason"),
        "rejected_offers": ("Отклонено", "Rejected"),
        "expired_offers": ("Истёк срок", "Expired"),
        "offer_amount": ("Сумма предложений", "Offer amount"),
        "offer_lost_reason_rejected": ("Отклонено клиентом", "Rejected by the customer"),
        "offer_lost_reason_expired": ("Истёк срок действия", "Validity expired"),
    }
)


# -- plan vs fact (План-факт, issue 26) ------------------------------------------------------
_CATALOG.update(
    {
        "page_plan_fact": ("План-факт", "Plan vs actual"),
        "plan_fact_caption": (
            "Планы продаж менеджеров по месяцам, бизнес-регионам и видам сделок против"
            " выигранных сделок (по месяцу закрытия, в регионе партнёра). Прогноз на конец"
            " месяца — факт плюс взвешенная воронка открытых сделок с плановой датой закрытия в"
            " месяце (просроченные — в текущем месяце). Отбор по отрасли к планам не применяется.",
            "Managers' sales plans by month, business region and deal kind against deals won (by"
            " month of closing, in the partner's region). The month-end forecast is the fact plus"
            " the weighted pipeline of open deals planned to close in the month (overdue ones in"
            " the current month). The industry filter does not apply to plans.",
        ),
        "planned_amount": ("План, сумма", "Planned amount"),
        "planned_won_deals": ("План, сделок", "Planned deals"),
        "won_deals": ("Факт, сделок", "Won deals"),
        "fact_amount": ("Факт, сумма", "Actual amount"),
        "forecast_amount": ("Прогноз на конец месяца", "Month-end forecast"),
        "open_weighted_amount": ("Взвешенная воронка", "Weighted pipeline"),
        "amount_completion": ("Выполнение плана", "Plan completion"),
        "forecast_completion": ("Прогноз выполнения", "Forecast completion"),
        "won_deals_completion": ("Выполнение по сделкам", "Deals completion"),
        "plan_fact_by_month": ("План и факт по месяцам", "Plan and actual by month"),
        "plan_fact_breakdown": ("План-факт в разрезе", "Plan vs actual by"),
        "kpi_plan_completion": ("Выполнение плана за период", "Plan completion in the period"),
        "kpi_plan_completion_help": (
            "Сумма выигранных сделок / сумма планов продаж за месяцы периода (План-факт).",
            "Won amount / planned amount over the months of the period (Plan vs actual).",
        ),
        "kpi_month_forecast": ("Прогноз выполнения, {month}", "Forecast completion, {month}"),
        "kpi_month_forecast_help": (
            "Месяц хранилища: (факт + взвешенная воронка месяца) / план месяца; факт: {fact}.",
            "The warehouse's month: (actual + the month's weighted pipeline) / the month's plan;"
            " actual so far: {fact}.",
        ),
        "no_plans": (
            "Планов продаж за выбранный период и отбор нет: введите их в приложении (Продажи →"
            " Планы продаж) или загрузите из XLSX.",
            "No sales plans for this period and filter: enter them in the app (Sales → Sales"
            " plans) or import them from XLSX.",
        ),
    }
)


# -- marketing events (issue 26) -------------------------------------------------------------
_CATALOG.update(
    {
        "page_marketing": ("Маркетинг", "Marketing"),
        "marketing_caption": (
            "Мероприятия, начавшиеся в периоде. Сделка относится к мероприятию, указанному в ней;"
            " иначе — к мероприятию последнего взаимодействия с её партнёром по мероприятию не"
            " раньше чем за 90 дней до создания сделки. Затраты на выигранную сделку = затраты /"
            " выигранные сделки. Отборы по менеджеру, региону, виду сделки и отрасли применяются к"
            " сделкам мероприятий; затраты и взаимодействия — мероприятия целиком.",
            "Events that started in the period. A deal belongs to the event it names; otherwise to"
            " the event of its partner's latest event interaction at most 90 days before the deal"
            " was created. Cost per won deal = cost / won deals. The manager, region, deal kind and"
            " industry filters apply to the events' deals; cost and interactions are the whole"
            " event's.",
        ),
        "cost_per_won_deal_narrowed": (
            "Не считается при отборе по менеджеру, региону, виду сделки или отрасли: затраты —"
            " мероприятия целиком, а сделки — только отобранные.",
            "Not computed under a manager, region, deal kind or industry filter: the cost is the"
            " whole event's, the deals only those selected.",
        ),
        "marketing_events": ("Мероприятий", "Events"),
        "marketing_event": ("Мероприятие", "Event"),
        "event_kind": ("Вид", "Kind"),
        "event_start": ("Начало", "Starts"),
        "event_cost": ("Затраты", "Cost"),
        "event_interactions": ("Взаимодействий", "Interactions"),
        "partners_reached": ("Партнёров", "Partners reached"),
        "attributed_deals": ("Сделок", "Deals"),
        "cost_per_won_deal": ("Затраты на выигранную сделку", "Cost per won deal"),
        "event_kind_exhibition": ("Выставка", "Exhibition"),
        "event_kind_webinar": ("Вебинар", "Webinar"),
        "event_kind_seminar": ("Семинар", "Seminar"),
        "event_kind_open_day": ("День открытых дверей", "Open day"),
        "event_kind_mailing": ("Рассылка", "Mailing"),
        "event_kind_other": ("Другое", "Other"),
    }
)


# -- period comparison (issue 26) ------------------------------------------------------------
_CATALOG.update(
    {
        "compare_with": ("Сравнить с", "Compare with"),
        "claim_structure_report": (
            "Структура возникновения претензий по месяцам",
            "Claim structure by month",
        ),
        "claim_structure_report_caption": (
            "Отчёт хранилища (rpt_claim_structure): месяцы, которые пересекает период; отборы по"
            " менеджеру, региону и отрасли к нему не применяются.",
            "The warehouse's report (rpt_claim_structure): the months the period overlaps; the"
            " manager, region and industry filters do not apply to it.",
        ),
        "share_of_month": ("Доля в месяце", "Share of the month"),
        "parent_share_of_month": ("Доля группы в месяце", "Parent's share of the month"),
        "change_from_previous_month": ("Изменение к прошлому месяцу", "Change from last month"),
        "deal_interactions": (
            "Взаимодействия и фактическая сумма сделок",
            "Deal interactions and actual amount",
        ),
        "deal_interactions_caption": (
            "Сделки, созданные в месяцах периода (rpt_deal_interactions): взаимодействия по ним,"
            " заказы, потенциальная и фактическая (отгруженная) сумма; доля факта = факт /"
            " потенциал по сумме сделок группы.",
            "Deals created in the months of the period (rpt_deal_interactions): their"
            " interactions, orders, potential and actual (shipped) amounts; actual share = actual"
            " / potential over the group's deals.",
        ),
        "deals_created": ("Сделок создано", "Deals created"),
        "deal_interactions_total": ("Взаимодействий", "Interactions"),
        "deal_interactions_done": ("Из них выполнено", "Of them done"),
        "interactions_per_deal": ("Взаимодействий на сделку", "Interactions per deal"),
        "order_count": ("Заказов", "Orders"),
        "actual_amount": ("Фактическая сумма", "Actual amount"),
        "actual_to_potential_share": ("Доля факта от потенциала", "Actual / potential"),
        "compare_none": ("—", "—"),
        "compare_previous": ("предыдущим периодом", "the previous period"),
        "compare_year_ago": ("тем же периодом прошлого года", "the same period a year earlier"),
        "comparison_caption": (
            "Сравнение с {period}: {start} — {end}",
            "Compared with {period}: {start} to {end}",
        ),
    }
)
