"""The whole conformance suite through the runner contract (docs/protocol.md §11)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.protocol.conformance import KINDS, matches, run_case
from hotline.protocol.errors import ProtocolError
from tests.conftest import TIMEOUT_FACTOR
from tests.vectors.generate import GOLDEN, SUITE, render, suite

ROOT = Path(__file__).parents[2]
DOC = json.loads(SUITE.read_text())
CASES = DOC["cases"]


def _all_codes(cls: type[ProtocolError] = ProtocolError) -> set[str]:
    return {cls.code}.union(*(_all_codes(s) for s in cls.__subclasses__()))


@pytest.mark.parametrize("c", CASES, ids=[c["id"] for c in CASES])
def test_case(c: dict) -> None:
    result = run_case(c)
    assert matches(c["expect"], result), (c["note"], result)


def test_the_command_line_runs_the_whole_suite_with_the_same_results() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.vectors.run", str(SUITE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300 * TIMEOUT_FACTOR,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in results] == [c["id"] for c in CASES]
    failed = [c["id"] for c, r in zip(CASES, results, strict=True) if not matches(c["expect"], r)]
    assert failed == []


def test_the_committed_suite_is_what_the_generator_writes() -> None:
    assert render(suite(json.loads(GOLDEN.read_text()))) == SUITE.read_text()


def test_every_negative_case_names_a_known_code_and_every_kind_is_covered() -> None:
    known = _all_codes()
    for c in CASES:
        assert c["kind"] in KINDS, c["id"]
        if not c["expect"]["ok"]:
            assert c["expect"]["code"] in known, c["id"]
    for kind in KINDS:
        outcomes = {c["expect"]["ok"] for c in CASES if c["kind"] == kind}
        assert True in outcomes, f"{kind}: no positive case"
    negative_kinds = {c["kind"] for c in CASES if not c["expect"]["ok"]}
    # what has no negative case computes rather than checks
    computing = {
        "merkle.root",
        "merkle.inclusion.prove",
        "merkle.consistency.prove",
        "envelope.sign",
        "event.sign",
        "inclusion.queue",
    }
    assert set(KINDS) - negative_kinds <= computing


def test_an_unknown_kind_is_unsupported_not_a_crash() -> None:
    assert run_case({"id": "x", "kind": "teleport", "input": {}}) == {
        "id": "x",
        "ok": False,
        "code": "unsupported",
    }


def test_the_spec_lists_every_kind_the_runner_implements() -> None:
    # docs/protocol.md §11.5 is the contract another ministry's runner is written from:
    # a kind missing there, or listed and not implemented, is a spec out of step.
    text = (ROOT / "docs" / "protocol.md").read_text("utf-8")
    table = text[text.index("### 11.5 Kinds") : text.index("### 11.6")]
    listed: set[str] = set()
    for row in table.splitlines()[2:]:
        if not row.startswith("| `"):
            continue
        first = row.split("|")[1]
        names = re.findall(r"`([a-z_.0-9]+)`", first)
        base = names[0].rsplit(".", 1)[0] if names else ""
        # "`merkle.inclusion.prove` / `.verify`" names two kinds
        listed |= {f"{base}{n}" if n.startswith(".") else n for n in names}
    assert listed == set(KINDS)
