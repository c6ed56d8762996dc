#!/usr/bin/env bash
# Regenerates everything derived from the .proto files: the vendored validate.proto (printed
# from the protovalidate Go module, since the Buf Schema Registry is unreachable) and gen/.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./internal/tools/printvalidate third_party/protovalidate
bash scripts/buf.sh format -w
bash scripts/buf.sh generate
