#!/usr/bin/env bash
# Run it: a complete local hotline network (embedded Redis, the hub, seven parties)
# playing a short scenario. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
exec hotline demo "$@"
