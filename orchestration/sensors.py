"""Sensors: start the GIS ingestion (and everything downstream) when files land in the inbox.

The sensor only looks at names, sizes and modification times; deciding what to load (by content
hash, exactly once) stays with `ingestion.gis.inbox`. Its cursor is the set of file stamps seen
on the last tick, so an unchanged inbox never triggers, a new or rewritten file does, and each
run key names the exact set of new stamps so the same files never start two runs.
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
from orchestration.assets.gis import GIS_ASSET_KEYS
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
    current: Iterable[FileStamp], cursor: str | None, now: float, settle_seconds: float
) -> InboxDecision:
    """Pure core of the sensor: compare the settled files with the cursor.

    The next cursor holds exactly the settled files present now, so a file removed from the
    inbox is forgotten, and a file still being written is looked at again on the next tick.
    """
    ready = settled(current, now, settle_seconds)
    return InboxDecision(new_stamps(ready, decode_cursor(cursor)), encode_cursor(ready))


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
    decision = decide(scan_inbox(inbox_dir), context.cursor, time.time(), SETTLE_SECONDS)
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
