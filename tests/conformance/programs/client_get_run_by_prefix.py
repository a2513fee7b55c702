"""get_pipeline_run by name, UUID, str(UUID), a unique id prefix of any length; an ambiguous prefix
is a KeyError (ZenKeyError) listing the matches; hydrate= is accepted."""

from collections import Counter

from zenml import pipeline, step
from zenml.client import Client
from zenml.exceptions import ZenKeyError


@step
def make(n: int) -> int:
    return n


@pipeline
def prefixes(n: int = 0):
    make(n)


for i in range(12):
    prefixes.with_options(run_name=f"run_{i}")(n=i)

client = Client()
run = client.get_pipeline_run("run_3")
assert run.name == "run_3"
assert client.get_pipeline_run(run.id).name == "run_3"
assert client.get_pipeline_run(str(run.id)).name == "run_3"
assert client.get_pipeline_run(str(run.id)[:8]).id == run.id
assert client.get_pipeline_run("run_3", hydrate=False).id == run.id
assert client.get_pipeline_run("run_3", hydrate=True).id == run.id
assert [r.name for r in client.list_pipeline_runs(hydrate=True, size=2)] == ["run_11", "run_10"]

ids = [str(r.id) for r in client.list_pipeline_runs(size=50)]
counts = Counter(i[0] for i in ids)
unique = [c for c, n in counts.items() if n == 1]
shared = [c for c, n in counts.items() if n > 1]
for c in unique:  # one character is enough when only one run's id starts with it
    assert str(client.get_pipeline_run(c).id).startswith(c)
for c in shared:
    try:
        client.get_pipeline_run(c)
    except KeyError as e:
        matching = [i for i in ids if i.startswith(c)]
        assert all(m in str(e) for m in matching)  # the message lists the candidates
        assert isinstance(e, ZenKeyError)
    else:
        raise AssertionError(f"prefix {c!r} matches several runs")

try:
    client.get_pipeline_run("no_such_run")
except KeyError as e:
    assert "no_such_run" in str(e)
else:
    raise AssertionError("an unknown run name is a KeyError")
print("ok")
