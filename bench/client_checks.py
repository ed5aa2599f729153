"""The client's issue-15 checks against its per-message time (issue 15 asks < ~10 %).

What a device does for every delivery since issue 15, beyond what it did before (the
sender's key in the roster, the sender's signature, decrypt, store, ack):

- verify the hub's signature on the log event (R17);
- the rest of the acceptance rule (role, revocation, validity, families, recipients,
  replay and references against its store: R1-R5, R7-R12), and remembering the id;
- the entry's leaf hash, kept owed in the store, and later the inclusion proof checked
  against a checkpoint it holds and its outcome recorded.

Measured on the client's own code — ``Inbound`` and ``LogWatch`` over a ``Store`` on
disk (WAL, synchronous=FULL) — with real envelopes from RS to HR on a seven-party home:
the same deliveries twice, as the client runs them and with the checks above replaced
by the pre-issue-15 ones, in interleaved rounds, the fastest round of each (wall time:
the store's fsyncs are part of a message's cost). ``ratio`` = (with − without) / with;
``cpu_ratio`` the same in this thread's CPU time, steadier on a shared box whose disk
latency varies by an order of magnitude from one run to the next.
Bursts of 1 (a hotline's normal traffic: one delivery, one commit, one checkpoint's
proofs) and of 64 (catching up after a reconnect). Both include the signed "delivered"
receipt: before issue 15 it followed the store at once, now it follows the proof.

    python -m bench.client_checks [--n 200] [--suite pq|classic]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.client.inbound import Inbound
from hotline.client.init import init_network
from hotline.client.log_watch import LogWatch
from hotline.client.outbox import Outbox
from hotline.client.rosters import RosterBook
from hotline.client.store import Store
from hotline.protocol import Envelope, Roster, SigningKey, id_text
from hotline.protocol.acceptance import Decision, Rules, SeenIndex, check_envelope
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.frames import Deliver, Proofs
from hotline.protocol.merkle import MerkleTree, leaf_hash, verify_inclusion

from .common import PARTIES
from .hubload.envelopes import BODY, FAMILY

__all__ = ["client_checks"]

HUB = "HUB/hub-1"


@dataclass(frozen=True)
class Fixture:
    deliveries: list[Deliver]
    proofs: list[tuple[int, tuple[bytes, ...]]]
    checkpoint: Checkpoint


def fixture(home: Path, n: int) -> Fixture:
    """``n`` hub-signed deliveries of RS's envelopes to HR, their tree and checkpoint."""
    h = Home(home)
    now = time.time_ns() // 1_000_000
    roster = h.roster(now)
    rs, hub = h.device("RS/officer-1"), SigningKey((home / "hub" / "hub.sign").read_bytes())
    entries = []
    for i in range(n):
        env, _ = compose(
            rs, roster, recipients=("HR",), family=FAMILY, body=BODY, seq=i + 1, now_ms=now
        )
        ev = LogEvent("accepted", now, HUB, env.encode(), {"rv": roster.version})
        entries.append(ev.signed(hub).encode())
    leaves = [leaf_hash(e) for e in entries]
    tree = MerkleTree(leaves)
    cp = Checkpoint.make(hub, roster.network, HUB, tree.root(), now, 0, leaves)
    proofs = [(i, tuple(tree.inclusion_proof(i, n))) for i in range(n)]
    return Fixture([Deliver(f"{i + 1}-0", e, i) for i, e in enumerate(entries)], proofs, cp)


class _Sink:
    """The connection side of a send: acks and proof requests go nowhere."""

    def __getattr__(self, _name: str) -> Callable[..., None]:
        return lambda *a, **kw: None


async def _send(op: Callable[[Any], None]) -> None:
    op(_Sink())


def _nothing(*_a: Any) -> None:
    return None


def _mid(d: Deliver) -> str:
    return id_text(Envelope.decode(LogEvent.decode(d.entry).payload).id)


def _signature_only(env: Envelope, *, roster: Roster, **_kw: Any) -> Decision:
    """The pre-issue-15 check: the sender's key is in the roster and its signature holds."""
    dev = roster.get(env.device)
    assert dev is not None
    env.verify(dev.verify_key)
    return Decision()


@contextlib.contextmanager
def _without_checks() -> Iterator[None]:
    with (
        mock.patch("hotline.protocol.delivery.check_hub_event", lambda ev, roster: None),
        mock.patch("hotline.protocol.delivery.check_envelope", _signature_only),
        mock.patch("hotline.protocol.delivery.leaf_hash", lambda entry: b""),
        mock.patch.object(Store, "remember", lambda *a: None),
    ):
        yield


async def _run(
    home: Path, fx: Fixture, burst: int, checks: bool, where: Path
) -> tuple[float, float]:
    """Wall seconds per message for the client's inbound path over every delivery:
    judge, decrypt, store, ack, and the signed "delivered" receipt (after the proof)."""
    h = Home(home)
    store = Store(where / "store.sqlite")
    parts: dict[str, Any] = {
        "device": h.device("HR/officer-1"),
        "store": store,
        "rosters": RosterBook(h.rosters()),
        "send": _send,
        "emit": lambda _e: None,
        "clock": lambda: time.time_ns() // 10**6,
    }
    outbox = Outbox(**parts)

    async def receipts(mids: list[str]) -> None:  # as HubClient._proven
        for mid in mids:
            if store.set_my_rank(mid, 0):
                await outbox.receipt(mid, "delivered")

    watch = LogWatch(**parts, on_proven=receipts)
    watch.witness.held = fx.checkpoint
    inbound = Inbound(**parts, rules=Rules(), owe_proof=watch.owe if checks else _nothing)
    n, size = len(fx.deliveries), fx.checkpoint.size
    t, cpu = time.perf_counter(), time.thread_time()
    with contextlib.nullcontext() if checks else _without_checks():
        for k in range(0, n, burst):
            items = fx.deliveries[k : k + burst]
            await inbound.handle(items)
            if checks:  # the proofs come back; the receipts follow them
                await watch.on_proofs(Proofs(size, tuple(fx.proofs[k : k + burst])))
            else:  # before issue 15 the receipt followed the store at once
                await receipts([_mid(d) for d in items])
    dt, dcpu = time.perf_counter() - t, time.thread_time() - cpu
    assert len(store.inbox(n + 1)) == n  # every message stored and shown
    store.close()
    return dt / n, dcpu / n


def _parts_us(home: Path, fx: Fixture, reps: int = 100) -> dict[str, float]:
    """CPU µs of each extra check alone, on one delivery (what the difference is made of)."""
    roster = Home(home).roster(fx.checkpoint.at_ms)
    entry, index = fx.deliveries[0].entry, fx.deliveries[0].index
    ev = LogEvent.decode(entry)
    env = Envelope.decode(ev.payload)
    hub = roster.get(HUB)
    assert hub is not None
    leaf, (_i, path) = leaf_hash(entry), fx.proofs[0]
    jobs = {
        "hub_signature_us": lambda: ev.verify(hub.verify_key),
        "acceptance_rule_us": lambda: check_envelope(
            env, roster=roster, at_ms=ev.at_ms, seen=SeenIndex(), reference_known=False
        ),
        "sender_signature_us": lambda: _signature_only(env, roster=roster),
        "leaf_and_inclusion_us": lambda: verify_inclusion(
            leaf_hash(entry), index, fx.checkpoint.size, path, fx.checkpoint.root
        ),
    }
    assert leaf
    out = dict.fromkeys(jobs, float("inf"))
    for _round in range(5):  # interleaved; the least disturbed round of each
        for name, fn in jobs.items():
            fn()
            t = time.thread_time_ns()
            for _ in range(reps):
                fn()
            out[name] = min(out[name], round((time.thread_time_ns() - t) / reps / 1e3, 1))
    out["rule_beyond_signature_us"] = round(
        out.pop("acceptance_rule_us") - out.pop("sender_signature_us"), 1
    )
    return out


def measure(home: Path, n: int, rounds: int = 5) -> dict[str, Any]:
    fx = fixture(home, n)
    best: dict[tuple[int, bool], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="hotline-client-checks-") as tmp:
        for r in range(rounds):
            for burst in (1, 64):
                for checks in (True, False):
                    where = Path(tmp) / f"{r}-{burst}-{checks}"
                    wall, cpu = asyncio.run(_run(home, fx, burst, checks, where))
                    old = best.get((burst, checks), (wall, cpu))
                    best[(burst, checks)] = (min(old[0], wall), min(old[1], cpu))
    out: dict[str, Any] = {"messages": n, "parts_cpu_us": _parts_us(home, fx)}
    for burst in (1, 64):
        (w1, c1), (w0, c0) = best[(burst, True)], best[(burst, False)]
        out[f"burst_{burst}"] = {
            "us_per_message": round(w1 * 1e6, 1),
            "us_per_message_without_checks": round(w0 * 1e6, 1),
            "ratio": round((w1 - w0) / w1, 3),
            "cpu_us_per_message": round(c1 * 1e6, 1),
            "cpu_us_per_message_without_checks": round(c0 * 1e6, 1),
            "cpu_ratio": round((c1 - c0) / c1, 3),
        }
    return out


def client_checks(
    n: int = 200, suites: tuple[str, ...] = ("pq", "classic"), rounds: int = 5
) -> dict[str, Any]:
    """Both suites, each on a fresh seven-party home."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hotline-client-checks-home-") as tmp:
        for suite in suites:
            home = Path(tmp) / suite
            init_network(home, PARTIES, suite=suite, port=1)  # type: ignore[arg-type]
            out[suite] = measure(home, n, rounds)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.client_checks")
    ap.add_argument("--n", type=int, default=200, help="deliveries per run")
    ap.add_argument("--suite", choices=("pq", "classic"), action="append")
    a = ap.parse_args(argv)
    print(json.dumps(client_checks(a.n, tuple(a.suite or ("pq", "classic"))), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
