"""SQLite writers take turns (operational_app/db/session.py) instead of colliding on the lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from operational_app.db.session import _WriteTurn, create_oltp_engine


def test_a_held_turn_keeps_another_process_waiting_until_released(tmp_path: Path) -> None:
    # Two _WriteTurn objects open the lock file separately, as two processes do.
    database = tmp_path / "crm.sqlite3"
    first, second = _WriteTurn(database), _WriteTurn(database)
    assert first.acquire(timeout=1)
    began = time.monotonic()
    assert not second.acquire(timeout=0.2)
    assert time.monotonic() - began >= 0.2
    first.release()
    assert second.acquire(timeout=0.2)
    second.release()


def test_a_write_transaction_holds_the_turn_until_it_ends(tmp_path: Path) -> None:
    database = tmp_path / "crm.sqlite3"
    engine = create_oltp_engine(f"sqlite:///{database}")
    other_process = _WriteTurn(database)

    def turn_is_free() -> bool:
        if other_process.acquire(timeout=0.05):
            other_process.release()
            return True
        return False

    with engine.connect() as connection:
        connection.execute(text("create table hits (n integer)"))
        assert not turn_is_free()
        connection.commit()
        assert turn_is_free()  # the connection is still open: the commit passed the turn on
        connection.execute(text("select count(*) from hits")).scalar()
        assert turn_is_free()  # reads take no turn
        connection.execute(text("insert into hits values (1)"))
        assert not turn_is_free()
        connection.rollback()
        assert turn_is_free()
        connection.execute(text("insert into hits values (2)"))
    assert turn_is_free()  # returned to the pool without a commit: reset, turn passed on
    with engine.connect() as connection:
        assert connection.execute(text("select n from hits")).scalars().all() == []
    engine.dispose()


def test_concurrent_writers_of_one_process_all_commit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    engine = create_oltp_engine(url)
    with engine.begin() as connection:
        connection.execute(text("create table hits (writer integer, n integer)"))
    errors: list[Exception] = []

    def write(writer: int) -> None:
        try:
            for n in range(50):
                with engine.begin() as connection:
                    connection.execute(text("select count(*) from hits")).scalar()
                    connection.execute(
                        text("insert into hits values (:writer, :n)"), {"writer": writer, "n": n}
                    )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from hits")).scalar() == 8 * 50
    engine.dispose()
