"""The ЕГРЮЛ XML reader on a small file in the ФНС format (data/egrul_sample.xml, windows-1251)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from operational_app.registry.egrul import CHUNK_BYTES, EgrulFormatError, read_egrul

SAMPLE = Path(__file__).parent / "data" / "egrul_sample.xml"


def test_reads_head_office_and_branch_with_every_field() -> None:
    records = {record.inn: record for record in read_egrul(SAMPLE.open("rb"))}
    head, branch = records["7707083893"].parties
    assert head.kpp == "773601001" and not head.is_branch
    assert head.ogrn == "1027700132195"
    assert head.full_name == 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'
    assert head.short_name == "ПАО СБЕРБАНК"
    assert head.legal_address == "117312, ГОРОД МОСКВА, УЛИЦА ВАВИЛОВА, ДОМ 19"
    # Registered before ОГРН existed: СвОбрЮЛ/@ДатаРег wins over @ДатаОГРН.
    assert head.registration_date == dt.date(1991, 6, 20)
    assert head.director == "ГРЕФ ГЕРМАН ОСКАРОВИЧ"
    assert head.status == "active"
    assert branch.is_branch and branch.kpp == "540643001"
    assert branch.branch_name == "СИБИРСКИЙ БАНК ПАО СБЕРБАНК"
    assert branch.legal_address is not None and "НОВОСИБИРСК" in branch.legal_address
    assert branch.full_name == head.full_name


def test_status_from_ceased_and_liquidation_records() -> None:
    records = {record.inn: record for record in read_egrul(SAMPLE.open("rb"))}
    assert records["7712345671"].parties[0].status == "liquidated"
    # The old short-name attribute (СвНаимЮЛ/@НаимЮЛСокр) is read too.
    assert records["7712345671"].parties[0].short_name == 'ООО "ЗАКРЫТАЯ ЛАВКА"'
    assert records["5001007329"].parties[0].status == "liquidating"


def test_a_record_without_a_name_is_reported_with_its_line() -> None:
    records = list(read_egrul(SAMPLE.open("rb")))
    refused = [record for record in records if record.error]
    assert [(record.inn, record.parties) for record in refused] == [("7736050003", [])]
    assert refused[0].line > records[0].line


def test_records_are_yielded_before_the_file_ends() -> None:
    """Streaming: the first entity comes out while later chunks are still unread."""
    prolog, rest = SAMPLE.read_bytes().split(b"<EGRUL>")
    entity = rest.split(b"</EGRUL>")[0]
    data = prolog + b"<EGRUL>" + entity * (3 * CHUNK_BYTES // len(entity) + 1) + b"</EGRUL>"
    stream = io.BytesIO(data)
    records = read_egrul(stream)
    next(records)
    assert stream.tell() < len(data)


def test_broken_xml_names_the_line() -> None:
    with pytest.raises(EgrulFormatError, match="line 3"):
        list(read_egrul(io.BytesIO('<EGRUL>\n<СвЮЛ ИНН="1">\n</EGRUL>'.encode())))


def test_doctype_is_refused() -> None:
    hostile = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><EGRUL></EGRUL>'
    with pytest.raises(EgrulFormatError, match="DOCTYPE"):
        list(read_egrul(io.BytesIO(hostile)))
