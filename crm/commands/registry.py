"""`crm registry load|check`: the counterparty registry behind autofill by ИНН."""

from __future__ import annotations

import argparse
from pathlib import Path

from crm.commands.common import Subcommands, console
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    registry = commands.add_parser(
        "registry",
        help="the counterparty registry behind autofill by ИНН",
        description="The registry the counterparty form fills itself from "
        "(CRM_REGISTRY_SOURCE=local|dadata|none).",
    )
    registry_commands = registry.add_subparsers(
        dest="registry_cmd", required=True, metavar="ACTION"
    )
    registry_load = registry_commands.add_parser(
        "load",
        help="load a ФНС ЕГРЮЛ XML file into the local registry",
        description="Stream a ЕГРЮЛ XML file (the ФНС format: СвЮЛ elements with ИНН, КПП, "
        "ОГРН, СвНаимЮЛ, СвАдресЮЛ, СвСтатус, СвПодразд) into the local registry, replacing "
        "what an ИНН had before. Records with a bad ИНН or no name are listed and skipped. "
        "Creates or upgrades the OLTP schema first. Exit 1 when the file breaks off or nothing "
        "could be loaded.",
    )
    registry_load.add_argument("file", type=Path, help="the ЕГРЮЛ XML file")
    registry_load.set_defaults(handler=_cmd_registry_load)
    registry_check = registry_commands.add_parser(
        "check",
        help="re-check every counterparty against the registry and record changes",
        description="Look every legal-entity counterparty up in the registry "
        "(CRM_REGISTRY_SOURCE) and record what differs (name, address, КПП, status) with "
        "today's date in counterparty_registry_changes; counterparties are not edited. A change "
        "already recorded is not recorded again. Exit 1 when some lookups failed.",
    )
    registry_check.set_defaults(handler=_cmd_registry_check)


def _cmd_registry_load(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.registry.commands import run_load

    return run_load(settings, args.file, console)


def _cmd_registry_check(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.registry.commands import run_check

    return run_check(settings, console)
