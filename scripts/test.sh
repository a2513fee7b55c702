#!/usr/bin/env bash
# The whole check: install, lint, layer contracts, then the test suite on 2 workers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
bash scripts/services.sh
.venv/bin/ruff check
.venv/bin/ruff format --check
.venv/bin/lint-imports
.venv/bin/python -m pytest -n 2 -q "$@"
