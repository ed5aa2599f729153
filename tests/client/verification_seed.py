"""A device store seeded with one inspection's story: request, late answer, team report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.client.store import Store
from hotline.protocol import validate_body
from hotline.protocol.verification_report import sign_report
from tests.treaty_cases import inspection_request, ms, report_content

POLICIES = ["vienna-2011", "regional-2026"]


ALL = ["AL", "BA", "HR", "ME", "MK", "RS", "XK"]


REQ = "019e7044-8800-7000-8000-0000000000a1"


ANS = "019e7044-8800-7000-8000-0000000000a2"


REP = "019e7044-8800-7000-8000-0000000000a3"


NOW = ms("2027-01-12T12:00")


def deliver(
    store: Store, mid: str, sender: str, family: str, at: str, body: Any, **kw: Any
) -> None:
    """What a HubClient writes after it verified and opened a message."""
    store.store_incoming(
        {
            "id": mid,
            "sender": sender,
            "device": f"{sender}/officer-1",
            "family": family,
            "precedence": "IMMEDIATE",
            "exercise": False,
            "created_ms": ms(at),
            "received_ms": ms(at) + 500,
            "body": validate_body(family, body),
            "recipients": [p for p in ALL if p != sender],
            "verified": kw.pop("verified", True),
            "seq": 1,
            "in_reply_to": kw.pop("in_reply_to", None),
        },
        b"",
    )


def seed(store: Store, home: Path) -> None:
    """HR asks to inspect RS; RS answers two hours late; the mixed team's report."""
    deliver(store, REQ, "HR", "inspection_request", "2027-01-10T09:00", inspection_request())
    deliver(
        store,
        ANS,
        "RS",
        "inspection_response",
        "2027-01-11T11:00",
        {"decision": "accept"},
        in_reply_to=REQ,
    )
    body = report_content(REQ)
    for dev in ("HR/officer-1", "BA/officer-1", "ME/officer-1"):
        body = sign_report(body, dev, Home(home).device(dev).sign)
    deliver(store, REP, "HR", "inspection_report", "2027-03-12T09:00", body, in_reply_to=REQ)
    deliver(
        store,
        "019e7044-8800-7000-8000-0000000000a9",
        "HR",
        "inspection_request",
        "2027-01-11T09:00",
        inspection_request(),
        verified=False,
    )


def seeded_client(home: Path, party: str) -> HubClient:
    c = HubClient(Home(home), party)  # offline: everything here is computed locally
    seed(c.store, home)
    return c
