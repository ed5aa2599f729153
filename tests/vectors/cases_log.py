"""Merkle tree, checkpoint and log entry cases (docs/protocol.md §9)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hotline.protocol.audit import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import consistency_proof, inclusion_proof, leaf_hash, root
from tests.factories import T0, det

from .cases_roster import NET, R1
from .common import case, err, ok, repack, wire_typed

__all__ = ["checkpoint_cases", "log_entry_cases", "merkle_cases", "merkle_tree_cases"]

HUB = "HUB/hub-1"

#: RFC 6962 / certificate-transparency reference leaves and the roots of their prefixes:
#: an oracle independent of this implementation.
CT_ENTRIES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def merkle_cases() -> list[dict]:
    out = []
    for n in range(1, 9):
        out.append(
            case(
                f"merkle/root/ct-{n}",
                "merkle.root",
                "RFC 6962 reference tree",
                {"entries": CT_ENTRIES[:n]},
                ok(root=CT_ROOTS[n - 1]),
            )
        )
    leaves = [leaf_hash(bytes.fromhex(e)) for e in CT_ENTRIES]
    for n, i in ((1, 0), (5, 4), (7, 3), (8, 0), (8, 5)):
        proof = [h.hex() for h in inclusion_proof(i, leaves[:n])]
        base = {
            "entry": CT_ENTRIES[i],
            "index": i,
            "size": n,
            "proof": proof,
            "root": CT_ROOTS[n - 1],
        }
        out.append(
            case(
                f"merkle/inclusion/{n}-{i}/prove",
                "merkle.inclusion.prove",
                "audit path",
                {"entries": CT_ENTRIES[:n], "index": i},
                ok(proof=proof),
            )
        )
        out.append(
            case(f"merkle/inclusion/{n}-{i}/ok", "merkle.inclusion.verify", "verifies", base, ok())
        )
    base = {
        "entry": CT_ENTRIES[3],
        "index": 3,
        "size": 7,
        "proof": [h.hex() for h in inclusion_proof(3, leaves[:7])],
        "root": CT_ROOTS[6],
    }
    bad = [
        ("wrong-index", {"index": 2}),
        ("index-at-size", {"index": 7}),
        ("other-entry", {"entry": "2022"}),
        ("other-root", {"root": CT_ROOTS[5]}),
        ("proof-short", {"proof": base["proof"][:-1]}),
        ("proof-long", {"proof": [*base["proof"], CT_ROOTS[0]]}),
        ("smaller-size", {"size": 4}),
    ]
    for name, change in bad:
        out.append(
            case(
                f"merkle/inclusion/{name}",
                "merkle.inclusion.verify",
                f"refused: {name}",
                {**base, **change},
                err("not_in_log"),
            )
        )
    for m, n in ((1, 8), (2, 5), (3, 7), (4, 8), (6, 8), (8, 8)):
        proof = [h.hex() for h in consistency_proof(m, leaves[:n])]
        cbase = {
            "from": m,
            "to": n,
            "root_from": CT_ROOTS[m - 1],
            "root_to": CT_ROOTS[n - 1],
            "proof": proof,
        }
        out.append(
            case(
                f"merkle/consistency/{m}-{n}/prove",
                "merkle.consistency.prove",
                "proof",
                {"entries": CT_ENTRIES[:n], "from": m},
                ok(proof=proof),
            )
        )
        out.append(
            case(
                f"merkle/consistency/{m}-{n}/ok",
                "merkle.consistency.verify",
                "verifies",
                cbase,
                ok(),
            )
        )
    cbase = {
        "from": 3,
        "to": 7,
        "root_from": CT_ROOTS[2],
        "root_to": CT_ROOTS[6],
        "proof": [h.hex() for h in consistency_proof(3, leaves[:7])],
    }
    cbad = [
        ("other-old-root", {"root_from": CT_ROOTS[1]}),
        ("other-new-root", {"root_to": CT_ROOTS[7]}),
        ("proof-altered", {"proof": [CT_ROOTS[0], *cbase["proof"][1:]]}),
        ("proof-short", {"proof": cbase["proof"][:-1]}),
        ("from-0", {"from": 0}),
        ("from-after-to", {"from": 8, "root_from": CT_ROOTS[7]}),
    ]
    for name, change in cbad:
        out.append(
            case(
                f"merkle/consistency/{name}",
                "merkle.consistency.verify",
                f"refused: {name}",
                {**cbase, **change},
                err("fork"),
            )
        )
    return out


def _entries(vectors: list[dict[str, Any]]) -> list[bytes]:
    env = bytes.fromhex(vectors[0]["envelope"])
    return [
        LogEvent("hub_start", T0, HUB, b"", {"instance": "a1"}).encode(),
        LogEvent("roster", T0 + 1, HUB, R1.encode(), {"version": 1}).encode(),
        LogEvent("accepted", T0 + 2, HUB, env, {}).encode(),
        LogEvent(
            "rejected",
            T0 + 3,
            HUB,
            b"",
            {"code": "replay", "device": "RS/officer-1", "ref": "01" * 16},
        ).encode(),
        LogEvent("hub_stop", T0 + 4, HUB, b"", {"instance": "a1"}).encode(),
    ]


def log_entry_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    out = []
    for raw in _entries(vectors):
        ev = LogEvent.decode(raw)
        out.append(
            case(
                f"log_entry/{ev.type}",
                "log_entry.decode",
                "an entry and its leaf hash",
                {"entry": raw.hex()},
                ok(
                    type=ev.type,
                    at_ms=ev.at_ms,
                    hub=ev.hub,
                    payload=ev.payload.hex(),
                    extra=wire_typed(ev.extra),
                    leaf=leaf_hash(raw).hex(),
                ),
            )
        )
    raw = _entries(vectors)[0]
    for name, data in (
        ("type-unknown", repack(raw, lambda o: o.__setitem__(0, "deleted"))),
        ("4-elements", repack(raw, lambda o: o.pop())),
        ("at-ms-str", repack(raw, lambda o: o.__setitem__(1, "0"))),
        ("payload-str", repack(raw, lambda o: o.__setitem__(3, ""))),
        ("array16-header", b"\xdc\x00\x05" + raw[1:]),
    ):
        out.append(
            case(
                f"log_entry/{name}",
                "log_entry.decode",
                f"one fault: {name}",
                {"entry": data.hex()},
                err("decode_error"),
            )
        )
    return out


def _checkpoints(vectors: list[dict[str, Any]]) -> tuple[Checkpoint, Checkpoint]:
    leaves = [leaf_hash(e) for e in _entries(vectors)]
    key = NET[HUB].sign
    first = Checkpoint.make(key, R1.network, HUB, root(leaves[:3]), T0 + 10, 0, leaves[:3])
    second = Checkpoint.make(key, R1.network, HUB, root(leaves), T0 + 20, 3, leaves[3:])
    return first, second


def checkpoint_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    first, second = _checkpoints(vectors)
    rost = R1.encode().hex()
    out = []
    for name, cp, light in (
        ("first", first, False),
        ("second", second, False),
        ("light", second, True),
    ):
        out.append(
            case(
                f"checkpoint/{name}",
                "checkpoint.verify",
                "hub-signed tree head",
                {"checkpoint": cp.encode(light=light).hex(), "roster": rost},
                ok(size=cp.size, root=cp.root.hex(), window_digest=cp.window_digest.hex()),
            )
        )
    raw = second.encode()
    sig = second.signature
    officer = replace(second, hub="RS/officer-1")
    faults = [
        (
            "signature-flipped",
            "bad_signature",
            repack(raw, lambda o: o.__setitem__(8, sig[:-1] + bytes([sig[-1] ^ 1]))),
        ),
        ("root-changed", "bad_signature", repack(raw, lambda o: o.__setitem__(4, b"\x00" * 32))),
        (
            "signed-by-an-officer",
            "bad_signature",
            replace(officer, signature=NET["RS/officer-1"].sign.sign(b"x")).encode(),
        ),
        (
            "hub-not-in-roster",
            "bad_signature",
            repack(raw, lambda o: o.__setitem__(2, "HUB/hub-9")),
        ),
        (
            "window-leaf-changed",
            "bad_signature",
            repack(raw, lambda o: o[9].__setitem__(0, b"\x00" * 32)),
        ),
        ("window-leaf-missing", "bad_signature", repack(raw, lambda o: o[9].pop())),
        ("9-elements", "decode_error", repack(raw, lambda o: o.pop())),
        ("version-2", "decode_error", repack(raw, lambda o: o.__setitem__(0, 2))),
        ("root-31-bytes", "decode_error", repack(raw, lambda o: o.__setitem__(4, b"\x00" * 31))),
        ("prev-size-above-size", "decode_error", repack(raw, lambda o: o.__setitem__(6, 99))),
        ("array16-header", "decode_error", b"\xdc\x00\x0a" + raw[1:]),
    ]
    for name, code, data in faults:
        out.append(
            case(
                f"checkpoint/{name}",
                "checkpoint.verify",
                f"one fault: {name}",
                {"checkpoint": data.hex(), "roster": rost},
                err(code),
            )
        )
    return out


#: a log of 13 entries, asked about its prefixes: the hub keeps one stored tree and
#: answers for any checkpoint's size (docs/protocol.md §9.2)
LOG13 = [det(f"merkle/log/{i}", 1 + i % 5).hex() for i in range(13)]


def merkle_tree_cases() -> list[dict]:
    """The stored tree's answers for a prefix equal RFC 9162 on that prefix alone."""
    leaves = [leaf_hash(bytes.fromhex(e)) for e in LOG13]
    base = {"entries": LOG13}
    out = [
        case(
            f"merkle/tree/root-{n}",
            "merkle.root",
            f"the root of the first {n} of 13 entries",
            {**base, "size": n},
            ok(root=root(leaves[:n]).hex()),
        )
        for n in (1, 2, 3, 5, 7, 8, 9, 12, 13)
    ]
    for i, n in ((0, 1), (0, 13), (12, 13), (5, 8), (6, 7), (8, 13), (3, 5), (9, 11)):
        out.append(
            case(
                f"merkle/tree/inclusion-{i}-{n}",
                "merkle.inclusion.prove",
                f"the audit path of entry {i} in the tree of {n}",
                {**base, "index": i, "size": n},
                ok(proof=[h.hex() for h in inclusion_proof(i, leaves[:n])]),
            )
        )
    for m, n in ((1, 13), (4, 13), (7, 13), (8, 13), (12, 13), (13, 13), (3, 7), (5, 9)):
        out.append(
            case(
                f"merkle/tree/consistency-{m}-{n}",
                "merkle.consistency.prove",
                f"the first {m} entries are a prefix of the first {n}",
                {**base, "from": m, "size": n},
                ok(proof=[h.hex() for h in consistency_proof(m, leaves[:n])]),
            )
        )
    return out
