"""One message catalog for the dashboards: Russian (1C terms) by default, English on request.

The language is read from the settings at call time (CRM_LANG), never at import time.
"""

from __future__ import annotations

from crm.settings import get_settings

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
    "all": ("Все", "All"),
    "inactive": ("не работает", "inactive"),
    "stage": ("Этап", "Stage"),
    "loss_reason": ("Причина проигрыша", "Loss reason"),
    "no_reason": ("Причина не указана", "No reason given"),
    "won": ("Выиграно", "Won"),
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
    "kpi_delta_help": (
        "Изменение к предыдущему периоду той же длины: {start} — {end}.",
        "Change against the previous period of equal length: {start} to {end}.",
    ),
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
        "Сделки, созданные в периоде.",
        "Deals created in the period.",
    ),
    "by_manager": ("По менеджерам", "By manager"),
    "by_business_region": ("По бизнес-регионам", "By business region"),
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
    "overdue_amount": ("Просроченный долг", "Overdue debt"),
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
    "open_backlog": ("Не завершено", "Open backlog"),
    "median_hours_to_acceptance": ("Медиана до приёмки, ч", "Median hours to acceptance"),
    "mean_hours_to_acceptance": ("Среднее до приёмки, ч", "Mean hours to acceptance"),
    "hours_to_acceptance": ("До приёмки, ч", "Hours to acceptance"),
    "show_documents_in_status": ("Документы в статусе", "Documents in status"),
    "document_id": ("Документ", "Document"),
    "document_type": ("Тип документа", "Document type"),
    "reference": ("Основание", "Reference"),
    "error_code": ("Код ошибки", "Error code"),
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
}

_LANGUAGE_INDEX = {"ru": 0, "en": 1}


def current_language() -> str:
    return get_settings().lang


def t(key: str, **values: object) -> str:
    """The message for ``key`` in the current language, with ``{name}`` fields filled in."""
    text = _CATALOG[key][_LANGUAGE_INDEX[current_language()]]
    return text.format(**values) if values else text


def label(prefix: str, code: object) -> str:
    """The label of a code (``label("source", "portal")``), or the code itself if unknown."""
    key = f"{prefix}_{code}"
    return t(key) if key in _CATALOG else str(code)


def catalog_keys() -> list[str]:
    return list(_CATALOG)
