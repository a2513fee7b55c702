#!/usr/bin/env bash
# The whole check: install, lint, type-check, layer contracts, then the test suite on 2 workers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
bash scripts/services.sh
.venv/bin/ruff check
.venv/bin/ruff format --check
.venv/bin/mypy  # configured in pyproject.toml: strict on the core, default on integrations
.venv/bin/lint-imports
.venv/bin/python -m pytest -n 2 -q "$@"
