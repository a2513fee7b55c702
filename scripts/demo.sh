#!/usr/bin/env bash
# The fraud-detection demo on the embedded default stack plus a local MLflow tracker and a
# local model deployer. Installs what it needs, registers the `demo` stack once, then runs the
# pipeline: when the model's AUC clears the threshold it is deployed, and run.py prints its URL
# and a curl line that gets predictions back.
#
# The demo keeps its store, stacks and artifacts in its own home (examples/fraud_detection/
# .stackwise-demo/, or $STACKWISE_DEMO_HOME): your active stack and your components are never
# touched, so importing the example's stacks/*.yaml into your own store works after the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
export PATH="$PWD/.venv/bin:$PATH"
export STACKWISE_HOME="${STACKWISE_DEMO_HOME:-$PWD/examples/fraud_detection/.stackwise-demo}"
# the demo's own store, brought to this checkout's schema (a demo run by an older checkout
# leaves it at an older revision; your own store is never upgraded behind your back)
stackwise db upgrade >/dev/null

# An MLflow experiment tracker named as the seed's train step asks for. Without
# --tracking_uri it uses sqlite:///$STACKWISE_HOME/mlflow.db: a local store, no server.
stackwise experiment-tracker describe mlflow_tracker >/dev/null 2>&1 \
    || stackwise experiment-tracker register mlflow_tracker --flavor=mlflow
# A model deployer serving on loopback (FastAPI + uvicorn in the background; the `mlflow`
# flavor serves with `mlflow models serve` instead: --flavor=mlflow).
stackwise model-deployer describe model_server >/dev/null 2>&1 \
    || stackwise model-deployer register model_server --flavor=local
if stackwise stack describe demo >/dev/null 2>&1; then
    stackwise stack describe demo 2>/dev/null | grep -q model_server \
        || stackwise stack update demo -d model_server
else
    stackwise stack register demo -o default -a default -e mlflow_tracker -d model_server
fi

cd examples/fraud_detection
STACKWISE_STACK=demo python run.py "$@"
echo
echo "The demo's runs are in its own home. Inspect them with:"
echo "  STACKWISE_HOME=$STACKWISE_HOME stackwise pipeline runs list"
echo "  STACKWISE_STACK=demo STACKWISE_HOME=$STACKWISE_HOME stackwise model-deployer models list"
echo "The model server keeps running; stop it with:"
echo "  STACKWISE_HOME=$STACKWISE_HOME stackwise model-deployer models stop fraud-detector -y"
