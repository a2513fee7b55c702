#!/usr/bin/env bash
# Installs Apache Airflow into a venv of its own (default ~/.cache/stackwise/airflow, or
# $STACKWISE_AIRFLOW_VENV): Airflow pins versions of libraries stackwise's dev venv also uses,
# so the two cannot share one venv. The airflow orchestrator's tests run the DAGs stackwise
# generates there (`airflow dags test`); the generated DAG files import nothing of stackwise.
# Versions are pinned (Airflow's own constraints file is not reachable from every machine).
# Idempotent: returns at once when that venv already has these versions.
set -euo pipefail

venv="${STACKWISE_AIRFLOW_VENV:-$HOME/.cache/stackwise/airflow}"
python="${PYTHON:-python3}"
requirements=(
    "apache-airflow==3.3.2"
    "apache-airflow-providers-standard==1.21.0"
    "apache-airflow-providers-docker==4.6.1"
    "apache-airflow-providers-cncf-kubernetes==10.25.0"
)
stamp="$venv/.stackwise-airflow"
wanted="${requirements[*]}"

if [[ -x "$venv/bin/airflow" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    exit 0
fi
echo "install_airflow.sh: installing ${requirements[0]} and its providers into $venv" >&2
mkdir -p "$(dirname "$venv")"
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "${requirements[@]}"
"$venv/bin/airflow" version >/dev/null
printf '%s' "$wanted" > "$stamp"
