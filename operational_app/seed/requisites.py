"""Bank requisites and signers of the seeded organizations (issue 25): what their invoices print
and their payment QR codes carry."""

from __future__ import annotations

# Requisites of the seeded organizations (reference.ORGANIZATIONS, in order) that invoices print:
# legal address, bank, БИК, correspondent account, director, chief accountant. The settlement
# accounts are 40702810 (a resident commercial organization's account in rubles) + 12 digits.
ORGANIZATION_REQUISITES = (
    (
        "125009, г. Москва, ул. Тверская, д. 7, офис 12",
        "ПАО СБЕРБАНК",
        "044525225",
        "30101810400000000225",
        "Орлов Д. В.",
        "Кузнецова Е. А.",
    ),
    (
        "620014, г. Екатеринбург, ул. Малышева, д. 51, офис 305",
        "УРАЛЬСКИЙ БАНК ПАО СБЕРБАНК",
        "046577674",
        "30101810500000000674",
        "Ветров А. П.",
        "Смирнова О. Н.",
    ),
    (
        "191186, г. Санкт-Петербург, Невский пр., д. 28, лит. А",
        "СЕВЕРО-ЗАПАДНЫЙ БАНК ПАО СБЕРБАНК",
        "044030653",
        "30101810500000000653",
        "Лебедев С. Г.",
        "Павлова И. М.",
    ),
)


def organization_requisites(count: int) -> dict[str, list]:
    """The requisites columns of the first `count` seeded organizations."""
    rows = [ORGANIZATION_REQUISITES[i % len(ORGANIZATION_REQUISITES)] for i in range(count)]
    return {
        "legal_address": [row[0] for row in rows],
        "bank_name": [row[1] for row in rows],
        "bank_bik": [row[2] for row in rows],
        "correspondent_account": [row[3] for row in rows],
        "settlement_account": [f"40702810{38_000_000_001 + 17 * i:012d}" for i in range(count)],
        "director_name": [row[4] for row in rows],
        "chief_accountant_name": [row[5] for row in rows],
    }
