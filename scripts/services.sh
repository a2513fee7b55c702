#!/usr/bin/env bash
# Installs the test peers that are not Python packages: PostgreSQL's server binaries (the
# machine's `postgresql` package, via apt, when initdb is missing: the store tests run a
# throwaway cluster with initdb + pg_ctl, tests/fixtures/postgres_server.py), and into
# .services/ (project-local, never global) azurite, the Azure Blob Storage emulator the azure
# artifact store tests run against; Debian's chromium (+ chromium-driver), the headless
# browser the dashboard tests drive through Playwright (tests/fixtures/browser.py), when
# /usr/bin/chromium is missing; the docker CLI (apt's docker.io) when missing; and Apache
# Airflow in a venv of its own (install_airflow.sh: the airflow orchestrator's tests run its
# DAGs). Idempotent: does nothing when all are there. The Python peers (moto_server,
# gcp-storage-emulator) come with `pip install -e ".[dev]"`.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "services.sh: installing PostgreSQL's server (apt-get install postgresql)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    else
        echo "services.sh: PostgreSQL's initdb not found; install the postgresql package (as root: apt-get install postgresql) to run the store tests on PostgreSQL" >&2
        exit 1
    fi
fi
if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "services.sh: installing Chromium for the dashboard tests (apt-get install chromium chromium-driver)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "services.sh: /usr/bin/chromium not found; install Debian's chromium package (as root: apt-get install chromium chromium-driver) to run the dashboard tests" >&2
        exit 1
    fi
fi
# the docker CLI (no daemon needed): the image builder tests run it to see it fail without one
if ! command -v docker >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "services.sh: installing the docker CLI (apt-get install docker.io)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
    else
        echo "services.sh: the docker CLI is not installed; install it (apt-get install docker.io) to run the image builder tests" >&2
        exit 1
    fi
fi
bash scripts/install_airflow.sh

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
