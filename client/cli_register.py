"""``hotline register show``: the regional arms register with provenance."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from .cli_common import EXIT, emit
from .home import Home
from .i18n import _, category_name, phrase_text
from .register import register_for
from .store import Store

__all__ = ["add_register_commands"]


def cmd_show(a: argparse.Namespace) -> int:
    home = Home(a.home)
    dev = home.device(a.as_)
    store = Store(dev.directory / "store.sqlite")
    holdings, alerts, policy = register_for(store, dev.party)
    rows = [
        h
        for (p, c), h in sorted(holdings.items())
        if (not a.party or p == a.party.upper()) and (not a.category or c == a.category)
    ]
    if a.format == "json":
        emit(
            {
                "policy": policy.id,
                "example": policy.example,
                "holdings": [
                    h.to_json(policy.ceilings.get(h.party, {}).get(h.category)) for h in rows
                ],
                "alerts": [
                    {**asdict(a_), "message": a_.message}
                    for a_ in alerts
                    if not a.party or a_.party == a.party.upper()
                ],
            }
        )
        return EXIT["ok"]
    title = _("Regional arms register as seen by {device} — ceilings: {policy}").format(
        device=dev.id, policy=policy.id
    )
    print(title + (" " + _("(EXAMPLE)") if policy.example else ""))
    cols = [_("party"), _("category"), _("base"), _("deliv"), _("contr"), _("proj"), _("ceil")]
    print(
        f"{cols[0]:<5} {cols[1]:<20} {cols[2]:>5} {cols[3]:>6} {cols[4]:>6} {cols[5]:>5} "
        f"{cols[6]:>5}  " + _("sources")
    )
    for h in rows:
        ceil = policy.ceilings.get(h.party, {}).get(h.category)
        flag = " ⚠" if ceil is not None and h.projected > ceil else ""
        print(
            f"{h.party:<5} {category_name(h.category):<20} {h.baseline:>5} {h.delivered:>6} "
            f"{h.contracted:>6} {h.projected:>5} {ceil if ceil is not None else '-':>5}{flag}"
            f"  {', '.join(s[:8] for s in h.sources)}"
        )
    for al in alerts:
        print(_("ALERT: {what} (notice {id})").format(what=phrase_text(al.phrase), id=al.notice_id))
    store.close()
    return EXIT["ok"]


def add_register_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    reg = sub.add_parser("register", help="the regional arms register")
    rsub = reg.add_subparsers(dest="register_cmd", required=True)
    p = rsub.add_parser("show", help="holdings per party and category, with provenance")
    p.set_defaults(fn=cmd_show)
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--as", dest="as_", required=True)
    p.add_argument("--party")
    p.add_argument("--category")
    p.add_argument("--format", choices=["table", "json"], default="table")
