"""The acceptance rule, one rule at a time (docs/protocol.md §6.4, R0-R16).

Each rule has a case it lets through (at its boundary where it has one) and a case it
refuses, with its code. Every case is one envelope or receipt, the roster in force, the
hub's accept time and the seen set, so the first rule that fails is the one named.
The envelopes carry a placeholder sealed body: the rule never opens a body (§3.3 does).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from hotline.protocol import Envelope, Receipt, Roster, SigningKey, new_message_id
from tests.factories import T0, det

from .cases_roster import NET, R1, next_roster
from .common import case, err, ok

__all__ = [
    "AT",
    "R2",
    "envelope",
    "envelope_rule_cases",
    "receipt_by",
    "receipt_rule_cases",
    "seen",
]

AT = T0 + 1_000  # the hub's accept time in these cases
DAY = 86_400_000
STRANGER = SigningKey(det("sign/ME/officer-1", 32))


def _windowed(r: Roster) -> tuple[Any, ...]:
    # v2: RS/officer-1 and HR/feed-1 revoked; BA/officer-1 valid in [T0 - 1 s, T0 + 60 s]
    out = []
    for d in r.devices:
        if d.id in ("RS/officer-1", "HR/feed-1"):
            d = replace(d, revoked=True)
        elif d.id == "BA/officer-1":
            d = replace(d, valid_from_ms=T0 - 1_000, valid_until_ms=T0 + 60_000)
        out.append(d)
    return tuple(out)


R2: Roster = next_roster(
    R1, ["AL/officer-1", "BA/officer-1", "HR/officer-1"], devices=_windowed(R1)
)


def envelope(
    device: str = "RS/officer-1",
    recipients: tuple[str, ...] = ("BA", "HR"),
    family: str = "hotline_message",
    created: int = T0,
    label: str = "m",
    key: SigningKey | None = None,
    **kw: Any,
) -> Envelope:
    """A signed envelope with a placeholder sealed body (deterministic: no HPKE)."""
    env = Envelope(
        1,
        new_message_id(created, det(f"accept/id/{label}", 10)),
        device.partition("/")[0],
        device,
        recipients,
        family,
        kw.pop("precedence", "IMMEDIATE"),
        False,
        created,
        kw.pop("in_reply_to", None),
        kw.pop("supersedes", None),
        kw.pop("seq", 1),
        1,
        "classic",
        det(f"accept/ct/{label}", 80),
    )
    return env.signed(key or NET[device].sign)


def seen(env: Envelope, at_ms: int = T0) -> dict[str, Any]:
    """The seen record of an accepted envelope (§11.5)."""
    return {
        "id": env.id.hex(),
        "digest": hashlib.sha256(env.encode()).hexdigest(),
        "sender": env.sender,
        "family": env.family,
        "recipients": list(env.recipients),
        "at_ms": at_ms,
    }


def _flipped(env: Envelope) -> bytes:
    sig = env.signature
    return replace(env, signature=sig[:-1] + bytes([sig[-1] ^ 1])).encode()


def _env_case(cid: str, note: str, env: Envelope | bytes, expect: dict, **inp: Any) -> dict:
    data = env if isinstance(env, bytes) else env.encode()
    roster = inp.pop("roster", R1)
    body = {"envelope": data.hex(), "roster": roster.encode().hex(), "at_ms": AT, **inp}
    return case(f"accept/{cid}", "acceptance.check_envelope", note, body, expect)


def envelope_rule_cases() -> list[dict]:
    rs = envelope(label="rs")
    rs_other = replace(envelope(label="rs", seq=2), id=rs.id).signed(NET["RS/officer-1"].sign)
    ba_note = envelope("BA/officer-1", ("HR", "RS"), "military_activity", label="ba-note")
    rs_note = envelope(family="military_activity", label="rs-note")
    question = envelope("HR/officer-1", ("RS",), "clarification_request", label="q")
    fresh = ok(duplicate=False)
    return [
        _env_case("R0/duplicate-after-revocation", "the same bytes again: a duplicate, "
                  "answered as the first time although v2 revoked the device since",
                  rs, ok(duplicate=True), roster=R2, seen=[seen(rs)]),
        _env_case("R0/same-id-other-bytes", "R0 exempts only the same bytes: the rules "
                  "apply, and v2 has revoked the device", rs_other, err("revoked_key"),
                  roster=R2, seen=[seen(rs)]),
        _env_case("R1/known-device", "HR/officer-1 is in the roster", envelope(
            "HR/officer-1", ("BA", "RS"), label="hr"), fresh),
        _env_case("R1/unknown-device", "ME/officer-1 is in no roster", envelope(
            "ME/officer-1", ("BA", "HR"), label="me", key=STRANGER), err("unknown_key")),
        _env_case("R2/feed", "a feed originates a notification of its families",
                  envelope("RS/feed-1", family="drone_flight", label="feed"), fresh),
        _env_case("R2/hub-originates", "the hub identity never originates a notification",
                  envelope("HUB/hub-1", ("HR",), label="hub"), err("wrong_role")),
        _env_case("R2/auditor-originates", "an auditor reads; it does not notify",
                  envelope("AUDIT/auditor-1", ("HR",), label="aud"), err("wrong_role")),
        _env_case("R3/revoked-later", "revoked in v2, but v1 is the roster in force",
                  rs, fresh),
        _env_case("R3/revoked", "the roster in force (v2) revokes RS/officer-1", rs,
                  err("revoked_key"), roster=R2),
        *_validity_cases(),
        _env_case("R5/authenticated-as-the-device", "the connection's device sent it", rs,
                  fresh, authenticated="RS/officer-1"),
        _env_case("R5/authenticated-as-another", "another device of the same party "
                  "submits it", rs, err("wrong_sender"), authenticated="RS/feed-1"),
        _env_case("R6/signed-by-the-device", "the device's sign_key verifies it",
                  envelope(label="r6"), fresh),
        _env_case("R6/signature-bit-flipped", "one bit of the signature changed",
                  _flipped(envelope(label="r6")), err("bad_signature")),
        _env_case("R6/signed-by-another-device", "RS/feed-1's key, RS/officer-1's name",
                  envelope(label="r6k", key=NET["RS/feed-1"].sign), err("bad_signature")),
        _env_case("R7/feed-listed-family", "cyber_incident is one of the feed's families",
                  envelope("RS/feed-1", family="cyber_incident", label="f7"), fresh),
        _env_case("R7/feed-other-family", "hotline_message is not", envelope(
            "RS/feed-1", label="f7x"), err("family_not_allowed")),
        _env_case("R8/observer-recipient", "AUDIT is an observer party: a recipient",
                  envelope(recipients=("AUDIT", "BA"), label="r8"), fresh),
        _env_case("R8/unknown-party", "ME is not in the roster", envelope(
            recipients=("BA", "ME"), label="r8x"), err("unknown_recipient")),
        _env_case("R8/commission", "HUB is the commission: not a recipient", envelope(
            recipients=("HUB",), label="r8h"), err("unknown_recipient")),
        _env_case("R9/reply-with-reference", "a response names the request it answers",
                  envelope(family="clarification_response", recipients=("HR",),
                           in_reply_to=question.id, label="r9"), fresh,
                  seen=[seen(question)]),
        _env_case("R9/reply-without-reference", "a response without in_reply_to",
                  envelope(family="clarification_response", recipients=("HR",),
                           label="r9x"), err("schema_error")),
        _env_case("R10/other-ids-seen", "ids accepted before are other ones", rs, fresh,
                  seen=[seen(question), seen(ba_note)]),
        _env_case("R10/replay", "the id was accepted with other bytes", rs_other,
                  err("replay"), seen=[seen(rs)]),
        *_skew_cases(),
        *_reference_cases(rs_note, ba_note),
    ]  # fmt: skip


def _validity_cases() -> list[dict]:
    ba = envelope("BA/officer-1", ("HR", "RS"), label="r4")
    return [
        _env_case("R4/last-valid-ms", "at_ms = valid_until_ms is inside the window", ba,
                  ok(duplicate=False), roster=R2, at_ms=T0 + 60_000),
        _env_case("R4/after-valid-until", "one ms after valid_until_ms", ba,
                  err("expired_key"), roster=R2, at_ms=T0 + 60_001),
        _env_case("R4/before-valid-from", "one ms before valid_from_ms (the hub's time, "
                  "not created_ms, decides)", ba, err("expired_key"), roster=R2,
                  at_ms=T0 - 1_001),
    ]  # fmt: skip


def _skew_cases() -> list[dict]:
    def at(created: int, label: str) -> Envelope:
        return envelope(created=created, label=label)

    return [
        _env_case("R11/future-bound", "created_ms = at_ms + 120 s", at(AT + 120_000, "s1"),
                  ok(duplicate=False)),
        _env_case("R11/too-far-ahead", "created_ms = at_ms + 120 s + 1 ms",
                  at(AT + 120_001, "s2"), err("clock_skew")),
        _env_case("R11/age-bound", "created_ms = at_ms - 7 days", at(AT - 7 * DAY, "s3"),
                  ok(duplicate=False)),
        _env_case("R11/too-old", "created_ms = at_ms - 7 days - 1 ms",
                  at(AT - 7 * DAY - 1, "s4"), err("clock_skew")),
        _env_case("R11/hub-rules", "a hub configured with a 1 s future bound",
                  at(AT + 1_001, "s5"), err("clock_skew"),
                  rules={"max_future_skew_ms": 1_000, "max_age_ms": 7 * DAY}),
    ]  # fmt: skip


def _reference_cases(rs_note: Envelope, ba_note: Envelope) -> list[dict]:
    amend = envelope(family="military_activity", supersedes=rs_note.id, label="am")
    foreign = envelope(family="military_activity", supersedes=ba_note.id, label="am-x")
    stray = envelope(in_reply_to=ba_note.id, label="irt")
    known = [seen(rs_note), seen(ba_note)]
    return [
        _env_case("R12/amends-its-own", "supersedes RS's own notice", amend,
                  ok(duplicate=False), seen=known),
        _env_case("R12/amends-another-partys", "supersedes BA's notice", foreign,
                  err("foreign_reference"), seen=known),
        _env_case("R12/foreign-at-a-client-too", "a client holding part of the log still "
                  "refuses what it knows is foreign", foreign, err("foreign_reference"),
                  seen=known, reference_known=False),
        _env_case("R12/unknown-at-the-hub", "supersedes an id the hub never accepted",
                  amend, err("unknown_reference")),
        _env_case("R12/unknown-at-a-client", "a client holding part of the log skips "
                  "unknown references", amend, ok(duplicate=False), reference_known=False),
        _env_case("R12/in-reply-to-unknown", "in_reply_to names no accepted message",
                  stray, err("unknown_reference")),
    ]  # fmt: skip


def receipt_by(device: str, mid: bytes, at_ms: int = T0 + 5_000, **kw: Any) -> Receipt:
    key = kw.pop("key", None) or NET[device].sign
    return Receipt(1, mid, device, kw.pop("kind", "read"), at_ms).signed(key)


def receipt_rule_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    env = Envelope.decode(bytes.fromhex(vectors[0]["envelope"]))  # RS -> BA, HR
    golden = bytes.fromhex(vectors[0]["receipt"])  # HR/officer-1 acknowledges, T0 + 5 s
    known = [seen(env)]
    rc_at = T0 + 5_000

    def rc(cid: str, note: str, data: Receipt | bytes, expect: dict, **inp: Any) -> dict:
        raw = data if isinstance(data, bytes) else data.encode()
        roster = inp.pop("roster", R1)
        body = {
            "receipt": raw.hex(),
            "roster": roster.encode().hex(),
            "at_ms": inp.pop("at_ms", rc_at),
            "seen": inp.pop("seen", known),
            **inp,
        }
        return case(f"accept/{cid}", "acceptance.check_receipt", note, body, expect)

    good = ok(message_id=env.id.hex())
    flipped = bytearray(golden)
    flipped[-1] ^= 1
    return [
        rc("R13/recipient-officer", "HR/officer-1 acknowledges (the golden receipt)",
           golden, good),
        rc("R13/recipient-feed", "a feed of a recipient party may sign", receipt_by(
            "BA/feed-1", env.id), good),
        rc("R13/auditor", "an auditor never signs receipts", receipt_by(
            "AUDIT/auditor-1", env.id), err("wrong_role")),
        rc("R13/hub", "nor does the hub", receipt_by("HUB/hub-1", env.id), err("wrong_role")),
        rc("R13/unknown", "ME/officer-1 is in no roster", receipt_by(
            "ME/officer-1", env.id, key=STRANGER), err("unknown_key")),
        rc("R13/revoked", "v2 revokes HR/feed-1", receipt_by("HR/feed-1", env.id),
           err("revoked_key"), roster=R2),
        rc("R13/expired", "BA/officer-1's window ends at T0 + 60 s", receipt_by(
            "BA/officer-1", env.id, T0 + 60_000), err("expired_key"), roster=R2,
           at_ms=T0 + 60_001),
        rc("R14/authenticated-as-the-signer", "the connection's device signed it", golden,
           good, authenticated="HR/officer-1"),
        rc("R14/authenticated-as-another", "submitted by another device", golden,
           err("wrong_sender"), authenticated="HR/feed-1"),
        rc("R15/signature-bit-flipped", "one bit of the signature changed",
           bytes(flipped), err("bad_signature")),
        rc("R16/unknown-message", "the receipt names no accepted message", golden,
           err("unknown_reference"), seen=[]),
        rc("R16/not-a-recipient", "AL was not sent the message", receipt_by(
            "AL/officer-1", env.id), err("unknown_recipient")),
        rc("R16/sender-is-not-a-recipient", "RS sent it; it does not sign receipts for "
           "its own message", receipt_by("RS/feed-1", env.id), err("unknown_recipient")),
        rc("R16/future-bound", "the receipt's time is at most 120 s after the hub's",
           receipt_by("HR/officer-1", env.id, rc_at + 120_000), good),
        rc("R16/too-far-ahead", "120 s + 1 ms after the hub's time", receipt_by(
            "HR/officer-1", env.id, rc_at + 120_001), err("clock_skew")),
    ]  # fmt: skip
