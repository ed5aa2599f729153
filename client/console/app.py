"""The console app: holds the HubClient, hands screens their data, does what they ask.

Screens get a :class:`View` (read-only store, settings) in ``__init__`` and post
messages up (:mod:`.messages`); only this app calls the client. It recomputes the
attention counts on every event and every second, hands them down to every screen,
rings the bell while a FLASH waits, and turns any unexpected error into a panel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from hotline.runtime.clock import now_ms

from ..alerts import keep_alert, sync_register_alerts
from ..attention import Attention, attention
from ..events import ConnectionChanged, MessageReceived, ReceiptUpdated, SecurityAlert
from ..home import Home
from ..hub_client import HubClient
from ..i18n import _, family_name, ngettext, phrase_text, precedence_name, use
from ..verification import compose_check
from .alerts import AlertsScreen
from .base import HotlineScreen, View
from .bell import Bell, desktop_notify
from .compose import ComposeScreen
from .conversation import ConversationScreen
from .errors import ErrorScreen, guarded, log
from .inbox import InboxScreen
from .message import MessageScreen
from .messages import Acknowledge, Failed, Navigate, OpenMessage, SendDraft
from .sent import SentScreen, TimelineScreen
from .verification import VerificationScreen

__all__ = ["HotlineApp", "run_console"]

INTERRUPTED = 130


class HotlineApp(App[int]):
    """The duty officer's console. The UI never touches a socket: all goes through ``client``."""

    CSS_PATH = "app.tcss"
    TITLE = "CBM Hotline"
    # Only keys that sign nothing and reach no other screen's selection live here.
    BINDINGS = [
        Binding("ctrl+q", "quit", show=False),
        Binding("ctrl+c", "interrupt", show=False, priority=True),
    ]

    def __init__(
        self,
        client: HubClient,
        policies: list[str],
        *,
        clock: Callable[[], int] = now_ms,
        live: bool = True,
        lang: str = "en",
        bell_seconds: float = 30.0,
        log_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self.live = live  # False in snapshot tests: no timers, fixed clock
        use(lang)
        parties = tuple(p for p in client.roster.party_codes("party") if p != client.device.party)
        self.view = View(
            client.store,
            client.device.party,
            client.device.id,
            policies,
            parties,
            lang,
            clock,
            live,
            log_path,
            check=lambda family, body, to, now, reply_to: (
                compose_check(client, family, body, to, policies, now, reply_to).verdicts
            ),
        )
        self.bell_timer = Bell(bell_seconds)
        self.attention = Attention()
        self.crashed = False

    # -- start and the one refresh -------------------------------------------------
    @guarded
    def on_mount(self) -> None:
        sync_register_alerts(self.client.store, self.client.device.party, self.clock())
        self.push_screen(InboxScreen(self.view))
        self.refresh_all()
        if self.live:
            self.set_interval(1.0, self.tick)
            self.run_worker(self.consume_events(), name="events", exit_on_error=False)

    @guarded
    def tick(self) -> None:
        self.refresh_all()
        if self.bell_timer.due(self.clock(), self.attention.unacked_flash):
            self.bell()

    @guarded
    def refresh_all(self) -> None:
        """Recount, hand the counts to every screen, redraw them (mounted or not)."""
        store = self.client.store
        sent = store.sent(500)
        ranks = store.best_ranks([s["id"] for s in sent])
        self.attention = attention(
            store.inbox(2000), sent, ranks, store.unseen_alerts(), self.view.policies, self.clock()
        )
        status, offline = self.status_text()
        for screen in list(self.screen_stack):
            if isinstance(screen, HotlineScreen):
                screen.show_header(self.attention, status, offline)
                screen.refresh_data()

    def status_text(self) -> tuple[str, bool]:
        c = self.client
        dot = {
            "connected": _("● connected"),
            "reconnecting": _("◌ reconnecting"),
            "connecting": _("◌ connecting"),
            "refused": _("✗ REFUSED"),
        }.get(c.state, _("○ offline"))
        queued = c.store.outbox_count()
        parts = [
            dot,
            ngettext("{n} queued", "{n} queued", queued).format(n=queued)
            if queued
            else _("outbox empty"),
            _("roster v{version}").format(version=c.roster.version),
            c.device.id,
        ]
        skew = getattr(c, "clock_skew_ms", 0)
        if abs(skew) > 2000:
            parts.append(_("⚠ clock skew {seconds} s").format(seconds=f"{skew / 1000:+.1f}"))
        parts.append(_("links") + " " + self.link_summary())
        return " │ ".join(parts), c.state != "connected"

    def link_summary(self) -> str:
        """Which parties' link tests reached us in the last hour (✓) or not (·)."""
        now = self.clock()
        seen = {
            m.sender
            for m in self.client.store.inbox(2000)
            if m.family == "link_test" and now - m.created_ms < 3_600_000
        }
        return "".join(f"{p}{'✓' if p in seen else '·'}" for p in self.view.parties)

    # -- events from the hub ---------------------------------------------------------
    async def consume_events(self) -> None:
        q = self.client.subscribe()
        while True:
            ev = await q.get()
            try:
                self.on_client_event(ev)
            except Exception as exc:  # one bad event must not stop the next ones
                log.error("unexpected error handling %r", ev, exc_info=exc)
                self.post_message(Failed("events", exc))

    def on_client_event(self, ev: object) -> None:
        if isinstance(ev, MessageReceived):
            m = ev.message
            if m.precedence in ("FLASH", "IMMEDIATE") and m.verified:
                self.bell()
                self.bell_timer.rang(self.clock())
                desktop_notify(
                    f"{precedence_name(m.precedence)}: {family_name(m.family)}",
                    _("from {sender} — open the console").format(sender=m.sender),
                )
            if m.family in ("arms_transfer", "annual_information"):
                for al in sync_register_alerts(self.client.store, self.view.party, self.clock()):
                    self.bell()
                    self.notify(
                        phrase_text(al.phrase),
                        title=_("Arms register alert"),
                        severity="warning",
                        markup=False,
                    )
        elif isinstance(ev, SecurityAlert):
            keep_alert(self.client.store, ev, self.clock())
            self.notify(ev.text(), title=_("Security alert"), severity="error", markup=False)
        if isinstance(ev, MessageReceived | ReceiptUpdated | SecurityAlert | ConnectionChanged):
            self.refresh_all()

    # -- what screens ask for ----------------------------------------------------------
    def _do(self, where: str, coro: Coroutine[Any, Any, None]) -> None:
        async def run() -> None:
            try:
                await coro
            except Exception as exc:
                log.error("unexpected error in %s", where, exc_info=exc)
                self.post_message(Failed(where, exc))

        self.run_worker(run(), exit_on_error=False)

    @guarded
    def on_open_message(self, msg: OpenMessage) -> None:
        m = self.client.store.get(msg.mid)
        if m is None:
            return
        self._do("mark_read", self._mark_read(m.id))
        self.push_screen(MessageScreen(self.view, m))

    async def _mark_read(self, mid: str) -> None:
        await self.client.mark_read(mid)
        self.refresh_all()

    @guarded
    def on_acknowledge(self, msg: Acknowledge) -> None:
        self._do("acknowledge", self._acknowledge(msg.mid))

    async def _acknowledge(self, mid: str) -> None:
        m = self.client.store.get(mid)
        if m is None or m.my_rank >= 2:
            return
        await self.client.acknowledge(mid)
        self.notify(
            _("Acknowledged {family} from {sender} (signed receipt sent)").format(
                family=family_name(m.family), sender=m.sender
            )
        )
        self.refresh_all()

    @guarded
    def on_send_draft(self, msg: SendDraft) -> None:
        self._do("send", self._send(msg))

    async def _send(self, msg: SendDraft) -> None:
        from hotline.protocol import ProtocolError

        d = msg.draft
        ok = False
        try:
            res = await self.client.send(
                d.to,
                d.family,
                d.body,
                precedence=d.precedence,
                exercise=d.exercise,
                in_reply_to=d.in_reply_to,
                timeout=5,
            )
        except ProtocolError as exc:
            self.notify(exc.message, severity="error", markup=False)
        else:
            ok = res.status not in ("rejected", "refused")
            self.notify(self._send_note(d.family, res.status, res.message), markup=False)
        if msg.done is not None:
            msg.done(ok)
        self.refresh_all()

    @staticmethod
    def _send_note(family: str, status: str, message: str | None) -> str:
        if status in ("rejected", "refused"):
            return _("Refused: {reason}").format(reason=message)
        if status in ("accepted", "duplicate"):
            return _("{family}: accepted by the hub").format(family=family_name(family))
        return _("{family}: queued in the outbox; it leaves when the hub is back").format(
            family=family_name(family)
        )

    @guarded
    def on_navigate(self, msg: Navigate) -> None:
        screen = self.make_screen(msg.target, msg.args)
        if screen is not None:
            self.push_screen(screen)
            self.refresh_all()

    def make_screen(self, target: str, args: dict[str, Any]) -> Screen[Any] | None:
        """The one place screens are made; add a screen here (e.g. verification)."""
        v = self.view
        if target == "compose":
            return ComposeScreen(
                v,
                args.get("family", "military_activity"),
                args.get("to", "all"),
                args.get("reply_to"),
            )
        if target == "sent":
            return SentScreen(v)
        if target == "timeline":
            return TimelineScreen(v, args["sent"])
        if target == "hotline":
            return ConversationScreen(v, args.get("party") or v.parties[0])
        if target == "verification":
            return VerificationScreen.of(self.client, v.policies, v.clock, v.live)
        if target == "alerts":
            seen = [a.n for a in self.client.store.alerts() if a.seen]
            self.client.store.mark_alerts_seen()  # looked at: out of the header's count
            return AlertsScreen(v, max(seen, default=0))
        return None

    @guarded
    def on_verification_screen_answer_requested(self, msg: Any) -> None:
        args = {"family": msg.family, "to": msg.to, "reply_to": msg.request_id}
        self.on_navigate(Navigate("compose", **args))

    @guarded
    def on_failed(self, msg: Failed) -> None:
        if not isinstance(self.screen, ErrorScreen):
            self.push_screen(ErrorScreen(msg.where, msg.error, self.view.log_path))

    def action_interrupt(self) -> None:
        self.exit(INTERRUPTED)

    # -- the last resort ---------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        # Reached only by an error outside our guarded handlers (Textual's own code): the
        # app must stop. Log it where run_console tells the officer to look.
        log.critical("the console stopped after an unexpected error", exc_info=error)
        self.crashed = True
        super()._handle_exception(error)


def _log_to(path: Path) -> logging.Handler:
    path.touch(mode=0o600, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("hotline").addHandler(handler)
    return handler


async def run_console(
    home: Home,
    as_: str,
    hub_url: str | None = None,
    *,
    lang: str = "en",
    client: HubClient | None = None,
) -> int:
    """Run the console for ``as_``; returns the exit code (0, 130, or 1 after a crash)."""
    own = client is None
    client = client or HubClient(home, as_, hub_url=hub_url)
    log_path = client.device.directory / "console.log"
    handler = _log_to(log_path)
    console = home.config.get("console", {})
    bell = float(console.get("bell_seconds", 30)) if isinstance(console, dict) else 30.0
    try:
        if own:
            await client.start()
        app = HotlineApp(client, home.policies, lang=lang, bell_seconds=bell, log_path=log_path)
        code = await app.run_async()
        if app.crashed or (app.return_code or 0) not in (0, INTERRUPTED):
            print(
                _(
                    "error: the console stopped after an unexpected error: "
                    "the details are in {path}"
                ).format(path=log_path),
                flush=True,
            )
            return 1
        return code if isinstance(code, int) else 0
    finally:
        if own:
            await asyncio.shield(client.close())
        logging.getLogger("hotline").removeHandler(handler)
        handler.close()
