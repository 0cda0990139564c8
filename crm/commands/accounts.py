"""`crm user`, `crm token`, `crm portal`: app users, API tokens and portal invitations."""

from __future__ import annotations

import argparse
import sys

from crm.commands.common import Subcommands, console
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    user = commands.add_parser(
        "user", help="manage operational app users", description="Manage app users."
    )
    user_commands = user.add_subparsers(dest="user_cmd", required=True, metavar="ACTION")
    user_add = user_commands.add_parser(
        "add",
        help="add a user (prompts for the password)",
        description="Add a user who signs in at /login; the password is prompted for.",
    )
    user_add.add_argument("login")
    user_add.add_argument(
        "--role", choices=["operator", "manager", "administrator"], default="operator"
    )
    user_add.add_argument("--full-name", help="shown in the app (default: the login)")
    user_add.add_argument("--email")
    user_add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    user_add.set_defaults(handler=_cmd_user_add)

    token = commands.add_parser(
        "token", help="manage API tokens", description="Manage API bearer tokens."
    )
    token_commands = token.add_subparsers(dest="token_cmd", required=True, metavar="ACTION")
    token_create = token_commands.add_parser(
        "create",
        help="create an API token for a user and print it (once)",
        description="Create an API token for LOGIN and print it; only its SHA-256 is stored.",
    )
    token_create.add_argument("login")
    token_create.add_argument("--name", required=True, help="what the token is for")
    token_create.add_argument("--expires-days", type=int, help="default: never expires")
    token_create.set_defaults(handler=_cmd_token_create)

    portal = commands.add_parser(
        "portal",
        help="the customer portal: invites and portal users",
        description="The customer portal (/portal): invite a partner's contact person, list "
        "portal users. Creates or upgrades the OLTP schema first.",
    )
    portal_commands = portal.add_subparsers(dest="portal_cmd", required=True, metavar="ACTION")
    portal_invite = portal_commands.add_parser(
        "invite",
        help="invite a contact person to the portal and print the one-time link",
        description="Create a one-time invitation link for contact person N (CRM_APP_URL + "
        "/portal/invite/<token>) and print it; only the token's SHA-256 is stored.",
    )
    portal_invite.add_argument(
        "--contact-id", type=_record_id, required=True, help="the contact person's id"
    )
    portal_invite.add_argument(
        "--ttl-days", type=int, default=7, help="days the link works, 1 to 90 (default 7)"
    )
    portal_invite.set_defaults(handler=_cmd_portal_invite)
    portal_users = portal_commands.add_parser(
        "users",
        help="list portal users with their partner",
        description="List portal users (login, name, partner, state), tab-separated.",
    )
    portal_users.set_defaults(handler=_cmd_portal_users)


def _record_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"not a record id: {value}")
    return value


def _cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from operational_app.accounts import AccountError, add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.login}: ")
        if getpass.getpass("Repeat the password: ") != password:
            console.print("[red]The passwords differ.[/red]")
            return 1
    try:
        user = add_user(
            settings.oltp_url,
            args.login,
            role=args.role,
            full_name=args.full_name or args.login,
            password=password,
            email=args.email,
        )
    except AccountError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    console.print(f"[green]Added[/green] {user.login} ({user.role})")
    return 0


def _cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.accounts import AccountError, create_token

    try:
        token = create_token(settings.oltp_url, args.login, args.name, args.expires_days)
    except AccountError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    console.print("The token is shown once; send it as `Authorization: Bearer <token>`.")
    print(token)
    return 0


def _cmd_portal_invite(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.accounts import AccountError, create_portal_invite

    try:
        link = create_portal_invite(
            settings.oltp_url, args.contact_id, args.ttl_days, settings.app_url
        )
    except AccountError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    console.print(
        f"The link is shown once and works once, for {args.ttl_days} days; "
        "send it to the contact person."
    )
    print(link)
    return 0


def _cmd_portal_users(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.accounts import list_portal_users

    rows = list_portal_users(settings.oltp_url)
    if not rows:
        console.print("No portal users.")
        return 0
    for row in rows:
        state = "active" if row["active"] else "deactivated"
        print(
            f"{row['login']}\t{row['full_name']}\t{row['partner']} (partner {row['partner_id']})"
            f"\t{state}"
        )
    return 0
