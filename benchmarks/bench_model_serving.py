"""Model deployers: deploy → first successful prediction, and one-row prediction latency
(DESIGN.md: "deploy → first prediction (`local` deployer) / one-row prediction p50: ≤ 5 s /
≤ 10 ms").

The model is the fraud-detection example's: a GradientBoostingClassifier (100 trees, depth 5)
on the five engineered features. Each round deploys it under a fresh model name in this
process (which has scikit-learn loaded, as a pipeline's deploy step has) and times from the
`deploy_model` call until a one-row `POST /invocations` first answers 200, polling every
10 ms; then `--requests` one-row predictions on one keep-alive httpx connection give the
latency p50/p95 (the server's `dataframe_records` path: JSON parse, column check, DataFrame,
`predict`, JSON answer). `--mlflow` reports the `mlflow` flavor too (it logs the model to a
local SQLite MLflow store first, then starts `mlflow models serve`; expect tens of seconds).
Every server started here is deleted at the end.

Run: .venv/bin/python benchmarks/bench_model_serving.py [--rounds 3] [--requests 500] [--mlflow]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from _common import fmt_ms, fmt_seconds, machine_note, print_table, temp_home, verdict

DEPLOY_BUDGET = 5.0
P50_BUDGET_MS = 10.0


def fraud_model() -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import GradientBoostingClassifier

    rng = np.random.default_rng(7)
    rows = 5000
    f1, f2, f3 = rng.normal(size=rows), rng.normal(size=rows), rng.gamma(2.0, 1.5, rows)
    frame = pd.DataFrame(
        {
            "feature_1": f1,
            "feature_2": f2,
            "feature_3": f3,
            "interaction_1_2": f1 * f2,
            "log_feature_3": np.log1p(f3),
        }
    )
    score = 1.8 * f1 - 1.2 * f2 + 0.6 * np.log1p(f3) + 0.8 * f1 * f2 - 2.5
    label = (rng.random(rows) < 1 / (1 + np.exp(-score))).astype(int)
    model = GradientBoostingClassifier(n_estimators=100, max_depth=5, random_state=42)
    return model.fit(frame, label), frame


def first_prediction(deployer: Any, model: Any, name: str, body: dict[str, Any]) -> float:
    """Seconds from deploy_model to the first 200 answer of /invocations."""
    import httpx

    start = time.perf_counter()
    service = deployer.deploy_model(config={"model": model, "model_name": name})
    url = service.prediction_url
    while True:
        try:
            if httpx.post(url, json=body, timeout=5).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.01)


def latencies(url: str, body: dict[str, Any], requests: int) -> list[float]:
    import httpx

    with httpx.Client(timeout=10) as client:
        for _ in range(20):  # warm-up: connection, first-call caches
            client.post(url, json=body)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.post(url, json=body)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.text}")
    return times


def measure(flavor: str, rounds: int, requests: int) -> list[list[object]]:
    model, frame = fraud_model()
    body = {"dataframe_records": frame.head(1).to_dict(orient="records")}
    if flavor == "local":
        from stackwise.model_deployers.local_model_deployer import LocalModelDeployer

        deployer: Any = LocalModelDeployer()
    else:
        from stackwise.integrations.mlflow.model_deployers import MLFlowModelDeployer

        deployer = MLFlowModelDeployer()
    deploys: list[float] = []
    try:
        for i in range(rounds):
            deploys.append(first_prediction(deployer, model, f"fraud-{flavor}-{i}", body))
        [service, *_] = deployer.find_model_server(model_name=f"fraud-{flavor}-0")
        times = latencies(service.prediction_url, body, requests)
    finally:
        for service in deployer.find_model_server():
            deployer.delete_model_server(service.uuid, timeout=10)
    deploy = statistics.median(deploys)
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    rows: list[list[object]] = [
        [
            f"{flavor}: deploy -> first prediction (median of {rounds})",
            fmt_seconds(deploy),
            f"{DEPLOY_BUDGET:.0f} s" if flavor == "local" else "(reported)",
            verdict(deploy, DEPLOY_BUDGET) if flavor == "local" else "",
        ],
        [
            f"{flavor}: one-row prediction p50 ({requests} requests)",
            fmt_ms(p50),
            f"{P50_BUDGET_MS:.0f} ms" if flavor == "local" else "(reported)",
            verdict(p50 / 1000, P50_BUDGET_MS / 1000) if flavor == "local" else "",
        ],
        [f"{flavor}: one-row prediction p95", fmt_ms(p95), "", ""],
        [
            f"{flavor}: deploy rounds",
            ", ".join(fmt_seconds(d) for d in deploys),
            "",
            "",
        ],
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="deployments timed per flavor")
    parser.add_argument("--requests", type=int, default=500, help="predictions timed")
    parser.add_argument("--mlflow", action="store_true", help="also the mlflow flavor")
    args = parser.parse_args()
    rows: list[list[object]] = []
    with temp_home("serving"):
        rows += measure("local", args.rounds, args.requests)
        if args.mlflow:
            rows += measure("mlflow", max(1, args.rounds - 1), args.requests)
    print_table(
        f"Model serving ({machine_note()})", ["what", "measured", "budget", "verdict"], rows
    )


if __name__ == "__main__":
    main()
