"""What every command module shares: the console (stderr) and the repository root."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeAlias

from rich.console import Console

REPO_ROOT = Path(__file__).resolve().parents[2]
console = Console(stderr=True)
# What `register(commands)` receives: the parser's `add_subparsers()` result.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
