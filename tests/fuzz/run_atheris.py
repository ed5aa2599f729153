"""Coverage-guided fuzzing of one target with atheris (long runs; not part of CI)."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("error: atheris is not installed: pip install atheris")
    with atheris.instrument_imports():
        from tests.fuzz.targets import TARGETS
    name = sys.argv.pop(1)
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
