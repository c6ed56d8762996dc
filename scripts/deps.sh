#!/usr/bin/env bash
# Installs what the tests need beyond Go. Idempotent: does nothing when all is present.
# Today only Go modules are needed; they download on first build.
set -euo pipefail
cd "$(dirname "$0")/.."
go mod download
