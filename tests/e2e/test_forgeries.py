"""Issue 15's forgeries, written into a real hub's Redis log by an insider.

Each attack appends entries straight to ``hl:{log}:events`` (with the fields the router
reads, so they are routed to the parties like real ones) after a checkpoint the parties
witnessed. Then, on every side:

(a) every online client they reach refuses them — a row in ``store.refusals()``, a
    security alert (event and ``store.alerts()``) — and shows none of them;
(b) the hub's checkpointer raises the integrity alarm at the first one (``/healthz``
    503, metric, an ``alert`` frame to every device) and signs nothing after it;
(c) an auditor's export lists exactly the expected findings, in the library and in
    ``hotline audit verify`` (exit 5).

The rule attacks assume the insider also holds the hub's signing key (so the events are
hub-signed and only the acceptance rule stands in the way) and the key the attack names
(a revoked feed, a feed, the hub, another party's device). The negative control switches
the rule off in the client and sees the forgery shown as verified.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from hotline.client.hub_client import HubClient
from hotline.protocol import id_text, parse_id_text
from hotline.protocol.acceptance import Decision
from hotline.server.redis_process import RedisProcess

from .scene import Scene, T, cli_verify, install, next_roster, open_scene

Forged = list[tuple[str, str]]  # (message id text, or "" for a non-message entry; stream id)


@dataclass(frozen=True)
class Attack:
    forge: Callable[[Scene, str], Awaitable[Forged]]
    code: str  # what the clients refuse the forged delivery with
    refused_by: tuple[str, ...]  # the online parties it is routed to
    findings: tuple[tuple[str, int], ...]  # (kind, offset from the first forged entry)


async def _revoked_key(s: Scene, m1: str) -> Forged:
    v2 = next_roster(
        s.home, s.clients["HR"].roster, lambda d: replace(d, revoked=d.id == "RS/feed-1")
    )
    await install(s, v2)  # logged, pushed; RS/feed-1 is revoked from here on
    await s.witnessed()
    env = s.insider.envelope("RS/feed-1", v2, family="link_test")  # the feed's stolen key
    sid, _n = await s.insider.forge(env, rv=2)
    return [(id_text(env.id), sid)]


async def _out_of_family(s: Scene, m1: str) -> Forged:
    env = s.insider.envelope("RS/feed-1", s.clients["HR"].roster)  # a feed's hotline_message
    sid, _n = await s.insider.forge(env)
    return [(id_text(env.id), sid)]


async def _hub_signed_notification(s: Scene, m1: str) -> Forged:
    env = s.insider.envelope("HUB/hub-1", s.clients["HR"].roster)  # sender HUB
    assert env.sender == "HUB"
    sid, _n = await s.insider.forge(env)
    return [(id_text(env.id), sid)]


async def _cross_party_supersedes(s: Scene, m1: str) -> Forged:
    roster = s.clients["HR"].roster
    rs_notice = await s.send("RS", "HR,BA", "arms_transfer")
    await s.shown("HR", rs_notice)
    await s.shown("BA", rs_notice)
    await s.quiet(rs_notice)
    # BA's own console is refused at submit: a party amends only its own notices (R12)
    body = {**_body("arms_transfer"), "quantity": 42}
    res = await s.clients["BA"].send(
        "HR,RS", "arms_transfer", body, supersedes=rs_notice, timeout=T
    )
    assert (res.status, res.code) == ("refused", "foreign_reference"), res
    await s.witnessed()
    # ... so an insider with BA's key writes it into the log itself
    env = s.insider.envelope(
        "BA/officer-1", roster, ("HR", "RS"), "arms_transfer", body,
        supersedes=parse_id_text(rs_notice),
    )  # fmt: skip
    sid, _n = await s.insider.forge(env)
    return [(id_text(env.id), sid)]


async def _unsigned_events(s: Scene, m1: str) -> Forged:
    # No key at all: a forged `rejected` event, then m1's envelope again in an
    # `accepted` event that carries no hub signature.
    first = s.insider.event("rejected", sign=False, device="HR/officer-1", code="replay")
    sid1, _ = await s.insider.append("rejected", first)
    env = await _envelope_of(s, m1)
    sid2, _ = await s.insider.forge(env, sign=False)
    return [("", sid1), (m1, sid2)]


async def _replay_in_log(s: Scene, m1: str) -> Forged:
    # No key: m1's own hub-signed entry, appended a second time at a new position.
    (_eid, fields), *_ = [e for e in await s.insider.log() if e[1].get(b"mid") == _hex(m1)]
    to = fields[b"to"].decode().split(",")
    sid, _n = await s.insider.append("accepted", bytes(fields[b"e"]), mid=_hex(m1), to=to)
    return [(m1, sid)]


ATTACKS = {
    "revoked key": Attack(_revoked_key, "revoked_key", ("HR", "RS"), (("rule_violation", 0),)),
    "out-of-family feed": Attack(
        _out_of_family, "family_not_allowed", ("HR", "RS"), (("rule_violation", 0),)
    ),
    "hub-signed notification": Attack(
        _hub_signed_notification, "wrong_role", ("HR",), (("rule_violation", 0),)
    ),
    "cross-party supersedes": Attack(
        _cross_party_supersedes,
        "foreign_reference",
        ("HR", "RS", "BA"),
        (("rule_violation", 0),),
    ),
    "unsigned events": Attack(
        _unsigned_events,
        "unsigned_event",
        ("HR", "RS"),
        (("unsigned", 0), ("unsigned", 1), ("replay", 1)),
    ),
    "replay in the log": Attack(_replay_in_log, "", (), (("replay", 0),)),
}


@pytest.mark.parametrize("name", list(ATTACKS))
async def test_a_forged_log_entry_is_refused_alarmed_and_audited(
    name: str, net: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    attack = ATTACKS[name]
    async with open_scene(net, redis_server.url) as s:
        m1 = await s.send("RS", "HR")
        await s.shown("HR", m1)
        await s.quiet(m1)
        held = s.clients["HR"].store.get(m1)
        await s.witnessed()
        before = await s.insider.size()
        forged = await attack.forge(s, m1)
        first = await s.insider.size() - len(forged)
        assert first >= before

        # (a) refused, alerted, never shown
        for party in attack.refused_by:
            row = await s.refused(party, attack.code)
            assert row["index"] == first + [sid for _m, sid in forged].index(row["delivery"])
            await s.alerted(party, f"refused delivery: {attack.code}")
        for _mid, sid in forged:  # acknowledged, so never delivered again
            await s.consumed("HR", sid)
        for mid, _sid in forged:
            for party, c in s.clients.items():
                if mid and mid != m1:
                    assert c.store.get(mid) is None, party
        assert held is not None and s.clients["HR"].store.get(m1) == held  # m1: as it was

        # (b) the checkpointer stops at the first forged entry and says so everywhere
        alarm = await s.alarm()
        assert f"log entry {first} " in alarm, alarm
        await s.signs_nothing_after(first)

        # (c) the audit names every forged entry, and nothing else
        path = tmp_path / "attack.bundle"
        rep = s.verify(await s.export(path))
        want = sorted([(k, first + off) for k, off in attack.findings] + [("uncovered", first)])
        assert sorted(rep.kinds()) == want, [f.line() for f in rep.findings]
        code, out = await cli_verify(s, path)
        assert code == 5 and out["severity"] == "error"
        assert sorted((f["kind"], f["position"]) for f in out["findings"]) == want


async def test_negative_control_without_the_rule_the_forgery_shows_as_verified(
    net: Path, redis_server: RedisProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test-only hook: the acceptance rule switched off in the client's delivery path."""
    monkeypatch.setattr("hotline.protocol.delivery.check_envelope", lambda *a, **kw: Decision())

    async def settle(self: HubClient, timeout: float = 0) -> bool:
        return True  # the forgery's proof never comes (the hub stopped signing): no wait

    monkeypatch.setattr(HubClient, "settle", settle)
    async with open_scene(net, redis_server.url, online=("HR", "RS")) as s:
        env = s.insider.envelope("RS/feed-1", s.clients["HR"].roster)  # as "out-of-family"
        await s.insider.forge(env)
        await s.shown("HR", id_text(env.id))
        row = s.clients["HR"].store.get(id_text(env.id))
        assert row is not None and row.verified and row.body == _body("hotline_message")
        assert s.clients["HR"].store.refusals() == []


def _body(family: str) -> dict[str, Any]:
    from tests.factories import SAMPLE_BODIES

    return SAMPLE_BODIES[family]


def _hex(mid: str) -> bytes:
    return parse_id_text(mid).hex().encode()


async def _envelope_of(s: Scene, mid: str) -> Any:
    from hotline.protocol import Envelope
    from hotline.protocol.events import LogEvent

    for _eid, f in await s.insider.log():
        if f.get(b"mid") == _hex(mid) and f[b"t"] == b"accepted":
            return Envelope.decode(LogEvent.decode(bytes(f[b"e"])).payload)
    raise AssertionError(f"{mid} is not in the log")
