"""Run the fraud-detection pipeline on the active stack, then read its results back.

    python run.py                      # defaults
    python run.py --max-depth 3        # a changed parameter: that step and downstream re-run
    python run.py --deploy-threshold 0.99   # above the AUC: the deploy step skips deployment
    python run.py --config configs/production.yaml --data gs://BUCKET/features.parquet
                                       # steps in containers: the image's requirements

The same file runs unchanged on any stack: `stackwise stack set NAME` picks where.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from make_data import make_features
from pipeline.pipeline import fraud_detection_pipeline

from stackwise.client import Client

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(HERE / "data" / "features.parquet"))
    parser.add_argument("--max-depth", type=int, default=5)
    parser.add_argument("--deploy-threshold", type=float, default=0.85)
    parser.add_argument("--config", help="a run configuration file (configs/production.yaml)")
    args = parser.parse_args()

    data = args.data
    if "://" not in data and not Path(data).exists():
        make_features(Path(data))
    training = fraud_detection_pipeline
    if args.config:
        training = training.with_options(config_path=args.config)
    run = training(
        dataset_uri=data, max_depth=args.max_depth, deploy_threshold=args.deploy_threshold
    )
    print(f"\nRun '{run.name}': {run.status}")
    for name, step_run in run.steps.items():
        print(f"  {name:<24} {step_run.status}")

    # The seed's "Accessing Artifacts Programmatically", as written
    client = Client()
    pipeline = client.get_pipeline("fraud-detection-training")
    latest_run = pipeline.last_run
    train_step_artifact = latest_run.steps["train_model"].outputs["trained_model"].load()
    metrics = latest_run.steps["evaluate_model"].outputs["evaluation_metrics"].load()
    print(f"Latest model AUC: {metrics['roc_auc']:.4f}")
    print(f"Model type: {type(train_step_artifact)}")
    show_deployment(client, latest_run)


def show_deployment(client: Client, run: Any) -> None:
    """Where the model is served, and a request that gets predictions back."""
    deployer = client.active_stack.model_deployer
    if deployer is None:
        return
    services = deployer.find_model_server(model_name="fraud-detector", running=True)
    if not services:
        print("The model is not deployed (its AUC is below the threshold, or no server runs).")
        return
    rows = run.steps["engineer_features"].outputs["X_test"].load().head(2)
    body = json.dumps({"dataframe_records": rows.round(4).to_dict(orient="records")})
    print(f"\nThe model is served at {services[0].prediction_url}. Ask it:")
    print(
        f"  curl -s -X POST {services[0].prediction_url} "
        f"-H 'Content-Type: application/json' -d '{body}'"
    )


if __name__ == "__main__":
    main()
