"""The CDNOW purchase log as ОФД receipt files: an independent check of the retail marts
(issue 21).

CDNOW_master.txt (../shared/datasets/cdnow_purchases/, Fader, Hardie & Lee 2005) has one line
per purchase: customer id, date (YYYYMMDD), number of CDs, dollar value. A customer's purchases
of one day form one receipt (a sale, paid electronically) with one item per purchase line;
the customer id is the loyalty card, cents are kopecks. One file per month, on one cash
register, in the ФНС JSON the loader reads (ingestion/ofd/receipts.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any, Final

KKT_REG_ID: Final = "0000000000001997"
FISCAL_DRIVE: Final = "9999078900001997"
CUSTOMER_CARD_PREFIX: Final = "CDNOW-"


def read_purchases(source: Path) -> list[tuple[str, dt.date, int, int]]:
    """(customer id, date, CDs, cents) per line of the log."""
    purchases = []
    with source.open(encoding="ascii") as lines:
        next(lines)  # header
        for line in lines:
            customer, day, cds, dollars = line.split()
            cents = round(float(dollars) * 100)
            purchases.append(
                (customer, dt.datetime.strptime(day, "%Y%m%d").date(), int(cds), cents)
            )
    return purchases


def write_cdnow_receipts(source: Path, inbox_dir: Path) -> dict[str, int]:
    """Write the log as monthly receipt files into `inbox_dir`; returns the tallies."""
    receipts: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)
    for customer, day, cds, cents in read_purchases(source):
        receipts[(customer, day)].append((cds, cents))
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for number, ((customer, day), lines) in enumerate(
        sorted(receipts.items(), key=lambda kv: (kv[0][1], kv[0][0])), 1
    ):
        items = [
            {
                "name": f"CD × {cds}",
                "price": round(cents / cds) if cds else cents,
                "quantity": cds or 1,
                "sum": cents,
                "nds": 6,
                "paymentType": 4,
                "productType": 1,
            }
            for cds, cents in lines
        ]
        total = sum(item["sum"] for item in items)
        by_month[day.strftime("%Y-%m")].append(
            {
                "document": {
                    "receipt": {
                        "kktRegId": KKT_REG_ID,
                        "fiscalDriveNumber": FISCAL_DRIVE,
                        "fiscalDocumentNumber": number,
                        "fiscalSign": number,
                        "dateTime": f"{day.isoformat()}T12:00:00",
                        "operationType": 1,
                        "items": items,
                        "totalSum": total,
                        "cashTotalSum": 0,
                        "ecashTotalSum": total,
                        "properties": {
                            "propertyName": "Карта лояльности",
                            "propertyValue": f"{CUSTOMER_CARD_PREFIX}{customer}",
                        },
                    }
                }
            }
        )
    inbox_dir.mkdir(parents=True, exist_ok=True)
    for month, documents in by_month.items():
        temporary = inbox_dir / f"cdnow_{month}.json.tmp"
        temporary.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, inbox_dir / f"cdnow_{month}.json")
    return {"files": len(by_month), "receipts": len(receipts)}
