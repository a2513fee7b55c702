"""The package's public surface is deliberate, importing it loads no cryptography, and
concurrent updates of one secret lose nothing."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import stackwise.secrets
from stackwise.client import Client


def test_exported_names():
    assert set(stackwise.secrets.__all__) == {
        "KEY_ENV",
        "EncryptionKey",
        "SecretInfo",
        "SecretReference",
        "SecretStore",
        "find_references",
        "has_references",
        "key_file_path",
        "load_key",
        "plaintext_secret_warnings",
        "referenced_secrets",
        "resolve_references",
        "warn_plaintext_secrets",
    }
    for name in stackwise.secrets.__all__:
        assert getattr(stackwise.secrets, name) is not None


def test_importing_secrets_and_stacks_loads_no_cryptography():
    code = (
        "import sys, stackwise.secrets, stackwise.stack.stack; print('cryptography' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_concurrent_updates_of_different_keys_all_land(client: Client):
    client.create_secret("shared", {"seed": "0"})

    def set_key(i: int) -> None:
        Client().update_secret("shared", add_or_update_values={f"key{i}": str(i)})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(set_key, range(16)))

    assert client.get_secret("shared").secret_values == {
        "seed": "0",
        **{f"key{i}": str(i) for i in range(16)},
    }
