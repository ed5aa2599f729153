"""``hotline inbox``: what this device has stored, with the console's search rules.

Reads the device's store only (no hub, no receipts signed): listing a message does not
mark it read.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hotline.runtime.clock import now_ms

from .attention import message_time, overdue_for_me
from .cli_common import EXIT, emit, resolve_as
from .cli_messages import READERS, message_json
from .home import Home
from .i18n import _, family_name, fmt_time, ngettext, precedence_mark, receipt_state
from .search import parse, search, short_id
from .store import InboxRow, Store

__all__ = ["add_inbox_command", "cmd_inbox"]


def _since(text: str | None) -> int:
    if not text:
        return 0
    from .cli_time import parse_time

    return parse_time(text)


def _row_json(m: InboxRow, overdue: bool) -> dict[str, Any]:
    return message_json(m) | {
        "short_id": short_id(m.id),
        "received_ms": m.received_ms,
        "state": ("pending", "delivered", "read", "acknowledged")[m.my_rank + 1],
        "overdue": overdue,
    }


def _line(m: InboxRow, overdue: bool) -> str:
    mark = "⏰" if overdue else " "
    text = ""
    for key in ("text", "name", "question", "answer", "summary", "system", "uav_type"):
        if isinstance(m.body.get(key), str):
            text = " ".join(str(m.body[key]).split())[:60]
            break
    return (
        f"{short_id(m.id)}  {fmt_time(message_time(m)):>13}  {precedence_mark(m.precedence):<8} "
        f"{m.sender:<4} {family_name(m.family):<24} {receipt_state(m.my_rank):<12}{mark} {text}"
    )


def cmd_inbox(a: argparse.Namespace) -> int:
    home = Home(a.home)
    dev = home.device(resolve_as(home, a.as_, READERS))
    store = Store(dev.directory / "store.sqlite")
    try:
        text = " ".join(
            [a.search or ""]
            + [f"is:{s}" for s, on in (("unread", a.unread), ("unacked", a.unacked)) if on]
            + (["is:overdue"] if a.overdue else [])
        )
        rows = store.inbox(100_000)
        late = overdue_for_me(rows, store.sent(100_000), home.policies, now_ms())
        since = _since(a.since)
        found = [
            m
            for m in search(rows, parse(text), overdue=lambda m: m.id in late)
            if message_time(m) >= since
        ]
        unseen_alerts = sum(store.unseen_alerts().values())
    finally:
        store.close()
    for m in found:
        if a.json:
            emit(_row_json(m, m.id in late))
        else:
            print(_line(m, m.id in late), flush=True)
    if not found and not a.json:
        print(_("no messages match"), file=sys.stderr)
    if unseen_alerts:  # the inbox is not the whole story: say so where it is read
        print(
            ngettext(
                "note: {n} security or register alert not yet looked at: "
                "hotline console, Alerts screen",
                "note: {n} security or register alerts not yet looked at: "
                "hotline console, Alerts screen",
                unseen_alerts,
            ).format(n=unseen_alerts),
            file=sys.stderr,
        )
    return EXIT["ok"]


def add_inbox_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "inbox",
        help=("list what this device has stored (newest first), with search and filters"),
        description=(
            "List the messages this device has stored, newest first. Search is case-, "
            "diacritic- and script-insensitive (Nis, Niš and Ниш match alike) and takes "
            "from:RS, to:HR, family:drone, prec:flash, date:2026-11-22, is:unread, "
            "is:unacked, is:overdue. Reads the local store only: nothing is signed."
        ),
    )
    p.set_defaults(fn=cmd_inbox)
    p.add_argument("--home", required=True, metavar="DIR", help=("network folder (hotline init)"))
    p.add_argument(
        "--as",
        dest="as_",
        required=True,
        metavar="PARTY[/DEVICE]",
        help=("whose inbox, e.g. HR or HR/officer-1"),
    )
    state = p.add_mutually_exclusive_group()
    state.add_argument("--unread", action="store_true", help=("only messages not yet opened"))
    state.add_argument(
        "--unacked", action="store_true", help=("only messages not yet acknowledged")
    )
    state.add_argument(
        "--overdue", action="store_true", help=("only answers or acknowledgements I owe, late")
    )
    p.add_argument("--search", metavar="TEXT", help=("words and key:value terms, as above"))
    p.add_argument(
        "--since", metavar="TIME", help=("only messages from then on (2026-11-22, ISO time, ms)")
    )
    p.add_argument("--json", action="store_true", help=("JSON lines instead of a table"))
