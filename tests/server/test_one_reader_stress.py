"""One reader per device under stress: a seeded random schedule of sessions of one
device opening and closing (gracefully, abruptly, without waiting), FLASHes submitted
while appends are held (Redis slow, loans out), a roster revoking the device, and
hub.stop() at a random point. Invariants: never two live pumps of the device; exactly
one once settled while a session is open (the newest); at the end every accepted FLASH
reaches the one session left. (Found in review: hub.stop() returned with delivery and
ack loops still running while a FLASH append held their reads; they are now stopped at
shutdown while Redis is up.) More seeds: REVIEW4_SEEDS=1,2,...; see the knobs below."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from hotline.client.home import Home
from hotline.server.appkeys import SUPERVISOR
from hotline.server.redis_process import RedisProcess
from hotline.server.streams.keys import inbox_key
from tests.harness import (
    TIMEOUT,
    RawDevice,
    RawFrame,
    publish_roster,
    raw_frame,
    start_hub,
    submit_frame,
)
from tests.server.helpers import (
    hold_appends,
    live_readers,
    pump_tasks,
    rs_to_hr,
    sessions_of,
)
from tests.waits import wait_until

HR = "HR/officer-1"
SEEDS = [int(s) for s in os.environ.get("REVIEW4_SEEDS", "1,2,3").split(",")]
STEPS = int(os.environ.get("REVIEW4_STEPS", "60"))
POLL = os.environ.get("REVIEW4_POLL", "")
MAX_OPEN = int(os.environ.get("REVIEW4_MAX_OPEN", "4"))
SETTLE = float(os.environ.get("REVIEW4_SETTLE", "0.5"))  # how often a step waits to settle


@dataclass(eq=False)
class Sess:
    n: int
    dev: RawDevice
    got: set[str] = field(default_factory=set)
    closing: bool = False
    reader: asyncio.Task[None] | None = None
    frames: list[str] = field(default_factory=list)

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                f = RawFrame.of(await self.dev.ws.recv())
                self.frames.append(f.type)
                if f.type == "deliver":
                    self.got.add(f["delivery"])


class Run:
    def __init__(self, hub: Any, home: Path, seed: int) -> None:
        self.hub, self.home = hub, home
        self.rnd = random.Random(seed)
        self.seed = seed
        self.hr = Home(home).device(HR).id
        self.open: list[Sess] = []
        self.all: list[Sess] = []
        self.steps: list[str] = []
        self.answers: list[RawFrame] = []
        self.submitted = 0
        self.acked: set[str] = set()
        self.hold: asyncio.Event | None = None
        self.hold_left = 0
        self.held_calls = 0
        self.loans_held = 0
        self.violations: list[str] = []
        self.revoked = False
        log = hub.streams.log
        self.original = log.accept_and_read

        async def slow(*args: Any, **kw: Any) -> Any:
            ev = self.hold
            if ev is not None:
                self.held_calls += 1
                await ev.wait()
            return await self.original(*args, **kw)

        log.accept_and_read = slow

    # -- background ---------------------------------------------------------------
    def watch(self) -> None:
        """Check the invariant whenever a pump starts: the only moment a second reader
        of the device can appear (a pump is spawned, then its session marked reading)."""
        sup = self.hub.app[SUPERVISOR]
        real = sup.spawn

        def spawn(name: str, factory: Any, **kw: Any) -> Any:
            handle = real(name, factory, **kw)
            if kw.get("kind") == "pump" and name.startswith(f"pump:{self.hr}#"):
                tasks = [t for t in pump_tasks(self.hub, self.hr) if t != name]
                live = live_readers(sessions_of(self.hub, self.hr))
                if tasks or live:
                    self.violations.append(
                        f"step {len(self.steps)} ({self.steps[-1:]}): {name} started beside "
                        f"pump tasks {tasks} and {len(live)} live reader(s)"
                    )
            return handle

        sup.spawn = spawn

    async def rs_reader(self, rs: RawDevice) -> None:
        with contextlib.suppress(Exception):
            while True:
                f = RawFrame.of(await rs.ws.recv())
                if f.type not in ("deliver", "roster", "checkpoint", "proofs", "alert"):
                    self.answers.append(f)

    # -- steps ----------------------------------------------------------------------
    async def open_one(self) -> None:
        s = Sess(len(self.all), RawDevice(self.hub.url, self.home, HR))
        await s.dev.__aenter__()
        s.reader = asyncio.create_task(s.read())
        self.open.append(s)
        self.all.append(s)
        self.steps.append(f"open S{s.n}")

    async def close_one(self) -> None:
        s = self.rnd.choice(self.open)
        self.open.remove(s)
        s.closing = True
        how = self.rnd.choice(["close", "abort", "nowait"])
        self.steps.append(f"{how} S{s.n}")
        if how == "close":
            await s.dev.ws.close()
        elif how == "abort":
            s.dev.ws.transport.abort()
        else:
            asyncio.create_task(s.dev.ws.close())  # noqa: RUF006

    async def flash(self, rs: RawDevice) -> None:
        (env,) = rs_to_hr(self.home, 1, f"flash {self.seed}/{len(self.steps)}", precedence="FLASH")
        self.submitted += 1
        self.steps.append("flash")
        await rs.ws.send(submit_frame(env.encode()))

    async def ack(self) -> None:
        s = self.rnd.choice(self.open)
        ids = sorted(s.got - self.acked)
        self.steps.append(f"ack S{s.n} ({len(ids)})")
        if ids:
            self.acked |= set(ids)
            await s.dev.ws.send(raw_frame("ack", deliveries=ids))

    async def lent_out(self) -> None:
        """Wait (briefly) for the held append to have borrowed a pump's read."""

        def out() -> bool:
            return any(
                c.pump is not None and c.pump._loan is not None
                for c in sessions_of(self.hub, self.hr)
            )

        with contextlib.suppress(AssertionError):
            await wait_until(out, timeout=1 * TIMEOUT)
            self.loans_held += 1

    def start_hold(self) -> None:
        self.hold = asyncio.Event()
        self.hold_left = self.rnd.randint(2, 5)
        self.steps.append(f"hold({self.hold_left})")

    def release(self) -> None:
        if self.hold is not None:
            self.hold.set()
            self.hold = None
            self.steps.append("release")

    async def revoke(self) -> None:
        self.release()
        h = Home(self.home)
        now = int(time.time() * 1000)
        v1 = h.roster(now)
        devices = tuple(replace(d, revoked=True) if d.id == HR else d for d in v1.devices)
        v2 = replace(
            v1.unsigned(), version=2, prev_hash=v1.hash(), issued_ms=now, devices=devices, _by_id={}
        )
        for p in ("AL", "BA", "HR", "ME", "MK"):
            v2 = v2.signed_by(f"{p}/officer-1", h.device(p).sign)
        assert await publish_roster(self.home, self.hub.url, v2) == 2
        self.revoked = True
        self.steps.append("revoke HR/officer-1")
        for s in self.open:
            s.closing = True
        self.open.clear()

    # -- checks ---------------------------------------------------------------------
    def _state(self) -> str:
        ss = sessions_of(self.hub, self.hr)
        live = live_readers(ss)
        return (
            f"client open {[s.n for s in self.open]}, hub sessions {len(ss)} "
            f"(open/left: {[(c.conn.state, c._left) for c in ss]}), live pump loops "
            f"{len(live)} (newest reads: {bool(live) and live[-1] is ss[-1]}), pump tasks "
            f"{pump_tasks(self.hub, self.hr)}"
        )

    def settled(self) -> bool:
        ss = sessions_of(self.hub, self.hr)
        want = 1 if self.open else 0
        live = live_readers(ss)
        return (
            len(ss) == len(self.open)
            and len(live) == want
            and len(pump_tasks(self.hub, self.hr)) == want
            and (not live or live[0] is ss[-1])
        )

    async def settle(self, timeout: float = 12) -> None:
        try:
            await wait_until(self.settled, timeout=timeout * TIMEOUT)
        except AssertionError:
            raise AssertionError(
                f"seed {self.seed}: not settled after {self.steps}: {self._state()}"
            ) from None

    async def step(self, rs: RawDevice, revoke: bool) -> None:
        r = self.rnd.random()
        if self.hold is not None and r >= 0.85:
            r = self.rnd.random() * 0.85  # while held: sessions and FLASHes, mostly
        if self.hold is not None:
            self.hold_left -= 1
            if self.hold_left <= 0:
                self.release()
        if revoke:
            await self.revoke()
        elif self.revoked:
            await self.flash(rs)
        elif (r < 0.30 and len(self.open) < MAX_OPEN) or not self.open:
            await self.open_one()
        elif r < 0.55:
            await self.close_one()
        elif r < 0.85:
            await self.flash(rs)
        elif r < 0.93 and self.hold is None:
            self.start_hold()
            await self.flash(rs)  # an append held with the parked pump's read lent to it
            await self.lent_out()
        else:
            await self.ack()
        if self.hold is None and self.rnd.random() < SETTLE:
            await self.settle()
        self.check()

    def check(self) -> None:
        assert not self.violations, f"seed {self.seed}: {self.violations[:3]} after {self.steps}"

    async def final(self) -> None:
        self.release()
        if self.revoked:
            await self.settle()
            return
        if not self.open:
            await self.open_one()
        while len(self.open) > 1:
            await self.close_one()
        await self.settle()
        # every FLASH answered
        await wait_until(
            lambda: len(self.answers) >= self.submitted,
            timeout=10 * TIMEOUT,
            what="all submits answered",
        )
        kinds = [a.type for a in self.answers]
        accepted = [a for a in self.answers if a.type == "accepted"]
        assert len(accepted) == self.submitted, f"seed {self.seed}: answers {kinds}"
        entries = await self.hub.redis.xrange(inbox_key("HR", "urgent"))
        ids = {e[0].decode() if isinstance(e[0], bytes) else e[0] for e in entries}
        assert len(ids) == len(accepted), f"seed {self.seed}: {len(ids)} inbox, {len(accepted)} acc"
        (last,) = self.open

        def reached() -> bool:
            return ids <= last.got | self.acked

        try:
            await wait_until(reached, timeout=5 * TIMEOUT)
        except AssertionError:
            pending = await self.hub.redis.xpending(inbox_key("HR", "urgent"), self.hr)
            raise AssertionError(
                f"seed {self.seed}: {len(ids - last.got - self.acked)} of {len(ids)} accepted "
                f"FLASHes never reached the last session S{last.n} (PEL {pending['pending']}); "
                f"steps {self.steps}; {self._state()}"
            ) from None
        self.check()
        if os.environ.get("REVIEW4_VERBOSE"):
            print(
                f"\nseed {self.seed}: {len(ids)} FLASH, held {self.held_calls} "
                f"(loans {self.loans_held}), lent "
                f"{self.hub.metrics.get('hotline_lent_reads_total')} redeliveries "
                f"{self.hub.metrics.get('hotline_redeliveries_total')}"
            )
            print(" ".join(self.steps))

    async def teardown(self) -> None:
        self.release()
        self.hub.streams.log.accept_and_read = self.original
        for s in self.all:
            with contextlib.suppress(Exception):
                s.dev.ws.transport.abort()
            if s.reader is not None:
                s.reader.cancel()


async def _schedule(
    home: Path, redis_server: RedisProcess, seed: int, *, revoke_at: int | None, stop_at: int | None
) -> None:
    extra = {"poll_interval_s": float(POLL)} if POLL else {}
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000, **extra)
    run = Run(hub, home, seed)
    run.watch()
    stopped = False
    rs = await RawDevice(hub.url, home, "RS/officer-1").__aenter__()
    rs_reader = asyncio.create_task(run.rs_reader(rs))
    try:
        for i in range(STEPS):
            if stop_at is not None and i == stop_at:
                if run.hold is None and run.open and run.rnd.random() < 0.6:
                    run.start_hold()  # stop while an append holds a pump's read
                    await run.flash(rs)
                    await run.lent_out()
                run.steps.append("hub.stop()")
                stop = asyncio.create_task(hub.stop())
                done, _ = await asyncio.wait({stop}, timeout=30 * TIMEOUT)
                left = [
                    st.name for st in hub.app[SUPERVISOR].states() if st.kind in ("pump", "acks")
                ]
                run.release()
                stopped = True
                if not done:
                    await stop
                assert done, f"seed {seed}: hub.stop() hung after {run.steps}"
                assert not left, f"seed {seed}: pumps after hub.stop(): {left}; {run.steps}"
                run.check()
                return
            await run.step(rs, i == revoke_at)
        await run.final()
    finally:
        rs_reader.cancel()
        await run.teardown()
        with contextlib.suppress(Exception):
            rs.ws.transport.abort()
        if not stopped:
            await hub.stop()


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_schedule(home: Path, redis_server: RedisProcess, seed: int) -> None:
    await _schedule(home, redis_server, seed, revoke_at=None, stop_at=None)


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_schedule_with_revocation(
    home: Path, redis_server: RedisProcess, seed: int
) -> None:
    revoke_at = random.Random(seed).randint(8, STEPS - 8)
    await _schedule(home, redis_server, 1000 + seed, revoke_at=revoke_at, stop_at=None)


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_schedule_then_hub_stop(
    home: Path, redis_server: RedisProcess, seed: int
) -> None:
    stop_at = random.Random(seed).randint(8, STEPS - 1)
    await _schedule(home, redis_server, 2000 + seed, revoke_at=None, stop_at=stop_at)


async def test_hub_stop_while_a_flash_append_holds_the_senders_and_recipients_reads(
    home: Path, redis_server: RedisProcess
) -> None:
    """The minimal sequence behind test_random_schedule_then_hub_stop's failures: RS and
    HR connected (both pumps parked), RS submits a FLASH whose append is slow (it borrowed
    both pumps' reads: the sender's party is routed too), hub.stop(). RS's session is in
    its drain (waiting for its request worker, stuck in the append) and HR's in leave
    (waiting for its loan) when the runner gives up: before the fix hub.stop() returned
    with RS's deliver loop and both ack loops still running."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    gate = asyncio.Event()

    def running() -> list[str]:
        return [st.name for st in hub.app[SUPERVISOR].states() if st.kind in ("pump", "acks")]

    rs = await RawDevice(hub.url, home, "RS/officer-1").__aenter__()
    hr = await RawDevice(hub.url, home, HR).__aenter__()
    try:
        await wait_until(lambda: len(running()) == 4, what="two pumps and their ack loops")
        await wait_until(lambda: all(c.pump.parked for c in hub.registry.all()), what="parked")
        hold_appends(hub, gate)
        (env,) = rs_to_hr(home, 1, "flash at shutdown", precedence="FLASH")
        await rs.ws.send(submit_frame(env.encode()))
        await wait_until(
            lambda: all(c.pump._loan is not None for c in hub.registry.all()), what="both lent"
        )
        stop = asyncio.create_task(hub.stop())
        done, _ = await asyncio.wait({stop}, timeout=30 * TIMEOUT)
        left = running()
    finally:
        gate.set()
        for d in (rs, hr):
            with contextlib.suppress(Exception):
                d.ws.transport.abort()
    assert done, "hub.stop() hung"
    await wait_until(lambda: not running(), what="the left-over loops to end once released")
    assert not left, f"delivery/ack loops still running after hub.stop() returned: {left}"
