"""Benchmark: API latency and throughput under concurrent clients.

    .venv/bin/python bench/bench_api.py                       (SQLite, plus PostgreSQL when
                                                               CRM_TEST_POSTGRES_URL is set)
    .venv/bin/python bench/bench_api.py --backend sqlite --requests 400 --workers 1

The app runs under uvicorn (a subprocess on a free loopback port) on a freshly seeded database
(`--scale small` by default; PostgreSQL gets a temporary database that is dropped afterwards).
Clients are threads, each with its own keep-alive connection (a minimal HTTP/1.1 client on a
socket, see Client: on two cores every bit of client CPU is taken from the server) and the bearer
token of an administrator. Two operations are measured at each concurrency
level (1, 5, 20 clients):

* stage change: POST /api/v1/deals/{id}/advance to the next stage, every request on a different
  open deal (so no two requests ever conflict);
* list page:    GET /api/v1/deals?limit=50&offset=<random>.

Prints p50/p95/p99 latency and requests/s per backend, operation and concurrency; nothing is
asserted. The issue's target: p95 < 50 ms for a stage change at 20 concurrent clients.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import Deal, DealKind, SalesStage, User
from operational_app.db.session import create_oltp_engine
from operational_app.seed import seed_database

REPO = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 50.0
LIST_PAGE = 50


@dataclass
class Result:
    backend: str
    operation: str
    clients: int
    latencies: list[float]  # seconds
    errors: int
    wall: float  # seconds

    def quantile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def temporary_postgres(server_url: str) -> Iterator[str]:
    admin = make_url(server_url).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    name = f"crm_bench_api_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'create database "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'drop database if exists "{name}" with (force)')


@contextmanager
def serve(url: str, data_dir: Path, workers: int) -> Iterator[str]:
    """uvicorn on a free loopback port; yields the base URL, stops the server afterwards."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    env |= {"CRM_OLTP_URL": url, "CRM_DATA_DIR": str(data_dir), "CRM_LANG": "ru"}
    log_path = data_dir / f"uvicorn-{port}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "operational_app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"uvicorn did not start:\n{log_path.read_text()}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare(url: str) -> tuple[str, list[tuple[int, int, int]]]:
    """An administrator's API token, and (deal id, next stage id, version) for every open deal
    that can still move forward, shuffled."""
    engine = create_oltp_engine(url)
    try:
        with Session(engine) as session:
            admin = session.scalars(
                select(User).where(User.role == "administrator", User.is_active).limit(1)
            ).first()
            if admin is None:
                admin = User(login="bench-admin", full_name="Bench", role="administrator")
                session.add(admin)
                session.flush()
            token, _ = auth.create_api_token(session, admin, "bench_api")
            session.commit()
            staged = set(session.scalars(select(DealKind.id).where(DealKind.has_stages)))
            following: dict[int, int] = {}
            by_kind: dict[int, list[SalesStage]] = defaultdict(list)
            for stage in session.scalars(
                select(SalesStage)
                .where(SalesStage.deleted_at.is_(None))
                .order_by(SalesStage.deal_kind_id, SalesStage.sequence)
            ):
                by_kind[stage.deal_kind_id].append(stage)
            for stages in by_kind.values():
                for current, after in zip(stages, stages[1:], strict=False):
                    following[current.id] = after.id
            rows = session.execute(
                select(Deal.id, Deal.current_stage_id, Deal.version, Deal.deal_kind_id).where(
                    Deal.status == "in_progress",
                    Deal.deleted_at.is_(None),
                    Deal.current_stage_id.is_not(None),
                )
            ).all()
    finally:
        engine.dispose()
    work = [
        (deal_id, following[stage_id], version)
        for deal_id, stage_id, version, kind_id in rows
        if kind_id in staged and stage_id in following
    ]
    random.Random(7).shuffle(work)
    return token, work


class Client:
    """One keep-alive HTTP/1.1 connection that sends JSON with a bearer token.

    A plain socket that reads the status line and Content-Length and nothing else. http.client
    parses every response's headers with the email package, CPU the server then lacks on two
    shared cores: client CPU per request was ~1 ms with httpx, 0.16 ms with http.client and is
    0.05 ms here. Anything it cannot read exactly (no Content-Length, chunked, a closed
    connection) is an error, never a wrong figure.
    """

    def __init__(self, base: str, token: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.socket = socket.create_connection((host, int(port)), timeout=60)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.fixed_headers = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.buffer = b""

    def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self.fixed_headers}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        self.socket.sendall(f"{head}\r\n".encode() + payload)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        header, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status_line, *fields = header.split(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length = None
        for field in fields:
            name, _, value = field.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"transfer-encoding":
                raise RuntimeError(f"{method} {path}: a chunked response this client cannot read")
        if length is None:
            raise RuntimeError(f"{method} {path}: a response without Content-Length")
        while len(self.buffer) < length:
            self._receive()
        content, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, content

    def _receive(self) -> None:
        chunk = self.socket.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.socket.close()


def run_clients(
    base: str, token: str, clients: int, items: list, call: Callable[[Client, object], int]
) -> tuple[list[float], int, float]:
    """`clients` threads share the `items` queue; returns latencies, errors and wall time."""
    lock = threading.Lock()
    queue = iter(items)
    latencies: list[float] = []
    errors = [0]
    start = threading.Barrier(clients + 1)

    def worker() -> None:
        client = Client(base, token)
        try:
            client.request("GET", "/api/v1/deal-kinds")  # connect before the clock starts
            start.wait()
            while True:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                began = time.perf_counter()
                status = call(client, item)
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    if status >= 300:
                        errors[0] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - began


def bench_backend(
    backend: str, url: str, data_dir: Path, levels: list[int], requests: int, workers: int
) -> list[Result]:
    token, work = prepare(url)
    needed = requests * len(levels)
    if len(work) < needed:
        print(f"  only {len(work)} open deals can advance; fewer stage changes than asked")
    per_level = min(requests, len(work) // len(levels))
    results = []
    with serve(url, data_dir, workers) as base:
        probe = Client(base, token)
        total = json.loads(probe.request("GET", "/api/v1/deals?limit=1")[1])["total"]
        for _ in range(20):  # warm-up: imports, connection pool, SQLite page cache
            probe.request("GET", f"/api/v1/deals?limit={LIST_PAGE}")
        probe.close()
        offsets = random.Random(11)

        def advance(client: Client, item: object) -> int:
            deal_id, stage_id, version = item  # type: ignore[misc]
            body = {"stage_id": stage_id, "version": version}
            return client.request("POST", f"/api/v1/deals/{deal_id}/advance", body)[0]

        def list_page(client: Client, offset: object) -> int:
            return client.request("GET", f"/api/v1/deals?limit={LIST_PAGE}&offset={offset}")[0]

        for index, clients in enumerate(levels):
            chunk = work[index * per_level : (index + 1) * per_level]
            latencies, errors, wall = run_clients(base, token, clients, chunk, advance)
            results.append(Result(backend, "stage change", clients, latencies, errors, wall))
            pages = [offsets.randrange(0, max(1, total - LIST_PAGE)) for _ in range(requests)]
            latencies, errors, wall = run_clients(base, token, clients, pages, list_page)
            results.append(Result(backend, "list page", clients, latencies, errors, wall))
            for result in results[-2:]:
                print(f"  {result.operation:12} {clients:>3} clients: done", flush=True)
    return results


def print_table(results: list[Result]) -> None:
    header = (
        f"{'backend':10} {'operation':13} {'clients':>7} {'requests':>8} {'errors':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.backend:10} {r.operation:13} {r.clients:>7} {len(r.latencies):>8} {r.errors:>6} "
            f"{r.quantile(50):>8.1f} {r.quantile(95):>8.1f} {r.quantile(99):>8.1f} "
            f"{r.throughput:>8.1f}"
        )
    print()
    for r in results:
        if r.operation == "stage change" and r.clients == 20:
            verdict = "met" if r.quantile(95) < TARGET_P95_MS else "MISSED"
            print(
                f"target p95 < {TARGET_P95_MS:.0f} ms for a stage change at 20 clients on "
                f"{r.backend}: {verdict} ({r.quantile(95):.1f} ms)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--levels", default="1,5,20", help="concurrent clients, comma-separated")
    parser.add_argument("--requests", type=int, default=400, help="per operation and level")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("CRM_TEST_POSTGRES_URL"),
        help="server for the temporary database (default: CRM_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.postgres_url:
        print("no PostgreSQL server (--postgres-url or CRM_TEST_POSTGRES_URL): SQLite only")
        backends.remove("postgresql")

    print(
        f"bench_api: scale {args.scale}, {args.requests} requests per operation and level, "
        f"clients {levels}, uvicorn workers {args.workers}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-api-") as tmp:
        data_dir = Path(tmp)
        for backend in backends:
            started = time.perf_counter()
            if backend == "sqlite":
                url = f"sqlite:///{data_dir / 'oltp' / 'crm.sqlite3'}"
                seed_database(url, args.scale)
                print(f"{backend}: seeded {args.scale} in {time.perf_counter() - started:.0f}s")
                results += bench_backend(
                    backend, url, data_dir, levels, args.requests, args.workers
                )
            else:
                with temporary_postgres(args.postgres_url) as url:
                    seed_database(url, args.scale)
                    print(f"{backend}: seeded {args.scale} in {time.perf_counter() - started:.0f}s")
                    results += bench_backend(
                        backend, url, data_dir, levels, args.requests, args.workers
                    )
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
