"""``hotline serve | send | listen | status | acknowledge | feed | console | demo``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hotline.protocol import PolicyError, ProtocolError, validate_body
from hotline.protocol.policy import Verdict
from hotline.runtime.clock import now_ms

from .alerts import keep_alert
from .cli_check import load_body
from .cli_common import EXIT, CliError, emit, note_unseen, resolve_as, run_async
from .compose import expand_recipients
from .events import Event, MessageReceived, ReceiptUpdated, SecurityAlert, SendResult
from .home import Home
from .hub_client import HubClient
from .i18n import _, verdict_text
from .search import AmbiguousId, UnknownId, resolve_id
from .verification import check_message

__all__ = [
    "SENDERS",
    "cmd_acknowledge",
    "cmd_console",
    "cmd_demo",
    "cmd_listen",
    "cmd_send",
    "cmd_serve",
    "cmd_status",
    "connected",
    "message_json",
    "verdict_json",
]

CONNECT_WAIT = 5.0
SENDERS = ("officer", "feed")  # roles that sign notifications, in the order --as picks
READERS = ("officer", "feed", "auditor", "observer")


def cmd_serve(a: argparse.Namespace) -> int:
    # The hub runs as its own process: the client package never imports the server.
    argv = [sys.executable, "-m", "hotline.server", "--home", str(a.home)]
    for flag, v in (("--host", a.host), ("--port", a.port), ("--redis", a.redis)):
        if v is not None:
            argv += [flag, str(v)]
    os.execv(sys.executable, argv)


def verdict_json(v: Verdict) -> dict[str, Any]:
    return {
        "policy": v.policy,
        "notifiable": v.notifiable,
        "reasons": list(v.reasons),
        "observation_required": v.observation_required,
        "due": v.due_date,
        "late": v.late,
        "reply_deadline_ms": v.reply_deadline_ms,
        "summary": v.summary(),
    }


def message_json(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "family": m.family,
        "sender": m.sender,
        "device": m.device,
        "precedence": m.precedence,
        "exercise": m.exercise,
        "verified": m.verified,
        "created_ms": m.created_ms,
        "in_reply_to": m.in_reply_to,
        "supersedes": m.supersedes,
        "body": m.body,
        "error": m.error,
    }


#: alert codes said on stderr and kept, which do not make a command exit 5
NOTICES = frozenset({"session_elsewhere"})


@dataclass
class Connected:
    """A started client, whether the hub answered, and what arrived meanwhile."""

    client: HubClient
    ok: bool
    events: asyncio.Queue[Event]
    unseen: int = 0
    seen_ids: set[str] = field(default_factory=set)
    alerts: list[SecurityAlert] = field(default_factory=list)

    def note(self, ev: Event, *, shown: bool = False) -> Event:
        """Every event passes here: messages not ``shown`` are counted, alerts kept."""
        if isinstance(ev, MessageReceived) and not shown and ev.message.id not in self.seen_ids:
            self.unseen += 1
        elif isinstance(ev, SecurityAlert):
            keep_alert(self.client.store, ev, now_ms())
            self.alerts.append(ev)
        return ev

    async def next_event(self, timeout: float | None, *, shown: bool = False) -> Event | None:
        """The next event within ``timeout`` seconds (None: wait), or None."""
        try:
            ev = await asyncio.wait_for(self.events.get(), timeout)
        except TimeoutError:
            return None
        return self.note(ev, shown=shown)

    def drain(self) -> None:
        while not self.events.empty():
            self.note(self.events.get_nowait())

    def exit_code(self, code: int) -> int:
        """README's exit table: a security alert seen while the command ran is exit 5,
        whatever else went well (a queued or refused outcome keeps its own code)."""
        self.drain()
        # "this device opened another session" is news, not a failed check: two runs of
        # one feed device at once would otherwise fail the older for no fault of its own
        failed = [al for al in self.alerts if al.code not in NOTICES]
        return EXIT["unverified"] if failed and code == EXIT["ok"] else code


@contextlib.asynccontextmanager
async def connected(
    home: Home, a: argparse.Namespace, roles: Sequence[str], *, flush: bool = True
) -> AsyncIterator[Connected]:
    """Connect as ``--as`` (a device of ``roles``), flush its outbox; on exit, close and
    say how many messages arrived unseen. Auditors never sign receipts."""
    device = home.device(resolve_as(home, a.as_, roles))
    c = HubClient(home, device, hub_url=a.hub, auto_receipts=device.role != "auditor")
    conn = Connected(c, False, c.subscribe())
    await c.start()
    try:
        conn.ok = await c.wait_connected(CONNECT_WAIT)
        if c.state == "refused":
            raise CliError(
                (c.last_error.message if c.last_error else _("the hub refused this device"))
                + _(": check the roster (hotline roster show) and --as"),
                EXIT["refused"],
            )
        if conn.ok and flush:
            await c.flush(10)  # every connecting command first empties the outbox
        yield conn
    finally:
        conn.drain()
        await c.close()
        note_unseen(conn.unseen, home.root, device.id)
        for al in conn.alerts:
            print(_("security alert: {what}").format(what=al.text()), file=sys.stderr)
        if conn.alerts:
            print(
                _("note: kept in the device's alerts (hotline console, Alerts screen)"),
                file=sys.stderr,
            )


def _unreachable(home: Home, a: argparse.Namespace) -> str:
    return _(
        "the hub at {url} did not answer: start it (hotline serve --home DIR) or pass --hub URL"
    ).format(url=a.hub or home.hub_url)


def cmd_send(a: argparse.Namespace) -> int:
    home = Home(a.home)
    body = load_body(a)
    clean = validate_body(a.family, body)
    if clean.get("action") in ("amend", "cancel") and not a.supersedes:
        raise PolicyError(
            _("an {action} must name the notification it changes: pass --supersedes ID").format(
                action=clean["action"]
            )
        )

    async def go() -> int:
        async with connected(home, a, SENDERS) as conn:
            vs = _verdicts(conn.client, a, clean, home.policies)
            for v in vs:
                print(_("policy: {verdict}").format(verdict=verdict_text(v)), file=sys.stderr)
            res: SendResult = await conn.client.send(
                a.to,
                a.family,
                body,
                precedence=a.precedence,
                exercise=a.exercise,
                in_reply_to=a.reply_to,
                supersedes=a.supersedes,
                timeout=a.timeout if conn.ok else 0.05,
            )
        emit(res.to_json() | {"verdicts": [verdict_json(v) for v in vs]})
        if res.status == "queued":
            print(
                _(
                    "queued: the hub at {url} did not answer; the message is in the outbox "
                    "and leaves with the next hotline command for this device"
                ).format(url=a.hub or home.hub_url),
                file=sys.stderr,
            )
            return EXIT["queued"]
        if res.status in ("rejected", "refused"):
            print(
                _("error: the hub refused it: {reason}").format(reason=res.message),
                file=sys.stderr,
            )
            return EXIT["refused"]
        return conn.exit_code(EXIT["ok"])

    return run_async(go())


def _verdicts(
    client: HubClient, a: argparse.Namespace, body: Any, policies: Any, now: int | None = None
) -> list[Any]:
    """The same check as `hotline check` and the compose screen, with this device's
    history: quota used, calendar, reply deadlines (issue 18)."""
    party = client.device.party
    recipients = expand_recipients(a.to, client.roster, party)
    return check_message(
        client.store, client.roster, party, a.family, body, recipients=recipients,
        policies=policies, now_ms=now or now_ms(), in_reply_to=a.reply_to,
        supersedes=a.supersedes,
    ).verdicts  # fmt: skip


def cmd_listen(a: argparse.Namespace) -> int:
    home = Home(a.home)

    async def go() -> int:
        deadline = time.monotonic() + a.timeout if a.timeout else None
        n = 0
        async with connected(home, a, READERS) as conn:
            unread = sum(m.my_rank < 1 for m in conn.client.store.inbox(100_000))
            if unread:
                print(
                    _(
                        "note: {n} unread messages were stored earlier: "
                        "hotline inbox --home {home} --as {device} --unread"
                    ).format(n=unread, home=home.root, device=conn.client.device.id),
                    file=sys.stderr,
                )
            if not conn.ok and deadline is None:
                print(_("waiting for the hub…"), file=sys.stderr)
            while a.count is None or n < a.count:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                ev = await conn.next_event(remaining, shown=True)
                if ev is None:
                    break
                if isinstance(ev, MessageReceived):
                    emit(message_json(ev.message))
                    n += 1
                elif isinstance(ev, SecurityAlert):  # a line of its own kind for scripts
                    emit({"alert": {"ref": ev.id, "code": ev.code, "detail": ev.detail}})
        return conn.exit_code(EXIT["ok"])

    return run_async(go())


def _known(ids: list[str], text: str, where: str, fix: str) -> str:
    try:
        return resolve_id(text, ids)
    except UnknownId as exc:
        raise CliError(f"{exc.message} {where}: {fix}", EXIT["usage"]) from exc
    except AmbiguousId as exc:
        raise CliError(
            exc.message + _(": give more of the id (hotline inbox shows them)"), EXIT["usage"]
        ) from exc


def cmd_status(a: argparse.Namespace) -> int:
    home = Home(a.home)

    async def go() -> int:
        async with connected(home, a, READERS) as conn:
            sent = [s["id"] for s in conn.client.store.sent(100_000)]
            mid = (
                a.id
                if a.id in sent
                else _known(
                    sent,
                    a.id,
                    _("among {device}'s sent messages").format(device=conn.client.device.id),
                    _("use an id hotline send printed, or --as the sender"),
                )
            )
            if not conn.ok:
                raise CliError(_unreachable(home, a), EXIT["queued"])
            try:
                st = await conn.client.status(mid)
            except ProtocolError as exc:
                raise CliError(
                    _(
                        "the hub knows no message {id} ({reason}): it may not be accepted yet; "
                        "check hotline inbox / the sent list"
                    ).format(id=mid, reason=exc.message),
                    EXIT["error"],
                ) from exc
        emit({"id": mid, "recipients": st})
        return conn.exit_code(EXIT["ok"])

    return run_async(go())


async def _receipt_back(conn: Connected, mid: str, timeout: float) -> bool:
    """Wait until our own acknowledgement of ``mid`` has come back through the log."""
    c = conn.client
    deadline = time.monotonic() + timeout
    while any(m == mid and r >= 2 for m, r, _d in c.store.receipt_outbox()):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ev = await conn.next_event(left)
        if ev is None:
            return False
        if not (isinstance(ev, ReceiptUpdated) and ev.id == mid):
            continue
    return True


def cmd_acknowledge(a: argparse.Namespace) -> int:
    home = Home(a.home)

    async def go() -> int:
        async with connected(home, a, ("officer",)) as conn:
            c = conn.client
            mid = _known(
                [m.id for m in c.store.inbox(100_000)],
                a.id,
                _("in {device}'s inbox").format(device=c.device.id),
                _("list it with hotline inbox --home {home} --as {party}").format(
                    home=home.root,
                    party=c.device.id,  # the device: --as HR/officer-2 too
                ),
            )
            own = c.store.receipts(mid).get(c.device.id, -1)
            if own >= 2:  # signed before and recorded in the log: nothing to wait for
                emit({"id": mid, "acknowledged": True, "already": True, "queued": False})
                return conn.exit_code(EXIT["ok"])
            if c.store.get(mid).my_rank < 2:  # type: ignore[union-attr]
                await c.acknowledge(mid)
            back = conn.ok and await _receipt_back(conn, mid, 10)
        emit({"id": mid, "acknowledged": True, "queued": not back})
        if not back:
            print(
                _unreachable(home, a) + _(" (the signed receipt is kept and resent)"),
                file=sys.stderr,
            )
        return conn.exit_code(EXIT["ok"] if back else EXIT["queued"])

    return run_async(go())


def cmd_console(a: argparse.Namespace) -> int:
    home = Home(a.home)
    device = resolve_as(home, a.as_, ("officer",))
    home.device(device)  # a clear error before the screen opens
    return run_async(_console(home, device, a.hub, a.lang_chosen))


async def _console(home: Home, device: str, hub: str | None, lang: str) -> int:
    from .console.app import run_console

    return await run_console(home, device, hub, lang=lang)


def cmd_demo(a: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(a)
