"""A/B of hub variants in the hub-only scenario, interleaved in one run.

    python -m bench.hubload.ab [--rounds 3] [--count 1500] [--variants NAME=ENV,...]

Each variant is the hub started with some environment (for example
``uvloop=HOTLINE_EVENT_LOOP:uvloop``). Rounds run A B, then B A, ... so that the
shared box's load drifts over both sides alike; every run gets a fresh Redis. The
figure to read is server CPU µs per message (hub + Redis, from /proc over the load
window): throughput on a shared box moves far more than CPU per message does.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from .scenario import Load, hub_only

__all__ = ["DEFAULT_VARIANTS", "ab", "main"]

#: name → hub environment; the first is the baseline the others are compared with
DEFAULT_VARIANTS: dict[str, dict[str, str]] = {
    "plain": {"HOTLINE_REDIS_PARSER": "python"},
    "hiredis": {},
    "uvloop": {"HOTLINE_EVENT_LOOP": "uvloop", "HOTLINE_REDIS_PARSER": "python"},
    "both": {"HOTLINE_EVENT_LOOP": "uvloop"},
}
KEYS = ("hub_cpu_us_per_msg", "hub_process_us_per_msg", "redis_us_per_msg")


def _parse(spec: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for item in spec.split(","):
        name, _, env = item.partition("=")
        pairs = [p.partition(":") for p in env.split(";") if p]
        out[name.strip()] = {k: v for k, _s, v in pairs}
    return out


def ab(tmp: Path, variants: dict[str, dict[str, str]], rounds: int, count: int) -> dict[str, Any]:
    names = list(variants)
    runs: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for n in order:
            load = Load(tmp / "home", count=count)
            res = hub_only(tmp, load=load, env=variants[n], tag=f"ab{r}{n}-")
            runs[n].append(res)
            print(
                f"round {r} {n:10s} {res['hub_cpu_us_per_msg']:8.1f} µs/msg "
                f"(hub {res['hub_process_us_per_msg']}, redis {res['redis_us_per_msg']}) "
                f"{res.get('sustained_msgs_per_s')} msgs/s",
                file=sys.stderr,
                flush=True,
            )
    out: dict[str, Any] = {"rounds": rounds, "count": count, "variants": {}}
    base = statistics.median(r["hub_cpu_us_per_msg"] for r in runs[names[0]])
    for n in names:
        fig = {k: statistics.median(r[k] for r in runs[n]) for k in KEYS}
        fig["msgs_per_s_median"] = statistics.median(
            r.get("sustained_msgs_per_s") or 0 for r in runs[n]
        )
        fig["hub_cpu_us_per_msg_all"] = [r["hub_cpu_us_per_msg"] for r in runs[n]]
        fig["vs_first"] = round(fig["hub_cpu_us_per_msg"] / base, 3)
        out["variants"][n] = {"env": variants[n], **fig}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.hubload.ab")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--count", type=int, default=1500)
    p.add_argument("--variants", default="", help="NAME=K:V;K:V,... (default: loop × parser)")
    a = p.parse_args(argv)
    variants = _parse(a.variants) if a.variants else DEFAULT_VARIANTS
    with tempfile.TemporaryDirectory(prefix="hotline-ab-") as tmp:
        print(json.dumps(ab(Path(tmp), variants, a.rounds, a.count), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
