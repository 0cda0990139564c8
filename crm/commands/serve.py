"""`crm app` and `crm dashboards`: serve the operational app and the dashboards."""

from __future__ import annotations

import argparse
import subprocess
import sys

from crm.commands.common import REPO_ROOT, Subcommands
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    app = commands.add_parser(
        "app",
        help="serve the operational app",
        description="Serve the operators' app and its JSON API.",
    )
    app.add_argument("--host", default="127.0.0.1")
    app.add_argument("--port", type=int, default=8000)
    app.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="worker processes (default 1; more pay off on PostgreSQL, where writes run in "
        "parallel; SQLite takes one writer at a time, see bench/bench_api.py)",
    )
    app.set_defaults(handler=_cmd_app)

    dashboards = commands.add_parser(
        "dashboards",
        help="serve the Streamlit dashboards",
        description="Serve the executives' dashboards.",
    )
    dashboards.add_argument("--host", default="127.0.0.1")
    dashboards.add_argument("--port", type=int, default=8501)
    dashboards.set_defaults(handler=_cmd_dashboards)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be between 1 and 64, not {value}")
    return value


def _cmd_app(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    uvicorn.run(
        "operational_app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
    )
    return 0


def _cmd_dashboards(args: argparse.Namespace, settings: Settings) -> int:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "dashboards" / "streamlit_app.py"),
        "--server.headless=true",
        f"--server.address={args.host}",
        f"--server.port={args.port}",
        "--browser.gatherUsageStats=false",
        # A reader's view: no Deploy button, no developer menu (.streamlit/config.toml too).
        "--client.toolbarMode=viewer",
    ]
    return subprocess.call(command)
