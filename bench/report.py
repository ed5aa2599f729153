"""latest.json and latest.md: headline figures, each beside its floor and its peer."""

from __future__ import annotations

from typing import Any

__all__ = ["headline", "table"]

# headline key → why it is null when its scenario did not run or cannot yet be measured
REASONS: dict[str, str] = {}


def _get(d: dict[str, Any], *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def _ratio(a: Any, b: Any, nd: int = 3) -> float | None:
    return (
        round(a / b, nd)
        if isinstance(a, int | float) and isinstance(b, int | float) and b
        else None
    )


def _e2e(res: dict[str, Any]) -> dict[str, Any]:
    sat = _get(res, "e2e_saturation", "sustained_msgs_per_s")
    base = _get(res, "baseline", "msgs_per_s")
    jsr = _get(res, "jetstream", "msgs_per_s")
    per_conn = _get(res, "idle", "per_connection_kib")
    return {
        "e2e_msgs_per_s": sat,
        "baseline_msgs_per_s": base,
        "ratio_vs_baseline": _ratio(sat, base),
        "jetstream_msgs_per_s": jsr,
        "ratio_vs_jetstream": _ratio(sat, jsr),
        "flash_p50_ms": _get(res, "flash", "flash_p50_ms"),
        "flash_p99_ms": _get(res, "flash", "flash_p99_ms"),
        "flash_idle_p50_ms": _get(res, "flash_idle", "flash_p50_ms"),
        "idle_conn_rss_mib_per_10k": round(per_conn * 10_000 / 1024, 1) if per_conn else None,
        "audit_verify_per_s": _get(res, "components", "audit", "audit_verify_per_s"),
        "two_hubs_ratio": _ratio(_get(res, "e2e_two_hubs", "sustained_msgs_per_s"), sat, 2),
        "redis_cluster_msgs_per_s": _get(res, "e2e_cluster", "sustained_msgs_per_s"),
        "redis_cluster_ratio_vs_single": _ratio(
            _get(res, "e2e_cluster", "sustained_msgs_per_s"), sat, 2
        ),
    }


def _hub_only(res: dict[str, Any]) -> dict[str, Any]:
    one = res.get("hub_only") or {}
    cpu, fl = one.get("hub_cpu_us_per_msg"), _get(res, "hub_floor", "us_per_msg")
    lfl = _get(res, "jetstream_like_for_like", "msgs_per_s")
    two = _get(res, "hub_only_two_hubs", "sustained_msgs_per_s")
    return {
        "hub_cpu_us_per_msg": cpu,
        "hub_floor_us_per_msg": fl,
        "hub_cpu_vs_floor": _ratio(cpu, fl, 2),
        "hub_only_msgs_per_s": one.get("sustained_msgs_per_s"),
        "jetstream_like_for_like_msgs_per_s": lfl,
        "hub_only_vs_jetstream": _ratio(one.get("sustained_msgs_per_s"), lfl, 3),
        "jetstream_server_cpu_us_per_msg": _get(
            res, "jetstream_like_for_like", "server_cpu_us_per_msg"
        ),
        "hub_only_two_hubs_ratio": _ratio(two, one.get("sustained_msgs_per_s"), 2),
        "flash_hub_only_idle_p50_ms": _get(res, "hub_flash_idle", "urgent_p50_ms"),
        "flash_hub_only_p99_ms_pinned": _get(res, "hub_flash_pinned", "urgent_p99_ms"),
        "flash_hub_only_p99_ms_unpinned": _get(res, "hub_flash_unpinned", "urgent_p99_ms"),
        # the same comparison on CPU per message, which the box's other load moves less
        "hub_vs_jetstream_server_cpu": _ratio(
            cpu, _get(res, "jetstream_like_for_like", "server_cpu_us_per_msg"), 2
        ),
    }


def _attack(res: dict[str, Any]) -> dict[str, Any]:
    quiet, hit = _get(res, "flash_attack", "no_attack"), _get(res, "flash_attack", "under_attack")
    return {
        "flash_p50_ms_no_attack": _get(quiet, "urgent_p50_ms"),
        "flash_p99_ms_no_attack": _get(quiet, "urgent_p99_ms"),
        "flash_p50_ms_under_attack": _get(hit, "urgent_p50_ms"),
        "flash_p99_ms_under_attack": _get(hit, "urgent_p99_ms"),
        "attack_lost": _get(hit, "lost"),
    }


def _ceilings(res: dict[str, Any]) -> dict[str, Any]:
    """What no implementation of this design can pass on this machine, from this run's
    own figures: where a target lies beyond its ceiling, the target is out of reach
    here, not merely missed.

    - hub CPU vs floor: the floor (verify + frame writes) plus the hub's signature over
      each event it logs and Redis's own CPU for the same messages (the signed, durable
      log the design requires), the rest of the hub's Python at zero;
    - hub-only msgs/s vs JetStream: one core doing only the verify, the signature and
      Redis's work;
    - two hubs: every core of the machine busy at the one-hub run's CPU per message
      (hubs, Redis and the load generators together), i.e. perfect scaling;
    - audit: every core doing nothing but the two signature verifies of each entry.
    """
    one, fl = res.get("hub_only") or {}, res.get("hub_floor") or {}
    floor_us, redis_us = fl.get("us_per_msg"), one.get("redis_us_per_msg")
    verify_us, jsr = fl.get("ed25519_verify_us"), _get(res, "jetstream_like_for_like", "msgs_per_s")
    sign_us = fl.get("hub_event_sign_us")
    cores = _get(res, "machine", "cores")
    busy = [one.get("server_cores_busy"), one.get("loadgen_cores_busy")]
    ok = all(isinstance(v, int | float) for v in (floor_us, redis_us, verify_us, sign_us))
    least = (floor_us + sign_us + redis_us) if ok else None  # type: ignore[operator]
    return {
        "hub_cpu_vs_floor_ceiling": _ratio(least, floor_us, 2),
        "hub_only_vs_jetstream_ceiling": _ratio(1e6 / (verify_us + sign_us + redis_us), jsr, 2)  # type: ignore[operator]
        if ok
        else None,
        "hub_only_two_hubs_ceiling": _ratio(cores, sum(busy), 2)
        if all(isinstance(v, int | float) for v in busy)
        else None,
        "audit_verify_ceiling_per_s_all_cores": _get(
            res, "components", "audit", "floor_per_s_all_cores"
        ),
    }


def headline(res: dict[str, Any]) -> dict[str, Any]:
    """The flat figures of latest.json; null ones are explained under `null_because`."""
    out: dict[str, Any] = {**_e2e(res), **_hub_only(res)}
    out["flash_p99_ms_pinned"] = _get(res, "flash_pinned", "flash_p99_ms")
    out["flash_p50_ms_pinned"] = _get(res, "flash_pinned", "flash_p50_ms")
    out["audit_verify_per_s_all_cores"] = _get(
        res, "components", "audit", "audit_verify_per_s_all_cores"
    )
    out["client_seal_vs_floor"] = _get(res, "client_floor", "pq", "seal_ratio")
    out["client_open_vs_floor"] = _get(res, "client_floor", "pq", "open_ratio")
    out["osce57_envelope_bytes"] = _get(res, "osce57", "envelope_bytes")
    out["osce57_msgs_per_s"] = _get(res, "osce57", "hub_only", "sustained_msgs_per_s")
    out |= _attack(res)
    out |= _ceilings(res)
    out["machine"] = res.get("machine")
    out["null_because"] = {
        k: REASONS.get(k, "its scenario did not run in this mode (see --help)")
        for k, v in out.items()
        if v is None
    }
    out["details"] = res
    return out


def _fmt(v: Any) -> str:
    return "–" if v is None else f"{v:,}" if isinstance(v, int | float) else str(v)


Row = tuple[str, Any, str, str]  # measure, this run, beside it, target


def _hub_rows(x: dict[str, Any]) -> list[Row]:
    ho = x["details"].get("hub_only", {})
    return [
        (
            "hub only: sustained msgs/s at saturation (pre-signed, fan-out 7, hub+Redis on 1 core)",
            x["hub_only_msgs_per_s"],
            f"JetStream same work, same cores: {_fmt(x['jetstream_like_for_like_msgs_per_s'])}",
            "≥ 1 × JetStream",
        ),
        (
            "hub only: server CPU µs per message (hub + Redis, /proc)",
            x["hub_cpu_us_per_msg"],
            f"floor (verify + 7 frame writes): {_fmt(x['hub_floor_us_per_msg'])}; "
            f"nats-server: {_fmt(x['jetstream_server_cpu_us_per_msg'])}",
            "≤ 3 × floor",
        ),
        (
            "… per delivery; of which hub process / Redis per message",
            ho.get("hub_cpu_us_per_delivery"),
            f"{_fmt(ho.get('hub_process_us_per_msg'))} / {_fmt(ho.get('redis_us_per_msg'))}",
            "",
        ),
        (
            "hub only: FLASH submit → deliver read, idle p50; p99 under 100 msg/s routine",
            f"{_fmt(x['flash_hub_only_idle_p50_ms'])}; {_fmt(x['flash_hub_only_p99_ms_pinned'])}",
            f"unpinned p99: {_fmt(x['flash_hub_only_p99_ms_unpinned'])}",
            "< 5; < 25 (end to end)",
        ),
        (
            "hub only: two hubs / one hub (each hub on its own core)",
            x["hub_only_two_hubs_ratio"],
            "",
            "≥ 1.7",
        ),
    ]


def _client_rows(x: dict[str, Any]) -> list[Row]:
    party = _get(x["details"], "osce57", "hub_only_party", "sustained_msgs_per_s")
    return [
        (
            "client seal / open (pq, 15 devices) vs the same primitives called directly",
            f"{_fmt(x['client_seal_vs_floor'])} / {_fmt(x['client_open_vs_floor'])}",
            "",
            "≤ 1.5",
        ),
        (
            "OSCE 57 parties × 3 devices: envelope bytes; hub-only msgs/s",
            f"{_fmt(x['osce57_envelope_bytes'])}; {_fmt(x['osce57_msgs_per_s'])}",
            f"one wrap per party: {_fmt(party)} msgs/s",
            "",
        ),
    ]


def _e2e_rows(x: dict[str, Any]) -> list[Row]:
    sat = x["details"].get("e2e_saturation", {})
    return [
        (
            "end-to-end sustained msgs/s at saturation (pq, fan-out 6): min(accepted, delivered)",
            x["e2e_msgs_per_s"],
            f"accepted {_fmt(sat.get('accepted_per_s'))} / delivered "
            f"{_fmt(sat.get('delivered_msgs_per_s'))}",
            "",
        ),
        (
            "baseline: raw redis-py, same Redis work, AOF always",
            x["baseline_msgs_per_s"],
            f"ratio hub / baseline {_fmt(x['ratio_vs_baseline'])}",
            "≥ 0.5",
        ),
        (
            "NATS JetStream, 7 durable consumers (unpinned)",
            x["jetstream_msgs_per_s"],
            f"ratio hub / JetStream {_fmt(x['ratio_vs_jetstream'])}",
            "≥ 1",
        ),
        (
            "FLASH idle p50 ms / under 100 msg/s p50 / p99 ms",
            f"{_fmt(x['flash_idle_p50_ms'])} / {_fmt(x['flash_p50_ms'])} / "
            f"{_fmt(x['flash_p99_ms'])}",
            "",
            "< 5 / – / < 25 pinned",
        ),
        ("hub RSS per 10k idle connections MiB", x["idle_conn_rss_mib_per_10k"], "", "< 1024"),
        ("audit verification entries/s (one core)", x["audit_verify_per_s"], "", "≥ 20k all cores"),
        ("two hubs / one hub (end to end)", x["two_hubs_ratio"], "", ""),
        (
            "Redis Cluster (3 nodes, 2 hubs) sustained msgs/s; ratio vs single Redis",
            f"{_fmt(x['redis_cluster_msgs_per_s'])}; {_fmt(x['redis_cluster_ratio_vs_single'])}",
            "",
            "",
        ),
    ]


def _attack_rows(x: dict[str, Any]) -> list[Row]:
    return [
        (
            "FLASH 10/s hub only under the attack mix (issue 16): p50 / p99 ms; lost",
            f"{_fmt(x['flash_p50_ms_under_attack'])} / {_fmt(x['flash_p99_ms_under_attack'])}; "
            f"{_fmt(x['attack_lost'])}",
            f"no attack: {_fmt(x['flash_p50_ms_no_attack'])} / {_fmt(x['flash_p99_ms_no_attack'])}",
            "p99 < 100; 0 lost",
        ),
    ]


def table(x: dict[str, Any]) -> str:
    """The Markdown table of latest.md, with the machine's state above it."""
    m = x.get("machine") or {}
    out = [
        f"Machine: {m.get('cores')} cores, load average {m.get('loadavg_1_5_15')}, "
        f"Ed25519 verify {m.get('ed25519_verify_us')} µs at {m.get('at')}.",
        "",
        "| measure | this run | beside it, same run | target |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {a} | {_fmt(b)} | {c} | {t} |"
        for a, b, c, t in _hub_rows(x) + _client_rows(x) + _e2e_rows(x) + _attack_rows(x)
    ]
    out += _ceiling_lines(x)
    for title, path in (
        ("FLASH per hop, hub only, idle", ("hub_flash_idle", "per_hop")),
        ("FLASH per hop, end to end, idle", ("flash_idle", "per_hop")),
    ):
        hops = _get(x.get("details") or {}, *path) or {}
        if hops.get("segments"):
            segs = ", ".join(f"{k} {v['p50_ms']}" for k, v in hops["segments"].items())
            out += ["", f"{title} (p50 ms): {segs}; whole chain {hops['total']['p50_ms']}."]
    if x["null_because"]:
        out += ["", "Not measured in this run:"]
        out += [f"- `{k}`: {why}" for k, why in x["null_because"].items()]
    return "\n".join(out) + "\n"


def _ceiling_lines(x: dict[str, Any]) -> list[str]:
    """Each target beside the most this design could reach here (see ``_ceilings``)."""
    # what, headline key, the target, and whether the figure must be at most (or least) it
    rows: list[tuple[str, str, float, str]] = [
        (
            "hub CPU / floor, with the event signature and Redis, the rest of the hub at zero",
            "hub_cpu_vs_floor_ceiling",
            3,
            "≤",
        ),
        (
            "hub only / JetStream, the hub doing only its verify and signature",
            "hub_only_vs_jetstream_ceiling",
            1,
            "≥",
        ),
        (
            "two hubs / one hub, every core busy, perfect scaling",
            "hub_only_two_hubs_ceiling",
            1.7,
            "≥",
        ),
        (
            "audit entries/s, every core doing only the two verifies per entry",
            "audit_verify_ceiling_per_s_all_cores",
            20_000,
            "≥",
        ),
    ]
    out = ["", "Ceilings of this design on this machine, from this run's own figures:", ""]
    out += ["| ceiling | value | target | reachable here? |", "|---|---|---|---|"]
    for what, key, target, way in rows:
        v = x.get(key)
        reach = (
            "–" if v is None else "yes" if (v <= target if way == "≤" else v >= target) else "no"
        )
        out.append(f"| {what} | {_fmt(v)} | {way} {_fmt(target)} | {reach} |")
    return out
