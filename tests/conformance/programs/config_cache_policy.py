"""CachePolicy: defaults, 'default' by name, and parts of the cache key switched off."""

from zenml import pipeline, step
from zenml.config import CachePolicy

policy = CachePolicy()
assert policy.include_step_code and policy.include_step_parameters
assert policy.include_artifact_values and policy.include_artifact_ids
assert policy.ignored_inputs is None and policy.expires_after is None
assert CachePolicy.from_string("default") == CachePolicy.default()
try:
    CachePolicy.from_string("nope")
except ValueError:
    pass
else:
    raise AssertionError("an unknown policy name was accepted")
calls = []


@step(cache_policy=CachePolicy(include_step_parameters=False))
def loose(n: int) -> int:
    calls.append(n)
    return 1


@step
def strict(n: int) -> int:
    calls.append(-n)
    return n


@pipeline
def policed(n: int):
    loose(n)
    strict(n)


policed(n=1)
second = policed(n=2)
assert second.steps["loose"].status == "cached"
assert second.steps["strict"].status == "completed"
assert calls == [1, -1, -2], calls
print("ok")
