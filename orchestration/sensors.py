"""Sensors: start the GIS ingestion (and everything downstream) when files land in the inbox.

The sensor only looks at names, sizes and modification times; deciding what to load (by content
hash, exactly once) stays with `ingestion.gis.inbox`. Its cursor is the set of file stamps seen
on the last tick, so an unchanged inbox never triggers, a new or rewritten file does, and each
run key names the exact set of new stamps so the same files never start two runs.

The first tick has no cursor. The files already in the inbox then count as seen when they were
last modified before the latest run that loaded the inbox started (`crm pipeline`, `make demo`
and `dagster dev` share one Dagster instance, so that run is known): turning the sensor on after
a pipeline run starts nothing. With no such run on record every settled file is new. A file
copied into the inbox with an old modification time while the sensor was off waits for the next
scheduled run (every run of the job loads the inbox); from then on the cursor notices any file.
"""

import hashlib
import json
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import dagster as dg

from ingestion.gis.events import SYSTEMS
from orchestration.assets.gis import GIS_ASSET_KEYS, GIS_EVENTS_KEY
from orchestration.resources import WarehouseResource

GIS_INBOX_SENSOR_NAME: Final = "gis_inbox_sensor"
MINIMUM_INTERVAL_SECONDS: Final = 60
# A file modified more recently than this may still be being written; it waits a tick.
SETTLE_SECONDS: Final = 10.0
# Same rule as the loader: hidden files and in-flight names are not (yet) inbox files.
_IN_FLIGHT_SUFFIXES: Final = (".tmp", ".part", ".partial", ".crdownload")
_CURSOR_VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class FileStamp:
    """One inbox file as the sensor sees it: relative path, size and mtime."""

    path: str  # "<system>/<name>", POSIX separators
    size: int
    mtime_ns: int

    @property
    def token(self) -> str:
        """A short fingerprint of (path, size, mtime); the cursor stores these."""
        raw = f"{self.path}\0{self.size}\0{self.mtime_ns}".encode()
        return hashlib.sha256(raw).hexdigest()[:16]


def scan_inbox(inbox_dir: Path) -> list[FileStamp]:
    """Stamps of the candidate files under `<inbox>/<system>/`, sorted by path."""
    stamps: list[FileStamp] = []
    for system in SYSTEMS:
        folder = inbox_dir / system
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if (
                path.name.startswith(".")
                or path.name.endswith(_IN_FLIGHT_SUFFIXES)
                or path.is_symlink()
                or not path.is_file()
            ):
                continue
            stat = path.stat()
            stamps.append(FileStamp(f"{system}/{path.name}", stat.st_size, stat.st_mtime_ns))
    return sorted(stamps, key=lambda stamp: stamp.path)


def settled(stamps: Iterable[FileStamp], now: float, settle_seconds: float) -> list[FileStamp]:
    """The stamps last modified at least `settle_seconds` before `now` (epoch seconds)."""
    limit_ns = int((now - settle_seconds) * 1e9)
    return [stamp for stamp in stamps if stamp.mtime_ns <= limit_ns]


def new_stamps(current: Iterable[FileStamp], seen: Collection[str]) -> list[FileStamp]:
    """Files that are new or changed (size or mtime) since the tokens in `seen`."""
    return [stamp for stamp in current if stamp.token not in seen]


def run_key(new: Iterable[FileStamp]) -> str:
    """Deterministic in the set of new stamps: the same new files give the same key."""
    digest = hashlib.sha256("\n".join(sorted(stamp.token for stamp in new)).encode())
    return f"gis-inbox-{digest.hexdigest()[:24]}"


def encode_cursor(stamps: Iterable[FileStamp]) -> str:
    return json.dumps({"v": _CURSOR_VERSION, "seen": sorted(stamp.token for stamp in stamps)})


def decode_cursor(cursor: str | None) -> frozenset[str]:
    """Tokens seen on the last tick; an absent or unreadable cursor means nothing seen yet."""
    if not cursor:
        return frozenset()
    try:
        data = json.loads(cursor)
    except ValueError:
        return frozenset()
    if not isinstance(data, Mapping) or data.get("v") != _CURSOR_VERSION:
        return frozenset()
    return frozenset(str(token) for token in data.get("seen", []))


@dataclass(frozen=True)
class InboxDecision:
    """What a tick should do: the new files (empty: skip) and the next cursor."""

    new: list[FileStamp]
    cursor: str


def decide(
    current: Iterable[FileStamp],
    cursor: str | None,
    now: float,
    settle_seconds: float,
    loaded_before: float | None = None,
) -> InboxDecision:
    """Pure core of the sensor: compare the settled files with the cursor.

    The next cursor holds exactly the settled files present now, so a file removed from the
    inbox is forgotten, and a file still being written is looked at again on the next tick.
    Without a cursor (the first tick), files last modified at or before `loaded_before` (epoch
    seconds: when the latest run that loaded the inbox started) count as seen.
    """
    ready = settled(current, now, settle_seconds)
    seen = decode_cursor(cursor)
    if not seen and _cursor_missing(cursor) and loaded_before is not None:
        limit_ns = int(loaded_before * 1e9)
        seen = frozenset(stamp.token for stamp in ready if stamp.mtime_ns <= limit_ns)
    return InboxDecision(new_stamps(ready, seen), encode_cursor(ready))


def _cursor_missing(cursor: str | None) -> bool:
    """No cursor recorded yet, or one this code cannot read (an older version's)."""
    if not cursor:
        return True
    try:
        data = json.loads(cursor)
    except ValueError:
        return True
    return not isinstance(data, Mapping) or data.get("v") != _CURSOR_VERSION


def last_inbox_load_started(instance: dg.DagsterInstance) -> float | None:
    """When the run that last materialized the GIS assets started (epoch seconds), or None
    when no run ever loaded the inbox into this instance."""
    entry = instance.get_latest_materialization_event(GIS_EVENTS_KEY)
    if entry is None:
        return None
    record = instance.get_run_record_by_id(entry.run_id) if entry.run_id else None
    if record is not None and record.start_time is not None:
        return record.start_time
    return entry.timestamp


def _summary(new: list[FileStamp], limit: int = 5) -> str:
    names = ", ".join(stamp.path for stamp in new[:limit])
    more = f" and {len(new) - limit} more" if len(new) > limit else ""
    return f"{len(new)} new or changed GIS file(s): {names}{more}"


@dg.sensor(
    name=GIS_INBOX_SENSOR_NAME,
    asset_selection=dg.AssetSelection.assets(*GIS_ASSET_KEYS).downstream(),
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads new files from data/inbox/gis/<system>/, then rebuilds the dbt models "
    "that depend on them and publishes the warehouse.",
)
def gis_inbox_sensor(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.SensorResult | dg.SkipReason:
    if warehouse.gis_inbox_dir is None:
        return dg.SkipReason("No GIS inbox is configured.")
    inbox_dir = Path(warehouse.gis_inbox_dir)
    loaded_before = (
        last_inbox_load_started(context.instance) if _cursor_missing(context.cursor) else None
    )
    decision = decide(
        scan_inbox(inbox_dir), context.cursor, time.time(), SETTLE_SECONDS, loaded_before
    )
    if not decision.new:
        skip = dg.SkipReason(f"No new files in {inbox_dir}.")
        if decision.cursor == context.cursor:
            return skip
        return dg.SensorResult(skip_reason=skip, cursor=decision.cursor)  # files went away
    context.log.info(_summary(decision.new))
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key(decision.new),
                tags={"crm/trigger": "gis_inbox", "crm/gis_new_files": str(len(decision.new))},
            )
        ],
        cursor=decision.cursor,
    )
