#!/usr/bin/env bash
# Installs what the tests need beyond Go. Idempotent: does nothing when all is present.
#   - Go modules (they would also download on first build).
#   - Debian packages, when their command is missing: chromium (the share page is tested in
#     a real headless browser), poppler-utils (pdftotext reads the PDF export back), and
#     Node.js with npm (the export tests validate the FHIR export with
#     export/fhirvalidate/validate.mjs).
#   - The npm packages of package.json, exactly as package-lock.json pins them (npm ci),
#     unless node_modules already holds that lock file's install.
set -euo pipefail
cd "$(dirname "$0")/.."
go mod download

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]} with apt-get" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# npm ci deletes and reinstalls node_modules; skip it when the installed tree was made
# from the current lock file (npm ci copies the lock into node_modules/.package-lock.json
# and we keep a stamp of the lock it came from).
stamp=node_modules/.medjournal-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
