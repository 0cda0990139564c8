"""Run dagster-dbt's dbt commands inside the Dagster process instead of a `dbt` subprocess.

A dbt subprocess pays for a Python start and dbt's imports on every command (a large share of
an incremental run), while the Dagster
process has most of dbt imported already to read the manifest. dagster-dbt reads a command's
structured log (`--log-format json`) line by line from the subprocess's stdout; `DbtProcess`
stands in for that `subprocess.Popen`: it runs the command with dbt's programmatic runner
(`dbtRunner`) on a thread and hands over the same JSON lines, made from the events dbt passes to
the runner's callback. Everything downstream (Dagster events, asset checks, errors) is
dagster-dbt's own code, unchanged.

What the subprocess gave for free is done here: its environment (target and log paths) is
applied to this process for the command's duration, dbt's console output is left to
dagster-dbt (which echoes each event), and DuckDB is closed afterwards — dbt-duckdb keeps its
database open in a class attribute, which would hold the build file's lock for good.
"""

import contextlib
import gc
import os
import queue
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from dagster_dbt.core import dbt_cli_invocation

# One dbt command at a time per process: dbt's flags, adapters and this process's environment
# are process-wide.
_ONE_COMMAND = threading.Lock()
_END = object()
# dbt prints events from this level up by default; dagster-dbt needs nothing below it (its
# results are info-level events), and converting every debug event would cost time.
_SKIPPED_LEVELS = frozenset({"debug"})
# dagster-dbt's environment variables that name paths, possibly relative to the project.
_PATH_VARIABLES = ("DBT_PROJECT_DIR", "DBT_PROFILES_DIR", "DBT_TARGET_PATH", "DBT_LOG_PATH")


class _Lines:
    """The stdout of a `DbtProcess`: JSON lines as bytes, until the command ends."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.closed = False

    def put(self, line: bytes) -> None:
        self._queue.put(line)

    def end(self) -> None:
        self._queue.put(_END)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._queue.get()) is not _END:
            yield line

    def __enter__(self) -> "_Lines":
        return self

    def __exit__(self, *_: object) -> None:
        self.closed = True


class DbtProcess:
    """`subprocess.Popen(args, stdout=PIPE, stderr=STDOUT, env=env, cwd=cwd)` for a dbt
    command, run in this process: what dagster-dbt's invocation uses of a Popen (args, stdout,
    returncode, wait, send_signal). `args[0]` is the dbt executable and is not used."""

    def __init__(
        self, args: Sequence[str], *, env: dict[str, str], cwd: Any = None, **_: Any
    ) -> None:
        self.args = list(args)
        self.returncode: int | None = None
        self.stdout = _Lines()
        # This process's working directory is shared by its threads and stays as it is: the
        # project directory (cwd) reaches dbt as DBT_PROJECT_DIR, and the relative paths the
        # subprocess would have resolved in it are resolved here.
        if cwd is not None:
            env = env | {
                key: str(Path(cwd, env[key]))
                for key in _PATH_VARIABLES
                if key in env and not Path(env[key]).is_absolute()
            }
        self._thread = threading.Thread(target=self._run, args=(env,), name="dbt", daemon=True)
        self._thread.start()

    def _run(self, env: dict[str, str]) -> None:
        try:
            with _ONE_COMMAND, _environment(env):
                self.returncode = _invoke(self.args[1:], self.stdout.put)
        except BaseException as error:  # reported like a crashed dbt: exit code 2
            self.stdout.put(f"dbt failed in-process: {type(error).__name__}: {error}".encode())
            self.returncode = 2
        finally:
            self.stdout.end()

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, _signal: int) -> None:
        """dbt cannot be stopped from outside its thread: an interrupted step then waits for it
        up to dagster-dbt's termination timeout, and the run process exits after that."""


def _path_free_profile_hash() -> None:
    """Leave the DuckDB file's path out of the profile hash that guards dbt's partial parse.

    dbt reparses the whole project (several seconds) when the hash of the target's connection
    keys changes, and dbt-duckdb's keys include `path`: every data directory (each test, each
    benchmark scale, a second checkout) invalidated the state the pipeline carries between runs.
    The path does not reach the parsed manifest; what does, the database name (the file's stem,
    `crm_build`), stays in the hash.
    """
    with contextlib.suppress(ImportError):
        from dbt.adapters.duckdb.credentials import DuckDBCredentials

        keys = DuckDBCredentials._connection_keys
        if getattr(keys, "path_free", False):
            return

        def path_free_keys(self: Any) -> tuple[str, ...]:
            return tuple(key for key in keys(self) if key != "path")

        path_free_keys.path_free = True  # type: ignore[attr-defined]
        DuckDBCredentials._connection_keys = path_free_keys  # type: ignore[method-assign]


def _invoke(args: list[str], emit: Any) -> int:
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_json

    _path_free_profile_hash()

    def forward(event: Any) -> None:
        if event.info.level not in _SKIPPED_LEVELS:
            emit(msg_to_json(event).encode())

    # The run process holds Dagster, the definitions and the manifest: hundreds of thousands of
    # long-lived objects that every full collection during dbt's run would walk again. Frozen,
    # the collector only walks what dbt allocates.
    gc.freeze()
    try:
        # --quiet: dbt's own console output would repeat what dagster-dbt echoes per event.
        result = dbtRunner(callbacks=[forward]).invoke([*args, "--quiet"])
    finally:
        gc.unfreeze()
        _close_duckdb()
    if result.exception is not None:
        emit(f"dbt failed: {type(result.exception).__name__}: {result.exception}".encode())
        return 2
    return 0 if result.success else 1


def _close_duckdb() -> None:
    with contextlib.suppress(ImportError):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            environment = DuckDBConnectionManager._ENV
            DuckDBConnectionManager._ENV = None
            if environment is not None:
                environment.close()


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment as the subprocess would have had it, then back."""
    before = {key: os.environ.get(key) for key in env if os.environ.get(key) != env[key]}
    os.environ.update({key: env[key] for key in before})
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def dbt_in_this_process() -> Iterator[None]:
    """While active, dagster-dbt starts dbt commands as `DbtProcess` instead of a subprocess.
    Only the start of a command needs it: the invocation keeps the process object."""
    stand_in = SimpleNamespace(Popen=DbtProcess, PIPE=subprocess.PIPE, STDOUT=subprocess.STDOUT)
    original = dbt_cli_invocation.subprocess
    dbt_cli_invocation.subprocess = stand_in  # type: ignore[assignment]
    try:
        yield
    finally:
        dbt_cli_invocation.subprocess = original
