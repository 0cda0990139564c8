"""A streaming reader of the ФНС ЕГРЮЛ XML format ("Сведения, содержащиеся в Едином
государственном реестре юридических лиц", the XSD the ФНС publishes for ЕГРЮЛ extracts, format
versions 4.0x: element EGRUL or Файл/Документ wrapping one СвЮЛ per legal entity).

What is read from each СвЮЛ (names as in the XSD):
- attributes ИНН, КПП, ОГРН, ДатаОГРН, ПолнНаимОПФ;
- СвНаимЮЛ/@НаимЮЛПолн and the short name (СвНаимЮЛ/@НаимЮЛСокр in 4.03,
  СвНаимЮЛ/СвНаимЮЛСокр/@НаимСокр later);
- СвАдресЮЛ/АдресРФ (@Индекс, Регион, Район, Город, НаселПункт, Улица, @Дом, @Корпус, @Кварт);
- СвОбрЮЛ/@ДатаРег (registration before ОГРН existed) else @ДатаОГРН;
- СвСтатус/СвСтатус/@КодСтатусЮЛ, @НаимСтатусЮЛ and СвПрекрЮЛ (the entity has ceased);
- СведДолжнФЛ/СвФЛ (@Фамилия, @Имя, @Отчество): the director;
- СвПодразд/СвФилиал: СвНаим/@НаимПолн, АдрМНРФ, СвУчетНОФилиал/@КПП per branch.
ЕГРЮЛ carries no phone numbers.

The file is fed to expat in chunks, so a multi-gigabyte extract never sits in memory. A DOCTYPE or
entity declaration is refused (the format has none), which rules out entity expansion and XXE.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

from operational_app.registry.base import RegistryParty

CHUNK_BYTES = 1 << 16


class EgrulFormatError(Exception):
    """The file is not well-formed XML (or declares a DOCTYPE); `line` is where it broke."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line


@dataclasses.dataclass
class _Element:
    name: str
    attrs: dict[str, str]
    children: list[_Element]

    def child(self, name: str) -> _Element | None:
        return next((child for child in self.children if child.name == name), None)

    def all(self, name: str) -> list[_Element]:
        return [child for child in self.children if child.name == name]


@dataclasses.dataclass(frozen=True)
class EgrulRecord:
    """One СвЮЛ: the parties it yields (head office, then branches), or why it is refused."""

    line: int
    inn: str
    parties: list[RegistryParty]
    error: str | None = None


def read_egrul(stream: BinaryIO) -> Iterator[EgrulRecord]:
    """Yield one record per СвЮЛ in document order; malformed XML raises EgrulFormatError."""
    finished: list[EgrulRecord] = []
    stack: list[_Element] = []
    starts: list[int] = []
    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise EgrulFormatError("DOCTYPE and entity declarations are not allowed", None)

    def start(name: str, attrs: dict[str, str]) -> None:
        if stack or name == "СвЮЛ":
            element = _Element(name, attrs, [])
            if stack:
                stack[-1].children.append(element)
            else:
                starts.append(parser.CurrentLineNumber)
            stack.append(element)

    def end(name: str) -> None:
        if not stack:
            return
        element = stack.pop()
        if not stack:
            finished.append(_record(element, starts.pop()))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        while chunk := stream.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
            yield from finished
            finished.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise EgrulFormatError(expat.errors.messages[error.code], error.lineno) from error
    except EgrulFormatError as error:
        raise EgrulFormatError(str(error), parser.CurrentLineNumber) from error
    yield from finished


def _record(entity: _Element, line: int) -> EgrulRecord:
    inn = entity.attrs.get("ИНН", "").strip()
    names = entity.child("СвНаимЮЛ")
    full_name = names.attrs.get("НаимЮЛПолн") if names else None
    if not inn:
        return EgrulRecord(line, inn, [], "СвЮЛ has no ИНН")
    if not full_name:
        return EgrulRecord(line, inn, [], "СвЮЛ has no СвНаимЮЛ/@НаимЮЛПолн")
    short_name = names.attrs.get("НаимЮЛСокр") if names else None
    short_element = names.child("СвНаимЮЛСокр") if names else None
    if short_element is not None:
        short_name = short_element.attrs.get("НаимСокр") or short_name
    address_holder = entity.child("СвАдресЮЛ")
    address = address_holder.child("АдресРФ") if address_holder else None
    head = RegistryParty(
        inn=inn,
        kpp=entity.attrs.get("КПП"),
        ogrn=entity.attrs.get("ОГРН"),
        full_name=full_name,
        short_name=short_name,
        legal_address=_address_text(address),
        registration_date=_registration_date(entity),
        director=_director(entity),
        status=_status(entity),
    )
    parties = [head]
    divisions = entity.child("СвПодразд")
    for branch in divisions.all("СвФилиал") if divisions else []:
        registration = branch.child("СвУчетНОФилиал")
        branch_name = branch.child("СвНаим")
        parties.append(
            dataclasses.replace(
                head,
                kpp=registration.attrs.get("КПП") if registration else None,
                legal_address=_address_text(branch.child("АдрМНРФ")) or head.legal_address,
                is_branch=True,
                branch_name=branch_name.attrs.get("НаимПолн") if branch_name else None,
            )
        )
    return EgrulRecord(line, inn, parties)


def _address_text(address: _Element | None) -> str | None:
    """АдрРФЕГРЮЛТип as one line: index, region, district, city, locality, street, house."""
    if address is None:
        return None
    parts = [address.attrs.get("Индекс")]
    for tag, kind, name in (
        ("Регион", "ТипРегион", "НаимРегион"),
        ("Район", "ТипРайон", "НаимРайон"),
        ("Город", "ТипГород", "НаимГород"),
        ("НаселПункт", "ТипНаселПункт", "НаимНаселПункт"),
        ("Улица", "ТипУлица", "НаимУлица"),
    ):
        element = address.child(tag)
        if element is not None:
            parts.append(" ".join(filter(None, (element.attrs.get(kind), element.attrs.get(name)))))
    for attribute, label in (("Дом", ""), ("Корпус", ""), ("Кварт", "")):
        parts.append(
            label + address.attrs.get(attribute, "") if address.attrs.get(attribute) else None
        )
    text = ", ".join(part for part in parts if part)
    return text or None


def _registration_date(entity: _Element) -> dt.date | None:
    formation = entity.child("СвОбрЮЛ")
    value = (formation.attrs.get("ДатаРег") if formation else None) or entity.attrs.get("ДатаОГРН")
    if not value and formation is not None:
        value = formation.attrs.get("ДатаОГРН")
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _director(entity: _Element) -> str | None:
    official = entity.child("СведДолжнФЛ")
    person = official.child("СвФЛ") if official else None
    if person is None:
        return None
    names = (person.attrs.get(key) for key in ("Фамилия", "Имя", "Отчество"))
    return " ".join(name for name in names if name) or None


def _status(entity: _Element) -> str:
    """The ЕГРЮЛ status classified by its name (СЮЛСТ): ceased > bankrupt > liquidating >
    reorganising > active."""
    if entity.child("СвПрекрЮЛ") is not None:
        return "liquidated"
    texts = []
    for holder in entity.all("СвСтатус"):
        status = holder.child("СвСтатус")
        if status is not None:
            texts.append(status.attrs.get("НаимСтатусЮЛ", "").lower())
    joined = " ".join(texts)
    if "банкрот" in joined or "конкурсн" in joined:
        return "bankrupt"
    if "ликвидац" in joined or "исключ" in joined:
        return "liquidating"
    if "реорганизац" in joined:
        return "reorganising"
    return "active"
