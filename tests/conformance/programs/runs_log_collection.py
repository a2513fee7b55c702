"""Where a step's and a run's captured logs are: `log_collection` entries (LogsResponse) with
the URI in the active artifact store, the step run or run they belong to; none for a step with
`enable_step_logs=False` or while ZENML_DISABLE_STEP_LOGS_STORAGE is set. (ZenML adds a
`prepare_step` entry per step and writes one JSON-lines file; stackwise keeps one `step`
entry whose URI is a folder of text chunks: both are read here as "the files at uri".)"""

import os
from pathlib import Path

from zenml import pipeline, step
from zenml.client import Client


@step
def chatty() -> int:
    print("chatty was here")
    return 1


@step(enable_step_logs=False)
def private(x: int) -> int:
    print("private business")
    return x


@pipeline(enable_cache=False)
def logged():
    private(chatty())


def text_at(uri: str) -> str:
    path = Path(uri)
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return "".join(f.read_text() for f in files)


run = Client().get_pipeline_run(logged().id)
store_id = Client().active_stack_model.components["artifact_store"][0].id

step_run = run.steps["chatty"]
entries = [e for e in step_run.log_collection if e.source == "step"]
assert len(entries) == 1, step_run.log_collection
entry = entries[0]
assert entry.step_run_id == step_run.id and entry.pipeline_run_id is None
assert entry.artifact_store_id == store_id
assert entry.log_store_id is None and entry.hook_invocation_id is None
assert "chatty was here" in text_at(entry.uri)

assert run.steps["private"].log_collection == []

(run_entry,) = run.log_collection
assert run_entry.source == "client"
assert run_entry.pipeline_run_id == run.id and run_entry.step_run_id is None
assert run_entry.artifact_store_id == store_id
assert os.path.exists(run_entry.uri)

os.environ["ZENML_DISABLE_STEP_LOGS_STORAGE"] = "true"
quiet = Client().get_pipeline_run(logged().id)
assert all(s.log_collection == [] for s in quiet.steps.values())
print("ok")
