"""DockerSettings / ResourceSettings at ZenML's import paths, their defaults, how a run
records them, and the settings-key check."""

from zenml import pipeline, step
from zenml.config import DockerSettings, ResourceSettings


def field(value, name):
    return value[name] if isinstance(value, dict) else getattr(value, name)


docker = DockerSettings(requirements=["scikit-learn"], apt_packages=["git"])
assert docker.parent_image is None and docker.skip_build is False
assert docker.python_package_installer.value == "uv"
assert docker.install_stack_requirements is True and docker.environment == {}
resources = ResourceSettings(cpu_count=2, memory="2GB")
assert resources.get_memory() == 2.0
assert round(resources.get_memory("MiB"), 2) == 1907.35
assert ResourceSettings().empty and not resources.empty
assert resources.gpu_count is None and resources.allocation_wait_timeout_seconds == 3600
for bad in ({"cpu_count": 0}, {"gpu_count": -1}):
    try:
        ResourceSettings(**bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"{bad} accepted")


@step(settings={"resources": resources})
def work() -> int:
    return 1


@pipeline(settings={"docker": docker})
def containerized():
    work()


run = containerized()
assert field(run.config.settings["docker"], "requirements") == ["scikit-learn"]
step_settings = run.steps["work"].config.settings
assert field(step_settings["resources"], "cpu_count") == 2
assert field(step_settings["docker"], "apt_packages") == ["git"]

try:
    work.with_options(settings={"nonsense": {"x": 1}})
    containerized.with_options(settings={"nonsense": {"x": 1}})()
except ValueError as error:
    assert "nonsense" in str(error)
else:
    raise AssertionError("an invalid settings key was accepted")
print("ok")
