"""Two parties' clients build the same register from what the hub delivered."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from hotline.client.events import MessageReceived
from hotline.client.register import register_for
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub


async def test_two_parties_compute_the_same_register(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with (
            client(home, "RS", hub.url) as rs,
            client(home, "HR", hub.url) as hr,
            client(home, "BA", hub.url) as ba,
            client(home, "ME", hub.url) as me,
        ):
            qs = [ba.subscribe(), me.subscribe()]
            rs_q = rs.subscribe()  # RS's own view needs HR's two notices in its inbox
            for c in (rs, hr, ba, me):
                assert await c.wait_connected(10 * TIMEOUT_FACTOR)
            sends = [
                (
                    rs,
                    "annual_information",
                    {
                        "year": 2024,
                        "personnel": 28000,
                        "budget_eur": 1_500_000_000,
                        "holdings": {"combat_aircraft": 14},
                    },
                ),
                (
                    hr,
                    "annual_information",
                    {
                        "year": 2024,
                        "personnel": 15000,
                        "budget_eur": 1_100_000_000,
                        "holdings": {"combat_aircraft": 10},
                    },
                ),
                (
                    rs,
                    "arms_transfer",
                    {
                        "category": "combat_aircraft",
                        "system": "Rafale",
                        "quantity": 12,
                        "supplier": "France",
                        "contract_date": "2024-08-29",
                        "value_eur": 2_700_000_000,
                    },
                ),
                (
                    hr,
                    "arms_transfer",
                    {
                        "category": "combat_aircraft",
                        "system": "Rafale F3R",
                        "quantity": 12,
                        "supplier": "France",
                        "status": "delivered",
                        "contract_date": "2021-11-25",
                        "delivery_date": "2025-04-25",
                    },
                ),
            ]
            for c, fam, body in sends:
                assert (await c.send("all", fam, body)).status == "accepted"
            for q in qs:
                got = 0
                while got < 4:
                    ev = await asyncio.wait_for(q.get(), 15 * TIMEOUT_FACTOR)
                    got += isinstance(ev, MessageReceived)
            got = 0
            while got < 2:
                ev = await asyncio.wait_for(rs_q.get(), 15 * TIMEOUT_FACTOR)
                got += isinstance(ev, MessageReceived)
            reg_ba = register_for(ba.store, "BA")
            reg_me = register_for(me.store, "ME")
            as_json = lambda r: {f"{k}": v.to_json(None) for k, v in r[0].items()}  # noqa: E731
            assert as_json(reg_ba) == as_json(reg_me)
            assert [a.message for a in reg_ba[1]] == [a.message for a in reg_me[1]]
            assert any(a.kind == "ceiling" and a.party == "RS" for a in reg_ba[1])
            # the sender's own view agrees too (its own notices come from its sent items)
            assert as_json(register_for(rs.store, "RS")) == as_json(reg_ba)
        r = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "hotline.client",
                "register",
                "show",
                "--home",
                str(home),
                "--as",
                "BA",
                "--party",
                "RS",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        (h,) = [x for x in out["holdings"] if x["category"] == "combat_aircraft"]
        assert h["projected"] == 26 and h["ceiling"] == 24 and len(h["sources"]) == 2
        assert out["alerts"] and out["example"] is True
        assert out["alerts"][0]["message"] == (
            "RS combat aircraft: projected 26 exceeds the ceiling of 24"
        )
        # the same register for a person, in the officer's language
        r = await asyncio.to_thread(
            subprocess.run,
            [
                *(sys.executable, "-m", "hotline.client", "register", "show", "--lang", "mk"),
                *("--home", str(home), "--as", "BA", "--party", "RS"),
            ],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
        assert "борбени авиони" in r.stdout and "ТРЕВОГА: RS борбени авиони" in r.stdout
        assert "exceeds" not in r.stdout and "combat" not in r.stdout
    finally:
        await hub.stop()
