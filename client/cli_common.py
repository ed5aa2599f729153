"""What every CLI module shares: exit codes, the expected-error type, output helpers,
and how ``--as`` names a device."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .home import Home, HomeError
from .i18n import _, ngettext

__all__ = ["EXIT", "CliError", "emit", "note_unseen", "resolve_as", "run_async"]

#: exit codes (docs: README, design D10): scripts tell "queued for later" from "refused"
EXIT = {
    "ok": 0,
    "error": 1,
    "usage": 2,
    "queued": 3,
    "refused": 4,
    "rejected": 4,  # the older name of "refused"
    "unverified": 5,
    "warnings": 6,
    "interrupted": 130,
}


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT["error"]) -> None:
        super().__init__(message)
        self.code = code


def emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def run_async(coro: Any) -> int:
    try:
        return int(asyncio.run(coro))
    except KeyboardInterrupt:
        return EXIT["interrupted"]


def _roles(home: Home, party: str) -> dict[str, list[str]]:
    """role → device ids of ``party`` that have keys in this home."""
    out: dict[str, list[str]] = {}
    folder = home.root / "devices" / party
    for meta in sorted(folder.glob("*/device.json")) if folder.is_dir() else []:
        try:
            d = json.loads(meta.read_text("utf-8"))
            out.setdefault(str(d["role"]), []).append(str(d["id"]))
        except (OSError, ValueError, KeyError):
            continue
    return out


def resolve_as(home: Home, spec: str, roles: Sequence[str]) -> str:
    """``--as PARTY`` → that party's single device of the first role in ``roles`` it has.

    ``--as RS`` is RS's officer for ``send``, its feed for ``feed``; ``--as AUDIT`` the
    auditor. ``--as RS/feed-1`` names the device itself.
    """
    if "/" in spec:
        return spec
    party = spec.upper()
    have = _roles(home, party)
    for role in roles:
        ids = have.get(role, [])
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise CliError(
                _("{party} has {n} {role} devices here: pass one, e.g. --as {first}").format(
                    party=party, n=len(ids), role=role, first=ids[0]
                ),
                EXIT["usage"],
            )
    if not have:
        raise HomeError(
            _("no device of party {party!r} in {home}: check --as (e.g. --as RS)").format(
                party=spec, home=home.root
            )
        )
    found = ", ".join(i for ids in have.values() for i in ids)
    raise CliError(
        _("{party} has no {roles} device here ({found}): pass --as PARTY/DEVICE").format(
            party=party, roles=" / ".join(roles), found=found
        ),
        EXIT["usage"],
    )


def note_unseen(n: int, home: Path, device: str) -> None:
    """Say that messages arrived while a command ran, and how to see them."""
    if n:
        print(
            ngettext(
                "note: {n} new message arrived and was stored, not shown: "
                "hotline inbox --home {home} --as {device} --unread",
                "note: {n} new messages arrived and were stored, not shown: "
                "hotline inbox --home {home} --as {device} --unread",
                n,
            ).format(n=n, home=home, device=device),
            file=sys.stderr,
        )
