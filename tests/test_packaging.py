"""The wheel installs into a fresh venv and exposes hotline.protocol/server/client."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_wheel_installs_and_imports(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
    )
    wheels = list(dist.glob("cbm_hotline-*.whl"))
    assert len(wheels) == 1
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    py = env / "bin" / "python"
    # Dependencies come from the test's own environment (no network needed); a
    # path line in a .pth does not run that directory's .pth files, so the
    # editable install there stays invisible and hotline must come from the wheel.
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig;print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            str(wheels[0]),
        ],
        check=True,
    )
    out = subprocess.run(
        [
            str(py),
            "-c",
            "import hotline.protocol, hotline.runtime, hotline.server, hotline.client, sys;"
            "print(hotline.protocol.__file__)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert str(env) in out.stdout  # imported from the wheel, not the source tree
    names = subprocess.run(
        [str(py), "-m", "zipfile", "-l", str(wheels[0])], capture_output=True, text=True, check=True
    ).stdout
    assert "hotline/protocol/policies/vienna-2011.json" in names
