"""Realistic GIS exchange files for demo and test data (called by `crm seed`).

`write_sample_inbox` writes, per sample document (one of our shipments), the files each GIS
would leave in the inbox, in the official formats (egais.py, vetis.py, gismt.py):
- ЕГАИС (every file valid against the УТМ XSDs in schemas/egais): our WayBill_v4, ЕГАИС's
  Ticket on it, the TTNInformF2Reg registration, the consignee's WayBillAct_v4 (its УТМ is the
  Owner) and the Confirm ticket; for some counterparties also a purchase from them (their
  WayBill_v4, the registration, our act with its ticket, or a ReplyNoAnswerTTN listing it
  while we have not answered). One УТМ file each, UTF-8 or windows-1251;
- ВетИС: one receiveApplicationResultResponse per document (SOAP envelope or bare response):
  vet documents with their statusChange history when the application completed (vd: in a
  getVetDocumentListResponse, merc: in a withdrawVetDocumentResponse), one or more errors
  when it was rejected;
- ГИС МТ: one doc/list JSON page per day (LP_SHIP_GOODS, and the buyer's LP_ACCEPT_GOODS).
Most documents end accepted, some rejected, some with errors, some still processing, and a
few malformed or hostile files exercise the quarantine. Output depends only on the arguments.

The returned counts (files per system, malformed files, events per status group) are tallied
from the outcome each file was written for, so callers can check the pipeline against them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal
from xml.sax.saxutils import escape

# The inbox's folders, one per system (DESIGN.md §5; ingestion.gis.events.SYSTEMS reads them).
SYSTEMS: Final = ("egais", "vetis", "gismt")


Outcome = Literal["accepted", "rejected", "error", "processing"]
_OUTCOME_WEIGHTS: Final = (("accepted", 0.72), ("rejected", 0.12), ("error", 0.08))
_MSK: Final = dt.timezone(dt.timedelta(hours=3))

COMPANY_NAMES: Final = (
    "ООО «Северная звезда»",
    "АО «Торговый дом Волга»",
    "ООО «Ромашка»",
    "ИП Сидоров Пётр Иванович",
    "ООО «Продснаб»",
)


@dataclass(frozen=True, slots=True)
class SampleDocument:
    reference: str  # our order/shipment number, e.g. "ЗК-000123"
    organization_inn: str
    counterparty_inn: str
    date: dt.date | dt.datetime  # shipment date (Moscow local when naive)
    systems: tuple[str, ...] | None = None  # None: chosen per document from the seed
    # Our organization's ЕГАИС FSRAR ID (organizations.fsrar_id); None: derived from the ИНН.
    organization_fsrar_id: str | None = None


def _fsrar_id(inn: str) -> str:
    # A stable 12-digit FSRAR ID per ИНН ("03..." like real organization IDs).
    return "03" + str(int(hashlib.sha256(inn.encode()).hexdigest(), 16) % 10**10).zfill(10)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _x(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _msk(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _start(document: SampleDocument, rng: random.Random) -> dt.datetime:
    if isinstance(document.date, dt.datetime):
        moment = document.date
        if moment.tzinfo is not None:
            moment = moment.astimezone(_MSK).replace(tzinfo=None)
        return moment
    return dt.datetime.combine(document.date, dt.time(9)) + dt.timedelta(
        minutes=rng.randrange(0, 9 * 60)
    )


class _Writer:
    def __init__(self, inbox_dir: Path) -> None:
        self.inbox_dir = inbox_dir
        self.files: Counter[str] = Counter()
        self.groups: Counter[str] = Counter()
        self.names: set[Path] = set()

    def write(self, system: str, name: str, data: bytes) -> None:
        path = self.inbox_dir / system / name
        assert path not in self.names, path
        self.names.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files[system] += 1


# ---------------------------------------------------------------- ЕГАИС
# Every file validates against the УТМ schemas in ingestion/gis/schemas/egais
# (WB_DOC_SINGLE_01.xsd); tests/ingestion/gis/test_schemas.py checks it.

_EGAIS_NS: Final = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:ns="http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01"'
)
_WB_NS: Final = (
    'xmlns:wb="http://fsrar.ru/WEGAIS/TTNSingle_v4" '
    'xmlns:oref="http://fsrar.ru/WEGAIS/ClientRef_v2" '
    'xmlns:pref="http://fsrar.ru/WEGAIS/ProductRef_v2" '
    'xmlns:ce="http://fsrar.ru/WEGAIS/CommonV3"'
)
_WBR_NS: Final = (
    'xmlns:wbr="http://fsrar.ru/WEGAIS/TTNInformF2Reg" '
    'xmlns:oref="http://fsrar.ru/WEGAIS/ClientRef_v2"'
)
_WA_NS: Final = (
    'xmlns:wa="http://fsrar.ru/WEGAIS/ActTTNSingle_v4" xmlns:ce="http://fsrar.ru/WEGAIS/CommonV3"'
)
_TC_NS: Final = 'xmlns:tc="http://fsrar.ru/WEGAIS/Ticket"'
_TTN_NS: Final = 'xmlns:ttn="http://fsrar.ru/WEGAIS/ReplyNoAnswerTTN"'
_OUR_NAME: Final = "ООО «Наша компания»"
_PRODUCTS: Final = (
    ("Вино столовое сухое красное «Каберне»", "403", "12.000"),
    ("Водка «Столичная»", "200", "40.000"),
    ("Коньяк российский трёхлетний", "229", "40.000"),
)
# Share of ЕГАИС sample documents that are purchases (we are the consignee).
_INBOUND_SHARE: Final = 0.3


@dataclass(frozen=True, slots=True)
class _Party:
    fsrar_id: str
    inn: str
    name: str


def _egais_file(owner: str, body: str, namespaces: str, encoding: str) -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{"UTF-8" if encoding == "utf-8" else encoding}"?>\n'
        f'<ns:Documents Version="1.0" {_EGAIS_NS} {namespaces}>\n'
        f"  <ns:Owner>\n    <ns:FSRAR_ID>{owner}</ns:FSRAR_ID>\n  </ns:Owner>\n"
        f"  <ns:Document>\n{body}  </ns:Document>\n</ns:Documents>\n"
    )
    return text.encode("cp1251" if encoding == "windows-1251" else "utf-8")


def _egais_org(tag: str, party: _Party, rng: random.Random) -> str:
    """An oref:OrgInfo_v2 (UL with КПП for a 10-digit ИНН, FL without for 12 digits)."""
    form = "FL" if len(party.inn) == 12 else "UL"
    kpp = "" if form == "FL" else f"<oref:KPP>{party.inn[:4]}01001</oref:KPP>"
    return (
        f"<{tag}><oref:{form}>"
        f"<oref:ClientRegId>{_x(party.fsrar_id)}</oref:ClientRegId>"
        f"<oref:FullName>{_x(party.name)}</oref:FullName>"
        f"<oref:ShortName>{_x(party.name[:64])}</oref:ShortName>"
        f"<oref:INN>{party.inn}</oref:INN>{kpp}"
        f"<oref:address><oref:Country>643</oref:Country>"
        f"<oref:RegionCode>{rng.choice(['77', '78', '50', '66'])}</oref:RegionCode>"
        f"<oref:description>{_x('г. Москва, ул. Примерная, д. ' + str(rng.randint(1, 99)))}"
        f"</oref:description></oref:address></oref:{form}></{tag}>\n"
    )


def _waybill(
    identity: str, number: str, day: dt.date, shipper: _Party, consignee: _Party, rng: random.Random
) -> str:
    name, code, strength = rng.choice(_PRODUCTS)
    return (
        f"    <ns:WayBill_v4>\n      <wb:Identity>{identity}</wb:Identity>\n      <wb:Header>\n"
        f"        <wb:Type>WBInvoiceFromMe</wb:Type>\n"
        f"        <wb:NUMBER>{_x(number)}</wb:NUMBER>\n"
        f"        <wb:Date>{day:%Y-%m-%d}</wb:Date>\n"
        f"        <wb:ShippingDate>{day:%Y-%m-%d}</wb:ShippingDate>\n"
        f"        <wb:Transport><wb:ChangeOwnership>IsChange</wb:ChangeOwnership>"
        f"<wb:TRAN_TYPE>413</wb:TRAN_TYPE><wb:TRANSPORT_TYPE>car</wb:TRANSPORT_TYPE>"
        f"</wb:Transport>\n"
        f"        {_egais_org('wb:Shipper', shipper, rng)}"
        f"        {_egais_org('wb:Consignee', consignee, rng)}"
        f"      </wb:Header>\n      <wb:Content>\n        <wb:Position>\n"
        f"          <wb:Identity>1</wb:Identity>\n"
        f"          <wb:Product><pref:UnitType>Packed</pref:UnitType>"
        f"<pref:FullName>{_x(name)}</pref:FullName>"
        f"<pref:AlcCode>{rng.randrange(10**18, 10**19)}</pref:AlcCode>"
        f"<pref:Capacity>0.7500</pref:Capacity><pref:AlcVolume>{strength}</pref:AlcVolume>\n"
        f"            {_egais_org('pref:Producer', shipper, rng)}"
        f"            <pref:ProductVCode>{code}</pref:ProductVCode></wb:Product>\n"
        f"          <wb:Quantity>{rng.randint(1, 120)}</wb:Quantity>\n"
        f"          <wb:Price>{rng.randint(300, 5000)}.00</wb:Price>\n"
        f"          <wb:FARegId>FA-{rng.randrange(10**14, 10**15)}</wb:FARegId>\n"
        f"          <wb:InformF2><ce:F2RegId>FB-{rng.randrange(10**14, 10**15)}</ce:F2RegId>"
        f"</wb:InformF2>\n        </wb:Position>\n      </wb:Content>\n    </ns:WayBill_v4>\n"
    )


def _registration(
    identity: str,
    reg_id: str,
    number: str,
    day: dt.date,
    shipper: _Party,
    consignee: _Party,
    rng: random.Random,
) -> str:
    return (
        f"    <ns:TTNInformF2Reg>\n      <wbr:Header>\n"
        f"        <wbr:Identity>{identity}</wbr:Identity>\n"
        f"        <wbr:WBRegId>{reg_id}</wbr:WBRegId>\n"
        f"        <wbr:WBNUMBER>{_x(number)}</wbr:WBNUMBER>\n"
        f"        <wbr:WBDate>{day:%Y-%m-%d}</wbr:WBDate>\n"
        f"        {_egais_org('wbr:Shipper', shipper, rng)}"
        f"        {_egais_org('wbr:Consignee', consignee, rng)}"
        f"      </wbr:Header>\n      <wbr:Content><wbr:Position><wbr:Identity>1</wbr:Identity>"
        f"<wbr:InformF2RegId>FB-{rng.randrange(10**14, 10**15)}</wbr:InformF2RegId>"
        f"</wbr:Position></wbr:Content>\n    </ns:TTNInformF2Reg>\n"
    )


def _act(decision: str, reg_id: str, day: dt.date, note: str, rng: random.Random) -> str:
    content = (
        f"<wa:Content><wa:Position><wa:Identity>1</wa:Identity>"
        f"<wa:InformF2RegId>FB-{rng.randrange(10**14, 10**15)}</wa:InformF2RegId>"
        f"<wa:RealQuantity>{rng.randint(1, 10)}</wa:RealQuantity></wa:Position></wa:Content>"
        if decision == "Differences"
        else "<wa:Content/>"
    )
    return (
        f"    <ns:WayBillAct_v4>\n      <wa:Header>\n"
        f"        <wa:IsAccept>{decision}</wa:IsAccept>\n"
        f"        <wa:ACTNUMBER>{rng.randint(1, 99999):06d}</wa:ACTNUMBER>\n"
        f"        <wa:ActDate>{day:%Y-%m-%d}</wa:ActDate>\n"
        f"        <wa:WBRegId>{reg_id}</wa:WBRegId>\n"
        f"        <wa:Note>{_x(note)}</wa:Note>\n      </wa:Header>\n      {content}\n"
        f"    </ns:WayBillAct_v4>\n"
    )


def _ticket(
    identity: str | None,
    reg_id: str | None,
    doc_type: str,
    at: dt.datetime,
    rng: random.Random,
    *,
    conclusion: tuple[str, str] | None = None,
    operation: tuple[str, str, str] | None = None,
) -> str:
    identity_xml = f"      <tc:Identity>{_x(identity)}</tc:Identity>\n" if identity else ""
    reg_xml = f"      <tc:RegID>{reg_id}</tc:RegID>\n" if reg_id else ""
    if conclusion is not None:
        result = (
            f"      <tc:Result>\n        <tc:Conclusion>{conclusion[0]}</tc:Conclusion>\n"
            f"        <tc:ConclusionDate>{_msk(at)}</tc:ConclusionDate>\n"
            f"        <tc:Comments>{_x(conclusion[1])}</tc:Comments>\n      </tc:Result>\n"
        )
    else:
        assert operation is not None
        result = (
            f"      <tc:OperationResult>\n"
            f"        <tc:OperationName>{operation[0]}</tc:OperationName>\n"
            f"        <tc:OperationResult>{operation[1]}</tc:OperationResult>\n"
            f"        <tc:OperationComment>{_x(operation[2])}</tc:OperationComment>\n"
            f"        <tc:OperationDate>{_msk(at)}</tc:OperationDate>\n"
            f"      </tc:OperationResult>\n"
        )
    return (
        f"    <ns:Ticket>\n      <tc:TicketDate>{_msk(at)}</tc:TicketDate>\n{identity_xml}"
        f"      <tc:DocId>{_uuid(rng).upper()}</tc:DocId>\n"
        f"      <tc:TransportId>{_uuid(rng)}</tc:TransportId>\n{reg_xml}"
        f"      <tc:DocHash/>\n"
        f"      <tc:DocType>{doc_type}</tc:DocType>\n{result}    </ns:Ticket>\n"
    )


@dataclass
class _NoAnswer:
    """Inbound waybills we have not answered, listed by the next day's ReplyNoAnswerTTN."""

    consignee: str
    entries: list[tuple[str, str, dt.date, str]]  # WbRegID, number, date, shipper FSRAR ID


def _write_egais_outbound(
    w: _Writer,
    doc: SampleDocument,
    outcome: Outcome,
    rng: random.Random,
    seq: int,
    ours: _Party,
    theirs: _Party,
) -> None:
    enc = "windows-1251" if rng.random() < 0.3 else "utf-8"
    start = _start(doc, rng)
    identity = _uuid(rng)
    reg_id = f"TTN-{rng.randrange(10**9, 10**10)}"
    stamp = f"{start:%Y%m%d}_{seq:06d}"
    # Our shipment: our WayBill_v4, ЕГАИС's ticket on it, the registration (FORM2REGINFO),
    # the consignee's act and, for an accepted act, the Confirm ticket.
    waybill = _waybill(identity, doc.reference, start.date(), ours, theirs, rng)
    w.write("egais", f"{stamp}_WayBill_v4.xml", _egais_file(ours.fsrar_id, waybill, _WB_NS, enc))
    w.groups["processing"] += 1
    if outcome == "processing":
        return
    registered = start + dt.timedelta(minutes=rng.randint(2, 90))
    if outcome == "error":
        comment = "Документ не прошел проверку по схеме: элемент wb:Price имеет неверный формат"
        body = _ticket(
            identity, None, "WayBill_v4", registered, rng, conclusion=("Rejected", comment)
        )
        w.write("egais", f"{stamp}_Ticket_1.xml", _egais_file(ours.fsrar_id, body, _TC_NS, enc))
        w.groups["rejected"] += 1
        return
    accepted = f"Документ успешно принят. Зарегистрирован как {reg_id}"
    body = _ticket(
        identity, reg_id, "WayBill_v4", registered, rng, conclusion=("Accepted", accepted)
    )
    w.write("egais", f"{stamp}_Ticket_1.xml", _egais_file(ours.fsrar_id, body, _TC_NS, enc))
    w.groups["accepted"] += 1
    inform = _registration(identity, reg_id, doc.reference, start.date(), ours, theirs, rng)
    w.write(
        "egais", f"{stamp}_TTNInformF2Reg.xml", _egais_file(ours.fsrar_id, inform, _WBR_NS, enc)
    )
    w.groups["processing"] += 1
    # ActDate is a date only; the next day or later keeps it after the registration time.
    acted = registered + dt.timedelta(days=rng.randint(1, 3))
    decision = {"accepted": "Accepted", "rejected": rng.choice(["Rejected", "Differences"])}[
        outcome
    ]
    note = {"Accepted": "Принято без замечаний", "Rejected": "Бой тары при приёмке"}.get(
        decision, "Недостача при приёмке"
    )
    # The consignee's act, written by its УТМ: the Owner is the consignee.
    act = _act(decision, reg_id, acted.date(), note, rng)
    w.write("egais", f"{stamp}_WayBillAct_v4.xml", _egais_file(theirs.fsrar_id, act, _WA_NS, enc))
    w.groups[{"Accepted": "accepted", "Rejected": "rejected"}.get(decision, "processing")] += 1
    if decision == "Accepted":
        confirm = _ticket(
            None,
            reg_id,
            "WAYBILL",
            acted + dt.timedelta(minutes=rng.randint(1, 30)),
            rng,
            operation=("Confirm", "Accepted", f"Накладная {reg_id} подтверждена"),
        )
        w.write("egais", f"{stamp}_Ticket_2.xml", _egais_file(ours.fsrar_id, confirm, _TC_NS, enc))
        w.groups["accepted"] += 1


def _write_egais(
    w: _Writer,
    doc: SampleDocument,
    outcome: Outcome,
    rng: random.Random,
    seq: int,
    unanswered: dict[tuple[dt.date, str], _NoAnswer],
) -> None:
    """Our shipment's ЕГАИС files and, for some counterparties, a purchase from them too."""
    ours = _Party(
        doc.organization_fsrar_id or _fsrar_id(doc.organization_inn),
        doc.organization_inn,
        _OUR_NAME,
    )
    theirs = _Party(
        _fsrar_id(doc.counterparty_inn), doc.counterparty_inn, rng.choice(COMPANY_NAMES)
    )
    _write_egais_outbound(w, doc, outcome, rng, seq, ours, theirs)
    if rng.random() < _INBOUND_SHARE:
        _write_egais_inbound(w, doc, _pick_outcome(rng), rng, seq, ours, theirs, unanswered)


def _write_egais_inbound(
    w: _Writer,
    doc: SampleDocument,
    outcome: Outcome,
    rng: random.Random,
    seq: int,
    ours: _Party,
    theirs: _Party,
    unanswered: dict[tuple[dt.date, str], _NoAnswer],
) -> None:
    """A purchase: the supplier's WayBill_v4 (Owner: the supplier), its registration, and our
    act (our decision) with ЕГАИС's ticket on it; unanswered ones are listed by NoAnswer."""
    enc = "windows-1251" if rng.random() < 0.3 else "utf-8"
    start = _start(doc, rng) + dt.timedelta(hours=rng.randint(1, 48))
    identity = _uuid(rng)
    reg_id = f"TTN-{rng.randrange(10**9, 10**10)}"
    stamp = f"{start:%Y%m%d}_{seq:06d}_in"
    number = f"ПН-{rng.randint(1, 99999):05d}"
    waybill = _waybill(identity, number, start.date(), theirs, ours, rng)
    w.write("egais", f"{stamp}_WayBill_v4.xml", _egais_file(theirs.fsrar_id, waybill, _WB_NS, enc))
    inform = _registration(identity, reg_id, number, start.date(), theirs, ours, rng)
    w.write(
        "egais", f"{stamp}_TTNInformF2Reg.xml", _egais_file(ours.fsrar_id, inform, _WBR_NS, enc)
    )
    w.groups["processing"] += 2
    if outcome == "processing":  # no act yet: ЕГАИС lists it the next morning
        key = (start.date() + dt.timedelta(days=1), ours.fsrar_id)
        unanswered.setdefault(key, _NoAnswer(ours.fsrar_id, [])).entries.append(
            (reg_id, number, start.date(), theirs.fsrar_id)
        )
        w.groups["processing"] += 1
        return
    acted = start + dt.timedelta(hours=rng.randint(2, 30))
    decision = {"accepted": "Accepted", "rejected": "Rejected", "error": "Differences"}[outcome]
    note = {"Accepted": "Принято", "Rejected": "Товар не заказывался"}.get(decision, "Недостача")
    act = _act(decision, reg_id, acted.date(), note, rng)
    w.write("egais", f"{stamp}_WayBillAct_v4.xml", _egais_file(ours.fsrar_id, act, _WA_NS, enc))
    w.groups["processing"] += 1  # our decision, until ЕГАИС answers it
    ticketed = acted + dt.timedelta(minutes=rng.randint(1, 40))
    if rng.random() < 0.15:  # ЕГАИС refuses the act: the waybill stays open
        comment = f"Акт по накладной {reg_id} отклонён: накладная уже подтверждена"
        body = _ticket(
            None, reg_id, "WayBillAct_v4", ticketed, rng, conclusion=("Rejected", comment)
        )
        w.groups["rejected"] += 1
    else:
        body = _ticket(
            None,
            reg_id,
            "WayBillAct_v4",
            ticketed,
            rng,
            conclusion=("Accepted", "Документ успешно принят."),
        )
        w.groups["accepted"] += 1
    w.write("egais", f"{stamp}_Ticket_act.xml", _egais_file(ours.fsrar_id, body, _TC_NS, enc))


def _write_no_answers(w: _Writer, unanswered: dict[tuple[dt.date, str], _NoAnswer]) -> None:
    for (day, owner), listing in sorted(unanswered.items()):
        entries = "".join(
            f"        <ttn:NoAnswer><ttn:WbRegID>{reg_id}</ttn:WbRegID>"
            f"<ttn:ttnNumber>{_x(number)}</ttn:ttnNumber><ttn:ttnDate>{date:%Y-%m-%d}</ttn:ttnDate>"
            f"<ttn:Shipper>{shipper}</ttn:Shipper></ttn:NoAnswer>\n"
            for reg_id, number, date, shipper in listing.entries
        )
        body = (
            f"    <ns:ReplyNoAnswerTTN>\n      <ttn:Consignee>{listing.consignee}</ttn:Consignee>\n"
            f"      <ttn:ReplyDate>{day:%Y-%m-%d}T07:00:00</ttn:ReplyDate>\n"
            f"      <ttn:ttnlist>\n{entries}      </ttn:ttnlist>\n    </ns:ReplyNoAnswerTTN>\n"
        )
        w.write(
            "egais",
            f"{day:%Y%m%d}_{owner}_ReplyNoAnswerTTN.xml",
            _egais_file(owner, body, _TTN_NS, "utf-8"),
        )


# ---------------------------------------------------------------- ВетИС

_VETIS_NS: Final = (
    'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:ws="http://api.vetrf.ru/schema/cdm/application/ws-definitions" '
    'xmlns:apl="http://api.vetrf.ru/schema/cdm/application" '
    'xmlns:merc="http://api.vetrf.ru/schema/cdm/mercury/g2b/applications/v2" '
    'xmlns:vd="http://api.vetrf.ru/schema/cdm/mercury/vet-document/v2" '
    'xmlns:bs="http://api.vetrf.ru/schema/cdm/base" '
    'xmlns:dt="http://api.vetrf.ru/schema/cdm/dictionary/v2"'
)
_VETIS_GUIDS: Final = uuid.UUID("6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b")


def vetis_business_entity_guid(inn: str) -> str:
    """A stable ВетИС business-entity GUID per ИНН (what the seed gives our organizations)."""
    return str(uuid.uuid5(_VETIS_GUIDS, inn))


def sample_organizations(documents: list[SampleDocument]) -> list[dict[str, str]]:
    """Our organizations' GIS identifiers as the sample files name them (the columns of
    `organizations` the pipeline reads them from)."""
    return [
        {
            "inn": doc.organization_inn,
            "fsrar_id": doc.organization_fsrar_id or _fsrar_id(doc.organization_inn),
            "vetis_business_entity_guid": vetis_business_entity_guid(doc.organization_inn),
        }
        for doc in documents
    ]


def _vet_document(
    doc: SampleDocument,
    element: str,
    status: str,
    issued: dt.datetime,
    changed: dt.datetime,
    rng: random.Random,
    omit_inn: bool,
) -> str:
    consignee_inn = "" if omit_inn else f"<dt:inn>{doc.counterparty_inn}</dt:inn>"
    changes = [("CONFIRMED", issued, None)]
    if status != "CONFIRMED":
        reason = "Ошибка в сведениях о количестве продукции" if status == "WITHDRAWN" else None
        changes.append((status, changed, reason))
    status_changes = "".join(
        f"<vd:statusChange><vd:status>{name}</vd:status>"
        f"<vd:actualDateTime>{_msk(at)}+03:00</vd:actualDateTime>"
        + (f"<vd:reason>{_x(reason)}</vd:reason>" if reason else "")
        + "</vd:statusChange>\n"
        for name, at, reason in changes
    )
    return (
        f"            <{element}>\n"
        f"              <bs:uuid>{_uuid(rng)}</bs:uuid>\n"
        f"              <vd:issueDate>{issued:%Y-%m-%d}</vd:issueDate>\n"
        f"              <vd:vetDForm>TRANSPORT</vd:vetDForm>\n"
        f"              <vd:vetDType>{rng.choice(['OUTGOING', 'TRANSPORT'])}</vd:vetDType>\n"
        f"              <vd:vetDStatus>{status}</vd:vetDStatus>\n"
        f"              <vd:finalized>true</vd:finalized>\n"
        f"              <vd:lastUpdateDate>{_msk(changes[-1][1])}+03:00</vd:lastUpdateDate>\n"
        f"              <vd:certifiedConsignment>\n"
        f"                <vd:consignor><dt:businessEntity><bs:guid>"
        f"{vetis_business_entity_guid(doc.organization_inn)}</bs:guid>"
        f"<dt:inn>{doc.organization_inn}</dt:inn></dt:businessEntity></vd:consignor>\n"
        f"                <vd:consignee><dt:businessEntity><bs:guid>{_uuid(rng)}</bs:guid>"
        f"{consignee_inn}</dt:businessEntity></vd:consignee>\n"
        f"                <vd:batch><vd:productItem><dt:name>"
        f"{_x(rng.choice(['Сыр «Российский» 50%', 'Говядина охлаждённая', 'Молоко 3,2%']))}"
        f"</dt:name></vd:productItem><vd:volume>{rng.randint(5, 900)}</vd:volume></vd:batch>\n"
        f"              </vd:certifiedConsignment>\n"
        f"              <vd:referencedDocument>\n"
        f"                <vd:issueNumber>{_x(doc.reference)}</vd:issueNumber>\n"
        f"                <vd:issueDate>{issued:%Y-%m-%d}</vd:issueDate>\n"
        f"                <vd:type>1</vd:type>\n"
        f"                <vd:relationshipType>1</vd:relationshipType>\n"
        f"              </vd:referencedDocument>\n{status_changes}"
        f"            </{element}>\n"
    )


_VETIS_ERRORS: Final = {
    "error": (("APLM0012", "An unexpected error has occurred while invoking target service"),),
    "rejected": (
        ("MERC13284", "Недостаточно продукции в записи складского журнала"),
        ("MERC11014", "Не указан номер транспортного средства"),
    ),
}


def _write_vetis(
    w: _Writer, doc: SampleDocument, outcome: Outcome, rng: random.Random, seq: int
) -> None:
    issued = _start(doc, rng)
    received = issued + dt.timedelta(seconds=rng.randint(1, 20))
    produced = received + dt.timedelta(seconds=rng.randint(5, 600))
    status = {"accepted": "COMPLETED", "processing": "IN_PROCESS"}.get(outcome, "REJECTED")
    result = errors = ""
    withdrawn = outcome == "rejected" and rng.random() < 0.5
    if withdrawn:
        status = "COMPLETED"
    if status == "COMPLETED":  # no event of its own: one per returned vet document
        changed = produced + dt.timedelta(hours=rng.randint(1, 48))
        omit_inn = rng.random() < 0.2
        if withdrawn:
            payload = "withdrawVetDocumentResponse"
            documents = _vet_document(
                doc, "merc:vetDocument", "WITHDRAWN", issued, changed, rng, omit_inn
            )
            w.groups["rejected"] += 1
        else:
            vd_status = rng.choice(["CONFIRMED", "UTILIZED"])
            payload = "getVetDocumentListResponse"
            documents = (
                '            <vd:vetDocumentList count="1" total="1" offset="0">\n'
                + _vet_document(doc, "vd:vetDocument", vd_status, issued, changed, rng, omit_inn)
                + "            </vd:vetDocumentList>\n"
            )
            w.groups["processing" if vd_status == "CONFIRMED" else "accepted"] += 1
        result = (
            f"        <apl:result>\n          <merc:{payload}>\n{documents}"
            f"          </merc:{payload}>\n        </apl:result>\n"
        )
    elif status == "REJECTED":
        chosen = _VETIS_ERRORS[outcome][: rng.randint(1, len(_VETIS_ERRORS[outcome]))]
        errors = (
            "        <apl:errors>\n"
            + "".join(
                f'          <apl:error code="{code}">{_x(text)}</apl:error>\n'
                for code, text in chosen
            )
            + "        </apl:errors>\n"
        )
        w.groups[outcome] += len(chosen)  # every error is an event of its own
    else:
        w.groups["processing"] += 1
    done = (
        f"        <apl:rcvDate>{_msk(received)}+03:00</apl:rcvDate>\n"
        f"        <apl:prdcRsltDate>{_msk(produced)}+03:00</apl:prdcRsltDate>\n"
        if status != "IN_PROCESS"
        else ""
    )
    response = (
        f"    <ws:receiveApplicationResultResponse>\n      <apl:application>\n"
        f"        <apl:applicationId>{_uuid(rng)}</apl:applicationId>\n"
        f"        <apl:status>{status}</apl:status>\n"
        f"        <apl:serviceId>mercury-g2b.service:2.1</apl:serviceId>\n"
        f"        <apl:issuerId>{_uuid(rng)}</apl:issuerId>\n"
        f"        <apl:issueDate>{_msk(issued)}+03:00</apl:issueDate>\n"
        f"{done}{result}{errors}"
        f"      </apl:application>\n    </ws:receiveApplicationResultResponse>\n"
    )
    if rng.random() < 0.7:
        text = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope {_VETIS_NS}>\n'
            f"  <soapenv:Header/>\n  <soapenv:Body>\n{response}  </soapenv:Body>\n"
            f"</soapenv:Envelope>\n"
        )
    else:  # some clients store only the response element
        text = response.strip().replace(
            "<ws:receiveApplicationResultResponse>",
            f"<ws:receiveApplicationResultResponse {_VETIS_NS}>",
            1,
        )
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'
    w.write("vetis", f"{issued:%Y%m%d}_{seq:06d}_receiveApplicationResult.xml", text.encode())


# ---------------------------------------------------------------- ГИС МТ

_GISMT_ERRORS: Final = (
    "4: Код маркировки не принадлежит участнику оборота товаров",
    "15: Код маркировки не найден в ГИС МТ",
)


def _utc_ms(moment_msk: dt.datetime) -> str:
    utc = moment_msk.replace(tzinfo=_MSK).astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _gismt_rows(
    w: _Writer, doc: SampleDocument, outcome: Outcome, rng: random.Random
) -> list[dict[str, object]]:
    start = _start(doc, rng)
    status = {
        "accepted": "ACCEPTED",
        "rejected": "CHECKED_NOT_OK",
        "error": "PROCESSING_ERROR",
        "processing": rng.choice(["IN_PROGRESS", "WAIT_ACCEPTANCE"]),
    }[outcome]
    ship: dict[str, object] = {
        "number": _uuid(rng),
        "docDate": _utc_ms(start.replace(hour=0, minute=0, second=0, microsecond=0)),
        "receivedAt": _utc_ms(start + dt.timedelta(minutes=rng.randint(1, 15))),
        "type": "LP_SHIP_GOODS",
        "status": status,
        "senderInn": doc.organization_inn,
        "senderName": "ООО «Наша компания»",
        "receiverInn": doc.counterparty_inn,
        "receiverName": rng.choice(COMPANY_NAMES),
        "invoiceNumber": doc.reference,
        "invoiceDate": f"{start:%Y-%m-%d}",
        "input": False,
        "productGroup": rng.choice(["lp", "shoes", "milk", "water"]),
        "downloadStatus": "SUCCESS",
    }
    if outcome == "rejected":
        ship["errors"] = [rng.choice(_GISMT_ERRORS)]
    if outcome == "error":
        ship["downloadStatus"] = "FAILED"
        ship["downloadDesc"] = "Техническая ошибка обработки документа, повторите отправку"
    if rng.random() < 0.15:  # older clients leave the direction flag out
        del ship["input"]
    w.groups[STATUS_GROUP_OF[status]] += 1
    rows = [ship]
    if outcome == "accepted":
        rows.append(
            {
                "number": _uuid(rng),
                "docDate": ship["docDate"],
                "receivedAt": _utc_ms(start + dt.timedelta(hours=rng.randint(1, 30))),
                "type": "LP_ACCEPT_GOODS",
                "status": "CHECKED_OK",
                "senderInn": doc.organization_inn,
                "receiverInn": doc.counterparty_inn,
                "invoiceNumber": doc.reference,
                "input": True,
                "relatedDocId": ship["number"],
            }
        )
        w.groups["accepted"] += 1
    return rows


STATUS_GROUP_OF: Final = {
    "ACCEPTED": "accepted",
    "CHECKED_NOT_OK": "rejected",
    "PROCESSING_ERROR": "error",
    "IN_PROGRESS": "processing",
    "WAIT_ACCEPTANCE": "processing",
}


# ---------------------------------------------------------------- malformed and hostile

_BILLION_LAUGHS: Final = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<ws:receiveApplicationResultResponse xmlns:ws="http://api.vetrf.ru/schema/cdm/'
    b'application/ws-definitions">&lol9;</ws:receiveApplicationResultResponse>\n'
)
_XXE: Final = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE ns:Documents [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<ns:Documents xmlns:ns="http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01">'
    b"<ns:Owner><ns:FSRAR_ID>&xxe;</ns:FSRAR_ID></ns:Owner></ns:Documents>\n"
)
MALFORMED: Final[tuple[tuple[str, str, bytes], ...]] = (
    (
        "egais",
        "WayBill_v4_truncated.xml",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ns:Documents '
        b'xmlns:ns="http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01"><ns:Owner><ns:FSRAR_ID>0300',
    ),
    ("vetis", "receiveApplicationResult_entities.xml", _BILLION_LAUGHS),
    ("gismt", "doc_list_truncated.json", b'{"results": [{"number": "b2f1c3", "type": "LP_SH'),
    ("egais", "Ticket_xxe.xml", _XXE),
    (
        "egais",
        "Ticket_undeclared_cp1251.xml",
        '<ns:Documents xmlns:ns="http://fsrar.ru/WEGAIS/WB_DOC_SINGLE_01"><ns:Owner>'
        "<ns:FSRAR_ID>030000000001</ns:FSRAR_ID></ns:Owner><ns:Document><ns:Ticket>"
        '<tc:Comments xmlns:tc="http://fsrar.ru/WEGAIS/Ticket">Ошибка</tc:Comments>'
        "</ns:Ticket></ns:Document></ns:Documents>".encode("cp1251"),
    ),
    (
        "gismt",
        "doc_list_missing_status.json",
        json.dumps({"results": [{"number": "a1", "type": "LP_SHIP_GOODS"}]}).encode(),
    ),
    (
        "vetis",
        "unknown_root.xml",
        b'<?xml version="1.0"?><report xmlns="urn:example:other"><row/></report>',
    ),
)


def _pick_outcome(rng: random.Random) -> Outcome:
    roll = rng.random()
    for outcome, weight in _OUTCOME_WEIGHTS:
        if roll < weight:
            return outcome  # type: ignore[return-value]
        roll -= weight
    return "processing"


def write_sample_inbox(
    inbox_dir: Path, documents: list[SampleDocument], seed: int
) -> dict[str, int]:
    """Write the GIS files for `documents` under inbox_dir/<system>/; returns the tallies.

    Keys: `<system>_files`, `malformed_files`, `events` and `events_<status_group>` for the
    events the well-formed files hold.
    """
    rng = random.Random(seed)
    w = _Writer(inbox_dir)
    gismt_days: dict[dt.date, list[dict[str, object]]] = defaultdict(list)
    unanswered: dict[tuple[dt.date, str], _NoAnswer] = {}
    for seq, doc in enumerate(documents, start=1):
        systems = doc.systems
        if systems is None:
            systems = tuple(
                s for s, p in zip(SYSTEMS, (0.5, 0.45, 0.7), strict=True) if rng.random() < p
            )
            systems = systems or ("gismt",)
        unknown = set(systems) - set(SYSTEMS)
        if unknown:
            raise ValueError(f"unknown systems {sorted(unknown)} for {doc.reference}")
        # One outcome per document and system, drawn in a fixed order for determinism.
        outcomes = {s: _pick_outcome(rng) for s in SYSTEMS}
        doc_rng = random.Random(rng.getrandbits(64))
        if "egais" in systems:
            _write_egais(w, doc, outcomes["egais"], doc_rng, seq, unanswered)
        if "vetis" in systems:
            _write_vetis(w, doc, outcomes["vetis"], doc_rng, seq)
        if "gismt" in systems:
            day = _start(doc, random.Random(0)).date()
            gismt_days[day].extend(_gismt_rows(w, doc, outcomes["gismt"], doc_rng))
    _write_no_answers(w, unanswered)
    for day, rows in sorted(gismt_days.items()):
        page = {"results": rows, "nextPage": False}
        if rng.random() < 0.5:
            page["total"] = len(rows)
        body = json.dumps(page, ensure_ascii=False, indent=2 if rng.random() < 0.5 else None)
        w.write("gismt", f"{day:%Y%m%d}_doc_list.json", body.encode())
    malformed = 0
    if documents:
        wanted = min(len(MALFORMED), max(3, len(documents) // 20))
        for system, name, data in MALFORMED[:wanted]:
            w.write(system, f"zz_bad_{name}", data)
            malformed += 1
    tallies = {f"{s}_files": w.files[s] for s in SYSTEMS}
    for s, _, _ in MALFORMED[:malformed]:
        tallies[f"{s}_files"] -= 1
    tallies["malformed_files"] = malformed
    tallies["events"] = sum(w.groups.values())
    for group in ("accepted", "rejected", "processing", "error"):
        tallies[f"events_{group}"] = w.groups[group]
    return tallies
