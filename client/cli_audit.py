"""``hotline audit export | verify | replay | report | checkpoint``."""

from __future__ import annotations

import argparse
import json
import mmap
from pathlib import Path

from hotline.protocol import ProtocolError, parse_id_text
from hotline.protocol.audit import (
    AuditOptions,
    Bundle,
    Checkpoint,
    NotABundle,
    TruncatedBundle,
    read_bundle,
)
from hotline.protocol.merkle import verify_inclusion
from hotline.runtime.clock import now_ms

from .audit_pool import verify_on_all_cores
from .audit_report import compliance, timeline
from .audit_text import report_lines
from .audit_verify import exit_code, render, report_json, timed
from .cli_common import EXIT, CliError, emit, run_async
from .home import Device, Home
from .rest import Rest

__all__ = ["add_audit_commands"]


def _when(text: str | None) -> int:
    """ISO date/time or ms → ms."""
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    import datetime as dt

    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CliError(
            f"{text!r} is not a date: use 2026-11-22 or 2026-11-22T10:00Z", EXIT["usage"]
        ) from exc
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp() * 1000)


def _map(path: Path) -> mmap.mmap:
    try:
        f = open(path, "rb")  # noqa: SIM115 - the map outlives the with-block otherwise
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", EXIT["usage"]) from exc
    if path.stat().st_size == 0:
        raise CliError(f"{path} is empty: not an audit bundle", EXIT["usage"])
    return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _rest(home: Home, as_: str, hub: str | None) -> Rest:
    dev = home.device(as_)
    return Rest(
        hub or home.hub_url,
        dev,
        home.config.get("hub", {}).get("device", "HUB/hub-1"),
        home.ca_cert,
    )


def cmd_export(a: argparse.Namespace) -> int:
    home = Home(a.home)
    rest = _rest(home, a.as_, a.hub)
    if rest.device.role != "auditor":
        raise CliError(
            f"{rest.device.id} is a {rest.device.role}: exports are for auditors (use --as AUDIT)",
            EXIT["usage"],
        )
    params = {"from_ms": _when(a.from_), "to_ms": _when(a.to)}
    size = run_async(rest.download("/v1/audit/export", a.out, params))
    emit({"bundle": str(a.out), "bytes": size})
    return EXIT["ok"]


def cmd_checkpoint(a: argparse.Namespace) -> int:
    """Save the newest checkpoint this device has kept (for `audit verify --checkpoint`)."""
    from .store import Store

    home = Home(a.home)
    dev = home.device(a.as_)
    cps = Store(dev.directory / "store.sqlite").checkpoints()
    if not cps:
        raise CliError(
            f"{dev.id} has kept no checkpoint yet: connect once (hotline listen)", EXIT["usage"]
        )
    a.out.write_bytes(cps[-1])
    cp = Checkpoint.decode(cps[-1])
    emit({"checkpoint": str(a.out), "size": cp.size, "root": cp.root.hex()})
    return EXIT["ok"]


def _trusted(paths: list[str] | None) -> list[Checkpoint]:
    out = []
    for p in paths or []:
        try:
            out.append(Checkpoint.decode(Path(p).read_bytes()))
        except (OSError, ProtocolError) as exc:
            raise CliError(
                f"{p}: not a checkpoint ({exc}): pass a file `hotline audit checkpoint` wrote",
                EXIT["usage"],
            ) from exc
    return out


def cmd_verify(a: argparse.Namespace) -> int:
    options = AuditOptions(
        cosigning_quorum=a.cosigning_quorum,
        uncosigned_is_warning=a.allow_uncosigned,
        unsigned_events_are_warnings=a.allow_unsigned_events,
    )
    rep, secs = timed(
        verify_on_all_cores, _map(a.bundle), _trusted(a.checkpoint), options, a.workers
    )
    if a.json:
        emit(report_json(rep, secs))
    else:
        render(rep, str(a.bundle), secs)
    return exit_code(rep)


def _read(path: Path) -> Bundle:
    """A whole bundle for replay and report, or one line saying why not."""
    try:
        return read_bundle(_map(path))
    except TruncatedBundle as exc:
        raise CliError(
            f"{path} is truncated ({exc.message}): fetch it again with `hotline audit export`"
        ) from exc
    except (NotABundle, ProtocolError) as exc:
        raise CliError(
            f"{path} is not an audit bundle (garbage: {exc.message}): pass the file "
            "`hotline audit export` wrote"
        ) from exc


def _auditor(a: argparse.Namespace) -> Device | None:
    if not a.home:
        return None
    return Home(a.home).device(a.as_ or "AUDIT/auditor-1")


def cmd_replay(a: argparse.Namespace) -> int:
    b = _read(a.bundle)
    rows = timeline(b, _auditor(a))
    lo, hi = _when(a.from_), _when(a.to)
    for r in rows:
        if (lo and r.at_ms < lo) or (hi and r.at_ms > hi):
            continue
        if a.party and a.party not in (r.sender, r.device.partition("/")[0], *r.recipients):
            continue
        if a.family and r.family != a.family:
            continue
        if a.format == "jsonl":
            emit(r.to_json())
        else:
            print(r.to_text() + (f"  {json.dumps(r.body, ensure_ascii=False)}" if r.body else ""))
    return EXIT["ok"]


def cmd_report(a: argparse.Namespace) -> int:
    b = _read(a.bundle)  # a bad bundle is said first
    if not a.home:  # without the auditor's keys no body is read: late notices would vanish
        raise CliError(
            "audit report needs an auditor's keys to read the notices (late notices, "
            "register): pass --home DIR (and --as AUDIT)",
            EXIT["usage"],
        )
    rows = timeline(b, _auditor(a))
    at = int(b.header.get("exported_ms", now_ms()))
    policies = Home(a.home).policies if a.home else ["regional-2026", "vienna-2011"]
    report = compliance(rows, policies, at)
    if a.json:
        emit(report)  # English and machine-stable
    else:
        print("\n".join(report_lines(report, at)))
    return EXIT["ok"]


def cmd_prove(a: argparse.Namespace) -> int:
    """A sender's inclusion proof that its message is in the log."""
    home = Home(a.home)
    rest = _rest(home, a.as_, a.hub)
    res = run_async_value(rest.msgpack("GET", f"/v1/log/proof/{a.id}"))
    cp = Checkpoint.decode(res["checkpoint"])
    cp.verify(home.roster(now_ms()))
    ok = verify_inclusion(res["leaf"], res["index"], res["size"], res["proof"], cp.root)
    parse_id_text(a.id)
    emit({"id": a.id, "included": ok, "index": res["index"], "tree_size": res["size"]})
    return EXIT["ok"] if ok else EXIT["error"]


def run_async_value(coro: object) -> dict[str, object]:
    import asyncio

    out: dict[str, object] = asyncio.run(coro)  # type: ignore[arg-type]
    return out


def _verify_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="one JSON document: summary and findings")
    p.add_argument(
        "--workers", type=int, default=None, help="processes to verify with (default: every core)"
    )
    p.add_argument(
        "--cosigning-quorum",
        type=int,
        default=None,
        metavar="N",
        help="parties whose cosignatures the final checkpoint needs (default: the roster's "
        "quorum; 0 for a network that does not witness yet)",
    )
    p.add_argument(
        "--allow-uncosigned",
        action="store_true",
        help="report too few cosignatures as a warning (offline or not yet witnessed)",
    )
    p.add_argument(
        "--allow-unsigned-events",
        action="store_true",
        help="legacy bundles from hubs that did not sign events: an unsigned event is a warning",
    )


def add_audit_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="export, verify and replay the log")
    asub = audit.add_subparsers(dest="audit_cmd", required=True)
    p = asub.add_parser("export", help="write a self-contained bundle (auditors only)")
    p.set_defaults(fn=cmd_export)
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--as", dest="as_", required=True)
    p.add_argument("--hub")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--from", dest="from_")
    p.add_argument("--to")
    p = asub.add_parser("verify", help="check a bundle with nothing but public keys")
    p.set_defaults(fn=cmd_verify)
    p.add_argument("bundle", type=Path)
    p.add_argument("--checkpoint", action="append", help="a checkpoint a party kept")
    _verify_options(p)
    for name, fn, helptext in (
        ("replay", cmd_replay, "the timeline as it happened"),
        ("report", cmd_report, "compliance per party"),
    ):
        p = asub.add_parser(name, help=helptext)
        p.set_defaults(fn=fn)
        p.add_argument("bundle", type=Path)
        p.add_argument("--home", type=Path, help="an auditor's home, to show bodies")
        p.add_argument("--as", dest="as_", default=None)
        if name == "report":
            p.add_argument("--json", action="store_true", help="the report as JSON (English)")
        if name == "replay":
            p.add_argument("--from", dest="from_")
            p.add_argument("--to")
            p.add_argument("--party")
            p.add_argument("--family")
            p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p = asub.add_parser("checkpoint", help="save the newest checkpoint this device kept")
    p.set_defaults(fn=cmd_checkpoint)
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--as", dest="as_", required=True)
    p.add_argument("--out", type=Path, required=True)
    p = asub.add_parser("prove", help="inclusion proof that a message is in the log")
    p.set_defaults(fn=cmd_prove)
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--as", dest="as_", required=True)
    p.add_argument("--hub")
    p.add_argument("id")
