#!/usr/bin/env bash
# The fraud-detection demo on the embedded default stack plus a local MLflow tracker.
# Installs what it needs, registers the `demo` stack once, then runs the pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
export PATH="$PWD/.venv/bin:$PATH"

# An MLflow experiment tracker named as the seed's train step asks for. Without
# --tracking_uri it uses sqlite:///$STACKWISE_HOME/mlflow.db: a local store, no server.
stackwise experiment-tracker describe mlflow_tracker >/dev/null 2>&1 \
    || stackwise experiment-tracker register mlflow_tracker --flavor=mlflow
stackwise stack describe demo >/dev/null 2>&1 \
    || stackwise stack register demo -o default -a default -e mlflow_tracker
stackwise stack set demo

cd examples/fraud_detection
python run.py "$@"
