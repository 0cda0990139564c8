"""Throttling of password guesses, per client address and per login (issue 16, item 1).

Every password check (the sign-in form, the own-password change of the API and the page) asks
`LoginThrottle.begin` first. An attempt counts as soon as it starts, so twenty guesses sent at
once cannot all slip in before the first failure is recorded; a success gives its attempt back
and clears the login's record. After `free` failures within `window` seconds a key must wait
before its next attempt: 1 s, then 2, 4, 8 ... up to `lockout` seconds (the lockout window);
failures older than `window` are forgotten. Refused attempts cost no password hash and do not
count, so a locked-out key recovers once its wait is over.

A refused attempt is answered after a pause (`TARPIT_SECONDS`, no CPU spent), so clients that
keep guessing slow down instead of filling the event loop with refusals (bench/bench_login.py).

Per login: a guessing attack on one account (free=5). Per address: one client guessing many
accounts (free=20, a shared office address stays usable). The state lives in this process
(a worker of several has its own counts, which multiplies the allowance, not the lockout) and is
bounded: at most `max_keys` keys, the least recently touched forgotten first.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("operational_app.login")

# A refused (throttled) attempt is answered after this long, or after the wait if shorter: a
# sleeping coroutine costs nothing, and a script that sends its guesses one after another then
# sends one every few seconds instead of keeping the event loop busy with refusals.
TARPIT_SECONDS = 3.0


@dataclass
class _Record:
    failures: int
    last_failure: float
    in_flight: int = 0


@dataclass(frozen=True)
class Policy:
    free: int
    window: float = 15 * 60.0
    lockout: float = 15 * 60.0

    def wait_after(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(2.0 ** (failures - self.free), self.lockout)


LOGIN_POLICY = Policy(free=5)
ADDRESS_POLICY = Policy(free=20)


class LoginThrottle:
    def __init__(
        self,
        *,
        per_login: Policy = LOGIN_POLICY,
        per_address: Policy = ADDRESS_POLICY,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.policies = {"login": per_login, "address": per_address}
        self.clock = clock
        self.max_keys = max_keys
        self._records: OrderedDict[tuple[str, str], _Record] = OrderedDict()
        self._lock = threading.Lock()

    def _keys(self, address: str, login: str) -> list[tuple[str, str]]:
        return [("address", address), ("login", login.strip().casefold()[:100])]

    def _live(self, key: tuple[str, str], now: float) -> _Record | None:
        record = self._records.get(key)
        if record is None:
            return None
        if record.in_flight == 0 and now - record.last_failure > self.policies[key[0]].window:
            del self._records[key]
            return None
        return record

    def begin(self, address: str, login: str) -> int:
        """0 when the attempt may go ahead (it now counts), else the seconds to wait."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            keys = self._keys(address, login)
            for key in keys:
                record = self._live(key, now)
                if record is None:
                    continue
                attempts = record.failures + record.in_flight
                remaining = record.last_failure + self.policies[key[0]].wait_after(attempts) - now
                wait = max(wait, remaining)
            if wait > 0:
                seconds = math.ceil(wait)
                logger.warning(
                    "sign-in refused (throttled): address=%s login=%r retry_after=%ds",
                    address,
                    login[:100],
                    seconds,
                )
                return seconds
            for key in keys:
                record = self._live(key, now)
                if record is None:
                    record = self._records[key] = _Record(failures=0, last_failure=now)
                record.in_flight += 1
                self._records.move_to_end(key)
            while len(self._records) > self.max_keys:
                self._records.popitem(last=False)
            return 0

    def failed(self, address: str, login: str) -> None:
        now = self.clock()
        with self._lock:
            counts = []
            for key in self._keys(address, login):
                record = self._records.get(key)
                if record is None:
                    record = self._records[key] = _Record(failures=0, last_failure=now)
                record.in_flight = max(record.in_flight - 1, 0)
                record.failures += 1
                record.last_failure = now
                counts.append(record.failures)
        logger.warning(
            "sign-in failed: address=%s login=%r failures address=%d login=%d",
            address,
            login[:100],
            *counts,
        )

    def succeeded(self, address: str, login: str) -> None:
        with self._lock:
            address_key, login_key = self._keys(address, login)
            self._records.pop(login_key, None)
            record = self._records.get(address_key)
            if record is not None:
                record.in_flight = max(record.in_flight - 1, 0)

    async def pause_refusal(self, wait: int) -> None:
        """Hold a refused attempt's answer for a while (see TARPIT_SECONDS)."""
        delay = min(float(wait), TARPIT_SECONDS)
        if delay > 0:
            await asyncio.sleep(delay)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
