"""The keys an import has seen, with the row each was first seen on, in bounded memory.

A repeated key anywhere in the file is reported against its first row, so every key must be
remembered to the end. A dict of 1M deal numbers (the string, the row number, the table) takes
over 100 MB; here each key is a 128-bit BLAKE2b digest kept in numpy arrays sorted by its
first half (two int64 halves and an int32 row: 20 bytes a key), with a small dict of recent keys
merged in batches.
Two different keys share a digest with probability about n²/2¹²⁹ (1e-27 at a million rows).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

MERGE_EVERY = 16_384


def _digest(key: Any) -> bytes:
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SeenKeys:
    def __init__(self) -> None:
        self._recent: dict[bytes, int] = {}
        self._high = np.empty(0, dtype=np.int64)
        self._low = np.empty(0, dtype=np.int64)
        self._rows = np.empty(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self._recent) + len(self._rows)

    def __contains__(self, key: Any) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: Any) -> int:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return row

    def get(self, key: Any) -> int | None:
        digest = _digest(key)
        row = self._recent.get(digest)
        if row is not None:
            return row
        high, low = np.frombuffer(digest, dtype=np.int64)
        start = int(np.searchsorted(self._high, high, side="left"))
        end = int(np.searchsorted(self._high, high, side="right"))
        for index in range(start, end):
            if self._low[index] == low:
                return int(self._rows[index])
        return None

    def __setitem__(self, key: Any, row: int) -> None:
        digest = _digest(key)
        if digest in self._recent or self.get(key) is not None:
            return  # the first row stays the one reported
        self._recent[digest] = row
        if len(self._recent) >= MERGE_EVERY:
            self._merge()

    def _merge(self) -> None:
        # Sorted by the high half only (lookups compare the low half within equal highs). The
        # batch is sorted and inserted array by array, so a merge holds one extra array at a
        # time, not copies of all three.
        count = len(self._recent)
        halves = np.frombuffer(b"".join(self._recent), dtype=np.int64).reshape(count, 2)
        order = np.argsort(halves[:, 0], kind="stable")
        high = halves[order, 0]
        where = np.searchsorted(self._high, high)
        self._high = np.insert(self._high, where, high)
        self._low = np.insert(self._low, where, halves[order, 1])
        rows = np.fromiter(self._recent.values(), dtype=np.int32, count=count)
        self._rows = np.insert(self._rows, where, rows[order])
        self._recent = {}
