"""Benchmark: signed-in latency while 20 clients send bad sign-ins (issue 16, item 1).

    .venv/bin/python bench/bench_login.py
    .venv/bin/python bench/bench_login.py --requests 600 --attackers 20 --seconds 30

The app runs under uvicorn on a free loopback port (bench_api.serve) with a fresh SQLite
database: an administrator with an API token and a few users with passwords. One signed-in
client sends `GET /api/v1/deal-kinds` (bearer token) one after another, `--requests` times with
nothing else going on (unloaded), then the same again while `--attackers` clients each
send bad sign-ins through the login form (a CSRF cookie and token fetched once, as a script
would) as fast as they are answered, each from its own loopback address (127.0.0.2, .3, ...;
so the per-address throttle alone does not stop them) and aiming at the existing logins and
unknown ones. The attack is bounded: it stops when the measured client is done, after
`--seconds`, or after `--max-attempts` per attacker, whichever comes first.

Prints p50/p95/p99 of the signed-in requests in both phases, the ratio of the p95s (issue
target: loaded p95 <= 2x unloaded p95), and how the sign-ins were answered (401 wrong password,
429 throttled). Loopback only; nothing is asserted.

Measured (2 shared CPUs, load average 4.3, 1000 requests a phase, 3 rounds): unloaded p95
7.8 / 3.8 / 2.4 ms, under attack 13.1 / 6.1 / 3.8 ms, ratio 1.68 / 1.63 / 1.63 (median 1.63).
Before throttling, tarpit and the low-priority password thread (load average 12): 15.0 ->
91.5 ms, ratio 6.09; the old code ran scrypt on the event loop (the issue: 3 ms -> 7 s median).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import DealKind, User
from operational_app.db.session import create_oltp_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import Client, serve  # noqa: E402 - a sibling script, not a package

TARGET_RATIO = 2.0
LOGINS = ("admin", "anna", "boris", "olga", "ivan")


def prepare(url: str) -> str:
    """Users with (argon2id) passwords and an administrator's API token; returns the token."""
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    try:
        with Session(engine) as session:
            users = []
            for login in LOGINS:
                role = "administrator" if login == "admin" else "manager"
                user = User(login=login, full_name=login.title(), role=role)
                auth.set_password(user, f"{login}-real-password-2026")
                users.append(user)
            session.add_all(users)
            session.add_all(
                DealKind(name=f"Вид сделки {index}", has_stages=False) for index in range(5)
            )
            session.flush()
            token, _ = auth.create_api_token(session, users[0], "bench_login")
            session.commit()
            return token
    finally:
        engine.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(base: str, token: str, requests: int) -> list[float]:
    client = Client(base, token)
    latencies = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            status, _ = client.request("GET", "/api/v1/deal-kinds")
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"GET /api/v1/deal-kinds answered {status}")
    finally:
        client.close()
    return latencies


class Attacker(threading.Thread):
    """Bad sign-ins through the form from its own loopback address, until told to stop."""

    def __init__(self, base: str, index: int, stop: threading.Event, max_attempts: int) -> None:
        super().__init__(daemon=True)
        host, port = base.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.source = f"127.0.0.{index + 2}"
        self.stop = stop
        self.max_attempts = max_attempts
        self.statuses: Counter[int] = Counter()
        self.random = random.Random(index)
        self.error: str | None = None

    def _exchange(self, sock: socket.socket, request: bytes) -> tuple[int, bytes, bytes]:
        sock.sendall(request)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            body += chunk
        return int(head.split(b" ", 2)[1]), head, body

    def run(self) -> None:
        try:
            sock = socket.create_connection(
                self.target, timeout=60, source_address=(self.source, 0)
            )
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            host = f"{self.target[0]}:{self.target[1]}"
            _, head, body = self._exchange(
                sock, f"GET /login HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            )
            cookie = next(
                line.split(b":", 1)[1].split(b";")[0].strip().decode()
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"set-cookie:") and b"crm_login_csrf=" in line
            )
            csrf = cookie.split("=", 1)[1]
            attempts = 0
            while not self.stop.is_set() and attempts < self.max_attempts:
                login = self.random.choice(LOGINS + (f"nobody{self.random.randrange(1000)}",))
                form = urlencode(
                    {"login": login, "password": f"guess-{attempts}", "csrf_token": csrf}
                ).encode()
                request = (
                    f"POST /login HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(form)}\r\n\r\n"
                ).encode() + form
                status, _, _ = self._exchange(sock, request)
                self.statuses[status] += 1
                attempts += 1
            sock.close()
        except Exception as error:  # reported, the measurement goes on without this attacker
            self.error = f"{type(error).__name__}: {error}"


def summary(name: str, latencies: list[float]) -> str:
    return (
        f"{name:<26} p50 {statistics.median(latencies):7.2f} ms  "
        f"p95 {percentile(latencies, 0.95):7.2f} ms  p99 {percentile(latencies, 0.99):7.2f} ms  "
        f"({len(latencies)} requests)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="signed-in requests per phase")
    parser.add_argument("--attackers", type=int, default=20, help="clients sending bad sign-ins")
    parser.add_argument("--seconds", type=float, default=60.0, help="longest the attack lasts")
    parser.add_argument("--max-attempts", type=int, default=5000, help="per attacker")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="unloaded/loaded pairs, alternated (a shared machine's load drifts); each round "
        "runs on a fresh server, so the throttle starts empty",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.attackers <= 200:
        parser.error("--attackers must be between 1 and 200 (one loopback address each)")
    print(
        f"bench_login: {args.requests} signed-in GET /api/v1/deal-kinds per phase, "
        f"{args.attackers} attackers (at most {args.seconds:.0f} s, {args.max_attempts} "
        f"attempts each), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    ratios = []
    for round_number in range(1, args.rounds + 1):
        unloaded, loaded, attackers, elapsed = run_round(args)
        statuses = sum((attacker.statuses for attacker in attackers), Counter())
        attempts = sum(statuses.values())
        ratio = percentile(loaded, 0.95) / percentile(unloaded, 0.95)
        ratios.append(ratio)
        print(f"round {round_number}:")
        print("  " + summary("unloaded", unloaded))
        print("  " + summary(f"{args.attackers} clients signing in", loaded))
        print(
            f"  p95 loaded / unloaded {ratio:.2f}; sign-ins: {attempts} in {elapsed:.1f} s "
            f"({attempts / elapsed:.0f}/s), by status {dict(sorted(statuses.items()))} "
            "(401 wrong password, 429 throttled)"
        )
        for attacker in attackers:
            if attacker.error:
                print(f"  attacker {attacker.source}: {attacker.error}")
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(
        f"median p95 ratio over {len(ratios)} rounds: {ratio:.2f} "
        f"({verdict} the target <= {TARGET_RATIO:.0f}x)"
    )
    return 0


def run_round(
    args: argparse.Namespace,
) -> tuple[list[float], list[float], list[Attacker], float]:
    with tempfile.TemporaryDirectory(prefix="crm-bench-login-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'oltp' / 'crm.sqlite3'}"
        token = prepare(url)
        with serve(url, data_dir, workers=1) as base:
            measure(base, token, 50)  # warm-up: connections, caches
            unloaded = measure(base, token, args.requests)
            stop = threading.Event()
            attackers = [
                Attacker(base, index, stop, args.max_attempts) for index in range(args.attackers)
            ]
            started = time.perf_counter()
            for attacker in attackers:
                attacker.start()
            time.sleep(0.2)  # the attackers' first sign-ins are under way
            timer = threading.Timer(args.seconds, stop.set)
            timer.start()
            try:
                loaded = measure(base, token, args.requests)
            finally:
                stop.set()
                timer.cancel()
                for attacker in attackers:
                    attacker.join(timeout=30)
            elapsed = time.perf_counter() - started
    return unloaded, loaded, attackers, elapsed


if __name__ == "__main__":
    raise SystemExit(main())
