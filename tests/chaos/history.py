"""Record every send, accept and on-screen delivery; then count what went wrong.

- lost:       accepted by the hub, never shown on some device of a recipient party
- unexpected: shown but never sent, or shown to a device of a party it was not for
- duplicates: shown twice on the same device by the client library
- reordered:  per (sender device, recipient device, lane), shown out of log order
              (an urgent message may overtake routine ones: that is the urgent lane's job)
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from hotline.client.events import MessageReceived
from hotline.client.hub_client import HubClient
from tests.conftest import TIMEOUT_FACTOR
from tests.waits import wait_until


def _pos(p: str) -> tuple[int, int]:
    a, _, b = p.partition("-")
    return int(a), int(b or 0)


@dataclass
class History:
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (device, id, sender dev)
    faults: list[str] = field(default_factory=list)
    sends: int = 0
    _sends_grew: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def count_send(self) -> None:
        self.sends += 1
        self._sends_grew.set()

    async def until_sends(self, n: int, timeout: float) -> None:
        """Until ``n`` sends have been attempted: the traffic has got this far."""
        try:
            async with asyncio.timeout(timeout):
                while self.sends < n:
                    self._sends_grew.clear()
                    await self._sends_grew.wait()
        except TimeoutError:
            raise AssertionError(f"traffic stalled at {self.sends} of {n} sends") from None

    def watch(self, c: HubClient) -> asyncio.Task[None]:
        q = c.subscribe()

        async def run() -> None:
            while True:
                ev = await q.get()
                if isinstance(ev, MessageReceived):
                    self.shown.append((c.device.id, ev.message.id, ev.message.device))

        return asyncio.create_task(run())

    def accepted(self, clients: list[HubClient]) -> dict[str, dict[str, Any]]:
        """What the hub told senders it accepted (the senders' stores are the record)."""
        out = {}
        for c in clients:
            for s in c.store.sent(1_000_000):
                if s["state"] == "accepted" and s["id"] in self.sent and s["position"]:
                    out[s["id"]] = {**self.sent[s["id"]], "position": s["position"]}
        return out

    def check(self, clients: list[HubClient]) -> dict[str, int]:
        acc = self.accepted(clients)
        devices_by_party: dict[str, list[str]] = defaultdict(list)
        for c in clients:
            devices_by_party[c.device.party].append(c.device.id)
        counts = Counter((dev, mid) for dev, mid, _s in self.shown)
        shown_set = set(counts)
        lost = sum(
            1
            for mid, m in acc.items()
            for p in m["recipients"]
            for dev in devices_by_party[p]
            if (dev, mid) not in shown_set
        )
        unexpected = sum(
            1
            for dev, mid, _s in self.shown
            if mid not in self.sent or dev.partition("/")[0] not in self.sent[mid]["recipients"]
        )
        dups = sum(n - 1 for n in counts.values() if n > 1)
        last: dict[tuple[str, str, str], tuple[int, int]] = {}
        reordered = 0
        for dev, mid, sender_dev in self.shown:
            if mid not in acc:
                continue
            key = (sender_dev, dev, acc[mid]["lane"])
            pos = _pos(acc[mid]["position"])
            if key in last and pos < last[key]:
                reordered += 1
            last[key] = max(pos, last.get(key, pos))
        return {
            "sent": len(self.sent),
            "accepted": len(acc),
            "lost": lost,
            "unexpected": unexpected,
            "duplicates": dups,
            "reordered": reordered,
            "faults": len(self.faults),
        }

    def drained(self, clients: list[HubClient]) -> bool:
        acc = self.accepted(clients)
        shown = {(dev, mid) for dev, mid, _s in self.shown}
        parties = defaultdict(list)
        for c in clients:
            parties[c.device.party].append(c.device.id)
        return all(
            (dev, mid) in shown
            for mid, m in acc.items()
            for p in m["recipients"]
            for dev in parties[p]
        ) and all(c.store.outbox_count() == 0 for c in clients)


async def load(
    history: History,
    senders: list[HubClient],
    parties: list[str],
    per_sender: int,
    stop: asyncio.Event | None = None,
    seed: int = 1,
) -> None:
    """Each sender sends per_sender link tests to two random other parties, in turn.

    One in four is FLASH, so both delivery lanes carry traffic through every fault.
    """
    rng = random.Random(seed)

    async def one(c: HubClient) -> None:
        for _ in range(per_sender):
            if stop is not None and stop.is_set():
                return
            to = rng.sample([p for p in parties if p != c.device.party], 2)
            prec = "FLASH" if rng.random() < 0.25 else "ROUTINE"
            with contextlib.suppress(Exception):
                history.count_send()
                res = await c.send(
                    ",".join(to), "link_test", {"note": "chaos"}, precedence=prec, timeout=2
                )
                history.sent[res.id] = {
                    "sender": c.device.id,
                    "recipients": sorted(to),
                    "lane": "urgent" if prec == "FLASH" else "routine",
                }

    await asyncio.gather(*(one(c) for c in senders))


async def drain(
    history: History, clients: list[HubClient], timeout: float = 90 * TIMEOUT_FACTOR
) -> None:
    """Flush what senders still hold until every accepted message is shown, or ``timeout``.

    Not drained in time is no error here: ``check()`` then counts what was lost.
    """

    async def settled() -> bool:
        if history.drained(clients):
            return True
        for c in clients:
            if c.store.outbox_count() and c.connected.is_set():
                await c.flush(0.5)
        return False

    # drained() reads every store: checked every 0.1 s, not at the default pace
    with contextlib.suppress(AssertionError):
        await wait_until(settled, timeout, "every accepted message to be shown", every=0.1)
