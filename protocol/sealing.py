"""Multi-recipient end-to-end encryption (docs/protocol.md §3.3).

The body is sealed once with a fresh 32-byte content key under
ChaCha20-Poly1305, with the header digest as associated data; the content key
is then wrapped for each recipient device with HPKE (RFC 9180, base mode,
single-shot) using the envelope's suite:

- ``pq``:      hybrid KEM ML-KEM-768+X25519 (``hpke.KEM.MLKEM768_X25519``),
               HKDF-SHA256, ChaCha20-Poly1305
- ``classic``: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305

The HPKE ``info`` is ``DOMAIN_WRAP ‖ header_digest ‖ device_id``, so a wrap
cannot be moved to another envelope or another device.

Sealed bytes: canonical msgpack ``[nonce(12), body_ct, [[device_id, wrap], ...]]``
with wraps sorted by device id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from .codec import pack, unpack
from .constants import DOMAIN_WRAP, MAX_BODY, MAX_WRAPS
from .errors import DecodeError, DecryptionError, LimitExceeded
from .keys import EncryptionPrivateKey, EncryptionPublicKey, Suite

__all__ = ["SEAL_RANDOM_BYTES", "Sealed", "hpke_suite", "open_sealed", "seal"]

#: randomness ``seal`` needs from its caller: content key (32) ‖ nonce (12)
SEAL_RANDOM_BYTES = 44

_KEMS = {"pq": hpke.KEM.MLKEM768_X25519, "classic": hpke.KEM.X25519}


def hpke_suite(suite: Suite) -> hpke.Suite:
    """The RFC 9180 suite object for our suite name."""
    if suite not in _KEMS:
        raise DecodeError(f"unknown suite {suite!r}")
    return hpke.Suite(_KEMS[suite], hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def _info(header_digest: bytes, device_id: str) -> bytes:
    return DOMAIN_WRAP + header_digest + device_id.encode()


@dataclass(frozen=True, slots=True)
class Sealed:
    """A parsed sealed body (still encrypted)."""

    nonce: bytes
    body_ct: bytes
    wraps: dict[str, bytes]

    @classmethod
    def decode(cls, data: bytes) -> Sealed:
        """Parse sealed bytes; raises DecodeError / LimitExceeded on malformed input."""
        obj = unpack(data)
        if not (isinstance(obj, list) and len(obj) == 3):
            raise DecodeError("sealed body must be [nonce, body, wraps]")
        nonce, body_ct, wraps = obj
        if not isinstance(nonce, bytes) or len(nonce) != 12:
            raise DecodeError("nonce must be 12 bytes")
        if not isinstance(body_ct, bytes) or len(body_ct) < 16:
            raise DecodeError("body ciphertext too short")
        if not isinstance(wraps, list) or not wraps:
            raise DecodeError("wraps must be a non-empty list")
        if len(wraps) > MAX_WRAPS:
            raise LimitExceeded(f"more than {MAX_WRAPS} wraps")
        out: dict[str, bytes] = {}
        for w in wraps:
            if not (isinstance(w, list) and len(w) == 2):
                raise DecodeError("a wrap is [device_id, ciphertext]")
            dev, ct = w
            if not isinstance(dev, str) or not isinstance(ct, bytes) or dev in out:
                raise DecodeError("bad or duplicate wrap")
            out[dev] = ct
        return cls(nonce, body_ct, out)


def seal(
    body: bytes,
    header_digest: bytes,
    suite: Suite,
    recipients: Iterable[tuple[str, EncryptionPublicKey]],
    rand: bytes,
) -> bytes:
    """Seal ``body`` for every (device_id, public key) in ``recipients``.

    Args:
        body: plaintext (canonical msgpack of the notification body).
        header_digest: ``envelope.header_digest()``; bound as AEAD data and in HPKE info.
        suite: ``"pq"`` (default network-wide) or ``"classic"``.
        recipients: device ids with their encryption public keys, all of ``suite``.
        rand: SEAL_RANDOM_BYTES fresh random bytes from the caller.

    Raises:
        LimitExceeded: body or recipient count over the limits.
        DecodeError: a key of the wrong suite, or no recipient.
    """
    if len(body) > MAX_BODY:
        raise LimitExceeded(f"body of {len(body)} bytes exceeds {MAX_BODY}")
    if len(rand) != SEAL_RANDOM_BYTES:
        raise DecodeError(f"seal needs {SEAL_RANDOM_BYTES} random bytes")
    key, nonce = rand[:32], rand[32:]
    hs = hpke_suite(suite)
    wraps: dict[str, bytes] = {}
    for device_id, pub in recipients:
        if pub.suite != suite:
            raise DecodeError(f"{device_id}: key is {pub.suite}, envelope is {suite}")
        wraps[device_id] = hs.encrypt(key, pub.hpke_key(), info=_info(header_digest, device_id))
    if not wraps:
        raise DecodeError("no recipient device to seal to")
    if len(wraps) > MAX_WRAPS:
        raise LimitExceeded(f"more than {MAX_WRAPS} recipient devices")
    body_ct = ChaCha20Poly1305(key).encrypt(nonce, body, header_digest)
    return pack([nonce, body_ct, [[d, wraps[d]] for d in sorted(wraps)]])


def open_sealed(
    sealed: bytes, header_digest: bytes, device_id: str, key: EncryptionPrivateKey
) -> bytes:
    """Open the body sealed to ``device_id``.

    Raises:
        DecryptionError: no wrap for this device, wrong key, swapped header,
            truncated or altered ciphertext.
    """
    try:
        parsed = Sealed.decode(sealed)
    except DecodeError as exc:
        raise DecryptionError(f"sealed body is malformed: {exc.message}") from exc
    wrap = parsed.wraps.get(device_id)
    if wrap is None:
        raise DecryptionError(f"not sealed to {device_id}")
    try:
        info = _info(header_digest, device_id)
        ck = hpke_suite(key.suite).decrypt(wrap, key.hpke_key(), info=info)
        if len(ck) != 32:
            raise DecryptionError("wrapped key has the wrong length")
        return ChaCha20Poly1305(ck).decrypt(parsed.nonce, parsed.body_ct, header_digest)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("cannot open: wrong key or altered data") from exc
