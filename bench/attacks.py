"""FLASH under attack (issue 16.10): the same FLASH load without, then with, the attack mix.

Each phase gets a fresh Redis and hub (hub + Redis pinned to the server core, as in the
hub-only scenario), the hub-only load generator (pre-signed FLASH envelopes, paced, to
receivers that ack unopened: no client cryptography in the loop) on the other core, and
in the attack phase `bench.attacker` beside it, on the load core too but niced, so that
the receivers' timestamps measure the hub's delay and not the attacker taking their CPU.
The attacker starts after every device is connected (its warm-up fills its per-address
cap) and stops after the last FLASH is delivered. `python -m bench.attacks` runs each
attack alone under the same load, to say which one costs what. Refusals come from both sides: the
attacker's own tally, and the hub's counters scraped from its private /metrics listener.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from hotline.server.config import Settings
from hotline.server.redis_process import free_port

from .common import PY, ROOT
from .hubload.scenario import Load, _cpu, _line, _loadgen, _placement, _servers

__all__ = ["by_attack", "flash_under_attack", "main"]

#: the per-address caps at the hub's defaults (Settings), as the hub's environment
DEFENCES = {
    f"HOTLINE_HUB_{f.name.upper()}": str(f.default)
    for f in dataclasses.fields(Settings)
    if f.name.startswith(("connection", "preauth_sockets"))
}

FLASH = "HR/feed-1:10:FLASH"
# the hub's counters that say which defence refused what (and that nothing broke)
COUNTERS = (
    "hotline_connections_refused_total",
    "hotline_preauth_refused_total",
    "hotline_handshake_failures_total",
    "hotline_unauthenticated_rejections_total",
    "hotline_rejections_total",
    "hotline_rest_slow_bodies_total",
    "hotline_rest_aborted_total",
    "hotline_internal_errors_total",
    "hotline_task_crashes_total",
    "hotline_dead_letters_total",
    "hotline_redeliveries_total",
)


def _metrics(port: int) -> dict[str, float]:
    """The hub's defence counters, `name{labels}` → value, from its /metrics listener."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(COUNTERS):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def _attacker(
    home: Path, port: int, cores: set[int], extra: list[str], log: Path
) -> subprocess.Popen[str]:
    def place() -> None:
        os.sched_setaffinity(0, cores)
        os.nice(10)  # below the receivers: their timestamps are the measurement

    args = ["--home", str(home), "--port", str(port), *extra]
    return subprocess.Popen(
        [PY, "-m", "bench.attacker", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(log, "w"),  # the child holds it
        text=True,
        preexec_fn=place,
    )


def _answer(atk: subprocess.Popen[str], log: Path) -> dict[str, Any]:
    """The attacker's next JSON line, or its stderr's last line as the error."""
    assert atk.stdout is not None
    try:
        return _line(atk.stdout)
    except RuntimeError:
        tail = log.read_text().strip().splitlines()[-1:] or ["(nothing)"]
        raise RuntimeError(f"the attacker ended without an answer: {tail[0]}") from None


def _phase(
    tmp: Path,
    load: Load,
    attack: list[str] | None,
    pinned: bool = True,
    hub_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One run of the FLASH load; `attack`: the attacker's arguments, None for no attack.

    `hub_env`: settings of the hub other than its defaults (a test's short drain).
    """
    hub_cores, redis_cores, load_cores, _note = _placement(1, pinned)
    mport = free_port()
    # the other benches lift the per-address caps for their local load (bench/net.py):
    # here the defences are the subject, at the hub's defaults
    env = {**DEFENCES, **(hub_env or {}), "HOTLINE_HUB_METRICS_PORT": str(mport)}
    # a Redis directory per home: an AOF left by another network's hub would be loaded
    tag = load.home.name + ("" if pinned else "-unpinned")
    with _servers(tmp, tag, load, hub_cores, redis_cores, False, env) as (net, redis_pid):
        gen = _loadgen(load, [net.url(0)], load_cores)
        assert gen.stdin is not None and gen.stdout is not None
        ready = _line(gen.stdout)  # every device connected before the attacker takes its slots
        log = tmp / f"attacker-{os.getpid()}.log"
        atk = (
            None
            if attack is None
            else _attacker(load.home, net.hubs[0][1], load_cores, attack, log)
        )
        if atk is not None:
            _answer(atk, log)
        pids = {"hub": net.pids()[0], "redis": redis_pid, "loadgen": gen.pid}
        pids |= {f"core:{c}": -1 - c for c in range(os.cpu_count() or 1)}
        if atk is not None:
            pids["attacker"] = atk.pid
        load0, before = os.getloadavg()[0], {k: _cpu(p) for k, p in pids.items()}
        gen.stdin.write("go\n")
        gen.stdin.flush()
        res = _line(gen.stdout)
        used = {k: _cpu(p) - before[k] for k, p in pids.items()}
        out: dict[str, Any] = {"loadavg_1m_before": round(load0, 2)}
        if atk is not None:
            assert atk.stdin is not None and atk.stdout is not None
            atk.stdin.write("stop\n")
            atk.stdin.flush()
            out |= _answer(atk, log)
            atk.wait(30)
        out["hub_counters"] = _metrics(mport)
        gen.wait(30)
    secs = max(res["seconds"], 1e-9)
    out |= {k: v for k, v in {**ready, **res}.items() if k != "ready"}
    out["lost"] = res["expected_deliveries"] - res["deliveries"]
    # cores busy over the FLASH window: each process, and each core whoever ran on it
    out["cores_busy"] = {k: round(v / secs, 2) for k, v in used.items()}
    out["hub_cpu_cores_busy"] = out["cores_busy"]["hub"]
    out["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    return out


def _load(home: Path, duration: float) -> Load:
    return Load(home, senders=(FLASH,), duration=duration)


def flash_under_attack(
    tmp: Path,
    *,
    duration: float = 15,
    idle: int = 200,
    slow: int = 20,
    warmup_s: float = 2,
    hub_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """FLASH at 10/s for `duration` s, once quiet and once under the attack mix, back to back."""
    # a home each: a hub remembers what it accepted, and a fresh Redis under the same home
    # would start the second phase with an integrity alarm ("accepted … missing from Redis")
    quiet = _phase(tmp, _load(tmp / "home-quiet", duration), None, hub_env=hub_env)
    attack = ["--idle", str(idle), "--slow", str(slow), "--warmup-s", str(warmup_s)]
    attacked = _phase(tmp, _load(tmp / "home-attack", duration), attack, hub_env=hub_env)
    return {"no_attack": quiet, "under_attack": attacked, "rate_per_s": 10, "duration_s": duration}


def by_attack(tmp: Path, kinds: list[str], duration: float) -> dict[str, Any]:
    """Each attack of the mix alone under the same FLASH load: which one costs what."""
    out: dict[str, Any] = {}
    for i, k in enumerate(kinds):
        r = _phase(tmp, _load(tmp / f"home-{i}", duration), ["--kinds", k])
        keep = ("urgent_p50_ms", "urgent_p99_ms", "lost", "cores_busy", "loadavg_1m_before")
        out[k] = {**{x: r[x] for x in keep}, "tally": r.get("tally")}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.attacks")
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument(
        "--kinds",
        default="ws_bomb,ws_garbage,rest_bomb,rest_junk+rest_proof,idle,slow_head+slow_body,proof_flood",
        help="attacks to run one at a time; a+b runs a and b together",
    )
    a = p.parse_args(argv)
    kinds = [k.replace("+", ",") for k in a.kinds.split(",") if k]
    with tempfile.TemporaryDirectory(prefix="hotline-attacks-") as tmp:
        print(json.dumps(by_attack(Path(tmp), kinds, a.duration), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
