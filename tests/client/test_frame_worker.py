"""The order a session's frames are handled in: urgent first, routine deliveries in bursts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from hotline.client.events import MessageReceived
from hotline.client.frame_worker import DELIVERY_BURST, FrameWorker
from hotline.protocol.frames import Accepted, Deliver, Frame, StatusResult
from hotline.runtime.clock import now_ms
from tests.client.inbound_harness import Harness
from tests.conftest import TIMEOUT_FACTOR


class Recorder:
    def __init__(self) -> None:
        self.order: list[list[str]] = []

    async def deliveries(
        self, items: list[Deliver], preempt: Callable[[], bool] | None = None
    ) -> list[Deliver]:
        self.order.append([d.delivery for d in items])
        return []

    def answers(self, items: list[Accepted]) -> None:
        self.order.append([f"accepted {a.position}" for a in items])

    async def other(self, frame: Frame) -> None:
        self.order.append([frame.TYPE])


async def _run(worker: FrameWorker, frames: list[Frame]) -> None:
    for f in frames:
        worker.put(f)
    worker.finish()
    async with asyncio.timeout(10 * TIMEOUT_FACTOR):
        await worker.run()


async def test_urgent_goes_before_queued_routine_and_bursts_stay_short() -> None:
    r = Recorder()
    w = FrameWorker(r.deliveries, r.answers, r.other)
    routine: list[Frame] = [Deliver(f"{i}-0", b"e", i) for i in range(40)]
    await _run(w, [*routine, Deliver("99-0", b"e", 99, urgent=True)])
    assert r.order[0] == ["99-0"]
    assert [d for burst in r.order[1:] for d in burst] == [f"{i}-0" for i in range(40)]
    assert max(len(b) for b in r.order) <= DELIVERY_BURST


async def test_an_urgent_answer_goes_before_queued_deliveries() -> None:
    r = Recorder()
    w = FrameWorker(r.deliveries, r.answers, r.other)
    urgent = Accepted(b"i" * 16, "9-0", False, urgent=True)
    await _run(w, [*(Deliver(f"{i}-0", b"e", i) for i in range(5)), urgent])
    assert r.order == [["accepted 9-0"], [f"{i}-0" for i in range(5)]]


async def test_other_frames_keep_their_place() -> None:
    r = Recorder()
    w = FrameWorker(r.deliveries, r.answers, r.other)
    await _run(w, [Deliver("1-0", b"e", 1), StatusResult(b"i" * 16, {}), Deliver("2-0", b"e", 2)])
    assert r.order == [["1-0"], ["status_result"], ["2-0"]]


async def test_an_urgent_delivery_preempts_a_routine_burst_in_progress(home: Path) -> None:
    """Arriving mid-burst, it is handled after the message being opened, not the burst."""
    opened = 0

    def clock() -> int:  # the injected clock dates each message as it is opened
        nonlocal opened
        opened += 1
        if opened == 3:  # the hub's FLASH frame arrives while the 3rd routine is opened
            w.put(Deliver("99-0", h.entry(flash), 99, urgent=True))
        return now_ms()

    h = Harness(home, clock=clock)

    async def deliveries(
        items: list[Deliver], preempt: Callable[[], bool] | None = None
    ) -> list[Deliver]:
        return await h.inbound.handle(items, preempt)

    w = FrameWorker(deliveries, lambda _a: None, lambda _f: asyncio.sleep(0))
    envs = [h.envelope(i=i) for i in range(10)]
    flash = h.envelope(i=99)
    await _run(w, [Deliver(f"{i}-0", h.entry(e), i) for i, e in enumerate(envs)])
    assert h.acks == [["0-0", "1-0", "2-0"], ["99-0"], [f"{i}-0" for i in range(3, 10)]]
    shown = [e.message.body["text"] for e in h.events if isinstance(e, MessageReceived)]
    assert shown == ["message 0", "message 1", "message 2", "message 99"] + [
        f"message {i}" for i in range(3, 10)
    ]
