"""on_start runs before the step, on_end after it (also when it fails, before on_failure)."""

from zenml import pipeline, step

calls = []


def started():
    calls.append("start")


def ended():
    calls.append("end")


def failed(error: BaseException):
    calls.append(f"failure:{error}")


@step(on_start=started, on_end=ended)
def works() -> int:
    calls.append("body")
    return 1


@step(on_start=started, on_end=ended, on_failure=failed)
def breaks() -> int:
    calls.append("body")
    raise ValueError("boom")


@pipeline(enable_cache=False)
def good():
    works()


@pipeline(enable_cache=False)
def bad():
    breaks()


good()
assert calls == ["start", "body", "end"], calls
calls.clear()
try:
    bad()
except RuntimeError:
    pass
assert calls == ["start", "body", "end", "failure:boom"], calls
print("ok")
