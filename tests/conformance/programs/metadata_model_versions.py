"""bulk_log_metadata on model versions: model_versions=[ModelVersionIdentifier(id=...) or
(name=..., version=...)], and infer_models=True inside a step with a model."""

from zenml import Model, bulk_log_metadata, pipeline, step
from zenml.client import Client
from zenml.models import ModelVersionIdentifier


@step
def train() -> int:
    bulk_log_metadata({"inside": True}, infer_models=True)
    return 1


@pipeline(model=Model(name="churn"), enable_cache=False)
def training():
    train()


training()
training()
client = Client()
first = client.get_model_version("churn", 1)
bulk_log_metadata(
    {"bulk": 1},
    model_versions=[ModelVersionIdentifier(id=first.id),
                    ModelVersionIdentifier(name="churn", version="2")],
)
assert client.get_model_version("churn", 1).run_metadata == {"inside": True, "bulk": 1}
assert client.get_model_version("churn", 2).run_metadata == {"inside": True, "bulk": 1}
print("ok")
