"""Sample the memory of this process and its children while a pipeline runs in-process.

A background thread reads the resident set size (VmRSS in /proc/<pid>/status, psutil is not a
dependency) of this process and of every descendant (the GIS inbox's reading pool) every ~0.2 s,
with wall-clock timestamps; `step_peaks` then gives each step's peak from the samples taken
between its start and end (Dagster event-log timestamps are wall-clock seconds too).

Linux only. RSS counts shared pages (libraries, DuckDB's mapped file) in every process, so
the sum over processes can overstate what the machine actually used.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    """The resident set size of one process; 0 when it is gone or has no memory (a zombie)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        pass
    return 0


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid`, from every thread's children list (a thread starts them)."""
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except (FileNotFoundError, PermissionError):
        return children
    for task in tasks:
        try:
            children.extend(int(word) for word in (task / "children").read_text().split())
        except (FileNotFoundError, PermissionError, ProcessLookupError, ValueError):
            continue
    return children


def tree_rss_bytes(root: int) -> tuple[int, int]:
    """(RSS of `root` plus all its descendants, RSS of the descendants alone)."""
    own = rss_bytes(root)
    descendants = 0
    pending, seen = child_pids(root), {root}
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        descendants += rss_bytes(pid)
        pending.extend(child_pids(pid))
    return own + descendants, descendants


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    total: int  # bytes, this process and its descendants
    children: int  # bytes, the descendants alone


@dataclass
class MemorySampler:
    """`with MemorySampler() as sampler: ...` samples until the block ends."""

    interval: float = 0.2
    pid: int = field(default_factory=os.getpid)
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def _sample(self) -> None:
        total, children = tree_rss_bytes(self.pid)
        self.samples.append(Sample(time.time(), total, children))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def baseline(self) -> Sample | None:
        return self.samples[0] if self.samples else None

    def peak(self, start: float | None = None, end: float | None = None) -> Sample | None:
        """The sample with the largest total between `start` and `end` (all when None).

        A step shorter than the interval may hold no sample: the samples just before and
        after it stand in for it.
        """
        lo = float("-inf") if start is None else start
        hi = float("inf") if end is None else end
        inside = [sample for sample in self.samples if lo <= sample.at <= hi]
        if not inside:
            before = [sample for sample in self.samples if sample.at < lo][-1:]
            after = [sample for sample in self.samples if sample.at > hi][:1]
            inside = before + after
        return max(inside, key=lambda sample: sample.total, default=None)

    def step_peaks(self, intervals: list[tuple[str, float, float]]) -> dict[str, Sample | None]:
        """Each step's peak sample, from (step_key, start, end) wall-clock intervals."""
        return {step: self.peak(start, end) for step, start, end in intervals}


def mib(sample: Sample | None, children: bool = False) -> str:
    if sample is None:
        return "      ?"
    value = sample.children if children else sample.total
    return f"{value / MIB:7,.0f}"
