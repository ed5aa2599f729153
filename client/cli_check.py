"""``hotline check``: validation and every preset's verdict as JSON, sending nothing.

No hub is needed: the body is checked against the catalogue, its envelope context
(references, requester, team signatures against the home's roster) and each
preset, with the quotas and calendars this device's store holds — the same
function (``verification.check_message``) the console's compose screen calls.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hotline.protocol import FAMILIES
from hotline.runtime.clock import now_ms

from .cli_common import EXIT, CliError, emit
from .compose import expand_recipients
from .home import Home
from .i18n import _, ngettext, verdict_text
from .store import Store
from .verification import check_message

__all__ = ["add_check_command", "cmd_check", "load_body"]


def load_body(a: argparse.Namespace) -> dict[str, Any]:
    """The body from ``--json`` or ``--file``; one line naming the fix otherwise."""
    try:
        text = a.json if a.json is not None else Path(a.file).read_text("utf-8")
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            _(
                "the body is not valid JSON ({problem} at line {line} column {column}): "
                "fix --json/--file"
            ).format(problem=exc.msg, line=exc.lineno, column=exc.colno),
            EXIT["usage"],
        ) from exc
    except OSError as exc:
        raise CliError(
            _("cannot read {path}: {reason}: check the path").format(
                path=a.file, reason=exc.strerror
            ),
            EXIT["usage"],
        ) from exc
    if not isinstance(body, dict):
        raise CliError(_("the body must be a JSON object: wrap it in {...}"), EXIT["usage"])
    return body


def cmd_check(a: argparse.Namespace) -> int:
    home = Home(a.home)
    dev = home.device(a.as_)
    now = now_ms()
    roster = home.roster(now)
    body = load_body(a)
    recipients = expand_recipients(",".join(a.to or ["all"]), roster, dev.party)
    store = Store(dev.directory / "store.sqlite")
    try:
        result = check_message(
            store,
            roster,
            dev.party,
            a.family,
            body,
            recipients=recipients,
            policies=a.policy or home.policies,
            now_ms=now,
            in_reply_to=a.reply_to,
            supersedes=a.supersedes,
        )
    finally:
        store.close()
    emit(result.to_json())  # English, for machines; the lines below are for the officer
    for v in result.verdicts:
        print(_("policy: {verdict}").format(verdict=verdict_text(v)), file=sys.stderr)
    if not result.ok:
        # the problem itself is the protocol's English message (field: what is wrong)
        n = len(result.errors) - 1
        more = ngettext(" (and {n} more)", " (and {n} more)", n).format(n=n) if n else ""
        line = _("{problem}{more}: fix the body and check again").format(
            problem=result.errors[0].message, more=more
        )
        print(f"error: {line}", file=sys.stderr)
        return EXIT["error"]
    return EXIT["ok"]


def add_check_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_ = "validate a notification and print every preset's verdict as JSON (sends nothing)"
    p = sub.add_parser("check", help=help_, description=help_)
    p.set_defaults(fn=cmd_check)
    p.add_argument("--home", type=Path, required=True, help="network folder (hotline init)")
    p.add_argument(
        "--as", dest="as_", required=True, metavar="PARTY[/DEVICE]", help="who would send it"
    )
    p.add_argument(
        "--type",
        required=True,
        dest="family",
        choices=FAMILIES,
        metavar="FAMILY",
        help=("catalogue family: {families}").format(families=", ".join(FAMILIES)),
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--json", metavar="JSON", help="the body as JSON")
    src.add_argument("--file", type=Path, metavar="FILE", help="a file holding the body")
    p.add_argument(
        "--to", nargs="+", metavar="PARTY", help="recipients: P1 P2, P1,P2 or all (default all)"
    )
    p.add_argument(
        "--policy",
        action="append",
        metavar="NAME",
        help="only this preset (repeatable; default: the home's presets)",
    )
    p.add_argument("--reply-to", metavar="ID", help="the message it answers (in_reply_to)")
    p.add_argument("--supersedes", metavar="ID", help="the message it amends or cancels")
