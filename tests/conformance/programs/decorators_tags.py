"""tags= are attached to the run (as Tag objects too) and recorded in its configuration."""

from zenml import Tag, pipeline, step


@step
def train() -> int:
    return 1


@pipeline(tags=["nightly", Tag(name="team-ml")])
def tagged():
    train()


run = tagged()
assert sorted(getattr(t, "name", t) for t in run.config.tags) == ["nightly", "team-ml"]
assert sorted(tag.name for tag in run.tags) == ["nightly", "team-ml"]
run2 = tagged.with_options(tags=["extra"])()
assert sorted(tag.name for tag in run2.tags) == ["extra", "nightly", "team-ml"]
print("ok")
