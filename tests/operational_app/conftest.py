"""OLTP fixtures: one migrated database per backend and session, emptied after every test.

Every database test runs on SQLite and, when CRM_TEST_POSTGRES_URL names a server, again on
PostgreSQL in a uniquely named database created for the session and dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crm.settings import get_settings
from operational_app import auth, login_throttle
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import Base, User
from operational_app.db.session import create_oltp_engine
from operational_app.main import create_app
from tests.operational_app.utils.factories import Classifiers, create_classifiers
from tests.operational_app.utils.users import bearer, create_token, create_user
from tests.postgres import temporary_postgres_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('oltp') / 'crm.sqlite3'}"
        upgrade_to_head(url)
        yield url
        return
    with temporary_postgres_database("crm_test_opapp") as url:
        upgrade_to_head(url)
        yield url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_oltp_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        # Emptying the tables is much faster than migrating a new database for each test.
        with engine.begin() as connection:
            # Portal users point at partners, which point back at users (their managers): turn
            # them into plain operators first so the children-first order below holds.
            connection.execute(
                User.__table__.update()
                .where(User.role == "customer")
                .values(role="operator", partner_id=None, contact_person_id=None)
            )
            # Users and departments refer to each other (department, supervisor, head).
            connection.execute(
                User.__table__.update().values(department_id=None, supervisor_id=None)
            )
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def classifiers(db: Session) -> Classifiers:
    return create_classifiers(db)


def _client(db_url: str, data_dir: str, lang: str) -> TestClient:
    settings = get_settings({"CRM_OLTP_URL": db_url, "CRM_DATA_DIR": data_dir, "CRM_LANG": lang})
    return TestClient(create_app(settings))


@pytest.fixture(scope="session")
def app_client(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with _client(db_url, str(tmp_path_factory.mktemp("data")), "ru") as client:
        yield client


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id (and legacy scrypt) parameters for tests; the format and checks stay."""
    monkeypatch.setattr(auth, "PASSWORD_PARAMS", auth.ScryptParams(n=2**10))
    monkeypatch.setattr(auth, "PASSWORD_HASHER", _CHEAP_HASHER)
    # Throttled sign-ins are answered at once in tests (the pause only slows scripts down).
    monkeypatch.setattr(login_throttle, "TARPIT_SECONDS", 0.0)


_CHEAP_HASHER = auth.make_password_hasher(time_cost=1, memory_kib=64)


@pytest.fixture
def admin(db: Session) -> User:
    """The administrator the default `client` acts as."""
    return create_user(db, "administrator", login="test-admin", full_name="Админ Тестовый")


def _signed_out(client: TestClient) -> TestClient:
    client.headers.pop("Authorization", None)
    client.cookies.clear()
    # The app lives for the whole session: one test's failed sign-ins must not throttle the next.
    client.app.state.login_throttle.clear()  # type: ignore[attr-defined]
    return client


@pytest.fixture
def anon_client(app_client: TestClient, db: Session) -> Iterator[TestClient]:
    """The app with no credentials at all (and no cookies left from earlier tests)."""
    yield _signed_out(app_client)
    _signed_out(app_client)


@pytest.fixture
def client(app_client: TestClient, db: Session, admin: User) -> Iterator[TestClient]:
    """The app on the test database, acting as an administrator through a bearer token
    (API and pages alike; bearer requests need no CSRF token). Depending on `db` empties the
    tables afterwards."""
    _signed_out(app_client).headers.update(bearer(create_token(db, admin)))
    yield app_client
    _signed_out(app_client)


@pytest.fixture
def client_en(db_url: str, db: Session, admin: User, tmp_path: object) -> Iterator[TestClient]:
    with _client(db_url, str(tmp_path), "en") as client:
        client.headers.update(bearer(create_token(db, admin)))
        yield client
