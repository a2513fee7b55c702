"""Run the fraud-detection pipeline on the active stack, then read its results back.

    python run.py                      # defaults
    python run.py --max-depth 3        # a changed parameter: that step and downstream re-run

The same file runs unchanged on any stack: `stackwise stack set NAME` picks where.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from make_data import make_features
from pipeline.pipeline import fraud_detection_pipeline

from stackwise.client import Client

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(HERE / "data" / "features.parquet"))
    parser.add_argument("--max-depth", type=int, default=5)
    args = parser.parse_args()

    data = Path(args.data)
    if not data.exists():
        make_features(data)
    run = fraud_detection_pipeline(dataset_uri=str(data), max_depth=args.max_depth)
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


if __name__ == "__main__":
    main()
