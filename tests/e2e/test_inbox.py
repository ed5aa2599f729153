"""Deliveries only from the log, end to end: what an insider writes into an inbox or
slips into the log under a false position reaches no console unless an auditor sees it.

tests/server/test_forged_inbox.py and test_router.py cover the hub's side of each inbox
trick one at a time; here they run together against the parties' clients and an auditor's export.
"""

from __future__ import annotations

from pathlib import Path

from hotline.protocol import id_text, parse_id_text
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import LOG, dlq_key, inbox_key
from tests.waits import texts_until

from .scene import T, cli_verify, open_scene


async def test_inbox_forgeries_reach_no_console_and_the_log_stays_clean(
    net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    async with open_scene(net, redis_server.url) as s:
        hr = s.clients["HR"]
        q = hr.subscribe()
        text = {"lang": "en"}
        await s.send("RS", "HR", body={**text, "text": "m1"}, precedence="ROUTINE")
        to_ba = await s.send("RS", "BA", body={**text, "text": "for BA only"}, precedence="ROUTINE")
        assert await texts_until(q, "m1", T) == ["m1"]
        await s.shown("BA", to_ba)
        ba_entry = next(
            eid for eid, f in await s.insider.log() if f.get(b"mid") == _hex(to_ba)
        ).decode()
        # 1. an envelope in a `d` field: signed by RS (a stolen key), never in the log
        env = s.insider.envelope("RS/officer-1", hr.roster)
        await s.hub.redis.xadd(
            inbox_key("HR"), {"t": "env", "d": env.encode(), "mid": env.id.hex()}
        )
        # 2. a reference to a real log entry that was never routed to HR
        await s.hub.redis.xadd(inbox_key("HR"), {"t": "env", "mid": _hex(to_ba), "log": ba_entry})
        # 3. a spurious id above every log id: the router must not take it as "routed"
        await s.hub.redis.xadd(inbox_key("HR"), {"t": "env", "mid": "9" * 32}, id="9999999999999-0")
        m2 = await s.send("RS", "HR", body={**text, "text": "m2"}, precedence="ROUTINE")
        m3 = await s.send("RS", "HR", body={**text, "text": "m3"}, precedence="ROUTINE")
        assert await texts_until(q, "m3", T) == ["m2", "m3"]  # nothing dropped, in order
        await s.quiet(to_ba, m2, m3)

        shown = {m.body.get("text") for m in hr.store.inbox()}
        assert shown == {"m1", "m2", "m3"}, shown
        assert hr.store.get(id_text(env.id)) is None and hr.store.get(to_ba) is None
        assert s.hub.metrics.get("hotline_foreign_inbox_total", party="HR") == 3
        assert s.hub.metrics.get("hotline_inbox_out_of_order_total", party="HR") >= 2
        dlq = await s.hub.redis.xrange(dlq_key("HR"))
        assert len(dlq) == 3 and all(f[b"reason"].startswith(b"foreign: ") for _i, f in dlq)
        assert all(b"d" not in f for _i, f in dlq)  # the payload is not kept around
        assert s.hub.checkpointer.integrity_error is None  # the log itself is intact

        # the auditor sees everything any console saw, and the log verifies clean
        out = tmp_path / "clean.bundle"
        rep = s.verify(await s.export(out))
        assert rep.findings == () and rep.covered == rep.entries, rep.findings
        assert env.id.hex().encode() not in out.read_bytes()
        code, doc = await cli_verify(s, out)
        assert (code, doc["severity"]) == (0, None)


async def test_a_delivery_at_a_false_leaf_index_is_proven_false_and_never_delivered(
    net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    """A valid message slipped into the log under another entry's leaf index.

    The insider holds the hub's key and RS's: the entry passes the acceptance rule, so
    HR shows it — but its inclusion proof fails against the checkpoint HR holds: it is
    marked failed and alarmed on, and no "delivered" receipt goes out.
    """
    async with open_scene(net, redis_server.url) as s:
        m1 = await s.send("RS", "HR")
        await s.shown("HR", m1)
        await s.quiet(m1)
        size = await s.witnessed()
        k = next(i for i, (_e, f) in enumerate(await s.insider.log()) if f.get(b"mid") == _hex(m1))
        env = s.insider.envelope("RS/officer-1", s.clients["HR"].roster)
        mid = id_text(env.id)
        to = ["AUDIT", "HR", "RS"]
        await s.hub.redis.eval(
            "return redis.call('XADD', KEYS[1], '*', 't', 'accepted', 'e', ARGV[1], "
            "'mid', ARGV[2], 'to', ARGV[3], 'ln', 'routine', 'n', ARGV[4])",
            1,
            LOG,
            s.insider.accepted(env),
            env.id.hex(),
            ",".join(to),
            k,
        )  # fmt: skip — m1's leaf index: the entry claims to be m1's position
        hr = s.clients["HR"].store
        alert = await s.alerted("HR", "not in the witnessed log")
        assert f"entry {k} is not in the log of {size}" in alert, alert
        row, held = hr.get(mid), hr.get(m1)
        assert row is not None and row.proof == "failed"
        assert held is not None and held.proof == "proven"
        assert row.my_rank == -1  # no "delivered" receipt was signed for it
        log = await s.insider.log()
        assert not any(
            f[b"t"] == b"receipt" and f[b"mid"] == env.id.hex().encode() for _e, f in log
        )
        alarm = await s.alarm()
        assert f"carries leaf index {k}" in alarm, alarm
        await s.signs_nothing_after(size)

        out = tmp_path / "b.bundle"
        rep = s.verify(await s.export(out))
        assert rep.kinds() == [("uncovered", size)], [f.line() for f in rep.findings]
        code, _ = await cli_verify(s, out)
        assert code == 6  # warnings only: the auditor sees the message the console saw


def _hex(mid: str) -> bytes:
    return parse_id_text(mid).hex().encode()
