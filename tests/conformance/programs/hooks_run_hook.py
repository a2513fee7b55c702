"""run_hook: the hook runs wherever it is called and its value (or error) comes back; in a step
or a dynamic pipeline the call is recorded as a hook invocation (name, type, status, source,
stored return value), outside a run it is not; invalid names are refused before the hook
runs; deleting the run deletes its invocations, not the artifacts."""

import uuid

from zenml import pipeline, run_hook, step
from zenml.client import Client
from zenml.enums import HookType

calls = []


def notify(value, extra=0):
    calls.append(value)
    return {"sum": value + extra}


def answer():
    return 42


def nothing():
    calls.append("nothing")


def broken():
    raise ValueError("hook broke")


# outside a run: the hook runs, nothing is recorded
assert run_hook(notify, 1, kwargs={"extra": 2}) == {"sum": 3}
assert run_hook(notify, 2, track=False) == {"sum": 2}
try:
    run_hook(broken)
except ValueError as error:
    assert str(error) == "hook broke"
else:
    raise AssertionError("a failing hook raises its error")

for bad_name in ("", "has space", "1starts_with_digit", "-dash", "a/b"):
    before = len(calls)
    try:
        run_hook(notify, 0, name=bad_name)
    except ValueError as error:
        assert "Invalid hook name" in str(error), error
    else:
        raise AssertionError(f"name {bad_name!r} must be refused")
    assert len(calls) == before, "the hook must not run with an invalid name"
for good_name in ("a-b", "a.b", "_x", "Notify_2"):
    run_hook(notify, 0, name=good_name, track=False)


@step(enable_cache=False)
def work() -> int:
    assert run_hook(notify, 10, kwargs={"extra": 1}) == {"sum": 11}
    assert run_hook(answer, name="the-answer", store_return=True) == 42
    assert run_hook(nothing, store_return=True) is None
    run_hook(notify, 20, hook_type=HookType.STEP_START, store_return=True)
    run_hook(notify, 30, track=False)
    try:
        run_hook(broken, name="broken_hook")
    except ValueError:
        pass
    return 1


@pipeline(enable_cache=False)
def with_hooks():
    work()


@pipeline(dynamic=True, enable_cache=False)
def dynamic_hooks():
    assert run_hook(answer, store_return=True) == 42
    work()
    run_hook(notify, 5, name="finished", hook_type=HookType.RUN_END)


client = Client()
assert client.list_hook_invocations().total == 0

with_hooks()
run = client.get_pipeline("with_hooks").last_run
step_run = run.steps["work"]
page = client.list_hook_invocations(pipeline_run_id=run.id, size=50)
assert page.total == 5, page.total
found = {(i.name, i.hook_type.value): i for i in page.items}
assert set(found) == {("notify", "custom"), ("the-answer", "custom"), ("nothing", "custom"),
                      (None, "step_start"), ("broken_hook", "custom")}, set(found)
for invocation in page.items:
    assert invocation.pipeline_run_id == run.id
    assert invocation.step_run_id == step_run.id
    assert invocation.start_time is not None and invocation.end_time is not None
    assert invocation.start_time <= invocation.end_time

plain = client.get_hook_invocation(found[("notify", "custom")].id)
assert plain.status.value == "completed"
assert plain.outputs == {}
assert plain.exception_info is None
assert plain.source is not None and plain.source.endswith("notify"), plain.source

stored = found[("the-answer", "custom")]
assert list(stored.outputs) == ["output"]
(version,) = stored.outputs["output"]
assert version.load() == 42
assert version.artifact.name == "output"
assert getattr(version.save_type, "value", version.save_type) == "manual"
assert found[("nothing", "custom")].outputs == {}
assert found[(None, "step_start")].outputs["output"][0].load() == {"sum": 20}

failed = found[("broken_hook", "custom")]
assert failed.status.value == "failed"
assert failed.exception_info.message == "hook broke"
assert "ValueError" in failed.exception_info.traceback

# hook outputs are not step outputs
assert list(step_run.outputs) == ["output"], list(step_run.outputs)
assert step_run.outputs["output"][0].load() == 1

# filters
assert client.list_hook_invocations(name="the-answer").total == 1
assert client.list_hook_invocations(status="failed").total == 1
assert client.list_hook_invocations(hook_type="step_start").total == 1
assert client.list_hook_invocations(step_run_id=step_run.id).total == 5
assert client.list_hook_invocations(name="startswith:no").total == 2

dynamic_hooks()
dynamic_run = client.get_pipeline("dynamic_hooks").last_run
in_function = client.list_hook_invocations(pipeline_run_id=dynamic_run.id,
                                           step_run_id="isnull:", size=50)
names = sorted((i.name, i.hook_type.value) for i in in_function.items)
assert names == [("answer", "custom"), ("finished", "run_end")], names
assert client.list_hook_invocations(pipeline_run_id=dynamic_run.id).total == 7

try:
    client.get_hook_invocation(uuid.uuid4())
except KeyError:
    pass
else:
    raise AssertionError("an unknown hook invocation id is a KeyError")

client.delete_hook_invocation(plain.id)
assert client.list_hook_invocations(pipeline_run_id=run.id).total == 4
try:
    client.delete_hook_invocation(plain.id)
except KeyError:
    pass
else:
    raise AssertionError("deleting twice is a KeyError")

versions_before = client.list_artifact_versions(artifact="output").total
client.delete_pipeline_run(run.id)
assert client.list_hook_invocations(pipeline_run_id=run.id).total == 0
assert client.list_artifact_versions(artifact="output").total == versions_before
print("ok")
