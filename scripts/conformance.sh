#!/usr/bin/env bash
# Differential conformance: the ZenML user programs in tests/conformance/programs/.
#   scripts/conformance.sh [NAME ...]          on stackwise (zenml renamed to stackwise)
#   scripts/conformance.sh --zenml [NAME ...]  on real ZenML 0.98.0, the reference
# The reference lives outside the tree (never a project dependency), installed on first use into
# ${STACKWISE_ZENML_REF:-~/.cache/stackwise/zenml-ref}.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${CONFORMANCE_JOBS:-2}"
if [[ "${1:-}" == "--zenml" ]]; then
    shift
    ref="${STACKWISE_ZENML_REF:-$HOME/.cache/stackwise/zenml-ref}"
    if [[ ! -x "$ref/bin/zenml" ]]; then
        echo "conformance.sh: installing the ZenML 0.98.0 reference into $ref" >&2
        "${PYTHON:-python3}" -m venv "$ref"
        "$ref/bin/python" -m pip install --quiet "zenml[local]==0.98.0" pandas pyarrow \
            scikit-learn "mlflow>=2.1.1,<4" "opentelemetry-sdk==1.43.0" \
            "opentelemetry-api==1.43.0" "opentelemetry-proto==1.43.0" \
            "opentelemetry-semantic-conventions==0.64b0"
    fi
    exec "$ref/bin/python" tests/conformance/runner.py --target zenml --python "$ref/bin/python" \
        -j "$jobs" "$@"
fi
[[ -x .venv/bin/python ]] || bash scripts/setup.sh dev
exec .venv/bin/python tests/conformance/runner.py --target stackwise --python .venv/bin/python \
    -j "$jobs" "$@"
