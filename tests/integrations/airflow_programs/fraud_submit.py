"""Run the lesson's fraud-detection pipeline on the active stack from its folder, as run.py
does but without reading results back (on airflow the run has only been submitted when the
call returns). `python fraud_submit.py DATA` from examples/fraud_detection."""

import json
import os
import sys

sys.path.insert(0, os.getcwd())  # the example's folder, where its `pipeline` package is

from pipeline.pipeline import fraud_detection_pipeline

run = fraud_detection_pipeline(dataset_uri=sys.argv[1], max_depth=5, deploy_threshold=0.85)
print(json.dumps({"id": str(run.id), "status": str(run.status)}))
