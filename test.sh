#!/usr/bin/env bash
# Test it: lint gates + the whole test suite. Starts its own redis-server processes.
# Extra arguments go to pytest (e.g. ./test.sh -k roster, ./test.sh --long).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
echo "==> ruff check / ruff format --check / mypy --strict protocol" >&2
ruff check .
ruff format --check .
mypy --strict protocol
echo "==> pytest" >&2
exec python -m pytest -n "${HOTLINE_TEST_WORKERS:-2}" "$@"
