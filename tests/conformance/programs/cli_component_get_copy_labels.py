"""Component `get` (the active stack's), `register --label k=v`, `copy SRC DST`,
`update -l k=v`, `remove-attribute NAME -l KEY` and `describe NAME --output json`."""

import json
import os

from _cli import cli
from zenml.client import Client
from zenml.enums import StackComponentType

AS = StackComponentType.ARTIFACT_STORE
client = Client()
assert "default" in cli("orchestrator", "get").all
assert "default" in cli("artifact-store", "get").all

path = os.path.abspath("blobs")
cli("artifact-store", "register", "blobs", "--flavor=local", f"--path={path}",
    "--label", "team=ml")
assert client.get_stack_component(AS, "blobs").labels == {"team": "ml"}

cli("artifact-store", "copy", "blobs", "blobs2")
copy = client.get_stack_component(AS, "blobs2")
assert copy.flavor_name == "local" and copy.configuration["path"] == path
assert copy.id != client.get_stack_component(AS, "blobs").id

cli("artifact-store", "update", "blobs2", "-l", "env=dev")
assert client.get_stack_component(AS, "blobs2").labels["env"] == "dev"
cli("artifact-store", "remove-attribute", "blobs2", "-l", "env")
assert "env" not in (client.get_stack_component(AS, "blobs2").labels or {})

described = json.loads(cli("artifact-store", "describe", "blobs", "--output", "json").stdout)
assert described["name"] == "blobs" and described["flavor"] == "local"
assert described["type"] == "artifact_store" and described["active"] is False
assert described["configuration"]["path"] == path
assert described["labels"] == {"team": "ml"}
cli("artifact-store", "copy", "nope", "x", ok=False)
print("ok")
