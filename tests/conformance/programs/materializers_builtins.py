"""Built-in materializers round-trip the values users pass between steps, with their types."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from zenml import pipeline, step
from zenml.enums import ArtifactType


@dataclass
class Settings:
    depth: int
    name: str


class Params(BaseModel):
    rate: float


@step
def make() -> tuple:
    return (True, 3, 2.5, "s", None, b"raw", uuid.UUID(int=1),
            Settings(2, "a"), Params(rate=0.1), {"k": [1, 2]}, {1, 2})


@step
def make_path() -> Path:
    target = Path("exported")
    target.mkdir(exist_ok=True)
    (target / "model.txt").write_text("weights")
    return target


@pipeline
def builtins_pipeline():
    make()
    make_path()


run = builtins_pipeline()
value = run.steps["make"].output.load()
assert value[:6] == (True, 3, 2.5, "s", None, b"raw")
assert value[6] == uuid.UUID(int=1) and isinstance(value[6], uuid.UUID)
assert value[7] == Settings(2, "a") and value[8] == Params(rate=0.1)
assert value[9] == {"k": [1, 2]} and value[10] == {1, 2}
assert run.steps["make"].output.type == ArtifactType.BASE  # containers are "base" artifacts
assert run.steps["make_path"].output.type == ArtifactType.DATA
loaded_path = run.steps["make_path"].output.load()
assert isinstance(loaded_path, Path) and (loaded_path / "model.txt").read_text() == "weights"
print("ok")
