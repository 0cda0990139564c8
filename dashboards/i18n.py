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
}

_LANGUAGE_INDEX = {"ru": 0, "en": 1}


def current_language() -> str:
    return get_settings().lang


def t(key: str, **values: object) -> str:
    """The message for ``key`` in the current language, with ``{name}`` fields filled in."""
    text = _CATALOG[key][_LANGUAGE_INDEX[current_language()]]
    return text.format(**values) if values else text


def catalog_keys() -> list[str]:
    return list(_CATALOG)
