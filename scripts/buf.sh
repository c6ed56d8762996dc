#!/usr/bin/env bash
# Runs buf from its own tool modfile (tools/go.mod), so buf's many dependencies stay out of
# the server's go.mod. Works offline: no Buf Schema Registry is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go tool -modfile=tools/go.mod buf "$@"
