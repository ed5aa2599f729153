"""``hotline``: the command line. Every expected failure is one line naming the fix."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from hotline.protocol import ProtocolError

from .cli_common import EXIT, CliError

__all__ = ["build_parser", "main"]


def _home_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--home", type=Path, required=required, help="network folder (hotline init)")


def _device_args(p: argparse.ArgumentParser) -> None:
    _home_arg(p)
    p.add_argument(
        "--as",
        dest="as_",
        required=True,
        metavar="PARTY[/DEVICE]",
        help="who you are, e.g. RS or RS/feed-1",
    )
    p.add_argument("--hub", help="hub websocket URL (default: hotline.toml)")


def build_parser() -> argparse.ArgumentParser:
    from . import cli_messages as m
    from . import cli_roster as r

    top = argparse.ArgumentParser(
        prog="hotline",
        description=(
            "CBM Hotline: signed, end-to-end encrypted notifications between defence ministries."
        ),
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def cmd(
        name: str, fn: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(fn=fn)
        return p

    p = cmd("init", r.cmd_init, "create a complete local network in one folder")
    p.add_argument("dir", type=Path)
    p.add_argument("--parties", default="AL,BA,HR,ME,MK,RS,XK")
    p.add_argument("--quorum", type=int)
    p.add_argument("--suite", choices=["pq", "classic"], default="pq")
    p.add_argument("--port", type=int, default=8443)

    p = cmd("serve", m.cmd_serve, "run the hub")
    _home_arg(p)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--redis", help="redis:// URL (default: start an embedded redis-server)")

    p = cmd("send", m.cmd_send, "validate, sign, seal and send one notification")
    _device_args(p)
    p.add_argument("--to", required=True, help="P1,P2 or all")
    p.add_argument("--type", required=True, dest="family", help="catalogue family")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--json", help="the body as JSON")
    src.add_argument("--file", type=Path, help="a file holding the body as JSON")
    p.add_argument("--precedence", choices=["ROUTINE", "PRIORITY", "IMMEDIATE", "FLASH"])
    p.add_argument("--exercise", action="store_true", help="mark as a drill (EXERCISE)")
    p.add_argument("--reply-to", help="message id this answers (in_reply_to)")
    p.add_argument("--supersedes", help="message id this amends or cancels")
    p.add_argument("--timeout", type=float, default=10.0)

    p = cmd("listen", m.cmd_listen, "print received messages as JSON lines")
    _device_args(p)
    p.add_argument("--count", type=int, help="stop after N messages")
    p.add_argument("--timeout", type=float, help="stop after S seconds")

    p = cmd("status", m.cmd_status, "per-recipient delivered / read / acknowledged")
    _device_args(p)
    p.add_argument("id")

    p = cmd("acknowledge", m.cmd_acknowledge, "sign that your party has taken note of a message")
    _device_args(p)
    p.add_argument("id")

    p = cmd("feed", m.cmd_feed, "send JSON lines of notifications from a national system")
    _device_args(p)
    p.add_argument("--file", default="-", help="JSON lines file, or - for stdin")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument(
        "--tracks",
        action="store_true",
        help="input is track points (flight_id, time, lon, lat, alt_m, uav_type, "
        "armed): notify on entering the border zone, amend at most once a "
        "minute, close on leaving",
    )

    p = cmd("console", m.cmd_console, "the duty officer's console")
    _device_args(p)

    p = cmd("demo", m.cmd_demo, "a complete local network playing a short scenario")
    p.add_argument("--dir", type=Path, help="where to keep the demo network (default: temp)")
    p.add_argument("--as", dest="as_", default="HR", help="whose console to open")
    p.add_argument("--no-console", action="store_true", help="print the flow instead")
    p.add_argument("--exit", action="store_true", help="stop after the scenario")

    from .cli_audit import add_audit_commands
    from .cli_register import add_register_commands
    from .cli_verification import add_verification_commands

    add_audit_commands(sub)
    add_register_commands(sub)
    add_verification_commands(sub)  # check, verification show, calendar show

    keys = sub.add_parser("keys", help="device keys for the roster ceremony")
    ksub = keys.add_subparsers(dest="keys_cmd", required=True)
    p = ksub.add_parser("new", help="create a device's keys; prints its public roster entry")
    p.set_defaults(fn=r.cmd_keys_new)
    _home_arg(p)
    p.add_argument("--device", required=True, help="e.g. RS/officer-1")
    p.add_argument(
        "--role", default="officer", choices=["officer", "feed", "auditor", "hub", "observer"]
    )
    p.add_argument("--suite", choices=["pq", "classic"], default="pq")
    p.add_argument("--families", default="", help="feeds: families allowed, comma separated")

    roster = sub.add_parser("roster", help="the roster ceremony")
    rsub = roster.add_subparsers(dest="roster_cmd", required=True)
    p = rsub.add_parser("propose", help="assemble an unsigned roster from public entries")
    p.set_defaults(fn=r.cmd_roster_propose)
    p.add_argument("--entries", type=Path, nargs="+", required=True)
    p.add_argument("--parties", required=True, help="CODE=Name,... of the voting parties")
    p.add_argument("--quorum", type=int, required=True)
    p.add_argument("--prev", type=Path, help="the roster this one follows")
    p.add_argument("--auditor-copies", action="store_true")
    p.add_argument("--out", type=Path, required=True)
    p = rsub.add_parser("sign", help="add your party's signature to a proposed roster")
    p.set_defaults(fn=r.cmd_roster_sign)
    _home_arg(p)
    p.add_argument("--as", dest="as_", required=True)
    p.add_argument("roster", type=Path)
    p = rsub.add_parser("verify", help="check a roster's chain and quorum")
    p.set_defaults(fn=r.cmd_roster_verify)
    p.add_argument("roster", type=Path)
    p.add_argument("--prev", type=Path, nargs="*", default=[])
    p = rsub.add_parser("show", help="print a roster as JSON")
    p.set_defaults(fn=r.cmd_roster_show)
    p.add_argument("roster", type=Path)
    p = rsub.add_parser("install", help="put a verified roster into a home")
    p.set_defaults(fn=r.cmd_roster_install)
    _home_arg(p)
    p.add_argument("roster", type=Path)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except ProtocolError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT["rejected"] if exc.code not in ("home_error", "config_error") else EXIT["usage"]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT["error"]
    except KeyboardInterrupt:
        return 130
