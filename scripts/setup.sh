#!/usr/bin/env bash
# Create .venv (if needed) and install stackwise with the given extras into it.
# Usage: scripts/setup.sh EXTRAS   (e.g. "demo" or "dev")
# The dev extras install against constraints/dev.txt (versions known to work together): without
# it pip's resolver can spend many minutes backtracking botocore/aiobotocore/boto3 releases.
# Refresh it after changing dependencies: .venv/bin/pip freeze --exclude-editable > constraints/dev.txt
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
constraints=()
if [ -f constraints/dev.txt ]; then
    constraints=(-c constraints/dev.txt)
fi
.venv/bin/python -m pip install --quiet "${constraints[@]}" -e ".[${extras}]"
