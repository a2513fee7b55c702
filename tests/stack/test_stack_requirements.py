"""What flavors need from the rest of the stack, checked before every run: each component's
`validate_in_stack` hook, and the rule every orchestrator flavor inherits (one that runs steps
on other machines needs a remote artifact store, a container registry, and no component only
this machine reaches). Then `verify_stack`: the same checks plus each component's `verify()`.

The remote flavors here are test-only, registered through `flavor_registry.register`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.global_config import GlobalConfig
from stackwise.enums import StackComponentType
from stackwise.exceptions import StackValidationError
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator
from stackwise.stack.active_stack import load_stack
from stackwise.stack.flavor import Flavor
from stackwise.stack.flavor_registry import flavor_registry
from stackwise.stack.stack import Stack
from stackwise.stack.stack_component import StackComponent, StackComponentConfig
from stackwise.stack.validation import ComponentRequirement, stack_problems, validate_stack
from stackwise.stack.verify import NOT_BUILT, verify_stack
from stackwise.store import get_store, reset_store_cache

T = StackComponentType
CALLS: list[str] = []


class RemoteConfig(StackComponentConfig):
    host: str = "cluster.example.com"

    @property
    def is_remote(self) -> bool:
        return True


class RemoteOrchestrator(BaseOrchestrator):
    def submit(self, context: Any) -> Any:
        raise NotImplementedError("test-only: never submits")


class RemoteComponent(StackComponent):
    """A remote artifact store or container registry; only its config matters here."""


class PagerAlerter(StackComponent):
    """Needs an experiment tracker in the stack, to link alerts to runs."""

    TYPE = T.ALERTER

    def validate_in_stack(self, stack: Stack) -> list[str]:
        if stack.component_records(T.EXPERIMENT_TRACKER):
            return []
        return [
            f"needs an experiment tracker to link alerts to runs: `stackwise stack update "
            f"{stack.name} -e NAME`."
        ]

    def verify(self) -> None:
        raise ConnectionError("pager.example.com refused the connection")


TEST_FLAVORS = [
    Flavor(
        T.ORCHESTRATOR, "remote_test", f"{__name__}:RemoteOrchestrator", f"{__name__}:RemoteConfig"
    ),
    Flavor(
        T.ARTIFACT_STORE, "remote_test", f"{__name__}:RemoteComponent", f"{__name__}:RemoteConfig"
    ),
    Flavor(
        T.CONTAINER_REGISTRY,
        "remote_test",
        f"{__name__}:RemoteComponent",
        f"{__name__}:RemoteConfig",
    ),
    Flavor(T.ALERTER, "pager", f"{__name__}:PagerAlerter"),
    Flavor(T.ALERTER, "ghost", "stackwise_no_such_module.alerter:Ghost", integration="ghost"),
]


@pytest.fixture(autouse=True)
def test_flavors() -> Iterator[None]:
    for flavor in TEST_FLAVORS:
        flavor_registry.register(flavor)
    yield
    for flavor in TEST_FLAVORS:
        flavor_registry._flavors.pop((str(flavor.type), flavor.name), None)


@pytest.fixture
def client() -> Client:
    return Client()


def register(
    client: Client, name: str, type_: StackComponentType, flavor: str, **config: Any
) -> None:
    client.create_stack_component(name, flavor, type_, config)


def problems_of(
    client: Client, stack: str, requirements: list[ComponentRequirement] | None = None
) -> list[str]:
    return stack_problems(load_stack(get_store(), stack), requirements or [], get_store())


# -- the remote orchestrator rule -------------------------------------------------------------
def test_a_remote_orchestrator_needs_a_remote_store_a_registry_and_no_local_tracker(
    client: Client,
) -> None:
    register(client, "cluster", T.ORCHESTRATOR, "remote_test")
    register(client, "local_tracker", T.EXPERIMENT_TRACKER, "mlflow")  # sqlite on this machine
    client.create_stack(
        "k8s",
        {
            "orchestrator": "cluster",
            "artifact_store": "default",
            "experiment_tracker": "local_tracker",
        },
    )

    with pytest.raises(StackValidationError) as info:
        validate_stack(load_stack(get_store(), "k8s"), [], get_store())
    lines = str(info.value).splitlines()
    assert lines[0] == "Stack 'k8s' cannot run this pipeline (4 problems):"
    assert lines[1:] == [
        "  1. Stack 'k8s': orchestrator 'cluster' (remote_test) runs steps on other machines, "
        "but artifact store 'default' (local) keeps artifacts on this one, where those steps "
        "cannot read or write them. Use a remote artifact store: `stackwise artifact-store "
        "register NAME --flavor=FLAVOR --path=URI`, then `stackwise stack update k8s -a NAME`.",
        "  2. Stack 'k8s': orchestrator 'cluster' (remote_test) runs steps on other machines, "
        "but experiment tracker 'local_tracker' (mlflow) is configured for this machine only, "
        "so those steps cannot reach it. Point it at a shared service (`stackwise "
        "experiment-tracker flavor describe mlflow` lists its keys, `stackwise "
        "experiment-tracker update local_tracker --key=value` changes them) or remove it: "
        "`stackwise stack remove-component k8s --experiment-tracker`.",
        "  3. Stack 'k8s': orchestrator 'cluster' (remote_test) runs steps on other machines, "
        f"but the metadata store is the SQLite file {get_store().url}, which they cannot open. "
        "Use a shared database (store_url: postgresql://... in "
        f"{GlobalConfig().config_path}) or a stackwise server (`stackwise login URL`).",
        "  4. Stack 'k8s': orchestrator 'cluster' (remote_test) runs steps on other machines "
        "from a container image, so the stack needs a container registry to push that image "
        "to: `stackwise container-registry register NAME --flavor=FLAVOR --uri=URI`, then "
        "`stackwise stack update k8s -c NAME`.",
    ]


def test_a_remote_orchestrator_with_remote_components_passes(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWISE_STORE_URL", postgres_url)  # a store other machines reach
    reset_store_cache()
    client = Client()
    register(client, "cluster", T.ORCHESTRATOR, "remote_test")
    register(client, "bucket", T.ARTIFACT_STORE, "remote_test")
    register(client, "registry", T.CONTAINER_REGISTRY, "remote_test")
    register(
        client,
        "server_tracker",
        T.EXPERIMENT_TRACKER,
        "mlflow",
        tracking_uri="http://mlflow.internal:5000",
    )
    client.create_stack(
        "k8s",
        {
            "orchestrator": "cluster",
            "artifact_store": "bucket",
            "container_registry": "registry",
            "experiment_tracker": "server_tracker",
        },
    )
    assert problems_of(client, "k8s") == []


def test_a_local_orchestrator_may_use_local_components(client: Client) -> None:
    register(client, "local_tracker", T.EXPERIMENT_TRACKER, "mlflow")
    client.create_stack(
        "laptop",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "local_tracker",
        },
    )
    assert problems_of(client, "laptop") == []


# -- flavors' own requirements ---------------------------------------------------------------
def test_a_flavor_states_what_it_needs_alongside_every_other_problem(client: Client) -> None:
    register(client, "pager", T.ALERTER, "pager")
    register(client, "ghost", T.ALERTER, "ghost")
    store = get_store()
    client.create_stack(
        "paged", {"orchestrator": "default", "artifact_store": "default", "alerter": "pager"}
    )
    assert problems_of(
        client, "paged", [ComponentRequirement("train", T.STEP_OPERATOR, "gpu")]
    ) == [
        "Component 'pager' (alerter): needs an experiment tracker to link alerts to runs: "
        "`stackwise stack update paged -e NAME`.",
        "Step 'train' uses step_operator='gpu', but the active stack 'paged' has no step "
        "operator named 'gpu'. To fix, register it (`stackwise step-operator register gpu "
        "--flavor=...`) and add it: `stackwise stack update paged -s gpu`. `stackwise stack "
        "describe` shows the stack.",
    ]

    # a component whose library is missing cannot check anything: that is the problem then
    ghost_stack = store.create_stack(
        "haunted",
        [
            str(client.get_stack_component("orchestrator", "default").id),
            str(client.get_stack_component("artifact_store", "default").id),
            str(client.get_stack_component("alerter", "ghost").id),
        ],
    )
    assert problems_of(client, ghost_stack.name) == [
        "Component 'ghost' (alerter): The alerter flavor 'ghost' cannot be used: No module named "
        "'stackwise_no_such_module'. Install it: pip install \"stackwise[ghost]\""
    ]


@step
def touch() -> int:
    CALLS.append("touch")
    return 1


@pipeline
def tiny() -> None:
    touch()


def test_a_run_stops_before_any_step_on_what_a_flavor_needs(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(client, "pager", T.ALERTER, "pager")
    client.create_stack(
        "paged", {"orchestrator": "default", "artifact_store": "default", "alerter": "pager"}
    )
    monkeypatch.setenv("STACKWISE_STACK", "paged")
    CALLS.clear()
    with pytest.raises(
        StackValidationError,
        match=r"\(1 problem\):\n  1\. Component 'pager' "
        r"\(alerter\): needs an experiment tracker",
    ):
        tiny()
    assert CALLS == []
    assert client.list_pipeline_runs().total == 0


# -- verify_stack ----------------------------------------------------------------------------
def test_verify_passes_on_the_default_stack_and_leaves_no_probe(stackwise_home: Path) -> None:
    result = verify_stack(load_stack(get_store(), "default"), get_store())
    assert result.ok
    assert [(c.type, c.name, c.flavor, c.error) for c in result.checks] == [
        ("orchestrator", "default", "local", None),
        ("artifact_store", "default", "local", None),
    ]
    assert os.listdir(stackwise_home / "artifacts") == []  # probe written and deleted


def test_verify_reports_every_failure(client: Client, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    register(client, "blocked", T.ARTIFACT_STORE, "local", path=str(blocker / "artifacts"))
    register(client, "pager", T.ALERTER, "pager")
    register(client, "ghost", T.ALERTER, "ghost")
    store = get_store()
    ids = [
        str(client.get_stack_component(t, n).id)
        for t, n in (
            ("orchestrator", "default"),
            ("artifact_store", "blocked"),
            ("alerter", "pager"),
        )
    ]
    store.create_stack("shaky", ids)
    store.create_stack(
        "haunted", [*ids[:2], str(client.get_stack_component("alerter", "ghost").id)]
    )

    result = verify_stack(load_stack(store, "shaky"), store)
    assert not result.ok
    assert result.problems == [
        "Component 'pager' (alerter): needs an experiment tracker to "
        "link alerts to runs: `stackwise stack update shaky -e NAME`."
    ]
    assert [(c.name, c.error) for c in result.checks] == [
        ("default", None),
        (
            "blocked",
            f"Artifact store 'blocked' cannot write to its folder "
            f"{blocker / 'artifacts'}: Not a directory ({blocker / 'artifacts'}). Make "
            "the folder writable, or point the store at another one: `stackwise "
            "artifact-store update blocked --path=FOLDER`.",
        ),
        ("pager", "ConnectionError: pager.example.com refused the connection"),
    ]
    assert [c.name for c in result.failed] == ["blocked", "pager"]

    haunted = verify_stack(load_stack(store, "haunted"), store)
    assert haunted.checks[-1].error == NOT_BUILT
    assert any("stackwise_no_such_module" in p for p in haunted.problems)


def test_an_unresolvable_secret_reference_is_a_problem_before_the_run(client: Client) -> None:
    register(
        client,
        "t",
        T.EXPERIMENT_TRACKER,
        "mlflow",
        tracking_uri="http://mlflow.internal:5000",
        tracking_password="{{nope.password}}",
    )
    client.create_stack(
        "secretive",
        {"orchestrator": "default", "artifact_store": "default", "experiment_tracker": "t"},
    )
    problems = problems_of(client, "secretive")
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith(
        "Component 't' (experiment_tracker): Cannot use experiment tracker 't'"
    )
    assert "{{nope.password}}" in problems[0]
    assert "`stackwise secret create nope --password=VALUE`" in problems[0]
