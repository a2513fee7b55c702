#!/usr/bin/env bash
# Installs the test peers that are not Python packages into .services/ (project-local, never
# global): azurite, the Azure Blob Storage emulator the azure artifact store tests run against.
# Idempotent: does nothing when the pinned version is already there. The Python peers
# (moto_server, gcp-storage-emulator) come with `pip install -e ".[dev]"`.
set -euo pipefail

cd "$(dirname "$0")/.."
SERVICES_DIR=".services"
AZURITE_VERSION="3"   # major pinned; npm resolves the newest 3.x

if ! command -v npm >/dev/null 2>&1; then
    echo "services.sh: npm not found; install Node.js (>=18) to run the Azure artifact store tests" >&2
    exit 1
fi

installed="$SERVICES_DIR/node_modules/azurite/package.json"
if [[ -f "$installed" ]] && grep -q "\"version\": \"${AZURITE_VERSION}\." "$installed" \
        && [[ -x "$SERVICES_DIR/node_modules/.bin/azurite-blob" ]]; then
    exit 0
fi

mkdir -p "$SERVICES_DIR"
echo "services.sh: installing azurite@${AZURITE_VERSION} into $SERVICES_DIR/" >&2
npm install --prefix "$SERVICES_DIR" --no-audit --no-fund --no-save --loglevel=error \
    "azurite@${AZURITE_VERSION}"
test -x "$SERVICES_DIR/node_modules/.bin/azurite-blob"
