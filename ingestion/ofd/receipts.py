"""ОФД receipt exports (ФФД 1.05 / 1.2 JSON) -> receipt and receipt-line rows (DESIGN.md §4).

The JSON field names are those the ФНС and the fiscal data operators use for the ФФД tags
(Приказ ФНС ММВ-7-20/229@, tables of requisites). Grounded in public code found with the
`search` tool: the tag -> JSON-name table of a Rust ФФД TLV library (`JSON_NAME` next to each
`TAG`: 1012 dateTime, 1020 totalSum, 1023 quantity, 1030 name, 1031 cashTotalSum, 1162
productCode, 1163 productCodeNew, 1191 propertiesItem, 1199 nds, 1209 fiscalDocumentFormatVer,
1212 productType, 1215 prepaidSum, 1216 creditSum, 1217 provisionSum), evotor/integration-library
`FiscalTags.kt` (1037 kktRegId, 1038 shiftNumber, 1040 fiscalDocumentNumber, 1041
fiscalDriveNumber, 1054 operationType, 1077 fiscalSign), and receipts as the ФНС «Проверка
чека» service returns them (leatherpants/check-tool `data.ts`: items with nds, sum, price,
quantity, paymentType, productType; userInn and kktRegId padded with spaces; a Metro receipt
with productCodeData, prepaidSum, provisionSum, nds10, nds18).

Receipt (tag 3) fields read: fiscalDocumentNumber (1040), fiscalSign (1077), dateTime (1012:
the local time of the place of settlement, ISO text or, in ФНС exports, Unix seconds of that
local time), operationType (1054: 1 приход, 2 возврат прихода, 3 расход, 4 возврат расхода),
kktRegId (1037), fiscalDriveNumber (1041), shiftNumber (1038), requestNumber (1042), userInn
(1018), user (1048), operator (1021), retailPlace (1187), retailPlaceAddress (1009), totalSum
(1020), cashTotalSum (1031), ecashTotalSum (1081), prepaidSum (1215), creditSum (1216),
provisionSum (1217), VAT totals nds18/nds20 (1102), nds10 (1103), nds0 (1104), ndsNo (1105),
ndsCalculated18/ndsCalculated20 (1106), ndsCalculated10 (1107), fiscalDocumentFormatVer (1209).
Items (1059): name (1030), price (1079), quantity (1023), sum (1043), nds (1199), ndsSum
(1200), paymentType (1214), productType (1212), productCode (1162, ФФД 1.05), productCodeNew
(1163, ФФД 1.2) or the ФНС export's productCodeData (gtin, rawProductCode), propertiesItem
(1191: the article, where the cash register program writes it). Money is in kopecks.

Loyalty cards: the ФФД has no tag for them; cash register programs print the card as an
additional user requisite (1084 `properties`: propertyName 1085, propertyValue 1086, JSON names
from the same table). The card is the value of a property named one of LOYALTY_PROPERTY_NAMES.

Rules a receipt must satisfy, else the whole file is quarantined with the reason:
- totalSum = cashTotalSum + ecashTotalSum + prepaidSum + creditSum + provisionSum (ФФД: 1020 is
  the sum of the settlement forms);
- totalSum = the sum of the items' sums (discounts are already inside each item's sum).

VAT is kept as the receipt states it: the tag 1199 code and the ndsSum, never recomputed. The
rate a code means depends on the date (code 1: the general rate, 20% until 2025 and 22% from
2026; code 3 the matching 20/120 or 22/122), which staging resolves from the receipt's date.

Gift certificates: the sale of a certificate is an advance — the item carries paymentType 3
«АВАНС» (and productType 10 «ПЛАТЕЖ»); its redemption is the later sale receipt with
paymentType 4 «ПОЛНЫЙ РАСЧЕТ» paid, in whole or in part, by prepaidSum (1215, «предварительная
оплата (зачет аванса)»). The value table of tag 1214 (1 «ПРЕДОПЛАТА 100%», 2 «ПРЕДОПЛАТА»,
3 «АВАНС», 4 «ПОЛНЫЙ РАСЧЕТ», 5 «ЧАСТИЧНЫЙ РАСЧЕТ И КРЕДИТ», 6 «ПЕРЕДАЧА В КРЕДИТ», 7 «ОПЛАТА
КРЕДИТА») is that of the ФФД (Приказ ФНС ММВ-7-20/229@, table 28), quoted in
gingerbar.ru «Онлайн-кассы: что указывать в новом кассовом чеке»; the certificate treatment is
the ФНС's explanation as reported in garantexpress.ru «Чеки ККТ и подарочные сертификаты» (a
consultation on 54-ФЗ; the letter's number was not found in the searched corpora).
Re-checked for the certificate register: the value table of tag 1214 is the ФНС's own (Приказ
ФНС ЕД-7-20/236@, the ФФД formats, published at docs.cntd.ru/document/565778149: 3 «АВАНС»,
4 «ПОЛНЫЙ РАСЧЕТ» «в том числе с учетом аванса (предварительной оплаты)»), and the Минфин
letter of 08.02.2019 № 03-03-06/3/7605 (eg-online.ru/article/395174, citing ВС РФ 305-КГ14-1498)
treats the money received for a certificate as a prepayment; a ФНС letter number (ЕД-4-20/…)
on certificates was again not found in the docs/pages/code corpora, so none is cited.

Which certificate (our rule, the ФФД has no tag for it): a certificate SOLD is an item with
paymentType 3 whose name carries the number after «№» (or «N», «#»), else its propertiesItem
(1191); a certificate REDEEMED is named by the receipt's additional user requisite (1084) called
one of CERTIFICATE_PROPERTY_NAMES. A receipt may be paid by several certificates: each such
property names one (a number named twice counts once), in the order the receipt lists them, and
the receipt's prepaidSum (1215) is what they paid together (`CertificateRedemption`, table
raw_ofd.receipt_certificate_redemptions). How much each paid: the ФФД has a single prepaidSum per
receipt and no tag for a certificate's share, and no official or vendor format stating it was
found with the `search` tool (the one vendor manual found, Domino's «Оплата подарочной картой»,
docs.domino.ru, adds one non-fiscal line per certificate showing its nominal and lowers the sum
due by it: nothing the ОФД export carries). So the simplest rule, `split_prepaid`: prepaidSum is
split equally in kopecks, the first certificates taking one kopeck more when it does not divide;
one certificate takes it all, as before. `gift_certificate_number` on the receipt keeps the first.

Marked goods: the marking code is read from productCodeNew (1163: gs1m, gs10) or the ФНС
export's productCodeData.rawProductCode; `marking_code` keeps its identification code (КИ: AI 01
GTIN + AI 21 serial, up to the first GS separator, without the crypto tail), the form ГИС МТ
documents list codes in (`cis`), so the two can be compared.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from ingestion.gis.events import GisParseError, read_source, sha256_hex

OPERATION_TYPES: Final = {1: "sale", 2: "sale_return", 3: "expense", 4: "expense_return"}
PAYMENT_TYPES: Final = frozenset(range(1, 8))  # tag 1214
ADVANCE_PAYMENT_TYPE: Final = 3  # «АВАНС»: a gift certificate sold
VAT_CODES: Final = frozenset(range(1, 11))  # tag 1199, ФФД 1.2 (7-10: 5%, 7%, 5/105, 7/107)
# Hostile-input limits beyond the file size (MAX_FILE_BYTES): a receipt holds far fewer items.
MAX_RECEIPTS_PER_FILE: Final = 100_000
MAX_ITEMS_PER_RECEIPT: Final = 1_000
MAX_TEXT: Final = 512
LOYALTY_PROPERTY_NAMES: Final = frozenset(
    {"карта лояльности", "дисконтная карта", "бонусная карта", "карта"}
)
CERTIFICATE_PROPERTY_NAMES: Final = frozenset(
    {"подарочный сертификат", "сертификат", "номер сертификата", "подарочная карта"}
)
# «Подарочный сертификат №000123», «… N 000123», «… No. 7», «… #GC-1»: the number after the
# sign (a bare N only when a space follows, so «Nivea» is no number).
_CERTIFICATE_NUMBER: Final = re.compile(
    r"(?:№|#|\bNo\.?|\bN(?=\s))\s*([0-9A-Za-zА-Яа-я][0-9A-Za-zА-Яа-я/_-]*)"
)
_GROUP_SEPARATOR: Final = "\x1d"
# A КИ: AI 01 and 14 digits of GTIN, AI 21 and a serial (its length depends on the group).
_IDENTIFICATION_CODE: Final = re.compile(r"01\d{14}21[\x21-\x7e]{1,20}")


class ReceiptParseError(GisParseError):
    """A receipt file that cannot be trusted or understood; `reason` goes to quarantine."""


@dataclass(frozen=True, slots=True)
class Receipt:
    receipt_key: str  # fiscal drive number - fiscal document number: unique per receipt
    fiscal_drive_number: str
    fiscal_document_number: int
    fiscal_sign: str
    kkt_reg_id: str
    user_inn: str | None
    seller_name: str | None
    shift_number: int | None
    request_number: int | None
    operation_type: int
    operation: str
    receipt_at: dt.datetime  # local time of the place of settlement, as the receipt states
    cashier: str | None
    retail_place: str | None
    retail_place_address: str | None
    total_sum: int  # kopecks
    cash_total_sum: int
    ecash_total_sum: int
    prepaid_sum: int
    credit_sum: int
    provision_sum: int
    vat_general_sum: int  # 1102: the general rate (20% until 2025, 22% from 2026)
    vat_reduced_sum: int  # 1103: 10%
    vat_zero_sum: int  # 1104
    vat_none_sum: int  # 1105
    vat_general_calc_sum: int  # 1106
    vat_reduced_calc_sum: int  # 1107
    ffd_version: int | None
    loyalty_card: str | None  # from the additional user requisite (1084), when named a card
    gift_certificate_number: str | None  # the first certificate that paid (1084), see above
    item_count: int
    source_file: str
    source_position: int
    file_sha256: str
    # Every certificate that paid (1084), in receipt order; rows of its own table, not a column.
    certificate_numbers: tuple[str, ...] = field(default=(), metadata={"column": False})


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    receipt_key: str
    line_number: int
    name: str
    price: int  # kopecks
    quantity: float
    line_sum: int  # kopecks
    vat_code: int | None
    vat_sum: int | None
    payment_type: int | None
    product_type: int | None
    barcode: str | None  # GTIN / EAN from the product code
    product_code: str | None  # the code as the receipt carries it (marking code for marked goods)
    article: str | None  # propertiesItem (1191)
    marking_code: str | None  # КИ of a marked item (GTIN + serial, no crypto tail)
    gift_certificate_number: str | None  # the certificate a line sells (paymentType 3)
    file_sha256: str


@dataclass(frozen=True, slots=True)
class CertificateRedemption:
    """One gift certificate paying (part of) a receipt's prepaidSum, see the docstring."""

    receipt_key: str
    redemption_number: int  # 1.. in the order the receipt names the certificates
    certificate_number: str
    amount: int  # kopecks: the certificate's share of prepaidSum (`split_prepaid`)
    source_file: str  # the receipt's copy (staging keeps one copy per receipt_key)
    source_position: int
    file_sha256: str


def split_prepaid(prepaid_sum: int, certificates: int) -> list[int]:
    """prepaidSum split equally over the certificates, in kopecks; the first ones take one
    kopeck more when it does not divide (the ФФД states no share per certificate)."""
    share, left = divmod(prepaid_sum, certificates)
    return [share + (1 if number < left else 0) for number in range(certificates)]


def certificate_redemptions(receipts: list[Receipt]) -> list[CertificateRedemption]:
    return [
        CertificateRedemption(
            receipt.receipt_key,
            number,
            certificate,
            amount,
            receipt.source_file,
            receipt.source_position,
            receipt.file_sha256,
        )
        for receipt in receipts
        if receipt.certificate_numbers
        for number, (certificate, amount) in enumerate(
            zip(
                receipt.certificate_numbers,
                split_prepaid(receipt.prepaid_sum, len(receipt.certificate_numbers)),
                strict=True,
            ),
            start=1,
        )
    ]


def _arrow_type(kind: object) -> pa.DataType:
    text = str(kind)
    if "datetime" in text:
        return pa.timestamp("us")
    if "float" in text:
        return pa.float64()
    if "int" in text:
        return pa.int64()
    return pa.string()


def _schema(kind: type) -> pa.Schema:
    return pa.schema(
        [(f.name, _arrow_type(f.type)) for f in fields(kind) if f.metadata.get("column", True)]
    )


RECEIPT_SCHEMA: Final = _schema(Receipt)
LINE_SCHEMA: Final = _schema(ReceiptLine)
REDEMPTION_SCHEMA: Final = _schema(CertificateRedemption)


def to_arrow(rows: Sequence[Any], schema: pa.Schema) -> pa.Table:
    arrays = [pa.array([getattr(row, f.name) for row in rows], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _reject_constant(name: str) -> Any:
    raise ReceiptParseError(f"json: non-standard constant {name}")


def parse(
    path_or_bytes: Path | str | bytes, source_file: str
) -> tuple[list[Receipt], list[ReceiptLine]]:
    """Every receipt of one ОФД export file, with its lines, or ReceiptParseError."""
    try:
        data = read_source(path_or_bytes)
    except GisParseError as error:
        raise ReceiptParseError(error.reason) from None
    sha = sha256_hex(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReceiptParseError(
            f"json/encoding: not UTF-8 ({error.reason} at {error.start})"
        ) from None
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ReceiptParseError(
            f"json: truncated or invalid ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ReceiptParseError("json: nesting too deep") from None
    documents = payload if isinstance(payload, list) else [payload]
    if not documents:
        raise ReceiptParseError("schema: no receipt in the file")
    if len(documents) > MAX_RECEIPTS_PER_FILE:
        raise ReceiptParseError(f"limit: more than {MAX_RECEIPTS_PER_FILE} receipts")
    receipts: list[Receipt] = []
    lines: list[ReceiptLine] = []
    for position, document in enumerate(documents, start=1):
        receipt, receipt_lines = _receipt(_unwrap(document, position), position, source_file, sha)
        receipts.append(receipt)
        lines.extend(receipt_lines)
    return receipts, lines


def _unwrap(document: Any, position: int) -> dict[str, Any]:
    """The receipt object inside the wrappers ОФД and ФНС exports use."""
    for path in (("document", "receipt"), ("ticket", "document", "receipt"), ("data", "json")):
        node: Any = document
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node
    if isinstance(document, dict) and "fiscalDocumentNumber" in document:
        return document
    raise ReceiptParseError(f"schema: [{position}] is not a receipt (no fiscalDocumentNumber)")


def _int(node: dict[str, Any], key: str, where: str, *, required: bool = False) -> int | None:
    value = node.get(key)
    if value is None:
        if required:
            raise ReceiptParseError(f"schema: {where} lacks required field {key!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        raise ReceiptParseError(f"schema: {where}.{key} must be an integer, got {value!r}")
    if value < 0 or value > 10**15:
        raise ReceiptParseError(f"schema: {where}.{key} out of range: {value}")
    return value


def _money(node: dict[str, Any], key: str, where: str) -> int:
    return _int(node, key, where) or 0


def _text(node: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = node.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ReceiptParseError(f"schema: {where} lacks required field {key!r}")
        return None
    if not isinstance(value, str):
        raise ReceiptParseError(f"schema: {where}.{key} must be a string")
    if len(value) > MAX_TEXT:
        raise ReceiptParseError(f"limit: {where}.{key} longer than {MAX_TEXT} characters")
    return value.strip()


def _moment(value: Any, where: str) -> dt.datetime:
    if isinstance(value, int) and not isinstance(value, bool):
        # ФНС exports: seconds since the epoch of the local wall-clock time.
        if not 0 < value < 4_102_444_800:
            raise ReceiptParseError(f"schema: {where}.dateTime out of range: {value}")
        return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=value)
    if not isinstance(value, str) or not value.strip():
        raise ReceiptParseError(f"schema: {where} lacks required field 'dateTime'")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ReceiptParseError(f"schema: {where}.dateTime is not ISO 8601: {value!r}") from None
    return parsed.replace(tzinfo=None)  # the wall-clock time of the place of settlement


def _barcode(item: dict[str, Any], where: str) -> tuple[str | None, str | None]:
    """(GTIN/EAN, code as carried) from productCodeNew (1163), productCodeData or productCode."""
    new = item.get("productCodeNew")
    if isinstance(new, dict):
        for key in ("ean13", "ean8", "itf14", "gs1m", "gs10", "short", "fur", "egais20", "egais30"):
            code = new.get(key)
            if isinstance(code, dict):  # {"rawProductCode": ..., "productIdType": ...}
                code = code.get("rawProductCode") or code.get("productCode")
            if isinstance(code, str) and code:
                code = code[:MAX_TEXT]
                if key in ("ean13", "ean8", "itf14"):
                    return code, code
                if key in ("gs1m", "gs10", "short") and code.startswith("01") and len(code) >= 16:
                    return code[2:16].lstrip("0") or None, code  # GTIN inside the marking code
                return None, code
    data = item.get("productCodeData")
    if isinstance(data, dict):
        gtin = data.get("gtin")
        raw = data.get("rawProductCode")
        return (str(gtin) if gtin is not None else None), (str(raw)[:MAX_TEXT] if raw else None)
    code = _text(item, "productCode", where)
    return None, code


def _receipt(
    node: dict[str, Any], position: int, source_file: str, sha: str
) -> tuple[Receipt, list[ReceiptLine]]:
    where = f"[{position}]"
    number = _int(node, "fiscalDocumentNumber", where, required=True)
    drive = _text(node, "fiscalDriveNumber", where, required=True)
    kkt = _text(node, "kktRegId", where, required=True)
    assert number is not None and drive is not None and kkt is not None
    operation_type = _int(node, "operationType", where, required=True)
    if operation_type not in OPERATION_TYPES:
        raise ReceiptParseError(f"schema: {where}.operationType unknown: {operation_type!r}")
    items = node.get("items")
    if not isinstance(items, list) or not items:
        raise ReceiptParseError(f"schema: {where}.items must be a non-empty array")
    if len(items) > MAX_ITEMS_PER_RECEIPT:
        raise ReceiptParseError(f"limit: {where} has more than {MAX_ITEMS_PER_RECEIPT} items")
    key = f"{drive}-{number}"
    lines = [_line(item, key, i, f"{where}.items[{i}]", sha) for i, item in enumerate(items, 1)]
    total = _money(node, "totalSum", where)
    forms = {
        name: _money(node, name, where)
        for name in ("cashTotalSum", "ecashTotalSum", "prepaidSum", "creditSum", "provisionSum")
    }
    if sum(forms.values()) != total:
        raise ReceiptParseError(
            f"totals: {where} totalSum {total} != the settlement forms' sum {sum(forms.values())}"
        )
    items_total = sum(line.line_sum for line in lines)
    if items_total != total:
        raise ReceiptParseError(f"totals: {where} totalSum {total} != items' sum {items_total}")
    loyalty_card, certificates = _properties(node.get("properties"), where)
    sign = node.get("fiscalSign")
    if sign is None or isinstance(sign, bool) or not isinstance(sign, (int, str)):
        raise ReceiptParseError(f"schema: {where} lacks required field 'fiscalSign'")
    return (
        Receipt(
            receipt_key=key,
            fiscal_drive_number=drive,
            fiscal_document_number=number,
            fiscal_sign=str(sign).strip()[:32],
            kkt_reg_id=kkt,
            user_inn=_text(node, "userInn", where),
            seller_name=_text(node, "user", where),
            shift_number=_int(node, "shiftNumber", where),
            request_number=_int(node, "requestNumber", where),
            operation_type=operation_type,
            operation=OPERATION_TYPES[operation_type],
            receipt_at=_moment(node.get("dateTime"), where),
            cashier=_text(node, "operator", where),
            retail_place=_text(node, "retailPlace", where),
            retail_place_address=_text(node, "retailPlaceAddress", where),
            total_sum=total,
            cash_total_sum=forms["cashTotalSum"],
            ecash_total_sum=forms["ecashTotalSum"],
            prepaid_sum=forms["prepaidSum"],
            credit_sum=forms["creditSum"],
            provision_sum=forms["provisionSum"],
            vat_general_sum=_money(node, "nds20", where) or _money(node, "nds18", where),
            vat_reduced_sum=_money(node, "nds10", where),
            vat_zero_sum=_money(node, "nds0", where),
            vat_none_sum=_money(node, "ndsNo", where),
            vat_general_calc_sum=_money(node, "ndsCalculated20", where)
            or _money(node, "ndsCalculated18", where),
            vat_reduced_calc_sum=_money(node, "ndsCalculated10", where),
            ffd_version=_int(node, "fiscalDocumentFormatVer", where),
            loyalty_card=loyalty_card,
            gift_certificate_number=certificates[0] if certificates else None,
            item_count=len(lines),
            source_file=source_file,
            source_position=position,
            file_sha256=sha,
            certificate_numbers=certificates,
        ),
        lines,
    )


def _properties(properties: Any, where: str) -> tuple[str | None, tuple[str, ...]]:
    """From the additional user requisites (1084): the value of the first named a loyalty card
    (LOYALTY_PROPERTY_NAMES), and the distinct values of those named a certificate
    (CERTIFICATE_PROPERTY_NAMES), in order. Every name is checked (all are read to find the
    certificates), a value only when it is read."""
    if properties is None:
        return None, ()
    entries = properties if isinstance(properties, list) else [properties]
    card: str | None = None
    has_card = False
    certificates: dict[str, None] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise ReceiptParseError(f"schema: {where}.properties must hold objects")
        name = _text(entry, "propertyName", f"{where}.properties")
        if name is None:
            continue
        is_card = name.lower() in LOYALTY_PROPERTY_NAMES and not has_card
        is_certificate = name.lower() in CERTIFICATE_PROPERTY_NAMES
        if not (is_card or is_certificate):
            continue
        value = _text(entry, "propertyValue", f"{where}.properties")
        if is_card:
            card, has_card = value, True
        if is_certificate and value is not None:
            certificates.setdefault(value)
    return card, tuple(certificates)


def identification_code(code: str | None) -> str | None:
    """The КИ of a marking code as read from the receipt: FNC1 / symbology prefixes dropped,
    cut at the first GS separator (the crypto tail follows it); None if it is not a GS1 КИ."""
    if not code:
        return None
    text = code.removeprefix("]C1").removeprefix("]d2").lstrip(_GROUP_SEPARATOR + "\xe8")
    match = _IDENTIFICATION_CODE.match(text.split(_GROUP_SEPARATOR, 1)[0])
    return match.group(0) if match else None


def _certificate_number(name: str, article: str | None) -> str | None:
    match = _CERTIFICATE_NUMBER.search(name)
    if match:
        return match.group(1)[:40]
    return article[:40] if article else None


def _line(item: Any, key: str, number: int, where: str, sha: str) -> ReceiptLine:
    if not isinstance(item, dict):
        raise ReceiptParseError(f"schema: {where} must be an object")
    name = _text(item, "name", where, required=True)
    assert name is not None
    quantity = item.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or quantity <= 0:
        raise ReceiptParseError(f"schema: {where}.quantity must be a positive number")
    vat_code = _int(item, "nds", where)
    if vat_code is not None and vat_code not in VAT_CODES:
        raise ReceiptParseError(f"schema: {where}.nds unknown VAT code {vat_code}")
    payment_type = _int(item, "paymentType", where)
    if payment_type is not None and payment_type not in PAYMENT_TYPES:
        raise ReceiptParseError(f"schema: {where}.paymentType unknown: {payment_type}")
    barcode, code = _barcode(item, where)
    article = _text(item, "propertiesItem", where)
    return ReceiptLine(
        receipt_key=key,
        line_number=number,
        name=name,
        price=_money(item, "price", where),
        quantity=float(quantity),
        line_sum=_money(item, "sum", where),
        vat_code=vat_code,
        vat_sum=_int(item, "ndsSum", where),
        payment_type=payment_type,
        product_type=_int(item, "productType", where),
        barcode=barcode,
        product_code=code,
        article=article,
        marking_code=identification_code(code),
        gift_certificate_number=(
            _certificate_number(name, article) if payment_type == ADVANCE_PAYMENT_TYPE else None
        ),
        file_sha256=sha,
    )
