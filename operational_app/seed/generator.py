"""Pure generation of the demo dataset as column arrays (no database access).

Times are int64 UTC epoch seconds while generating and `datetime64[s]` in the output. Each part
draws from its own child of one `SeedSequence`, so tuning one part does not reshuffle the rest.
Deal stage changes follow the rules of the deal domain services: creating a staged deal enters
stage 1; an advance that jumps over a stage records it with `was_skipped`; a win moves the deal to
the final stage (stages in between recorded as skipped); a loss keeps the current stage; only a
lost deal can be reopened, which re-enters its stage.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from operational_app.db.models import LEGAL_FORMS, PARTNER_KINDS
from operational_app.seed import reference as ref
from operational_app.seed.gis_files import vetis_business_entity_guid
from operational_app.seed.identifiers import kpp, tax_offices, unique_inns
from operational_app.seed.requisites import organization_requisites

DAY = 86_400
HOUR = 3_600
MSK = 3 * HOUR  # working hours are Moscow time; everything stored is UTC
WINDOW_DAYS = 730
NULL_ID = -1  # negative integers in id columns mean NULL
# Namespace of the seeded ВетИС enterprise (площадка) GUIDs: uuid5 of "<ИНН>/<n>".
_VETIS_ENTERPRISES = uuid.UUID("3d0b5f8e-9c1a-4f27-b6e4-5a8d2c7e1f90")
ENTERPRISES_PER_ORGANIZATION = 2

ColumnValues = np.ndarray | list
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Scale:
    deals: int
    partners: int
    managers: int
    operators: int


SCALES: dict[str, Scale] = {
    "demo": Scale(deals=2_000, partners=250, managers=8, operators=3),
    "small": Scale(deals=20_000, partners=2_500, managers=20, operators=4),
    "medium": Scale(deals=200_000, partners=25_000, managers=80, operators=6),
    "large": Scale(deals=1_000_000, partners=125_000, managers=200, operators=10),
    # For the growth benchmark (issue 23): how far one machine goes.
    "xlarge": Scale(deals=5_000_000, partners=625_000, managers=200, operators=10),
}


@dataclass
class TableData:
    """Columns of one table, all the same length. Conventions for the writers:

    datetime64[s] → DateTime (NaT is NULL), datetime64[D] → Date, bool → Boolean, int64 → Integer
    (negative is NULL), float64 → Numeric, list of str | None → text.
    """

    name: str
    columns: dict[str, ColumnValues] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


def _stamp(seconds: np.ndarray) -> np.ndarray:
    out = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    out[np.asarray(seconds) < 0] = np.datetime64("NaT")
    return out


def _tracked(
    name: str,
    columns: dict[str, ColumnValues],
    created: np.ndarray,
    updated: np.ndarray | None = None,
    deleted: np.ndarray | None = None,
) -> TableData:
    n = created.size
    tracked: dict[str, ColumnValues] = {"id": np.arange(1, n + 1, dtype=np.int64)}
    tracked.update(columns)
    tracked["created_at"] = _stamp(created)
    tracked["updated_at"] = _stamp(created if updated is None else updated)
    tracked["version"] = np.ones(n, dtype=np.int64)
    tracked["deleted_at"] = _stamp(np.full(n, -1) if deleted is None else deleted)
    return TableData(name, tracked)


def working_time(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Move times forward into Moscow working hours (Mon–Fri 9:00–19:00): people do the clicks."""
    local = t + MSK
    day, sec = local // DAY, local % DAY
    morning = 9 * HOUR + rng.integers(0, 90 * 60, t.size)
    early = sec < 9 * HOUR
    late = sec >= 19 * HOUR
    sec = np.where(early | late, morning, sec)
    day = day + late
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    day = day + np.where(weekday == 5, 2, 0) + np.where(weekday == 6, 1, 0)
    return day * DAY + sec - MSK


def _day_weights(first_day: int, days: int) -> np.ndarray:
    """Relative deal intake per calendar day: year-end peak, January and May holidays, growth."""
    month_factor = np.array(
        [0.0, 0.7, 0.95, 1.1, 1.05, 0.85, 0.95, 0.85, 0.85, 1.1, 1.15, 1.2, 1.1]
    )
    dates = (np.arange(first_day, first_day + days)).astype("datetime64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (np.arange(first_day, first_day + days) + 3) % 7
    weights = month_factor[months] * np.where(weekday < 5, 1.0, 0.03)
    holidays = (
        ((months == 1) & (day_of_month <= 8))
        | ((months == 5) & np.isin(day_of_month, [1, 2, 3, 9, 10]))
        | ((months == 2) & (day_of_month == 23))
        | ((months == 3) & (day_of_month == 8))
        | ((months == 6) & (day_of_month == 12))
        | ((months == 11) & (day_of_month == 4))
        | ((months == 12) & (day_of_month == 31))
    )
    weights = np.where(holidays, weights * 0.05, weights)
    return weights * (1 + 0.25 * np.arange(days) / days)


def _sample_times(rng: np.random.Generator, n: int, start: int, horizon: int) -> np.ndarray:
    first_day = start // DAY
    days = (horizon - start) // DAY
    weights = _day_weights(first_day, days)
    day = first_day + rng.choice(days, size=n, p=weights / weights.sum())
    # Local 8:30–19:00, busiest around lunch.
    local_sec = np.clip(rng.normal(13.0, 2.5, n), 8.5, 18.99) * HOUR
    return day * DAY + local_sec.astype(np.int64) - MSK


def _pick(rng: np.random.Generator, weights: list[float] | tuple[float, ...], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _person_names(rng: np.random.Generator, n: int, male_share: float = 0.55) -> list[tuple]:
    """(surname, first name, patronymic, is_male) of random Russian people."""
    male = rng.random(n) < male_share
    surname = rng.integers(0, len(ref.SURNAMES), n)
    first_m = rng.integers(0, len(ref.MALE_NAMES), n)
    first_f = rng.integers(0, len(ref.FEMALE_NAMES), n)
    father = rng.integers(0, len(ref.MALE_NAMES), n)
    people = []
    for is_male, s, fm, ff, fa in zip(
        male.tolist(),
        surname.tolist(),
        first_m.tolist(),
        first_f.tolist(),
        father.tolist(),
        strict=True,
    ):
        last = ref.SURNAMES[s] if is_male else ref.feminine_surname(ref.SURNAMES[s])
        first = ref.MALE_NAMES[fm][0] if is_male else ref.FEMALE_NAMES[ff]
        patronymic = ref.MALE_NAMES[fa][1 if is_male else 2]
        people.append((last, first, patronymic, is_male))
    return people


def _phones(rng: np.random.Generator, codes: list[str]) -> list[str]:
    local = rng.integers(0, 10**7, len(codes)).tolist()
    out = []
    for code, number in zip(codes, local, strict=True):
        digits = f"{number:07d}"[len(code) - 3 :]
        out.append(f"+7 ({code}) {digits[:-4]}-{digits[-4:-2]}-{digits[-2:]}")
    return out


def _mobiles(rng: np.random.Generator, n: int) -> list[str]:
    codes = rng.choice([903, 905, 909, 912, 915, 916, 921, 925, 926, 950, 977, 985, 999], n)
    local = rng.integers(0, 10**7, n)
    return [
        f"+7 ({c}) {x // 10**4:03d}-{x // 100 % 100:02d}-{x % 100:02d}"
        for c, x in zip(codes.tolist(), local.tolist(), strict=True)
    ]


def _addresses(rng: np.random.Generator, cities: list[ref.City]) -> list[str]:
    n = len(cities)
    postal = rng.integers(0, 10**5, n).tolist()
    street = rng.integers(0, len(ref.STREETS), n).tolist()
    house = (1 + rng.geometric(0.04, n)).tolist()
    tail_kind = rng.integers(0, 4, n).tolist()
    tail_no = rng.integers(1, 400, n).tolist()
    out = []
    for city, p, s, h, tk, tn in zip(
        cities, postal, street, house, tail_kind, tail_no, strict=True
    ):
        code = (city.postal_prefix + f"{p:05d}")[:6]
        tail = ("", f", офис {tn}", f", стр. {tn % 5 + 1}", f", пом. {tn % 60 + 1}")[tk]
        out.append(f"{code}, г. {city.name}, {ref.STREETS[s]}, д. {h}{tail}")
    return out


def _domain(core: str) -> str:
    latin = "".join(ch for ch in ref.translit(core).replace(" ", "-") if ch.isalnum() or ch == "-")
    return f"{latin.strip('-')}.ru"


def organization_gis_identities(inns: list[str]) -> dict[str, list[str]]:
    """Our organizations' ВетИС and ГИС МТ identities, derived from their ИНН (no draws, so the
    other generated data do not move): the business-entity GUID is the one the seeded ВетИС
    files name our side by (`seed.gis_files.vetis_business_entity_guid`), so the parser
    recognises us by GUID; the ГИС МТ participant is the organization itself (the seeded
    document lists send from our ИНН). List columns are comma-separated, as the pipeline reads.
    """
    return {
        "vetis_business_entity_guid": [vetis_business_entity_guid(inn) for inn in inns],
        "vetis_enterprise_guids": [
            ",".join(
                str(uuid.uuid5(_VETIS_ENTERPRISES, f"{inn}/{n}"))
                for n in range(1, ENTERPRISES_PER_ORGANIZATION + 1)
            )
            for inn in inns
        ],
        "gismt_participant_inn": list(inns),
    }


class _Builder:
    def __init__(self, scale: Scale, seed: int, as_of: dt.date, progress: Progress) -> None:
        self.scale = scale
        self.progress = progress
        streams = np.random.SeedSequence(seed).spawn(8)
        self.rngs = [np.random.default_rng(s) for s in streams]
        # Everything happens before midnight UTC starting as_of: deterministic and never future.
        self.horizon = (as_of - dt.date(1970, 1, 1)).days * DAY
        self.start = self.horizon - WINDOW_DAYS * DAY
        self.cities = [c for r in ref.REGIONS for c in r.cities]
        self.city_region = np.array([i for i, r in enumerate(ref.REGIONS) for _ in r.cities])

    # -- reference data -------------------------------------------------------------------------

    def reference(self) -> list[TableData]:
        rng = self.rngs[0]
        t0 = self.start
        org_regions = np.array([o[1] for o in ref.ORGANIZATIONS])
        offices = tax_offices(rng, org_regions)
        inns = unique_inns(rng, offices, np.zeros(offices.size, bool), set())
        fsrar = rng.integers(0, 10**8, offices.size).tolist()
        n_org = len(ref.ORGANIZATIONS)
        organizations = _tracked(
            "organizations",
            {
                "name": [o[0] for o in ref.ORGANIZATIONS],
                "inn": inns,
                "kpp": [kpp(int(o)) for o in offices],
                "fsrar_id": [
                    f"{o[2]}{f:08d}" for o, f in zip(ref.ORGANIZATIONS, fsrar, strict=True)
                ],
                **organization_gis_identities(inns),
                **organization_requisites(n_org),
            },
            np.full(n_org, t0),
        )
        regions = _tracked(
            "business_regions",
            {"name": [r.name for r in ref.REGIONS], "code": [r.code for r in ref.REGIONS]},
            np.full(len(ref.REGIONS), t0),
        )
        kinds = _tracked(
            "deal_kinds",
            {
                "name": [k.name for k in ref.DEAL_KINDS],
                "has_stages": np.array([bool(k.stages) for k in ref.DEAL_KINDS]),
            },
            np.full(len(ref.DEAL_KINDS), t0),
        )
        stage_kind = [i + 1 for i, k in enumerate(ref.DEAL_KINDS) for _ in k.stages]
        stages = _tracked(
            "sales_stages",
            {
                "deal_kind_id": np.array(stage_kind, dtype=np.int64),
                "name": [s for k in ref.DEAL_KINDS for s in k.stages],
                "sequence": np.array(
                    [i + 1 for k in ref.DEAL_KINDS for i in range(len(k.stages))], dtype=np.int64
                ),
            },
            np.full(len(stage_kind), t0),
        )
        reasons = _tracked(
            "loss_reasons", {"name": list(ref.LOSS_REASONS)}, np.full(len(ref.LOSS_REASONS), t0)
        )
        return [organizations, regions, self.users(), kinds, stages, reasons]

    def users(self) -> TableData:
        rng = self.rngs[0]
        s = self.scale
        n = 1 + s.managers + s.operators
        people = _person_names(rng, n)
        roles = ["administrator"] + ["manager"] * s.managers + ["operator"] * s.operators
        logins, names = [], []
        used: set[str] = {"admin"}
        for i, (last, first, patronymic, _) in enumerate(people):
            names.append(f"{last} {first} {patronymic}")
            if i == 0:
                logins.append("admin")
                continue
            base = f"{ref.translit(last)}.{ref.translit(first)[0]}"
            login, k = base, 1
            while login in used:
                k += 1
                login = f"{base}{k}"
            used.add(login)
            logins.append(login)
        # Managers cover regions in proportion to the partners there.
        self.manager_ids = np.arange(2, 2 + s.managers, dtype=np.int64)
        self.manager_region = _pick(rng, [r.weight for r in ref.REGIONS], s.managers)
        self.manager_skill = rng.normal(0.0, 0.35, s.managers)  # logit shift of conversions
        return _tracked(
            "users",
            {
                "login": logins,
                "full_name": names,
                "email": [f"{lg}@{ref.COMPANY_EMAIL_DOMAIN}" for lg in logins],
                "role": roles,
                "is_active": np.ones(n, dtype=bool),
            },
            np.full(n, self.start),
        )

    # -- partners -------------------------------------------------------------------------------

    def partner_attributes(self) -> None:
        """Everything about partners except times (those depend on their first deal)."""
        rng = self.rngs[1]
        n = self.scale.partners
        kind = _pick(rng, [0.88, 0.07, 0.05], n)  # customer, supplier, other
        form = _pick(rng, [0.71, 0.27, 0.02], n)  # legal entity, entrepreneur, person
        form[(form == 2) & (kind != 0)] = 0  # private persons only buy
        region = _pick(rng, [r.weight for r in ref.REGIONS], n)
        city_offset = np.cumsum([0] + [len(r.cities) for r in ref.REGIONS])
        sizes = np.array([len(r.cities) for r in ref.REGIONS])
        city = city_offset[region] + (rng.random(n) * sizes[region]).astype(np.int64)

        style = rng.random(n)
        draws = rng.integers(0, 1 << 30, (n, 4))
        company_form = _pick(rng, [f[2] for f in ref.COMPANY_FORMS], n)
        people = _person_names(rng, n, male_share=0.7)
        names, legal, short, domains = [], [], [], []
        used: set[str] = set()
        for i in range(n):
            d = draws[i]
            if form[i] == 0:
                if style[i] < 0.45:
                    core = (
                        ref.NAME_ROOTS[d[0] % len(ref.NAME_ROOTS)]
                        + ref.NAME_STEMS[d[1] % len(ref.NAME_STEMS)]
                    )
                elif style[i] < 0.85:
                    adjective = ref.NAME_ADJECTIVES[d[0] % len(ref.NAME_ADJECTIVES)]
                    core = f"{adjective} {ref.NAME_NOUNS[d[1] % len(ref.NAME_NOUNS)]}"
                else:
                    core = ref.NAME_WORDS[d[0] % len(ref.NAME_WORDS)]
                core += ref.NAME_SUFFIXES[d[2] % len(ref.NAME_SUFFIXES)]
                abbr, full, _ = ref.COMPANY_FORMS[company_form[i]]
                name, legal_name, short_name = f'{abbr} "{core}"', f'{full} "{core}"', core
                domains.append(_domain(core))
            else:
                last, first, patronymic, _ = people[i]
                full_name = f"{last} {first} {patronymic}"
                if form[i] == 1:
                    name = f"ИП {last} {first[0]}.{patronymic[0]}."
                    legal_name, short_name = f"Индивидуальный предприниматель {full_name}", name
                else:
                    name = legal_name = short_name = full_name
                mailbox = ref.PUBLIC_EMAIL_DOMAINS[d[2] % len(ref.PUBLIC_EMAIL_DOMAINS)]
                domains.append(mailbox)
            # 1C users tell namesakes apart by the city in brackets.
            if name in used:
                name = f"{name} ({self.cities[city[i]].name})"
                k = 1
                while name in used:
                    k += 1
                    name = f"{name.rsplit(' (', 1)[0]} ({self.cities[city[i]].name}, {k})"
            used.add(name)
            names.append(name)
            legal.append(legal_name)
            short.append(short_name)

        # Partners mostly belong to a manager of their region.
        manager = rng.integers(0, self.scale.managers, n)
        local = rng.random(n) < 0.8
        for r in range(len(ref.REGIONS)):
            pool = np.flatnonzero(self.manager_region == r)
            mask = local & (region == r)
            if pool.size and mask.any():
                manager[mask] = pool[rng.integers(0, pool.size, mask.sum())]
        # Deal volume per customer is heavy-tailed; a fifth are prospects that never bought.
        weight = rng.lognormal(0.0, 1.2, n)
        weight[(kind != 0) | (rng.random(n) < 0.2)] = 0.0
        self.p = {
            "kind": kind,
            "form": form,
            "region": region,
            "city": city,
            "manager": manager,
            "weight": weight,
            "names": names,
            "legal": legal,
            "short": short,
            "domains": domains,
            "people": people,
        }

    # -- deals ----------------------------------------------------------------------------------

    def deals_and_history(self) -> tuple[TableData, TableData]:
        rng = self.rngs[2]
        n = self.scale.deals
        p = self.p
        weight = p["weight"]
        if weight.sum() == 0:  # tiny custom scales may draw no buying customer
            weight = np.ones(weight.size)
        partner = rng.choice(weight.size, size=n, p=weight / weight.sum())
        created = working_time(rng, _sample_times(rng, n, self.start, self.horizon))
        created = np.minimum(created, self.horizon - 60)
        kind = _pick(rng, [k.share for k in ref.DEAL_KINDS], n)
        own = rng.random(n) < 0.85
        manager = np.where(own, p["manager"][partner], rng.integers(0, self.scale.managers, n))

        # Key accounts (heavier partner weight) place bigger orders.
        key_account = 0.25 * np.log(
            np.maximum(weight[partner], 1e-3) / np.median(weight[weight > 0])
        )
        key_account = np.clip(key_account, -0.5, 1.0)
        medians = np.array([k.amount_median for k in ref.DEAL_KINDS])
        sigmas = np.array([k.amount_sigma for k in ref.DEAL_KINDS])
        amount = rng.lognormal(np.log(medians[kind]) + key_account, sigmas[kind])
        amount = np.clip(amount, 10_000, 95_000_000)
        step = np.where(amount < 100_000, 100, np.where(amount < 1_000_000, 1_000, 10_000))
        amount = np.round(amount / step) * step
        size = np.log(amount / medians[kind])  # >0: bigger than usual for its kind

        self.progress("generate", 3, 6)
        sim = _simulate(rng, kind, created, size, self.manager_skill[manager], self.horizon)
        status, stage, closed, reason, updated = sim.final

        # Soft-deleted duplicates: stage-1 deals removed shortly after their last change.
        deleted = np.full(n, -1, dtype=np.int64)
        cand = (stage <= 0) & (status != 1) & (rng.random(n) < 0.01)
        deleted[cand] = working_time(rng, updated[cand] + rng.integers(HOUR, 5 * DAY, cand.sum()))
        cand &= deleted < self.horizon
        deleted[~cand] = -1
        updated = np.where(cand, deleted, updated)

        # Ids follow creation time, like a real sequence would.
        order = np.argsort(created, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        self.deal_partner = partner
        self.deal_created = created

        kind_stage_offset = np.cumsum([0] + [len(k.stages) for k in ref.DEAL_KINDS])
        stage_id = np.where(stage >= 0, kind_stage_offset[kind] + stage + 1, NULL_ID)
        stage_probability = np.zeros((len(ref.DEAL_KINDS), 8), dtype=np.int64)
        for i, k in enumerate(ref.DEAL_KINDS):
            stage_probability[i, : len(k.stage_probability)] = k.stage_probability
        probability = np.select(
            [status == 1, status == 2], [100, 0], stage_probability[kind, np.maximum(stage, 0)]
        )
        cycle = np.array([k.cycle_days for k in ref.DEAL_KINDS])
        plan_days = cycle[kind] * rng.lognormal(0.15 * size, 0.35)
        planned = ((created + plan_days * DAY) // DAY).astype(np.int64).astype("datetime64[D]")

        topics = [rng.integers(0, len(k.topics), n) for k in ref.DEAL_KINDS]
        comment_pick = rng.integers(0, 1 << 30, n)
        with_comment = rng.random(n) < 0.35
        names, comments = [], []
        short = self.p["short"]
        kind_l, part_l = kind.tolist(), partner.tolist()
        topic_l = [t.tolist() for t in topics]
        status_l, reason_l = status.tolist(), reason.tolist()
        pick_l, with_l = comment_pick.tolist(), with_comment.tolist()
        for i in range(n):
            k = kind_l[i]
            names.append(f"{ref.DEAL_KINDS[k].topics[topic_l[k][i]]} ({short[part_l[i]]})")
            if status_l[i] == 2 and with_l[i]:
                options = ref.LOSS_COMMENTS[reason_l[i]]
                comments.append(options[pick_l[i] % len(options)])
            else:
                comments.append(None)

        def by_id(values: ColumnValues) -> ColumnValues:
            if isinstance(values, list):
                return [values[i] for i in order]
            return values[order]

        statuses = np.array(["in_progress", "won", "lost"])[status]
        deals = _tracked(
            "deals",
            {
                # domain.deals._next_number format: numbers the app assigns continue the series.
                "number": [f"СД-{i:06d}" for i in range(1, n + 1)],
                "name": by_id(names),
                "partner_id": by_id(partner),  # remapped once partners are ordered
                "deal_kind_id": by_id(kind.astype(np.int64) + 1),
                "manager_id": by_id(self.manager_ids[manager]),
                "status": by_id(statuses).tolist(),
                "current_stage_id": by_id(stage_id),
                "potential_amount": by_id(amount),
                "probability": by_id(probability),
                "planned_close_date": by_id(planned),
                "closed_at": by_id(_stamp(closed)),
                "loss_reason_id": by_id(np.where(reason >= 0, reason + 1, NULL_ID)),
                "loss_comment": by_id(comments),
            },
            created[order],
            updated[order],
            deleted[order],
        )

        h = sim.history
        h_order = np.lexsort((h["seq"], rank[h["deal"]], h["entered"]))
        h_deal = h["deal"][h_order]
        history = _tracked(
            "deal_stage_history",
            {
                "deal_id": rank[h_deal] + 1,
                "stage_id": kind_stage_offset[kind[h_deal]] + h["stage"][h_order] + 1,
                "entered_at": _stamp(h["entered"][h_order]),
                "left_at": _stamp(h["left"][h_order]),
                "was_skipped": h["skipped"][h_order],
                "user_id": self.manager_ids[manager[h_deal]],
            },
            h["entered"][h_order],
            np.where(h["left"] >= 0, h["left"], h["entered"])[h_order],
        )
        return deals, history

    def partner_tables(self, deals: TableData) -> list[TableData]:
        rng = self.rngs[3]
        p = self.p
        n = self.scale.partners
        first = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first, self.deal_partner, self.deal_created)
        has_deals = first < np.iinfo(np.int64).max
        # A partner card appears some days before its first deal; prospects at random times.
        first = np.where(has_deals, first, self.horizon)
        lead = rng.lognormal(np.log(5 * DAY), 1.0, n)
        # Near the window start, spread cards over the time available instead of clipping.
        room = (first - self.start - HOUR) * rng.uniform(0.2, 0.9, n)
        lead = np.minimum(lead, room).astype(np.int64)
        before = np.maximum(working_time(rng, first - lead), self.start + HOUR)
        before = np.minimum(before, first - 600)
        anytime = working_time(rng, _sample_times(rng, n, self.start, self.horizon))
        created = np.where(has_deals, before, np.minimum(anytime, self.horizon - HOUR))
        created = np.maximum(created, self.start + 60)
        deleted = np.full(n, -1, dtype=np.int64)
        doomed = ~has_deals & (rng.random(n) < 0.04)  # duplicates and dead leads get marked
        deleted[doomed] = created[doomed] + rng.integers(DAY, 120 * DAY, doomed.sum())
        deleted[deleted >= self.horizon] = -1

        order = np.argsort(created, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        deals.columns["partner_id"] = rank[np.asarray(deals.columns["partner_id"])] + 1
        kinds = np.array(PARTNER_KINDS)[p["kind"]]
        weight_rank = np.argsort(np.argsort(-p["weight"], kind="stable"))
        key = (weight_rank < max(1, n // 50)) & (p["weight"] > 0)
        comment = np.where(key, "Ключевой клиент", None)[order].tolist()
        partners = _tracked(
            "partners",
            {
                "name": [p["names"][i] for i in order],
                "kind": kinds[order].tolist(),
                "business_region_id": p["region"][order].astype(np.int64) + 1,
                "manager_id": self.manager_ids[p["manager"][order]],
                "comment": comment,
            },
            created[order],
            np.where(deleted >= 0, deleted, created)[order],
            deleted[order],
        )
        return [
            partners,
            *self.counterparties(order, created, deleted),
            self.contacts(order, created),
        ]

    def counterparties(
        self, order: np.ndarray, created: np.ndarray, deleted: np.ndarray
    ) -> list[TableData]:
        rng = self.rngs[4]
        p = self.p
        form = p["form"][order]
        city = p["city"][order]
        n = order.size
        tax_region = np.array([c.tax_region for c in self.cities])
        offices = tax_offices(rng, tax_region[city])
        inns = unique_inns(rng, offices, form != 0, set())
        # Some companies have a second counterparty: a branch (same ИНН, own КПП) or a sister firm.
        second = (form == 0) & (rng.random(n) < 0.15)
        branch = second & (rng.random(n) < 0.5)
        sister = second & ~branch
        sister_idx = np.flatnonzero(sister)
        sister_inns = unique_inns(
            rng, offices[sister_idx], np.zeros(sister_idx.size, bool), {int(x) for x in inns}
        )
        branch_idx = np.flatnonzero(branch)
        branch_city = rng.integers(0, len(self.cities), branch_idx.size)
        branch_offices = tax_offices(rng, tax_region[branch_city])
        sister_suffix = rng.choice(["-Логистик", " Трейд", "-Сервис", "-Регион", " Холдинг"], n)

        legal_forms = np.array(LEGAL_FORMS)[form].tolist()
        rows_partner = np.arange(n).tolist()
        rows_form = legal_forms
        rows_inn = inns
        rows_kpp = [
            kpp(int(o)) if f == 0 else None for o, f in zip(offices, form.tolist(), strict=True)
        ]
        rows_name = [p["legal"][i] for i in order]
        rows_city = [self.cities[c] for c in city.tolist()]
        p_created = created[order]
        rows_created = p_created + rng.integers(60, 900, n)
        rows_deleted = deleted[order]
        for j, i in enumerate(sister_idx.tolist()):
            rows_partner.append(i)
            rows_form.append("legal_entity")
            rows_inn.append(sister_inns[j])
            rows_kpp.append(kpp(int(offices[i])))
            rows_name.append(rows_name[i].rstrip('"') + f'{sister_suffix[i]}"')
            rows_city.append(rows_city[i])
        for j, i in enumerate(branch_idx.tolist()):
            branch_city_obj = self.cities[branch_city[j]]
            rows_partner.append(i)
            rows_form.append("legal_entity")
            rows_inn.append(rows_inn[i])
            rows_kpp.append(kpp(int(branch_offices[j]), "43"))
            rows_name.append(f"{rows_name[i]} (филиал в г. {branch_city_obj.name})")
            rows_city.append(branch_city_obj)
        extra = np.concatenate([sister_idx, branch_idx]).astype(np.int64)
        later = p_created[extra] + rng.lognormal(np.log(60 * DAY), 1.0, extra.size).astype(np.int64)
        extra_created = np.minimum(working_time(rng, later), self.horizon - 60)
        all_created = np.minimum(np.concatenate([rows_created, extra_created]), self.horizon - 1)
        all_deleted = np.concatenate([rows_deleted, rows_deleted[extra]])
        all_deleted = np.where(all_deleted >= 0, np.maximum(all_deleted, all_created), -1)
        phones = _phones(rng, [c.phone_code for c in rows_city])
        phones = [
            ph if keep else None
            for ph, keep in zip(phones, rng.random(len(phones)) < 0.9, strict=True)
        ]

        addresses = _addresses(rng, rows_city)
        c_order = np.argsort(all_created, kind="stable")
        pick = c_order.tolist()
        table = _tracked(
            "counterparties",
            {
                "partner_id": np.array(rows_partner, dtype=np.int64)[c_order] + 1,
                "legal_form": [rows_form[i] for i in pick],
                "inn": [rows_inn[i] for i in pick],
                "kpp": [rows_kpp[i] for i in pick],
                "legal_name": [rows_name[i] for i in pick],
                "legal_address": [addresses[i] for i in pick],
                "phone": [phones[i] for i in pick],
            },
            all_created[c_order],
            np.where(all_deleted >= 0, all_deleted, all_created)[c_order],
            all_deleted[c_order],
        )
        return [table]

    def contacts(self, order: np.ndarray, created: np.ndarray) -> TableData:
        rng = self.rngs[5]
        p = self.p
        n = order.size
        per_partner = 1 + _pick(rng, [0.45, 0.35, 0.2], n)
        partner = np.repeat(np.arange(n), per_partner)
        m = partner.size
        people = _person_names(rng, m, male_share=0.55)
        role = _pick(rng, [r[1] for r in ref.CONTACT_ROLES], m)
        p_created = created[order][partner]
        first_of_partner = np.r_[True, partner[1:] != partner[:-1]]
        later = p_created + rng.lognormal(np.log(90 * DAY), 1.0, m).astype(np.int64)
        soon = p_created + rng.integers(120, 1_800, m)
        when = np.where(first_of_partner | (rng.random(m) < 0.5), soon, working_time(rng, later))
        when = np.minimum(when, self.horizon - 1)
        mobiles = _mobiles(rng, m)
        has_phone = (rng.random(m) < 0.9).tolist()
        has_email = (rng.random(m) < 0.85).tolist()
        domains = [p["domains"][i] for i in order[partner].tolist()]
        names, emails = [], []
        for (last, first, patronymic, _), domain, e in zip(people, domains, has_email, strict=True):
            names.append(f"{last} {first} {patronymic}")
            mailbox = f"{ref.translit(first)[0]}.{ref.translit(last)}"
            emails.append(f"{mailbox}@{domain}" if e else None)
        c_order = np.argsort(when, kind="stable")
        pick = c_order.tolist()
        return _tracked(
            "contact_persons",
            {
                "partner_id": partner[c_order].astype(np.int64) + 1,
                "full_name": [names[i] for i in pick],
                "role": [ref.CONTACT_ROLES[r][0] for r in role[c_order].tolist()],
                "phone": [mobiles[i] if has_phone[i] else None for i in pick],
                "email": [emails[i] for i in pick],
            },
            when[c_order],
        )


@dataclass
class _Simulation:
    final: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    history: dict[str, np.ndarray]


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _simulate(
    rng: np.random.Generator,
    kind: np.ndarray,
    created: np.ndarray,
    size: np.ndarray,
    skill: np.ndarray,
    horizon: int,
) -> _Simulation:
    """Walk every deal through its stages, all deals at once, one stage change per round.

    Returns final (status 0 in_progress/1 won/2 lost, stage index or -1, closed_at or -1,
    loss-reason index or -1, updated_at) and the stage history rows.
    """
    n = kind.size
    kinds = ref.DEAL_KINDS
    width = max(len(k.stages) for k in kinds) or 1
    n_stages = np.array([len(k.stages) for k in kinds])
    conv = np.ones((len(kinds), width))
    median = np.ones((len(kinds), width))
    loss_mix = np.zeros((len(kinds), width, len(ref.LOSS_REASONS)))
    for i, k in enumerate(kinds):
        conv[i, : len(k.conversion)] = k.conversion
        if k.stages:
            conv[i, len(k.stages) - 1] = k.win_rate
        median[i, : len(k.stage_median_days)] = k.stage_median_days
        mix = np.asarray(k.loss_mix, dtype=float)
        loss_mix[i, : mix.shape[0]] = mix / mix.sum(axis=1, keepdims=True)
    cum_mix = np.cumsum(loss_mix, axis=2)

    status = np.zeros(n, dtype=np.int64)
    stage = np.full(n, -1, dtype=np.int64)
    closed = np.full(n, -1, dtype=np.int64)
    reason = np.full(n, -1, dtype=np.int64)
    updated = created.copy()
    reopened = np.zeros(n, dtype=bool)
    rows: dict[str, list[np.ndarray]] = {
        k: [] for k in ("deal", "stage", "entered", "left", "skipped", "seq")
    }

    def record(
        deal: np.ndarray,
        st: np.ndarray | int,
        entered: np.ndarray,
        left: np.ndarray,
        skipped: bool,
        seq: int,
    ) -> None:
        rows["deal"].append(deal)
        rows["stage"].append(np.broadcast_to(st, deal.shape))
        rows["entered"].append(entered)
        rows["left"].append(left)
        rows["skipped"].append(np.full(deal.size, skipped))
        rows["seq"].append(np.full(deal.size, seq))

    def finish(
        deal: np.ndarray,
        st: np.ndarray | int,
        code: int,
        when: np.ndarray | int,
        why: np.ndarray | int,
        touched: np.ndarray,
    ) -> None:
        status[deal], stage[deal], closed[deal], reason[deal], updated[deal] = (
            code,
            st,
            when,
            why,
            touched,
        )

    # Non-process deals: a quick decision, no stage history.
    flat = np.flatnonzero(n_stages[kind] == 0)
    t = working_time(
        rng, created[flat] + rng.lognormal(np.log(3 * DAY), 0.9, flat.size).astype(np.int64)
    )
    won = rng.random(flat.size) < np.array([k.win_rate for k in kinds])[kind[flat]]
    done = t < horizon
    why = (rng.random(flat.size)[:, None] > np.cumsum(ref.NON_PROCESS_LOSS_MIX) / 100).sum(1)
    finish(flat[~done], -1, 0, -1, -1, created[flat[~done]])
    w, lo = flat[done & won], flat[done & ~won]
    finish(w, -1, 1, t[done & won], -1, t[done & won])
    finish(lo, -1, 2, t[done & ~won], why[done & ~won], t[done & ~won])

    # Staged deals: created at stage 1.
    deal = np.flatnonzero(n_stages[kind] > 0)
    st = np.zeros(deal.size, dtype=np.int64)
    t = created[deal]
    round_no = 0
    while deal.size:
        round_no += 1
        k, last = kind[deal], n_stages[kind[deal]] - 1
        at_last = st == last
        p = 1 / (1 + np.exp(-(_logit(conv[k, st]) + skill[deal] - 0.15 * size[deal])))
        advance = rng.random(deal.size) < p
        # Bigger deals move slower; a few deals stall for months (forgotten in the CRM).
        mu = np.log(median[k, st] * DAY) + 0.3 * size[deal] + np.where(advance, 0.0, 0.3)
        stall = np.where(rng.random(deal.size) < 0.03, np.log(8.0), 0.0)
        leave = working_time(rng, t + rng.lognormal(mu + stall, 0.9).astype(np.int64))
        still = leave >= horizon
        seq = round_no * 16
        record(deal[still], st[still], t[still], np.full(still.sum(), -1), False, seq)
        finish(deal[still], st[still], 0, -1, -1, t[still])
        go = ~still
        record(deal[go], st[go], t[go], leave[go], False, seq)

        early = go & advance & ~at_last & (st >= 2) & (rng.random(deal.size) < 0.04)
        win = go & advance & at_last
        move = go & advance & ~at_last & ~early
        lose = go & ~advance

        # Early win: the domain service carries the deal to the final stage, skipping the rest.
        for j in range(1, width):
            mask = early & (st + j < last)
            record(deal[mask], st[mask] + j, leave[mask], leave[mask], True, seq + j)
        record(deal[early], last[early], leave[early], leave[early], False, seq + 15)
        both = early | win
        finish(deal[both], last[both], 1, leave[both], -1, leave[both])

        r = rng.random(deal.size)
        cum = cum_mix[k, st]
        why = (r[:, None] > cum[:, :-1]).sum(1)
        finish(deal[lose], st[lose], 2, leave[lose], why[lose], leave[lose])

        skip = move & (st + 2 <= last) & (rng.random(deal.size) < 0.08)
        record(deal[skip], st[skip] + 1, leave[skip], leave[skip], True, seq + 1)
        next_stage = st + 1 + skip

        # A few lost deals come back weeks later and re-enter the stage they were lost at.
        back = lose & ~reopened[deal] & (rng.random(deal.size) < 0.05)
        back_at = working_time(
            rng, leave + rng.lognormal(np.log(21 * DAY), 0.8, deal.size).astype(np.int64)
        )
        back &= back_at < horizon
        reopened[deal[back]] = True

        deal = np.concatenate([deal[move], deal[back]])
        st = np.concatenate([next_stage[move], st[back]])
        t = np.concatenate([leave[move], back_at[back]])

    history = {
        key: np.concatenate(parts) if parts else np.zeros(0, np.int64)
        for key, parts in rows.items()
    }
    history["skipped"] = history["skipped"].astype(bool)
    return _Simulation((status, stage, closed, reason, updated), history)


def generate(
    scale: Scale, seed: int, as_of: dt.date, progress: Progress | None = None
) -> list[TableData]:
    """All seeded tables in foreign-key order."""
    report = progress or (lambda _step, _done, _total: None)
    builder = _Builder(scale, seed, as_of, report)
    report("generate", 0, 6)
    tables = builder.reference()
    report("generate", 1, 6)
    builder.partner_attributes()
    report("generate", 2, 6)
    deals, history = builder.deals_and_history()
    report("generate", 4, 6)
    partner_tables = builder.partner_tables(deals)
    report("generate", 6, 6)
    return [*tables, *partner_tables, deals, history]
