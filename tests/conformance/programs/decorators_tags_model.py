"""tags= are attached to the run; model= is recorded in its configuration."""

from zenml import Model, pipeline, step


@step
def train() -> int:
    return 1


@pipeline(tags=["nightly", "team-ml"], model=Model(name="churn"))
def tagged():
    train()


run = tagged()
assert sorted(run.config.tags) == ["nightly", "team-ml"]
assert sorted(tag.name for tag in run.tags) == ["nightly", "team-ml"]
assert run.config.model.name == "churn"
run2 = tagged.with_options(tags=["extra"])()
assert sorted(tag.name for tag in run2.tags) == ["extra", "nightly", "team-ml"]
print("ok")
