"""Model version metadata: log_metadata(infer_model=True) in a step, log_metadata with
model_name + model_version or model_version_id, log_model_metadata, Model.log_metadata; read
back as run_metadata on the version and the Model."""

from zenml import Model, log_metadata, log_model_metadata, pipeline, step
from zenml.client import Client


@step
def train() -> int:
    log_metadata({"auc": 0.9}, infer_model=True)
    return 1


@pipeline(model=Model(name="churn"), enable_cache=False)
def training():
    train()


training()
client = Client()
assert client.get_model_version("churn", 1).run_metadata == {"auc": 0.9}
log_metadata({"f1": 0.5}, model_name="churn", model_version="1")
version = client.get_model_version("churn", 1)
log_metadata({"rows": 3}, model_version_id=version.id)
log_model_metadata({"owner": "me"}, model_name="churn", model_version=1)
model = Model(name="churn", version=1)
model.log_metadata({"note": "ok"})
expected = {"auc": 0.9, "f1": 0.5, "rows": 3, "owner": "me", "note": "ok"}
assert client.get_model_version("churn", 1).run_metadata == expected
assert Model(name="churn", version=1).run_metadata == expected
for bad in (lambda: log_metadata({"a": 1}, infer_model=True),
            lambda: log_model_metadata({"a": 1}),
            lambda: log_metadata({"a": 1}, model_name="churn")):
    try:
        bad()
    except ValueError:
        pass
    else:
        raise AssertionError("no model version to log on")
print("ok")
