"""The deal state machine and the stage history it writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.db.models import Deal, DealStageHistory
from operational_app.domain import deals as service
from operational_app.domain import queries
from operational_app.domain.errors import StaleVersion, TransitionNotAllowed, ValidationFailed
from tests.operational_app.utils.factories import Classifiers, create_random_deal

T0 = dt.datetime(2026, 3, 2, 9, 0)
T1 = T0 + dt.timedelta(days=3)
T2 = T0 + dt.timedelta(days=10)


def history(db: Session, deal: Deal) -> list[tuple[int, dt.datetime, dt.datetime | None, bool]]:
    return [
        (row.stage_id, row.entered_at, row.left_at, row.was_skipped)
        for row in service.stage_history(db, deal.id)
    ]


def test_create_staged_deal_starts_at_lowest_sequence(db: Session, classifiers: Classifiers):
    first = classifiers.stages[0]
    deal = create_random_deal(db, classifiers, now=T0)
    assert deal.status == "in_progress"
    assert deal.current_stage_id == first.id
    assert history(db, deal) == [(first.id, T0, None, False)]


def test_create_non_process_deal_has_no_stage_nor_history(db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers, staged=False)
    assert deal.current_stage_id is None
    assert history(db, deal) == []


def test_numbers_are_generated_unique_and_hand_numbers_are_checked(
    db: Session, classifiers: Classifiers
):
    first = create_random_deal(db, classifiers)
    second = create_random_deal(db, classifiers)
    assert first.number.startswith("СД-") and len(first.number) == len("СД-000001")
    assert first.number != second.number
    # A hand-entered number that collides with the next generated one is stepped over.
    taken = f"СД-{second.id + 1:06d}"
    create_random_deal(db, classifiers, number=taken)
    assert create_random_deal(db, classifiers).number != taken
    with pytest.raises(ValidationFailed) as caught:
        create_random_deal(db, classifiers, number=first.number)
    assert caught.value.rule == "deal.number_taken"


def test_create_refuses_unknown_references_and_bad_numbers(db: Session, classifiers: Classifiers):
    with pytest.raises(ValidationFailed) as caught:
        create_random_deal(db, classifiers, partner_id=987654)
    assert (caught.value.rule, caught.value.field) == ("reference.unknown", "partner_id")
    with pytest.raises(ValidationFailed) as caught:
        create_random_deal(db, classifiers, probability=101)
    assert caught.value.rule == "deal.probability_range"
    with pytest.raises(ValidationFailed) as caught:
        create_random_deal(db, classifiers, potential_amount=Decimal("1e13"))
    assert caught.value.rule == "deal.amount_range"


def test_advance_records_skipped_stages(db: Session, classifiers: Classifiers):
    s1, s2, s3, s4, _ = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, s4.id, now=T1, user_id=classifiers.manager.id)
    db.commit()
    assert deal.current_stage_id == s4.id
    assert history(db, deal) == [
        (s1.id, T0, T1, False),
        (s2.id, T1, T1, True),
        (s3.id, T1, T1, True),
        (s4.id, T1, None, False),
    ]
    rows = service.stage_history(db, deal.id)
    assert {row.user_id for row in rows[1:]} == {classifiers.manager.id}


def test_advance_to_next_stage_skips_nothing(db: Session, classifiers: Classifiers):
    s1, s2, *_ = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, s2.id, now=T1)
    assert history(db, deal) == [(s1.id, T0, T1, False), (s2.id, T1, None, False)]


@pytest.mark.parametrize("target_index", [0, 1])
def test_advance_backwards_or_to_same_stage_is_refused(
    db: Session, classifiers: Classifiers, target_index: int
):
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, classifiers.stages[1].id, now=T1)
    db.commit()
    before = history(db, deal)
    with pytest.raises(TransitionNotAllowed) as caught:
        service.advance_deal(db, deal.id, classifiers.stages[target_index].id, now=T2)
    assert caught.value.rule == "deal.stage_not_forward"
    assert classifiers.stages[target_index].name in caught.value.message
    db.rollback()
    assert history(db, deal) == before


def test_advance_to_stage_of_another_kind_or_unknown(db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    for stage_id in (999_999,):
        with pytest.raises(ValidationFailed) as caught:
            service.advance_deal(db, deal.id, stage_id)
        assert caught.value.rule == "deal.stage_not_of_kind"


def test_win_from_middle_stage_passes_through_final(db: Session, classifiers: Classifiers):
    s1, s2, s3, s4, s5 = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, s2.id, now=T1)
    service.win_deal(db, deal.id, now=T2)
    db.commit()
    assert (deal.status, deal.closed_at, deal.probability) == ("won", T2, 100)
    assert deal.current_stage_id == s5.id
    assert history(db, deal) == [
        (s1.id, T0, T1, False),
        (s2.id, T1, T2, False),
        (s3.id, T2, T2, True),
        (s4.id, T2, T2, True),
        (s5.id, T2, T2, False),
    ]


def test_win_on_final_stage_only_closes_it(db: Session, classifiers: Classifiers):
    s5 = classifiers.stages[-1]
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, s5.id, now=T1)
    service.win_deal(db, deal.id, now=T2)
    rows = history(db, deal)
    assert len(rows) == 5
    assert rows[-1] == (s5.id, T1, T2, False)


def test_lose_requires_existing_reason_and_changes_nothing_otherwise(
    db: Session, classifiers: Classifiers
):
    deal = create_random_deal(db, classifiers, now=T0)
    before = history(db, deal)
    for reason_id, rule in (
        (None, "deal.loss_reason_required"),
        (123456, "deal.loss_reason_unknown"),
        (classifiers.deleted_loss_reason.id, "deal.loss_reason_unknown"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            service.lose_deal(db, deal.id, reason_id, "дорого", now=T1)
        assert (caught.value.rule, caught.value.field) == (rule, "loss_reason_id")
        db.rollback()
    assert deal.status == "in_progress" and deal.loss_reason_id is None
    assert history(db, deal) == before


def test_lose_keeps_the_stage_it_was_lost_at(db: Session, classifiers: Classifiers):
    s1, s2, s3, *_ = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, s3.id, now=T1)
    reason = classifiers.loss_reasons[0]
    service.lose_deal(db, deal.id, reason.id, "  ушли к конкуренту ", now=T2)
    db.commit()
    assert (deal.status, deal.probability, deal.closed_at) == ("lost", 0, T2)
    assert (deal.loss_reason_id, deal.loss_comment) == (reason.id, "ушли к конкуренту")
    assert deal.current_stage_id == s3.id
    assert history(db, deal)[-1] == (s3.id, T1, T2, False)


def test_reopen_lost_deal_reenters_its_stage(db: Session, classifiers: Classifiers):
    s1, s2, *_ = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    service.advance_deal(db, deal.id, s2.id, now=T0)
    service.lose_deal(db, deal.id, classifiers.loss_reasons[1].id, "пауза", now=T1)
    service.reopen_deal(db, deal.id, now=T2)
    db.commit()
    assert deal.status == "in_progress"
    assert (deal.loss_reason_id, deal.loss_comment, deal.closed_at) == (None, None, None)
    assert history(db, deal)[-2:] == [(s2.id, T0, T1, False), (s2.id, T2, None, False)]
    # Reopened, it moves on as usual.
    service.advance_deal(db, deal.id, classifiers.stages[2].id, now=T2)
    assert history(db, deal)[-2][2] == T2


def test_won_deal_is_final(db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    service.win_deal(db, deal.id)
    for action in (
        lambda: service.reopen_deal(db, deal.id),
        lambda: service.lose_deal(db, deal.id, classifiers.loss_reasons[0].id),
        lambda: service.advance_deal(db, deal.id, classifiers.stages[-1].id),
        lambda: service.win_deal(db, deal.id),
        lambda: service.update_deal(db, deal, {"probability": 10}),
    ):
        with pytest.raises(TransitionNotAllowed):
            action()
    with pytest.raises(TransitionNotAllowed) as caught:
        service.reopen_deal(db, deal.id)
    assert caught.value.rule == "deal.won_is_final"


def test_reopen_in_progress_deal_is_refused(db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    with pytest.raises(TransitionNotAllowed) as caught:
        service.reopen_deal(db, deal.id)
    assert caught.value.rule == "deal.reopen_requires_lost"


def test_non_process_deal_wins_and_loses_without_history(db: Session, classifiers: Classifiers):
    won = create_random_deal(db, classifiers, staged=False)
    with pytest.raises(TransitionNotAllowed) as caught:
        service.advance_deal(db, won.id, classifiers.stages[1].id)
    assert caught.value.rule == "deal.non_process_kind"
    service.win_deal(db, won.id, now=T1)
    lost = create_random_deal(db, classifiers, staged=False)
    service.lose_deal(db, lost.id, classifiers.loss_reasons[0].id, now=T1)
    service.reopen_deal(db, lost.id, now=T2)
    db.commit()
    assert (won.status, won.current_stage_id, lost.status) == ("won", None, "in_progress")
    assert db.scalar(select(func.count()).select_from(DealStageHistory)) == 0


def test_expected_version_guards_against_editing_an_old_copy(db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    seen = deal.version
    service.update_deal(db, deal, {"name": "Новое имя"}, expected_version=seen)
    db.commit()
    assert deal.version == seen + 1
    with pytest.raises(StaleVersion):
        service.win_deal(db, deal.id, expected_version=seen)
    assert deal.status == "in_progress"


def test_concurrent_update_raises_stale_data(db: Session, engine, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    with Session(engine) as other:
        service.update_deal(other, other.get(Deal, deal.id), {"probability": 40})
        other.commit()
    # `db` still holds version 1: the UPDATE ... WHERE version = 1 matches no row.
    deal.probability = 60
    with pytest.raises(StaleDataError):
        db.commit()


def test_advance_by_id_returns_the_stored_row(db: Session, classifiers: Classifiers):
    s1, s2, s3, *_ = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    db.commit()
    moved = service.advance_deal(
        db, deal.id, s3.id, now=T1, user_id=classifiers.manager.id, expected_version=deal.version
    )
    db.commit()
    db.refresh(deal)
    assert moved["current_stage_id"] == deal.current_stage_id == s3.id
    assert moved["version"] == deal.version == 2
    assert moved["updated_at"] == deal.updated_at == T1
    assert history(db, deal) == [
        (s1.id, T0, T1, False),
        (s2.id, T1, T1, True),
        (s3.id, T1, None, False),
    ]
    rows = moved["stage_history"]
    assert [
        (row["stage_id"], row["entered_at"], row["left_at"], row["was_skipped"]) for row in rows
    ] == history(db, deal)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert {row["user_id"] for row in rows[1:]} == {classifiers.manager.id}


def test_advance_by_id_loses_a_race_without_writing(
    db: Session, engine, classifiers: Classifiers, monkeypatch: pytest.MonkeyPatch
):
    """Another writer commits between the read of the deal and its UPDATE: the UPDATE ...
    WHERE version = N matches no row, so nothing is written and StaleDataError (409) follows."""
    s1, s2, *_ = classifiers.stages
    deal = create_random_deal(db, classifiers, now=T0)
    db.commit()
    read_stage = service._sequence_of

    def other_writer_first(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with Session(engine) as other:
            service.update_deal(other, other.get(Deal, deal.id), {"probability": 40})
            other.commit()
        return read_stage(*args, **kwargs)

    monkeypatch.setattr(service, "_sequence_of", other_writer_first)
    with pytest.raises(StaleDataError):
        service.advance_deal(db, deal.id, s2.id, now=T1, expected_version=deal.version)
    db.rollback()
    db.refresh(deal)
    assert (deal.current_stage_id, deal.probability, deal.version) == (s1.id, 40, 2)
    assert history(db, deal) == [(s1.id, T0, None, False)]


def test_advance_by_id_in_autocommit_writes_all_or_nothing(
    engine, classifiers: Classifiers, monkeypatch: pytest.MonkeyPatch
):
    """The API runs a stage change in autocommit on PostgreSQL (api/deps.py run_write), where
    its writes are one statement: a lost race writes nothing and a won one writes everything,
    committed without a COMMIT."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs the stage change as several statements in a transaction")
    s1, s2, s3, *_ = classifiers.stages
    with Session(engine, expire_on_commit=False) as setup:
        deal = create_random_deal(setup, classifiers, now=T0)
        setup.commit()
    read_stage = service._sequence_of
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    def other_writer_first(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with Session(engine) as other:
            service.update_deal(other, other.get(Deal, deal.id), {"probability": 40})
            other.commit()
        return read_stage(*args, **kwargs)

    with Session(autocommit) as session, monkeypatch.context() as patch:
        patch.setattr(service, "_sequence_of", other_writer_first)
        with pytest.raises(StaleDataError):
            service.advance_deal(session, deal.id, s3.id, now=T1)
    with Session(engine) as reader:
        assert history(reader, deal) == [(s1.id, T0, None, False)]

    with Session(autocommit) as session:
        moved = service.advance_deal(session, deal.id, s3.id, now=T1, expected_version=2)
    with Session(engine) as reader:
        stored = reader.get(Deal, deal.id)
        assert (stored.current_stage_id, stored.version) == (s3.id, moved["version"]) == (s3.id, 3)
        assert history(reader, stored) == [
            (s1.id, T0, T1, False),
            (s2.id, T1, T1, True),
            (s3.id, T1, None, False),
        ]


def test_deal_pages_cover_every_live_deal_once_newest_first(db: Session, classifiers: Classifiers):
    """Pages are read by id first and then joined back (queries._page): walking them must
    give every live, matching deal exactly once, in the list's order, with ties on created_at
    broken by id."""
    deals = [create_random_deal(db, classifiers) for _ in range(7)]
    same_moment = dt.datetime(2026, 3, 1, 9, 30)
    for deal in deals[:4]:
        deal.created_at = same_moment
    deals[5].deleted_at = dt.datetime(2026, 3, 2)
    service.win_deal(db, deals[6].id)
    db.commit()
    live = [deal for deal in deals if deal.deleted_at is None]
    expected = [d.id for d in sorted(live, key=lambda d: (d.created_at, d.id), reverse=True)]

    walked: list[int] = []
    for offset in range(0, len(expected) + 2, 2):
        page = queries.list_deals(db, limit=2, offset=offset)
        assert page.total == len(expected)
        walked += [deal.id for deal in page.items]
    assert walked == expected

    won = queries.list_deals(db, status="won", limit=5, offset=0)
    assert (won.total, [deal.id for deal in won.items]) == (1, [deals[6].id])
    assert queries.list_deals(db, status="won", limit=5, offset=1).items == []
