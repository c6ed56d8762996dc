#!/usr/bin/env bash
# Runs the whole test suite the way CI does. On a fresh machine with only Go, it first
# installs what the tests need beyond Go (see scripts/deps.sh), then runs every package's
# tests with the race detector. Extra arguments go to `go test`, e.g. -run TestSignUp.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
go test -race -count=1 -timeout 30m "$@" ./...
