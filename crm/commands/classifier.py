"""`crm classifier add`: the classifiers imports refer to."""

from __future__ import annotations

import argparse

from crm.commands.common import Subcommands, console
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    classifier = commands.add_parser(
        "classifier",
        help="manage classifiers (deal kinds with stages, loss and claim reasons, ...)",
        description="Create the classifiers imports refer to, by the admin pages' rules.",
    )
    classifier_commands = classifier.add_subparsers(
        dest="classifier_cmd", required=True, metavar="ACTION"
    )
    classifier_add = classifier_commands.add_parser(
        "add",
        help="add a classifier entry",
        description="Add a deal kind (with its stages), loss reason, claim reason, business "
        "region or partner role. Names are unique (deleted entries included). Creates or "
        "upgrades the OLTP schema first.",
    )
    kinds = classifier_add.add_subparsers(dest="kind", required=True, metavar="KIND")
    add_help = {
        "deal-kind": (
            "a deal kind (Вид сделки); --stages makes it a sales process",
            "Add a deal kind. With --stages it is a sales process whose stages follow in "
            "the given order, the last one final (won); without, a non-process kind.",
        ),
        "loss-reason": ("a loss reason (Причина проигрыша)", "Add a loss reason."),
        "claim-reason": (
            "a claim reason (Причина претензии), optionally under a group",
            "Add a claim reason; --parent puts it under an existing reason (a group).",
        ),
        "business-region": ("a business region (Бизнес-регион)", "Add a business region."),
        "partner-role": ("a partner role (Роль партнёра)", "Add a partner role."),
    }
    for kind, (short, long) in add_help.items():
        sub = kinds.add_parser(kind, help=short, description=long)
        sub.add_argument("name", help="the name shown in the app")
        if kind == "deal-kind":
            sub.add_argument(
                "--stages",
                help='stages in process order, comma-separated: "Первичный контакт,'
                'Переговоры,Договор" (the last is the final, won stage)',
            )
        if kind == "claim-reason":
            sub.add_argument("--parent", help="name of the group reason to put it under")
        if kind == "business-region":
            sub.add_argument("--code", help="short code (at most 20 characters)")
        sub.set_defaults(handler=_cmd_classifier_add)


def _cmd_classifier_add(args: argparse.Namespace, settings: Settings) -> int:
    from rich.markup import escape
    from sqlalchemy.exc import SQLAlchemyError

    from operational_app.importer.classifiers import ClassifierError, add_classifier, split_stages

    try:
        created = add_classifier(
            settings.oltp_url,
            args.kind,
            args.name,
            stages=split_stages(getattr(args, "stages", None)),
            parent=getattr(args, "parent", None),
            code=getattr(args, "code", None),
        )
    except ClassifierError as error:
        console.print(f"[red]Cannot add {args.kind}:[/red] {escape(str(error))}", soft_wrap=True)
        return 2
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]The database refused:[/red] {escape(reason)}", soft_wrap=True)
        return 2
    detail = ""
    if created.stages:
        detail = f" with stages {' → '.join(created.stages)}"
    elif created.kind == "deal-kind":
        detail = " (non-process: no stages)"
    if created.parent:
        detail = f" under {created.parent!r}"
    console.print(
        f"Added {created.kind} {created.name!r} (id {created.id}){detail}",
        markup=False,
        highlight=False,
    )
    return 0
