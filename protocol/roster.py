"""The roster: the signed directory of parties, devices, roles and keys.

docs/protocol.md §7. A roster version is valid only when signed by officer
devices of at least ``quorum`` distinct parties listed in the *previous*
version (the genesis version: by its own parties). Rollback to an older
version, a skipped version, a broken hash chain, a duplicate signer and an
expired roster are rejected. Rotation and revocation are simply new versions.

Wire form: canonical msgpack map ``{"body": {...}, "signatures": [[device_id, sig], ...]}``;
each signature covers ``DOMAIN_ROSTER ‖ pack(body)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from .catalogue import OFFICER_FAMILIES
from .codec import pack, unpack
from .constants import DOMAIN_ROSTER, MAX_FRAME
from .envelope import FAMILIES
from .errors import (
    DecodeError,
    ExpiredKey,
    KeyError_,
    RevokedKey,
    RosterError,
    RosterRollback,
    SchemaError,
    SignatureError,
    WrongRole,
)
from .ids import check_device_id, check_party
from .keys import SUITES, EncryptionPublicKey, SigningKey, Suite, VerifyKey, verify_key_for
from .signing import sign

__all__ = ["PARTY_KINDS", "ROLES", "Roster", "RosterDevice", "RosterParty", "verify_transition"]

ROLES: Final = ("officer", "feed", "auditor", "hub", "observer")
PARTY_KINDS: Final = ("party", "observer", "commission")
#: roles whose devices receive sealed bodies addressed to their party
RECEIVING_ROLES: Final = ("officer", "feed", "observer")
# docs/protocol.md §7.1: every key is required and no other is allowed. Why: signatures
# cover the re-encoded body, so a default filled in or an unknown key dropped here would
# make the signed bytes differ from the sent ones without saying which field is wrong.
_PARTY_KEYS: Final = frozenset({"code", "name", "kind"})
_DEVICE_KEYS: Final = frozenset(
    {"id", "role", "sign_key", "enc_suite", "enc_key", "families"}
    | {"valid_from_ms", "valid_until_ms", "revoked"}
)
_BODY_KEYS: Final = frozenset(
    {"version", "prev_hash", "issued_ms", "valid_until_ms", "quorum", "parties", "devices"}
    | {"auditor_copies", "network"}
)


def _exact_keys(d: dict[str, Any], want: frozenset[str], field: str) -> None:
    if set(d) != want:
        odd = sorted(set(d) ^ want)
        raise SchemaError(f"{field}: missing or unknown keys {odd}", field=field)


@dataclass(frozen=True, slots=True)
class RosterParty:
    """A party (state), an observer organisation, or the commission."""

    code: str
    name: str
    kind: str = "party"

    def to_wire(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "kind": self.kind}

    @classmethod
    def from_wire(cls, d: Any) -> RosterParty:
        if not isinstance(d, dict):
            raise SchemaError("parties: each entry must be a map", field="parties")
        _exact_keys(d, _PARTY_KEYS, "parties")
        kind = d.get("kind", "party")
        name = d.get("name")
        if kind not in PARTY_KINDS or not isinstance(name, str) or not 0 < len(name) <= 200:
            raise SchemaError("parties: bad name or kind", field="parties")
        return cls(check_party(d.get("code"), "parties"), name, kind)


@dataclass(frozen=True, slots=True)
class RosterDevice:
    """One device: who it is, what it may do, and its public keys."""

    id: str
    role: str
    sign_key: bytes
    enc_suite: str | None = None
    enc_key: bytes | None = None
    families: tuple[str, ...] = ()
    valid_from_ms: int = 0
    valid_until_ms: int = 0  # 0: no expiry
    revoked: bool = False

    @property
    def party(self) -> str:
        return self.id.partition("/")[0]

    @property
    def verify_key(self) -> VerifyKey:
        return verify_key_for(self.sign_key)

    @property
    def encryption_key(self) -> EncryptionPublicKey | None:
        if self.enc_key is None or self.enc_suite is None:
            return None
        suite: Suite = "pq" if self.enc_suite == "pq" else "classic"
        return EncryptionPublicKey(suite, self.enc_key)

    def may_send(self, family: str) -> bool:
        """Officers send anything; feeds their listed families, or if none are listed,
        anything but the officer families (inspections and evaluation visits)."""
        if self.role == "officer":
            return True
        if self.role == "feed":
            if self.families:
                return family in self.families
            return family not in OFFICER_FAMILIES
        return False

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "sign_key": self.sign_key,
            "enc_suite": self.enc_suite,
            "enc_key": self.enc_key,
            "families": list(self.families),
            "valid_from_ms": self.valid_from_ms,
            "valid_until_ms": self.valid_until_ms,
            "revoked": self.revoked,
        }

    @classmethod
    def from_wire(cls, d: Any) -> RosterDevice:
        if not isinstance(d, dict):
            raise SchemaError("devices: each entry must be a map", field="devices")
        _exact_keys(d, _DEVICE_KEYS, "devices")
        dev_id = check_device_id(d.get("id"), "devices")
        role = d.get("role")
        if role not in ROLES:
            raise SchemaError(f"devices: {dev_id}: role must be one of {ROLES}", field="devices")
        try:
            VerifyKey(d.get("sign_key"))  # type: ignore[arg-type]
        except DecodeError as exc:  # a field of a device-authored object: schema (§10.1)
            raise SchemaError(
                f"devices: {dev_id}: sign_key: {exc.message}", field="devices"
            ) from exc
        suite, enc = d.get("enc_suite"), d.get("enc_key")
        if (suite is None) != (enc is None):
            raise SchemaError(f"devices: {dev_id}: enc_suite and enc_key go together")
        if suite is not None:
            if suite not in SUITES:
                raise SchemaError(f"devices: {dev_id}: unknown suite", field="devices")
            if not isinstance(enc, bytes):
                raise SchemaError(f"devices: {dev_id}: enc_key must be bytes", field="devices")
            try:
                EncryptionPublicKey(suite, enc)
            except DecodeError as exc:
                msg = f"devices: {dev_id}: enc_key: {exc.message}"
                raise SchemaError(msg, field="devices") from exc
        fams = d.get("families", [])
        if not isinstance(fams, list) or any(f not in FAMILIES for f in fams):
            raise SchemaError(f"devices: {dev_id}: unknown family", field="devices")
        ints = [d.get("valid_from_ms", 0), d.get("valid_until_ms", 0)]
        if any(type(i) is not int or i < 0 for i in ints):
            raise SchemaError(f"devices: {dev_id}: validity must be integers")
        if not isinstance(d.get("revoked", False), bool):
            raise SchemaError(f"devices: {dev_id}: revoked must be a boolean")
        return cls(
            dev_id,
            role,
            d["sign_key"],
            suite,
            enc,
            tuple(fams),
            ints[0],
            ints[1],
            d.get("revoked", False),
        )


@dataclass(frozen=True, slots=True)
class Roster:
    """One version of the roster, with the signatures it carries."""

    version: int
    prev_hash: bytes
    issued_ms: int
    valid_until_ms: int
    quorum: int
    parties: tuple[RosterParty, ...]
    devices: tuple[RosterDevice, ...]
    auditor_copies: bool = False
    network: str = "cbm-hotline"
    signatures: tuple[tuple[str, bytes], ...] = ()
    _by_id: dict[str, RosterDevice] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if type(self.version) is not int or self.version < 1:
            raise SchemaError("version: must be a positive integer", field="version")
        if not isinstance(self.prev_hash, bytes) or len(self.prev_hash) not in (0, 32):
            raise SchemaError("prev_hash: must be empty or 32 bytes", field="prev_hash")
        codes = [p.code for p in self.parties]
        if len(set(codes)) != len(codes):
            raise SchemaError("parties: duplicate party code", field="parties")
        voting = [p for p in self.parties if p.kind == "party"]
        if not 1 <= self.quorum <= max(len(voting), 1):
            raise SchemaError("quorum: must be between 1 and the number of parties")
        for dev in self.devices:
            if dev.id in self._by_id:
                raise SchemaError(f"devices: duplicate {dev.id}", field="devices")
            if dev.party not in codes:
                raise SchemaError(f"devices: {dev.id} belongs to no listed party")
            self._by_id[dev.id] = dev

    # -- encoding ----------------------------------------------------------
    def body(self) -> dict[str, Any]:
        """The signed part, as a wire map."""
        return {
            "version": self.version,
            "prev_hash": self.prev_hash,
            "issued_ms": self.issued_ms,
            "valid_until_ms": self.valid_until_ms,
            "quorum": self.quorum,
            "parties": [p.to_wire() for p in self.parties],
            "devices": [d.to_wire() for d in self.devices],
            "auditor_copies": self.auditor_copies,
            "network": self.network,
        }

    def hash(self) -> bytes:
        """SHA-256 of the domain-separated body: what the next version's prev_hash names."""
        return hashlib.sha256(DOMAIN_ROSTER + pack(self.body())).digest()

    def encode(self) -> bytes:
        return pack({"body": self.body(), "signatures": [list(s) for s in self.signatures]})

    @classmethod
    def decode(cls, data: bytes) -> Roster:
        """Parse a roster; raises DecodeError / SchemaError, never anything else."""
        obj = unpack(data, max_size=MAX_FRAME)
        if not isinstance(obj, dict) or set(obj) != {"body", "signatures"}:
            raise DecodeError("a roster is {body, signatures}")
        b, sigs = obj["body"], obj["signatures"]
        if not isinstance(b, dict) or not isinstance(sigs, list):
            raise DecodeError("roster body must be a map, signatures a list")
        _exact_keys(b, _BODY_KEYS, "body")
        try:
            parties = tuple(RosterParty.from_wire(p) for p in b["parties"])
            devices = tuple(RosterDevice.from_wire(d) for d in b["devices"])
            sig_pairs = []
            for s in sigs:
                if not (isinstance(s, list) and len(s) == 2 and isinstance(s[1], bytes)):
                    raise DecodeError("a roster signature is [device_id, signature]")
                sig_pairs.append((check_device_id(s[0], "signatures"), s[1]))
            ints = [b["version"], b["issued_ms"], b["valid_until_ms"], b["quorum"]]
            if any(type(i) is not int or i < 0 for i in ints):
                raise SchemaError("roster: version, times and quorum must be non-negative integers")
            if not isinstance(b.get("auditor_copies"), bool) or not isinstance(
                b.get("network"), str
            ):
                raise SchemaError("roster: auditor_copies and network are required")
            return cls(
                ints[0],
                b["prev_hash"],
                ints[1],
                ints[2],
                ints[3],
                parties,
                devices,
                b["auditor_copies"],
                b["network"],
                tuple(sig_pairs),
            )
        except (KeyError, TypeError) as exc:
            raise SchemaError(f"roster: missing or mistyped field ({exc})") from exc

    # -- signing -----------------------------------------------------------
    def signed_by(self, device_id: str, key: SigningKey) -> Roster:
        """A copy with one more signature (replacing an earlier one by the same device)."""
        sig = sign(key, DOMAIN_ROSTER, self.body())
        rest = tuple(s for s in self.signatures if s[0] != device_id)
        return replace(self, signatures=(*rest, (device_id, sig)), _by_id={})

    def unsigned(self) -> Roster:
        return replace(self, signatures=(), _by_id={})

    # -- look-ups ----------------------------------------------------------
    def party_codes(self, kind: str = "party") -> list[str]:
        return [p.code for p in self.parties if p.kind == kind]

    def get(self, device_id: str) -> RosterDevice | None:
        return self._by_id.get(device_id)

    def device(self, device_id: str, now_ms: int, roles: Sequence[str] = ROLES) -> RosterDevice:
        """The device, if it is listed, current, unrevoked and of one of ``roles``.

        Raises:
            KeyError_ / RevokedKey / ExpiredKey / WrongRole accordingly.
        """
        dev = self._by_id.get(device_id)
        if dev is None:
            raise KeyError_(f"{device_id} is not in roster version {self.version}")
        if dev.revoked:
            raise RevokedKey(f"{device_id} is revoked in roster version {self.version}")
        if now_ms < dev.valid_from_ms or (dev.valid_until_ms and now_ms > dev.valid_until_ms):
            raise ExpiredKey(f"{device_id} is outside its validity window")
        if dev.role not in roles:
            raise WrongRole(f"{device_id} is a {dev.role}, not {' or '.join(roles)}")
        return dev

    def devices_of(
        self, parties: Iterable[str], roles: Sequence[str] = RECEIVING_ROLES
    ) -> list[RosterDevice]:
        """Unrevoked devices with encryption keys of the given parties and roles."""
        want = set(parties)
        return [
            d
            for d in self.devices
            if d.party in want and d.role in roles and not d.revoked and d.enc_key is not None
        ]

    def seal_targets(self, sender: str, recipients: Iterable[str]) -> list[RosterDevice]:
        """Every device a body must be sealed to: recipients, the sender's own
        consoles (so any officer of the ministry can read sent items), and the
        auditors when the roster says auditors receive copies."""
        targets = self.devices_of([*recipients, sender])
        if self.auditor_copies:
            targets += [
                d
                for d in self.devices
                if d.role == "auditor" and not d.revoked and d.enc_key is not None
            ]
        return targets


def _check_signatures(new: Roster, signers_from: Roster) -> None:
    voting = set(signers_from.party_codes("party"))
    seen: set[str] = set()
    for device_id, sig in new.signatures:
        dev = signers_from.get(device_id)
        if dev is None or dev.revoked or dev.role != "officer" or dev.party not in voting:
            raise RosterError(
                f"signature by {device_id}: not an officer of a party listed in "
                f"roster version {signers_from.version}"
            )
        if dev.party in seen:
            raise RosterError(f"signature by {device_id}: party {dev.party} signed twice")
        try:
            dev.verify_key.verify(sig, DOMAIN_ROSTER + pack(new.body()))
        except SignatureError as exc:
            raise RosterError(f"signature by {device_id} does not verify") from exc
        seen.add(dev.party)
    if len(seen) < signers_from.quorum:
        raise RosterError(
            f"roster version {new.version} is signed by {len(seen)} of the "
            f"{signers_from.quorum} parties the quorum requires"
        )


def verify_transition(current: Roster | None, new: Roster, now_ms: int) -> None:
    """Accept ``new`` as the next roster after ``current`` (None: genesis), or raise.

    Raises:
        RosterRollback: ``new`` is not newer than ``current``.
        RosterError: skipped version, broken hash chain, expired, or quorum not met.
    """
    if new.valid_until_ms and now_ms > new.valid_until_ms:
        raise RosterError(f"roster version {new.version} expired")
    if current is None:
        if new.version != 1 or new.prev_hash:
            raise RosterError("a genesis roster is version 1 with an empty prev_hash")
        _check_signatures(new, new)
        return
    if new.version <= current.version:
        raise RosterRollback(f"roster version {new.version} is not newer than {current.version}")
    if new.version != current.version + 1:
        raise RosterError(f"roster version {new.version} skips {current.version + 1}")
    if new.prev_hash != current.hash():
        raise RosterError(
            f"roster version {new.version} does not follow version "
            f"{current.version} (prev_hash mismatch)"
        )
    _check_signatures(new, current)
