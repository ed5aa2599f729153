from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol import FAMILIES, decode_body, encode_body, validate_body
from hotline.protocol.catalogue import FAMILY_MODULES, default_precedence
from hotline.protocol.errors import ProtocolError, SchemaError
from tests.factories import SAMPLE_BODIES


def test_every_wire_family_has_a_module_and_a_sample() -> None:
    assert set(FAMILY_MODULES) == set(FAMILIES) == set(SAMPLE_BODIES)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    family = draw(st.sampled_from(sorted(SAMPLE_BODIES)))
    body = dict(SAMPLE_BODIES[family])
    for k, v in list(body.items()):
        if isinstance(v, str) and k in (
            "text",
            "summary",
            "question",
            "answer",
            "name",
            "system",
            "supplier",
            "place",
            "note",
            "uav_type",
        ):
            body[k] = draw(st.text(min_size=1, max_size=80).filter(str.strip))
        elif isinstance(v, int) and not isinstance(v, bool) and k not in ("year",):
            body[k] = draw(st.integers(0, 1000))
    return family, body


@given(bodies())
def test_encode_decode_identity_for_every_family(fb: tuple[str, dict[str, Any]]) -> None:
    family, body = fb
    data = encode_body(family, body)
    assert decode_body(family, data) == validate_body(family, body)
    assert encode_body(family, decode_body(family, data)) == data


@pytest.mark.parametrize(
    ("family", "change", "message"),
    [
        ("military_activity", {"troops": -5}, "troops: must be a non-negative integer"),
        ("military_activity", {"troops": "many"}, "troops: must be a non-negative integer"),
        ("military_activity", {"start": "next week"}, "start: must be an ISO 8601 date"),
        ("military_activity", {"end": "2026-05-01"}, "end: must not be before start"),
        ("military_activity", {"area": {"type": "Circle"}}, "area: must be a GeoJSON geometry"),
        ("military_activity", {"tanks": 3}, "tanks: is not a field"),
        ("hotline_message", {"lang": "Serbian"}, "lang: must be a language tag"),
        ("hotline_message", {"text": "  "}, "text: must be non-empty text"),
        ("cyber_incident", {"severity": "apocalyptic"}, "severity: must be one of"),
        ("drone_flight", {"armed": "no"}, "armed: must be true or false"),
        ("drone_flight", {"start": "2026-05-28T08:00:00"}, "start: must be an ISO 8601 time"),
        ("arms_transfer", {"category": "spaceships"}, "category: must be one of"),
    ],
)
def test_errors_name_the_field(family: str, change: dict[str, Any], message: str) -> None:
    body = {**SAMPLE_BODIES[family], **change}
    with pytest.raises(SchemaError) as exc:
        validate_body(family, body)
    assert message in exc.value.message


def test_missing_required_field() -> None:
    body = dict(SAMPLE_BODIES["hotline_message"])
    del body["text"]
    with pytest.raises(SchemaError, match="text: is required"):
        validate_body("hotline_message", body)


def test_unicode_any_script_survives() -> None:
    for text, lang in [
        ("Ушли су у Јариње", "sr-Cyrl"),
        ("Ушле се во Куманово", "mk"),
        ("Hyrja në hapësirën ajrore", "sq"),
        ("Ušli su u Jarinje", "sr-Latn"),
    ]:
        body = {"text": text, "lang": lang}
        assert decode_body("hotline_message", encode_body("hotline_message", body)) == body


def test_unknown_family_and_defaults() -> None:
    with pytest.raises(SchemaError):
        validate_body("gossip", {})
    assert default_precedence("hotline_message") == "FLASH"
    assert validate_body("military_activity", SAMPLE_BODIES["military_activity"])["kind"] == (
        "exercise"
    )


@given(st.binary(max_size=300), st.sampled_from(sorted(SAMPLE_BODIES)))
def test_decode_body_random_bytes(data: bytes, family: str) -> None:
    with contextlib.suppress(ProtocolError):
        decode_body(family, data)
