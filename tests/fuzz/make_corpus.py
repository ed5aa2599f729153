"""Regenerate the seed corpus: python -m tests.fuzz.make_corpus"""

from __future__ import annotations

from pathlib import Path

from tests.client.test_audit_report import scripted_week
from tests.factories import SAMPLE_BODIES, make_envelope, make_network

OUT = Path(__file__).parent / "corpus"


def main() -> None:
    for suite in ("classic", "pq"):
        net = make_network(suite=suite)  # type: ignore[arg-type]
        assert net.roster is not None
        (OUT / "roster" / f"genesis-{suite}.bin").write_bytes(net.roster.encode())
        for fam in ("hotline_message", "military_activity", "drone_flight"):
            env = make_envelope(net, family=fam, body=SAMPLE_BODIES[fam], label=f"c{fam}")
            (OUT / "envelope" / f"{fam}-{suite}.bin").write_bytes(env.encode())
    data, _a, _n = scripted_week()
    (OUT / "bundle" / "scripted-week.bin").write_bytes(data)


if __name__ == "__main__":
    main()
