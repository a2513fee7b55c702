"""model= is recorded in the run's configuration as the Model given (the Model Control Plane
acts on it: the run uses a version of that model)."""

from zenml import Model, pipeline, step


@step
def train() -> int:
    return 1


@pipeline(model=Model(name="churn", license="MIT"))
def modelled():
    train()


run = modelled()
assert isinstance(run.config.model, Model)
assert run.config.model.name == "churn" and run.config.model.license == "MIT"
assert run.config.model.version is None
assert run.model_version.name == "1" and run.model_version.number == 1
print("ok")
