"""`crm bench NAME`: run bench/bench_NAME.py."""

from __future__ import annotations

import argparse
import sys

from crm.commands.common import REPO_ROOT, Subcommands, console
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    bench = commands.add_parser(
        "bench",
        help="run a benchmark from bench/ (figures printed)",
        description="Run bench/bench_NAME.py; arguments after NAME go to the script "
        "(try `crm bench pipeline --help`).",
    )
    bench.add_argument("name", help="benchmark name, e.g. pipeline")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER, help="arguments for the script")
    bench.set_defaults(handler=_cmd_bench)


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    import runpy

    script = REPO_ROOT / "bench" / f"bench_{args.name}.py"
    if not script.exists():
        available = sorted(
            path.stem.removeprefix("bench_") for path in script.parent.glob("bench_*.py")
        )
        console.print(f"[red]No benchmark {args.name!r}[/red]; available: {', '.join(available)}")
        return 2
    sys.argv = [str(script), *args.bench_args]
    runpy.run_path(str(script), run_name="__main__")
    return 0
