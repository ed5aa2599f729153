"""One real hub on a real redis-server, the parties' clients online, and an auditor.

A :class:`Scene` is what every end-to-end test plays in: a four-party network (quorum
3), so three parties online witness every checkpoint and an export verifies with the
default options. Helpers wait on conditions (never sleep) with timeouts scaled by
``TIMEOUT_FACTOR``, and read what each side shows: a client's store, the hub's health,
metrics and checkpoints, an auditor's export.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hotline.client.cli import main as hotline
from hotline.client.events import Event, SecurityAlert
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.client.rest import Rest
from hotline.protocol import Receipt, Roster, parse_id_text
from hotline.protocol.audit import AuditReport, verify_bundle
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.errors import IntegrityAlarm
from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms
from hotline.server.streams import CHECKPOINTS, inbox_key
from hotline.server.streams.keys import cosig_key
from hotline.server.streams.types import id_lt
from tests.conftest import TIMEOUT_FACTOR
from tests.factories import SAMPLE_BODIES
from tests.harness import InProcessHub, client, publish_roster, start_hub
from tests.waits import wait_until

from .insider import Insider

__all__ = [
    "PARTIES",
    "WITNESSES",
    "Scene",
    "T",
    "cli_verify",
    "install",
    "next_roster",
    "open_scene",
]

PARTIES = "BA,HR,ME,RS"  # quorum 4*2//3+1 = 3
WITNESSES = ("BA", "HR", "RS")  # online by default: a quorum, ME stays offline
T = 10 * TIMEOUT_FACTOR


@dataclass
class Scene:
    home: Path
    redis_url: str
    hub_settings: dict[str, Any]
    hub: InProcessHub
    clients: dict[str, HubClient]
    insider: Insider
    events: dict[str, list[Event]] = field(default_factory=dict)
    _queues: dict[str, asyncio.Queue[Event]] = field(default_factory=dict)

    # -- clients ------------------------------------------------------------------
    async def connect(self, party: str, device: str | None = None) -> HubClient:
        c = client(self.home, device or party, self.hub.url)
        self._queues[party] = c.subscribe()
        self.events.setdefault(party, [])
        await c.start()
        assert await c.wait_connected(T), f"{party} did not connect"
        self.clients[party] = c
        return c

    async def disconnect(self, party: str) -> None:
        self._drain(party)
        await self.clients.pop(party).close()

    def _drain(self, party: str) -> list[Event]:
        q, got = self._queues[party], self.events[party]
        while not q.empty():
            got.append(q.get_nowait())
        return got

    def alerts(self, party: str) -> list[str]:
        """Every security alert the party's client raised so far (events, in order)."""
        return [e.detail for e in self._drain(party) if isinstance(e, SecurityAlert)]

    async def alerted(self, party: str, text: str) -> str:
        """Wait for a security alert containing ``text``; it is kept in the store too."""
        await wait_until(lambda: any(text in a for a in self.alerts(party)), T, f"{party}: {text}")
        detail = next(a for a in self.alerts(party) if text in a)
        stored = [a.detail for a in self.clients[party].store.alerts()]
        assert detail in stored, (detail, stored)
        return detail

    async def send(self, sender: str, to: str, family: str = "hotline_message", **kw: Any) -> str:
        body = kw.pop("body", None) or SAMPLE_BODIES[family]
        res = await self.clients[sender].send(to, family, body, timeout=T, **kw)
        assert res.status == "accepted", res
        return res.id

    async def shown(self, party: str, mid: str) -> None:
        store = self.clients[party].store
        await wait_until(lambda: store.get(mid) is not None, T, f"{mid} shown to {party}")

    async def refused(self, party: str, code: str) -> dict[str, Any]:
        """Wait for the party's client to refuse a delivery with ``code``; the row."""
        store = self.clients[party].store

        def row() -> dict[str, Any] | None:
            return next((r for r in store.refusals() if r["code"] == code), None)

        await wait_until(lambda: row() is not None, T, f"{party} to refuse a delivery ({code})")
        found = row()
        assert found is not None
        return found

    async def consumed(self, party: str, sid: str) -> None:
        """The party's device read its inbox past log entry ``sid`` and acked it all."""
        device = self.clients[party].device.id

        async def done() -> bool:
            for key in (inbox_key(party), inbox_key(party, "urgent")):
                if not await self.hub.redis.exists(key):
                    continue
                for g in await self.hub.redis.xinfo_groups(key):
                    if g["name"].decode() == device and g["pending"]:
                        return False
            groups = await self.hub.redis.xinfo_groups(inbox_key(party))
            last = next(g for g in groups if g["name"].decode() == device)["last-delivered-id"]
            return not id_lt(last.decode(), sid)

        await wait_until(done, T, f"{party} to read and ack its inbox past {sid}")

    # -- the hub --------------------------------------------------------------------
    async def restart(self, **overrides: Any) -> None:
        """Start the hub again (after ``hub.stop()``) on the same Redis."""
        self.hub = await start_hub(self.home, self.redis_url, **{**self.hub_settings, **overrides})
        self.insider = Insider(self.hub.redis, self.home)

    async def rebuilt(self) -> None:
        """The restarted signer replayed the whole log against the signed checkpoints."""
        ck = self.hub.checkpointer
        await wait_until(lambda: ck.leader or ck.integrity_error, T, "the signer's rebuild")

    async def quiet(self, *mids: str) -> None:
        """Every online recipient's 'delivered' receipt for ``mids`` is in the log."""
        want = {(parse_id_text(m).hex(), p) for m in mids for p in self._recipients(m)}

        async def done() -> bool:
            have = set()
            for _e, f in await self.insider.log():
                if f[b"t"] == b"receipt":
                    rc = Receipt.decode(LogEvent.decode(bytes(f[b"e"])).payload)
                    have.add((rc.message_id.hex(), rc.party))
            return want <= have

        await wait_until(done, T, "every online recipient's receipt")

    def _recipients(self, mid: str) -> list[str]:
        c = next(c for c in self.clients.values() if c.store.lookup(parse_id_text(mid)))
        seen = c.store.lookup(parse_id_text(mid))
        assert seen is not None
        return [p for p in seen.recipients if p in self.clients]

    async def witnessed(self) -> int:
        """A checkpoint covering the whole log, cosigned by every online party; its size."""
        size = await self.insider.size()
        rest = next(iter(self.clients.values())).rest()
        cp = Checkpoint.decode(await rest.request("POST", "/v1/log/checkpoint"))
        assert cp.size == size, (cp.size, size)

        async def cosigned() -> bool:
            return int(await self.hub.redis.hlen(cosig_key(size))) >= len(self.clients)

        await wait_until(cosigned, T, f"the online parties to cosign {size} entries")
        return size

    async def checkpoint_sizes(self) -> list[int]:
        raw = await self.hub.redis.xrange(CHECKPOINTS)
        return [Checkpoint.decode(bytes(f[b"c"])).size for _i, f in raw]

    async def healthz(self) -> tuple[int, dict[str, Any]]:
        ctx = ssl.create_default_context(cafile=str(self.home / "hub" / "tls.crt"))
        async with aiohttp.ClientSession() as s, s.get(f"{self.hub.http}/healthz", ssl=ctx) as r:
            return r.status, await r.json()

    async def alarm(self) -> str:
        """The hub's integrity alarm: raised, in /healthz, the metric, pushed to devices."""
        ck = self.hub.checkpointer
        await wait_until(lambda: ck.integrity_error is not None, T, "the integrity alarm")
        status, body = await self.healthz()
        assert status == 503 and body["code"] == "integrity_alarm", body
        assert self.hub.metrics.get("hotline_log_integrity_ok") == 0
        for party in self.clients:
            await self.alerted(party, "the hub raised an alarm: integrity_alarm")
        return ck.integrity_error or ""

    async def signs_nothing_after(self, size: int) -> None:
        """Asked for a checkpoint, the alarmed hub refuses (503) and signs none past ``size``."""
        rest = next(iter(self.clients.values())).rest()
        with pytest.raises(IntegrityAlarm):
            await rest.request("POST", "/v1/log/checkpoint")
        assert max(await self.checkpoint_sizes(), default=0) <= size

    # -- the auditor ----------------------------------------------------------------
    async def export(self, out: Path) -> bytes:
        """The REST export as the AUDIT device."""
        h = Home(self.home)
        rest = Rest(self.hub.url, h.device("AUDIT/auditor-1"), "HUB/hub-1", h.ca_cert)
        await rest.download("/v1/audit/export", out, {})
        return out.read_bytes()

    def verify(self, bundle: bytes) -> AuditReport:
        return verify_bundle(bundle)

    async def cli(self, *argv: str) -> tuple[int, str]:
        """``hotline …`` in a thread (its own event loop); exit code and stdout."""
        return await asyncio.to_thread(_run_cli, list(argv))


def _run_cli(argv: list[str]) -> tuple[int, str]:
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = hotline(argv)
    return code, buf.getvalue()


async def cli_verify(scene: Scene, bundle: Path, *flags: str) -> tuple[int, dict[str, Any]]:
    code, out = await scene.cli("audit", "verify", str(bundle), "--json", "--workers", "1", *flags)
    return code, json.loads(out)


def next_roster(home: Path, prev: Roster, change: Callable[[Any], Any]) -> Roster:
    """The next roster version with ``change`` applied to each device, quorum-signed."""
    h = Home(home)
    devices = tuple(change(d) for d in prev.devices)
    new = replace(
        prev.unsigned(),
        version=prev.version + 1,
        prev_hash=prev.hash(),
        issued_ms=now_ms(),
        devices=devices,
        _by_id={},
    )
    for p in prev.party_codes("party")[: prev.quorum]:
        new = new.signed_by(f"{p}/officer-1", h.device(f"{p}/officer-1").sign)
    return new


async def install(scene: Scene, roster: Roster) -> None:
    """POST the roster as the ceremony does; wait until every online client holds it."""
    assert await publish_roster(scene.home, scene.hub.url, roster) == roster.version
    for party, c in scene.clients.items():
        await wait_until(lambda c=c: c.roster.version == roster.version, T, f"{party}'s roster")


@contextlib.asynccontextmanager
async def open_scene(
    home: Path, redis_url: str, online: Sequence[str] = WITNESSES, **hub: Any
) -> AsyncIterator[Scene]:
    hub.setdefault("checkpoint_interval_s", 0.1)
    h = await start_hub(home, redis_url, **hub)
    scene = Scene(home, redis_url, hub, h, {}, Insider(h.redis, home))
    try:
        for p in online:
            await scene.connect(p)
        yield scene
    finally:
        for p in list(scene.clients):
            with contextlib.suppress(Exception):
                await scene.disconnect(p)
        await scene.hub.stop()
