"""The parties witness the log, end to end (issue 15 item 4, docs/protocol.md §9.5-9.6).

Their clients cosign every checkpoint they could check for consistency; the export
carries the cosignatures; ``hotline audit verify`` with the default options wants a
quorum of parties on the final checkpoint. A history the operator rewrote and re-signed
with the hub's key then fails with no outside input, and a client shown that history
publishes a fork proof that lands in the log and alarms every console.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotline.protocol.audit import read_bundle
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.witness import Cosignature, count_witnesses
from hotline.server.redis_process import RedisProcess

from .scene import Scene, T, cli_verify, open_scene

Entries = list[tuple[bytes, dict[bytes, bytes]]]


async def test_a_quorum_of_witnesses_makes_a_clean_export_verify_by_default(
    net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    async with open_scene(net, redis_server.url, online=("HR", "RS")) as s:
        m1 = await s.send("RS", "HR")
        await s.shown("HR", m1)
        await s.quiet(m1)
        # two parties of the quorum of three: an error by default, a warning if allowed
        few = tmp_path / "few.bundle"
        rep = s.verify(await s.export(few))
        assert rep.kinds() == [("too_few_cosignatures", rep.entries - 1)], rep.findings
        assert "(HR, RS); 3 required" in rep.findings[0].detail
        assert (await cli_verify(s, few))[0] == 5
        assert (await cli_verify(s, few, "--allow-uncosigned"))[0] == 6

        await s.connect("BA")  # a third party's console comes online and witnesses
        m2 = await s.send("RS", "HR,BA")
        await s.shown("BA", m2)
        await s.quiet(m2)
        clean = tmp_path / "clean.bundle"
        data = await s.export(clean)
        rep = s.verify(data)
        assert rep.findings == () and rep.covered == rep.entries, rep.findings
        b = read_bundle(data)
        final = max((Checkpoint.decode(c) for c in b.checkpoints), key=lambda c: c.size)
        cosigs = [Cosignature.decode(c) for c in b.cosignatures]
        w = count_witnesses(final, [c for c in cosigs if c.covers(final)], s.clients["HR"].roster)
        assert w.parties == {"BA", "HR", "RS"} and w.invalid == ()
        code, doc = await cli_verify(s, clean)
        assert (code, doc["severity"], doc["cosignatures"]) == (0, None, len(cosigs))


def _backdate(at: int) -> Any:
    """Rewrite the first accepted entry's accept time and re-sign it with the hub key."""

    def change(entries: Entries, s: Scene) -> tuple[Entries, int]:
        k = next(i for i, (_e, f) in enumerate(entries) if f[b"t"] == b"accepted")
        eid, f = entries[k]
        ev = LogEvent.decode(bytes(f[b"e"]))
        ev = LogEvent(ev.type, ev.at_ms - at, ev.hub, ev.payload, ev.extra)
        f = {**f, b"e": ev.signed(s.insider.hub_key).encode()}
        return [*entries[:k], (eid, f), *entries[k + 1 :]], k

    return change


async def test_a_history_rewritten_and_resigned_fails_and_its_witnesses_publish_the_fork(
    net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    async with open_scene(net, redis_server.url) as s:
        m1 = await s.send("RS", "HR")
        await s.shown("HR", m1)
        await s.quiet(m1)
        held = await s.witnessed()
        for p in list(s.clients):  # the consoles go home with the checkpoint they cosigned
            await s.disconnect(p)
        cosigned = await s.checkpoint_sizes()
        port = s.hub.port
        await s.hub.stop()

        # the operator rewrites history and re-signs the log's events and checkpoints
        entries = await s.insider.log()
        new, edited = _backdate(90_000)(entries, s)  # within the skew bound: rule-clean
        await s.insider.rewrite(lambda _old: new)
        await s.insider.resign_checkpoints()
        await s.restart(port=port)
        await s.rebuilt()
        assert s.hub.checkpointer.integrity_error is None  # consistent with its checkpoints

        # on its own, the export shows the old cosignatures on another history...
        lazy = s.verify(await s.export(tmp_path / "lazy.bundle"))
        final = lazy.entries - 1
        forks = [("fork", n - 1) for n in cosigned if n > edited]
        assert forks and lazy.kinds() == [*forks, ("too_few_cosignatures", final)], lazy.findings
        # ... and without them (a careful operator deletes them), too few witnesses
        await s.insider.drop_cosignatures(cosigned)
        careful = tmp_path / "careful.bundle"
        rep = s.verify(await s.export(careful))
        assert rep.kinds() == [("too_few_cosignatures", rep.entries - 1)], rep.findings
        assert (await cli_verify(s, careful))[0] == 5

        # the parties' consoles come back, are shown the other history, and publish it
        for p in ("BA", "HR", "RS"):
            await s.connect(p)
        for p in ("BA", "HR", "RS"):
            await s.alerted(p, "forked history")
        proofs = await _fork_proofs(s, 3)
        for p in ("BA", "HR", "RS"):  # every console hears every reporter, from the log
            await s.alerted(p, "fork alarm from the log")
            assert s.clients[p].watch.held is not None and s.clients[p].watch.held.size == held
        rep = s.verify(await s.export(tmp_path / "forked.bundle"))
        published = [f for f in rep.findings if f.kind == "fork"]
        assert [f.position for f in published] == proofs, rep.findings
        assert all("a party published a fork proof" in f.detail for f in published)


async def _fork_proofs(s: Scene, n: int) -> list[int]:
    """Positions of the log's fork_proof entries, once there are ``n``."""
    from tests.waits import wait_until

    found: list[int] = []

    async def enough() -> bool:
        log = await s.insider.log()
        found[:] = [i for i, (_e, f) in enumerate(log) if f[b"t"] == b"fork_proof"]
        return len(found) >= n

    await wait_until(enough, T, f"{n} fork proofs in the log")
    return found
