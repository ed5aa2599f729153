#!/usr/bin/env bash
# Start a local 3-node Redis Cluster plus two hubs, from real binaries on loopback.
#   deploy/local-cluster.sh DATA_DIR HOME_DIR      (Ctrl-C stops everything)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
exec python -m hotline.server.local_cluster --dir "${1:?data dir}" --home "${2:?hotline home}" --hubs 2
