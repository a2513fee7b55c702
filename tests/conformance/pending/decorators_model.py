"""model= is recorded in the run's configuration (the Model Control Plane acts on it)."""

from zenml import Model, pipeline, step


@step
def train() -> int:
    return 1


@pipeline(model=Model(name="churn"))
def modelled():
    train()


run = modelled()
assert run.config.model.name == "churn"
print("ok")
