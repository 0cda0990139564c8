"""The columnar fast path of the ОФД receipt parser (issue #21): a batch of files parsed at once
in DuckDB (json_transform, its statically linked JSON reader yyjson), every rule of
ingestion/ofd/receipts.py checked as a vectorized SQL expression.

The Python parser (`receipts.parse`) stays the reference. This path only ACCEPTS a file when it
is sure to give the rows `parse` gives; any file it is not sure of (a failing rule, an unusual
but legal form such as a number written as a string or a dateTime with an offset, a JSON quirk
its reader tolerates and Python's does not) is handed back as `deferred`, and the caller parses
it with `parse`, which either loads it or gives the quarantine reason. So quarantine decisions
and reasons are the Python parser's by construction, and tests/ingestion/ofd/test_columnar.py
holds the accepted files' rows equal to `parse`'s, on seeded files and on hostile ones.

How the values are read exactly (a typed read, checked by one scan of the text): the integer
fields are read as BIGINT and the text fields (and fiscalSign) as VARCHAR, straight from the
JSON, and a file whose text matches UNSURE_JSON goes to `parse`. That scan is what makes the
typed values exact: it finds every value of one of those keys (wherever the key is) that is not
null or a plain integer of at most 15 digits (an integer key: so BIGINT is the exact value and
in range, while a string, float, boolean or container, which DuckDB would cast or drop, is
deferred) or is a boolean, container or non-integer number (a text key: so VARCHAR is the
string's value or the integer's decimal, what `receipts._text` makes of it), and any key spelt
with a \\u escape (which could spell one of ours unseen). Where the kind decides the value the
field is read as its JSON text instead (DuckDB type JSON, read as VARCHAR), its kind known from
its first character: dateTime (Unix seconds or ISO text), quantity (a number, never a string),
the properties and the product codes. A string's value there is the text between the quotes, or
json_extract_string when it holds escapes; a JSON integer is taken only when its text is the
canonical decimal of a BIGINT (casting back gives the same text).
Python's str.strip() is trim() over the characters str.isspace() accepts (PYTHON_WHITESPACE).
Document shapes (`receipts._unwrap`): a batch is read in the shape of SHAPES[0] (the ФНС
export's document.receipt); files with documents of another shape are read again in the next
shape, and a file mixing shapes goes to `parse`. The certificate a sold line names is computed
by the Python rule (`_certificate_number`, a Unicode-aware regular expression) on those few
lines; the marking code (`identification_code`) in SQL, a code with non-ASCII characters near
its start (where Python's \\d would take any Unicode digit) going to `parse`.

Where DuckDB's JSON reader and Python's `json` differ, and what is done:
- yyjson accepts trailing commas and NaN / Infinity literals, which `parse` refuses: a file whose
  text matches LENIENT_JSON (part of UNSURE_JSON; even inside a string) goes to `parse`;
- malformed JSON or invalid UTF-8 makes DuckDB refuse the whole batch: the batch is split in
  halves until the bad files are alone, and those go to `parse`;
- a struct read of a non-object gives a struct of NULLs: it fails a required field here, so such
  a document goes to `parse` too;
- NOT handled: an object with the same key twice. Python keeps the last value, yyjson the first
  (RFC 8259 leaves it to the parser: names SHOULD be unique). json_transform has no error for
  it (read_json has, but reads the files again, slower than json_transform on the text), and
  detecting it (json_keys of every receipt and item: a second parse) costs about a sixth of
  this path; no ОФД export writes duplicate keys, and a hostile file using them gets the first
  value's rows instead of the last's (or, when the values break a rule, the Python parser's
  verdict).

Both cores: `parse_files` runs one single-threaded DuckDB connection per core on its share of
the batch in threads (DuckDB releases the GIL); a batch is too few rows for DuckDB to split.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.ofd.receipts import (
    ADVANCE_PAYMENT_TYPE,
    CERTIFICATE_PROPERTY_NAMES,
    LINE_SCHEMA,
    LOYALTY_PROPERTY_NAMES,
    MAX_ITEMS_PER_RECEIPT,
    MAX_RECEIPTS_PER_FILE,
    MAX_TEXT,
    OPERATION_TYPES,
    PAYMENT_TYPES,
    RECEIPT_SCHEMA,
    REDEMPTION_SCHEMA,
    VAT_CODES,
    _certificate_number,
)

PYTHON_WHITESPACE: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# Tolerated by yyjson, refused by Python's json: a trailing comma, NaN / Infinity literals (in
# any case). Matches inside strings too (a product called «Inform») only send the file to the
# Python parser. RE2 (DuckDB's regexp_matches) runs it on both cores.
LENIENT_JSON: Final = r",\s*[\]}]|[,:\[]\s*[-+]?([nN][aA]|[iI][nN])"
_BOM: Final = b"\xef\xbb\xbf"
MAX_INT: Final = 10**15
MAX_DATE_SECONDS: Final = 4_102_444_800

INT_FIELDS: Final = (
    "fiscalDocumentNumber",
    "operationType",
    "shiftNumber",
    "requestNumber",
    "fiscalDocumentFormatVer",
    "totalSum",
    "cashTotalSum",
    "ecashTotalSum",
    "prepaidSum",
    "creditSum",
    "provisionSum",
    "nds20",
    "nds18",
    "nds10",
    "nds0",
    "ndsNo",
    "ndsCalculated20",
    "ndsCalculated18",
    "ndsCalculated10",
)
TEXT_FIELDS: Final = (
    "fiscalDriveNumber",
    "kktRegId",
    "userInn",
    "user",
    "operator",
    "retailPlace",
    "retailPlaceAddress",
)
ITEM_INT_FIELDS: Final = ("price", "sum", "nds", "ndsSum", "paymentType", "productType")
ITEM_TEXT_FIELDS: Final = ("name", "productCode", "propertiesItem")
PRODUCT_CODE_KEYS: Final = (
    "ean13",
    "ean8",
    "itf14",
    "gs1m",
    "gs10",
    "short",
    "fur",
    "egais20",
    "egais30",
)
# Typed where UNSURE_JSON has vouched for the kind of every value of the key (integers read as
# BIGINT, texts as VARCHAR); JSON text where the kind decides the value (dateTime: Unix seconds
# or ISO text; quantity: a number, never a string) or the form varies (properties, codes).
_ITEM: Final = {
    **dict.fromkeys(ITEM_INT_FIELDS, "BIGINT"),
    **dict.fromkeys(ITEM_TEXT_FIELDS, "VARCHAR"),
    **dict.fromkeys(("quantity", "productCodeData"), "JSON"),
    "productCodeNew": dict.fromkeys(PRODUCT_CODE_KEYS, "JSON"),
}
_RECEIPT: Final = {
    **dict.fromkeys(INT_FIELDS, "BIGINT"),
    **dict.fromkeys(TEXT_FIELDS + ("fiscalSign",), "VARCHAR"),
    **dict.fromkeys(("dateTime", "properties"), "JSON"),
    "items": [_ITEM],
}
# A file whose text matches is left to `parse`: LENIENT_JSON; a key written with a \u escape
# (it could spell one of ours and escape the patterns below); a value of an integer key that is
# not null or a plain integer of at most 15 digits (so its BIGINT read is the exact value, in
# range); a value of a text key that is a boolean, object, array or non-integer number (so its
# VARCHAR read is the string's value or the integer's decimal, as `receipts._text` makes it).
# Keys are matched wherever they are: one in another object only sends the file to `parse`.
UNSURE_JSON: Final = (
    LENIENT_JSON
    + r'|\\u[0-9a-fA-F]{4}[^"]*"\s*:'
    + r'|"(?:'
    + "|".join(INT_FIELDS + ITEM_INT_FIELDS)
    + r')"\s*:\s*'
    + r"(?:[^0-9n\s]|[0-9]{16}|[0-9]+[.eE])"
    + r'|"(?:'
    + "|".join(TEXT_FIELDS + ITEM_TEXT_FIELDS + ("fiscalSign",))
    + r')"\s*:\s*'
    + r"(?:[tf{\[]|-?[0-9]+[.eE])"
)
# The document shapes `receipts._unwrap` looks through, in its order: the path to the receipt
# object (the bare receipt last). A file is read in the first shape all its documents have.
SHAPES: Final = (("document", "receipt"), ("ticket", "document", "receipt"), ("data", "json"), ())


def _shape_structure(shape: tuple[str, ...]) -> dict[str, object]:
    """One document of `shape`: the receipt at its path; the first keys of the shapes before
    it read as JSON, so a document `_unwrap` might read otherwise is seen (and deferred)."""
    node: dict[str, object] = dict(_RECEIPT)
    for key in reversed(shape):
        node = {key: node}
    for earlier in SHAPES[: SHAPES.index(shape)]:
        node[earlier[0]] = "JSON"
    return node


@dataclass(frozen=True)
class ColumnarBatch:
    """Rows of the accepted files (schemas of receipts.py) and the files left to `parse`."""

    receipts: pa.Table
    lines: pa.Table
    redemptions: pa.Table
    deferred: list[int]  # indices into the batch's files


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_int(text: str) -> str:
    """The JSON text is an integer (canonical: casting back gives the same text)."""
    return f"(cast(try_cast({text} as bigint) as varchar) = {text})"


def _string(text: str) -> str:
    """The value of a JSON string (text with its quotes), None for any other kind."""
    return (
        f"(case when starts_with({text}, '\"') then (case when contains({text}, '\\') "
        f"then json_extract_string({text}, '$') else substr({text}, 2, length({text}) - 2) end) "
        "end)"
    )


def _text_raw(text: str) -> str:
    """receipts._text before stripping: a string's value or an integer's decimal."""
    return (
        f"(case when starts_with({text}, '\"') then {_string(text)} "
        f"when {_is_int(text)} then {text} end)"
    )


def _json_text_checks(raw: str, text: str) -> str:
    """A text field read as JSON text is absent, a string or an integer, at most MAX_TEXT
    characters."""
    return f"({text} is null or ({raw} is not null and length({raw}) <= {MAX_TEXT}))"


def _text_checks(raw: str) -> str:
    """A text field read as VARCHAR (its kind vouched for by UNSURE_JSON) is at most MAX_TEXT
    characters."""
    return f"({raw} is null or length({raw}) <= {MAX_TEXT})"


def _python_strip(raw: str) -> str:
    """Python's str.strip(): trim() of the spaces, and of every str.isspace() character only
    when one is at an end (s[1] and s[-1] are code points; trim over the whole set is slow)."""
    spaces = f"trim({raw})"
    odd = f"(contains(py_odd_space(), {spaces}[1]) or contains(py_odd_space(), {spaces}[-1]))"
    return f"(case when {odd} then trim({raw}, py_whitespace()) else {spaces} end)"


def _stripped(raw: str) -> str:
    """receipts._text's value: stripped, None when nothing is left."""
    return f"nullif({_python_strip(raw)}, '')"


def _listed(codes: frozenset[int]) -> str:
    return ", ".join(str(code) for code in sorted(codes))


def _in(value: str, names: frozenset[str]) -> str:
    listed = ", ".join("'" + name.replace("'", "''") + "'" for name in sorted(names))
    return f"({value} in ({listed}))"


def _setup(con: duckdb.DuckDBPyConnection) -> None:
    chars = " || ".join(f"chr({ord(c)})" for c in PYTHON_WHITESPACE)
    con.execute(f"create or replace temp macro py_whitespace() as ({chars})")
    odd = " || ".join(f"chr({ord(c)})" for c in PYTHON_WHITESPACE if c != " ")
    con.execute(f"create or replace temp macro py_odd_space() as ({odd})")


def _documents_sql(shape: tuple[str, ...]) -> str:
    """One row per document: the receipt's scalar fields (typed, see _RECEIPT), its items, and
    whether the document is of `shape` (else the file is tried in the next shape)."""
    structure = json.dumps([_shape_structure(shape)]).replace("'", "''")
    receipt = "document" + "".join(f".{_q(key)}" for key in shape)
    earlier = [f"document.{_q(other[0])} is null" for other in SHAPES[: SHAPES.index(shape)]]
    present = f'{receipt}."fiscalDocumentNumber"' if not shape else receipt
    in_shape = " and ".join([*earlier, f"{present} is not null"])
    # Integers as read (BIGINT), texts as VARCHAR, JSON texts as VARCHAR (read from the text).
    columns = ", ".join(
        [f'{receipt}.{_q(f)} as "v_{f}"' for f in INT_FIELDS]
        + [f'{receipt}.{_q(f)} as "r_{f}"' for f in (*TEXT_FIELDS, "fiscalSign")]
        + [f'{receipt}.{_q(f)}::varchar as "t_{f}"' for f in ("dateTime", "properties")]
    )
    return f"""
    create or replace temp table ofd_receipt_texts as
    select file_id, position, document_count, coalesce({in_shape}, false) as in_shape,
        {columns}, {receipt}."items" as items
    from (
        select file_id, unnest(documents) as document,
            generate_subscripts(documents, 1) as position, len(documents) as document_count
        from (
            select file_id, json_transform(text, '{structure}') as documents from ofd_files
        )
    )
    """


def _receipts_sql() -> str:
    checks = [_text_checks(f'"r_{f}"') for f in TEXT_FIELDS]
    money = {f: f'coalesce("v_{f}", 0)' for f in INT_FIELDS}
    forms = " + ".join(
        money[f] for f in ("cashTotalSum", "ecashTotalSum", "prepaidSum", "creditSum")
    )
    forms += " + " + money["provisionSum"]
    date_string = "date_text"
    date_pattern = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"
    operations = " ".join(f"when {code} then '{name}'" for code, name in OPERATION_TYPES.items())
    return f"""
    create or replace temp table ofd_receipt_values as
    with texts as (
        select *, len(items) as item_count,
            {_python_strip(_string('"t_dateTime"'))} as date_text,
            {", ".join(f'{_stripped(_q("r_" + f))} as "s_{f}"' for f in TEXT_FIELDS)}
        from ofd_receipt_texts where in_shape
    ),
    typed as (
        select *,
            case
                when {_is_int('"t_dateTime"')} then
                    case when try_cast("t_dateTime" as bigint) > 0
                        and try_cast("t_dateTime" as bigint) < {MAX_DATE_SECONDS}
                    then make_timestamp(try_cast("t_dateTime" as bigint) * 1000000) end
                when regexp_full_match({date_string}, '{date_pattern}')
                    then try_cast({date_string} as timestamp)
            end as receipt_at,
            left({_python_strip('"r_fiscalSign"')}, 32) as fiscal_sign
        from texts
    )
    select
        file_id,
        position,
        {" and ".join(checks)}
            and "v_fiscalDocumentNumber" is not null
            and "s_fiscalDriveNumber" is not null
            and "s_kktRegId" is not null
            and "v_operationType" between 1 and {max(OPERATION_TYPES)}
            and item_count between 1 and {MAX_ITEMS_PER_RECEIPT}
            and document_count between 1 and {MAX_RECEIPTS_PER_FILE}
            and {money["totalSum"]} = {forms}
            and receipt_at is not null
            and fiscal_sign is not null
            and ("t_properties" is null or starts_with("t_properties", '{{')
                or starts_with("t_properties", '['))
            as ok,
        "s_fiscalDriveNumber" || '-' || "v_fiscalDocumentNumber" as receipt_key,
        "s_fiscalDriveNumber" as fiscal_drive_number,
        "v_fiscalDocumentNumber" as fiscal_document_number,
        fiscal_sign,
        "s_kktRegId" as kkt_reg_id,
        "s_userInn" as user_inn,
        "s_user" as seller_name,
        "v_shiftNumber" as shift_number,
        "v_requestNumber" as request_number,
        "v_operationType" as operation_type,
        case "v_operationType" {operations} end as operation,
        receipt_at,
        "s_operator" as cashier,
        "s_retailPlace" as retail_place,
        "s_retailPlaceAddress" as retail_place_address,
        {money["totalSum"]} as total_sum,
        {money["cashTotalSum"]} as cash_total_sum,
        {money["ecashTotalSum"]} as ecash_total_sum,
        {money["prepaidSum"]} as prepaid_sum,
        {money["creditSum"]} as credit_sum,
        {money["provisionSum"]} as provision_sum,
        case when {money["nds20"]} <> 0 then {money["nds20"]} else {money["nds18"]} end
            as vat_general_sum,
        {money["nds10"]} as vat_reduced_sum,
        {money["nds0"]} as vat_zero_sum,
        {money["ndsNo"]} as vat_none_sum,
        case when {money["ndsCalculated20"]} <> 0 then {money["ndsCalculated20"]}
            else {money["ndsCalculated18"]} end as vat_general_calc_sum,
        {money["ndsCalculated10"]} as vat_reduced_calc_sum,
        "v_fiscalDocumentFormatVer" as ffd_version,
        item_count,
        "t_properties" as properties
    from typed
    """


def _lines_sql() -> str:
    item_texts = [f'item.{_q(f)} as "v_{f}"' for f in ITEM_INT_FIELDS]
    item_texts += [f'item.{_q(f)} as "r_{f}"' for f in ITEM_TEXT_FIELDS]
    item_texts += [
        'item."quantity"::varchar as "t_quantity"',
        'item."productCodeData"::varchar as "t_productCodeData"',
    ]
    item_texts += [
        f'item."productCodeNew".{_q(k)}::varchar as "pcn_{k}"' for k in PRODUCT_CODE_KEYS
    ]
    # productCodeNew: the key that holds a code (several keys: the file goes to `parse`,
    # which tries them in PRODUCT_CODE_KEYS order). A string is the code; an object gives
    # rawProductCode, else productCode (`or`: an empty rawProductCode falls through); any
    # other kind goes to `parse`. An empty code falls through to productCodeData, as there.
    sub = json.dumps({"rawProductCode": "JSON", "productCode": "JSON"})
    key_count = " + ".join(f'("pcn_{k}" is not null)::integer' for k in PRODUCT_CODE_KEYS)
    key_name = (
        "case "
        + " ".join(f"when \"pcn_{k}\" is not null then '{k}'" for k in PRODUCT_CODE_KEYS)
        + " end"
    )
    key_text = "coalesce(" + ", ".join(f'"pcn_{k}"' for k in PRODUCT_CODE_KEYS) + ")"
    raw_text, alt_text = '"pcs"."rawProductCode"::varchar', '"pcs"."productCode"::varchar'
    raw, alt = _string(raw_text), _string(alt_text)
    subparsed = [
        f"{key_count} as pcn_keys",
        f"{key_name} as pcn_key",
        f"{key_text} as pcn_text",
    ]
    code_values = [
        f"case when starts_with(pcn_text, '{{') then json_transform(pcn_text, '{sub}') end as pcs"
    ]
    code = (
        f"case when starts_with(pcn_text, '{{') "
        f"then nullif(coalesce(nullif({raw}, ''), {alt}), '') "
        f"else nullif({_string('pcn_text')}, '') end"
    )
    code_checks = [
        "pcn_keys <= 1",
        f"(pcn_text is null or starts_with(pcn_text, '\"') or (starts_with(pcn_text, '{{') "
        f"and ({raw_text} is null or starts_with({raw_text}, '\"')) "
        f"and ({alt_text} is null or starts_with({alt_text}, '\"'))))",
    ]
    first_key = "pcn_key"
    first_code = code
    data = json.dumps({"gtin": "JSON", "rawProductCode": "JSON"})
    pcd = '"t_productCodeData"'
    pcd_parsed = f"json_transform({pcd}, '{data}')"
    gtin, pcd_raw = '"pcd_gtin"', '"pcd_raw"'
    text_checks = [_text_checks(f'"r_{f}"') for f in ITEM_TEXT_FIELDS]
    # The JSON text of a number casts to a double; that of a string ('"'), a boolean or a
    # container does not (NaN and Infinity literals are UNSURE_JSON's).
    quantity_ok = (
        'isfinite(try_cast("t_quantity" as double)) and try_cast("t_quantity" as double) > 0'
    )
    return f"""
    create or replace temp table ofd_line_values as
    with items as (
        select file_id, position, unnest(items) as item,
            generate_subscripts(items, 1) as line_number,
            -- as _receipts_sql makes it (a receipt's lines need no join to it)
            {_stripped('"r_fiscalDriveNumber"')} || '-' || "v_fiscalDocumentNumber"
                as receipt_key
        from ofd_receipt_texts
        where in_shape and len(items) between 1 and {MAX_ITEMS_PER_RECEIPT}
    ),
    texts as (
        select file_id, position, line_number, receipt_key, item is null as missing,
            {", ".join(item_texts)}
        from items
    ),
    subparsed as (
        select *, {", ".join(subparsed)},
            case when starts_with({pcd}, '{{') then {pcd_parsed} end as pcd_parsed
        from texts
    ),
    typed as (
        select *, {", ".join(code_values)},
            pcd_parsed."gtin"::varchar as pcd_gtin,
            pcd_parsed."rawProductCode"::varchar as pcd_raw
        from subparsed
    ),
    coded as (
        select *,
            {first_key} as code_key,
            left({first_code}, {MAX_TEXT}) as new_code,
            {" and ".join(code_checks)} as new_ok
        from typed
    ),
    barcoded as (
        select *,
            case
                when new_code is not null then
                    case
                        when code_key in ('ean13', 'ean8', 'itf14') then new_code
                        when code_key in ('gs1m', 'gs10', 'short')
                            and starts_with(new_code, '01') and length(new_code) >= 16
                            then nullif(ltrim(substr(new_code, 3, 14), '0'), '')
                    end
                when starts_with({pcd}, '{{') then
                    case when {_is_int(gtin)} then {gtin} else {_string(gtin)} end
            end as barcode,
            case
                when new_code is not null then new_code
                when starts_with({pcd}, '{{') then
                    left(nullif({_string(pcd_raw)}, ''), {MAX_TEXT})
                else {_stripped('"r_productCode"')}
            end as product_code,
            ({pcd} is null or (starts_with({pcd}, '{{')
                and ({gtin} is null or starts_with({gtin}, '"') or {_is_int(gtin)})
                and ({pcd_raw} is null or starts_with({pcd_raw}, '"')))) as data_ok
        from coded
    ),
    unprefixed as (
        select *,
            case when starts_with(product_code, ']C1') then substr(product_code, 4)
                else product_code end as code_c1
        from barcoded
    ),
    marked as (
        select *,
            -- Only a code starting 01 (after the prefixes) can be a КИ.
            starts_with(code_body, '01') as gs1_start
        from (
            select *,
                ltrim(
                    case when starts_with(code_c1, ']d2') then substr(code_c1, 4)
                        else code_c1 end,
                    chr(29) || chr(232)
                ) as code_body
            from unprefixed
        )
    )
    select
        file_id,
        position,
        line_number,
        receipt_key,
        not missing
            and {" and ".join(text_checks)}
            and {_stripped('"r_name"')} is not null
            and {quantity_ok}
            and ("v_nds" is null or "v_nds" in ({_listed(VAT_CODES)}))
            and ("v_paymentType" is null or "v_paymentType" in ({_listed(PAYMENT_TYPES)}))
            and new_ok and data_ok
            -- Python's \\d matches any Unicode digit: a code with non-ASCII near its start
            -- goes to the Python parser.
            and (not coalesce(gs1_start, false) or not regexp_matches(
                left(split_part(code_body, chr(29), 1), 18), '[^\\x01-\\x7f]'))
            as ok,
        {_stripped('"r_name"')} as name,
        coalesce("v_price", 0) as price,
        try_cast("t_quantity" as double) as quantity,
        coalesce("v_sum", 0) as line_sum,
        "v_nds" as vat_code,
        "v_ndsSum" as vat_sum,
        "v_paymentType" as payment_type,
        "v_productType" as product_type,
        barcode,
        product_code,
        {_stripped('"r_propertiesItem"')} as article,
        case when gs1_start then nullif(regexp_extract(split_part(code_body, chr(29), 1),
            '^01[0-9]{{14}}21[!-~]{{1,20}}', 0), '') end as marking_code
    from marked
    """


def _properties_sql() -> str:
    pair = json.dumps({"propertyName": "JSON", "propertyValue": "JSON"})
    name_raw = _text_raw("name_text")
    value_raw = _text_raw("value_text")
    return f"""
    create or replace temp table ofd_properties as
    with listed as (
        select file_id, position,
            json_transform(
                case when starts_with(properties, '{{') then '[' || properties || ']'
                else properties end,
                '["JSON"]'
            ) as entries
        from ofd_receipt_values
        where properties is not null
    ),
    entries as (
        select file_id, position, unnest(entries)::varchar as entry,
            generate_subscripts(entries, 1) as entry_number
        from listed
    ),
    pairs as (
        select file_id, position, entry_number, entry,
            json_transform(entry, '{pair}') as pair
        from entries
    ),
    pair_texts as (
        select *, pair."propertyName"::varchar as name_text,
            pair."propertyValue"::varchar as value_text
        from pairs
    ),
    texts as (
        select file_id, position, entry_number,
            coalesce(starts_with(entry, '{{'), false)
                and {_json_text_checks(name_raw, "name_text")}
                and {_json_text_checks(value_raw, "value_text")} as ok,
            lower({_stripped(name_raw)}) as property_name,
            {_stripped(value_raw)} as property_value
        from pair_texts
    )
    select file_id, position, entry_number, ok, property_value,
        coalesce({_in("property_name", LOYALTY_PROPERTY_NAMES)}, false) as is_card,
        coalesce({_in("property_name", CERTIFICATE_PROPERTY_NAMES)}, false) as is_certificate
    from texts
    """


class _BatchFailed(Exception):
    """DuckDB refused the batch (malformed JSON, invalid UTF-8): split it."""


_BAD_FILES: Final = """
    create or replace temp table ofd_bad_files as
    select file_id from ofd_file_names anti join ofd_receipt_texts using (file_id)
    union select file_id from ofd_files where regexp_matches(text, $unsure)
    union select file_id from ofd_receipt_values where not coalesce(ok, false)
    union select file_id from ofd_line_values where not coalesce(ok, false)
    union select file_id from ofd_properties where not coalesce(ok, false)
    union
    select receipts.file_id
    from ofd_receipt_values as receipts
    left join (
        select file_id, position, sum(line_sum) as items_sum
        from ofd_line_values group by all
    ) as lines using (file_id, position)
    where receipts.total_sum is distinct from lines.items_sum;
    create or replace temp table ofd_off_shape as
    select distinct file_id from ofd_receipt_texts where not in_shape;
    create or replace temp table ofd_excluded as
    select file_id from ofd_bad_files union select file_id from ofd_off_shape;
"""
_CERTIFICATES: Final = """
    create or replace temp table ofd_receipt_properties as
    select file_id, position,
        (list(property_value order by entry_number) filter (where is_card))[1] as loyalty_card,
        list(property_value order by entry_number) filter (where is_certificate and first_seen)
            as certificate_numbers
    from (
        select *, row_number() over (
            partition by file_id, position, is_certificate, property_value
            order by entry_number
        ) = 1 and property_value is not null as first_seen
        from ofd_properties
        where file_id not in (select file_id from ofd_excluded)
    )
    group by all
"""


def _receipt_rows_sql() -> str:
    names = {
        "source_file": "files.source_file",
        "source_position": "receipts.position",
        "file_sha256": "files.file_sha256",
        "loyalty_card": "properties.loyalty_card",
        "gift_certificate_number": "properties.certificate_numbers[1]",
    }
    columns = ", ".join(
        f"{names.get(f.name, 'receipts.' + f.name)} as {f.name}" for f in RECEIPT_SCHEMA
    )
    return f"""
    select {columns}, properties.certificate_numbers
    from ofd_receipt_values as receipts
    inner join ofd_file_names as files using (file_id)
    left join ofd_receipt_properties as properties using (file_id, position)
    where receipts.file_id not in (select file_id from ofd_excluded)
    order by receipts.file_id, receipts.position
    """


def _line_rows_sql() -> str:
    names = {
        "file_sha256": "files.file_sha256",
        "gift_certificate_number": "cast(null as varchar)",
    }
    columns = ", ".join(f"{names.get(f.name, 'lines.' + f.name)} as {f.name}" for f in LINE_SCHEMA)
    return f"""
    select {columns}
    from ofd_line_values as lines
    inner join ofd_file_names as files using (file_id)
    where lines.file_id not in (select file_id from ofd_excluded)
    order by lines.file_id, lines.position, lines.line_number
    """


_REDEMPTIONS: Final = """
    with listed as (
        select receipt_key, prepaid_sum, source_file, source_position, file_sha256,
            len(certificate_numbers) as certificates,
            unnest(certificate_numbers) as certificate_number,
            generate_subscripts(certificate_numbers, 1) as redemption_number
        from ofd_receipt_rows
        where len(certificate_numbers) > 0
    )
    select receipt_key, redemption_number, certificate_number,
        prepaid_sum // certificates
            + case when redemption_number <= prepaid_sum % certificates then 1 else 0 end
            as amount,
        source_file, source_position, file_sha256
    from listed
"""


@dataclass
class _Pass:
    """What one shape's pass over some files gave."""

    tables: list[tuple[pa.Table, pa.Table, pa.Table]]
    bad: set[int]  # a rule fails, or DuckDB cannot read the file: the Python parser's
    off_shape: set[int]  # some document of another shape: tried in the next shape


def _run(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[tuple[str, str, bytes]],
    texts: Sequence[bytes],
    ids: list[int],
    shape: tuple[str, ...],
) -> _Pass:
    """Receipts, lines and certificate redemptions of the files `ids` accepted in `shape`;
    _BatchFailed when DuckDB cannot read them at all."""
    try:
        strings = pa.array([texts[i] for i in ids], pa.large_binary()).cast(pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not UTF-8
        raise _BatchFailed from None
    file_ids = pa.array(ids, pa.int64())
    con.register("ofd_files", pa.table({"file_id": file_ids, "text": strings}))
    con.register(
        "ofd_file_names",
        pa.table(
            {
                "file_id": file_ids,
                "source_file": pa.array([files[i][0] for i in ids], pa.string()),
                "file_sha256": pa.array([files[i][1] for i in ids], pa.string()),
            }
        ),
    )
    # Any DuckDB error (malformed JSON above all; none other is known) splits the batch, so
    # a file DuckDB cannot read goes to the Python parser and the others still load.
    try:
        con.execute(_documents_sql(shape))
        con.execute(_receipts_sql())
        con.execute(_lines_sql())
        con.execute(_properties_sql())
        for statement in _BAD_FILES.split(";"):
            if statement.strip():
                con.execute(statement, {"unsure": UNSURE_JSON} if "$unsure" in statement else None)
        con.execute(_CERTIFICATES)
        con.execute(f"create or replace temp table ofd_receipt_rows as {_receipt_rows_sql()}")
        receipts = con.sql(
            "select * exclude (certificate_numbers) from ofd_receipt_rows"
        ).to_arrow_table()
        lines = con.sql(_line_rows_sql()).to_arrow_table()
        redemptions = con.sql(_REDEMPTIONS).to_arrow_table()
        bad = {row[0] for row in con.execute("select file_id from ofd_bad_files").fetchall()}
        off_shape = {row[0] for row in con.execute("select file_id from ofd_off_shape").fetchall()}
    except duckdb.Error:
        raise _BatchFailed from None
    finally:
        con.unregister("ofd_files")
        con.unregister("ofd_file_names")
    tables = (
        receipts.cast(RECEIPT_SCHEMA),
        _with_sold_certificates(lines).cast(LINE_SCHEMA),
        redemptions.cast(REDEMPTION_SCHEMA),
    )
    return _Pass([tables], bad, off_shape - bad)


def _with_sold_certificates(lines: pa.Table) -> pa.Table:
    """The certificate each advance line sells, by the Python rule (`_certificate_number`:
    Unicode-aware regular expression) on those few lines."""
    advances = pc.fill_null(pc.equal(lines["payment_type"], ADVANCE_PAYMENT_TYPE), False)
    rows = pc.indices_nonzero(advances).to_pylist()
    if not rows:
        return lines
    numbers: list[str | None] = [None] * lines.num_rows
    names, articles = lines["name"], lines["article"]
    for row in rows:
        numbers[row] = _certificate_number(names[row].as_py(), articles[row].as_py())
    position = lines.schema.get_field_index("gift_certificate_number")
    return lines.set_column(position, "gift_certificate_number", pa.array(numbers, pa.string()))


def _split(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[tuple[str, str, bytes]],
    texts: Sequence[bytes],
    ids: list[int],
    shape: tuple[str, ...],
) -> _Pass:
    """Run the files; when DuckDB refuses them (malformed JSON), each half, down to one file."""
    try:
        return _run(con, files, texts, ids, shape)
    except _BatchFailed:
        if len(ids) == 1:
            return _Pass([], set(ids), set())
        middle = len(ids) // 2
        left = _split(con, files, texts, ids[:middle], shape)
        right = _split(con, files, texts, ids[middle:], shape)
        return _Pass(
            left.tables + right.tables, left.bad | right.bad, left.off_shape | right.off_shape
        )


def parse_batch(
    con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, str, bytes]]
) -> ColumnarBatch:
    """The rows of the files (source_file, sha256, bytes) this path accepts, and the indices
    of those it leaves to `receipts.parse`. `con` is a scratch DuckDB connection."""
    _setup(con)
    texts: list[bytes] = []
    deferred: set[int] = set()
    for index, (_, _, data) in enumerate(files):
        body = data.removeprefix(_BOM)
        start = body.lstrip()[:1]
        if start not in (b"[", b"{"):
            deferred.add(index)
        elif start == b"{":
            body = b"[" + body + b"]"
        texts.append(body)
    tables: list[tuple[pa.Table, pa.Table, pa.Table]] = []
    remaining = [index for index in range(len(files)) if index not in deferred]
    for shape in SHAPES:
        if not remaining:
            break
        outcome = _split(con, files, texts, remaining, shape)
        tables += outcome.tables
        deferred |= outcome.bad
        remaining = sorted(outcome.off_shape)
    deferred.update(remaining)  # documents of several shapes in one file
    return ColumnarBatch(
        receipts=_concat([part[0] for part in tables], RECEIPT_SCHEMA),
        lines=_concat([part[1] for part in tables], LINE_SCHEMA),
        redemptions=_concat([part[2] for part in tables], REDEMPTION_SCHEMA),
        deferred=sorted(deferred),
    )


def _concat(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(parts) if parts else schema.empty_table()


def scratch_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for `parse_batch`: one thread (`parse_files` gives each core its
    own connection); the temporary tables need no insertion order (the rows are ordered where
    they leave)."""
    return duckdb.connect(config={"threads": 1, "preserve_insertion_order": False})


def parse_files(
    scratches: Sequence[duckdb.DuckDBPyConnection], files: Sequence[tuple[str, str, bytes]]
) -> ColumnarBatch:
    """parse_batch over the files split into one share per scratch connection, the shares run
    at once in threads (DuckDB releases the GIL): one core each when every connection runs
    single-threaded (a batch of a few thousand files is one DuckDB task, so DuckDB's own
    threads would leave the second core idle)."""
    if len(scratches) == 1 or len(files) < 2:
        return parse_batch(scratches[0], files)
    total = sum(len(data) for _, _, data in files) or 1
    bounds, running = [0], 0
    for index, (_, _, data) in enumerate(files):
        running += len(data)
        if running * len(scratches) >= total * len(bounds) and len(bounds) < len(scratches):
            bounds.append(index + 1)
    bounds.append(len(files))
    shares = [(start, files[start:end]) for start, end in pairwise(bounds) if end > start]
    with ThreadPoolExecutor(len(shares), thread_name_prefix="ofd-columnar") as pool:
        outcomes = list(
            pool.map(parse_batch, scratches[: len(shares)], [files for _, files in shares])
        )
    return ColumnarBatch(
        receipts=_concat([o.receipts for o in outcomes], RECEIPT_SCHEMA),
        lines=_concat([o.lines for o in outcomes], LINE_SCHEMA),
        redemptions=_concat([o.redemptions for o in outcomes], REDEMPTION_SCHEMA),
        deferred=[
            start + index
            for (start, _), outcome in zip(shares, outcomes, strict=True)
            for index in outcome.deferred
        ],
    )
