"""``hotline``: the command line. Every expected failure is one line naming the fix."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from hotline.protocol import FAMILIES, ProtocolError

from .cli_common import EXIT, CliError
from .i18n import LANGUAGES, choose_language, use

__all__ = ["build_parser", "main", "parsers"]

Fn = Callable[[argparse.Namespace], int]
#: readable metavars and help for options that other modules add without them
METAVARS = {
    "--home": "DIR",
    "--as": "PARTY[/DEVICE]",
    "--hub": "URL",
    "--out": "FILE",
    "--file": "FILE",
    "--from": "TIME",
    "--to": "TIME",
    "--party": "PARTY",
    "--family": "FAMILY",
    "--category": "CATEGORY",
    "--checkpoint": "FILE",
    "--lang": "LANG",
}
HELP = {
    "--home": "network folder (hotline init)",
    "--as": "who you are: a party (RS, AUDIT) or one device (RS/officer-1)",
    "--hub": "hub websocket URL (default: from hotline.toml)",
    "--out": "where to write the result",
    "--from": "from this time on (2026-11-22, ISO time or ms)",
    "--to": "up to this time (2026-11-22, ISO time or ms)",
    "--party": "only this party",
    "--family": "only this catalogue family",
    "--category": "only this register category",
    "--format": "output format",
    "--checkpoint": "a checkpoint a party kept (repeatable)",
}


#: help for positional arguments that other modules add without it
POSITIONAL_HELP = {
    "bundle": "an audit bundle (hotline audit export)",
    "id": "a message id (or a unique part of it)",
    "roster": "a roster file",
    "dir": "a folder",
}


def _home_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--home", type=Path, required=required, metavar="DIR", help=HELP["--home"])


def _device_args(p: argparse.ArgumentParser, example: str = "RS or RS/officer-1") -> None:
    _home_arg(p)
    p.add_argument(
        "--as",
        dest="as_",
        required=True,
        metavar="PARTY[/DEVICE]",
        help=(f"who you are, e.g. {example}"),
    )
    p.add_argument("--hub", metavar="URL", help=HELP["--hub"])


def _message_commands(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    cmd: Callable[..., Any],
) -> None:
    from . import cli_messages as m
    from .cli_feed import FEED_FORMAT, cmd_feed

    p = cmd("serve", m.cmd_serve, "run the hub")
    _home_arg(p)
    p.add_argument("--host", metavar="ADDRESS", help=("address to listen on"))
    p.add_argument("--port", type=int, metavar="PORT", help=("port to listen on"))
    p.add_argument(
        "--redis", metavar="URL", help=("redis:// URL (default: start an embedded redis-server)")
    )

    p = cmd("send", m.cmd_send, "validate, sign, seal and send one notification")
    _device_args(p)
    p.add_argument("--to", required=True, metavar="P1,P2|all", help=("recipients"))
    p.add_argument(
        "--type",
        required=True,
        dest="family",
        choices=FAMILIES,  # a wrong name is a usage error (exit 2) that lists the right ones
        metavar="FAMILY",
        help=("catalogue family: {families}").format(families=", ".join(FAMILIES)),
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--json", metavar="JSON", help=("the body as JSON"))
    src.add_argument("--file", type=Path, metavar="FILE", help=("a file holding the body"))
    p.add_argument(
        "--precedence",
        choices=["ROUTINE", "PRIORITY", "IMMEDIATE", "FLASH"],
        help=("precedence (default: the family's)"),
    )
    p.add_argument("--exercise", action="store_true", help=("mark as a drill (EXERCISE)"))
    p.add_argument("--reply-to", metavar="ID", help=("message id this answers"))
    p.add_argument("--supersedes", metavar="ID", help=("message id this amends or cancels"))
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help=("how long to wait for the hub's answer before leaving it queued"),
    )

    p = cmd("listen", m.cmd_listen, "print received messages as JSON lines")
    _device_args(p, "HR or AUDIT")
    p.add_argument("--count", type=int, metavar="N", help=("stop after N messages"))
    p.add_argument("--timeout", type=float, metavar="SECONDS", help=("stop after S seconds"))

    p = cmd("status", m.cmd_status, "per-recipient delivered / read / acknowledged")
    _device_args(p)
    p.add_argument("id", metavar="ID", help=("the message id (or a unique part of it)"))

    p = cmd("acknowledge", m.cmd_acknowledge, "sign that your party has taken note")
    _device_args(p)
    p.add_argument("id", metavar="ID", help=("the message id (or a unique part of it)"))

    p = sub.add_parser(
        "feed",
        help=("send JSON lines of notifications from a national system"),
        description=("send JSON lines of notifications from a national system"),
        epilog=FEED_FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(fn=cmd_feed)
    _device_args(p, "RS (its feed) or RS/feed-1")
    p.add_argument("--file", default="-", metavar="FILE", help=("JSON lines file, or - for stdin"))
    p.add_argument(
        "--concurrency", type=int, default=32, metavar="N", help=("messages in flight at once")
    )
    p.add_argument(
        "--tracks",
        action="store_true",
        help=(
            "input is track points: notify on entering the border zone, amend at most once "
            "a minute, close on leaving"
        ),
    )

    p = cmd("console", m.cmd_console, "the duty officer's console")
    _device_args(p, "HR or HR/officer-1")

    p = cmd("demo", m.cmd_demo, "a complete local network playing a short scenario")
    p.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help=("keep the demo network here (default: a temporary folder, removed on exit)"),
    )
    p.add_argument("--as", dest="as_", default="HR", metavar="PARTY", help=("whose console"))
    p.add_argument("--no-console", action="store_true", help=("print the flow instead"))
    p.add_argument("--exit", action="store_true", help=("stop after the scenario"))


def build_parser() -> argparse.ArgumentParser:
    from . import cli_roster as r
    from .cli_audit import add_audit_commands
    from .cli_inbox import add_inbox_command
    from .cli_register import add_register_commands
    from .cli_verification import add_verification_commands

    top = argparse.ArgumentParser(
        prog="hotline",
        description=(
            "CBM Hotline: signed, end-to-end encrypted notifications between defence ministries."
        ),
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def cmd(name: str, fn: Fn, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(fn=fn)
        return p

    p = cmd("init", r.cmd_init, "create a complete local network in one folder")
    p.add_argument("dir", type=Path, metavar="DIR", help=("an empty folder"))
    p.add_argument(
        "--parties", default="AL,BA,HR,ME,MK,RS,XK", metavar="P1,P2", help=("party codes")
    )
    p.add_argument("--quorum", type=int, metavar="N", help=("signatures a roster needs"))
    p.add_argument("--suite", choices=["pq", "classic"], default="pq", help=("encryption suite"))
    p.add_argument("--port", type=int, default=8443, metavar="PORT", help=("the hub's port"))
    _message_commands(sub, cmd)
    add_inbox_command(sub)
    add_audit_commands(sub)
    add_register_commands(sub)
    add_verification_commands(sub)  # check, verification show, calendar show
    _roster_commands(sub, r)
    polish(top)
    return top


def _roster_commands(sub: argparse._SubParsersAction, r: object) -> None:  # type: ignore[type-arg]
    keys = sub.add_parser("keys", help=("device keys for the roster ceremony"))
    ksub = keys.add_subparsers(dest="keys_cmd", required=True, metavar="COMMAND")
    p = ksub.add_parser("new", help=("create a device's keys; prints its public roster entry"))
    p.set_defaults(fn=r.cmd_keys_new)  # type: ignore[attr-defined]
    _home_arg(p)
    p.add_argument("--device", required=True, metavar="PARTY/NAME", help=("e.g. RS/officer-1"))
    p.add_argument(
        "--role",
        default="officer",
        choices=["officer", "feed", "auditor", "hub", "observer"],
        help=("what the device may do"),
    )
    p.add_argument("--suite", choices=["pq", "classic"], default="pq", help=("encryption suite"))
    p.add_argument(
        "--families", default="", metavar="F1,F2", help=("feeds: the families they may send")
    )
    roster = sub.add_parser("roster", help=("the roster ceremony"))
    rsub = roster.add_subparsers(dest="roster_cmd", required=True, metavar="COMMAND")
    p = rsub.add_parser("propose", help=("assemble an unsigned roster from public entries"))
    p.set_defaults(fn=r.cmd_roster_propose)  # type: ignore[attr-defined]
    p.add_argument(
        "--entries",
        type=Path,
        nargs="+",
        required=True,
        metavar="FILE",
        help=("the devices' entry.json files"),
    )
    p.add_argument("--parties", required=True, metavar="CODE=Name,…", help=("the voting parties"))
    p.add_argument("--quorum", type=int, required=True, metavar="N", help=("signatures needed"))
    p.add_argument("--prev", type=Path, metavar="FILE", help=("the roster this one follows"))
    p.add_argument(
        "--auditor-copies", action="store_true", help=("seal every message to the auditors too")
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help=("where to write it"))
    p = rsub.add_parser("sign", help=("add your party's signature to a proposed roster"))
    p.set_defaults(fn=r.cmd_roster_sign)  # type: ignore[attr-defined]
    _home_arg(p)
    p.add_argument("--as", dest="as_", required=True, metavar="PARTY", help=("your party"))
    p.add_argument("roster", type=Path, metavar="FILE", help=("the proposed roster"))
    p = rsub.add_parser("verify", help=("check a roster's chain and quorum"))
    p.set_defaults(fn=r.cmd_roster_verify)  # type: ignore[attr-defined]
    p.add_argument("roster", type=Path, metavar="FILE", help=("the roster"))
    p.add_argument(
        "--prev", type=Path, nargs="*", default=[], metavar="FILE", help=("earlier versions")
    )
    p = rsub.add_parser("show", help=("print a roster as JSON"))
    p.set_defaults(fn=r.cmd_roster_show)  # type: ignore[attr-defined]
    p.add_argument("roster", type=Path, metavar="FILE", help=("the roster"))
    p = rsub.add_parser("install", help=("put a verified roster into a home"))
    p.set_defaults(fn=r.cmd_roster_install)  # type: ignore[attr-defined]
    _home_arg(p)
    p.add_argument("roster", type=Path, metavar="FILE", help=("the roster"))


def parsers(top: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser under ``top`` (each command and sub-command), ``top`` first."""
    yield top
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for p in dict.fromkeys(action.choices.values()):
                yield from parsers(p)


def polish(top: argparse.ArgumentParser) -> None:
    """Readable metavars and help for options added elsewhere without them, and --lang."""
    for p in parsers(top):
        if p.get_default("fn") is None:
            continue
        p.add_argument(
            "--lang",
            choices=list(LANGUAGES),
            metavar="LANG",
            help=("language: {choices} (default: hotline.toml, then LANG)").format(
                choices=", ".join(LANGUAGES)
            ),
        )
        for action in p._actions:
            if not action.option_strings and action.help is None:
                action.help = POSITIONAL_HELP.get(action.dest, action.dest)
            opt = next((o for o in action.option_strings if o.startswith("--")), None)
            if opt is None or action.nargs == 0:
                continue
            if action.metavar is None and action.choices is None:
                action.metavar = METAVARS.get(opt, opt.lstrip("-").upper().replace("-", "_"))
            if action.help is None and opt in HELP:
                action.help = HELP[opt]


def _language(argv: Sequence[str] | None) -> None:
    """Set the language before the parser is built (its help is translated)."""
    args = list(sys.argv[1:] if argv is None else argv)
    flag = next((args[i + 1] for i, x in enumerate(args[:-1]) if x == "--lang"), None)
    home = next((args[i + 1] for i, x in enumerate(args[:-1]) if x == "--home"), None)
    as_ = next((args[i + 1] for i, x in enumerate(args[:-1]) if x == "--as"), "")
    config: dict[str, object] = {}
    if home:
        import tomllib

        try:
            config = tomllib.loads((Path(home) / "hotline.toml").read_text("utf-8"))
        except (OSError, ValueError):
            config = {}
    try:
        use(choose_language(flag if flag in LANGUAGES else None, config, as_, os.environ))
    except ValueError:
        use("en")


def main(argv: Sequence[str] | None = None) -> int:
    _language(argv)
    try:
        args = build_parser().parse_args(argv)
        args.lang_chosen = _active_lang()
        return int(args.fn(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except ProtocolError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        # a wrong folder, config or --to is the caller's option, not a refusal by a rule
        usage = exc.code in ("home_error", "config_error", "unknown_recipient")
        return EXIT["usage"] if usage else EXIT["refused"]
    except BrokenPipeError:
        # `hotline inbox | head`: the reader left; say nothing, and let Python's exit
        # flush go to /dev/null instead of raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT["error"]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT["error"]
    except KeyboardInterrupt:
        return EXIT["interrupted"]


def _active_lang() -> str:
    from .i18n import active

    return active().lang
