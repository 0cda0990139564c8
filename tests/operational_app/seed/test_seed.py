"""The demo data generator: determinism, valid ИНН, deal-history invariants, funnel shape."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import Engine
from stdnum.ru import inn as inn_check

from operational_app.seed import SCALES, SEEDED_TABLES, Scale, seed_database

AS_OF = dt.date(2026, 11, 26)
HORIZON = dt.datetime(2026, 11, 26)
TINY = Scale(deals=400, partners=60, managers=4, operators=2)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _dump(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine, only=list(SEEDED_TABLES))
    with engine.connect() as connection:
        dump = {
            name: connection.execute(select(metadata.tables[name]).order_by(text("id"))).all()
            for name in SEEDED_TABLES
        }
    engine.dispose()
    return dump


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, dict[str, int]]:
    url = _url(tmp_path_factory.mktemp("seed") / "demo.db")
    counts = seed_database(url, "demo", seed=7, as_of=AS_OF)
    engine = create_engine(url)
    yield engine, counts
    engine.dispose()


def _rows(engine: Engine, sql: str) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_scales_grow_from_demo_to_xlarge() -> None:
    assert [SCALES[n].deals for n in ("demo", "small", "medium", "large", "xlarge")] == [
        2_000,
        20_000,
        200_000,
        1_000_000,
        5_000_000,
    ]
    assert all(8 <= s.managers <= 200 for s in SCALES.values())


def test_counts_match_database_and_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    counts = seed_database(
        _url(tmp_path / "db.sqlite"), TINY, as_of=AS_OF, progress=lambda *a: calls.append(a)
    )
    assert counts["deals"] == TINY.deals and counts["partners"] == TINY.partners
    dump = _dump(_url(tmp_path / "db.sqlite"))
    assert {name: len(rows) for name, rows in dump.items()} == counts
    assert ("deals", TINY.deals, TINY.deals) in calls
    assert all(0 <= done <= total for _, done, total in calls)


def test_same_seed_gives_identical_rows_other_seed_differs(tmp_path: Path) -> None:
    urls = [_url(tmp_path / f"{name}.db") for name in ("a", "b", "c")]
    seed_database(urls[0], TINY, seed=1, as_of=AS_OF)
    seed_database(urls[1], TINY, seed=1, as_of=AS_OF)
    seed_database(urls[2], TINY, seed=2, as_of=AS_OF)
    first, again, other = (_dump(url) for url in urls)
    assert first == again
    assert first["deals"] != other["deals"]
    assert first["partners"] != other["partners"]


def test_refuses_to_seed_twice_unless_replace(tmp_path: Path) -> None:
    url = _url(tmp_path / "db.sqlite")
    seed_database(url, TINY, seed=1, as_of=AS_OF)
    with pytest.raises(ValueError, match="replace=True"):
        seed_database(url, TINY, seed=1, as_of=AS_OF)
    counts = seed_database(url, TINY, seed=3, as_of=AS_OF, replace=True)
    dump = _dump(url)
    assert len(dump["deals"]) == counts["deals"]
    fresh = _url(tmp_path / "fresh.sqlite")
    seed_database(fresh, TINY, seed=3, as_of=AS_OF)
    assert _dump(fresh) == dump  # replacing leaves exactly what a fresh seed writes


def test_unknown_scale_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        seed_database(_url(tmp_path / "db.sqlite"), "huge")


def test_foreign_keys_hold(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    assert _rows(engine, "pragma foreign_key_check") == []


def test_inn_and_kpp_are_valid(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    rows = _rows(engine, "select legal_form, inn, kpp from counterparties")
    rows += _rows(engine, "select 'legal_entity', inn, kpp from organizations")
    for legal_form, inn, kpp in rows:
        assert inn_check.is_valid(inn), inn
        if legal_form == "legal_entity":
            assert len(inn) == 10 and kpp is not None and len(kpp) == 9 and kpp.isdigit()
        else:
            assert len(inn) == 12 and kpp is None
    assert len({(inn, kpp) for _, inn, kpp in rows}) == len(rows)
    forms = dict(_rows(engine, "select legal_form, count(*) from counterparties group by 1"))
    assert forms["legal_entity"] > forms["individual_entrepreneur"] > 0


def test_times_are_within_two_years_before_as_of(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    start = (HORIZON - dt.timedelta(days=730)).isoformat(sep=" ")
    end = HORIZON.isoformat(sep=" ")
    checks = {
        "deals": ["created_at", "updated_at", "closed_at", "deleted_at"],
        "deal_stage_history": ["entered_at", "left_at", "created_at", "updated_at"],
        "partners": ["created_at", "updated_at", "deleted_at"],
        "counterparties": ["created_at", "updated_at"],
        "contact_persons": ["created_at", "updated_at"],
    }
    for table, columns in checks.items():
        for column in columns:
            low, high = _rows(engine, f"select min({column}), max({column}) from {table}")[0]
            if low is not None:
                assert start <= low and high < end, (table, column, low, high)
    assert _rows(engine, "select count(*) from deals where updated_at < created_at")[0][0] == 0


def test_deal_history_follows_domain_rules(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    deals = {
        row.id: row
        for row in _rows(
            engine,
            "select d.id, d.status, d.current_stage_id, d.loss_reason_id, d.closed_at,"
            " d.probability, d.created_at, k.has_stages from deals d"
            " join deal_kinds k on k.id = d.deal_kind_id",
        )
    }
    final_stage = dict(_rows(engine, "select deal_kind_id, max(id) from sales_stages group by 1"))
    kind_of = dict(_rows(engine, "select id, deal_kind_id from deals"))
    history: dict[int, list] = {}
    for row in _rows(
        engine,
        "select deal_id, stage_id, entered_at, left_at, was_skipped from deal_stage_history"
        " order by id",
    ):
        history.setdefault(row.deal_id, []).append(row)

    for deal_id, deal in deals.items():
        rows = history.get(deal_id, [])
        if not deal.has_stages:
            assert rows == [] and deal.current_stage_id is None
            continue
        assert rows[0].entered_at == deal.created_at and not rows[0].was_skipped
        open_rows = [r for r in rows if r.left_at is None]
        assert len(open_rows) == (1 if deal.status == "in_progress" else 0)
        for row in rows:
            assert row.left_at is None or row.entered_at <= row.left_at
            if row.was_skipped:
                assert row.entered_at == row.left_at
        assert [r.entered_at for r in rows] == sorted(r.entered_at for r in rows)
        last = rows[-1]
        assert deal.current_stage_id == last.stage_id
        if deal.status == "in_progress":
            assert last.left_at is None and deal.closed_at is None and deal.loss_reason_id is None
        elif deal.status == "won":
            assert last.stage_id == final_stage[kind_of[deal_id]] and not last.was_skipped
            assert last.left_at == deal.closed_at and deal.probability == 100
        else:
            assert deal.loss_reason_id is not None and last.left_at == deal.closed_at
            assert deal.probability == 0
    for deal in deals.values():
        if deal.status == "lost":
            assert deal.loss_reason_id is not None


def test_funnel_shape_is_plausible(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    staged = dict(
        _rows(
            engine,
            "select d.deal_kind_id, count(*) from deals d join deal_kinds k"
            " on k.id = d.deal_kind_id where k.has_stages group by 1",
        )
    )
    funnel = _rows(
        engine,
        "select s.deal_kind_id, s.sequence, count(distinct h.deal_id), sum(h.was_skipped)"
        " from sales_stages s left join deal_stage_history h on h.stage_id = s.id"
        " group by 1, 2 order by 1, 2",
    )
    by_kind: dict[int, list[int]] = {}
    skipped = 0
    for kind, _sequence, entered, skips in funnel:
        by_kind.setdefault(kind, []).append(entered)
        skipped += skips or 0
    for kind, entered in by_kind.items():
        assert entered[0] == staged[kind]  # every staged deal enters stage 1
        assert entered == sorted(entered, reverse=True)
        assert entered[-1] > 0
    assert skipped > 0
    statuses = dict(_rows(engine, "select status, count(*) from deals group by 1"))
    total = sum(statuses.values())
    assert 0.05 < statuses["won"] / total < 0.5
    assert statuses["lost"] > statuses["won"] > 0 and statuses["in_progress"] > 0
    reopened = _rows(
        engine,
        "select count(*) from (select deal_id from deal_stage_history where not was_skipped"
        " group by deal_id, stage_id having count(*) > 1)",
    )[0][0]
    assert reopened > 0
    # Early stages lose contact; late stages lose on price and competitors.
    by_stage = dict(
        _rows(
            engine,
            "select s.sequence, sum(r.name = 'Потеряли контакт') * 1.0 / count(*) from deals d"
            " join sales_stages s on s.id = d.current_stage_id"
            " join loss_reasons r on r.id = d.loss_reason_id where d.deal_kind_id = 1 group by 1",
        )
    )
    assert by_stage[1] > by_stage[4]


def test_recent_deals_are_more_often_in_progress(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    recent, old = (
        _rows(
            engine,
            f"select avg(status = 'in_progress') from deals where created_at {op} '2026-09-01'",
        )[0][0]
        for op in (">=", "<")
    )
    assert recent > 3 * old


@pytest.mark.postgres
def test_seeds_postgresql(postgres_url: str, tmp_path: Path) -> None:
    counts = seed_database(postgres_url, TINY, seed=5, as_of=AS_OF)
    with pytest.raises(ValueError, match="replace=True"):
        seed_database(postgres_url, TINY, seed=5, as_of=AS_OF)
    counts = seed_database(postgres_url, TINY, seed=5, as_of=AS_OF, replace=True)
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        for table, count in counts.items():
            assert connection.execute(text(f"select count(*) from {table}")).scalar() == count
        bad = connection.execute(
            text(
                "select count(*) from deals d where d.status = 'in_progress' and not exists"
                " (select 1 from deal_stage_history h where h.deal_id = d.id and h.left_at is null)"
                " and d.current_stage_id is not null"
            )
        ).scalar()
        assert bad == 0
        # Sequences were moved past the explicit ids, so the app can insert again.
        new_id = connection.execute(
            text(
                "insert into loss_reasons (name, created_at, updated_at, version)"
                " values ('Другое', now(), now(), 1) returning id"
            )
        ).scalar()
        assert new_id == counts["loss_reasons"] + 1
        # The seed leaves planner statistics and a visibility map behind (no wait for autovacuum).
        unprepared = connection.execute(
            text(
                "select relname from pg_stat_user_tables where relname = any(:tables)"
                " and (last_vacuum is null or last_analyze is null)"
            ),
            {"tables": list(counts)},
        ).all()
        assert unprepared == []
        on_postgres = connection.execute(
            text("select number, status, partner_id, created_at from deals order by id")
        ).all()
    engine.dispose()
    # Both backends receive the same generated rows.
    sqlite_url = _url(tmp_path / "same.db")
    seed_database(sqlite_url, TINY, seed=5, as_of=AS_OF)
    sqlite_engine = create_engine(sqlite_url)
    with sqlite_engine.connect() as connection:
        on_sqlite = connection.execute(
            text("select number, status, partner_id, created_at from deals order by id")
        ).all()
    sqlite_engine.dispose()
    assert [tuple(r[:3]) for r in on_postgres] == [tuple(r[:3]) for r in on_sqlite]
    assert [r[3] for r in on_postgres] == [dt.datetime.fromisoformat(r[3]) for r in on_sqlite]
