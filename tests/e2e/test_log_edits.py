"""One XDEL and two forged XADDs: the audit names all three (it once named only the first).

Issue 15: after one deleted and two forged entries ``hotline audit verify`` printed only
``entry 8 … missing``. Here an insider deletes a witnessed entry and appends two forged
ones (one without a hub signature, one hub-signed from a feed outside its families);
the auditor exports with ``hotline audit export`` and verifies with ``hotline audit
verify``: every finding, one row each, exit 5.
"""

from __future__ import annotations

from pathlib import Path

from hotline.protocol import id_text, parse_id_text
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import LOG

from .scene import cli_verify, open_scene


async def test_a_deletion_and_two_forged_entries_are_all_reported(
    net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    async with open_scene(net, redis_server.url) as s:
        m1 = await s.send("RS", "HR")
        m2 = await s.send("RS", "ME")  # ME is offline: nothing in the log refers to m2
        await s.shown("HR", m1)
        await s.quiet(m1)
        size = await s.witnessed()
        log = await s.insider.log()
        k, (sid2, _f2) = next(
            (i, e)
            for i, e in enumerate(log)
            if e[1].get(b"mid") == parse_id_text(m2).hex().encode()
        )
        m1_event = next(f for _i, f in log if f.get(b"mid") == parse_id_text(m1).hex().encode())

        assert await s.hub.redis.xdel(LOG, sid2) == 1
        unsigned = s.insider.event("accepted", _payload(m1_event), sign=False, rv=1)
        await s.insider.append("accepted", unsigned, mid=parse_id_text(m1).hex(), to=["HR", "RS"])
        env = s.insider.envelope("RS/feed-1", s.clients["HR"].roster)
        await s.insider.forge(env)
        # the bundle holds size - 1 witnessed entries, then the two forged ones
        first, second = size - 1, size

        await s.refused("HR", "unsigned_event")
        await s.refused("HR", "family_not_allowed")
        assert s.clients["HR"].store.get(id_text(env.id)) is None
        await s.alarm()
        await s.signs_nothing_after(size)

        out = tmp_path / "edited.bundle"
        code, _ = await s.cli(
            "audit", "export", "--home", str(s.home), "--as", "AUDIT", "--hub", s.hub.url,
            "--out", str(out),
        )  # fmt: skip
        assert code == 0
        code, rep = await cli_verify(s, out)
        assert code == 5
        rows = [(f["kind"], f["position"]) for f in rep["findings"]]
        assert rows == [
            ("missing", k),
            ("unsigned", first),
            ("replay", first),
            ("rule_violation", second),
        ], rep["findings"]
        assert rep["summary"] == {
            "missing": {"error": 1},
            "unsigned": {"error": 1},
            "replay": {"error": 1},
            "rule_violation": {"error": 1},
        }
        assert sid2 not in {f["stream_id"] for f in rep["findings"]}  # gone from the log


def _payload(fields: dict[bytes, bytes]) -> bytes:
    from hotline.protocol.events import LogEvent

    return LogEvent.decode(bytes(fields[b"e"])).payload
