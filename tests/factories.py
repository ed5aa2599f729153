"""Deterministic identities and envelopes for tests (no randomness source)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from hotline.client.init import DEFAULT_PARTIES, PARTY_NAMES
from hotline.protocol import (
    EncryptionPrivateKey,
    Envelope,
    Roster,
    RosterDevice,
    RosterParty,
    SigningKey,
    encode_body,
    new_message_id,
    seal,
    seed_length,
)
from hotline.protocol.keys import Suite

PARTIES = DEFAULT_PARTIES
NAMES = PARTY_NAMES
T0 = 1_780_000_000_000  # 2026-05-28, a fixed "now" for tests


def det(label: str, n: int) -> bytes:
    """n deterministic bytes derived from a label."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


@dataclass
class Identity:
    device_id: str
    role: str
    sign: SigningKey
    enc: EncryptionPrivateKey | None
    families: tuple[str, ...] = ()

    def entry(self, **kw: Any) -> RosterDevice:
        return RosterDevice(
            self.device_id,
            self.role,
            self.sign.verify_key.raw,
            self.enc.suite if self.enc else None,
            self.enc.public.raw if self.enc else None,
            self.families,
            **kw,
        )


def make_identity(
    device_id: str,
    role: str = "officer",
    suite: Suite = "classic",
    families: tuple[str, ...] = (),
    label: str = "",
) -> Identity:
    lab = label or device_id
    enc = None
    if role != "hub":
        enc = EncryptionPrivateKey(suite, det(f"enc/{lab}/{suite}", seed_length(suite)))
    return Identity(device_id, role, SigningKey(det(f"sign/{lab}", 32)), enc, families)


@dataclass
class Network:
    suite: Suite
    ids: dict[str, Identity] = field(default_factory=dict)
    roster: Roster | None = None

    def __getitem__(self, device_id: str) -> Identity:
        return self.ids[device_id]


def make_network(
    parties: tuple[str, ...] = PARTIES,
    suite: Suite = "classic",
    quorum: int = 4,
    auditor_copies: bool = False,
) -> Network:
    net = Network(suite)
    for p in parties:
        net.ids[f"{p}/officer-1"] = make_identity(f"{p}/officer-1", "officer", suite)
        net.ids[f"{p}/feed-1"] = make_identity(
            f"{p}/feed-1", "feed", suite, ("drone_flight", "cyber_incident", "link_test")
        )
    net.ids["AUDIT/auditor-1"] = make_identity("AUDIT/auditor-1", "auditor", suite)
    net.ids["HUB/hub-1"] = make_identity("HUB/hub-1", "hub", suite)
    plist = [RosterParty(p, NAMES.get(p, p)) for p in parties]
    plist += [
        RosterParty("AUDIT", "Auditors", "observer"),
        RosterParty("HUB", "Commission", "commission"),
    ]
    roster = Roster(
        1,
        b"",
        T0,
        0,
        min(quorum, len(parties)),
        tuple(plist),
        tuple(i.entry() for i in net.ids.values()),
        auditor_copies,
    )
    for p in parties[: roster.quorum]:
        roster = roster.signed_by(f"{p}/officer-1", net.ids[f"{p}/officer-1"].sign)
    net.roster = roster
    return net


def make_envelope(
    net: Network,
    sender: str = "RS/officer-1",
    recipients: tuple[str, ...] = ("BA", "HR"),
    family: str = "hotline_message",
    body: dict[str, Any] | None = None,
    seq: int = 1,
    created_ms: int = T0,
    label: str = "m",
    **kw: Any,
) -> Envelope:
    body = body if body is not None else {"text": "Здраво, test", "lang": "sr-Cyrl"}
    assert net.roster is not None
    env = Envelope(
        1,
        new_message_id(created_ms, det(f"id/{label}/{seq}", 10)),
        sender.partition("/")[0],
        sender,
        tuple(sorted(recipients)),
        family,
        kw.pop("precedence", "FLASH"),
        kw.pop("exercise", False),
        created_ms,
        kw.pop("in_reply_to", None),
        kw.pop("supersedes", None),
        seq,
        net.roster.version,
        net.suite,
    )
    targets = net.roster.seal_targets(env.sender, env.recipients)
    ct = seal(
        encode_body(family, body),
        env.header_digest(),
        net.suite,
        [(d.id, d.encryption_key) for d in targets if d.encryption_key],
        det(f"seal/{label}/{seq}", 44),
    )
    from dataclasses import replace

    return replace(env, ciphertext=ct).signed(net[sender].sign)


AREA = {
    "type": "Polygon",
    "coordinates": [[[20.5, 43.2], [20.9, 43.2], [20.9, 43.4], [20.5, 43.4], [20.5, 43.2]]],
}
SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "military_activity": {
        "name": "Defender Europe 25",
        "start": "2026-05-10",
        "end": "2026-05-30",
        "area": AREA,
        "troops": 25_000,
        "battle_tanks": 40,
        "acv": 120,
        "artillery": 30,
        "aircraft_sorties": 60,
        "live_fire": True,
        "drones": 12,
    },
    "drone_flight": {
        "start": "2026-05-28T08:00:00Z",
        "end": "2026-05-28T10:00:00Z",
        "area": {"type": "LineString", "coordinates": [[20.6, 43.2], [20.7, 43.1]]},
        "armed": False,
        "uav_type": "Bayraktar TB2",
    },
    "cyber_incident": {
        "severity": "high",
        "sector": "government",
        "summary": "Ransomware on e-government portal",
        "tlp": "AMBER",
    },
    "arms_transfer": {
        "category": "combat_aircraft",
        "system": "Dassault Rafale F3R",
        "quantity": 12,
        "supplier": "France",
        "contract_date": "2024-08-29",
        "value_eur": 2_700_000_000,
    },
    "annual_information": {
        "year": 2026,
        "personnel": 28_000,
        "budget_eur": 1_500_000_000,
        "holdings": {"battle_tanks": 230, "combat_aircraft": 14},
    },
    "hotline_message": {"text": "Ваздушни простор нарушен код Јариња", "lang": "sr-Cyrl"},
    "clarification_request": {"question": "Please explain the troop build-up.", "lang": "en"},
    "clarification_response": {"answer": "Scheduled rotation, 2 battalions.", "lang": "en"},
    "observation_invitation": {
        "start": "2026-05-12",
        "end": "2026-05-14",
        "place": "Camp Bondsteel",
        "observers": 2,
    },
    "observation_response": {"accepted": True, "observers": 2},
    "link_test": {"note": "hourly"},
    "inspection_request": {
        "inspecting": "HR",
        "inspected": "RS",
        "area": AREA,
        "start": "2027-03-10",
        "end": "2027-03-11",
        "grounds": "Verify the exchanged information on units in the specified area",
        "team": [
            {"name": "Col. Ivana Horvat", "party": "HR"},
            {"name": "Maj. Tarik Hadžić", "party": "BA"},
        ],
    },
    "inspection_response": {"decision": "accept", "lang": "en"},
    "inspection_report": {
        "request": "019e7044-8800-7000-8000-000000000000",
        "inspecting": "HR",
        "inspected": "RS",
        "start": "2027-03-10",
        "end": "2027-03-11",
        "team": [{"name": "Col. Ivana Horvat", "party": "HR"}],
        "findings": "As reported.",
        "conclusion": "consistent",
        "signatures": [{"device": "HR/officer-1", "signature": "ab" * 64}],
    },
    "evaluation_visit_request": {
        "evaluating": "BA",
        "evaluated": "RS",
        "unit": "72nd Special Operations Brigade",
        "start": "2027-04-02",
        "end": "2027-04-02",
        "team": [{"name": "Maj. Tarik Hadžić", "party": "BA"}],
    },
    "evaluation_visit_response": {"decision": "refuse", "reason": "Quota exhausted"},
    "annual_calendar": {
        "year": 2027,
        "activities": [{"name": "Vigilant Drina 27", "start": "2027-06-01", "end": "2027-06-12"}],
    },
}
