"""A dynamic pipeline: steps run as the function calls them, so it can branch on a loaded
output; submit/map/product/unmapped fan out; lineage shows each mapped step's input."""

from typing import Annotated, List, Tuple

from zenml import pipeline, step, unmapped
from zenml.client import Client


@step
def make() -> List[int]:
    return [1, 2, 3]


@step
def pair() -> Tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    return 4, 5


@step
def add(x: int, y: int = 0) -> int:
    return x + y


@step
def total(xs: List[int]) -> int:
    return sum(xs)


@step
def scaled(x: int, factor: int = 3) -> int:
    return x * factor


seen = {}


@pipeline(dynamic=True, enable_cache=False)
def fan_out(threshold: int = 5):
    xs = make()
    seen["plain"] = xs.load()
    if sum(xs.load()) > threshold:
        add(x=100, y=1)
    a, b = pair()
    seen["pair"] = (a.load(), b.load())
    future = add.submit(x=a, y=b)
    seen["submit"] = future.load()
    seen["submit_result_name"] = future.result().name is not None
    mapped = add.map(x=xs, y=unmapped(10))
    seen["map_len"] = len(mapped)
    seen["map"] = mapped.load()
    seen["map_item"] = mapped[1].load()
    seen["total"] = total(mapped).load()
    seen["product"] = sorted(add.product(x=xs, y=make()).load())
    seen["default"] = scaled(x=2).load()


run = fan_out()
assert seen["plain"] == [1, 2, 3]
assert seen["pair"] == (4, 5)
assert seen["submit"] == 9 and seen["submit_result_name"]
assert seen["map_len"] == 3 and seen["map"] == [11, 12, 13] and seen["map_item"] == 12
assert seen["total"] == 36
assert seen["product"] == [2, 3, 3, 4, 4, 4, 5, 5, 6]

run = Client().get_pipeline("fan_out").last_run
assert str(run.status) == "completed", run.status
steps = run.steps
assert {"make", "add", "pair", "add_2", "total", "make_2"} <= set(steps), list(steps)
assert steps["add"].outputs["output"][0].load() == 101
assert sorted(steps["add"].inputs) == ["x", "y"] and steps["add"].config.parameters == {}
mapped_steps = sorted(n for n in steps if n.startswith("map:add_3:"))
assert mapped_steps == ["map:add_3:0", "map:add_3:1", "map:add_3:2"], mapped_steps
assert sorted(steps["map:add_3:1"].inputs) == ["x", "y"]
assert steps["map:add_3:1"].inputs["y"][0].load() == 10  # a value passed is an input artifact
assert steps["map:add_3:1"].config.parameters == {}
assert steps["map:add_3:1"].outputs["output"][0].load() == 12
assert len([n for n in steps if n.startswith("map:add_4:")]) == 9
assert seen["default"] == 6 and steps["scaled"].config.parameters == {"factor": 3}
assert sorted(steps["add_2"].inputs) == ["x", "y"]
assert steps["add_2"].inputs["y"][0].load() == 5

# the branch was not taken when the threshold is higher: no 'add' before 'pair'
seen.clear()
fan_out(threshold=100)
second = Client().get_pipeline("fan_out").last_run
assert second.steps["add"].outputs["output"][0].load() == 9  # the submit is the first add
print("ok")
