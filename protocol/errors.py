"""One exception tree for the whole system, rooted in :class:`ProtocolError`.

Every error carries a stable string ``code`` that travels on the wire (in an
``error`` frame, or an HTTP problem body), plus hints for the I/O layers:
``http_status`` for the REST API and ``close_code`` for websockets when the
error is fatal to the connection. The peer only ever sees ``code`` and the
human message, never internals.

Tree::

    ProtocolError                      protocol_error
    ├── DecodeError                    decode_error       bytes are not a valid object
    │   └── LimitExceeded              limit_exceeded     a size/count/nesting limit
    ├── SchemaError                    schema_error       a field is missing or wrong
    │   └── UnknownReference           unknown_reference  supersedes / in_reply_to names nothing
    ├── SignatureError                 bad_signature      signature does not verify
    │   └── UnsignedEvent              unsigned_event     a log event without a valid hub signature
    ├── DecryptionError                decryption_failed  cannot open a sealed body
    ├── KeyError_                      unknown_key        key not in the roster (+ subclasses)
    │   ├── RevokedKey                 revoked_key
    │   ├── ExpiredKey                 expired_key
    │   └── WrongRole                  wrong_role
    ├── RosterError                    roster_invalid     roster chain / quorum broken
    │   ├── RosterRollback             roster_rollback
    │   └── RosterBehind               roster_behind      a newer version is on its way
    ├── AuthError                      auth_failed        handshake failed
    ├── SenderMismatch                 wrong_sender       sender is not the authenticated device
    ├── RecipientError                 unknown_recipient  a recipient is not in the roster
    ├── FamilyNotAllowed               family_not_allowed feed may not send this family
    ├── ReplayError                    replay             id seen with different content
    ├── ClockSkew                      clock_skew         created_at outside the skew window
    ├── PolicyError                    policy_violation   the policy forbids it
    │   └── ForeignReference           foreign_reference  supersedes another party's notice
    ├── StateError                     illegal_transition frame not allowed in this state
    ├── NotFound                       not_found          REST: no such resource
    ├── MethodNotAllowed               method_not_allowed REST: wrong method for the resource
    ├── NotInLog                       not_in_log         a delivery the log does not back
    ├── Misrouted                      misrouted          a delivery not addressed to this party
    ├── ForkDetected                   fork               two hub checkpoints that cannot both hold
    ├── IntegrityAlarm                 integrity_alarm    the hub found a foreign log entry
    ├── RateLimited                    rate_limited       too many requests (transient)
    ├── RequestTimeout                 request_timeout    REST: a body too slow (transient)
    ├── InternalError                  internal_error     a bug on the hub (transient)
    └── Unavailable                    unavailable        durable storage not reachable now

``transient`` says whether the same request may succeed later unchanged (retry it);
every other error is a refusal: resending the same bytes gets the same answer.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AuthError",
    "ClockSkew",
    "DecodeError",
    "DecryptionError",
    "ExpiredKey",
    "FamilyNotAllowed",
    "ForeignReference",
    "ForkDetected",
    "IntegrityAlarm",
    "InternalError",
    "KeyError_",
    "LimitExceeded",
    "MethodNotAllowed",
    "Misrouted",
    "NotFound",
    "NotInLog",
    "PolicyError",
    "ProtocolError",
    "RateLimited",
    "RecipientError",
    "ReplayError",
    "RequestTimeout",
    "RevokedKey",
    "RosterBehind",
    "RosterError",
    "RosterRollback",
    "SchemaError",
    "SenderMismatch",
    "SignatureError",
    "StateError",
    "Unavailable",
    "UnknownReference",
    "UnsignedEvent",
    "WrongRole",
    "error_for_code",
]


class ProtocolError(Exception):
    """Root of every error the system raises on purpose.

    Args:
        message: a one-line, human-readable explanation (safe to show a peer).
        field: the offending field, for schema and policy errors.
    """

    code: ClassVar[str] = "protocol_error"
    http_status: ClassVar[int] = 400
    #: websocket close code when the error ends the connection (RFC 6455 §7.4)
    close_code: ClassVar[int] = 1008
    #: whether the connection may continue after this error
    recoverable: ClassVar[bool] = True
    #: whether the same request may succeed later unchanged (clients retry only these)
    transient: ClassVar[bool] = False

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        self.field = field

    def to_wire(self) -> dict[str, str]:
        """The error as it travels in an ``error`` frame or problem body."""
        out = {"code": self.code, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        return out


class DecodeError(ProtocolError):
    code = "decode_error"


class LimitExceeded(DecodeError):
    code = "limit_exceeded"
    http_status = 413
    close_code = 1009


class SchemaError(ProtocolError):
    code = "schema_error"
    http_status = 422


class UnknownReference(SchemaError):
    code = "unknown_reference"


class SignatureError(ProtocolError):
    code = "bad_signature"
    http_status = 401


class UnsignedEvent(SignatureError):
    code = "unsigned_event"


class DecryptionError(ProtocolError):
    code = "decryption_failed"


class KeyError_(ProtocolError):
    code = "unknown_key"
    http_status = 401


class RevokedKey(KeyError_):
    code = "revoked_key"


class ExpiredKey(KeyError_):
    code = "expired_key"


class WrongRole(KeyError_):
    code = "wrong_role"
    http_status = 403


class RosterError(ProtocolError):
    code = "roster_invalid"


class RosterRollback(RosterError):
    code = "roster_rollback"


class RosterBehind(RosterError):
    """A device holds an older roster than the one an entry names (it will be pushed)."""

    code = "roster_behind"
    transient = True


class AuthError(ProtocolError):
    code = "auth_failed"
    http_status = 401
    recoverable = False


class SenderMismatch(ProtocolError):
    code = "wrong_sender"
    http_status = 403


class RecipientError(ProtocolError):
    code = "unknown_recipient"


class FamilyNotAllowed(ProtocolError):
    code = "family_not_allowed"
    http_status = 403


class ReplayError(ProtocolError):
    code = "replay"
    http_status = 409


class ClockSkew(ProtocolError):
    code = "clock_skew"


class PolicyError(ProtocolError):
    code = "policy_violation"
    http_status = 422


class ForeignReference(PolicyError):
    code = "foreign_reference"


class StateError(ProtocolError):
    code = "illegal_transition"
    recoverable = False
    close_code = 1002


class NotFound(ProtocolError):
    code = "not_found"
    http_status = 404


class MethodNotAllowed(ProtocolError):
    code = "method_not_allowed"
    http_status = 405


class NotInLog(ProtocolError):
    code = "not_in_log"
    http_status = 409


class Misrouted(ProtocolError):
    code = "misrouted"
    http_status = 409


class ForkDetected(ProtocolError):
    code = "fork"
    http_status = 409


class IntegrityAlarm(ProtocolError):
    code = "integrity_alarm"
    http_status = 503
    close_code = 1011
    transient = True


class RateLimited(ProtocolError):
    code = "rate_limited"
    http_status = 429
    transient = True


class RequestTimeout(ProtocolError):
    """REST: the request's headers or body did not arrive within the hub's deadline."""

    code = "request_timeout"
    http_status = 408
    transient = True


class InternalError(ProtocolError):
    code = "internal_error"
    http_status = 500
    close_code = 1011
    transient = True


class Unavailable(ProtocolError):
    code = "unavailable"
    http_status = 503
    close_code = 1011
    transient = True


def _all_subclasses(cls: type[ProtocolError]) -> list[type[ProtocolError]]:
    out = [cls]
    for sub in cls.__subclasses__():
        out.extend(_all_subclasses(sub))
    return out


_BY_CODE: dict[str, type[ProtocolError]] = {c.code: c for c in _all_subclasses(ProtocolError)}


def error_for_code(code: str, message: str = "", field: str | None = None) -> ProtocolError:
    """Rebuild the typed error a peer sent us (unknown codes map to the root)."""
    cls = _BY_CODE.get(code, ProtocolError)
    err = cls(message, field=field)
    if cls is ProtocolError and code != ProtocolError.code:
        err.message = f"{code}: {message}"
    return err
